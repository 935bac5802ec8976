package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Groups coordinates every read and write of security groups in one provider
// process, so that cost grows with groups, not rules (DESIGN.md, "The
// engine's promises"); other processes of this machine are kept in step
// through MachineLocks.
type Groups struct {
	mu     sync.Mutex
	groups map[string]*group
	epochs map[string]uint64
	// settings are the backoff, gathering and machine locks.
	settings Settings
	// lastWrite is when a write last reached the provider; gap is the
	// usual time between two (a moving average), Terraform's pace.
	lastWrite time.Time
	gap       time.Duration
	// writing counts the writes waiting for their outcome; peak is the
	// most seen at once (Terraform's -parallelism, or near it), reached
	// first at peakAt.
	writing, peak int
	peakAt        time.Time
	// queued counts the writes of all groups waiting for their worker:
	// those gathering holds, which keep Terraform's slots without working.
	queued atomic.Int64
	// spent is where the writes' time went (Spent).
	spent Spent
}

// NewGroups returns an empty coordinator with its settings. Providers
// share ProcessGroups; tests make their own.
func NewGroups(s Settings) *Groups {
	return &Groups{groups: map[string]*group{}, epochs: map[string]uint64{}, settings: s}
}

// NewEpoch makes every cached describe of the scope's groups stale.
func (gs *Groups) NewEpoch(scope string) {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	gs.epochs[scope]++
}

func (gs *Groups) epoch(scope string) uint64 {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	return gs.epochs[scope]
}

// group returns the coordinator of one group. lockScope names its
// machine lock (Client.lockScope).
func (gs *Groups) group(scope, lockScope, id string) *group {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	key := scope + "\x00" + id
	g, ok := gs.groups[key]
	if !ok {
		g = &group{groups: gs, scope: scope, lockScope: lockScope, id: id}
		gs.groups[key] = g
	}
	return g
}

// group is the state of one security group: its last describe, the rules
// it holds as far as our own writes since then tell, and the work waiting
// for its worker.
type group struct {
	groups    *Groups
	scope, id string
	// lockScope names the group's machine lock, scope its describes.
	lockScope string

	mu      sync.Mutex
	running bool
	// made are the rule ids this process's creates made in the group,
	// each with the epoch (plus one) of the command that made it
	// (Client.MadeHere).
	made map[string]uint64
	// writes wait for the worker; readers wait for a describe.
	writes  []*op
	readers []*reader
	// slotsQueued is slots(writes), this group's part of Groups.queued.
	slotsQueued int
	// gen counts our write calls to the group that have finished: a
	// describe started before the latest of them may not show it.
	gen uint64
	// snap is the last describe.
	snap *snapshot
	// describeErr is the last describe call's error, nil once one
	// succeeds: what a read that gave up waiting waited on.
	describeErr error
	// known is snap's rules with our writes since applied, for the
	// duplicate check of the next writes; valid in snap's epoch.
	known []rule.Rule
	// tally is what the current plan does to the group (PlanQuota).
	tally *tally
	// goneEpoch is the epoch in which a refresh found the group gone
	// (a rule's Read), plus one; 0 when none did.
	goneEpoch uint64
	// machineCount is the count of the group's machine lock that known
	// is current with; held is the lock while the worker holds it (only
	// the worker touches held).
	machineCount uint64
	held         *machineLock
	// lockWaiting: the worker waits for the machine lock, so the writes
	// queued behind it wait for the lock too.
	lockWaiting bool
}

type opKind int

const (
	opCreate opKind = iota
	opDelete
	opUpdate
	// opRevokeExact revokes a rule a plan named, if the group still holds
	// it as the plan showed it (group.revokeExact).
	opRevokeExact
)

func (k opKind) String() string {
	return [...]string{"create", "revoke", "description change", "revoke"}[k]
}

// op is one resource's write.
type op struct {
	ctx    context.Context
	client *Client
	kind   opKind
	rule   rule.Rule
	token  string

	queued time.Time
	// taken is when the worker took the write to send it, ending its
	// gathering; sent when its machine lock was had.
	taken, sent time.Time
	// same, for opRevokeExact, reports whether the rule the group holds
	// now is the one the plan showed.
	same func(current rule.Rule) bool
	// respelled: the revoke was sent again naming the rule as a describe
	// gave it, after the cloud answered that the rule as first named did
	// not exist (group.settleRevoke); it is not sent a third time.
	respelled bool
	// lead: the write is one of several of one resource (writeAll),
	// which hold one Terraform slot while any of them waits; lead is the
	// first of them, which stands for the slot. Nil for a lone write.
	lead *op
	// twins are writes of the same rule that ride on this one (deletes
	// of one rule declared twice) and end as it does.
	twins []*op

	once   sync.Once
	done   chan struct{}
	result rule.Rule
	err    error
}

// sawGone records that a refresh of this epoch found the group gone.
func (g *group) sawGone() {
	epoch := g.groups.epoch(g.scope)
	g.mu.Lock()
	g.goneEpoch = epoch + 1
	g.mu.Unlock()
}

