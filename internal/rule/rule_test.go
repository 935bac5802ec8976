package rule

import (
	"strings"
	"testing"
)

func TestParsePortRange(t *testing.T) {
	for _, tc := range []struct {
		in, want, slash, err string
	}{
		{in: "22", want: "22", slash: "22/22"},
		{in: "80-443", want: "80-443", slash: "80/443"},
		{in: "80/443", want: "80-443", slash: "80/443"},
		{in: "22/22", want: "22", slash: "22/22"},
		{in: "1-65535", want: "1-65535", slash: "1/65535"},
		{in: "", want: "", slash: "-1/-1"},
		{in: "-1/-1", want: "", slash: "-1/-1"},
		{in: "0", err: "outside 1-65535"},
		{in: "65536", err: "outside 1-65535"},
		{in: "443-80", err: `write "80-443"`},
		{in: "200/1", err: `write "1-200"`},
		{in: "http", err: "not a number"},
		{in: "+22", err: "not a number"},
		{in: "22-", err: "not a number"},
		{in: "1-2-3", err: "not a number"},
	} {
		p, err := ParsePortRange(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParsePortRange(%q) error = %v, want it to contain %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePortRange(%q): %v", tc.in, err)
			continue
		}
		if p.String() != tc.want || p.Slash() != tc.slash {
			t.Errorf("ParsePortRange(%q) = %q / %q, want %q / %q", tc.in, p.String(), p.Slash(), tc.want, tc.slash)
		}
	}
}

func TestParseCIDR(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{in: "10.0.0.1", want: "10.0.0.1/32"},
		{in: "10.0.0.1/32", want: "10.0.0.1/32"},
		{in: "0.0.0.0/0", want: "0.0.0.0/0"},
		{in: "2001:DB8::/32", want: "2001:db8::/32"},
		{in: "2001:0db8:0000:0000:0000:0000:0000:0001", want: "2001:db8::1/128"},
		{in: "2620:10f:6000::/40", want: "2620:10f:6000::/40"},
		{in: "::/0", want: "::/0"},
		{in: "10.0.0.1/8", err: "write the network address 10.0.0.0/8"},
		{in: "2001:db8::1/32", err: "write the network address 2001:db8::/32"},
		{in: "::ffff:10.0.0.1", err: "write the IPv4 form 10.0.0.1"},
		{in: "fe80::1%eth0", err: "zone"},
		{in: "10.0.0.0/33", err: "not a CIDR block"},
		{in: "300.1.1.1", err: "not an IP address"},
		{in: "", err: "empty"},
	} {
		got, err := CanonicalCIDR(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("CanonicalCIDR(%q) error = %v, want it to contain %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("CanonicalCIDR(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestIDRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		id   ID
		want string
	}{
		{"native", ID{Cloud: "alicloud", GroupID: "sg-1", Rule: Rule{NativeID: "sgr-abc"}}, "alicloud/sg-1/sgr-abc"},
		{"content v4", ID{Cloud: "alicloud", GroupID: "sg-1", Rule: Rule{Direction: Ingress, Protocol: TCP, Ports: PortRange{22, 22}, CIDR: "10.0.0.0/8", Policy: Accept, Priority: 1}},
			"alicloud/sg-1/ingress,tcp,22,10.0.0.0/8,policy=accept,priority=1"},
		{"content v6", ID{Cloud: "alicloud", GroupID: "sg-1", Rule: Rule{Direction: Egress, Protocol: ICMPv6, CIDR: "2001:db8::/32"}},
			"alicloud/sg-1/egress,icmpv6,,2001:db8::/32"},
		{"peer group", ID{Cloud: "alicloud", GroupID: "sg-1", Rule: Rule{Direction: Ingress, Protocol: All, PeerGroupID: "sg-2", PeerGroupOwnerAccount: "a@example.com", NicType: "intranet", SourcePorts: PortRange{1, 100}}},
			"alicloud/sg-1/ingress,all,,,peer_security_group_id=sg-2,peer_group_owner_account=a@example.com,source_port_range=1-100,nic_type=intranet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.id.String(); got != tc.want {
				t.Fatalf("String() = %q, want %q", got, tc.want)
			}
			back, err := ParseID(tc.want)
			if err != nil {
				t.Fatalf("ParseID(%q): %v", tc.want, err)
			}
			if back != tc.id {
				t.Fatalf("ParseID(%q) = %+v, want %+v", tc.want, back, tc.id)
			}
		})
	}
}

func TestParseIDErrors(t *testing.T) {
	for _, tc := range []struct{ in, err string }{
		{"sgr-abc", "expected"},
		{"alicloud/sg-1", "expected"},
		{"alicloud//sgr-1", "expected"},
		{"alicloud/sg-1/sideways,tcp,22,10.0.0.0/8", "direction"},
		{"alicloud/sg-1/ingress,sctp,22,10.0.0.0/8", "protocol"},
		{"alicloud/sg-1/ingress,tcp,,10.0.0.0/8", "needs a port range"},
		{"alicloud/sg-1/ingress,icmp,22,10.0.0.0/8", "takes no port range"},
		{"alicloud/sg-1/ingress,tcp,22,", "exactly one of"},
		{"alicloud/sg-1/ingress,tcp,22,10.0.0.1/8", "host bits"},
		{"alicloud/sg-1/ingress,tcp,22,10.0.0.0/8,colour=red", "unknown name"},
		{"alicloud/sg-1/ingress,tcp,22,10.0.0.0/8,policy", "name=value"},
		{"alicloud/sg-1/ingress,tcp,22,10.0.0.0/8,priority=1,priority=2", "twice"},
		{"alicloud/sg-1/a b", "neither"},
	} {
		if _, err := ParseID(tc.in); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("ParseID(%q) error = %v, want it to contain %q", tc.in, err, tc.err)
		}
	}
}

