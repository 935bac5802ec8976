package cloud

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

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
type Groups struct {
	mu     sync.Mutex
	groups map[string]*group
	epochs map[string]uint64
	gather Gather
	// lastWrite is when a write last reached the provider.
	lastWrite time.Time
	// writing counts the writes waiting for their outcome; peak is the
	// most seen at once (Terraform's -parallelism, or near it), reached
	// first at peakAt.
	writing, peak int
	peakAt        time.Time
}

// NewGroups returns an empty coordinator that sends writes as soon as the
// group is free. Providers share ProcessGroups; tests make their own.
func NewGroups() *Groups {
	return &Groups{groups: map[string]*group{}, epochs: map[string]uint64{}}
}

// WithGather makes the coordinator gather writes (see Gather).
func (gs *Groups) WithGather(g Gather) *Groups {
	gs.gather = g
	return gs
}

// ProcessGroups is the coordinator of this provider process.
var ProcessGroups = NewGroups().WithGather(DefaultGather)

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

// group returns the coordinator of one group.
func (gs *Groups) group(scope, id string) *group {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	key := scope + "\x00" + id
	g, ok := gs.groups[key]
	if !ok {
		g = &group{groups: gs, scope: scope, id: id}
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
}

// snapshot is one describe's result and when it started.
type snapshot struct {
	rules      []rule.Rule
	epoch, gen uint64
}

// satisfies reports whether the describe may answer a read that needs one
// started at or after (epoch, gen).
func (s *snapshot) satisfies(epoch, gen uint64) bool {
	return s != nil && s.epoch >= epoch && s.gen >= gen
}

// reader is a read, or a created rule's read-back, waiting for a describe.
type reader struct {
	ctx        context.Context
	client     *Client
	epoch, gen uint64
	done       chan struct{}
	rules      []rule.Rule
	err        error
	// op, for a read-back, is the create whose rule the describe must show.
	op *op
	// attempts counts describes that did not show op's rule yet.
	attempts int
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
	// sent is when its authorize went out.
	sent time.Time

	once   sync.Once
	done   chan struct{}
	result rule.Rule
	err    error
}

func newOp(ctx context.Context, c *Client, kind opKind, r rule.Rule, token string) *op {
	return &op{ctx: ctx, client: c, kind: kind, rule: r, token: token, queued: time.Now(), done: make(chan struct{})}
}

// finish delivers an op's outcome once; later outcomes (the worker's, after
// the resource gave up waiting) are dropped.
func (o *op) finish(result rule.Rule, err error) {
	o.once.Do(func() {
		o.result, o.err = result, err
		close(o.done)
	})
}

// read returns the group's rules from a describe that started after the
// last of our writes finished, in this epoch: a cached one, the one in
// flight, or a new one.
func (g *group) read(ctx context.Context, c *Client) ([]rule.Rule, error) {
	epoch := g.groups.epoch(g.scope)
	g.mu.Lock()
	if g.snap.satisfies(epoch, g.gen) {
		rules := g.snap.rules
		g.mu.Unlock()
		return rules, nil
	}
	r := &reader{ctx: ctx, client: c, epoch: epoch, gen: g.gen, done: make(chan struct{})}
	g.readers = append(g.readers, r)
	g.startWorker()
	g.mu.Unlock()
	select {
	case <-r.done:
		return r.rules, r.err
	case <-ctx.Done():
		g.mu.Lock()
		g.readers = without(g.readers, r)
		g.mu.Unlock()
		return nil, ctx.Err()
	}
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
// the waiting reads are served.
func (g *group) work() {
	for {
		g.mu.Lock()
		g.deliverCached()
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

// gatherTick is how often gathering writes look again whether to go.
const gatherTick = 5 * time.Millisecond

// deliverCached answers the readers the last describe satisfies. Called
// with mu held.
func (g *group) deliverCached() {
	if g.snap == nil {
		return
	}
	var waiting []*reader
	for _, r := range g.readers {
		switch {
		case !g.snap.satisfies(r.epoch, r.gen):
		case r.op == nil:
			r.rules = g.snap.rules
			close(r.done)
			continue
		case r.attempts == 0 && g.readBack(r, g.snap.rules):
			continue
		}
		waiting = append(waiting, r)
	}
	g.readers = waiting
}

// readBack finishes a create whose rule the rules show, and reports
// whether they did. A rule the cloud made well before the authorize went
// out was not made by it: clouds that accept a repeated authorize (ECS)
// answer it with success, so another configuration or Terraform run that
// declares the same rule would otherwise own it too.
func (g *group) readBack(r *reader, rules []rule.Rule) bool {
	o := r.op
	i := o.client.Cloud.Capabilities.Identity.Find(rules, o.rule)
	if i < 0 {
		return false
	}
	var err error
	if made := rules[i].Created; !made.IsZero() && made.Before(o.sent.Add(-clockSlack)) {
		err = &Error{Cloud: o.client.Cloud.Name, Action: "create rule", Kind: KindDuplicate,
			Message: fmt.Sprintf("security group %s already had the rule %s (made at %s) when this create was sent: another configuration or Terraform run declares it too",
				g.id, rules[i], made.UTC().Format(time.RFC3339))}
	}
	o.finish(rules[i], err)
	close(r.done)
	return true
}

// clockSlack is how far this machine's clock and the cloud's may differ
// before a rule's creation time is believed to precede our authorize.
const clockSlack = time.Minute

// describe runs one describe for the readers and answers them: plain
// reads with the rules, read-backs with their rule when it shows. A
// read-back whose rule does not show yet (some clouds list a new rule
// after a moment) waits for a later describe, after a backoff, until its
// context ends.
func (g *group) describe(readers []*reader) {
	c := readers[0].client
	ctx, cancel := joined(readerContexts(readers))
	defer cancel()
	rules, err := g.fetch(ctx, c)

	g.mu.Lock()
	var again []*reader
	for _, r := range readers {
		switch {
		case r.op == nil:
			r.rules, r.err = rules, err
			close(r.done)
		case err != nil:
			r.op.finish(r.op.rule, unconfirmed(err))
			close(r.done)
		case !g.readBack(r, rules):
			r.attempts++
			again = append(again, r)
		}
	}
	g.mu.Unlock()
	if len(again) == 0 {
		return
	}
	// Not listed yet: wait, then describe again for these.
	wait := c.backoff.delay(again[0].attempts - 1)
	t := time.NewTimer(wait)
	select {
	case <-t.C:
	case <-ctx.Done():
		t.Stop()
	}
	g.mu.Lock()
	for _, r := range again {
		if r.op.ctx.Err() != nil {
			r.op.finish(r.op.rule, unconfirmed(&Error{Cloud: c.Cloud.Name, Action: "read back rule", Kind: KindBusy,
				Message: "security group " + g.id + " does not list the rule " + r.op.rule.String() + " yet"}))
			close(r.done)
			continue
		}
		g.readers = append(g.readers, r)
	}
	g.mu.Unlock()
}

// fetch describes the group and keeps the result as its snapshot.
func (g *group) fetch(ctx context.Context, c *Client) ([]rule.Rule, error) {
	epoch := g.groups.epoch(g.scope)
	g.mu.Lock()
	gen := g.gen // only this worker changes it
	g.mu.Unlock()
	var rules []rule.Rule
	err := Retry(ctx, c.backoff, func(ctx context.Context) error {
		var err error
		rules, err = c.backend.Describe(ctx, g.id)
		return err
	})
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	g.snap = &snapshot{rules: rules, epoch: epoch, gen: gen}
	g.known = append([]rule.Rule(nil), rules...)
	g.mu.Unlock()
	return rules, nil
}

func without(readers []*reader, r *reader) []*reader {
	out := readers[:0]
	for _, o := range readers {
		if o != r {
			out = append(out, o)
		}
	}
	return out
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

// liveReaders drops the readers whose context ended; a read-back among
// them ends unconfirmed.
func liveReaders(readers []*reader) []*reader {
	var out []*reader
	for _, r := range readers {
		if err := r.ctx.Err(); err != nil {
			if r.op != nil {
				r.op.finish(r.op.rule, unconfirmed(err))
			}
			continue
		}
		out = append(out, r)
	}
	return out
}
