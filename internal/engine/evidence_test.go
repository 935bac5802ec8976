package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Who made a rule is told by the describe made just before the write, not
// by any clock: our own rule is ours whatever the rule store's clock says
// (a gateway's Date never reaches the engine: Backend.Authorize returns no
// time), and a rule another writer made before our write is theirs, told
// by a describe made just before it when what we knew of the group had
// aged.
func TestWhoMadeARuleIsToldByTheDescribeBeforeTheWrite(t *testing.T) {
	for _, tc := range []struct {
		name     string
		storeOff time.Duration
	}{
		{"store on this machine's clock", 0},
		{"store 15m behind this machine", -15 * time.Minute},
		{"store 3h ahead", 3 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newCounting()
			b.clock = func() time.Time { return time.Now().Add(tc.storeOff) }
			c := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast, Fresh: time.Millisecond}))
			ctx := context.Background()
			if got, err := c.Create(ctx, "sg", tcp(22)); err != nil || got.NativeID == "" {
				t.Fatalf("our own rule: %+v %v", got, err)
			}
			// Another writer adds a rule after our last describe; the
			// cloud would answer our repeat of it with success, as ECS
			// does, but the describe made before our write shows it.
			theirs := tcp(23)
			theirs.NativeID, theirs.Created = "theirs", b.clock().Truncate(time.Second)
			b.mu.Lock()
			b.rules = append(b.rules, theirs)
			b.mu.Unlock()
			time.Sleep(5 * time.Millisecond)
			got, err := c.Create(ctx, "sg", tcp(23))
			if cloud.KindOf(err) != cloud.KindDuplicate || got.NativeID != "theirs" || b.callsOf("authorize") != 1 {
				t.Fatalf("a rule made before our write: %+v, %v, %d authorizes; want a duplicate, not sent", got, err, b.callsOf("authorize"))
			}
		})
	}
}

// The window that remains, stated as a test: with what we know of the
// group fresh (Settings.Fresh), no describe precedes the write, and a
// rule another machine made since that describe is taken for ours. Fresh
// bounds the window: aged past it, the group is read again first.
func TestTheOwnershipWindowIsTheDescribesAge(t *testing.T) {
	for _, fresh := range []time.Duration{time.Hour, time.Millisecond} {
		b := newCounting()
		c := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast, Fresh: fresh}))
		ctx := context.Background()
		if _, err := c.List(ctx, "sg"); err != nil {
			t.Fatal(err)
		}
		theirs := tcp(23)
		theirs.NativeID = "theirs"
		b.mu.Lock()
		b.rules = append(b.rules, theirs)
		b.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		_, err := c.Create(ctx, "sg", tcp(23))
		if inWindow := fresh == time.Hour; (err == nil) != inWindow {
			t.Fatalf("fresh %v: %v; want ours only inside the window", fresh, err)
		}
	}
}

// A throttled attempt did not land: a rule another writer makes during
// the backoff is theirs, told by the describe made before the retry.
func TestAThrottledAttemptDoesNotWidenTheWindow(t *testing.T) {
	b := newCounting()
	// Fresh shorter than any backoff: the retry always finds the describe
	// aged (a millisecond raced the 0.5-1 ms backoff, 2 runs in 100).
	c := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast, Fresh: time.Nanosecond}))
	ctx := context.Background()
	b.throttleOnce = func() {
		theirs := tcp(23)
		theirs.NativeID, theirs.Created = "theirs", time.Now().Truncate(time.Second)
		b.mu.Lock()
		b.rules = append(b.rules, theirs)
		b.mu.Unlock()
	}
	got, err := c.Create(ctx, "sg", tcp(23))
	if cloud.KindOf(err) != cloud.KindDuplicate || got.NativeID != "theirs" || b.callsOf("authorize") != 1 {
		t.Fatalf("%+v, %v after %d authorizes; want a duplicate and no second authorize", got, err, b.callsOf("authorize"))
	}
}

// A create whose attempt landed but whose answer was lost, and whose
// retries fail until the timeout, reads the group before giving up: the
// rule is there, so the create ends as created, with the cloud's id.
func TestALostCreateIsReadBeforeGivingUp(t *testing.T) {
	b := newCounting()
	b.landThenLose = true
	c := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	got, err := c.Create(ctx, "sg", tcp(22))
	if err != nil || got.NativeID == "" || b.callsOf("authorize") < 2 {
		t.Fatalf("Create = %+v, %v after %d authorizes; want the rule the lost attempt made", got, err, b.callsOf("authorize"))
	}
	// When the group cannot be read either, the create ends unconfirmed:
	// the state records a rule that may exist.
	b = newCounting()
	b.landThenLose = true
	c = NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
	if _, err := c.List(context.Background(), "sg"); err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	b.failRead = &cloud.Error{Kind: cloud.KindTransient, Code: "ServiceUnavailable"}
	b.mu.Unlock()
	ctx, cancel = context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	if _, err := c.Create(ctx, "sg", tcp(22)); !errors.Is(err, ErrUnconfirmed) {
		t.Fatalf("Create = %v; want unconfirmed", err)
	}
}

