package apsarastack

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	mockapsarastack "github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/apsarastack"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

func settings(endpoint, secret string) map[string]string {
	return map[string]string{"access_key": "mock-access-key", "secret_key": secret, "region": mockapsarastack.Region,
		"endpoint": endpoint, "organization_id": "org-1", "resource_group_id": "rg-1"}
}

func connect(t *testing.T, m *mockcloud.Server, secret string) *Backend {
	t.Helper()
	b, err := New(settings(m.URL, secret))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	ping6 = rule.Rule{Direction: rule.Ingress, Protocol: rule.ICMPv6, CIDR: "2001:db8::/32", Policy: rule.Accept, Priority: 1, Description: "ping6"}
	dns   = rule.Rule{Direction: rule.Ingress, Protocol: rule.UDP, Ports: rule.PortRange{From: 53, To: 53}, PeerGroupID: "sg-as-app",
		PeerGroupOwnerID: "1234567890", SourcePorts: rule.PortRange{From: 1024, To: 65535}, NicType: "intranet", Policy: rule.Drop, Priority: 9}
	out6 = rule.Rule{Direction: rule.Egress, Protocol: rule.TCP, Ports: rule.PortRange{From: 443, To: 443}, CIDR: "::/0", LocalCIDR: "2001:db8:1::/48"}
)

func TestRoundTripThroughTheRoute(t *testing.T) {
	m := mocktest.Start(t, "")
	b := connect(t, m, "mock-secret-key")
	ctx := context.Background()
	all := []rule.Rule{ping6, dns, out6}
	if err := b.Authorize(ctx, "sg-as-web", all, "tok"); err != nil {
		t.Fatal(err)
	}
	calls := m.Store.CallsOf(Name, "")
	p := calls[0].Params
	if calls[0].Action != "AuthorizeSecurityGroup" || p["IpProtocol"] != "icmpv6" || p["Ipv6SourceCidrIp"] != "2001:db8::/32" ||
		p["RegionId"] != mockapsarastack.Region || p["regionId"] != mockapsarastack.Region || p["version"] != "2016-01-01" || p["ClientToken"] != "tok-0" {
		t.Fatalf("authorize sent %v", p)
	}
	for _, c := range calls {
		for k, v := range c.Params {
			if strings.Contains(k, "Secret") || v == "mock-secret-key" {
				t.Fatalf("the secret went out as %s", k)
			}
		}
	}
	got, err := b.Describe(ctx, "sg-as-web")
	if err != nil || len(got) != 3 {
		t.Fatalf("%+v %v", got, err)
	}
	for _, want := range all {
		if i := rule.Find(got, want); i < 0 || got[i].NativeID == "" {
			t.Fatalf("rule %s not read back from %+v", want, got)
		}
	}
	changed := got[rule.Find(got, ping6)]
	changed.Description = "changed"
	if err := b.UpdateDescription(ctx, "sg-as-web", changed); err != nil {
		t.Fatal(err)
	}
	// The parameters of the Apsara Stack RevokeSecurityGroup reference on
	// revoke, the owner id and source ports among them, and a ClientToken.
	if err := b.Revoke(ctx, "sg-as-web", []rule.Rule{dns}, "revoke-1"); err != nil {
		t.Fatal(err)
	}
	rv := m.Store.CallsOf(Name, "RevokeSecurityGroup")[0].Params
	for k, want := range map[string]string{"SourceGroupId": "sg-as-app", "SourceGroupOwnerId": "1234567890", "SourcePortRange": "1024/65535",
		"NicType": "intranet", "Policy": "drop", "Priority": "9", "PortRange": "53/53", "IpProtocol": "udp"} {
		if rv[k] != want {
			t.Errorf("revoke %s = %v, want %s", k, rv[k], want)
		}
	}
	if rv["ClientToken"] != "revoke-1" {
		t.Errorf("revoke token %v", rv["ClientToken"])
	}
	if err := b.Revoke(ctx, "sg-as-web", []rule.Rule{dns}, "revoke-2"); !cloud.IsGone(err) {
		t.Fatalf("revoke again: %v", err)
	}
	if err := b.Revoke(ctx, "sg-as-gone", []rule.Rule{dns}, ""); cloud.KindOf(err) != cloud.KindGroupGone {
		t.Fatalf("a missing group: %v", err)
	}
}