// goneAtRefresh reports whether a refresh of the epoch found the group
// gone. Called with mu held.
func (g *group) goneAtRefresh(epoch uint64) bool { return g.goneEpoch == epoch+1 }

// newOp makes a write with a client token of its own, which only its
// retries reuse.
func newOp(ctx context.Context, c *Client, kind opKind, r rule.Rule) *op {
	return &op{ctx: ctx, client: c, kind: kind, rule: r, token: cloud.NewToken(), queued: time.Now(), done: make(chan struct{})}
}

// finish delivers an op's outcome once, to it and its twins; later
// outcomes (the worker's, after the resource gave up waiting) are dropped.
func (o *op) finish(result rule.Rule, err error) {
	o.once.Do(func() {
		o.result, o.err = result, err
		close(o.done)
		for _, t := range o.twins {
			t.finish(result, err)
		}
	})
}

// ended reports whether the op has its outcome.
func (o *op) ended() bool {
	select {
	case <-o.done:
		return true
	default:
		return false
	}
}

// write queues an op for the worker and waits for its outcome.
func (g *group) write(o *op) (rule.Rule, error) {
	g.enqueue(o)
	return g.wait(o)
}

// writeAll queues ops together, so that they go out in one batch, and
// waits for each.
func (g *group) writeAll(ops []*op) []error {
	if len(ops) == 0 {
		return nil
	}
	// One resource's writes hold one of Terraform's slots, not one each,
	// until the last of them ends: the gathering's counts (Groups.enter
	// and leave, queued) take them as one.
	for _, o := range ops {
		o.lead = ops[0]
	}
	g.enqueue(ops...)
	defer g.groups.leave(ops[0])
	errs := make([]error, len(ops))
	var wg sync.WaitGroup
	for i, o := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = g.wait(o)
		}()
	}
	wg.Wait()
	return errs
}

func (g *group) enqueue(ops ...*op) {
	for _, o := range ops {
		if o.lead == nil || o.lead == o {
			g.groups.enter(o.queued)
		}
	}
	g.mu.Lock()
	g.setWrites(append(g.writes, ops...))
	g.startWorker()
	g.mu.Unlock()
}

// wait waits for a queued op's outcome: a write whose context ends before it
// is sent ends unsent; one that was sent is carried through (DESIGN.md,
// "Writes wait under their own deadlines").
func (g *group) wait(o *op) (rule.Rule, error) {
	if o.lead == nil {
		defer g.groups.leave(o) // writeAll leaves for its set
	}
	select {
	case <-o.done:
	case <-o.ctx.Done():
		g.mu.Lock()
		queued := slices.Contains(g.writes, o)
		if queued {
			g.setWrites(slices.DeleteFunc(g.writes, func(x *op) bool { return x == o }))
		}
		behindLock := g.lockWaiting
		g.mu.Unlock()
		switch {
		case queued && behindLock:
			o.finish(o.rule, g.lockWaitError(g.groups.settings.Machine, o))
		case queued:
			o.finish(o.rule, notSent(o, o.ctx.Err()))
		}
		<-o.done
	}
	return o.result, o.err
}

// notSent is the error of a write that ended before it was sent.
func notSent(o *op, err error) error {
	return fmt.Errorf("the %s was not sent to the cloud: %w", o.kind, err)
}

// setWrites replaces the writes waiting for the worker, keeping the count
// of all groups' waiting writes (Groups.queued). Called with mu held.
func (g *group) setWrites(ws []*op) {
	// ws may reuse g.writes' array (append, DeleteFunc, live), so the
	// count it replaces is kept, not recounted.
	n := slots(ws)
	g.groups.queued.Add(int64(n - g.slotsQueued))
	g.writes, g.slotsQueued = ws, n
}

// slots counts the Terraform slots the writes hold: the writes of one
// set (writeAll) share one while any of them waits.
func slots(ws []*op) int {
	n := 0
	var sets map[*op]bool
	for _, o := range ws {
		switch {
		case o.lead == nil:
			n++
		case !sets[o.lead]:
			if sets == nil {
				sets = map[*op]bool{}
			}
			sets[o.lead] = true
			n++
		}
	}
	return n
}

// startWorker runs the worker unless it runs already. Called with mu held.
func (g *group) startWorker() {
	if !g.running {
		g.running = true
		go g.work()
	}
}

