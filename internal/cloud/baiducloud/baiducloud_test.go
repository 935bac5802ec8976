package baiducloud

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baidubce/bce-sdk-go/services/bcc/api"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	mockbaiducloud "github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/baiducloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

func connect(t *testing.T, m *mockcloud.Server, secret string) *Backend {
	t.Helper()
	b, err := New(map[string]string{"access_key": "mock-access-key", "secret_key": secret, "region": "bj", "endpoint": m.URL})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	ssh  = rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8", Description: "ssh"}
	web6 = rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 80, To: 443}, CIDR: "2001:db8::/32"}
	app  = rule.Rule{Direction: rule.Ingress, Protocol: rule.UDP, Ports: rule.PortRange{From: 53, To: 53}, PeerGroupID: "g-app"}
	out  = rule.Rule{Direction: rule.Egress, Protocol: rule.All, CIDR: "0.0.0.0/0"}
)

func TestRoundTrip(t *testing.T) {
	m := mocktest.Start(t, "")
	b := connect(t, m, "mock-secret-key")
	ctx := context.Background()
	all := []rule.Rule{ssh, web6, app, out}
	if err := b.Authorize(ctx, "g-web", all, "token"); err != nil {
		t.Fatal(err)
	}
	calls := m.Store.CallsOf(Name, "authorizeRule")
	first := calls[0].Params
	wire := first["rule"].(map[string]any)
	if len(calls) != 4 || first["clientToken"] != "token-0" || first["sgVersion"] != "0" ||
		wire["portRange"] != "22" || wire["remark"] != "ssh" || wire["ethertype"] != "IPv4" || wire["sourceIp"] != "10.0.0.0/8" {
		t.Fatalf("calls %+v", calls)
	}
	if w := calls[1].Params["rule"].(map[string]any); w["portRange"] != "80-443" || w["ethertype"] != "IPv6" {
		t.Fatalf("IPv6 range sent as %v", w)
	}
	if w := calls[3].Params["rule"].(map[string]any); w["destIp"] != "0.0.0.0/0" || w["portRange"] != nil {
		t.Fatalf("egress all sent as %v", w)
	}
	got, err := b.Describe(ctx, "g-web")
	if err != nil || len(got) != 4 {
		t.Fatalf("%+v %v", got, err)
	}
	for _, want := range all {
		i := rule.Find(got, want)
		if i < 0 || !strings.HasPrefix(got[i].NativeID, "r-") || got[i].Description != want.Description {
			t.Fatalf("rule %s read back from %+v", want, got)
		}
	}
	// The revoke of the BCC RevokeSecurityGroupRule reference: clientToken
	// in the query (no sgVersion), the rule with its remark in the body.
	if err := b.Revoke(ctx, "g-web", []rule.Rule{ssh}, "revoke-1"); err != nil {
		t.Fatal(err)
	}
	revoke := m.Store.CallsOf(Name, "revokeRule")[0].Params
	if revoke["clientToken"] != "revoke-1" || revoke["sgVersion"] != nil || revoke["rule"].(map[string]any)["remark"] != "ssh" {
		t.Fatalf("revoke sent %v", revoke)
	}
	if err := b.Revoke(ctx, "g-web", []rule.Rule{ssh}, "revoke-2"); cloud.KindOf(err) != cloud.KindRuleGone {
		t.Fatalf("revoke again: %v", err)
	}
	if err := b.Revoke(ctx, "g-gone", []rule.Rule{ssh}, ""); cloud.KindOf(err) != cloud.KindGroupGone {
		t.Fatalf("revoke in a missing group: %v", err)
	}
}

// A concurrent change (VersionMismatch) is re-read and retried by the
// client; the rule lands once.
func TestVersionMismatchIsRetried(t *testing.T) {
	m := mocktest.Start(t, "")
	b := connect(t, m, "mock-secret-key")
	m.Store.SetBehavior(Name, mockbaiducloud.ConcurrentWrites, "2")
	c := engine.NewClient(Definition(), b, "test", engine.NewGroups(engine.Settings{Backoff: engine.Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond}}))
	if _, err := c.Create(context.Background(), "g-web", ssh); err != nil {
		t.Fatal(err)
	}
	codes := []string{}
	for _, call := range m.Store.CallsOf(Name, "authorizeRule") {
		codes = append(codes, call.Code)
	}
	if strings.Join(codes, ",") != "VersionMismatch,VersionMismatch," {
		t.Fatalf("authorize answers %v", codes)
	}
	if g, _ := m.Store.FindGroup(Name, "g-web"); len(g.Rules) != 1 {
		t.Fatalf("%d rules", len(g.Rules))
	}
	// A revoke carries no version (it names its rule by the literal
	// 6-tuple): another writer in between costs it nothing.
	if _, err := c.List(context.Background(), "g-web"); err != nil {
		t.Fatal(err)
	}
	m.Store.SetBehavior(Name, mockbaiducloud.ConcurrentWrites, "1")
	if err := c.Delete(context.Background(), "g-web", ssh); err != nil {
		t.Fatal(err)
	}
	codes = nil
	for _, call := range m.Store.CallsOf(Name, "revokeRule") {
		codes = append(codes, call.Code)
	}
	if strings.Join(codes, ",") != "" || m.Store.CallsOf(Name, "revokeRule")[0].Params["sgVersion"] != nil {
		t.Fatalf("revoke answers %v", codes)
	}
}