// A revoke answered "not found" counts as gone only when a read shows the
// rule absent. Named in a way the cloud does not take (an owner left
// out), it is revoked again as the read names it; still denied, the
// delete fails and the rule stays in the state.
func TestARevokeAnsweredNotFoundIsCheckedByARead(t *testing.T) {
	owned := tcp(22)
	owned.CIDR, owned.PeerGroupID, owned.PeerGroupOwnerID = "", "sg-peer", "1234567890"
	b := newCounting()
	c := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
	ctx := context.Background()
	if _, err := c.Create(ctx, "sg", owned); err != nil {
		t.Fatal(err)
	}
	b.denyRevoke = func(r rule.Rule) bool { return r.PeerGroupOwnerID == "" }
	stateRule := owned
	stateRule.PeerGroupOwnerID = ""
	if err := c.Delete(ctx, "sg", stateRule); err != nil {
		t.Fatalf("Delete = %v; want the rule revoked as the read names it", err)
	}
	if rules, _ := b.Describe(ctx, "sg"); len(rules) != 0 || b.callsOf("revoke") != 2 {
		t.Fatalf("left %v after %d revokes; want none after two", rules, b.callsOf("revoke"))
	}

	if _, err := c.Create(ctx, "sg", owned); err != nil {
		t.Fatal(err)
	}
	b.denyRevoke = func(rule.Rule) bool { return true }
	err := c.Delete(ctx, "sg", owned)
	if err == nil || !strings.Contains(err.Error(), "still shows it") {
		t.Fatalf("Delete = %v; want an error saying the group still holds the rule", err)
	}
	if rules, _ := b.Describe(ctx, "sg"); len(rules) != 1 {
		t.Fatalf("the rule must still be there: %v", rules)
	}
}

// Every write carries a token of its own: the same rule created, deleted,
// created and deleted again sends four tokens, and a batch another.
func TestEveryWriteHasItsOwnToken(t *testing.T) {
	b := newCounting()
	c := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
	ctx := context.Background()
	for range 2 {
		if _, err := c.Create(ctx, "sg", tcp(22)); err != nil {
			t.Fatal(err)
		}
		if err := c.Delete(ctx, "sg", tcp(22)); err != nil {
			t.Fatal(err)
		}
	}
	for i, err := range parallel(3, func(i int) error { _, err := c.Create(ctx, "sg", tcp(30+i)); return err }) {
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
	}
	b.mu.Lock()
	tokens := slices.Clone(b.tokens)
	b.mu.Unlock()
	unique := slices.Compact(slices.Sorted(slices.Values(tokens)))
	if len(tokens) < 5 || len(unique) != len(tokens) || slices.Contains(tokens, "") {
		t.Fatalf("tokens %q: every write needs its own", tokens)
	}
}

// Deletes of one rule waiting together (one rule in two resources' state)
// send it once, and both end as that revoke does.
func TestOneRuleIsRevokedOncePerBatch(t *testing.T) {
	b := newCounting()
	c := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
	ctx := context.Background()
	if _, err := c.Create(ctx, "sg", tcp(22)); err != nil {
		t.Fatal(err)
	}
	held, release := b.holdNextAuthorize()
	go func() { _, _ = c.Create(ctx, "sg", tcp(1)) }()
	<-held
	errs := make(chan error, 2)
	for range 2 {
		go func() { errs <- c.Delete(ctx, "sg", tcp(22)) }()
	}
	waitFor(t, func() bool { g := c.group("sg"); g.mu.Lock(); defer g.mu.Unlock(); return len(g.writes) == 2 })
	release()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := fmt.Sprint(b.batches); got != "[1 1 1]" {
		t.Fatalf("write batches %s: want the rule revoked in one call of one rule", got)
	}
}

