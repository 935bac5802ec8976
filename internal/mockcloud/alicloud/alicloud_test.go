package alicloud

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/signature/acs"
)

var now = time.Date(2026, 11, 21, 13, 55, 25, 0, time.UTC)

func newAPI() (*API, *store.Store) {
	st := store.New(Fixtures)
	st.Now = func() time.Time { return now }
	return New(frontend.Config{Store: st, Credentials: map[string]string{"ak": "sk"}, ClockSkew: 15 * time.Minute}), st
}

var nonce int

// v1 signs params the way the legacy SDK does.
func v1(method string, params map[string]string, secret string) url.Values {
	nonce++
	p := map[string]string{"AccessKeyId": "ak", "Format": "JSON", "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
		"SignatureNonce": "nonce-" + strconv.Itoa(nonce), "Timestamp": now.Format("2006-01-02T15:04:05Z"),
		"Version": Version, "RegionId": "cn-hangzhou"}
	for k, v := range params {
		p[k] = v
	}
	p["Signature"] = acs.V1Sign(acs.V1StringToSign(method, p), secret)
	q := url.Values{}
	for k, v := range p {
		q.Set(k, v)
	}
	return q
}

func do(api *API, req *http.Request) (int, map[string]any) {
	w := httptest.NewRecorder()
	api.ServeHTTP(w, req)
	var body map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &body)
	return w.Code, body
}

func TestV1QueryAndFormBody(t *testing.T) {
	api, st := newAPI()
	params := map[string]string{"Action": "AuthorizeSecurityGroup", "SecurityGroupId": "sg-web",
		"Permissions.1.IpProtocol": "tcp", "Permissions.1.PortRange": "22/22", "Permissions.1.SourceCidrIp": "10.0.0.0/8"}
	status, body := do(api, httptest.NewRequest(http.MethodPost, "/?"+v1("POST", params, "sk").Encode(), nil))
	if status != 200 || body["RequestId"] == "" {
		t.Fatalf("query: %d %v", status, body)
	}
	// Other SDKs post a form body; the same rule again is a no-op.
	form := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(v1("POST", params, "sk").Encode()))
	form.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if status, body := do(api, form); status != 200 {
		t.Fatalf("form: %d %v", status, body)
	}
	if g, _ := st.FindGroup(Cloud, "sg-web"); len(g.Rules) != 1 {
		t.Fatalf("%d rules after a repeated authorize, want 1", len(g.Rules))
	}
}

func TestV3Headers(t *testing.T) {
	api, st := newAPI()
	query := url.Values{"RegionId": {"cn-hangzhou"}, "SecurityGroupId": {"sg-web"}, "Permissions.1.IpProtocol": {"ALL"},
		"Permissions.1.PortRange": {"-1/-1"}, "Permissions.1.DestCidrIp": {"0.0.0.0/0"}}
	sign := func(secret string) *http.Request {
		req := httptest.NewRequest(http.MethodPost, "/?"+query.Encode(), nil)
		h := map[string]string{"host": req.Host, "x-acs-action": "AuthorizeSecurityGroupEgress", "x-acs-version": Version,
			"x-acs-date": now.Format("2006-01-02T15:04:05Z"), "x-acs-signature-nonce": "v3-" + secret, "x-acs-content-sha256": acs.SHA256Hex(nil)}
		names := []string{"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"}
		for _, n := range names[1:] {
			req.Header.Set(n, h[n])
		}
		q := map[string]string{}
		for k := range query {
			q[k] = query.Get(k)
		}
		sig := acs.V3Sign(acs.V3CanonicalRequest(acs.V3Request{Method: "POST", Path: "/", Query: q, Headers: h, SignedHeaders: names, PayloadHash: acs.SHA256Hex(nil)}), secret)
		req.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders="+strings.Join(names, ";")+",Signature="+sig)
		return req
	}
	if status, body := do(api, sign("wrong")); status != 400 || body["Code"] != "SignatureDoesNotMatch" {
		t.Fatalf("bad V3 signature: %d %v", status, body)
	}
	if status, body := do(api, sign("sk")); status != 200 {
		t.Fatalf("V3: %d %v", status, body)
	}
	if g, _ := st.FindGroup(Cloud, "sg-web"); len(g.Rules) != 1 {
		t.Fatalf("V3 authorize stored %d rules", len(g.Rules))
	}
}