// The revoke's read for the rules' spelling is one per group: rules a
// current read does not show are gone, revoked as we spell them, without
// reading the group again for each.
func TestRevokeReadsTheGroupOnce(t *testing.T) {
	m := mocktest.Start(t, "")
	b := connect(t, m, "mock-secret-key")
	var gone []rule.Rule
	for p := 1; p <= 3; p++ {
		r := ssh
		r.Ports = rule.PortRange{From: 1000 + p, To: 1000 + p}
		gone = append(gone, r)
	}
	// Each answered not found: the answer is returned, for the engine to
	// settle with a read (not found is not gone).
	if err := b.Revoke(context.Background(), "g-web", gone, "t"); !cloud.IsGone(err) {
		t.Fatalf("rules not found in a batch: %v; want the not found answer", err)
	}
	if n := mocktest.Calls(m, Name, "getSecurityGroup", -1); n != 1 {
		t.Fatalf("%d reads of the group for three revokes, want 1", n)
	}
}

// "all", Baidu's own spelling of every address (its documents, its
// provider), reads as 0.0.0.0/0, or ::/0 for IPv6, so such a rule is the
// one a configuration of 0.0.0.0/0 declares; its revoke still spells it
// "all", as the detail did, since BCC matches the 6-tuple letter for
// letter.
func TestAllIsEveryAddress(t *testing.T) {
	for _, c := range []struct {
		vo   api.SecurityGroupRuleVo
		cidr string
	}{
		{api.SecurityGroupRuleVo{Direction: "ingress", Protocol: "tcp", PortRange: "443", SourceIp: "all", Ethertype: "IPv4"}, "0.0.0.0/0"},
		{api.SecurityGroupRuleVo{Direction: "ingress", Protocol: "tcp", PortRange: "443", SourceIp: "all"}, "0.0.0.0/0"},
		{api.SecurityGroupRuleVo{Direction: "ingress", Protocol: "tcp", PortRange: "443", SourceIp: "all", Ethertype: "IPv6"}, "::/0"},
		{api.SecurityGroupRuleVo{Direction: "egress", Protocol: "", DestIp: "all", Ethertype: "IPv4"}, "0.0.0.0/0"},
		{api.SecurityGroupRuleVo{Direction: "egress", Protocol: "all", DestIp: "ALL", Ethertype: "ipv6"}, "::/0"},
		{api.SecurityGroupRuleVo{Direction: "egress", Protocol: "all", DestIp: "0.0.0.0/0", Ethertype: "IPv4"}, "0.0.0.0/0"},
	} {
		if got := fromWire(c.vo); got.CIDR != c.cidr || got.PeerGroupID != "" {
			t.Errorf("%+v read as %s, want the peer %s", c.vo, got, c.cidr)
		}
	}

	m := mocktest.Start(t, "")
	b := connect(t, m, "mock-secret-key")
	ctx := context.Background()
	// Made as the vendor's provider makes it.
	made := &api.SecurityGroupRuleModel{Direction: "ingress", Ethertype: "IPv4", Protocol: "tcp", PortRange: "443", SourceIp: "all", Remark: "web"}
	if err := api.AuthorizeSecurityGroupRule(b.client.bce, "g-web", &api.AuthorizeSecurityGroupArgs{Rule: made}); err != nil {
		t.Fatal(err)
	}
	declared := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 443, To: 443}, CIDR: "0.0.0.0/0", Description: "web"}
	got, err := b.Describe(ctx, "g-web")
	if err != nil || identity.Find(got, declared) < 0 {
		t.Fatalf("%s not found in %v (%v)", declared, got, err)
	}
	if err := b.Revoke(ctx, "g-web", []rule.Rule{declared}, "revoke-all"); err != nil {
		t.Fatal(err)
	}
	if w := m.Store.CallsOf(Name, "revokeRule")[0].Params["rule"].(map[string]any); w["sourceIp"] != "all" {
		t.Fatalf("the revoke spelled the address %v, want all as described", w["sourceIp"])
	}
	if rules := mocktest.Rules(m, Name, "g-web"); len(rules) != 0 {
		t.Fatalf("the rule stays: %v", rules)
	}
}
