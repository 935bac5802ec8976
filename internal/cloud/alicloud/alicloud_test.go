package alicloud

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// startMock starts an in-process mockcloud on a free port.
func startMock(t *testing.T) *mockcloud.Server { return mocktest.Start(t, "") }

func connect(t *testing.T, m *mockcloud.Server, secret string) *Backend {
	t.Helper()
	b, err := New(map[string]string{"access_key": "mock-access-key", "secret_key": secret, "region": "cn-hangzhou", "endpoint": m.URL})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	ssh    = rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8", Policy: rule.Accept, Priority: 1}
	web6   = rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 80, To: 443}, CIDR: "2001:db8::/32", Policy: rule.Drop, Priority: 7, Description: "v6"}
	out    = rule.Rule{Direction: rule.Egress, Protocol: rule.All, CIDR: "0.0.0.0/0", LocalCIDR: "192.168.0.0/16", Policy: rule.Accept, Priority: 2}
	toApp  = rule.Rule{Direction: rule.Ingress, Protocol: rule.UDP, Ports: rule.PortRange{From: 53, To: 53}, PeerGroupID: "sg-app", NicType: "intranet", SourcePorts: rule.PortRange{From: 1024, To: 65535}}
	prefix = rule.Rule{Direction: rule.Egress, Protocol: rule.ICMP, PrefixListID: "pl-1", Policy: rule.Accept, Priority: 1}
)

func TestRoundTripThroughTheSDK(t *testing.T) {
	m := startMock(t)
	b := connect(t, m, "mock-secret-key")
	ctx := context.Background()

	all := []rule.Rule{ssh, web6, out, toApp, prefix}
	if err := b.Authorize(ctx, "sg-web", all, "token-1"); err != nil {
		t.Fatal(err)
	}
	// One call per direction, each a Permissions.N batch.
	if n := len(m.Store.CallsOf("alicloud", "AuthorizeSecurityGroup")); n != 1 {
		t.Fatalf("%d ingress authorize calls, want 1 batched call", n)
	}
	got, err := b.Describe(ctx, "sg-web")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(all) {
		t.Fatalf("described %d rules, want %d: %+v", len(got), len(all), got)
	}
	for _, want := range all {
		i := rule.Find(got, want)
		if i < 0 {
			t.Fatalf("rule %s not read back from %+v", want, got)
		}
		if got[i].NativeID == "" || got[i].Description != want.Description {
			t.Errorf("rule %s read back as %+v", want, got[i])
		}
	}

	// Description in place, by id and content.
	i := rule.Find(got, web6)
	changed := got[i]
	changed.Description = "changed"
	if err := b.UpdateDescription(ctx, "sg-web", changed); err != nil {
		t.Fatal(err)
	}
	g, _ := m.Store.FindGroup("alicloud", "sg-web")
	if d := fmt.Sprint(g.Rules[1]); !strings.Contains(d, "changed") {
		t.Fatalf("description not changed in the mock: %s", d)
	}

	// One rule: the flat parameters of the ECS RevokeSecurityGroup reference.
	if err := b.Revoke(ctx, "sg-web", []rule.Rule{toApp}, ""); err != nil {
		t.Fatal(err)
	}
	call := m.Store.CallsOf("alicloud", "RevokeSecurityGroup")[0]
	for k, v := range map[string]string{"IpProtocol": "udp", "PortRange": "53/53", "SourceGroupId": "sg-app", "NicType": "intranet", "SourcePortRange": "1024/65535"} {
		if call.Params[k] != v {
			t.Errorf("revoke sent %s=%v, want %s", k, call.Params[k], v)
		}
	}
	// Several: one Permissions.N call.
	if err := b.Revoke(ctx, "sg-web", []rule.Rule{ssh, web6}, ""); err != nil {
		t.Fatal(err)
	}
	if err := b.Revoke(ctx, "sg-web", []rule.Rule{out, prefix}, ""); err != nil {
		t.Fatal(err)
	}
	if g, _ := m.Store.FindGroup("alicloud", "sg-web"); len(g.Rules) != 0 {
		t.Fatalf("rules left after revoke: %v", g.Rules)
	}
}