// work is the group's one worker, until nothing waits: writes ready to go
// first (so one describe serves their read-backs), reads while writes gather;
// the machine lock is held until created rules are read back.
func (g *group) work() {
	for {
		g.mu.Lock()
		g.deliverCached()
		if !g.readingBack() {
			g.releaseMachine()
		}
		g.setWrites(live(g.writes))
		gather := time.Duration(0)
		if len(g.writes) > 0 {
			gather = g.groups.gatherFor(g.writes, time.Now())
		}
		if len(g.writes) > 0 && gather == 0 {
			writes := g.writes
			g.setWrites(nil)
			now := time.Now()
			for _, o := range writes {
				o.taken = now
			}
			g.mu.Unlock()
			g.runWrites(writes)
			continue
		}
		g.readers = liveReaders(g.readers)
		if len(g.readers) > 0 {
			readers := g.readers
			g.readers = nil
			g.mu.Unlock()
			g.describe(readers)
			continue
		}
		if gather > 0 {
			g.mu.Unlock()
			time.Sleep(min(gather, gatherTick))
			continue
		}
		// Nothing waits: the read-backs that held the lock may have
		// ended with their contexts (liveReaders).
		g.releaseMachine()
		g.running = false
		g.mu.Unlock()
		return
	}
}

// readingBack reports whether created rules wait to be read back. Called
// with mu held.
func (g *group) readingBack() bool {
	return slices.ContainsFunc(g.readers, func(r *reader) bool { return r.op != nil })
}

// gatherTick is how often gathering writes look again whether to go.
const gatherTick = 5 * time.Millisecond

// lockMachine takes the group's machine lock for writes about to go out,
// unless the worker holds it already, each waiting under its own context, and
// returns those still to send (DESIGN.md, "The machine locks").
func (g *group) lockMachine(ops []*op) []*op {
	l := g.groups.settings.Machine
	if l == nil || g.held != nil {
		markSent(ops)
		return live(ops)
	}
	waitCtx, cancel := allEnded(opContexts(ops))
	defer cancel()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, o := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-o.ctx.Done():
				o.finish(o.rule, g.lockWaitError(l, o))
			case <-stop:
			}
		}()
	}
	g.mu.Lock()
	g.lockWaiting = true
	g.mu.Unlock()
	m, err := l.acquire(waitCtx, g.lockScope, g.id)
	g.mu.Lock()
	g.lockWaiting = false
	g.mu.Unlock()
	close(stop)
	wg.Wait()
	switch {
	case err == nil:
	case waitCtx.Err() != nil:
		// Every write ended while it waited, each with its own error
		// (finish keeps the first, where its watcher gave it already).
		for _, o := range ops {
			o.finish(o.rule, g.lockWaitError(l, o))
		}
		return nil
	case errors.Is(err, errNoLockFolder):
		tflog.Warn(waitCtx, "writing without the machine lock", map[string]any{"reason": err.Error()})
		markSent(ops)
		return live(ops)
	default:
		for _, o := range ops {
			o.finish(o.rule, fmt.Errorf("the %s was not sent: the machine lock of security group %s cannot be taken: %w", o.kind, g.id, err))
		}
		return nil
	}
	g.held = m
	markSent(ops)
	g.mu.Lock()
	if m.count != g.machineCount {
		g.snap, g.known = nil, nil
	}
	g.mu.Unlock()
	return live(ops)
}

// markSent records when writes the worker holds got past the machine lock.
// Only the worker may end them from here on (the lock's watchers have
// stopped), so their waiters read the time after it is written.
func markSent(ops []*op) {
	now := time.Now()
	for _, o := range ops {
		if !o.ended() {
			o.sent = now
		}
	}
}

// lockWaitError says why a write ended while it waited for the group's
// machine lock, naming the lock file and what holds it.
func (g *group) lockWaitError(l *MachineLocks, o *op) error {
	file, holder := l.Describe(g.lockScope, g.id)
	return fmt.Errorf("the %s was not sent after %s: %w. Another provider configuration or Terraform run on this machine is writing to the group: "+
		"let it finish, or stop it. The lock is the process's own and ends with it (the operating system releases it), so a wait means a "+
		"process holds it now; the record names the last holder, which may have ended since if another took the lock without a record (an earlier release). "+
		"Do not remove the lock file: a process that waits on it would then share the group with one that locks a new file",
		o.kind, time.Since(o.queued).Round(time.Second), &LockWaitError{Group: g.id, File: file, Holder: holder, Err: o.ctx.Err()})
}

// wroteUnderLock counts our writes in the held machine lock.
func (g *group) wroteUnderLock() {
	if g.held == nil {
		return
	}
	n := g.held.wrote()
	g.mu.Lock()
	g.machineCount = n
	g.mu.Unlock()
}

// releaseMachine lets the next process in.
func (g *group) releaseMachine() {
	if g.held != nil {
		g.held.release()
		g.held = nil
	}
}

// machineCountNow is the machine lock's count before a describe: the
// held one's, or a peek.
func (g *group) machineCountNow() uint64 {
	switch {
	case g.held != nil:
		return g.held.count
	case g.groups.settings.Machine != nil:
		return g.groups.settings.Machine.peek(g.lockScope, g.id)
	}
	return 0
}

// live drops the ops whose resource gave up waiting (its timeout, or an
// interrupt) before they were sent: they end unsent.
func live(ops []*op) []*op {
	var out []*op
	for _, o := range ops {
		if err := o.ctx.Err(); err != nil {
			o.finish(o.rule, notSent(o, err))
			continue
		}
		out = append(out, o)
	}
	return out
}
