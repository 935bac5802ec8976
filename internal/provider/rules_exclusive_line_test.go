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
	} {
		if got := exclusiveLine(tc.r); got != tc.want {
			t.Errorf("exclusiveLine = %q, want %q", got, tc.want)
		}
	}
	if rulesExclusiveVersion != 1 {
		t.Fatalf("the state version moved to %d: say what the lines of the new version hold, and upgrade the old", rulesExclusiveVersion)
	}
}
