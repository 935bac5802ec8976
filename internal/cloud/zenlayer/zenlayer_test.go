package zenlayer

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

func connect(t *testing.T, endpoint, secret string) *Backend {
	t.Helper()
	b, err := New(map[string]string{"access_key": "mock-access-key", "secret_key": secret, "endpoint": endpoint})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	ssh  = rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8", Policy: rule.Accept, Priority: 1, Description: "ssh"}
	web  = rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 80, To: 443}, CIDR: "203.0.113.7/32", Policy: rule.Accept, Priority: 50}
	ping = rule.Rule{Direction: rule.Ingress, Protocol: rule.ICMP, CIDR: "0.0.0.0/0"}
	out  = rule.Rule{Direction: rule.Egress, Protocol: rule.All, CIDR: "0.0.0.0/0", Policy: rule.Accept, Priority: 100}
)

func TestRoundTrip(t *testing.T) {
	m := mocktest.Start(t, "")
	b := connect(t, m.URL, "mock-secret-key")
	ctx := context.Background()
	all := []rule.Rule{ssh, web, ping, out}
	if err := b.Authorize(ctx, "zl-web", all, "unused"); err != nil {
		t.Fatal(err)
	}
	calls := m.Store.CallsOf(Name, "AuthorizeSecurityGroupRules")
	if len(calls) != 1 {
		t.Fatalf("%d authorize calls, want one batch", len(calls))
	}
	// The wire spellings of the API's RuleInfo data type.
	sent := calls[0].Params["ruleInfos"].([]any)
	first, third := sent[0].(map[string]any), sent[2].(map[string]any)
	if first["portRange"] != "22/22" || first["ipProtocol"] != "tcp" || first["description"] != "ssh" ||
		third["portRange"] != "-1/-1" || third["policy"] != "accept" || third["priority"] != float64(1) || first["ruleId"] != nil {
		t.Fatalf("sent %v", sent)
	}
	got, err := b.Describe(ctx, "zl-web")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(all) {
		t.Fatalf("described %+v", got)
	}
	for _, want := range all {
		i := rule.Find(got, want)
		if i < 0 || got[i].NativeID == "" || got[i].Description != want.Description || got[i].Priority == 0 {
			t.Fatalf("rule %s read back from %+v", want, got)
		}
	}

	// The revoke body of the Zenlayer RevokeSecurityGroupRules reference:
	// securityGroupId and ruleInfos of direction, policy, priority, ipProtocol,
	// portRange and cidrIp.
	if err := b.Revoke(ctx, "zl-web", []rule.Rule{ssh}, ""); err != nil {
		t.Fatal(err)
	}
	revoke := m.Store.CallsOf(Name, "RevokeSecurityGroupRules")[0].Params
	info := revoke["ruleInfos"].([]any)[0].(map[string]any)
	keys := []string{}
	for k := range info {
		keys = append(keys, k)
	}
	if revoke["securityGroupId"] != "zl-web" || len(info) != 6 || info["priority"] != float64(1) || info["cidrIp"] != "10.0.0.0/8" {
		t.Fatalf("revoke sent %v (keys %v)", revoke, keys)
	}
	// A batch with a rule already gone fails whole (all or nothing)...
	if err := b.Revoke(ctx, "zl-web", []rule.Rule{ssh, web, ping}, ""); cloud.KindOf(err) != cloud.KindRuleGone {
		t.Fatalf("a batch with a gone rule: %v", err)
	}
	if g, _ := m.Store.FindGroup(Name, "zl-web"); len(g.Rules) != 3 {
		t.Fatalf("left %d rules, want all 3", len(g.Rules))
	}
	// ...and engine.Client's deletes, batched or not, still remove the
	// others.
	c := engine.NewClient(Definition(), b, "test", engine.NewGroups(engine.Settings{Backoff: engine.Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond}}))
	var wg sync.WaitGroup
	for _, r := range []rule.Rule{ssh, web, ping} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.Delete(ctx, "zl-web", r); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if g, _ := m.Store.FindGroup(Name, "zl-web"); len(g.Rules) != 1 {
		t.Fatalf("left %d rules, want only the egress one", len(g.Rules))
	}
	if err := b.Revoke(ctx, "zl-web", []rule.Rule{ssh}, ""); cloud.KindOf(err) != cloud.KindRuleGone {
		t.Fatalf("revoke of a gone rule: %v", err)
	}
}

