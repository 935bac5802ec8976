package engine

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Tests of the windows DESIGN.md states, from an adversarial review of
// issue 30's change: each failed on that change before its fix.

// oneRuleCloud takes one rule per authorize and answers a repeat with
// success, as Apsara Stack does (WriteBatch unset: one rule per call).
var oneRuleCloud = cloud.Cloud{Name: "fake", Capabilities: cloud.Capabilities{NativeIDs: true, RepeatSucceeds: true, ClientTokens: true}}

// hookedBackend is a counting backend whose authorizes take a while and
// run a hook after each (another writer acting meanwhile), and whose
// revokes name rules by content, as ECS's Permissions.N and Zenlayer's
// ruleInfos do, with hooks before and after.
type hookedBackend struct {
	*countingBackend
	delay          time.Duration
	delayFor       func(rule.Rule) time.Duration
	afterAuthorize func(r rule.Rule)
	beforeRevoke   func()
	afterRevoke    func()
	hmu            sync.Mutex
}

func (h *hookedBackend) Authorize(ctx context.Context, g string, rules []rule.Rule, token string) error {
	time.Sleep(h.delay)
	if h.delayFor != nil {
		time.Sleep(h.delayFor(rules[0]))
	}
	err := h.countingBackend.Authorize(ctx, g, rules, token)
	h.hmu.Lock()
	f := h.afterAuthorize
	h.hmu.Unlock()
	if f != nil {
		for _, r := range rules {
			f(r)
		}
	}
	return err
}

func (h *hookedBackend) Revoke(ctx context.Context, g string, rules []rule.Rule, token string) error {
	h.hmu.Lock()
	before, after := h.beforeRevoke, h.afterRevoke
	h.beforeRevoke, h.afterRevoke = nil, nil
	h.hmu.Unlock()
	if before != nil {
		before()
	}
	byContent := make([]rule.Rule, len(rules))
	for i, r := range rules {
		r.NativeID, r.Created = "", time.Time{}
		byContent[i] = r
	}
	err := h.countingBackend.Revoke(ctx, g, byContent, token)
	if after != nil {
		after()
	}
	return err
}

// DESIGN.md: on RepeatSucceeds clouds the window in which another
// machine's rule is taken for ours is "at most Fresh plus the call". A
// batch of creates on a cloud that takes one rule per call (Apsara Stack)
// is checked once (checkBeforeSend) and then authorized chunk by chunk:
// the k-th chunk goes out k-1 calls after that check, with no check of
// its own. Here the describe is 60 ms old (Fresh 20 ms) when the third
// rule is authorized, and a rule another writer made after the second
// call is taken for ours.
func TestEveryChunkIsCheckedWithinFresh(t *testing.T) {
	b := &hookedBackend{countingBackend: newCounting(), delay: 30 * time.Millisecond}
	c := NewClient(oneRuleCloud, b, "scope", NewGroups(Settings{Backoff: fast, Fresh: 20 * time.Millisecond}))
	ctx := context.Background()
	held, release := b.holdNextAuthorize()
	go func() { _, _ = c.Create(ctx, "sg", tcp(1)) }()
	<-held
	type result struct {
		r   rule.Rule
		err error
	}
	results := make([]chan result, 3)
	for i := range results {
		results[i] = make(chan result, 1)
		go func() { r, err := c.Create(ctx, "sg", tcp(22+i)); results[i] <- result{r, err} }()
		waitFor(t, func() bool { g := c.group("sg"); g.mu.Lock(); defer g.mu.Unlock(); return len(g.writes) == i+1 })
	}
	b.hmu.Lock()
	b.afterAuthorize = func(r rule.Rule) {
		if r.Ports.From == 23 {
			// Another machine makes tcp 24, well after the describe
			// that checked the batch was Fresh.
			seed(b.countingBackend, withID(tcp(24), "theirs", time.Now().Truncate(time.Second)))
		}
	}
	b.hmu.Unlock()
	release()
	for i := range results {
		res := <-results[i]
		if i < 2 && res.err != nil {
			t.Fatalf("create %d: %v", 22+i, res.err)
		}
		if i == 2 && (cloud.KindOf(res.err) != cloud.KindDuplicate || res.r.NativeID != "theirs") {
			t.Errorf("create of tcp 24 = %+v, %v: a rule another writer made %v after the describe (Fresh 20ms) was taken for ours; want a duplicate",
				res.r.NativeID, res.err, 60*time.Millisecond)
		}
	}
}

