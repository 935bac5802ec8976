package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Writes that queue while a call is in flight go out together in the next
// call and share its check and read-back.
func TestWritesInFlightTogetherGoInOneCall(t *testing.T) {
	b := newCounting()
	c := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
	ctx := context.Background()
	held, release := b.holdNextAuthorize()
	first := make(chan error)
	go func() { _, err := c.Create(ctx, "sg", tcp(1)); first <- err }()
	<-held
	var wg sync.WaitGroup
	results := make([]rule.Rule, 10)
	errs := make([]error, 10)
	for i := range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); results[i], errs[i] = c.Create(ctx, "sg", tcp(100+i)) }()
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
	c := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
	ctx := context.Background()
	held, release := b.holdNextAuthorize()
	go func() { _, _ = c.Create(ctx, "sg", tcp(1)) }()
	<-held
	ports := []int{10, 666, 11, 10}
	errs := make([]error, len(ports))
	var wg sync.WaitGroup
	for i, p := range ports {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = c.Create(ctx, "sg", tcp(p)) }()
		waitFor(t, func() bool { g := c.group("sg"); g.mu.Lock(); defer g.mu.Unlock(); return len(g.writes) == i+1 })
	}
	release()
	wg.Wait()
	if errs[0] != nil || errs[2] != nil {
		t.Fatalf("the good rules failed: %v", errs)
	}
	if e, ok := cloud.AsError(errs[1]); !ok || e.Kind != cloud.KindInvalid || e.Attribute != "port_range" {
		t.Fatalf("the bad rule: %v", errs[1])
	}
	if cloud.KindOf(errs[3]) != cloud.KindDuplicate {
		t.Fatalf("the same rule twice in one batch: %v", errs[3])
	}
	if rules, _ := b.Describe(ctx, "sg"); len(rules) != 3 {
		t.Fatalf("the cloud holds %d rules, want 3", len(rules))
	}
}

// Deletes batch too; a rule already gone in a batch does not stop the
// others, and is success itself once a read shows it absent: the others
// go out again together.
func TestBatchedDeletesWithAGoneRule(t *testing.T) {
	b := newCounting()
	c := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
	ctx := context.Background()
	for _, err := range parallel(5, func(i int) error { _, err := c.Create(ctx, "sg", tcp(20+i)); return err }) {
		if err != nil {
			t.Fatal(err)
		}
	}
	held, release := b.holdNextAuthorize()
	go func() { _, _ = c.Create(ctx, "sg", tcp(1)) }()
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
	if got := fmt.Sprint(b.batches[len(b.batches)-2:]); got != "[6 5]" {
		t.Fatalf("batches %v, %d describes: want the 6 deletes in one call, one read, then the 5 held in one call", b.batches, b.calls["describe"])
	}
}

// A resource whose context ends leaves the batch; the others go on.
func TestOneTimeoutLeavesTheBatch(t *testing.T) {
	b := newCounting()
	c := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
	ctx := context.Background()
	held, release := b.holdNextAuthorize()
	go func() { _, _ = c.Create(ctx, "sg", tcp(1)) }()
	<-held
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	shortErr := make(chan error)
	go func() { _, err := c.Create(short, "sg", tcp(2)); shortErr <- err }()
	longErr := make(chan error)
	go func() { _, err := c.Create(ctx, "sg", tcp(3)); longErr <- err }()
	if err := <-shortErr; err == nil {
		t.Fatal("the short create must end with its context")
	}
	release()
	if err := <-longErr; err != nil {
		t.Fatalf("the other create: %v", err)
	}
	// The count of held writes, which decides whether gathering may hold
	// more, is back to zero: the write that left the queue left it too.
	if n := c.groups.queued.Load(); n != 0 {
		t.Fatalf("%d writes counted as held after every write ended", n)
	}
}

// A rule someone else made while our view of the group was older than
// Settings.Fresh: the cloud would accept the repeated authorize silently
// (ECS), so the group is read again before the write, which shows it.
func TestCreateOfARuleMadeBeforeTheAuthorize(t *testing.T) {
	b := newCounting()
	c := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast, Fresh: time.Millisecond}))
	ctx := context.Background()
	if _, err := c.List(ctx, "sg"); err != nil {
		t.Fatal(err)
	}
	theirs := tcp(22)
	theirs.NativeID, theirs.Created = "theirs", time.Now().Add(-10*time.Minute)
	b.mu.Lock()
	b.rules = append(b.rules, theirs)
	b.mu.Unlock()
	time.Sleep(5 * time.Millisecond)
	got, err := c.Create(ctx, "sg", tcp(22))
	if cloud.KindOf(err) != cloud.KindDuplicate || got.NativeID != "theirs" || !strings.Contains(err.Error(), "already has the rule") || b.callsOf("authorize") != 0 {
		t.Fatalf("Create = %+v, %v", got, err)
	}
	// Our own rule, made just now, is ours.
	if got, err := c.Create(ctx, "sg", tcp(23)); err != nil || got.NativeID == "" {
		t.Fatalf("Create = %+v, %v", got, err)
	}
}

// stallingRevoke is a cloud whose revokes never answer: each hangs until
// its context ends, as a call lost on the way does.
type stallingRevoke struct{ *countingBackend }

func (s stallingRevoke) Revoke(ctx context.Context, _ string, rules []rule.Rule, _ string) error {
	s.count("revoke", len(rules))
	<-ctx.Done()
	return cloud.NoAnswer("fake", "Revoke", ctx.Err())
}

// A revoke whose every attempt hangs until the timeout still learns, in
// the time kept for it, that the group no longer holds the rule: the
// delete succeeds rather than failing with the timeout.
func TestRevokeKeepsTimeToConfirmTheRuleIsGone(t *testing.T) {
	b := newCounting()
	c := NewClient(cloud.Cloud{Name: "fake"}, stallingRevoke{b}, "scope", NewGroups(Settings{Backoff: fast}))
	ctx, cancel := context.WithTimeout(context.Background(), 800*time.Millisecond)
	defer cancel()
	if err := c.Delete(ctx, "sg", tcp(22)); err != nil {
		t.Fatalf("delete of a rule the group does not hold: %v", err)
	}
	if b.calls["revoke"] == 0 || b.calls["describe"] == 0 {
		t.Fatalf("calls %v: want the hanging revoke, then a describe", b.calls)
	}
}