func TestDescribeGoneGroupAndReadOnlyRules(t *testing.T) {
	m := mocktest.Start(t, "")
	b := connect(t, m.URL, "mock-secret-key")
	if _, err := b.Describe(context.Background(), "zl-nothing"); cloud.KindOf(err) != cloud.KindGroupGone {
		t.Fatalf("a missing group: %v", err)
	}
	rules, err := b.Describe(context.Background(), "zl-default")
	if err != nil || len(rules) != 5 {
		t.Fatalf("zl-default: %v %+v", err, rules)
	}
	drop := rules[3]
	if drop.Policy != rule.Drop || drop.Protocol != rule.All || !drop.Ports.IsZero() || drop.NativeID != "9004" || drop.Priority != 100 {
		t.Fatalf("the drop rule read back as %+v", drop)
	}
}

// A create whose answer is lost is retried without a client token (Zenlayer
// has none); the retry's "repeat rule" is recognised as our own write.
func TestLostCreateAnswerLeavesOneRule(t *testing.T) {
	m := mocktest.Start(t, "")
	b := connect(t, m.URL, "mock-secret-key")
	m.Store.AddFault(store.Fault{Cloud: Name, Action: "AuthorizeSecurityGroupRules", DropAfterCommit: 1})
	c := engine.NewClient(Definition(), b, "test", engine.NewGroups(engine.Settings{Backoff: engine.Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond}}))
	got, err := c.Create(context.Background(), "zl-web", ssh)
	if err != nil || got.NativeID == "" {
		t.Fatalf("Create = %+v, %v", got, err)
	}
	if g, _ := m.Store.FindGroup(Name, "zl-web"); len(g.Rules) != 1 {
		t.Fatalf("%d rules, want 1", len(g.Rules))
	}
}

// A throttled authorize was not acted on (Zenlayer has no client token):
// when the retry finds the rule made meanwhile by another writer, the rule
// is that writer's, not adopted as ours.
func TestThrottledCreateDoesNotAdoptAnotherWritersRule(t *testing.T) {
	m := mocktest.Start(t, "")
	b := connect(t, m.URL, "mock-secret-key")
	m.Store.AddFault(store.Fault{Cloud: Name, Action: "AuthorizeSecurityGroupRules", Throttle: 1})
	c := engine.NewClient(Definition(), b, "test", engine.NewGroups(engine.Settings{Backoff: engine.Backoff{Initial: 400 * time.Millisecond, Max: time.Second}}))
	result := make(chan error, 1)
	go func() { _, err := c.Create(context.Background(), "zl-web", ssh); result <- err }()
	deadline := time.Now().Add(5 * time.Second)
	for mocktest.Calls(m, Name, "AuthorizeSecurityGroupRules", 429) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no throttled authorize")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := connect(t, m.URL, "mock-secret-key").Authorize(context.Background(), "zl-web", []rule.Rule{ssh}, ""); err != nil {
		t.Fatal(err)
	}
	if err := <-result; cloud.KindOf(err) != cloud.KindDuplicate {
		t.Fatalf("Create = %v, want the other writer's rule reported as existing", err)
	}
}

