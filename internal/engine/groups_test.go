package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// countingBackend is an in-memory cloud that counts its calls, can hold
// its first authorize until released (so that other writes queue up
// meanwhile) and refuses rules on port 666, a whole batch at a time, as
// all-or-nothing APIs do.
type countingBackend struct {
	mu        sync.Mutex
	rules     []rule.Rule
	next      int
	calls     map[string]int
	batches   []int // rules per write call, in order
	hold      chan struct{}
	held      chan struct{}
	failWrite error // every write fails with it when set
	failRead  error // every describe fails with it when set
	// clock is the rule store's: its CreateTime.
	clock func() time.Time
	// throttleOnce, when set, throttles the next authorize and runs
	// first (another writer acting during our backoff, say).
	throttleOnce func()
	// landThenLose makes every authorize from the next on fail with a
	// dropped connection, the first of them after it landed.
	landThenLose bool
	landed       bool
	// denyRevoke answers "not found" for the revokes it picks, whatever
	// the group holds (a rule named in a way the cloud does not take).
	denyRevoke func(rule.Rule) bool
	// tokens are the client tokens of the write calls, in order.
	tokens []string
}

// newCounting is a cloud whose clock is this machine's; tests move it.
func newCounting() *countingBackend {
	return &countingBackend{calls: map[string]int{}, clock: time.Now}
}

func (f *countingBackend) count(action string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[action]++
	if action != "describe" {
		f.batches = append(f.batches, n)
	}
}

func (f *countingBackend) Authorize(_ context.Context, _ string, rules []rule.Rule, token string) error {
	f.count("authorize", len(rules))
	f.mu.Lock()
	f.tokens = append(f.tokens, token)
	f.mu.Unlock()
	f.mu.Lock()
	hold := f.hold
	f.hold = nil
	f.mu.Unlock()
	if hold != nil {
		close(f.held)
		<-hold
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failWrite != nil {
		return f.failWrite
	}
	if throttled := f.throttleOnce; throttled != nil {
		f.throttleOnce = nil
		f.mu.Unlock()
		throttled()
		f.mu.Lock()
		return &cloud.Error{Kind: cloud.KindTransient, Code: "Throttling", Throttled: true}
	}
	if f.landThenLose && f.landed {
		return &cloud.Error{Kind: cloud.KindTransient, Err: errors.New("connection reset")}
	}
	for _, r := range rules {
		if r.Ports.From == 666 {
			return &cloud.Error{Kind: cloud.KindInvalid, Code: "InvalidIpPortRange.Malformed", Attribute: "port_range"}
		}
	}
	for _, r := range rules {
		// As on ECS, a repeated authorize succeeds and adds nothing.
		if rule.Find(f.rules, r) >= 0 {
			continue
		}
		f.next++
		r.NativeID, r.Created = fmt.Sprintf("id-%d", f.next), f.clock().Truncate(time.Second)
		f.rules = append(f.rules, r)
	}
	if f.landThenLose {
		f.landed = true
		return &cloud.Error{Kind: cloud.KindTransient, Err: errors.New("connection reset")}
	}
	return nil
}

func (f *countingBackend) Describe(context.Context, string) ([]rule.Rule, error) {
	f.count("describe", 0)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failRead != nil {
		return nil, f.failRead
	}
	return append([]rule.Rule(nil), f.rules...), nil
}

func (f *countingBackend) Revoke(_ context.Context, _ string, rules []rule.Rule, token string) error {
	f.count("revoke", len(rules))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens = append(f.tokens, token)
	if f.failWrite != nil {
		return f.failWrite
	}
	for _, r := range rules {
		if rule.Find(f.rules, r) < 0 || f.denyRevoke != nil && f.denyRevoke(r) {
			return &cloud.Error{Kind: cloud.KindRuleGone, Code: "InvalidGroupAuthItem.NotFound"}
		}
	}
	f.rules = removeRules(f.rules, rules, rule.Identity{})
	return nil
}

// holdNextAuthorize makes the next authorize wait for the returned
// release, and returns a channel closed once it waits.
func (f *countingBackend) holdNextAuthorize() (held <-chan struct{}, release func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hold, f.held = make(chan struct{}), make(chan struct{})
	hold := f.hold
	return f.held, func() { close(hold) }
}

func (f *countingBackend) callsOf(action string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[action]
}

// batchingCloud answers a repeated authorize with success, as ECS does.
var batchingCloud = cloud.Cloud{Name: "fake", Capabilities: cloud.Capabilities{NativeIDs: true, RepeatSucceeds: true}, WriteBatch: 100}

func tcp(port int) rule.Rule {
	return rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: port, To: port}, CIDR: "10.0.0.0/8"}
}

// parallel runs fn for 0..n-1 at once and returns their errors.
func parallel(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = fn(i) }()
	}
	wg.Wait()
	return errs
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}
