package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// snapshot is one describe's result and when it started: in the epoch
// and after the write generation, and by this machine's monotonic clock
// (an age, never a date).
type snapshot struct {
	rules      []rule.Rule
	epoch, gen uint64
	started    time.Time
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
	// notBefore, when set, is when the describe must start after: no
	// earlier describe answers this read (Client.ListFresh).
	notBefore time.Time
}

// answeredBy reports whether the snapshot may answer the read.
func (r *reader) answeredBy(s *snapshot) bool {
	return s != nil && s.satisfies(r.epoch, r.gen) && !s.started.Before(r.notBefore)
}

// read returns the group's rules from a describe that started after the
// last of our writes finished, in this epoch: a cached one, the one in
// flight, or a new one.
func (g *group) read(ctx context.Context, c *Client) ([]rule.Rule, error) {
	return g.readAfter(ctx, c, time.Time{})
}

// readAfter is read from a describe that starts at or after notBefore
// (by this machine's monotonic clock); the zero time takes any.
func (g *group) readAfter(ctx context.Context, c *Client, notBefore time.Time) ([]rule.Rule, error) {
	epoch := g.groups.epoch(g.scope)
	g.mu.Lock()
	r := &reader{ctx: ctx, client: c, epoch: epoch, gen: g.gen, done: make(chan struct{}), notBefore: notBefore}
	if g.snap != nil && r.answeredBy(g.snap) {
		rules := g.snap.rules
		g.mu.Unlock()
		return rules, nil
	}
	g.readers = append(g.readers, r)
	g.startWorker()
	g.mu.Unlock()
	select {
	case <-r.done:
		return r.rules, r.err
	case <-ctx.Done():
		g.mu.Lock()
		g.readers = without(g.readers, r)
		last := g.describeErr
		g.mu.Unlock()
		return nil, waitedForDescribe(ctx, g.id, last)
	}
}

// waitedForDescribe is the error of a read whose context ended while it
// waited for the group's describe: what it waited for, and the cloud's last
// answer to that describe.
func waitedForDescribe(ctx context.Context, groupID string, last error) error {
	if last == nil {
		return fmt.Errorf("waiting for a describe of security group %s, which every read of the group shares: %w", groupID, ctx.Err())
	}
	// The answer is quoted, not wrapped: its kind (a group gone, say) may
	// be an earlier describe's, and this read did not get it.
	return fmt.Errorf("waiting for a describe of security group %s, which every read of the group shares, the cloud answering it: %s: %w", groupID, last.Error(), ctx.Err())
}

// deliverCached answers the readers the last describe satisfies. Called
// with mu held.
func (g *group) deliverCached() {
	if g.snap == nil {
		return
	}
	var waiting []*reader
	for _, r := range g.readers {
		switch {
		case !r.answeredBy(g.snap):
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

// readBack finishes a create whose rule the describe shows, and reports
// whether it did: absent when checked before the write, present now, so ours
// (DESIGN.md, "Who made a rule").
func (g *group) readBack(r *reader, rules []rule.Rule) bool {
	o := r.op
	i := o.client.Cloud.Capabilities.Identity.Find(rules, o.rule)
	if i < 0 {
		return false
	}
	o.finish(rules[i], nil)
	close(r.done)
	return true
}

// describe runs one describe for the readers and answers them: plain reads
// with the rules, read-backs with their rule when it shows, else after a later
// describe (some clouds list a new rule after a moment).
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
			r.op.finish(r.op.rule, unconfirmed(&cloud.Error{Cloud: c.Cloud.Name, Action: "read back rule", Kind: cloud.KindBusy,
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
	count := g.machineCountNow()
	started := time.Now()
	g.mu.Lock()
	g.describeErr = nil // only this describe's answers are quoted
	g.mu.Unlock()
	var rules []rule.Rule
	err := Retry(ctx, c.backoff, func(ctx context.Context) error {
		var err error
		rules, err = c.backend.Describe(ctx, g.id)
		g.mu.Lock()
		g.describeErr = err
		g.mu.Unlock()
		return err
	})
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	g.snap = &snapshot{rules: rules, epoch: epoch, gen: gen, started: started}
	g.known = append([]rule.Rule(nil), rules...)
	g.machineCount = count
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
