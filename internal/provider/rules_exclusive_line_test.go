package provider

import (
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// The rules lines are written to state and compared by later applies: a
// change of their form is a new state version (rulesExclusiveVersion).
func TestExclusiveLine(t *testing.T) {
	created := time.Date(2026, 12, 6, 14, 5, 26, 0, time.FixedZone("CST", 8*3600))
	for _, tc := range []struct {
		r    rule.Rule
		want string
	}{
		{rule.Rule{NativeID: "sgr-1", Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8",
			Policy: rule.Accept, Priority: 1, Description: "ssh", Created: created},
			`ingress tcp 22 from 10.0.0.0/8 accept priority 1 "ssh" (sgr-1), created 2026-12-06T06:05:26Z`},
		{rule.Rule{Direction: rule.Egress, Protocol: rule.All, PeerGroupID: "sg-2", PeerGroupOwnerID: "1234567890"},
			`egress all to group sg-2 of 1234567890`},
		// The NIC type tells apart two rules of a classic-network group
		// alike in everything else.
		{rule.Rule{NativeID: "sgr-2", Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 80, To: 443}, CIDR: "192.0.2.0/24",
			LocalCIDR: "10.1.0.0/16", SourcePorts: rule.PortRange{From: 1024, To: 65535}, NicType: "internet", Policy: rule.Drop, Priority: 7, Created: created},
			`ingress tcp 80-443 from 192.0.2.0/24 at 10.1.0.0/16 source ports 1024-65535 nic internet drop priority 7 (sgr-2), created 2026-12-06T06:05:26Z`},
	} {
		if got := exclusiveLine(tc.r); got != tc.want {
			t.Errorf("exclusiveLine = %q, want %q", got, tc.want)
		}
	}
	if rulesExclusiveVersion != 1 {
		t.Fatalf("the state version moved to %d: say what the lines of the new version hold, and upgrade the old", rulesExclusiveVersion)
	}
}
