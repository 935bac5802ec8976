package baiducloud

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/baidubce/bce-sdk-go/bce"
	"github.com/baidubce/bce-sdk-go/services/bcc/api"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// The vectors of Baidu's bce-auth-v1 signature documentation: the documented one (an
// empty signed-headers list means the default set) and one captured from
// the Go SDK's authorizeRule.
func TestSignVectors(t *testing.T) {
	const ak, sk = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	doc := httptest.NewRequest(http.MethodPut, "http://bj.bcebos.com/v1/test/myfolder/readme.txt?partNumber=9&uploadId=a44cc9bab11cbd156984767aad637851", strings.NewReader("12345678"))
	doc.Header.Set("Content-Type", "text/plain")
	doc.Header.Set("Content-Length", "8")
	doc.Header.Set("Content-Md5", "NFzcPqhviddjRNnSOGo4rw==")
	doc.Header.Set("x-bce-date", "2015-04-27T08:23:49Z")
	at := time.Date(2015, 4, 27, 8, 23, 49, 0, time.UTC)
	if got := sign(&request{http: doc, body: []byte("12345678")}, ak, sk, at, 1800, ""); got != "d74a04362e6a848f5b39b15421cb449427f419c95a480fd6b8cf9fc783e2999e" {
		t.Fatalf("doc vector: %s", got)
	}

	body := `{"rule":{"sourceIp":"10.0.0.0/8","protocol":"tcp","portRange":"22","direction":"ingress"}}`
	sdk := httptest.NewRequest(http.MethodPut, "http://127.0.0.1:34463/v2/securityGroup/g-test?clientToken=token-1&authorizeRule", strings.NewReader(body))
	sdk.Header.Set("Content-Length", "90")
	sdk.Header.Set("Content-Md5", "PJl0aoAxLirMDQ2difY2vw==")
	sdk.Header.Set("Content-Type", "application/json;charset=utf-8")
	sdk.Header.Set("x-bce-date", "2026-11-21T13:55:25Z")
	at = time.Date(2026, 11, 21, 13, 55, 25, 0, time.UTC)
	if got := sign(&request{http: sdk, body: []byte(body)}, ak, sk, at, 1800, "content-length;content-md5;content-type;host;x-bce-date"); got != "ea271a6eaac48dbf44d904ae490bb4f09ac8eb195f0a28ec4434c1ecb57d6560" {
		t.Fatalf("SDK vector: %s", got)
	}
}