// DESIGN.md / group.wait: "a write is sent only while its resource still
// waits for it (live) ... writes not yet sent when an interrupt comes are
// not sent". A create interrupted while an earlier chunk of its batch is
// in flight is sent all the same (authorizeChunk's first attempt does not
// look at live), after the interrupt, with a fresh 30 s grace.
func TestAnInterruptedChunkIsNotSent(t *testing.T) {
	b := &hookedBackend{countingBackend: newCounting(), delay: 20 * time.Millisecond}
	c := NewClient(oneRuleCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
	ctx := context.Background()
	held, release := b.holdNextAuthorize()
	go func() { _, _ = c.Create(ctx, "sg", tcp(1)) }()
	<-held
	interrupted, interrupt := context.WithCancel(ctx)
	first, second := make(chan error, 1), make(chan error, 1)
	go func() { _, err := c.Create(ctx, "sg", tcp(22)); first <- err }()
	waitFor(t, func() bool { g := c.group("sg"); g.mu.Lock(); defer g.mu.Unlock(); return len(g.writes) == 1 })
	go func() { _, err := c.Create(interrupted, "sg", tcp(23)); second <- err }()
	waitFor(t, func() bool { g := c.group("sg"); g.mu.Lock(); defer g.mu.Unlock(); return len(g.writes) == 2 })
	b.hmu.Lock()
	b.afterAuthorize = func(r rule.Rule) {
		if r.Ports.From == 22 {
			interrupt() // Ctrl-C while tcp 22 is in flight, before tcp 23 is sent
		}
	}
	b.hmu.Unlock()
	release()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	err := <-second
	rules, _ := b.Describe(ctx, "sg")
	if rule.Find(rules, tcp(23)) >= 0 {
		t.Errorf("tcp 23 was authorized after its resource was interrupted (create returned %v); want it left unsent", err)
	}
}

// README: "secgroup_rules_exclusive revokes only what its plan showed ...
// nor one revoked and made again since (a new id)"; the window left is
// "the one API round trip between that describe and the revoke". A revoke
// answered "not found" is settled by a read (settleRevoke), which finds
// the rule by id and then BY CONTENT: a rule of the same content made
// after the revoke was answered (a new id: not the plan's) is "respelled"
// and revoked.
func TestSettleRevokeDoesNotRespellOntoANewRule(t *testing.T) {
	for _, exact := range []bool{true, false} {
		b := &hookedBackend{countingBackend: newCounting()}
		c := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
		ctx := context.Background()
		t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
		planned := withID(tcp(22), "id-a", t0)
		seed(b.countingBackend, planned)
		b.beforeRevoke = func() { // another tool revokes id-a just before our call...
			b.mu.Lock()
			b.rules = nil
			b.mu.Unlock()
		}
		b.afterRevoke = func() { // ...and makes the rule again after it
			seed(b.countingBackend, withID(tcp(22), "id-new", time.Now().Truncate(time.Second)))
		}
		var err error
		if exact {
			err = c.RevokeExact(ctx, "sg", []Target{{Rule: rule.Rule{NativeID: "id-a"}, Same: sameAs(planned)}})[0]
		} else {
			err = c.Delete(ctx, "sg", planned)
		}
		rules, _ := b.Describe(ctx, "sg")
		if len(rules) != 1 || rules[0].NativeID != "id-new" {
			t.Errorf("exact=%v: outcome %v, %d revokes, left %v: the rule made again under a new id was revoked", exact, err, b.callsOf("revoke"), rules)
		}
	}
}

// The machine lock is held from a batch's writes until their created
// rules are read back (work: released at the top of the loop unless
// readingBack). A read-back whose context ended while a later chunk of the
// same batch was still being sent is dropped by liveReaders, the worker
// finds nothing to do and returns, still holding the lock: every other
// provider process's write to the group then waits its whole timeout for
// a lock nobody uses ("waited for the machine lock ... held by another
// provider process"), until this process writes to the group again or
// exits.
func TestAnIdleWorkerHoldsNoMachineLock(t *testing.T) {
	dir := t.TempDir()
	other := NewMachineLocks(dir)
	b := &hookedBackend{countingBackend: newCounting(), delayFor: func(r rule.Rule) time.Duration {
		if r.Ports.From == 666 {
			return 400 * time.Millisecond // a slow call the cloud then refuses
		}
		return 0
	}}
	c := NewClient(oneRuleCloud, b, "scope", NewGroups(Settings{Backoff: fast, Machine: NewMachineLocks(dir)}))
	held, err := other.acquire(context.Background(), c.lockScope, "sg")
	if err != nil {
		t.Fatal(err)
	}
	short, cancelShort := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancelShort()
	shortErr, longErr := make(chan error, 1), make(chan error, 1)
	go func() { _, err := c.Create(short, "sg", tcp(22)); shortErr <- err }()
	waitFor(t, func() bool { g := c.group("sg"); g.mu.Lock(); defer g.mu.Unlock(); return g.lockWaiting })
	go func() { _, err := c.Create(context.Background(), "sg", tcp(666)); longErr <- err }()
	waitFor(t, func() bool { g := c.group("sg"); g.mu.Lock(); defer g.mu.Unlock(); return len(g.writes) == 1 })
	held.release()
	t.Logf("short create: %v", <-shortErr)
	t.Logf("long create: %v", <-longErr)
	waitFor(t, func() bool { g := c.group("sg"); g.mu.Lock(); defer g.mu.Unlock(); return !g.running })
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	next, err := other.acquire(ctx, c.lockScope, "sg")
	if err != nil {
		t.Fatalf("the group's worker is idle, yet its machine lock is still held: %v", err)
	}
	next.release()
}

var _ = errors.Is
