package mockcloud

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

func start(t *testing.T, caFile string) *Server {
	t.Helper()
	s := New(Options{})
	if err := s.Start("127.0.0.1:0", caFile); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func call(t *testing.T, c *http.Client, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(b) > 0 && b[0] == '{' {
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, url, err, b)
		}
	}
	return resp.StatusCode, out
}

func TestControlAPI(t *testing.T) {
	s := start(t, "")
	c := http.DefaultClient
	status, state := call(t, c, "GET", s.URL+"/_mock/state", "")
	groups, _ := state["groups"].([]any)
	if status != 200 || len(groups) == 0 {
		t.Fatalf("state: %d %v", status, state)
	}
	first := groups[0].(map[string]any)
	for _, k := range []string{"cloud", "id", "region", "status", "default", "rules"} {
		if _, ok := first[k]; !ok {
			t.Fatalf("state group lacks %q: %v", k, first)
		}
	}

	if status, _ := call(t, c, "POST", s.URL+"/_mock/groups", `{"cloud":"alicloud","id":"sg-new","region":"cn-hangzhou","status":"Available","default":false}`); status != 201 {
		t.Fatalf("create group: %d", status)
	}
	if status, _ := call(t, c, "POST", s.URL+"/_mock/groups", `{"cloud":"alicloud","id":"sg-new","region":"cn-hangzhou"}`); status != 409 {
		t.Fatalf("duplicate group: %d, want 409", status)
	}
	// Found in review: a group of no cloud, or unreachable, was created.
	if status, out := call(t, c, "POST", s.URL+"/_mock/groups", `{"cloud":"alicoud","id":"sg-typo"}`); status != 400 || !strings.Contains(fmt.Sprint(out["error"]), "want one of zenlayer, alicloud") {
		t.Fatalf("a group of cloud \"alicoud\": %d %v, want 400 naming the clouds", status, out)
	}
	if status, out := call(t, c, "POST", s.URL+"/_mock/groups", `{"cloud":"apsarastack","id":"sg-nowhere"}`); status != 400 || !strings.Contains(fmt.Sprint(out["error"]), "no region") {
		t.Fatalf("an apsarastack group without region: %d %v, want 400", status, out)
	}
	if _, ok := s.Store.FindGroup("alicloud", "sg-new"); !ok {
		t.Fatal("created group missing from the store")
	}
	if status, _ := call(t, c, "POST", s.URL+"/_mock/faults", `[{"cloud":"alicloud","action":"DescribeSecurityGroupAttribute","throttle":1}]`); status != 200 {
		t.Fatalf("faults: %d", status)
	}
	if status, _ := call(t, c, "POST", s.URL+"/_mock/faults", `{"throttle":1}`); status != 400 {
		t.Fatalf("a fault without cloud must be rejected, got %d", status)
	}
	if taken := s.Store.TakeFault("alicloud", "DescribeSecurityGroupAttribute"); taken.Kind != store.Throttle {
		t.Fatalf("fault not installed: %q", taken.Kind)
	}
	if status, _ := call(t, c, "POST", s.URL+"/_mock/behavior", `{"cloud":"alicloud","revoke_missing":"success"}`); status != 200 {
		t.Fatalf("behavior: %d", status)
	}

	// A vendor call lands in the call log with its status and code.
	call(t, c, "POST", s.URL+"/?Action=DescribeSecurityGroupAttribute&Version=2014-05-26", "")
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/_mock/calls", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var calls []store.Call
	_ = json.NewDecoder(resp.Body).Decode(&calls)
	resp.Body.Close()
	if len(calls) != 1 || calls[0].Cloud != "alicloud" || calls[0].Action != "DescribeSecurityGroupAttribute" || calls[0].Status != 400 || calls[0].Code != "MissingParameter" {
		t.Fatalf("calls = %+v", calls)
	}

	if status, _ := call(t, c, "POST", s.URL+"/_mock/reset", ""); status != 200 {
		t.Fatalf("reset: %d", status)
	}
	if _, ok := s.Store.FindGroup("alicloud", "sg-new"); ok || len(s.Store.Calls()) != 0 {
		t.Fatal("reset must restore the fixtures and clear the call log")
	}
	if taken := s.Store.TakeFault("alicloud", "DescribeSecurityGroupAttribute"); taken.Kind != store.NoFault {
		t.Fatal("reset must turn faults off")
	}
}

