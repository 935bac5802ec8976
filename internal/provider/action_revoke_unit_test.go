package provider

import (
	"context"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// What the revoke filter chooses: peers that equal or contain the
// network, no wider than widest (by default all but /0), accept rules
// only, of the protocol, port and direction where given; never a peer
// group or prefix list, never the other address family.
func TestRevokeFilterMatches(t *testing.T) {
	tcp := func(cidr string, from, to int) rule.Rule {
		return rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: from, To: to}, CIDR: cidr, Policy: rule.Accept}
	}
	leak := revokeFilter{network: netip.MustParsePrefix("203.0.113.7/32"), widest: defaultWidestPrefix}
	ssh := leak
	ssh.protocol, ssh.port, ssh.direction = rule.TCP, 22, rule.Ingress
	v6 := revokeFilter{network: netip.MustParsePrefix("2001:db8:1::/48"), widest: 32}
	allPeers := leak
	allPeers.widest = 0
	cases := []struct {
		name string
		f    revokeFilter
		r    rule.Rule
		want bool
	}{
		{"equal", leak, tcp("203.0.113.7/32", 22, 22), true},
		{"containing /24", leak, tcp("203.0.113.0/24", 22, 22), true},
		{"containing /1", leak, tcp("128.0.0.0/1", 22, 22), true},
		{"open to all, by default", leak, tcp("0.0.0.0/0", 22, 22), false},
		{"open to all, widest 0", allPeers, tcp("0.0.0.0/0", 22, 22), true},
		{"other network", leak, tcp("203.0.114.0/24", 22, 22), false},
		{"narrower than a network", ssh, tcp("203.0.113.6/31", 22, 22), true},
		{"no policy (Baidu)", leak, rule.Rule{Direction: rule.Egress, Protocol: rule.UDP, Ports: rule.PortRange{From: 53, To: 53}, CIDR: "203.0.113.0/24"}, true},
		{"drop rule", leak, rule.Rule{Direction: rule.Ingress, Protocol: rule.All, CIDR: "203.0.113.0/24", Policy: rule.Drop}, false},
		{"peer group", leak, rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, PeerGroupID: "sg-x"}, false},
		{"prefix list", leak, rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, PrefixListID: "pl-x"}, false},
		{"IPv6 peer, IPv4 network", leak, tcp("::/1", 22, 22), false},
		{"port in range", ssh, tcp("203.0.113.0/24", 1, 1024), true},
		{"port outside range", ssh, tcp("203.0.113.0/24", 23, 1024), false},
		{"port, rule without ports", ssh, rule.Rule{Direction: rule.Ingress, Protocol: rule.All, CIDR: "203.0.113.0/24", Policy: rule.Accept}, false},
		{"other protocol", ssh, rule.Rule{Direction: rule.Ingress, Protocol: rule.UDP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "203.0.113.0/24"}, false},
		{"other direction", ssh, rule.Rule{Direction: rule.Egress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "203.0.113.0/24"}, false},
		{"IPv6 within widest", v6, tcp("2001:db8::/32", 443, 443), true},
		{"IPv6 wider than widest", v6, tcp("2001:d00::/24", 443, 443), false},
	}
	for _, tc := range cases {
		if got := tc.f.matches(tc.r); got != tc.want {
			t.Errorf("%s: %s matches %s = %v, want %v", tc.name, tc.f, tc.r, got, tc.want)
		}
	}
}

// The filter's checks, each on its attribute, all at once; unknown values
// leave the filter unusable without an error.
func TestRevokeFilterChecks(t *testing.T) {
	c := revokeConfig{Network: types.StringValue("203.0.113.0/24"), Protocol: types.StringValue("icmp"), Port: types.Int64Value(70000),
		WidestPrefixLength: types.Int64Value(25), Direction: types.StringNull()}
	_, ok, diags := c.filterOf()
	if ok || diags.ErrorsCount() != 3 {
		t.Fatalf("ok %v, %d errors, want 3: %v", ok, diags.ErrorsCount(), diags)
	}
	c = revokeConfig{Network: types.StringUnknown(), Protocol: types.StringNull(), Port: types.Int64Null(), WidestPrefixLength: types.Int64Null(), Direction: types.StringNull()}
	if _, ok, diags := c.filterOf(); ok || diags.HasError() {
		t.Fatalf("an unknown network: ok %v, %v", ok, diags)
	}
	c.Network = types.StringValue("2001:db8::/32")
	c.WidestPrefixLength = types.Int64Value(0)
	if f, ok, diags := c.filterOf(); !ok || diags.HasError() || f.widest != 0 || f.network.Bits() != 32 {
		t.Fatalf("ok %v, %+v, %v", ok, f, diags)
	}
}

