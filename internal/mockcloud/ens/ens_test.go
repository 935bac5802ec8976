package ens

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/signature/acs"
)

var now = time.Date(2026, 11, 21, 13, 55, 25, 0, time.UTC)

// call signs one ENS action (V1, as the SDK's core does) and returns the
// status and the answer.
func call(t *testing.T, api http.Handler, n int, params map[string]string) (int, map[string]any) {
	t.Helper()
	p := map[string]string{"AccessKeyId": "ak", "Format": "JSON", "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
		"SignatureNonce": "nonce-" + strconv.Itoa(n), "Timestamp": now.Format("2006-01-02T15:04:05Z"), "Version": Version}
	for k, v := range params {
		p[k] = v
	}
	p["Signature"] = acs.V1Sign(acs.V1StringToSign("POST", p), "sk")
	q := url.Values{}
	for k, v := range p {
		q.Set(k, v)
	}
	w := httptest.NewRecorder()
	api.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/?"+q.Encode(), nil))
	var body map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &body)
	return w.Code, body
}

// ENS's own rules on ECS's transport: lower-case protocols only, one rule
// per call, duplicates and unknown rules answered with ENS's codes, and
// rules described as ENS spells them (TCP, Accept, an integer priority).
func TestENSRules(t *testing.T) {
	st := store.New(Fixtures)
	st.Now = func() time.Time { return now }
	api := New(frontend.Config{Store: st, Credentials: map[string]string{"ak": "sk"}, ClockSkew: 15 * time.Minute})
	ssh := map[string]string{"Action": "AuthorizeSecurityGroup", "SecurityGroupId": "sg-ens-web", "IpProtocol": "tcp", "PortRange": "22/22", "SourceCidrIp": "10.0.0.0/8"}

	if status, body := call(t, api, 1, ssh); status != 200 || body["RequestId"] == nil {
		t.Fatalf("authorize: %d %v", status, body)
	}
	if status, body := call(t, api, 2, ssh); status != 400 || body["Code"] != "SecurityGroupRuleConflict.Duplicated" {
		t.Fatalf("duplicate: %d %v", status, body)
	}
	upper := map[string]string{}
	for k, v := range ssh {
		upper[k] = v
	}
	upper["IpProtocol"] = "TCP"
	if status, body := call(t, api, 3, upper); status != 400 || body["Code"] != "InvalidParameter.IpProtocol" {
		t.Fatalf("upper-case protocol: %d %v", status, body)
	}
	status, body := call(t, api, 4, map[string]string{"Action": "DescribeSecurityGroupAttribute", "SecurityGroupId": "sg-ens-web"})
	perms := body["Permissions"].(map[string]any)["Permission"].([]any)
	if status != 200 || len(perms) != 1 {
		t.Fatalf("describe: %d %v", status, body)
	}
	if p := perms[0].(map[string]any); p["IpProtocol"] != "TCP" || p["Policy"] != "Accept" || p["Priority"] != float64(1) || p["PortRange"] != "22/22" {
		t.Fatalf("described as %v", p)
	}
	revoke := map[string]string{}
	for k, v := range ssh {
		revoke[k] = v
	}
	revoke["Action"] = "RevokeSecurityGroup"
	if status, _ := call(t, api, 5, revoke); status != 200 {
		t.Fatalf("revoke: %d", status)
	}
	if status, body := call(t, api, 6, revoke); status != 400 || body["Code"] != "SecurityGroupRule.NotFound" {
		t.Fatalf("revoke of a gone rule: %d %v", status, body)
	}
	if g, _ := st.FindGroup(Cloud, "sg-ens-web"); len(g.Rules) != 0 {
		t.Fatalf("%d rules left", len(g.Rules))
	}
}
