package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// runWrites makes a set of writes that waited together, under the group's
// machine lock: revokes, then authorizes, then description changes; a write
// no longer live ends unsent (DESIGN.md, "The engine's promises").
func (g *group) runWrites(ops []*op) {
	ops = g.lockMachine(ops)
	if len(ops) == 0 {
		return
	}
	defer g.wroteUnderLock()
	var creates, deletes, exact, updates []*op
	for _, o := range ops {
		switch o.kind {
		case opCreate:
			creates = append(creates, o)
		case opDelete:
			deletes = append(deletes, o)
		case opRevokeExact:
			exact = append(exact, o)
		default:
			updates = append(updates, o)
		}
	}
	if len(exact) > 0 {
		g.revokeExact(exact)
	}
	for _, chunk := range chunks(collapse(deletes)) {
		g.revoke(chunk)
	}
	if len(creates) > 0 {
		g.authorize(creates)
	}
	for _, o := range live(updates) {
		g.update(o)
	}
}

// collapse sends each rule once: a delete of a rule another delete of the
// batch names rides on that one as its twin and ends as it does. Two rules
// with ids of their own are one only by id (Match): by content, one that
// leaves nic_type or an owner to the cloud matches rules it is not.
func collapse(ops []*op) []*op {
	var out []*op
	var rules []rule.Rule
	for _, o := range ops {
		identity := o.client.Cloud.Capabilities.Identity
		if i := slices.IndexFunc(rules, func(r rule.Rule) bool { return identity.Match(r, o.rule) }); i >= 0 {
			out[i].twins = append(out[i].twins, o)
			continue
		}
		out, rules = append(out, o), append(rules, o.rule)
	}
	return out
}

// chunks splits ops into the calls the cloud takes: up to its batch size,
// and one direction per call where its API says so. A chunk is one call,
// so it lands whole or not at all.
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

// authorize authorizes creates in as few calls as the cloud takes, each
// call's rules checked against the group just before it goes
// (authorizeChunk). A later create of the batch with the content of an
// earlier one is a duplicate of it.
func (g *group) authorize(creates []*op) {
	c := creates[0].client
	identity := c.Cloud.Capabilities.Identity
	var send []*op
	var sending []rule.Rule
	for _, o := range creates {
		if i := identity.Find(sending, o.rule); i >= 0 {
			o.finish(sending[i], duplicate(c, g.id, o.rule))
			continue
		}
		send, sending = append(send, o), append(sending, o.rule)
	}
	for _, chunk := range chunks(send) {
		g.authorizeChunk(chunk)
	}
}

// checkBeforeSend returns the creates still to send: live, and absent from
// what the group holds, read again when stale; the others end, as unsent or
// as duplicates (DESIGN.md, "Who made a rule").
func (g *group) checkBeforeSend(ctx context.Context, c *Client, ops []*op) ([]*op, error) {
	ops = live(ops)
	if len(ops) == 0 {
		return nil, nil
	}
	g.mu.Lock()
	aged := c.Cloud.Capabilities.RepeatSucceeds && g.snap != nil && time.Since(g.snap.started) > g.groups.settings.fresh()
	valid := g.knownValid() && !aged
	g.mu.Unlock()
	if !valid {
		if _, err := g.fetch(ctx, c); err != nil {
			return ops, err
		}
	}
	g.mu.Lock()
	known := slices.Clone(g.known)
	g.mu.Unlock()
	var out []*op
	for _, o := range live(ops) {
		if i := c.Cloud.Capabilities.Identity.Find(known, o.rule); i >= 0 {
			o.finish(known[i], duplicate(c, g.id, o.rule))
			continue
		}
		out = append(out, o)
	}
	return out, nil
}

// duplicate is the error of a create whose rule the group holds already.
func duplicate(c *Client, groupID string, r rule.Rule) error {
	return &cloud.Error{Cloud: c.Cloud.Name, Action: "create rule", Kind: cloud.KindDuplicate,
		Message: fmt.Sprintf("security group %s already has the rule %s", groupID, r)}
}

