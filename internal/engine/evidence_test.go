package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// A cloud whose clock is far from this machine's, behind or ahead: our own
// rule is ours, however old its CreateTime looks by this machine's clock.
// A rule the cloud made before our authorize, even seconds before, is
// someone else's, told by the cloud's times alone.
func TestWhoMadeARuleIsToldByTheCloudsClock(t *testing.T) {
	for _, offset := range []time.Duration{-15 * time.Minute, 15 * time.Minute, -3 * time.Hour} {
		t.Run(offset.String(), func(t *testing.T) {
			b := newCounting()
			b.clock = func() time.Time { return time.Now().Add(offset) }
			c := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
			ctx := context.Background()
			if got, err := c.Create(ctx, "sg", tcp(22)); err != nil || got.NativeID == "" {
				t.Fatalf("our own rule: %+v %v", got, err)
			}
			// Another writer adds a rule after our describe; the cloud
			// answers our repeat of it with success, as ECS does.
			theirs := tcp(23)
			theirs.NativeID, theirs.Created = "theirs", b.clock().Add(-3*time.Second).Truncate(time.Second)
			b.mu.Lock()
			b.rules = append(b.rules, theirs)
			b.mu.Unlock()
			got, err := c.Create(ctx, "sg", tcp(23))
			if cloud.KindOf(err) != cloud.KindDuplicate || got.NativeID != "theirs" {
				t.Fatalf("a rule made 3 s before our write: %+v, %v; want a duplicate", got, err)
			}
		})
	}
}

// A cloud whose answers carry no time: nothing is decided by time, and
// our own rule is ours.
func TestNoAnswerTimeDecidesNothing(t *testing.T) {
	if madeBefore(time.Now().Add(-time.Hour), time.Time{}) || madeBefore(time.Time{}, time.Now()) {
		t.Fatal("an unknown time must say nothing")
	}
	if madeBefore(time.Unix(100, 0), time.Unix(100, 900e6)) || !madeBefore(time.Unix(100, 0), time.Unix(101, 0)) {
		t.Fatal("a rule of the same whole second is not surely older; one a second older is")
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
