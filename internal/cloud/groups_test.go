package cloud

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

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
}

func newCounting() *countingBackend { return &countingBackend{calls: map[string]int{}} }

func (f *countingBackend) count(action string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[action]++
	if action != "describe" {
		f.batches = append(f.batches, n)
	}
}

func (f *countingBackend) Authorize(_ context.Context, _ string, rules []rule.Rule, _ string) error {
	f.count("authorize", len(rules))
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
	for _, r := range rules {
		if r.Ports.From == 666 {
			return &Error{Kind: KindInvalid, Code: "InvalidIpPortRange.Malformed", Attribute: "port_range"}
		}
	}
	for _, r := range rules {
		// As on ECS, a repeated authorize succeeds and adds nothing.
		if rule.Find(f.rules, r) >= 0 {
			continue
		}
		f.next++
		r.NativeID, r.Created = fmt.Sprintf("id-%d", f.next), time.Now()
		f.rules = append(f.rules, r)
	}
	return nil
}

func (f *countingBackend) Describe(context.Context, string) ([]rule.Rule, error) {
	f.count("describe", 0)
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]rule.Rule(nil), f.rules...), nil
}

func (f *countingBackend) Revoke(_ context.Context, _ string, rules []rule.Rule) error {
	f.count("revoke", len(rules))
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failWrite != nil {
		return f.failWrite
	}
	for _, r := range rules {
		if rule.Find(f.rules, r) < 0 {
			return &Error{Kind: KindRuleGone, Code: "InvalidGroupAuthItem.NotFound"}
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

var batchingCloud = Cloud{Name: "fake", Capabilities: Capabilities{NativeIDs: true}, WriteBatch: 100}

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

func TestReadsOfOneGroupShareOneDescribe(t *testing.T) {
	b := newCounting()
	groups := NewGroups()
	c := NewClient(batchingCloud, b, "scope", groups, fast)
	ctx := context.Background()
	for _, err := range parallel(20, func(int) error { _, err := c.List(ctx, "sg"); return err }) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.List(ctx, "sg"); err != nil || b.callsOf("describe") != 1 {
		t.Fatalf("21 reads made %d describes, want 1 (%v)", b.callsOf("describe"), err)
	}
	// Another client of the same scope (another provider configuration)
	// shares it too; another group, scope or epoch does not.
	other := NewClient(batchingCloud, b, "scope", groups, fast)
	_, _ = other.List(ctx, "sg")
	_, _ = other.List(ctx, "sg-2")
	_, _ = NewClient(batchingCloud, b, "other-scope", groups, fast).List(ctx, "sg")
	if n := b.callsOf("describe"); n != 3 {
		t.Fatalf("%d describes, want 3", n)
	}
	groups.NewEpoch("scope")
	_, _ = c.List(ctx, "sg")
	if n := b.callsOf("describe"); n != 4 {
		t.Fatalf("a new epoch must read again: %d describes, want 4", n)
	}
}

// A read that starts after one of our writes has finished sees it.
func TestReadAfterWriteSeesTheWrite(t *testing.T) {
	b := newCounting()
	c := NewClient(Cloud{Name: "fake"}, b, "scope", NewGroups(), fast)
	ctx := context.Background()
	if rules, _ := c.List(ctx, "sg"); len(rules) != 0 {
		t.Fatal("empty at first")
	}
	if _, err := c.Create(ctx, "sg", tcp(22), "t"); err != nil {
		t.Fatal(err)
	}
	if rules, _ := c.List(ctx, "sg"); len(rules) != 1 {
		t.Fatalf("a read after a create shows %d rules", len(rules))
	}
	if err := c.Delete(ctx, "sg", tcp(22)); err != nil {
		t.Fatal(err)
	}
	if rules, _ := c.List(ctx, "sg"); len(rules) != 0 {
		t.Fatalf("a read after a delete shows %d rules", len(rules))
	}
	if n := b.callsOf("describe"); n != 3 {
		t.Fatalf("%d describes, want 3: one per read, the duplicate check reusing the first", n)
	}
}

// Writes that queue while a call is in flight go out together in the next
// call and share its check and read-back.
func TestWritesInFlightTogetherGoInOneCall(t *testing.T) {
	b := newCounting()
	c := NewClient(batchingCloud, b, "scope", NewGroups(), fast)
	ctx := context.Background()
	held, release := b.holdNextAuthorize()
	first := make(chan error)
	go func() { _, err := c.Create(ctx, "sg", tcp(1), "t-1"); first <- err }()
	<-held
	var wg sync.WaitGroup
	results := make([]rule.Rule, 10)
	errs := make([]error, 10)
	for i := range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); results[i], errs[i] = c.Create(ctx, "sg", tcp(100+i), fmt.Sprint("t", i)) }()
	}
	waitFor(t, func() bool { g := c.group("sg"); g.mu.Lock(); defer g.mu.Unlock(); return len(g.writes) == 10 })
	release()
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for i, err := range errs {
		if err != nil || results[i].NativeID == "" || results[i].Ports.From != 100+i {
			t.Fatalf("create %d: %+v %v", i, results[i], err)
		}
	}
	if b.callsOf("authorize") != 2 || fmt.Sprint(b.batches) != "[1 10]" || b.callsOf("describe") > 3 {
		t.Fatalf("calls %v, batches %v: want the 10 in one authorize and at most 3 describes", b.calls, b.batches)
	}
}