// authorizeChunk sends one authorize call for the chunk under one client
// token, retried, split rule by rule when a failure may be one rule's, and
// settled by a read when it may have landed (settleLostCreate); see DESIGN.md,
// "Who made a rule" (throttling, lost answers).
func (g *group) authorizeChunk(chunk []*op) {
	c := chunk[0].client
	ctx, cancel := joined(opContexts(chunk))
	defer cancel()
	var rules []rule.Rule
	var token string
	tflog.Debug(ctx, "authorizing rules", map[string]any{"cloud": c.Cloud.Name, "security_group_id": g.id, "rules": len(chunk)})
	lost := false
	retryCtx, cancelRetry := withConfirmReserve(ctx)
	err := Retry(retryCtx, c.backoff, func(ctx context.Context) error {
		if !lost {
			var err error
			if chunk, err = g.checkBeforeSend(ctx, c, chunk); err != nil || len(chunk) == 0 {
				return err
			}
			rules, token = rulesOf(chunk), chunkToken(chunk)
		}
		err := c.backend.Authorize(ctx, g.id, rules, token)
		if lost && cloud.KindOf(err) == cloud.KindDuplicate && !c.Cloud.Capabilities.ClientTokens {
			tflog.Debug(ctx, "a lost earlier attempt created the rules", map[string]any{"reason": err.Error()})
			return nil
		}
		lost = lost || cloud.MayHaveLanded(err)
		return err
	})
	cancelRetry()
	if len(chunk) == 0 {
		return
	}
	g.mu.Lock()
	g.gen++
	if err == nil {
		g.known = append(g.known, rules...)
	}
	g.mu.Unlock()
	switch {
	case err == nil:
		for _, o := range chunk {
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
	case lost:
		g.settleLostCreate(ctx, c, chunk, err)
	default:
		for _, o := range chunk {
			o.finish(rule.Rule{}, err)
		}
	}
}

// settleLostCreate ends creates whose authorize failed after an attempt that
// may have landed, by a read: shown is created, absent is failed, no read is
// unconfirmed (DESIGN.md, "Who made a rule": Lost answers).
func (g *group) settleLostCreate(ctx context.Context, c *Client, chunk []*op, err error) {
	rules, ferr := g.fetch(ctx, c)
	for _, o := range chunk {
		if ferr != nil {
			o.finish(o.rule, unconfirmed(err))
			continue
		}
		if i := c.Cloud.Capabilities.Identity.Find(rules, o.rule); i >= 0 {
			tflog.Info(ctx, "the create kept failing, but an attempt whose answer was lost made the rule", map[string]any{"rule": o.rule.String(), "reason": err.Error()})
			o.finish(rules[i], nil)
			continue
		}
		o.finish(rule.Rule{}, err)
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
	// The read-back is carried through as the write was (group.wait).
	ctx, cancel := carried(o.ctx)
	go func() { <-o.done; cancel() }()
	g.mu.Lock()
	g.readers = append(g.readers, &reader{ctx: ctx, client: o.client, epoch: g.groups.epoch(g.scope), gen: g.gen,
		done: make(chan struct{}), op: o})
	g.mu.Unlock()
}

// revoke sends one revoke call for the chunk under one client token, retried,
// split rule by rule when a failure may be one rule's; any other failure is
// settled by settleRevoke.
func (g *group) revoke(chunk []*op) {
	chunk = live(chunk)
	if len(chunk) == 0 {
		return
	}
	c := chunk[0].client
	ctx, cancel := joined(opContexts(chunk))
	defer cancel()
	rules, token := rulesOf(chunk), chunkToken(chunk)
	tflog.Debug(ctx, "revoking rules", map[string]any{"cloud": c.Cloud.Name, "security_group_id": g.id, "rules": len(rules)})
	lost, attempt := false, 0
	retryCtx, cancelRetry := withConfirmReserve(ctx)
	err := Retry(retryCtx, c.backoff, func(ctx context.Context) error {
		if attempt++; attempt > 1 && !lost {
			if chunk = live(chunk); len(chunk) == 0 {
				return nil
			}
			rules, token = rulesOf(chunk), chunkToken(chunk)
		}
		err := c.backend.Revoke(ctx, g.id, rules, token)
		lost = lost || cloud.MayHaveLanded(err)
		return err
	})
	cancelRetry()
	if len(chunk) == 0 {
		return
	}
	g.mu.Lock()
	g.gen++
	if err == nil {
		g.known = removeRules(g.known, rules, c.Cloud.Capabilities.Identity)
	}
	g.mu.Unlock()
	switch {
	case err == nil:
		for _, o := range chunk {
			o.finish(o.rule, nil)
		}
	case len(chunk) > 1 && splittable(err) && !readFor(err):
		tflog.Debug(ctx, "a batch failed; revoking its rules one by one", map[string]any{"reason": err.Error()})
		for _, o := range chunk {
			g.revoke([]*op{o})
		}
	default:
		g.settleRevoke(ctx, c, chunk, err)
	}
}

// readFor reports whether a failed revoke is settled by reading the group:
// "not found", and outcomes nothing explains (DESIGN.md, "Not found" is not
// "gone").
func readFor(err error) bool {
	switch cloud.KindOf(err) {
	case cloud.KindRuleGone, cloud.KindGroupGone, cloud.KindTransient, cloud.KindBusy, cloud.KindUnknown:
		return true
	}
	return false
}

// settleRevoke ends the revokes of a failed chunk: a refusal that says why is
// the outcome, anything else is settled by a read (DESIGN.md, "Not found" is
// not "gone").
func (g *group) settleRevoke(ctx context.Context, c *Client, chunk []*op, err error) {
	if !readFor(err) {
		for _, o := range chunk {
			o.finish(o.rule, err)
		}
		return
	}
	rules, ferr := g.fetch(ctx, c)
	// The group is gone when the read says so for certain, or says so by
	// inference after the revoke said so for certain: two answers agree.
	if cloud.ConfirmsGone(ferr) || cloud.KindOf(ferr) == cloud.KindGroupGone && cloud.ConfirmsGone(err) {
		tflog.Info(ctx, "the security group is gone, and its rules with it", map[string]any{"reason": err.Error()})
		for _, o := range chunk {
			o.finish(o.rule, nil)
		}
		return
	}
	if ferr != nil {
		for _, o := range chunk {
			o.finish(o.rule, fmt.Errorf("%w; reading security group %s to learn whether the rule is gone failed too: %w", err, g.id, ferr))
		}
		return
	}
	var held []*op
	for _, o := range chunk {
		i := heldNow(c.Cloud.Capabilities, rules, o.rule)
		if i < 0 {
			tflog.Info(ctx, "the rule is gone: a read of the group no longer shows it", map[string]any{"rule": o.rule.String(), "answer": err.Error()})
			o.finish(o.rule, nil)
			continue
		}
		if !cloud.IsGone(err) {
			o.finish(o.rule, err)
			continue
		}
		if o.same != nil && !o.same(rules[i]) {
			// A plan's revoke goes again only as the plan showed the rule.
			o.finish(rules[i], ErrChangedSincePlan)
			continue
		}
		held = append(held, o)
		if len(chunk) == 1 && !o.respelled && !sameWire(rules[i], o.rule) {
			// Named again as the cloud spells it, with a token of its own: a
			// token names one request's parameters.
			o.respelled, o.rule, o.token = true, rules[i], cloud.NewToken()
			g.revoke([]*op{o})
			return
		}
		if len(chunk) == 1 {
			o.finish(o.rule, notRevoked(g.id, rules[i], err))
		}
	}
	switch {
	case len(chunk) == 1 || len(held) == 0:
	case len(held) < len(chunk):
		// The read found the rules of the batch that were gone: the
		// rest go out again together.
		g.revoke(held)
	default:
		// One of the batch is named in a way the cloud does not take:
		// each goes out on its own, to learn which.
		for _, o := range held {
			g.revoke([]*op{o})
		}
	}
}

// heldNow finds, in a read made after a revoke, the rule the revoke named:
// by the cloud's id where the rule has one, else by content.
func heldNow(caps cloud.Capabilities, rules []rule.Rule, r rule.Rule) int {
	if caps.NativeIDs && r.NativeID != "" {
		return findExact(caps, rules, r)
	}
	return caps.Identity.Find(rules, r)
}

// sameWire reports whether two rules name the same values to a cloud,
// but for when the cloud made them.
func sameWire(a, b rule.Rule) bool {
	a.Created, b.Created = time.Time{}, time.Time{}
	return a == b
}

// notRevoked is the error of a revoke the cloud answered "not found"
// although it still holds the rule.
func notRevoked(groupID string, held rule.Rule, answer error) error {
	id := ""
	if held.NativeID != "" {
		id = " (" + held.NativeID + ")"
	}
	return fmt.Errorf("the cloud answered that the rule does not exist (%v), but a read of security group %s made after that answer still shows it: %s%s. It was not revoked; "+
		"check that the rule's attributes in the state match the cloud (a refresh updates them), then destroy again", answer, groupID, held, id)
}

// ErrChangedSincePlan is the outcome of an exact revoke (Client.RevokeExact)
// whose rule the group holds no longer as the plan showed it: it was not
// revoked.
var ErrChangedSincePlan = errors.New("the rule changed since the plan, so it was not revoked")

// revokeExact revokes the rules a plan named, chosen from a describe made now
// under the machine lock, by id (else content) and only while they read as
// the plan showed (op.same; DESIGN.md, "The exclusive resource's revokes").
func (g *group) revokeExact(ops []*op) {
	c := ops[0].client
	ctx, cancel := joined(opContexts(ops))
	defer cancel()
	guard, guarded := c.backend.(cloud.GuardedRevoker)
	for retries := 0; ; retries++ {
		if ops = live(ops); len(ops) == 0 {
			return
		}
		rules, err := g.fetch(ctx, c)
		switch {
		case cloud.ConfirmsGone(err):
			for _, o := range ops {
				o.finish(o.rule, nil)
			}
			return
		case err != nil:
			for _, o := range ops {
				o.finish(o.rule, err)
			}
			return
		}
		var send []*op
		for _, o := range ops {
			i := findExact(c.Cloud.Capabilities, rules, o.rule)
			switch {
			case i < 0:
				o.finish(o.rule, nil)
			case !o.same(rules[i]):
				o.finish(rules[i], ErrChangedSincePlan)
			default:
				o.rule = rules[i]
				send = append(send, o)
			}
		}
		if !guarded {
			for _, chunk := range chunks(collapse(send)) {
				g.revoke(chunk)
			}
			return
		}
		if len(send) == 0 {
			return
		}
		// One revoke per describe: the version moves with each.
		o := send[0]
		err = guard.RevokeUnchanged(ctx, g.id, o.rule, o.token)
		g.mu.Lock()
		g.gen++
		g.mu.Unlock()
		switch k := cloud.KindOf(err); {
		case err == nil:
			o.finish(o.rule, nil)
		case cloud.IsGone(err) && o.respelled:
			// Denied twice while every describe shows it.
			o.finish(o.rule, notRevoked(g.id, o.rule, err))
		case k == cloud.KindBusy || k == cloud.KindTransient || cloud.IsGone(err):
			o.respelled = o.respelled || cloud.IsGone(err)
			// Changed since the describe, or an outcome the next
			// describe tells.
			o.token = cloud.NewToken()
			wait := time.NewTimer(c.backoff.delay(min(retries, 10)))
			select {
			case <-wait.C:
			case <-ctx.Done():
				wait.Stop()
				o.finish(o.rule, err)
			}
		default:
			o.finish(o.rule, err)
		}
		ops = slices.DeleteFunc(send, (*op).ended)
	}
}

// findExact finds the rule a plan named: by the cloud's id where it has
// ids (never by content: another rule of the same content is another
// rule), else by content.
func findExact(caps cloud.Capabilities, rules []rule.Rule, r rule.Rule) int {
	if caps.NativeIDs {
		return slices.IndexFunc(rules, func(o rule.Rule) bool { return r.NativeID != "" && o.NativeID == r.NativeID })
	}
	return caps.Identity.Find(rules, r)
}

// withConfirmReserve bounds a write's retries so that the last eighth of its
// time (at most 5 s) is left for the read that settles it.
func withConfirmReserve(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	reserve := min(time.Until(deadline)/8, 5*time.Second)
	return context.WithDeadline(ctx, deadline.Add(-reserve))
}

// update changes one rule's description in place.
func (g *group) update(o *op) {
	u, ok := o.client.backend.(cloud.DescriptionUpdater)
	if !ok { // Client.UpdateDescription queues none for such a backend
		o.finish(o.rule, fmt.Errorf("%s cannot change a rule's description in place", o.client.Cloud.Name))
		return
	}
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
// single rule, else one derived from every member's (DESIGN.md, "A client
// token per write").
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