func TestSignatureLayerErrors(t *testing.T) {
	api, _ := newAPI()
	describe := map[string]string{"Action": "DescribeSecurityGroupAttribute", "SecurityGroupId": "sg-web"}
	cases := []struct {
		name   string
		mutate func(url.Values)
		status int
		code   string
	}{
		{"unknown key", func(q url.Values) { q.Set("AccessKeyId", "nobody") }, 404, "InvalidAccessKeyId.NotFound"},
		{"tampered", func(q url.Values) { q.Set("SecurityGroupId", "sg-db") }, 400, "SignatureDoesNotMatch"},
		{"no signature", func(q url.Values) { q.Del("Signature") }, 400, "MissingParameter"},
	}
	for _, tc := range cases {
		q := v1("POST", describe, "sk")
		tc.mutate(q)
		status, body := do(api, httptest.NewRequest(http.MethodPost, "/?"+q.Encode(), nil))
		if status != tc.status || body["Code"] != tc.code {
			t.Errorf("%s: %d %v, want %d %s", tc.name, status, body["Code"], tc.status, tc.code)
		}
	}
	// An old timestamp, and a nonce used twice.
	old := map[string]string{"Timestamp": now.Add(-20 * time.Minute).Format("2006-01-02T15:04:05Z")}
	for k, v := range describe {
		old[k] = v
	}
	if status, body := do(api, httptest.NewRequest(http.MethodPost, "/?"+v1("POST", old, "sk").Encode(), nil)); status != 400 || body["Code"] != "InvalidTimeStamp.Expired" {
		t.Errorf("expired: %d %v", status, body)
	}
	q := v1("POST", describe, "sk").Encode()
	do(api, httptest.NewRequest(http.MethodPost, "/?"+q, nil))
	if status, body := do(api, httptest.NewRequest(http.MethodPost, "/?"+q, nil)); status != 400 || body["Code"] != "SignatureNonceUsed" {
		t.Errorf("replay: %d %v", status, body)
	}
}

