package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// runWrites makes a set of writes that waited together, under the
// group's machine lock: revokes first (a rule destroyed and declared again
// elsewhere in one apply must be gone before it is authorized), then
// authorizes, then description changes.
func (g *group) runWrites(ops []*op) {
	ctx, cancel := joined(opContexts(ops))
	err := g.lockMachine(ctx)
	cancel()
	if err != nil {
		for _, o := range ops {
			o.finish(o.rule, err)
		}
		return
	}
	defer g.wroteUnderLock()
	var creates, deletes, updates []*op
	for _, o := range ops {
		switch o.kind {
		case opCreate:
			creates = append(creates, o)
		case opDelete:
			deletes = append(deletes, o)
		default:
			updates = append(updates, o)
		}
	}
	for _, chunk := range chunks(collapse(deletes)) {
		g.revoke(chunk)
	}
	if len(creates) > 0 {
		g.authorize(creates)
	}
	for _, o := range updates {
		g.update(o)
	}
}

// collapse sends each rule once: a delete of a rule that another delete
// of the same batch names already (one rule in two resources' state) rides
// on that one as its twin and ends as it does. A cloud refuses a call that
// names one rule twice, or answers the second "not found".
func collapse(ops []*op) []*op {
	var out []*op
	var rules []rule.Rule
	for _, o := range ops {
		if i := o.client.Cloud.Capabilities.Identity.Find(rules, o.rule); i >= 0 {
			out[i].twins = append(out[i].twins, o)
			continue
		}
		out, rules = append(out, o), append(rules, o.rule)
	}
	return out
}

// chunks splits ops into the calls the cloud takes: up to its batch size,
// and one direction per call where its API says so.
func chunks(ops []*op) [][]*op {
	if len(ops) == 0 {
		return nil
	}
	def := ops[0].client.Cloud
	size := max(def.WriteBatch, 1)
	var out [][]*op
	add := func(list []*op) {
		for len(list) > 0 {
			n := min(size, len(list))
			out = append(out, list[:n])
			list = list[n:]
		}
	}
	if !def.BatchPerDirection || size == 1 {
		add(ops)
		return out
	}
	var in, eg []*op
	for _, o := range ops {
		if o.rule.Direction == rule.Egress {
			eg = append(eg, o)
		} else {
			in = append(in, o)
		}
	}
	add(in)
	add(eg)
	return out
}

// splittable reports whether a failed batch may owe its failure to some of
// its rules (a bad value, a quota, a duplicate), so that its rules are
// worth sending one by one; failures of the whole call (credentials, the
// group, throttling until the timeout) are not.
func splittable(err error) bool {
	switch cloud.KindOf(err) {
	case cloud.KindAuth, cloud.KindTransient, cloud.KindBusy, cloud.KindGroupGone:
		return false
	}
	return true
}

// knownValid reports whether known may stand for the group's rules: it
// comes from a describe of this epoch. Called with mu held.
func (g *group) knownValid() bool {
	return g.snap != nil && g.snap.epoch == g.groups.epoch(g.scope)
}

// authorize checks creates against the group's rules (one describe shared
// by all of them, or none when the last one and our writes since tell),
// then authorizes the new ones in as few calls as the cloud takes.
func (g *group) authorize(creates []*op) {
	c := creates[0].client
	ctx, cancel := joined(opContexts(creates))
	defer cancel()
	g.mu.Lock()
	valid := g.knownValid()
	g.mu.Unlock()
	if !valid {
		if _, err := g.fetch(ctx, c); err != nil {
			for _, o := range creates {
				o.finish(rule.Rule{}, err)
			}
			return
		}
	}
	g.mu.Lock()
	known := append([]rule.Rule(nil), g.known...)
	g.mu.Unlock()
	identity := c.Cloud.Capabilities.Identity
	var send []*op
	for _, o := range creates {
		if i := identity.Find(known, o.rule); i >= 0 {
			o.finish(known[i], &cloud.Error{Cloud: c.Cloud.Name, Action: "create rule", Kind: cloud.KindDuplicate,
				Message: fmt.Sprintf("security group %s already has the rule %s", g.id, o.rule)})
			continue
		}
		// A later create of the same batch with equal content is a
		// duplicate of this one.
		known = append(known, o.rule)
		send = append(send, o)
	}
	for _, chunk := range chunks(send) {
		g.authorizeChunk(chunk)
	}
}