// One bad rule in a batch fails only its own resource, with its own error;
// a duplicate within the batch fails only the second.
func TestABatchDoesNotBlurErrors(t *testing.T) {
	b := newCounting()
	c := NewClient(batchingCloud, b, "scope", NewGroups(), fast)
	ctx := context.Background()
	held, release := b.holdNextAuthorize()
	go func() { _, _ = c.Create(ctx, "sg", tcp(1), "t-1") }()
	<-held
	ports := []int{10, 666, 11, 10}
	errs := make([]error, len(ports))
	var wg sync.WaitGroup
	for i, p := range ports {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = c.Create(ctx, "sg", tcp(p), fmt.Sprint("t", i)) }()
		waitFor(t, func() bool { g := c.group("sg"); g.mu.Lock(); defer g.mu.Unlock(); return len(g.writes) == i+1 })
	}
	release()
	wg.Wait()
	if errs[0] != nil || errs[2] != nil {
		t.Fatalf("the good rules failed: %v", errs)
	}
	if e, ok := AsError(errs[1]); !ok || e.Kind != KindInvalid || e.Attribute != "port_range" {
		t.Fatalf("the bad rule: %v", errs[1])
	}
	if KindOf(errs[3]) != KindDuplicate {
		t.Fatalf("the same rule twice in one batch: %v", errs[3])
	}
	if rules, _ := b.Describe(ctx, "sg"); len(rules) != 3 {
		t.Fatalf("the cloud holds %d rules, want 3", len(rules))
	}
}

