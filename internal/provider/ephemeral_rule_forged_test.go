package provider

import (
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// (Found in review, issue 35.) a secgroup_rule whose description ends in the expiry
// marker's text is, to every ephemeral Open on its group, a dead run's
// leftover once the marker's time has passed, and is revoked by it (and a
// live-looking one is kept by secgroup_rules_exclusive). The marker is the
// provider's own persisted format: the plan must refuse it in a managed
// rule's description, as it refuses any description the cloud would not
// take.
func TestRuleDescriptionWithMarkerRefused(t *testing.T) {
	for _, cloudName := range []string{"alicloud", "zenlayer", "baiducloud", "apsarastack"} {
		def, _ := Clouds().Get(cloudName)
		m := newRuleModel()
		m.Cloud, m.SecurityGroupID = typesString(cloudName), typesString("sg-web")
		m.Direction, m.Protocol, m.PortRange, m.CIDR = typesString("ingress"), typesString("tcp"), typesString("443"), typesString("198.51.100.0/24")
		m.Description = typesString("db")
		var problems []problem
		for _, check := range configChecks {
			problems = append(problems, check(m, &def)...)
		}
		if len(problems) != 0 {
			t.Fatalf("%s: the rule without the marker fails its checks: %v", cloudName, problems)
		}
		m.Description = typesString("db " + rule.Marker(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)))
		for _, check := range configChecks {
			problems = append(problems, check(m, &def)...)
		}
		if len(problems) == 0 {
			t.Errorf("%s: secgroup_rule takes the description %q, which every ephemeral rule opened on its group revokes as an expired leftover", cloudName, m.Description.ValueString())
		}
	}
}

// (Found in review, issue 35.) "a rule must not stay open forever after a killed
// run", yet duration has a floor and no ceiling: a killed run whose rule
// had duration = "876000h" (100 years) leaves it open, and
// secgroup_rules_exclusive keeps it, for a century. Fails on main.
func TestEphemeralDurationHasCeiling(t *testing.T) {
	for _, v := range []string{"876000h", "8760h"} {
		if d, p := durationOf(typesString(v)); p == nil {
			t.Errorf("duration %q (%s) is accepted: a killed run's rule stays open that long, and secgroup_rules_exclusive keeps it as live", v, d)
		}
	}
}
