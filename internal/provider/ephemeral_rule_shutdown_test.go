package provider

import (
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// (Found in review.) An Open whose create ended unconfirmed (it never landed) is remembered by
// content; meanwhile another run opened the same rule with its own marker.
// The shutdown must not revoke the other run's rule.
func TestCloseStillOpenSparesAnotherRunsRule(t *testing.T) {
	for _, cloudName := range []string{"alicloud", "zenlayer"} {
		t.Run(cloudName, func(t *testing.T) {
			m := mocktest.Start(t, "")
			group := map[string]string{"alicloud": "sg-web", "zenlayer": "zl-web"}[cloudName]
			base := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 5432, To: 5432}, CIDR: "203.0.113.7/32"}
			ours, theirs := base, base
			ours.Description = rule.WithMarker("ci", m.Store.Now().Add(time.Hour))
			theirs.Description = rule.WithMarker("ci", m.Store.Now().Add(2*time.Hour))
			authorizeInMock(t, m, cloudName, group, theirs)
			remember(mockConns(t, m, cloudName), openedRule{Cloud: cloudName, Group: group, Rule: ours, Made: true, UserDescription: "ci", Duration: time.Hour, Key: "k-" + cloudName})
			CloseStillOpen(5 * time.Second)
			if n := len(mocktest.Rules(m, cloudName, group)); n != 1 {
				t.Fatalf("the group holds %d rules after the shutdown; want the other run's rule (%q) kept", n, theirs.Description)
			}
		})
	}
}

// The unconfirmed create did land: the shutdown revokes it.
func TestCloseStillOpenRevokesOurUnconfirmedRule(t *testing.T) {
	for _, cloudName := range []string{"alicloud", "zenlayer", "ens", "baiducloud"} {
		t.Run(cloudName, func(t *testing.T) {
			m := mocktest.Start(t, "")
			group := map[string]string{"alicloud": "sg-web", "zenlayer": "zl-web", "ens": "sg-ens-web", "baiducloud": "g-web"}[cloudName]
			before := len(mocktest.Rules(m, cloudName, group))
			ours := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 5432, To: 5432}, CIDR: "203.0.113.7/32"}
			if cloudName != "ens" {
				ours.Description = rule.WithMarker("ci", m.Store.Now().Add(time.Hour))
			}
			authorizeInMock(t, m, cloudName, group, ours)
			remember(mockConns(t, m, cloudName), openedRule{Cloud: cloudName, Group: group, Rule: ours, Made: true, UserDescription: "ci", Duration: time.Hour, Key: "k2-" + cloudName})
			CloseStillOpen(5 * time.Second)
			if n := len(mocktest.Rules(m, cloudName, group)); n != before {
				t.Fatalf("the group holds %d rules after the shutdown; want %d (ours revoked)", n, before)
			}
		})
	}
}