func TestTLSMode(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.pem")
	s := start(t, ca)
	if !strings.HasPrefix(s.URL, "https://127.0.0.1:") {
		t.Fatalf("URL %s", s.URL)
	}
	pem, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("CA file holds no certificate")
	}
	trusting := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	for _, host := range []string{s.URL, strings.Replace(s.URL, "127.0.0.1", "localhost", 1)} {
		if status, _ := call(t, trusting, "GET", host+"/_mock/state", ""); status != 200 {
			t.Fatalf("%s: %d", host, status)
		}
	}
	if resp, err := http.Get(s.URL + "/_mock/state"); err == nil {
		resp.Body.Close()
		t.Fatal("a client that does not trust the CA must fail")
	}
}

// Out-of-band deletions for users' drift tests: one rule by the vendor's
// id or by position, one whole group.
func TestControlAPIDeletesOutOfBand(t *testing.T) {
	s := start(t, "")
	c := http.DefaultClient
	// zl-default holds rules 9001-9005.
	if status, _ := call(t, c, "DELETE", s.URL+"/_mock/groups/zenlayer/zl-default/rules/9002", ""); status != 200 {
		t.Fatalf("delete rule by id: %d", status)
	}
	// The answer says which rule a position named (found by a new user).
	if status, out := call(t, c, "DELETE", s.URL+"/_mock/groups/zenlayer/zl-default/rules/@0", ""); status != 200 || fmt.Sprint(out["rule"].(map[string]any)["ruleId"]) != "9001" {
		t.Fatalf("delete rule by position: %d, %v; want the answer to name rule 9001", status, out)
	}
	g, _ := s.Store.FindGroup("zenlayer", "zl-default")
	var left []string
	for _, r := range g.Rules {
		raw, _ := json.Marshal(r)
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		left = append(left, fmt.Sprint(m["ruleId"]))
	}
	if strings.Join(left, ",") != "9003,9004,9005" {
		t.Fatalf("rules left: %v", left)
	}
	if status, out := call(t, c, "DELETE", s.URL+"/_mock/groups/zenlayer/zl-default/rules/9002", ""); status != 404 || !strings.Contains(fmt.Sprint(out["error"]), "no rule 9002") {
		t.Fatalf("a rule already gone: %d %v", status, out)
	}
	if status, _ := call(t, c, "DELETE", s.URL+"/_mock/groups/alicloud/sg-web", ""); status != 200 {
		t.Fatalf("delete group: %d", status)
	}
	if _, ok := s.Store.FindGroup("alicloud", "sg-web"); ok {
		t.Fatal("the group is still there")
	}
	for _, u := range []string{"/_mock/groups/alicloud/sg-web", "/_mock/groups/alicloud/sg-web/rules/@0"} {
		if status, _ := call(t, c, "DELETE", s.URL+u, ""); status != 404 {
			t.Fatalf("DELETE %s of a missing group: %d", u, status)
		}
	}
}

// The server-wide latency applies to every vendor call, adds to a fault's
// and survives a reset.
func TestLatencyOption(t *testing.T) {
	s := New(Options{Latency: 20 * time.Millisecond})
	s.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "DescribeSecurityGroupAttribute", LatencyMS: 5})
	if got := s.Store.TakeFault("alicloud", "DescribeSecurityGroupAttribute").Latency; got != 25*time.Millisecond {
		t.Fatalf("latency %v", got)
	}
	s.Store.Reset()
	if got := s.Store.TakeFault("zenlayer", "DescribeSecurityGroups").Latency; got != 20*time.Millisecond {
		t.Fatalf("latency after reset %v", got)
	}
}

// Jitter spreads the latency evenly around it, within its bounds, and
// survives a reset.
func TestJitterOption(t *testing.T) {
	s := New(Options{Latency: 20 * time.Millisecond, Jitter: 0.5})
	s.Store.Reset()
	seen := map[time.Duration]bool{}
	for range 200 {
		got := s.Store.TakeFault("alicloud", "AuthorizeSecurityGroup").Latency
		if got < 10*time.Millisecond || got > 30*time.Millisecond {
			t.Fatalf("latency %v outside 10-30 ms", got)
		}
		seen[got] = true
	}
	if len(seen) < 50 {
		t.Fatalf("only %d distinct latencies in 200 calls", len(seen))
	}
}