// The owner parameters of the ECS RevokeSecurityGroup reference reach the wire
// on create and revoke, for a peer group of another account.
func TestPeerGroupOwnerParameters(t *testing.T) {
	m := startMock(t)
	b := connect(t, m, "mock-secret-key")
	r := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, PeerGroupID: "sg-other-vpc",
		PeerGroupOwnerAccount: "peer@example.com", PeerGroupOwnerID: "1234567890", Policy: rule.Drop, Priority: 9}
	if err := b.Authorize(context.Background(), "sg-web", []rule.Rule{r}, ""); err != nil {
		t.Fatal(err)
	}
	if err := b.Revoke(context.Background(), "sg-web", []rule.Rule{r}, ""); err != nil {
		t.Fatal(err)
	}
	call := m.Store.CallsOf("alicloud", "RevokeSecurityGroup")[0]
	for k, v := range map[string]string{"SourceGroupId": "sg-other-vpc", "SourceGroupOwnerAccount": "peer@example.com",
		"SourceGroupOwnerId": "1234567890", "Policy": "drop", "Priority": "9"} {
		if call.Params[k] != v {
			t.Errorf("revoke sent %s=%v, want %s", k, call.Params[k], v)
		}
	}
	if g, _ := m.Store.FindGroup("alicloud", "sg-web"); len(g.Rules) != 0 {
		t.Fatalf("rule not revoked: %v", g.Rules)
	}
}

func TestRevokeOfMissingRuleIsGoneInEveryDocumentedVariant(t *testing.T) {
	m := startMock(t)
	b := connect(t, m, "mock-secret-key")
	ctx := context.Background()
	// The revoke is real: a rule that exists goes.
	if err := b.Authorize(ctx, "sg-web", []rule.Rule{ssh}, ""); err != nil {
		t.Fatal(err)
	}
	if err := b.Revoke(ctx, "sg-web", []rule.Rule{ssh}, ""); err != nil {
		t.Fatal(err)
	}
	if g, _ := m.Store.FindGroup("alicloud", "sg-web"); len(g.Rules) != 0 {
		t.Fatalf("the revoke left %d rules", len(g.Rules))
	}
	// Each answer the API has given for a rule that is not there ends as
	// "gone" (or plain success), and it is that answer the cloud gave.
	for answer, code := range map[string]string{
		"":                                      "InvalidSecurityGroupRule.RuleNotExist",
		"success":                               "",
		"InvalidSecurityGroupRule.RuleNotExist": "InvalidSecurityGroupRule.RuleNotExist",
		"InvalidParam.SecurityGroupRuleId":      "InvalidParam.SecurityGroupRuleId",
		"InvalidGroupAuthItem.NotFound":         "InvalidGroupAuthItem.NotFound",
		"SecurityGroupRule.NotFound":            "SecurityGroupRule.NotFound",
	} {
		m.Store.SetBehavior("alicloud", "revoke_missing", answer)
		before := len(m.Store.CallsOf("alicloud", "RevokeSecurityGroup"))
		err := b.Revoke(ctx, "sg-web", []rule.Rule{ssh}, "")
		calls := m.Store.CallsOf("alicloud", "RevokeSecurityGroup")
		if len(calls) != before+1 || calls[len(calls)-1].Code != code {
			t.Fatalf("revoke_missing=%q: the mock answered %v, want one call answered %q", answer, calls[before:], code)
		}
		if code == "" && err != nil || code != "" && cloud.KindOf(err) != cloud.KindRuleGone {
			t.Errorf("revoke_missing=%q: %v, want rule gone", answer, err)
		}
	}
	err := b.Revoke(ctx, "sg-missing", []rule.Rule{ssh}, "")
	if cloud.KindOf(err) != cloud.KindGroupGone {
		t.Errorf("revoke in a missing group: %v, want group gone", err)
	}
}

