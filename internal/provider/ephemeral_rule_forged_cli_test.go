package provider

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// (Found in review, issue 35.) a managed secgroup_rule whose description ends in the
// marker's text (the plan takes it) is revoked by the next ephemeral rule
// opened on its group, at plan: "nothing is revoked that was not ours".
func TestAccEphemeralRule_managedRuleWithMarkerTextRefused(t *testing.T) {
	cli, work := ephemeralCLI(t)
	m := mocktest.Start(t, "")
	cloudName, group := "alicloud", ephemeralGroups["alicloud"]
	dir := filepath.Join(work, cloudName)
	managed := fmt.Sprintf(`
resource "secgroup_rule" "mine" {
  cloud             = %q
  security_group_id = %q
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "443"
  cidr              = "198.51.100.0/24"
  description       = "partner secgroup-ephemeral:v1:until=2020-01-01T00:00:00Z"
}
`, cloudName, group)
	writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+managed))
	out, code := runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color")
	if code != 0 {
		// Refused at plan: the fix this review asks for.
		if strings.Contains(oneLine(out), "secgroup-ephemeral") {
			return
		}
		t.Fatalf("apply failed (exit %d):\n%s", code, clirun.Tail(out, 3000))
	}
	writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+managed+ephemeralBlock(cloudName, "")))
	out = oneLine(mustCLI(t, cli, dir, "plan", "-lock=false"))
	held := mocktest.Rules(m, cloudName, group)
	b, _ := json.Marshal(held)
	if !strings.Contains(string(b), "198.51.100.0/24") {
		t.Fatalf("the plan of an ephemeral rule on the group revoked the managed secgroup_rule.mine (group now %s):\n%s", b, clirun.Tail(out, 3000))
	}
}

// (Found in review, issue 35.) secgroup_rules_exclusive keeps any rule whose
// description ends in a marker not yet expired, however far off: a rule
// anyone made with until=2099 is never revoked by the exclusive resource.
// A live marker can be at most the longest duration ahead; one further is
// not an ephemeral rule's.
func TestAccEphemeralRule_exclusiveRevokesForgedMarker(t *testing.T) {
	cli, work := ephemeralCLI(t)
	m := mocktest.Start(t, "")
	cloudName, group := "alicloud", ephemeralGroups["alicloud"]
	dir := filepath.Join(work, cloudName)
	writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+fmt.Sprintf(`
resource "secgroup_rule" "keep" {
  cloud             = %[1]q
  security_group_id = %[2]q
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "443"
  cidr              = "0.0.0.0/0"
}

resource "secgroup_rules_exclusive" "only" {
  cloud             = %[1]q
  security_group_id = %[2]q
  rule_ids          = [secgroup_rule.keep.id]
}
`, cloudName, group)))
	mustCLI(t, cli, dir, "apply", "-auto-approve")
	forged := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "0.0.0.0/0",
		Description: rule.WithMarker("backdoor", time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC))}
	authorizeInMock(t, m, cloudName, group, forged)
	out := oneLine(mustCLI(t, cli, dir, "apply", "-auto-approve"))
	b, _ := json.Marshal(mocktest.Rules(m, cloudName, group))
	if strings.Contains(string(b), `"22/22"`) {
		t.Fatalf("secgroup_rules_exclusive kept a stray rule (ssh from anywhere) because its description ends in a marker until 2099: %s\n%s", b, clirun.Tail(out, 2000))
	}
}