func TestMatches(t *testing.T) {
	want := Rule{Direction: Ingress, Protocol: TCP, Ports: PortRange{22, 22}, CIDR: "10.0.0.0/8", Policy: Accept, Priority: 1}
	seen := want
	seen.NicType, seen.NativeID, seen.Description = "intranet", "sgr-1", "cloud side"
	if !want.Matches(seen) {
		t.Error("unset fields of the wanted rule must not take part")
	}
	other := seen
	other.Priority = 2
	if want.Matches(other) {
		t.Error("a different priority must not match")
	}
	byID := Rule{NativeID: "sgr-1"}
	if !byID.Matches(seen) || byID.Matches(Rule{NativeID: "sgr-2"}) {
		t.Error("rules with native ids match on the id alone")
	}
	if Find([]Rule{other, seen}, want) != 1 {
		t.Error("Find must return the matching index")
	}
	stale := want
	stale.NativeID = "sgr-old"
	if Find([]Rule{other, seen}, stale) != 1 {
		t.Error("a rule recreated under a new id must be found by its content")
	}
	if Find([]Rule{other}, stale) != -1 {
		t.Error("no id and no content match: not found")
	}
}

func FuzzParsePortRange(f *testing.F) {
	for _, s := range []string{"22", "80-443", "80/443", "", "-1/-1", "0", "65536", "1-2-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePortRange(s)
		if err != nil {
			return
		}
		if !p.IsZero() && (p.From < 1 || p.To > 65535 || p.From > p.To) {
			t.Fatalf("ParsePortRange(%q) accepted an invalid range %+v", s, p)
		}
		back, err := ParsePortRange(p.String())
		if err != nil || back != p {
			t.Fatalf("canonical %q of %q does not parse back: %+v, %v", p.String(), s, back, err)
		}
		if slash, err := ParsePortRange(p.Slash()); err != nil || slash != p {
			t.Fatalf("wire spelling %q of %q does not parse back", p.Slash(), s)
		}
	})
}

func FuzzParseCIDR(f *testing.F) {
	for _, s := range []string{"10.0.0.1", "10.0.0.0/8", "2001:db8::/32", "::ffff:1.2.3.4", "fe80::1%eth0", "1.2.3.4/33"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := CanonicalCIDR(s)
		if err != nil {
			return
		}
		again, err := CanonicalCIDR(c)
		if err != nil || again != c {
			t.Fatalf("canonical form %q of %q is not stable: %q, %v", c, s, again, err)
		}
		if strings.Contains(c, ",") {
			t.Fatalf("canonical CIDR %q contains a comma, which would break content ids", c)
		}
	})
}

func FuzzParseID(f *testing.F) {
	for _, s := range []string{"alicloud/sg-1/sgr-1", "alicloud/sg-1/ingress,tcp,22,10.0.0.0/8,policy=accept", "a/b/egress,all,,::/0", "x/y/,,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseID(s)
		if err != nil {
			return
		}
		back, err := ParseID(id.String())
		if err != nil || back != id {
			t.Fatalf("id %q formats as %q, which parses to %+v, %v", s, id.String(), back, err)
		}
	})
}

func BenchmarkParseID(b *testing.B) {
	id := "alicloud/sg-1/ingress,tcp,80-443,2001:db8::/32,policy=drop,priority=5,nic_type=intranet"
	for b.Loop() {
		if _, err := ParseID(id); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCanonicalCIDR(b *testing.B) {
	for b.Loop() {
		if _, err := CanonicalCIDR("2001:DB8:0:0:0:0:0:0/32"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFindAmong200(b *testing.B) {
	rules := make([]Rule, 200)
	for i := range rules {
		rules[i] = Rule{Direction: Ingress, Protocol: TCP, Ports: PortRange{From: i + 1, To: i + 1}, CIDR: "10.0.0.0/8", Policy: Accept, Priority: 1}
	}
	want := rules[199]
	for b.Loop() {
		if Find(rules, want) != 199 {
			b.Fatal("not found")
		}
	}
}

func TestIdentity(t *testing.T) {
	base := Rule{Direction: Ingress, Protocol: TCP, Ports: PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8", Priority: 1, Description: "a"}
	otherPriority, otherRemark := base, base
	otherPriority.Priority = 9
	otherRemark.Description = "b"
	for _, c := range []struct {
		name string
		id   Identity
		a, b Rule
		same bool
	}{
		{"everywhere: the description does not count", Identity{}, base, otherRemark, true},
		{"everywhere: the priority counts", Identity{}, base, otherPriority, false},
		{"Baidu: the remark counts", Identity{Description: true}, base, otherRemark, false},
		{"Baidu: the same remark", Identity{Description: true}, base, base, true},
		{"Zenlayer: the priority does not count", Identity{NoPriority: true}, base, otherPriority, true},
	} {
		if got := c.id.Match(c.a, c.b); got != c.same {
			t.Errorf("%s: Match = %v", c.name, got)
		}
		if got := c.id.Find([]Rule{c.b}, c.a) == 0; got != c.same {
			t.Errorf("%s: Find = %v", c.name, got)
		}
	}
	withID, otherID := base, otherRemark
	withID.NativeID, otherID.NativeID = "r-1", "r-2"
	if (Identity{}).Match(withID, otherID) {
		t.Error("native ids decide when both rules have one")
	}
}