// client is the vendor's own SDK pointed at an in-process mock.
func client(t *testing.T, secret string) (bce.Client, *store.Store) {
	t.Helper()
	st := store.New(Fixtures)
	srv := httptest.NewServer(New(frontend.Config{Store: st, Credentials: map[string]string{"ak": "sk"}, ClockSkew: 15 * time.Minute}))
	t.Cleanup(srv.Close)
	c, err := bce.NewBceClientWithAkSk("ak", secret, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	c.Config.Retry = bce.NewNoRetryPolicy()
	return c, st
}

func code(err error) string {
	if e := (*bce.BceServiceError)(nil); errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func TestTheVendorSDKWorksUnchanged(t *testing.T) {
	c, st := client(t, "sk")
	ssh := &api.SecurityGroupRuleModel{Direction: "ingress", Protocol: "tcp", PortRange: "22-22", SourceIp: "10.0.0.0/8", Remark: "ssh"}
	if err := api.AuthorizeSecurityGroupRule(c, "g-web", &api.AuthorizeSecurityGroupArgs{Rule: ssh, ClientToken: "t-1"}); err != nil {
		t.Fatal(err)
	}
	// The same token again is the same request: success, no second rule.
	if err := api.AuthorizeSecurityGroupRule(c, "g-web", &api.AuthorizeSecurityGroupArgs{Rule: ssh, ClientToken: "t-1"}); err != nil {
		t.Fatal(err)
	}
	// Another token: the 6-tuple exists, 409.
	err := api.AuthorizeSecurityGroupRule(c, "g-web", &api.AuthorizeSecurityGroupArgs{Rule: ssh, ClientToken: "t-2"})
	if e := (*bce.BceServiceError)(nil); !errors.As(err, &e) || e.StatusCode != http.StatusConflict {
		t.Fatalf("duplicate: %v", err)
	}
	// Another remark is another rule.
	other := *ssh
	other.Remark = "other"
	if err := api.AuthorizeSecurityGroupRule(c, "g-web", &api.AuthorizeSecurityGroupArgs{Rule: &other}); err != nil {
		t.Fatal(err)
	}
	d, err := api.GetSecurityGroupDetail(c, "g-web")
	if err != nil || len(d.Rules) != 2 || d.SgVersion != 2 || d.Rules[0].PortRange != "22" || d.Rules[0].SecurityGroupRuleId == "" || d.Rules[0].Ethertype != "IPv4" {
		t.Fatalf("detail: %+v %v", d, err)
	}
	g, _ := st.FindGroup(Cloud, "g-web")
	if r := g.Rules[0].(*Rule); r.IDAlias != r.ID {
		t.Fatalf("the rule id must be under both keys: %+v", r)
	}
	// The revoke matches the stored spelling letter for letter: "22-22",
	// as the authorize spelled it, is not "22", as the cloud keeps it.
	if err := api.RevokeSecurityGroupRule(c, "g-web", &api.RevokeSecurityGroupArgs{Rule: ssh}); code(err) != "SecurityGroup.RuleNotExist" {
		t.Fatalf("revoke by the authorize's spelling: %v", err)
	}
	described := *ssh
	described.PortRange = d.Rules[0].PortRange
	if err := api.RevokeSecurityGroupRule(c, "g-web", &api.RevokeSecurityGroupArgs{Rule: &described}); err != nil {
		t.Fatalf("revoke by describe's spelling: %v", err)
	}
	if err := api.RevokeSecurityGroupRule(c, "g-web", &api.RevokeSecurityGroupArgs{Rule: &described}); code(err) != "SecurityGroup.RuleNotExist" {
		t.Fatalf("revoke again: %v", err)
	}
	if err := api.RevokeSecurityGroupRule(c, "g-gone", &api.RevokeSecurityGroupArgs{Rule: ssh}); code(err) != "NoSuchObject" {
		t.Fatalf("revoke in a missing group: %v", err)
	}
	// Listing, paged with marker as the SDK expects.
	page, err := api.ListSecurityGroup(c, &api.ListSecurityGroupArgs{MaxKeys: 2})
	if err != nil || len(page.SecurityGroups) != 2 || !page.IsTruncated || page.NextMarker != "g-db" {
		t.Fatalf("page 1: %+v %v", page, err)
	}
	page, err = api.ListSecurityGroup(c, &api.ListSecurityGroupArgs{MaxKeys: 2, Marker: page.NextMarker})
	if err != nil || len(page.SecurityGroups) != 1 || page.IsTruncated {
		t.Fatalf("page 2: %+v %v", page, err)
	}
}

func TestDocumentedCodes(t *testing.T) {
	c, _ := client(t, "sk")
	for port, want := range map[string]string{
		"443-80": "SecurityGroup.RulePortOrderInvalid",
		"0-22":   "SecurityGroup.RulePortRangeInvalid",
		"ssh":    "SecurityGroup.RulePortInvalid",
	} {
		err := api.AuthorizeSecurityGroupRule(c, "g-web", &api.AuthorizeSecurityGroupArgs{Rule: &api.SecurityGroupRuleModel{
			Direction: "ingress", Protocol: "tcp", PortRange: port, SourceIp: "10.0.0.0/8"}})
		if code(err) != want {
			t.Errorf("port %q: %v, want %s", port, err, want)
		}
	}
	bad, _ := client(t, "wrong")
	if _, err := api.GetSecurityGroupDetail(bad, "g-web"); code(err) != "SignatureDoesNotMatch" {
		t.Fatalf("bad secret: %v", err)
	}
}

// sgVersion is checked when sent (the SDK's helpers never send it, so the
// request is built with the SDK's own request builder).
func TestVersionMismatch(t *testing.T) {
	c, st := client(t, "sk")
	authorize := func(version string) string {
		req := &bce.BceRequest{}
		req.SetUri(Prefix + "/g-web")
		req.SetMethod("PUT")
		req.SetParam("authorizeRule", "")
		req.SetParam("sgVersion", version)
		body, _ := bce.NewBodyFromString(`{"rule":{"direction":"ingress","protocol":"all","sourceIp":"10.0.0.0/8"}}`)
		req.SetBody(body)
		err := c.SendRequest(req, &bce.BceResponse{})
		return code(err)
	}
	st.SetBehavior(Cloud, ConcurrentWrites, "1")
	if got := authorize("0"); got != "VersionMismatch" {
		t.Fatalf("a write racing another: %q", got)
	}
	if got := authorize("1"); got != "" {
		t.Fatalf("with the current version: %q", got)
	}
	if g, _ := st.FindGroup(Cloud, "g-web"); g.Version != 2 || len(g.Rules) != 1 {
		t.Fatalf("version %d, %d rules", g.Version, len(g.Rules))
	}
}

// A revoke's clientToken is honoured as an authorize's: repeated with the
// same request it is answered success again and revokes nothing (the
// rule made again since stays, open), even without the sgVersion the
// first attempt sent; with another request it is refused; a refused
// revoke claims nothing.
func TestClientTokensOnRevoke(t *testing.T) {
	c, st := client(t, "sk")
	ssh := &api.SecurityGroupRuleModel{Direction: "ingress", Protocol: "tcp", PortRange: "22", SourceIp: "10.0.0.0/8"}
	revoke := func(group, token, version string) string {
		req := &bce.BceRequest{}
		req.SetUri(Prefix + "/" + group)
		req.SetMethod("PUT")
		req.SetParam("revokeRule", "")
		req.SetParam("clientToken", token)
		if version != "" {
			req.SetParam("sgVersion", version)
		}
		body, _ := bce.NewBodyFromString(`{"rule":{"direction":"ingress","protocol":"tcp","portRange":"22","sourceIp":"10.0.0.0/8"}}`)
		req.SetBody(body)
		return code(c.SendRequest(req, &bce.BceResponse{}))
	}
	held := func() int { g, _ := st.FindGroup(Cloud, "g-web"); return len(g.Rules) }
	if err := api.AuthorizeSecurityGroupRule(c, "g-web", &api.AuthorizeSecurityGroupArgs{Rule: ssh, ClientToken: "a1"}); err != nil {
		t.Fatal(err)
	}
	if got := revoke("g-web", "r1", "1"); got != "" || held() != 0 {
		t.Fatalf("revoke: %q, %d rules", got, held())
	}
	if err := api.AuthorizeSecurityGroupRule(c, "g-web", &api.AuthorizeSecurityGroupArgs{Rule: ssh, ClientToken: "a2"}); err != nil {
		t.Fatal(err)
	}
	if got := revoke("g-web", "r1", ""); got != "" || held() != 1 {
		t.Fatalf("a repeated revoke token must change nothing: %q, %d rules", got, held())
	}
	if got := revoke("g-web", "a2", ""); got != "BadRequest" || held() != 1 {
		t.Fatalf("the token of an authorize on a revoke: %q", got)
	}
	if got := revoke("g-missing", "r2", ""); got != "NoSuchObject" {
		t.Fatalf("revoke in a missing group: %q", got)
	}
	if got := revoke("g-web", "r2", ""); got != "" || held() != 0 {
		t.Fatalf("the token of a refused call must stay free: %q, %d rules", got, held())
	}
}

// "all" as sourceIp or destIp, as Baidu's documents and its own provider
// spell every address of the ethertype: taken, kept and described as
// written. The 6-tuple is compared as stored, so "all" and "0.0.0.0/0"
// are two rules and a revoke names each by its own spelling, while "all"
// of IPv6 repeats "all" of IPv4 (the ethertype is not in the 6-tuple).
func TestAllAddresses(t *testing.T) {
	c, st := client(t, "sk")
	everyone := &api.SecurityGroupRuleModel{Direction: "ingress", Protocol: "tcp", PortRange: "443", SourceIp: "all", Ethertype: "IPv4"}
	out := &api.SecurityGroupRuleModel{Direction: "egress", Protocol: "all", DestIp: "all"}
	for _, r := range []*api.SecurityGroupRuleModel{everyone, out} {
		if err := api.AuthorizeSecurityGroupRule(c, "g-web", &api.AuthorizeSecurityGroupArgs{Rule: r}); err != nil {
			t.Fatalf("authorize %+v: %v", r, err)
		}
	}
	d, err := api.GetSecurityGroupDetail(c, "g-web")
	if err != nil || len(d.Rules) != 2 || d.Rules[0].SourceIp != "all" || d.Rules[1].DestIp != "all" || d.Rules[1].Ethertype != "IPv4" {
		t.Fatalf("detail: %+v %v", d, err)
	}
	v6 := *everyone
	v6.Ethertype = "IPv6"
	if err := api.AuthorizeSecurityGroupRule(c, "g-web", &api.AuthorizeSecurityGroupArgs{Rule: &v6}); code(err) != "SecurityGroup.RuleDuplicated" {
		t.Fatalf("all of IPv6 beside all of IPv4: %v", err)
	}
	for _, bad := range []string{"ALL", "any", "all/0"} {
		r := *everyone
		r.SourceIp = bad
		if err := api.AuthorizeSecurityGroupRule(c, "g-web", &api.AuthorizeSecurityGroupArgs{Rule: &r}); code(err) != "SecurityGroup.RuleCIDRAddressError" {
			t.Errorf("sourceIp %q: %v", bad, err)
		}
	}
	spelled := *everyone
	spelled.SourceIp = "0.0.0.0/0"
	if err := api.RevokeSecurityGroupRule(c, "g-web", &api.RevokeSecurityGroupArgs{Rule: &spelled}); code(err) != "SecurityGroup.RuleNotExist" {
		t.Fatalf("revoke of \"all\" as 0.0.0.0/0: %v", err)
	}
	if err := api.AuthorizeSecurityGroupRule(c, "g-web", &api.AuthorizeSecurityGroupArgs{Rule: &spelled}); err != nil {
		t.Fatalf("0.0.0.0/0 beside all: %v", err)
	}
	for _, r := range []*api.SecurityGroupRuleModel{everyone, out, &spelled} {
		if err := api.RevokeSecurityGroupRule(c, "g-web", &api.RevokeSecurityGroupArgs{Rule: r}); err != nil {
			t.Fatalf("revoke %+v: %v", r, err)
		}
	}
	if g, _ := st.FindGroup(Cloud, "g-web"); len(g.Rules) != 0 {
		t.Fatalf("left: %+v", g.Rules)
	}
}
