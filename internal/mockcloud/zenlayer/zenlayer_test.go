package zenlayer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/signature/zc2"
)

var start = time.Date(2026, 11, 21, 13, 55, 25, 0, time.UTC)

type fixture struct {
	api *API
	st  *store.Store
	now time.Time
}

func newFixture() *fixture {
	f := &fixture{now: start}
	f.st = store.New(Fixtures)
	f.st.Now = func() time.Time { return f.now }
	f.st.Reset() // fixtures timed by the fake clock
	f.api = New(frontend.Config{Store: f.st, Credentials: map[string]string{"ak": "sk"}, ClockSkew: 15 * time.Minute})
	return f
}

// request builds a call signed the way the vendor's Go SDK signs it.
func (f *fixture) request(action string, body any, secret string, at time.Time) *http.Request {
	raw, _ := json.Marshal(body)
	req := httptest.NewRequest(http.MethodPost, "http://console.zenlayer.test"+Path, bytes.NewReader(raw))
	ts := strconv.FormatInt(at.Unix(), 10)
	req.Header.Set("content-type", "application/json")
	req.Header.Set("x-zc-action", action)
	req.Header.Set("x-zc-version", "2023-03-13")
	req.Header.Set("x-zc-timestamp", ts)
	req.Header.Set("x-zc-signature-method", zc2.Algorithm)
	req.Header.Set("Authorization", zc2.Authorization("ak", zc2.Sign(secret, "application/json", req.Host, ts, raw)))
	return req
}

func (f *fixture) do(req *http.Request) (int, map[string]any) {
	w := httptest.NewRecorder()
	f.api.ServeHTTP(w, req)
	var body map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &body)
	return w.Code, body
}

func (f *fixture) call(action string, body any) (int, map[string]any) {
	return f.do(f.request(action, body, "sk", f.now))
}

func ssh(port string) map[string]any {
	return map[string]any{"direction": "ingress", "policy": "accept", "priority": 1, "ipProtocol": "tcp", "portRange": port, "cidrIp": "10.0.0.0/8"}
}

func rulesOf(f *fixture, id string) []RuleInfo {
	g, _ := f.st.FindGroup(Cloud, id)
	var out []RuleInfo
	for _, r := range g.Rules {
		out = append(out, *r.(*RuleInfo))
	}
	return out
}

func TestAuthentication(t *testing.T) {
	f := newFixture()
	body := map[string]any{"securityGroupIds": []string{"zl-web"}}
	for _, c := range []struct {
		name string
		req  *http.Request
		code string
	}{
		{"wrong secret", f.request("DescribeSecurityGroups", body, "other", f.now), codeSignatureMismatch},
		{"stale timestamp", f.request("DescribeSecurityGroups", body, "sk", f.now.Add(-16*time.Minute)), codeTimestampExpired},
		{"future timestamp", f.request("DescribeSecurityGroups", body, "sk", f.now.Add(16*time.Minute)), codeTimestampExpired},
		{"body changed after signing", func() *http.Request {
			r := f.request("DescribeSecurityGroups", body, "sk", f.now)
			r.Body, r.ContentLength = http.NoBody, 0
			return r
		}(), codeSignatureMismatch},
		{"unknown key", func() *http.Request {
			r := f.request("DescribeSecurityGroups", body, "sk", f.now)
			r.Header.Set("Authorization", zc2.Authorization("nobody", "00"))
			return r
		}(), codeUnknownAccessKey},
		{"bearer token", func() *http.Request {
			r := f.request("DescribeSecurityGroups", body, "sk", f.now)
			r.Header.Set("Authorization", "Bearer x")
			return r
		}(), codeBadAuthorization},
	} {
		status, answer := f.do(c.req)
		if status != 401 || answer["code"] != c.code || answer["requestId"] == "" {
			t.Errorf("%s: %d %v, want 401 %s", c.name, status, answer, c.code)
		}
	}
	if status, answer := f.call("DescribeSecurityGroups", body); status != 200 {
		t.Fatalf("a good signature: %d %v", status, answer)
	}
	if calls := f.st.CallsOf(Cloud, "DescribeSecurityGroups"); len(calls) != 7 || calls[0].Params["securityGroupIds"] == nil {
		t.Fatalf("every call is logged with its parameters: %+v", calls)
	}
}

