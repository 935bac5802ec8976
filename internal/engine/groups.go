package engine

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Groups coordinates every read and write of security groups in one
// provider process, whichever provider configuration they come through, so
// that the cost grows with the number of groups rather than rules:
//
//   - Reads of one group share one describe: concurrent reads wait for the
//     describe in flight, later reads reuse its result until we write to
//     the group. A read that starts after one of our writes has finished
//     sees that write.
//   - Writes to one group are made by one worker at a time (most clouds
//     reject or lose concurrent edits of a group), but do not queue behind
//     each other: the writes waiting while one call is in flight go out
//     together in the next call, where the cloud takes several rules per
//     call, and share the duplicate check before it and the read-back
//     after it.
//
// A group's cached describe belongs to an epoch of its scope (cloud,
// account, region, endpoint). Each provider configuration begins a new
// epoch (NewEpoch): a Terraform command reads afresh what another command,
// or someone else, may have changed in between.
//
// Other provider processes of this machine (Terraform starts one per
// provider configuration) are kept in step through MachineLocks.
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

// group returns the coordinator of one group; lockScope names its
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
	lockScope string

	mu      sync.Mutex
	running bool
	// writes wait for the worker; readers wait for a describe.
	writes  []*op
	readers []*reader
	// gen counts our write calls to the group that have finished: a
	// describe started before the latest of them may not show it.
	gen uint64
	// snap is the last describe.
	snap *snapshot
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
}

type opKind int

const (
	opCreate opKind = iota
	opDelete
	opUpdate
)

// op is one resource's write.
type op struct {
	ctx    context.Context
	client *Client
	kind   opKind
	rule   rule.Rule
	token  string

	queued time.Time
	// sentAt is the cloud's time when its authorize went out (zero when
	// the cloud's answers carry no time).
	sentAt time.Time
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

// write queues an op for the worker and waits for its outcome.
// A write whose context ends while it waits in the queue leaves it with
// the context's error. One the worker has taken is carried through: its
// call may land, and a create that landed but is reported failed would
// leave a rule the state does not know (Terraform ends in-flight calls
// with StopProvider on Ctrl-C and records what they return).
func (g *group) write(o *op) (rule.Rule, error) {
	g.groups.enter(o.queued)
	defer g.groups.leave()
	g.mu.Lock()
	g.writes = append(g.writes, o)
	g.startWorker()
	g.mu.Unlock()
	select {
	case <-o.done:
	case <-o.ctx.Done():
		g.mu.Lock()
		queued := slices.Contains(g.writes, o)
		if queued {
			g.writes = slices.DeleteFunc(g.writes, func(x *op) bool { return x == o })
		}
		g.mu.Unlock()
		if queued {
			o.finish(o.rule, o.ctx.Err())
		}
		<-o.done
	}
	return o.result, o.err
}

// startWorker runs the worker unless it runs already. Called with mu held.
func (g *group) startWorker() {
	if !g.running {
		g.running = true
		go g.work()
	}
}

// work is the group's one worker: it makes the queued writes, all those
// waiting together, and the describes that readers and read-backs wait
// for, until nothing waits. Writes ready to go come first, so that one
// describe serves the read-backs of several writes; while writes gather,
// the waiting reads are served. The machine lock taken for writes is
// held until their created rules are read back, so that the next process
// to write sees them; between batches another process may take it.
func (g *group) work() {
	for {
		g.mu.Lock()
		g.deliverCached()
		if !g.readingBack() {
			g.releaseMachine()
		}
		g.writes = live(g.writes)
		gather := time.Duration(0)
		if len(g.writes) > 0 {
			gather = g.groups.gatherFor(g.writes, time.Now())
		}
		if len(g.writes) > 0 && gather == 0 {
			writes := g.writes
			g.writes = nil
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
// unless the worker holds it already. A count other than the one our
// knowledge of the group is current with means another process wrote to
// it: what we know is stale, and the next check reads the group again. An
// error is the context's; a lock that cannot be had for another reason
// (a folder not ours) leaves the writes to the cloud's evidence alone.
func (g *group) lockMachine(ctx context.Context) error {
	l := g.groups.settings.Machine
	if l == nil || g.held != nil {
		return nil
	}
	m, err := l.acquire(ctx, g.lockScope, g.id)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		tflog.Debug(ctx, "writing without the machine lock", map[string]any{"reason": err.Error()})
		return nil
	}
	g.held = m
	g.mu.Lock()
	if m.count != g.machineCount {
		g.snap, g.known = nil, nil
	}
	g.mu.Unlock()
	return nil
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

// live drops the ops whose resource gave up waiting.
func live(ops []*op) []*op {
	var out []*op
	for _, o := range ops {
		if o.ctx.Err() != nil {
			o.finish(o.rule, o.ctx.Err())
			continue
		}
		out = append(out, o)
	}
	return out
}
