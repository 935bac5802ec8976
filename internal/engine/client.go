package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// ErrUnconfirmed says a create was accepted by the cloud but the rule could
// not be read back: it most likely exists.
var ErrUnconfirmed = errors.New("the cloud accepted the rule but it could not be read back")

// Client runs the resource's operations on one cloud: every call retried on
// transient errors, reads of a group shared and writes to it batched and
// made one call at a time (see Groups).
type Client struct {
	Cloud   cloud.Cloud
	backend cloud.Backend
	// scope keeps the describes of groups with equal ids apart, lockScope
	// names their machine locks: both as the cloud says (cloud.Cloud.Scope).
	scope     string
	lockScope string
	groups    *Groups
	backoff   Backoff
	// quota is the rules a group may hold (Capabilities.Quota, or the
	// block's rule_quota).
	quota int
}

// NewClient wraps a backend. scope names the cloud, account, region and
// endpoint; groups is shared by every client of the process.
func NewClient(c cloud.Cloud, backend cloud.Backend, scope string, groups *Groups) *Client {
	cl := &Client{Cloud: c, backend: backend, scope: scope, lockScope: scope, groups: groups, quota: c.Capabilities.Quota}
	if groups != nil {
		cl.backoff = groups.settings.Backoff
	}
	return cl
}

func (c *Client) group(id string) *group { return c.groups.group(c.scope, c.lockScope, id) }

// List returns every rule of a group. The result is shared: do not change
// it.
func (c *Client) List(ctx context.Context, groupID string) ([]rule.Rule, error) {
	rules, err := c.group(groupID).read(ctx, c)
	if cloud.KindOf(err) == cloud.KindGroupGone {
		c.group(groupID).sawGone()
	}
	return rules, err
}

// ListFresh is List from a describe that starts after this call: no
// describe this process made before answers it. For day-two operations
// (the revoke action) that must see what other tools did since.
func (c *Client) ListFresh(ctx context.Context, groupID string) ([]rule.Rule, error) {
	rules, err := c.group(groupID).readAfter(ctx, c, time.Now())
	if cloud.KindOf(err) == cloud.KindGroupGone {
		c.group(groupID).sawGone()
	}
	return rules, err
}

// GoneAtRefresh reports whether a read of this command (its refresh) found
// the group gone, so that a plan to create in it warns rather than fails.
func (c *Client) GoneAtRefresh(groupID string) bool {
	g := c.group(groupID)
	epoch := g.groups.epoch(g.scope)
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.goneAtRefresh(epoch)
}

// RefusesChanges says why the cloud refuses rule changes in the group
// (cloud.ChangeRefuser), "" when it takes them, from a shared read.
func (c *Client) RefusesChanges(ctx context.Context, groupID string) (string, error) {
	r, ok := c.backend.(cloud.ChangeRefuser)
	if !ok {
		return "", nil
	}
	if _, err := c.List(ctx, groupID); err != nil {
		return "", err
	}
	return r.RefusesChanges(groupID), nil
}

// Find returns the rule of a group that r matches. A missing rule or group
// is an error of KindRuleGone or KindGroupGone.
func (c *Client) Find(ctx context.Context, groupID string, r rule.Rule) (rule.Rule, error) {
	rules, err := c.List(ctx, groupID)
	if err != nil {
		return rule.Rule{}, err
	}
	if i := c.Cloud.Capabilities.Identity.Find(rules, r); i >= 0 {
		return rules[i], nil
	}
	return rule.Rule{}, c.ruleGone(groupID, r)
}

// FindAll returns each of the rules as the group holds it, from one read
// (shared as List's are), in the order given: a rule the group does not
// hold has a KindRuleGone error in its place, and when the read fails
// every place has its error.
func (c *Client) FindAll(ctx context.Context, groupID string, rules []rule.Rule) ([]rule.Rule, []error) {
	found, errs := make([]rule.Rule, len(rules)), make([]error, len(rules))
	if len(rules) == 0 {
		return found, errs
	}
	held, err := c.List(ctx, groupID)
	for i, r := range rules {
		switch j := c.Cloud.Capabilities.Identity.Find(held, r); {
		case err != nil:
			errs[i] = err
		case j >= 0:
			found[i] = held[j]
		default:
			errs[i] = c.ruleGone(groupID, r)
		}
	}
	return found, errs
}