// The traffic counts tell the connections clients opened (a client
// without keep-alive opens one per request) and the most vendor calls in
// flight at once, from the last reset of the counts.
func TestTraffic(t *testing.T) {
	s := New(Options{})
	if err := s.Start("127.0.0.1:0", ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	get := func(client *http.Client) {
		resp, err := client.Get(s.URL + "/_mock/state")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	reusing := &http.Client{Transport: &http.Transport{}}
	for range 3 {
		get(reusing)
	}
	closing := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for range 3 {
		get(closing)
	}
	if got := s.Store.Traffic().NewConnections; got != 4 {
		t.Fatalf("new connections %d, want 4 (1 reused, 3 closed after each request)", got)
	}
	first, second := s.Store.CallStarted(), s.Store.CallStarted()
	second()
	s.Store.CallStarted()()
	first()
	if got := s.Store.Traffic().PeakInFlight; got != 2 {
		t.Fatalf("peak in flight %d, want 2", got)
	}
	s.Store.ResetTraffic()
	if got := s.Store.Traffic(); got != (store.Traffic{}) {
		t.Fatalf("after reset %+v", got)
	}
}

// The cloud's clock moves by the offset, from the flag (kept across
// resets) or the control call (until the next reset); every answer's Date
// header tells the cloud's time, as a real cloud's does.
func TestClockOffset(t *testing.T) {
	s := New(Options{ClockOffset: -10 * time.Minute})
	if err := s.Start("127.0.0.1:0", ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	offsetOf := func() time.Duration {
		t.Helper()
		resp, err := http.Get(s.URL + "/v2/securityGroup/g-web") // unsigned: refused, but dated
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		date, err := http.ParseTime(resp.Header.Get("Date"))
		if err != nil {
			t.Fatalf("Date %q: %v", resp.Header.Get("Date"), err)
		}
		return time.Until(date).Round(time.Minute)
	}
	if got := offsetOf(); got != -10*time.Minute {
		t.Fatalf("the flag's offset: Date is %v from this machine's clock", got)
	}
	if status, out := call(t, http.DefaultClient, "POST", s.URL+"/_mock/clock", `{"offset_seconds": 900}`); status != 200 || out["offset_seconds"] != 900.0 {
		t.Fatalf("set the clock: %d %v", status, out)
	}
	if got := offsetOf(); got != 15*time.Minute {
		t.Fatalf("after the control call: %v", got)
	}
	if status, _ := call(t, http.DefaultClient, "POST", s.URL+"/_mock/clock", `{}`); status != 400 {
		t.Fatalf("a clock call without offset_seconds: %d", status)
	}
	call(t, http.DefaultClient, "POST", s.URL+"/_mock/reset", "")
	if got := offsetOf(); got != -10*time.Minute {
		t.Fatalf("a reset returns to the flag's offset, got %v", got)
	}
}

// The date skew moves answers' Date alone, as a gateway with its own clock
// stamps them: the rules the store writes keep the cloud's clock.
func TestDateSkew(t *testing.T) {
	s := New(Options{DateSkew: 5 * time.Second})
	if err := s.Start("127.0.0.1:0", ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	// skewed reports whether an answer's Date (whole seconds) is the
	// cloud's clock moved by skew, at some moment of the call.
	skewed := func(skew time.Duration) bool {
		t.Helper()
		before := s.Store.Now().Truncate(time.Second)
		resp, err := http.Get(s.URL + "/v2/securityGroup/g-web")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		after := s.Store.Now()
		date, err := http.ParseTime(resp.Header.Get("Date"))
		if err != nil {
			t.Fatal(err)
		}
		at := date.Add(-skew)
		return !at.Before(before) && !at.After(after)
	}
	if !skewed(5 * time.Second) {
		t.Fatal("the option's skew is not in the Date")
	}
	if status, out := call(t, http.DefaultClient, "POST", s.URL+"/_mock/clock", `{"date_skew_seconds": -120}`); status != 200 || out["date_skew_seconds"] != -120.0 || out["offset_seconds"] != 0.0 {
		t.Fatalf("set the skew: %d %v", status, out)
	}
	if !skewed(-2 * time.Minute) {
		t.Fatal("the control call's skew is not in the Date")
	}
	call(t, http.DefaultClient, "POST", s.URL+"/_mock/reset", "")
	if !skewed(5 * time.Second) {
		t.Fatal("a reset returns to the option's skew")
	}
}
