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

// smallBatches takes four rules per call, so ten rules need three.
var smallBatches = func() cloud.Cloud { def := batchingCloud; def.WriteBatch = 4; return def }()

// failingChunk refuses, as a whole call (credentials: nothing to split),
// an authorize that names port failPort.
type failingChunk struct {
	*countingBackend
	failPort int
}

func (f *failingChunk) Authorize(ctx context.Context, group string, rules []rule.Rule, token string) error {
	for _, r := range rules {
		if r.Ports.From == f.failPort {
			f.count("authorize", len(rules))
			return &cloud.Error{Kind: cloud.KindAuth, Code: "Forbidden"}
		}
	}
	return f.countingBackend.Authorize(ctx, group, rules, token)
}

func ports(from, n int) []rule.Rule {
	var out []rule.Rule
	for i := range n {
		out = append(out, tcp(from+i))
	}
	return out
}

// noSlotsHeld fails unless every write of the coordinator has ended in
// its accounting: none waiting, none counted as holding a slot.
func noSlotsHeld(t *testing.T, c *Client) {
	t.Helper()
	c.groups.mu.Lock()
	writing := c.groups.writing
	c.groups.mu.Unlock()
	if q := c.groups.queued.Load(); q != 0 || writing != 0 {
		t.Fatalf("%d slots counted as queued, %d writes as waiting after every write ended", q, writing)
	}
}

// Ten rules created together go out in ceil(10/4) calls, without
// goroutines of the caller's, each rule's result in its place.
func TestCreateAllBatchesByConstruction(t *testing.T) {
	b := newCounting()
	c := NewClient(smallBatches, b, "scope", NewGroups(Settings{Backoff: fast}))
	rules := ports(100, 10)
	got, errs := c.CreateAll(context.Background(), "sg", rules)
	for i := range rules {
		if errs[i] != nil || got[i].NativeID == "" || got[i].Ports != rules[i].Ports {
			t.Fatalf("rule %d: %+v %v; want the rule read back with its id", i, got[i], errs[i])
		}
	}
	if fmt.Sprint(b.batches) != "[4 4 2]" || b.callsOf("describe") > 2 {
		t.Fatalf("batches %v, %d describes: want three authorizes of 4, 4 and 2, one check and one read-back", b.batches, b.callsOf("describe"))
	}
	noSlotsHeld(t, c)
}

// A set's writes waiting behind a call in flight hold one of Terraform's
// slots between them, not one each.
func TestCreateAllHoldsOneSlot(t *testing.T) {
	b := newCounting()
	c := NewClient(smallBatches, b, "scope", NewGroups(Settings{Backoff: fast}))
	ctx := context.Background()
	held, release := b.holdNextAuthorize()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _, _ = c.Create(ctx, "sg", tcp(1)) }()
	<-held
	var errs []error
	go func() { defer wg.Done(); _, errs = c.CreateAll(ctx, "sg", ports(100, 6)) }()
	waitFor(t, func() bool { g := c.group("sg"); g.mu.Lock(); defer g.mu.Unlock(); return len(g.writes) == 6 })
	c.groups.mu.Lock()
	writing := c.groups.writing
	c.groups.mu.Unlock()
	if q := c.groups.queued.Load(); q != 1 || writing != 2 {
		t.Fatalf("%d slots queued, %d writes waiting: want the set's six writes counted as one, beside the create in flight", q, writing)
	}
	release()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("rule %d: %v", i, err)
		}
	}
	noSlotsHeld(t, c)
}

// A call that fails as a whole fails its own rules only; a call that
// fails for one of its rules is sent again rule by rule, so only that
// rule fails.
func TestCreateAllKeepsEachChunksErrors(t *testing.T) {
	b := &failingChunk{countingBackend: newCounting(), failPort: 106}
	c := NewClient(smallBatches, b, "scope", NewGroups(Settings{Backoff: fast}))
	rules := ports(100, 10)
	rules[9] = tcp(666) // invalid, in the last chunk
	got, errs := c.CreateAll(context.Background(), "sg", rules)
	for i, err := range errs {
		switch {
		case i >= 4 && i < 8:
			if cloud.KindOf(err) != cloud.KindAuth {
				t.Errorf("rule %d, in the refused call: %v; want its refusal", i, err)
			}
		case i == 9:
			if e, ok := cloud.AsError(err); !ok || e.Kind != cloud.KindInvalid || e.Attribute != "port_range" {
				t.Errorf("the bad rule: %v; want its own invalid error", err)
			}
		default:
			if err != nil || got[i].NativeID == "" || got[i].Ports != rules[i].Ports {
				t.Errorf("rule %d: %+v %v; want it created", i, got[i], err)
			}
		}
	}
	if held, _ := b.Describe(context.Background(), "sg"); len(held) != 5 {
		t.Fatalf("the cloud holds %d rules, want the 5 good ones outside the refused call", len(held))
	}
	noSlotsHeld(t, c)
}