// ruleGone is the error of a rule the group does not hold.
func (c *Client) ruleGone(groupID string, r rule.Rule) error {
	return &cloud.Error{Cloud: c.Cloud.Name, Action: "find rule", Kind: cloud.KindRuleGone,
		Message: fmt.Sprintf("security group %s has no rule %s", groupID, r)}
}

// Create adds one rule and returns it as the cloud reports it (with its
// native id, where the cloud has ids). A rule that exists before the call
// is a KindDuplicate error carrying the existing rule.
func (c *Client) Create(ctx context.Context, groupID string, r rule.Rule) (rule.Rule, error) {
	tflog.Debug(ctx, "authorizing rule", map[string]any{"cloud": c.Cloud.Name, "security_group_id": groupID, "rule": r.String()})
	made, err := c.group(groupID).write(newOp(ctx, c, opCreate, r))
	c.recordMade(groupID, []rule.Rule{made}, []error{err})
	return made, err
}

// recordMade records the ids of the rules creates made.
func (c *Client) recordMade(groupID string, made []rule.Rule, errs []error) {
	g := c.group(groupID)
	epoch := g.groups.epoch(g.scope)
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, r := range made {
		if errs[i] == nil && r.NativeID != "" {
			if g.made == nil {
				g.made = map[string]uint64{}
			}
			g.made[r.NativeID] = epoch + 1
		}
	}
}

// MadeHere reports whether a create of this command (this process, this
// epoch) made the rule of that id in the group: a plan Terraform makes
// again during apply meets the ids of rules the same apply created, which
// no read of its plan held.
func (c *Client) MadeHere(groupID, nativeID string) bool {
	g := c.group(groupID)
	epoch := g.groups.epoch(g.scope)
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.made[nativeID] == epoch+1
}

// Delete revokes one rule. A rule or group that is already gone is success.
func (c *Client) Delete(ctx context.Context, groupID string, r rule.Rule) error {
	tflog.Debug(ctx, "revoking rule", map[string]any{"cloud": c.Cloud.Name, "security_group_id": groupID, "rule": r.String()})
	_, err := c.group(groupID).write(newOp(ctx, c, opDelete, r))
	return err
}

// CreateAll adds rules to one group, each as Create does, and returns each
// rule as the cloud reports it and its own error, in the order given. All are
// queued before any is waited for, so they batch and hold one Terraform slot.
func (c *Client) CreateAll(ctx context.Context, groupID string, rules []rule.Rule) ([]rule.Rule, []error) {
	ops := c.newOps(ctx, opCreate, rules)
	errs := c.writeAll(groupID, ops)
	results := make([]rule.Rule, len(ops))
	for i, o := range ops {
		// writeAll returned: every op has ended, its outcome written.
		results[i] = o.result
	}
	c.recordMade(groupID, results, errs)
	return results, errs
}

// DeleteAll revokes rules of one group, each as Delete does (one already
// gone is success), and returns each one's error in the order given. They
// are queued and go out together, as CreateAll's.
func (c *Client) DeleteAll(ctx context.Context, groupID string, rules []rule.Rule) []error {
	return c.writeAll(groupID, c.newOps(ctx, opDelete, rules))
}

// Changes are one resource's writes to one group: rules to revoke, to
// authorize, and to give a new description in place.
type Changes struct {
	Revoke, Authorize, Describe []rule.Rule
}

// Outcomes are each change's outcome, in the order of Changes: Authorized
// holds each authorized rule as the cloud reports it.
type Outcomes struct {
	Revoked, AuthorizeErrs, Described []error
	Authorized                        []rule.Rule
}