func TestDescribePages(t *testing.T) {
	m := startMock(t)
	b := connect(t, m, "mock-secret-key")
	b.PageSize = 10
	var rules []rule.Rule
	for p := 1; p <= 25; p++ {
		r := ssh
		r.Ports = rule.PortRange{From: p, To: p}
		rules = append(rules, r)
	}
	if err := b.Authorize(context.Background(), "sg-db", rules, ""); err != nil {
		t.Fatal(err)
	}
	got, err := b.Describe(context.Background(), "sg-db")
	if err != nil || len(got) != 25 {
		t.Fatalf("described %d rules (%v), want 25 over three pages", len(got), err)
	}
	if n := len(m.Store.CallsOf("alicloud", "DescribeSecurityGroupAttribute")); n != 3 {
		t.Fatalf("%d describe calls, want 3 pages", n)
	}
}

func TestClientTokenMakesCreateIdempotent(t *testing.T) {
	m := startMock(t)
	b := connect(t, m, "mock-secret-key")
	// The write lands but its answer is lost; the retry with the same
	// token must not fail or add a second rule.
	m.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "AuthorizeSecurityGroup", DropAfterCommit: 1})
	c := engine.NewClient(Definition(), b, "test", engine.NewGroups(engine.Settings{Backoff: engine.Backoff{Initial: 1, Max: 2}}))
	created, err := c.Create(context.Background(), "sg-web", ssh)
	if err != nil || created.NativeID == "" {
		t.Fatalf("Create = %+v, %v", created, err)
	}
	if g, _ := m.Store.FindGroup("alicloud", "sg-web"); len(g.Rules) != 1 {
		t.Fatalf("%d rules after a retried create, want 1", len(g.Rules))
	}
	if n := len(m.Store.CallsOf("alicloud", "AuthorizeSecurityGroup")); n != 2 {
		t.Fatalf("%d authorize calls, want the lost one and its retry", n)
	}
}

// BenchmarkDescribeFullGroup reads a group at the mock's quota of 200 rules
// through the SDK, one page: the cost of every Read and Create check.
func BenchmarkDescribeFullGroup(b *testing.B) {
	m := mocktest.Start(b, "")
	be, err := New(map[string]string{"access_key": "mock-access-key", "secret_key": "mock-secret-key", "region": "cn-hangzhou", "endpoint": m.URL})
	if err != nil {
		b.Fatal(err)
	}
	for batch := 0; batch < 2; batch++ {
		var rules []rule.Rule
		for p := 1; p <= 100; p++ {
			r := ssh
			r.Ports = rule.PortRange{From: batch*100 + p, To: batch*100 + p}
			rules = append(rules, r)
		}
		if err := be.Authorize(context.Background(), "sg-db", rules, ""); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if got, err := be.Describe(context.Background(), "sg-db"); err != nil || len(got) != 200 {
			b.Fatalf("%d rules, %v", len(got), err)
		}
	}
}

// A server error after the write landed (mockcloud's after-commit rate):
// the client sees a 5xx, the rule is there, and the retry with the same
// ClientToken adds nothing.
func TestServerErrorAfterTheWriteLanded(t *testing.T) {
	m := startMock(t)
	b := connect(t, m, "mock-secret-key")
	m.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "AuthorizeSecurityGroup", ServerErrorAfterRate: 1})
	err := b.Authorize(context.Background(), "sg-web", []rule.Rule{ssh}, "tok")
	if cloud.KindOf(err) != cloud.KindTransient {
		t.Fatalf("first answer: %v", err)
	}
	calls := m.Store.CallsOf("alicloud", "AuthorizeSecurityGroup")
	if g, _ := m.Store.FindGroup("alicloud", "sg-web"); len(g.Rules) != 1 || calls[0].Fault != store.ServerErrorAfter || calls[0].Status != 500 {
		t.Fatalf("%d rules, call %+v", len(g.Rules), calls[0])
	}
	_ = b.Authorize(context.Background(), "sg-web", []rule.Rule{ssh}, "tok")
	if g, _ := m.Store.FindGroup("alicloud", "sg-web"); len(g.Rules) != 1 {
		t.Fatalf("%d rules after the retry", len(g.Rules))
	}
}