// Two coordinators stand for two provider processes on one machine (two
// provider configurations): both create the same rule on a cloud that
// answers a repeated authorize with success, at the same moment, within
// one second of its clock. Their machine lock makes exactly one the
// owner; the other is told the rule exists.
func TestMachineLockMakesOneOwner(t *testing.T) {
	dir := t.TempDir()
	for round := range 20 {
		b := newCounting()
		var clients []*Client
		for range 2 {
			gs := NewGroups(Settings{Backoff: fast, Machine: NewMachineLocks(dir)})
			clients = append(clients, NewClient(batchingCloud, b, fmt.Sprint("scope-", round), gs))
		}
		results := make([]rule.Rule, 2)
		errs := parallel(2, func(i int) error {
			var err error
			results[i], err = clients[i].Create(context.Background(), "sg", tcp(22))
			return err
		})
		owners := 0
		for i, err := range errs {
			switch {
			case err == nil:
				owners++
			case cloud.KindOf(err) != cloud.KindDuplicate || results[i].NativeID == "":
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if owners != 1 || b.callsOf("authorize") != 1 {
			t.Fatalf("round %d: %d owners after %d authorizes; want exactly one of each", round, owners, b.callsOf("authorize"))
		}
	}
}

// A process that finds the lock's count unchanged trusts what it knows of
// the group; one that finds it moved (another process wrote) reads the
// group again before it writes.
func TestMachineLockCountDecidesARead(t *testing.T) {
	dir := t.TempDir()
	b := newCounting()
	one := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast, Machine: NewMachineLocks(dir)}))
	other := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast, Machine: NewMachineLocks(dir)}))
	ctx := context.Background()
	for i := range 3 {
		if _, err := one.Create(ctx, "sg", tcp(10+i)); err != nil {
			t.Fatal(err)
		}
	}
	// One describe before the first write, one read-back each.
	if n := b.callsOf("describe"); n != 4 {
		t.Fatalf("%d describes for three creates alone, want 4", n)
	}
	if _, err := other.Create(ctx, "sg", tcp(20)); err != nil {
		t.Fatal(err)
	}
	before := b.callsOf("describe")
	if _, err := one.Create(ctx, "sg", tcp(21)); err != nil {
		t.Fatal(err)
	}
	if n := b.callsOf("describe") - before; n != 2 {
		t.Fatalf("%d describes after another process wrote, want 2 (the group again, then the read-back)", n)
	}
}

// A lock another process holds is waited for, up to the write's context.
func TestMachineLockWaitsForTheHolder(t *testing.T) {
	l := NewMachineLocks(t.TempDir())
	held, err := l.acquire(context.Background(), "s", "g")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := l.acquire(ctx, "s", "g"); err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("a held lock: %v, want the context's error", err)
	}
	if n := held.wrote(); n != 1 || l.peek("s", "g") != 1 {
		t.Fatalf("count %d, peek %d", n, l.peek("s", "g"))
	}
	var wg sync.WaitGroup
	wg.Add(1)
	var next *machineLock
	go func() {
		defer wg.Done()
		next, err = l.acquire(context.Background(), "s", "g")
	}()
	time.Sleep(20 * time.Millisecond)
	held.release()
	wg.Wait()
	if err != nil || next.count != 1 {
		t.Fatalf("after release: %v, count %d", err, next.count)
	}
	next.release()
}

// A write waiting for a machine lock another process holds waits under
// its own deadline: it ends then, unsent, with an error that names the
// lock, while a write of the same batch with a longer timeout goes out
// once the lock is free. An interrupted wait ends at once, not after the
// grace period of writes in flight, and its write is never sent.
func TestALockWaitEndsEachWriteOnItsOwn(t *testing.T) {
	dir := t.TempDir()
	other := NewMachineLocks(dir)
	c := NewClient(batchingCloud, newCounting(), "scope", NewGroups(Settings{Backoff: fast, Machine: NewMachineLocks(dir)}))
	b := c.backend.(*countingBackend)
	held, err := other.acquire(context.Background(), c.lockScope, "sg")
	if err != nil {
		t.Fatal(err)
	}
	short, cancelShort := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancelShort()
	long, cancelLong := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelLong()
	shortErr, longErr := make(chan error, 1), make(chan error, 1)
	go func() { _, err := c.Create(short, "sg", tcp(1)); shortErr <- err }()
	go func() { _, err := c.Create(long, "sg", tcp(2)); longErr <- err }()
	select {
	case err := <-shortErr:
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "machine lock of security group sg") ||
			!strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "not sent") {
			t.Fatalf("short write: %v; want an error naming the lock", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the short write waited past its own deadline")
	}
	held.release()
	if err := <-longErr; err != nil {
		t.Fatalf("long write: %v", err)
	}
	if n := b.callsOf("authorize"); n != 1 || len(b.rules) != 1 || b.rules[0].Ports.From != 2 {
		t.Fatalf("%d authorizes, rules %v: want only the long write sent", n, b.rules)
	}

	// Interrupted while it waits: it ends at once and is never sent.
	held, err = other.acquire(context.Background(), c.lockScope, "sg")
	if err != nil {
		t.Fatal(err)
	}
	interrupted, interrupt := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := c.Create(interrupted, "sg", tcp(3)); done <- err }()
	time.Sleep(50 * time.Millisecond)
	interrupt()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted write: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("an interrupted wait for the lock must end at once")
	}
	held.release()
	time.Sleep(100 * time.Millisecond)
	if n := b.callsOf("authorize"); n != 1 {
		t.Fatalf("%d authorizes: the interrupted write was sent after all", n)
	}
}
