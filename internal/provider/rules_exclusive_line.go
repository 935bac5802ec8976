package provider

import (
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// exclusiveLine is a rule as secgroup_rules_exclusive's rules attribute
// holds it: what a reviewer reads (displayName), then, where the cloud
// gives one, when the cloud made the rule ("ingress tcp 22 from
// 10.0.0.0/8 nic intranet accept priority 1 (sgr-1), created
// 2026-12-06T14:05:26Z").
// It is written to state and compared later: the apply revokes a rule
// only while the group holds it as this line, so a rule revoked and made
// again after the plan, whose content and id may be the same (ENS), is
// told apart by its creation time.
//
// Its versions follow the resource's schema version (rulesExclusiveVersion):
// 0 wrote displayName alone, without the NIC type; 1 adds the NIC type
// (where the rule has one) and the creation time. A version 0 line
// matches no rule of a cloud that gives creation times, so a plan made from
// an upgraded state without a refresh (-refresh=false) revokes nothing;
// a refresh writes version 1 lines.
func exclusiveLine(o rule.Rule) string {
	s := displayName(o)
	if !o.Created.IsZero() {
		s += ", created " + o.Created.UTC().Format(time.RFC3339)
	}
	return s
}