// Both failure shapes are understood: ECS's and the gateway's.
func TestFailureShapes(t *testing.T) {
	m := mocktest.Start(t, "")
	ctx := context.Background()
	// A wrong secret: the gateway answers with its string to sign, which
	// holds the access key id, the nonce and the timestamp; none of it
	// reaches the error, in any of the gateway's answer shapes.
	for _, shape := range []string{"", mockapsarastack.ShapeASAPI, mockapsarastack.ShapeCombined} {
		m.Store.SetBehavior(Name, mockapsarastack.ErrorShape, shape)
		err := connect(t, m, "wrong").Authorize(ctx, "sg-as-web", []rule.Rule{ping6}, "")
		if e, ok := cloud.AsError(err); !ok || e.Kind != cloud.KindAuth || e.Code != "SignatureDoesNotMatch" || !strings.Contains(err.Error(), "apsarastack block") {
			t.Fatalf("bad secret, shape %q: %v", shape, err)
		}
		for _, leak := range []string{"AccessKeyId", "mock-access-key", "SignatureNonce", "string to sign"} {
			if strings.Contains(err.Error(), leak) {
				t.Fatalf("shape %q: the error shows %s: %v", shape, leak, err)
			}
		}
	}
	m.Store.SetBehavior(Name, mockapsarastack.ErrorShape, "")
	noOrg := settings(m.URL, "mock-secret-key")
	noOrg["organization_id"] = ""
	b, _ := New(noOrg)
	err := b.Authorize(ctx, "sg-as-web", []rule.Rule{ping6}, "")
	if e, ok := cloud.AsError(err); !ok || e.Kind != cloud.KindUnknown || !strings.Contains(e.Message, "x-acs-organizationid") || !strings.Contains(err.Error(), "organization_id") {
		t.Fatalf("no organization: %v", err)
	}
	m.Store.SetBehavior(Name, mockapsarastack.ErrorShape, mockapsarastack.ShapeASAPI)
	err = connect(t, m, "mock-secret-key").Revoke(ctx, "sg-as-gone", []rule.Rule{ping6}, "")
	if e, ok := cloud.AsError(err); !ok || e.Kind != cloud.KindGroupGone || e.Code != "InvalidSecurityGroupId.NotFound" {
		t.Fatalf("gateway-shaped not found: %+v", err)
	}
	m.Store.AddFault(store.Fault{Cloud: Name, Throttle: 1, ServerError: 1})
	for range 2 {
		if _, err := connect(t, m, "mock-secret-key").Describe(ctx, "sg-as-web"); cloud.KindOf(err) != cloud.KindTransient {
			t.Fatalf("faults: %v", err)
		}
	}
}

// What other implementations may answer: the gateway's failure with HTTP
// 200, a numeric Priority, ECS's RequestId.
func TestTolerantAnswers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/DescribeSecurityGroupAttribute"):
			_, _ = w.Write([]byte(`{"RequestId":"R","Permissions":{"Permission":[{"Direction":"ingress","IpProtocol":"TCP","PortRange":"22/22","SourceCidrIp":"10.0.0.0/8","Policy":"Accept","Priority":1,"NicType":"intranet"}]}}`))
		default:
			_, _ = w.Write([]byte(`{"resultCode":-1,"resultMsg":"system error","result":null}`))
		}
	}))
	defer srv.Close()
	b, _ := New(settings(srv.URL, "s"))
	rules, err := b.Describe(context.Background(), "sg")
	if err != nil || len(rules) != 1 || rules[0].Priority != 1 || rules[0].Protocol != rule.TCP {
		t.Fatalf("%+v %v", rules, err)
	}
	err = b.Authorize(context.Background(), "sg", []rule.Rule{ping6}, "")
	if e, ok := cloud.AsError(err); !ok || e.Message != "system error" || e.Code != "resultCode -1" {
		t.Fatalf("a gateway failure with HTTP 200: %+v", err)
	}
}

// The organization and resource group go out only when set: the route's
// documentation names neither.
func TestOrganizationHeadersOnlyWhenSet(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		_, _ = w.Write([]byte(`{"RequestID":"R"}`))
	}))
	defer srv.Close()
	s := settings(srv.URL, "s")
	s["organization_id"], s["resource_group_id"] = "", ""
	b, _ := New(s)
	if err := b.Authorize(context.Background(), "sg", []rule.Rule{ping6}, ""); err != nil {
		t.Fatal(err)
	}
	if _, ok := got["X-Acs-Organizationid"]; ok || got.Get("x-acs-resourcegroupid") != "" {
		t.Fatalf("headers %v", got)
	}
	b, _ = New(settings(srv.URL, "s"))
	_ = b.Authorize(context.Background(), "sg", []rule.Rule{ping6}, "")
	if got.Get("x-acs-organizationid") != "org-1" || got.Get("x-acs-resourcegroupid") != "rg-1" {
		t.Fatalf("headers %v", got)
	}
}
