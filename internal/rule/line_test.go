package rule

import (
	"flag"
	"os"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/lines.golden (only with a new LineVersion)")

// Lines are persisted (LineVersion): this golden file pins what every
// part of a rule writes. A change to it is a format change, not a test
// to update: raise LineVersion and upgrade the states that store lines.
func TestLineGolden(t *testing.T) {
	created := time.Date(2026, 12, 6, 14, 5, 26, 0, time.FixedZone("CST", 8*3600))
	rules := []Rule{
		{NativeID: "sgr-1", Direction: Ingress, Protocol: TCP, Ports: PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8",
			Policy: Accept, Priority: 1, Description: "ssh", Created: created},
		{Direction: Egress, Protocol: All, PeerGroupID: "sg-2", PeerGroupOwnerID: "1234567890"},
		{Direction: Ingress, Protocol: UDP, Ports: PortRange{From: 53, To: 53}, PeerGroupID: "sg-3", PeerGroupOwnerAccount: "acct", PeerGroupOwnerID: "42"},
		{NativeID: "sgr-2", Direction: Ingress, Protocol: TCP, Ports: PortRange{From: 80, To: 443}, CIDR: "192.0.2.0/24",
			LocalCIDR: "10.1.0.0/16", SourcePorts: PortRange{From: 1024, To: 65535}, NicType: "internet", Policy: Drop, Priority: 7, Created: created},
		{Direction: Egress, Protocol: ICMP, PrefixListID: "pl-1", Description: "quote \" and\nline"},
		{Direction: Ingress, Protocol: TCP, Ports: PortRange{From: 1, To: 65535}, CIDR: "2001:db8::/32", Description: "v6"},
	}
	var b strings.Builder
	b.WriteString("# rule.Line, LineVersion " + itoa(LineVersion) + "\n")
	for _, r := range rules {
		b.WriteString(r.Line() + "\n")
	}
	const golden = "testdata/lines.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("rule.Line changed: a persisted format. Raise LineVersion and upgrade the states that store lines.\ngot:\n%s\nwant:\n%s", got, want)
	}
}

// Summary is Line without the creation time, and never has a line break:
// a line is one map value a reviewer reads.
func TestSummaryIsLinesPrefix(t *testing.T) {
	r := Rule{NativeID: "sgr-1", Direction: Ingress, Protocol: TCP, CIDR: "10.0.0.0/8", Description: "a\nb",
		Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	if !strings.HasPrefix(r.Line(), r.Summary()+", created ") {
		t.Errorf("Line %q does not start with Summary %q", r.Line(), r.Summary())
	}
	if strings.Contains(r.Line(), "\n") {
		t.Errorf("Line %q holds a line break", r.Line())
	}
}