func TestAuthorizeNormalisesAndRejectsRepeats(t *testing.T) {
	f := newFixture()
	status, answer := f.call("AuthorizeSecurityGroupRules", map[string]any{"securityGroupId": "zl-web", "ruleInfos": []any{
		ssh("22"),
		map[string]any{"direction": "egress", "ipProtocol": "icmp", "portRange": "-1/-1", "cidrIp": "0.0.0.0/0"},
	}})
	if status != 200 || answer["response"].(map[string]any)["requestId"] != answer["requestId"] {
		t.Fatalf("authorize: %d %v", status, answer)
	}
	rules := rulesOf(f, "zl-web")
	if len(rules) != 2 || rules[0].PortRange != "22/22" || rules[1].Policy != "accept" || rules[1].Priority != 1 || rules[0].RuleID == 0 {
		t.Fatalf("stored %+v; want 22 as 22/22 and the defaults filled in", rules)
	}
	// "22/22" and priority 5 are the same rule as "22" at priority 1.
	again := ssh("22/22")
	again["priority"] = 5
	if status, answer := f.call("AuthorizeSecurityGroupRules", map[string]any{"securityGroupId": "zl-web", "ruleInfos": []any{again}}); status != 403 ||
		answer["code"] != "OPERATION_DENIED_SECURITY_GROUP_EXIST_REPEAT_RULE" {
		t.Fatalf("repeat: %d %v", status, answer)
	}
}

func TestAuthorizeRejectsWhatZenlayerLacks(t *testing.T) {
	f := newFixture()
	with := func(k string, v any) map[string]any { r := ssh("22"); r[k] = v; return r }
	for _, c := range []struct {
		rule map[string]any
		code string
	}{
		{with("policy", "drop"), "INVALID_PARAMETER_SECURITY_GROUP_POLICY"},
		{with("priority", 101), "INVALID_PARAMETER_SECURITY_GROUP_PRIORITY"},
		{with("portRange", "200/1"), "INVALID_PARAMETER_SECURITY_GROUP_PORT_RANGE"},
		{with("portRange", "1-200"), "INVALID_PARAMETER_SECURITY_GROUP_PORT_RANGE"},
		{with("cidrIp", "2001:db8::/32"), "INVALID_PARAMETER_SECURITY_GROUP_SOURCE_CIDR_IP"},
		{with("cidrIp", "10.0.0.1/8"), "INVALID_PARAMETER_SECURITY_GROUP_SOURCE_CIDR_IP"},
		{with("ipProtocol", "TCP"), "INVALID_PARAMETER"},
		{with("ipProtocol", "gre"), "INVALID_PARAMETER"},
		{with("ruleId", 7), "INVALID_PARAMETER_SECURITY_GROUP_RULE_ID_NOT_ALLOW"},
	} {
		status, answer := f.call("AuthorizeSecurityGroupRules", map[string]any{"securityGroupId": "zl-web", "ruleInfos": []any{c.rule}})
		if status != 400 || answer["code"] != c.code {
			t.Errorf("%v: %d %v, want 400 %s", c.rule, status, answer, c.code)
		}
	}
	if rules := rulesOf(f, "zl-web"); len(rules) != 0 {
		t.Fatalf("rejected rules were stored: %+v", rules)
	}
}

func TestLimitPerDirection(t *testing.T) {
	f := newFixture()
	var batch []any
	for p := 1; p <= MaxRulesPerDirection; p++ {
		batch = append(batch, ssh(strconv.Itoa(p)))
	}
	if status, answer := f.call("AuthorizeSecurityGroupRules", map[string]any{"securityGroupId": "zl-web", "ruleInfos": batch}); status != 200 {
		t.Fatalf("20 ingress rules: %d %v", status, answer)
	}
	status, answer := f.call("AuthorizeSecurityGroupRules", map[string]any{"securityGroupId": "zl-web", "ruleInfos": []any{ssh("999")}})
	if status != 403 || answer["code"] != "OPERATION_DENIED_SECURITY_GROUP_RULE_EXCEED_LIMIT" {
		t.Fatalf("21st ingress rule: %d %v", status, answer)
	}
	egress := ssh("999")
	egress["direction"] = "egress"
	if status, answer := f.call("AuthorizeSecurityGroupRules", map[string]any{"securityGroupId": "zl-web", "ruleInfos": []any{egress}}); status != 200 {
		t.Fatalf("egress has its own 20: %d %v", status, answer)
	}
}