// authorizeChunk sends one authorize call for the chunk, retried on
// transient errors with one client token, so a retry of a write that
// landed adds nothing. Clouds without client tokens answer such a retry
// "duplicate": the rules were absent when the check ran, so that is our
// own write, if an earlier attempt may have landed (its answer lost, a
// server error); after throttling alone, which the cloud did not act on,
// the rule is another writer's. A chunk that fails for a reason that may belong to one of its
// rules is sent again rule by rule, so each resource gets its own outcome.
func (g *group) authorizeChunk(chunk []*op) {
	c := chunk[0].client
	ctx, cancel := joined(opContexts(chunk))
	defer cancel()
	rules := rulesOf(chunk)
	token := chunkToken(chunk)
	tflog.Debug(ctx, "authorizing rules", map[string]any{"cloud": c.Cloud.Name, "security_group_id": g.id, "rules": len(rules)})
	lost := false
	// The cloud's time when the first attempt went out: its last answer's
	// time less how long the attempts took by this machine's monotonic
	// clock (an interval, never this machine's date).
	start := time.Now()
	var sentAt time.Time
	err := Retry(ctx, c.backoff, func(ctx context.Context) error {
		answered, err := c.backend.Authorize(ctx, g.id, rules, token)
		if !answered.IsZero() {
			sentAt = answered.Add(-time.Since(start))
		}
		if lost && cloud.KindOf(err) == cloud.KindDuplicate {
			tflog.Debug(ctx, "a lost earlier attempt created the rules", map[string]any{"reason": err.Error()})
			return nil
		}
		lost = lost || cloud.MayHaveLanded(err)
		return err
	})
	g.mu.Lock()
	g.gen++
	if err == nil {
		g.known = append(g.known, rules...)
	}
	g.mu.Unlock()
	switch {
	case err == nil:
		for _, o := range chunk {
			o.sentAt = sentAt
			g.created(o)
		}
	case len(chunk) > 1 && splittable(err):
		tflog.Debug(ctx, "a batch failed; sending its rules one by one", map[string]any{"reason": err.Error()})
		for _, o := range chunk {
			g.authorizeChunk([]*op{o})
		}
	case cloud.KindOf(err) == cloud.KindDuplicate:
		// The cloud knows a rule equal to this one that the check did
		// not (another writer, or a broader notion of equality).
		chunk[0].finish(chunk[0].rule, err)
	default:
		for _, o := range chunk {
			o.finish(rule.Rule{}, err)
		}
	}
}

// created ends a create whose rule the cloud accepted: at once where a
// read-back tells nothing the request did not (no rule ids, no defaults
// of the cloud's own), else after the next describe shows the rule.
// Called by the worker.
func (g *group) created(o *op) {
	if !o.client.Cloud.Capabilities.ReadBack() {
		o.finish(o.rule, nil)
		return
	}
	// The read-back is carried through as the write was (group.write).
	ctx, cancel := carried(o.ctx)
	go func() { <-o.done; cancel() }()
	g.mu.Lock()
	g.readers = append(g.readers, &reader{ctx: ctx, client: o.client, epoch: g.groups.epoch(g.scope), gen: g.gen,
		done: make(chan struct{}), op: o})
	g.mu.Unlock()
}