// A rule gone between the action's describe and the describe under the
// group's lock counts as revoked and says "already gone"; one changed in
// between (its description) is not revoked and says so; the rest are
// revoked.
func TestRevokeActionGoneAndChanged(t *testing.T) {
	m := mocktest.Start(t, "")
	configs, diags := cloudConfigs(Clouds(), map[string]map[string]string{"alicloud": mocktest.Settings("alicloud", m.URL)}, func(string) string { return "" })
	if diags.HasError() {
		t.Fatal(diags)
	}
	conns := engine.NewConnections(Clouds(), configs, testGroups())
	a := &RevokeAction{registry: Clouds(), conns: conns}
	partner := func(port int) rule.Rule {
		return rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: port, To: port}, CIDR: "203.0.113.0/24", Description: "partner"}
	}
	ids := map[int]string{}
	for _, port := range []int{22, 80, 443} {
		ids[port] = authorizeInMock(t, m, "alicloud", "sg-web", partner(port))
	}
	ctx := context.Background()
	// The changes out of band fall between the action's own describe and
	// the one the engine makes under the group's lock: made as the first
	// answers, before it leaves the mock.
	b := outOfBand(t, m, "alicloud")
	var describes atomic.Int32
	var hooked atomic.Bool
	m.Store.OnCall = func(c store.Call) {
		if c.Action != "DescribeSecurityGroupAttribute" || describes.Add(1) != 1 || !hooked.CompareAndSwap(false, true) {
			return
		}
		gone := partner(22)
		gone.NativeID = ids[22]
		if err := b.Revoke(ctx, "sg-web", []rule.Rule{gone}, ""); err != nil {
			t.Error(err)
		}
		changed := partner(80)
		changed.NativeID, changed.Description = ids[80], "moved"
		if err := b.(cloud.DescriptionUpdater).UpdateDescription(ctx, "sg-web", changed); err != nil {
			t.Error(err)
		}
	}

	var rep revokeReport
	var progress []string
	g := revokeGroup{Cloud: types.StringValue("alicloud"), SecurityGroupID: types.StringValue("sg-web")}
	f := revokeFilter{network: netip.MustParsePrefix("203.0.113.0/24"), widest: defaultWidestPrefix}
	a.revokeIn(ctx, g, f, &rep, func(format string, args ...any) { progress = append(progress, format) })
	if len(rep.revoked) != 1 || !strings.Contains(rep.revoked[0], "tcp 443") || len(rep.gone) != 1 || !strings.Contains(rep.gone[0], "tcp 22") ||
		len(rep.changed) != 1 || !strings.Contains(rep.changed[0], "tcp 80") || len(rep.failed) != 0 {
		t.Fatalf("revoked %q, gone %q, changed %q, failed %q", rep.revoked, rep.gone, rep.changed, rep.failed)
	}
	joined := strings.Join(progress, "\n")
	if !strings.Contains(joined, "already gone, counted as revoked") || !strings.Contains(joined, "not revoked, changed since the describe") {
		t.Fatalf("progress does not say so:\n%s", joined)
	}
	left := mocktest.Rules(m, "alicloud", "sg-web")
	if len(left) != 1 || left[0]["SecurityGroupRuleId"] != ids[80] {
		t.Fatalf("the group holds %v, want only the changed rule %s", left, ids[80])
	}
}

// A revoke the cloud refuses fails that rule, with the cloud's answer; the
// rule stays, and nothing else of the group is reported revoked.
func TestRevokeActionRefusedRevoke(t *testing.T) {
	m := mocktest.Start(t, "")
	configs, diags := cloudConfigs(Clouds(), map[string]map[string]string{"alicloud": mocktest.Settings("alicloud", m.URL)}, func(string) string { return "" })
	if diags.HasError() {
		t.Fatal(diags)
	}
	a := &RevokeAction{registry: Clouds(), conns: engine.NewConnections(Clouds(), configs, testGroups())}
	partner := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "203.0.113.0/24"}
	authorizeInMock(t, m, "alicloud", "sg-web", partner)
	m.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "RevokeSecurityGroup", Error: 1, Code: "NoPermission", Status: 403})
	var rep revokeReport
	g := revokeGroup{Cloud: types.StringValue("alicloud"), SecurityGroupID: types.StringValue("sg-web")}
	f := revokeFilter{network: netip.MustParsePrefix("203.0.113.0/24"), widest: defaultWidestPrefix}
	a.revokeIn(context.Background(), g, f, &rep, func(string, ...any) {})
	if len(rep.failed) != 1 || !strings.Contains(rep.failed[0], "alicloud security group sg-web: could not revoke ingress tcp 22 from 203.0.113.0/24") ||
		!strings.Contains(rep.failed[0], "NoPermission") || len(rep.revoked)+len(rep.gone)+len(rep.changed) != 0 {
		t.Fatalf("revoked %q, gone %q, changed %q, failed %q", rep.revoked, rep.gone, rep.changed, rep.failed)
	}
	if n := len(mocktest.Rules(m, "alicloud", "sg-web")); n != 1 {
		t.Fatalf("the group holds %d rules, want the refused one", n)
	}
}