func TestGroupsThatCannotBeEdited(t *testing.T) {
	f := newFixture()
	for _, action := range []string{"AuthorizeSecurityGroupRules", "RevokeSecurityGroupRules"} {
		for group, want := range map[string]string{
			"zl-default": "OPERATION_DENIED_DEFAULT_SECURITY_GROUP_NOT_SUPPORT",
			"zl-pending": "OPERATION_DENIED_SECURITY_GROUP_STATUS_NOT_AVAILABLE",
			"zl-nothing": "INVALID_SECURITY_GROUP_NOT_FOUND",
		} {
			status, answer := f.call(action, map[string]any{"securityGroupId": group, "ruleInfos": []any{ssh("22")}})
			if answer["code"] != want || (status != 403 && status != 404) {
				t.Errorf("%s on %s: %d %v, want %s", action, group, status, answer, want)
			}
		}
	}
	f.now = f.now.Add(PendingFor)
	if status, answer := f.call("AuthorizeSecurityGroupRules", map[string]any{"securityGroupId": "zl-pending", "ruleInfos": []any{ssh("22")}}); status != 200 {
		t.Fatalf("zl-pending after %v: %d %v", PendingFor, status, answer)
	}
	if g, _ := f.st.FindGroup(Cloud, "zl-pending"); g.Status != "Available" || !g.AvailableAt.IsZero() {
		t.Fatalf("zl-pending is %q", g.Status)
	}
}

func TestRevoke(t *testing.T) {
	f := newFixture()
	f.call("AuthorizeSecurityGroupRules", map[string]any{"securityGroupId": "zl-web", "ruleInfos": []any{ssh("22"), ssh("80/80"), ssh("443")}})
	// The vm20230313 SDK cannot send priority: a revoke without one
	// matches any priority.
	noPriority := ssh("80")
	delete(noPriority, "priority")
	status, answer := f.call("RevokeSecurityGroupRules", map[string]any{"securityGroupId": "zl-web", "ruleInfos": []any{ssh("22/22"), noPriority}})
	if status != 200 {
		t.Fatalf("revoke: %d %v", status, answer)
	}
	if rules := rulesOf(f, "zl-web"); len(rules) != 1 || rules[0].PortRange != "443/443" {
		t.Fatalf("left %+v, want only 443", rules)
	}
	// A missing rule fails the whole call: 443 stays.
	status, answer = f.call("RevokeSecurityGroupRules", map[string]any{"securityGroupId": "zl-web", "ruleInfos": []any{ssh("443"), ssh("22")}})
	if status != 404 || answer["code"] != "INVALID_SECURITY_GROUP_RULE_NOT_FOUND" || len(rulesOf(f, "zl-web")) != 1 {
		t.Fatalf("revoke of a missing rule: %d %v, rules %+v", status, answer, rulesOf(f, "zl-web"))
	}
	wrongPriority := ssh("443")
	wrongPriority["priority"] = 7
	if status, _ := f.call("RevokeSecurityGroupRules", map[string]any{"securityGroupId": "zl-web", "ruleInfos": []any{wrongPriority}}); status != 404 {
		t.Fatalf("a revoke naming another priority matched: %d", status)
	}
}

func TestDescribePages(t *testing.T) {
	f := newFixture()
	status, answer := f.call("DescribeSecurityGroups", map[string]any{"pageSize": 3, "pageNum": 2})
	resp := answer["response"].(map[string]any)
	if status != 200 || resp["totalCount"] != float64(4) || len(resp["dataSet"].([]any)) != 1 {
		t.Fatalf("page 2 of 3: %d %v", status, answer)
	}
	_, answer = f.call("DescribeSecurityGroups", map[string]any{"securityGroupIds": []string{"zl-default"}})
	g := answer["response"].(map[string]any)["dataSet"].([]any)[0].(map[string]any)
	rules := g["ruleInfos"].([]any)
	if g["isDefault"] != true || g["securityGroupStatus"] != "Available" || len(rules) != 5 || rules[0].(map[string]any)["ruleId"] != float64(9001) {
		t.Fatalf("zl-default: %v", g)
	}
	_, answer = f.call("DescribeSecurityGroups", map[string]any{"securityGroupIds": []string{"zl-gone"}})
	if resp := answer["response"].(map[string]any); resp["totalCount"] != float64(0) || fmt.Sprint(resp["dataSet"]) != "[]" {
		t.Fatalf("unknown id: %v", resp)
	}
}

func TestFaults(t *testing.T) {
	f := newFixture()
	f.st.AddFault(store.Fault{Cloud: Cloud, Action: "DescribeSecurityGroups", Throttle: 1, ServerError: 1})
	for _, want := range []int{429, 500, 200} {
		if status, answer := f.call("DescribeSecurityGroups", map[string]any{}); status != want {
			t.Fatalf("got %d %v, want %d", status, answer, want)
		}
	}
}