// Deletes batch too; a rule already gone in a batch does not stop the
// others, and is success itself.
func TestBatchedDeletesWithAGoneRule(t *testing.T) {
	b := newCounting()
	c := NewClient(batchingCloud, b, "scope", NewGroups(), fast)
	ctx := context.Background()
	for _, err := range parallel(5, func(i int) error { _, err := c.Create(ctx, "sg", tcp(20+i), fmt.Sprint("t", i)); return err }) {
		if err != nil {
			t.Fatal(err)
		}
	}
	held, release := b.holdNextAuthorize()
	go func() { _, _ = c.Create(ctx, "sg", tcp(1), "t-x") }()
	<-held
	go func() {
		waitFor(t, func() bool { g := c.group("sg"); g.mu.Lock(); defer g.mu.Unlock(); return len(g.writes) == 6 })
		release()
	}()
	errs := parallel(6, func(i int) error { return c.Delete(ctx, "sg", tcp(20+i)) }) // 25 never existed
	for i, err := range errs {
		if err != nil {
			t.Fatalf("delete %d: %v", i, err)
		}
	}
	if rules, _ := b.Describe(ctx, "sg"); len(rules) != 1 || rules[0].Ports.From != 1 {
		t.Fatalf("left %+v", rules)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.batches[len(b.batches)-7] != 6 {
		t.Fatalf("batches %v: want the 6 deletes in one call, then one by one", b.batches)
	}
}

// A resource whose context ends leaves the batch; the others go on.
func TestOneTimeoutLeavesTheBatch(t *testing.T) {
	b := newCounting()
	c := NewClient(batchingCloud, b, "scope", NewGroups(), fast)
	ctx := context.Background()
	held, release := b.holdNextAuthorize()
	go func() { _, _ = c.Create(ctx, "sg", tcp(1), "t-1") }()
	<-held
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	shortErr := make(chan error)
	go func() { _, err := c.Create(short, "sg", tcp(2), "t-2"); shortErr <- err }()
	longErr := make(chan error)
	go func() { _, err := c.Create(ctx, "sg", tcp(3), "t-3"); longErr <- err }()
	if err := <-shortErr; err == nil {
		t.Fatal("the short create must end with its context")
	}
	release()
	if err := <-longErr; err != nil {
		t.Fatalf("the other create: %v", err)
	}
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

// Writes that arrive a moment apart are gathered into one call while
// Terraform keeps sending; a write alone goes once nothing more comes.
func TestGatheredWritesGoInOneCall(t *testing.T) {
	b := newCounting()
	c := NewClient(batchingCloud, b, "scope", NewGroups().WithGather(Gather{Idle: 200 * time.Millisecond, Max: 10 * time.Second}), fast)
	ctx := context.Background()
	if _, err := c.List(ctx, "sg"); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 5)
	for i := range 5 {
		go func() { _, err := c.Create(ctx, "sg", tcp(30+i), fmt.Sprint("t", i)); errs <- err }()
		time.Sleep(10 * time.Millisecond)
	}
	for range 5 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(b.batches) != "[5]" || b.callsOf("describe") != 2 {
		t.Fatalf("batches %v, %d describes: want one authorize of 5 and one shared read-back", b.batches, b.callsOf("describe"))
	}
	// Deletes gather too, where the cloud batches.
	for i, err := range parallel(5, func(i int) error { return c.Delete(ctx, "sg", tcp(30+i)) }) {
		if err != nil {
			t.Fatalf("delete %d: %v", i, err)
		}
	}
	if fmt.Sprint(b.batches) != "[5 5]" {
		t.Fatalf("batches %v", b.batches)
	}
}

// When queued writes go out: the decision alone, on a fixed clock.
func TestGatherDecision(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ms := time.Millisecond
	policy := Gather{Idle: 40 * ms, Max: time.Second}
	c := NewClient(batchingCloud, newCounting(), "scope", nil, fast)
	queued := func(n int, at time.Time) []*op {
		var ops []*op
		for i := range n {
			o := newOp(context.Background(), c, opCreate, tcp(i+1), "")
			o.queued = at
			ops = append(ops, o)
		}
		return ops
	}
	for _, tc := range []struct {
		name               string
		writing, peak      int
		peakAge, idle, gap time.Duration
		queued             int
		age                time.Duration
		wantNow            bool
		wantWaitAtMost     time.Duration
		noGather           bool
		cloud              Cloud
	}{
		{name: "Terraform still sending", writing: 3, peak: 3, peakAge: 2 * ms, idle: 2 * ms, queued: 3, age: 20 * ms, wantWaitAtMost: 38 * ms},
		{name: "all of Terraform's slots are with us", writing: 10, peak: 10, peakAge: time.Second, idle: 2 * ms, queued: 4, age: 20 * ms, wantNow: true},
		{name: "no write for Idle", writing: 4, peak: 10, peakAge: time.Second, idle: 41 * ms, queued: 4, age: 60 * ms, wantNow: true},
		{name: "waited long enough", writing: 4, peak: 10, peakAge: time.Second, idle: ms, queued: 4, age: time.Second, wantNow: true},
		{name: "a full batch", writing: 100, peak: 200, peakAge: time.Second, idle: ms, queued: 100, age: ms, wantNow: true},
		{name: "no gathering", writing: 1, peak: 5, peakAge: time.Second, idle: 0, queued: 1, age: 0, wantNow: true, noGather: true},
		{name: "one rule per call, nothing to read back", writing: 1, peak: 5, peakAge: time.Second, idle: 0, queued: 3, age: 0, wantNow: true, cloud: Cloud{Name: "ens"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gs := NewGroups().WithGather(policy)
			if tc.noGather {
				gs = NewGroups()
			}
			now := t0.Add(time.Hour)
			gs.writing, gs.peak, gs.peakAt, gs.lastWrite = tc.writing, tc.peak, now.Add(-tc.peakAge), now.Add(-tc.idle)
			ops := queued(tc.queued, now.Add(-tc.age))
			if tc.cloud.Name != "" {
				for _, o := range ops {
					o.client = NewClient(tc.cloud, newCounting(), "scope", gs, fast)
				}
			}
			wait := gs.gatherFor(ops, now)
			if tc.wantNow && wait != 0 || !tc.wantNow && (wait == 0 || wait > tc.wantWaitAtMost) {
				t.Fatalf("wait %v, want now=%v (at most %v)", wait, tc.wantNow, tc.wantWaitAtMost)
			}
		})
	}
}

// A rule someone else made while our view of the group was older than
// their write: the cloud accepts the repeated authorize silently (ECS), and
// the rule's creation time tells the create it was not its own.
func TestCreateOfARuleMadeBeforeTheAuthorize(t *testing.T) {
	b := newCounting()
	c := NewClient(batchingCloud, b, "scope", NewGroups(), fast)
	ctx := context.Background()
	if _, err := c.List(ctx, "sg"); err != nil {
		t.Fatal(err)
	}
	theirs := tcp(22)
	theirs.NativeID, theirs.Created = "theirs", time.Now().Add(-10*time.Minute)
	b.mu.Lock()
	b.rules = append(b.rules, theirs)
	b.mu.Unlock()
	got, err := c.Create(ctx, "sg", tcp(22), "t")
	if KindOf(err) != KindDuplicate || got.NativeID != "theirs" || !strings.Contains(err.Error(), "when this create was sent") {
		t.Fatalf("Create = %+v, %v", got, err)
	}
	// Our own rule, made just now, is ours.
	if got, err := c.Create(ctx, "sg", tcp(23), "t2"); err != nil || got.NativeID == "" {
		t.Fatalf("Create = %+v, %v", got, err)
	}
}