// Answers other implementations may give: a string ruleId, a non-JSON
// error page, an unreadable success body.
func TestTolerantDecoding(t *testing.T) {
	answers := map[string]func(w http.ResponseWriter){
		"DescribeSecurityGroups": func(w http.ResponseWriter) {
			_, _ = w.Write([]byte(`{"requestId":"T1","response":{"totalCount":1,"dataSet":[{"securityGroupId":"g","ruleInfos":[{"ruleId":"abc","direction":"ingress","policy":"accept","priority":1,"ipProtocol":"TCP","portRange":"80","cidrIp":"10.0.0.1"}]}]}}`))
		},
		"AuthorizeSecurityGroupRules": func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte(`<html>bad gateway</html>`))
		},
		"RevokeSecurityGroupRules": func(w http.ResponseWriter) { _, _ = w.Write([]byte(`not json`)) },
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answers[r.Header.Get("X-ZC-Action")](w)
	}))
	defer srv.Close()
	b := connect(t, srv.URL, "s")
	rules, err := b.Describe(context.Background(), "g")
	if err != nil || len(rules) != 1 || rules[0].NativeID != "abc" || rules[0].Protocol != rule.TCP ||
		rules[0].Ports != (rule.PortRange{From: 80, To: 80}) || rules[0].CIDR != "10.0.0.1/32" {
		t.Fatalf("describe: %+v %v", rules, err)
	}
	err = b.Authorize(context.Background(), "g", []rule.Rule{ssh}, "")
	if cloud.KindOf(err) != cloud.KindTransient || !strings.Contains(err.Error(), "bad gateway") {
		t.Fatalf("a 502 page: %v", err)
	}
	if err := b.Revoke(context.Background(), "g", []rule.Rule{ssh}, ""); err == nil || !strings.Contains(err.Error(), "unreadable") {
		t.Fatalf("an unreadable success: %v", err)
	}
}

func TestEndpoints(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "https://console.zenlayer.com",
		"console.zenlayer.com":     "https://console.zenlayer.com",
		"http://127.0.0.1:8080":    "http://127.0.0.1:8080",
		"https://api.example.com/": "https://api.example.com",
	} {
		u, err := cloud.ParseEndpoint(in, defaultEndpoint(nil))
		if err != nil || u.String() != want {
			t.Errorf("%q: %v %v, want %s", in, u, err, want)
		}
	}
	for _, bad := range []string{"ftp://x", "http://x/api/v2/vm", "http://", "https://x?y=1"} {
		if _, err := cloud.ParseEndpoint(bad, defaultEndpoint(nil)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// The signed request matches what the mock (and Zenlayer) verify, also
// when the clock is far off: then the error names the clock.
func TestClockSkewNamesTheClock(t *testing.T) {
	m := mocktest.Start(t, "")
	b := connect(t, m.URL, "mock-secret-key")
	b.client.now = func() time.Time { return time.Now().Add(-time.Hour) }
	_, err := b.Describe(context.Background(), "zl-web")
	if !strings.Contains(err.Error(), "clock") {
		t.Fatalf("%v", err)
	}
	var e *cloud.Error
	if !errors.As(err, &e) || e.Kind != cloud.KindAuth {
		t.Fatalf("%v", err)
	}
}

func BenchmarkDescribe20Rules(b *testing.B) {
	m := mockcloud.New(mockcloud.Options{})
	if err := m.Start("127.0.0.1:0", ""); err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	be, _ := New(map[string]string{"access_key": "mock-access-key", "secret_key": "mock-secret-key", "endpoint": m.URL})
	var rules []rule.Rule
	for p := 1; p <= 20; p++ {
		r := ssh
		r.Ports = rule.PortRange{From: p, To: p}
		rules = append(rules, r)
	}
	if err := be.Authorize(context.Background(), "zl-web", rules, ""); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := be.Describe(context.Background(), "zl-web"); err != nil {
			b.Fatal(err)
		}
	}
}

// Zenlayer's throttling answer may say how long to wait.
func TestRetryAfterIsRead(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "3")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"requestId":"T1","code":"REQUEST_LIMIT_EXCEEDED","message":"slow down"}`))
	}))
	defer srv.Close()
	b := connect(t, srv.URL, "s")
	_, err := b.Describe(context.Background(), "zl-web")
	if e, ok := cloud.AsError(err); !ok || e.Kind != cloud.KindTransient || e.RetryAfter != 3*time.Second {
		t.Fatalf("%+v", err)
	}
}