// Deletes of a set go out in ceil(n/4) calls; a rule already gone is
// success, and the rest of its call is revoked.
func TestDeleteAllBatchesAndTakesGoneAsDone(t *testing.T) {
	b := newCounting()
	c := NewClient(smallBatches, b, "scope", NewGroups(Settings{Backoff: fast}))
	ctx := context.Background()
	rules := ports(100, 10)
	if _, errs := c.CreateAll(ctx, "sg", rules); fmt.Sprint(errs) != fmt.Sprint(make([]error, 10)) {
		t.Fatal(errs)
	}
	before := len(b.batches)
	for i, err := range c.DeleteAll(ctx, "sg", rules[:8]) {
		if err != nil {
			t.Fatalf("delete %d: %v", i, err)
		}
	}
	if fmt.Sprint(b.batches[before:]) != "[4 4]" {
		t.Fatalf("revoke batches %v: want two calls of 4", b.batches[before:])
	}
	// Two gone already, two still held: one call, answered "not found".
	for i, err := range c.DeleteAll(ctx, "sg", []rule.Rule{rules[0], rules[8], rules[1], rules[9]}) {
		if err != nil {
			t.Fatalf("delete %d: %v; a rule already gone is deleted", i, err)
		}
	}
	if held, _ := b.Describe(ctx, "sg"); len(held) != 0 {
		t.Fatalf("the cloud still holds %v", held)
	}
	noSlotsHeld(t, c)
}

// FindAll reads the group once for all the rules: each found as the cloud
// holds it, a missing one gone, and a failed read every place's error.
func TestFindAllReadsOnce(t *testing.T) {
	b := newCounting()
	c := NewClient(smallBatches, b, "scope", NewGroups(Settings{Backoff: fast}))
	ctx := context.Background()
	created, _ := c.CreateAll(ctx, "sg", ports(100, 3))
	c.groups.NewEpoch("scope")
	describes := b.callsOf("describe")
	found, errs := c.FindAll(ctx, "sg", []rule.Rule{tcp(100), tcp(999), tcp(102)})
	if b.callsOf("describe") != describes+1 {
		t.Fatalf("%d describes for three rules, want 1", b.callsOf("describe")-describes)
	}
	if errs[0] != nil || errs[2] != nil || found[0].NativeID != created[0].NativeID || found[2].NativeID != created[2].NativeID {
		t.Fatalf("found %+v, %v: want the rules with their ids", found, errs)
	}
	if cloud.KindOf(errs[1]) != cloud.KindRuleGone {
		t.Fatalf("a rule the group does not hold: %v", errs[1])
	}
	c.groups.NewEpoch("scope")
	b.failRead = &cloud.Error{Kind: cloud.KindGroupGone, Code: "InvalidSecurityGroupId.NotFound"}
	for i, err := range func() []error { _, errs := c.FindAll(ctx, "sg", []rule.Rule{tcp(100), tcp(101)}); return errs }() {
		if cloud.KindOf(err) != cloud.KindGroupGone {
			t.Fatalf("place %d after a failed read: %v", i, err)
		}
	}
}

// blockingChunk holds the revoke that carries blockPort until released.
type blockingChunk struct {
	*countingBackend
	blockPort        int
	entered, release chan struct{}
}

func (b *blockingChunk) Revoke(ctx context.Context, group string, rules []rule.Rule, token string) error {
	for _, r := range rules {
		if r.Ports.From == b.blockPort {
			close(b.entered)
			<-b.release
		}
	}
	return b.countingBackend.Revoke(ctx, group, rules, token)
}

// A set's slot stays counted until its last write ends, though its first
// write (in the first call) ended before.
func TestASetHoldsItsSlotUntilItsLastWrite(t *testing.T) {
	b := &blockingChunk{countingBackend: newCounting(), blockPort: 105, entered: make(chan struct{}), release: make(chan struct{})}
	c := NewClient(smallBatches, b, "scope", NewGroups(Settings{Backoff: fast}))
	rules := ports(100, 6)
	if _, errs := c.CreateAll(context.Background(), "sg", rules); errors.Join(errs...) != nil {
		t.Fatal(errors.Join(errs...))
	}
	done := make(chan []error, 1)
	go func() { done <- c.DeleteAll(context.Background(), "sg", rules) }()
	<-b.entered // the first call of four ended; the second, of two, is in flight
	// The first call's writes have ended; their waiters run at once.
	for deadline := time.Now().Add(200 * time.Millisecond); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		c.groups.mu.Lock()
		writing := c.groups.writing
		c.groups.mu.Unlock()
		if writing != 1 {
			t.Fatalf("%d writes counted as waiting while the set's second call is in flight, want the set's one", writing)
		}
	}
	close(b.release)
	for i, err := range <-done {
		if err != nil {
			t.Fatalf("rule %d: %v", i, err)
		}
	}
	noSlotsHeld(t, c)
}