// revoke sends one revoke call for the chunk, retried on transient errors
// with one client token, fresh for this chunk. A rule or group already
// gone is success; a chunk failing for a reason that may belong to one
// rule (one of them gone, a bad value) is sent again rule by rule, each
// with its own token.
func (g *group) revoke(chunk []*op) {
	c := chunk[0].client
	ctx, cancel := joined(opContexts(chunk))
	defer cancel()
	rules := rulesOf(chunk)
	token := chunkToken(chunk)
	tflog.Debug(ctx, "revoking rules", map[string]any{"cloud": c.Cloud.Name, "security_group_id": g.id, "rules": len(rules)})
	retryCtx, cancelRetry := withConfirmReserve(ctx)
	err := Retry(retryCtx, c.backoff, func(ctx context.Context) error {
		return c.backend.Revoke(ctx, g.id, rules, token)
	})
	cancelRetry()
	gone := err == nil || cloud.KindOf(err) == cloud.KindGroupGone || len(chunk) == 1 && cloud.IsGone(err)
	g.mu.Lock()
	g.gen++
	if gone {
		g.known = removeRules(g.known, rules, c.Cloud.Capabilities.Identity)
	}
	g.mu.Unlock()
	switch {
	case gone:
		if err != nil {
			tflog.Info(ctx, "rule already gone", map[string]any{"reason": err.Error()})
		}
		for _, o := range chunk {
			o.finish(o.rule, nil)
		}
	case len(chunk) > 1 && splittable(err):
		tflog.Debug(ctx, "a batch failed; revoking its rules one by one", map[string]any{"reason": err.Error()})
		for _, o := range chunk {
			g.revoke([]*op{o})
		}
	default:
		absent := g.absentNow(ctx, c, chunk, err)
		for _, o := range chunk {
			if absent[o] {
				tflog.Info(ctx, "the revoke failed, but the group no longer holds the rule", map[string]any{"rule": o.rule.String(), "reason": err.Error()})
				o.finish(o.rule, nil)
				continue
			}
			o.finish(o.rule, err)
		}
	}
}

// withConfirmReserve bounds a revoke's retries so that the last stretch of
// its time (an eighth, at most 5 s) is left for absentNow's read: a
// revoke that kept failing until its timeout would otherwise have no time
// left to learn that the rule is gone all the same.
func withConfirmReserve(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	reserve := min(time.Until(deadline)/8, 5*time.Second)
	return context.WithDeadline(ctx, deadline.Add(-reserve))
}

// absentNow reads the group after a revoke whose outcome is unknown (it
// kept failing on the cloud's side, or with an error nothing explains)
// and returns the ops whose rule it no longer holds: gone is gone,
// whatever the revoke's answer. Refusals that say why (credentials, a bad
// value) are not read for.
func (g *group) absentNow(ctx context.Context, c *Client, chunk []*op, err error) map[*op]bool {
	switch cloud.KindOf(err) {
	case cloud.KindTransient, cloud.KindBusy, cloud.KindUnknown:
	default:
		return nil
	}
	if ctx.Err() != nil {
		return nil
	}
	rules, ferr := g.fetch(ctx, c)
	if ferr != nil {
		return nil
	}
	absent := map[*op]bool{}
	for _, o := range chunk {
		if c.Cloud.Capabilities.Identity.Find(rules, o.rule) < 0 {
			absent[o] = true
		}
	}
	return absent
}

// update changes one rule's description in place.
func (g *group) update(o *op) {
	u := o.client.backend.(cloud.DescriptionUpdater)
	err := Retry(o.ctx, o.client.backoff, func(ctx context.Context) error {
		return u.UpdateDescription(ctx, g.id, o.rule)
	})
	g.mu.Lock()
	g.gen++
	if i := o.client.Cloud.Capabilities.Identity.Find(g.known, o.rule); err == nil && i >= 0 {
		g.known[i].Description = o.rule.Description
	}
	g.mu.Unlock()
	o.finish(o.rule, err)
}

func rulesOf(ops []*op) []rule.Rule {
	out := make([]rule.Rule, len(ops))
	for i, o := range ops {
		out[i] = o.rule
	}
	return out
}

// chunkToken is the client token of one write call: the op's own for a
// single rule, else one derived from every member's, so the retries of the
// same chunk send the same token and another chunk never does (every op's
// token is fresh, see newOp).
func chunkToken(chunk []*op) string {
	if len(chunk) == 1 {
		return chunk[0].token
	}
	var tokens []string
	for _, o := range chunk {
		tokens = append(tokens, o.token)
	}
	sum := sha256.Sum256([]byte(strings.Join(tokens, "\n")))
	return "secgroup-" + hex.EncodeToString(sum[:16])
}

// removeRules drops from rules each rule that one of gone names.
func removeRules(rules, gone []rule.Rule, identity rule.Identity) []rule.Rule {
	out := rules[:0:0]
	for _, r := range rules {
		if identity.Find(gone, r) < 0 {
			out = append(out, r)
		}
	}
	return out
}

// unconfirmed says a create was accepted but its rule could not be read
// back.
func unconfirmed(err error) error {
	return fmt.Errorf("%w: %w", ErrUnconfirmed, err)
}