func TestRuleSemantics(t *testing.T) {
	api, st := newAPI()
	send := func(params map[string]string) (int, string) {
		status, body := do(api, httptest.NewRequest(http.MethodPost, "/?"+v1("POST", params, "sk").Encode(), nil))
		code, _ := body["Code"].(string)
		return status, code
	}
	ssh := map[string]string{"Action": "AuthorizeSecurityGroup", "SecurityGroupId": "sg-web", "ClientToken": "t1",
		"IpProtocol": "tcp", "PortRange": "22/22", "SourceCidrIp": "10.0.0.0/8"}
	if s, c := send(ssh); s != 200 {
		t.Fatalf("flat authorize: %d %s", s, c)
	}
	other := map[string]string{}
	for k, v := range ssh {
		other[k] = v
	}
	other["PortRange"] = "23/23"
	// A refused call does not claim its token: sent again once the cause
	// is gone (the group had no room), it lands.
	full := map[string]string{}
	for k, v := range other {
		full[k] = v
	}
	full["ClientToken"], full["SecurityGroupId"] = "t2", "sg-app"
	var padding []any
	st.Atomically(func(tx *store.Tx) {
		g := tx.Group(Cloud, "sg-app")
		padding = g.Rules
		for len(g.Rules) < MaxRules {
			g.Rules = append(g.Rules, &permission{Direction: "ingress", IpProtocol: "TCP", PortRange: fmt.Sprintf("%d/%d", 1000+len(g.Rules), 1000+len(g.Rules)), SourceCidrIp: "10.9.0.0/16", Policy: "Accept", Priority: "1"})
		}
	})
	if s, c := send(full); s != 403 || c != "AuthorizationLimitExceed" {
		t.Fatalf("a full group: %d %s", s, c)
	}
	st.Atomically(func(tx *store.Tx) { tx.Group(Cloud, "sg-app").Rules = padding })
	if s, c := send(full); s != 200 {
		t.Fatalf("the same call once the group had room: %d %s", s, c)
	}
	if g, _ := st.FindGroup(Cloud, "sg-app"); len(g.Rules) != len(padding)+1 {
		t.Fatalf("%d rules, want %d: the retried call did not land", len(g.Rules), len(padding)+1)
	}
	if s, c := send(other); s != 400 || c != "IdempotentParameterMismatch" {
		t.Errorf("token reused with other parameters: %d %s", s, c)
	}
	for name, tc := range map[string]struct {
		params map[string]string
		status int
		code   string
	}{
		"mixed forms":   {map[string]string{"IpProtocol": "tcp", "Permissions.1.IpProtocol": "tcp"}, 400, "InvalidParameter"},
		"bad protocol":  {map[string]string{"IpProtocol": "sctp", "PortRange": "1/2", "SourceCidrIp": "1.1.1.1"}, 400, "InvalidIpProtocol.ValueNotSupported"},
		"ports on icmp": {map[string]string{"IpProtocol": "icmp", "PortRange": "1/2", "SourceCidrIp": "1.1.1.1"}, 400, "InvalidIpPortRange.Malformed"},
		"reversed":      {map[string]string{"IpProtocol": "tcp", "PortRange": "200/1", "SourceCidrIp": "1.1.1.1"}, 400, "InvalidIpPortRange.Malformed"},
		"no peer":       {map[string]string{"IpProtocol": "tcp", "PortRange": "1/2"}, 400, "MissingParameter"},
		"v6 in v4":      {map[string]string{"IpProtocol": "all", "PortRange": "-1/-1", "SourceCidrIp": "::/0"}, 400, "InvalidSourceCidrIp.Malformed"},
		"bad policy":    {map[string]string{"IpProtocol": "all", "PortRange": "-1/-1", "SourceCidrIp": "1.1.1.1", "Policy": "maybe"}, 400, "InvalidPolicy.Malformed"},
		"bad nic":       {map[string]string{"IpProtocol": "all", "PortRange": "-1/-1", "SourceCidrIp": "1.1.1.1", "NicType": "wifi"}, 400, "InvalidNicType.ValueNotSupported"},
		"peer missing":  {map[string]string{"IpProtocol": "all", "PortRange": "-1/-1", "SourceGroupId": "sg-nope"}, 404, "InvalidSourceGroupId.NotFound"},
		"peer far away": {map[string]string{"IpProtocol": "all", "PortRange": "-1/-1", "SourceGroupId": "sg-other-vpc"}, 400, "InvalidSourceGroupId.Mismatch"},
		"other region":  {map[string]string{"IpProtocol": "all", "PortRange": "-1/-1", "SourceCidrIp": "1.1.1.1", "SecurityGroupId": "sg-bj"}, 404, "InvalidSecurityGroupId.NotFound"},
		"no region":     {map[string]string{"IpProtocol": "all", "PortRange": "-1/-1", "SourceCidrIp": "1.1.1.1", "RegionId": "mars-1"}, 404, "InvalidRegionId.NotFound"},
	} {
		p := map[string]string{"Action": "AuthorizeSecurityGroup", "SecurityGroupId": "sg-web"}
		for k, v := range tc.params {
			p[k] = v
		}
		if s, c := send(p); s != tc.status || c != tc.code {
			t.Errorf("%s: %d %s, want %d %s", name, s, c, tc.status, tc.code)
		}
	}
	// Quota.
	var perms = map[string]string{"Action": "AuthorizeSecurityGroup", "SecurityGroupId": "sg-db"}
	for i := 1; i <= 100; i++ {
		n := "Permissions." + itoa(i) + "."
		perms[n+"IpProtocol"], perms[n+"PortRange"], perms[n+"SourceCidrIp"] = "tcp", itoa(i)+"/"+itoa(i), "10.0.0.0/8"
	}
	send(perms)
	for i := 1; i <= 100; i++ {
		perms["Permissions."+itoa(i)+".PortRange"] = itoa(i+100) + "/" + itoa(i+100)
	}
	send(perms)
	perms = map[string]string{"Action": "AuthorizeSecurityGroup", "SecurityGroupId": "sg-db", "IpProtocol": "udp", "PortRange": "1/1", "SourceCidrIp": "10.0.0.0/8"}
	if s, c := send(perms); s != 403 || c != "AuthorizationLimitExceed" {
		t.Errorf("rule 201: %d %s", s, c)
	}
	if g, _ := st.FindGroup(Cloud, "sg-db"); len(g.Rules) != MaxRules {
		t.Errorf("%d rules, want the quota of %d", len(g.Rules), MaxRules)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// ClientToken as ECS documents idempotence, on every write: a repeat with
// the same request is answered success and changes nothing, a revoke
// included (the rule made again since stays); another request with it is
// IdempotentParameterMismatch; a refused call claims nothing.
func TestClientTokens(t *testing.T) {
	api, st := newAPI()
	ssh := map[string]string{"SecurityGroupId": "sg-web", "Permissions.1.IpProtocol": "tcp", "Permissions.1.PortRange": "22/22", "Permissions.1.SourceCidrIp": "10.0.0.0/8"}
	call := func(action, token string, extra map[string]string) (int, map[string]any) {
		p := map[string]string{"Action": action, "ClientToken": token}
		for k, v := range ssh {
			p[k] = v
		}
		for k, v := range extra {
			p[k] = v
		}
		return do(api, httptest.NewRequest(http.MethodPost, "/?"+v1("POST", p, "sk").Encode(), nil))
	}
	held := func() int { g, _ := st.FindGroup(Cloud, "sg-web"); return len(g.Rules) }

	if s, b := call("AuthorizeSecurityGroup", "a1", nil); s != 200 || held() != 1 {
		t.Fatalf("authorize: %d %v, %d rules", s, b, held())
	}
	if s, b := call("RevokeSecurityGroup", "r1", nil); s != 200 || held() != 0 {
		t.Fatalf("revoke: %d %v, %d rules", s, b, held())
	}
	if s, _ := call("AuthorizeSecurityGroup", "a2", nil); s != 200 || held() != 1 {
		t.Fatal("authorize again")
	}
	// The first revoke's token again: answered as then, and the rule stays.
	if s, _ := call("RevokeSecurityGroup", "r1", nil); s != 200 || held() != 1 {
		t.Fatalf("a repeated revoke token must change nothing: %d rules", held())
	}
	for _, c := range []struct{ action, token string }{
		{"RevokeSecurityGroup", "a2"}, // another action
		{"AuthorizeSecurityGroup", "r1"},
	} {
		if s, b := call(c.action, c.token, nil); s != 400 || b["Code"] != "IdempotentParameterMismatch" {
			t.Fatalf("%s with the token of another request: %d %v", c.action, s, b)
		}
	}
	if s, b := call("AuthorizeSecurityGroup", "a2", map[string]string{"Permissions.1.PortRange": "23/23"}); s != 400 || b["Code"] != "IdempotentParameterMismatch" {
		t.Fatalf("other parameters with a used token: %d %v", s, b)
	}
	// A refused call claims nothing: sent again once its cause is gone, it
	// lands.
	if s, _ := call("RevokeSecurityGroup", "r2", map[string]string{"SecurityGroupId": "sg-missing"}); s != 404 {
		t.Fatal("revoke in a missing group")
	}
	if s, _ := call("RevokeSecurityGroup", "r2", nil); s == 200 && held() != 0 || s != 200 {
		t.Fatalf("a token of a refused call must stay free: %d, %d rules", s, held())
	}
}

// The owner of a peer group of another account, as the ECS
// RevokeSecurityGroup reference has it: describes carry the owner account
// and id (both, for an account the mock knows, whichever the authorize
// named); a revoke that names no owner is for the caller's own account
// and never matches such a rule; one that names an owner must give it as
// the rule has it, in each field it sends.
func TestPeerGroupOwners(t *testing.T) {
	for _, tc := range []struct {
		name                string
		authorize           map[string]string
		wantAccount, wantID string
		misses, matches     []map[string]string
	}{
		{name: "known account by id", authorize: map[string]string{"SourceGroupOwnerId": "1234567890"},
			wantAccount: "peer@example.com", wantID: "1234567890",
			misses: []map[string]string{nil, {"SourceGroupOwnerId": "1122334455667788"}, {"SourceGroupOwnerAccount": "partner@example.net"},
				{"SourceGroupOwnerAccount": "partner@example.net", "SourceGroupOwnerId": "1234567890"}},
			matches: []map[string]string{{"SourceGroupOwnerAccount": "peer@example.com", "SourceGroupOwnerId": "1234567890"},
				{"SourceGroupOwnerId": "1234567890"}, {"SourceGroupOwnerAccount": "peer@example.com"}}},
		{name: "known account by login", authorize: map[string]string{"SourceGroupOwnerAccount": "partner@example.net"},
			wantAccount: "partner@example.net", wantID: "1122334455667788",
			misses:  []map[string]string{nil, {"SourceGroupOwnerId": "1234567890"}},
			matches: []map[string]string{{"SourceGroupOwnerId": "1122334455667788"}}},
		{name: "unknown account", authorize: map[string]string{"SourceGroupOwnerId": "999"},
			wantID: "999",
			// The mock cannot tell which login an unknown id has.
			misses:  []map[string]string{nil, {"SourceGroupOwnerAccount": "someone@example.org", "SourceGroupOwnerId": "999"}},
			matches: []map[string]string{{"SourceGroupOwnerId": "999"}}},
		{name: "own account", authorize: nil,
			misses:  []map[string]string{{"SourceGroupOwnerId": "1234567890"}},
			matches: []map[string]string{nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api, st := newAPI()
			send := func(action string, params map[string]string) (int, string) {
				// sg-app, in sg-web's VPC: a revoke naming no owner is not refused
				// as InvalidSourceGroupId.Mismatch before it is matched.
				p := map[string]string{"Action": action, "SecurityGroupId": "sg-web", "IpProtocol": "tcp", "PortRange": "22/22", "SourceGroupId": "sg-app"}
				for k, v := range params {
					p[k] = v
				}
				status, body := do(api, httptest.NewRequest(http.MethodPost, "/?"+v1("POST", p, "sk").Encode(), nil))
				code, _ := body["Code"].(string)
				return status, code
			}
			held := func() []permission {
				g, _ := st.FindGroup(Cloud, "sg-web")
				var out []permission
				for _, r := range g.Rules {
					out = append(out, *r.(*permission))
				}
				return out
			}
			described := func() []map[string]any {
				status, body := do(api, httptest.NewRequest(http.MethodPost, "/?"+v1("POST", map[string]string{"Action": "DescribeSecurityGroupAttribute", "SecurityGroupId": "sg-web"}, "sk").Encode(), nil))
				if status != 200 {
					t.Fatalf("describe: %d %v", status, body)
				}
				var out []map[string]any
				for _, p := range body["Permissions"].(map[string]any)["Permission"].([]any) {
					out = append(out, p.(map[string]any))
				}
				return out
			}
			for i, revoke := range append(tc.misses, tc.matches...) {
				if i == 0 || i > len(tc.misses) {
					if s, c := send("AuthorizeSecurityGroup", tc.authorize); s != 200 {
						t.Fatalf("authorize: %d %s", s, c)
					}
					d := described()
					if len(d) != 1 || d[0]["SourceGroupOwnerAccount"] != tc.wantAccount || d[0]["SourceGroupOwnerId"] != tc.wantID {
						t.Fatalf("described %v, want owner %q %q", d, tc.wantAccount, tc.wantID)
					}
				}
				if s, c := send("RevokeSecurityGroup", revoke); i < len(tc.misses) {
					if s != 400 || c != "InvalidSecurityGroupRule.RuleNotExist" || len(held()) != 1 {
						t.Errorf("revoke naming %v: %d %s, %d rules; want the rule not found, and kept", revoke, s, c, len(held()))
					}
				} else if s != 200 || len(held()) != 0 {
					t.Errorf("revoke naming %v: %d %s, %d rules; want the rule revoked", revoke, s, c, len(held()))
				}
			}
		})
	}
}