// Apply makes a resource's changes to one group together, as CreateAll's:
// they hold one Terraform slot and go out in one round of the group's worker,
// which revokes before it authorizes and changes descriptions last. A
// revoke of a rule already gone is success, as Delete's.
func (c *Client) Apply(ctx context.Context, groupID string, ch Changes) Outcomes {
	revokes := c.newOps(ctx, opDelete, ch.Revoke)
	creates := c.newOps(ctx, opCreate, ch.Authorize)
	var updates []*op
	if _, ok := c.backend.(cloud.DescriptionUpdater); ok || len(ch.Describe) == 0 {
		updates = c.newOps(ctx, opUpdate, ch.Describe)
	}
	errs := c.writeAll(groupID, slices.Concat(revokes, creates, updates))
	if len(errs) == 0 { // nothing to write
		errs = make([]error, 0)
	}
	out := Outcomes{Revoked: errs[:len(revokes)], AuthorizeErrs: errs[len(revokes) : len(revokes)+len(creates)]}
	out.Described = errs[len(revokes)+len(creates):]
	if updates == nil && len(ch.Describe) > 0 {
		out.Described = make([]error, len(ch.Describe))
		for i := range out.Described {
			out.Described[i] = fmt.Errorf("%s cannot change a rule's description in place", c.Cloud.Name)
		}
	}
	out.Authorized = make([]rule.Rule, len(creates))
	for i, o := range creates {
		// writeAll returned: every op has ended, its outcome written.
		out.Authorized[i] = o.result
	}
	c.recordMade(groupID, out.Authorized, out.AuthorizeErrs)
	return out
}

// newOps makes a write of each rule, each with a context of its own:
// tflog masks a context's fields in place.
func (c *Client) newOps(ctx context.Context, kind opKind, rules []rule.Rule) []*op {
	ops := make([]*op, len(rules))
	for i, r := range rules {
		ops[i] = newOp(tflog.SetField(ctx, "rule", r.String()), c, kind, r)
	}
	return ops
}

// writeAll queues the writes of one group together and waits for each.
func (c *Client) writeAll(groupID string, ops []*op) []error {
	if len(ops) == 0 {
		return nil
	}
	tflog.Debug(ops[0].ctx, "writing rules together", map[string]any{"cloud": c.Cloud.Name, "security_group_id": groupID, "write": ops[0].kind.String(), "rules": len(ops)})
	return c.group(groupID).writeAll(ops)
}

// UpdateDescription changes a rule's description in place.
func (c *Client) UpdateDescription(ctx context.Context, groupID string, r rule.Rule) error {
	if _, ok := c.backend.(cloud.DescriptionUpdater); !ok {
		return fmt.Errorf("%s cannot change a rule's description in place", c.Cloud.Name)
	}
	_, err := c.group(groupID).write(newOp(ctx, c, opUpdate, r))
	return err
}

// CloudNow is the cloud's time as its last answer told it
// (cloud.Clocked), and true; this machine's time and false where no answer
// told it.
func (c *Client) CloudNow() (time.Time, bool) {
	if cl, ok := c.backend.(cloud.Clocked); ok {
		if t, ok := cl.CloudNow(); ok {
			return t, true
		}
	}
	return time.Now(), false
}

// Target is a rule a plan named, for RevokeExact.
type Target struct {
	// Rule names the rule: its NativeID where the cloud has rule ids,
	// else its content.
	Rule rule.Rule
	// Same reports whether the rule the group holds now is the one the
	// plan showed (its content, description and creation time).
	Same func(current rule.Rule) bool
}

// RevokeExact revokes the targets the group still holds as the plan
// showed them, chosen from a describe made under the group's machine
// lock, and returns each one's outcome: nil when revoked or gone already
// (a read shows it absent), ErrChangedSincePlan when the group holds it
// no longer as the plan showed it, else the error. They go out together,
// batched where the cloud takes several rules per call.
func (c *Client) RevokeExact(ctx context.Context, groupID string, targets []Target) []error {
	ops := make([]*op, len(targets))
	for i, t := range targets {
		// A context each: tflog masks a context's fields in place.
		o := newOp(tflog.SetField(ctx, "revoke", t.Rule.String()), c, opRevokeExact, t.Rule)
		o.same = t.Same
		ops[i] = o
	}
	return c.writeAll(groupID, ops)
}
