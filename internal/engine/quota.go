package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// PlanChange is one resource's part in a plan, as one call of its ModifyPlan
// sees it: the rule a create adds, a destroy removes (both for a replacement),
// or an update or no-op keeps. A replacement, planned twice by Terraform,
// counts once (tally).
type PlanChange struct {
	Add, Remove, Keep *rule.Rule
	// Replacement: Add is the new rule of a replacement, whose create
	// Terraform plans again on its own.
	Replacement bool
	// AddUnknown: parts of the added rule are not known yet (computed
	// from other resources): it counts as a rule of its own, never as
	// one the group holds.
	AddUnknown bool
}

// PlanWarning is what a plan should be warned of.
type PlanWarning struct{ Summary, Detail string }

// tally is what the plan of one Terraform command does to a group so far.
type tally struct {
	epoch uint64
	// baseline is the group as the first check of the command read it:
	// Terraform plans each resource again during apply, and the rules
	// applied by then must not count twice.
	baseline []rule.Rule
	read     bool
	// added are the rules the plan adds, once each; removed the rules it
	// removes; reached the group's rules it has reached (kept or
	// removed).
	added            []addition
	removed, reached []rule.Rule
	// replacing are the new rules of replacements whose second plan, as
	// a create, has not come yet: it adds nothing more.
	replacing []addition
	warned    map[string]bool
	// claims are what the plan's exclusive resources make of the group
	// (PlanClaim), each once.
	claims []string
}

// addition is a rule the plan adds.
type addition struct {
	rule    rule.Rule
	unknown bool
}

// PlanQuota records one resource's planned change and checks the group's
// quota: an error when certain, a warning when it depends on rules the plan
// has not reached (DESIGN.md, "Quota at plan time").
func (c *Client) PlanQuota(ctx context.Context, groupID string, ch PlanChange) (warning *PlanWarning, err error) {
	g := c.group(groupID)
	epoch := g.groups.epoch(g.scope)
	rules, read, warning, err := c.readForPlan(ctx, g, groupID, epoch, ch)
	if warning != nil || err != nil {
		return warning, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	t := g.planTally(epoch)
	if read && !t.read {
		t.baseline, t.read = rules, true
	}
	add, adds := t.record(ch)
	if !adds || c.quota <= 0 {
		return nil, nil
	}
	return c.checkQuota(groupID, t, add.rule)
}

// planTally is the group's tally of the command of epoch, begun if need
// be. Called with mu held.
func (g *group) planTally(epoch uint64) *tally {
	if g.tally == nil || g.tally.epoch != epoch {
		g.tally = &tally{epoch: epoch, warned: map[string]bool{}}
	}
	return g.tally
}

// PlanClaim records a resource's claim on the group in this plan (an exclusive
// resource: what it keeps) and returns the claims recorded before, each once.
func (c *Client) PlanClaim(groupID, claim string) (earlier []string) {
	g := c.group(groupID)
	epoch := g.groups.epoch(g.scope)
	g.mu.Lock()
	defer g.mu.Unlock()
	t := g.planTally(epoch)
	earlier = slices.Clone(t.claims)
	if !slices.Contains(t.claims, claim) {
		t.claims = append(t.claims, claim)
	}
	return earlier
}

// readForPlan reads the group when this change is the command's first to
// add to it; a group the refresh found gone is a warning (DESIGN.md, "Quota
// at plan time").
func (c *Client) readForPlan(ctx context.Context, g *group, groupID string, epoch uint64, ch PlanChange) (rules []rule.Rule, read bool, warning *PlanWarning, err error) {
	g.mu.Lock()
	read = ch.Add != nil && (g.tally == nil || g.tally.epoch != epoch || !g.tally.read)
	g.mu.Unlock()
	if !read {
		return nil, false, nil, nil
	}
	if rules, err = g.read(ctx, c); err == nil {
		return rules, true, nil, nil
	}
	g.mu.Lock()
	refreshedGone := cloud.KindOf(err) == cloud.KindGroupGone && g.goneAtRefresh(epoch)
	g.mu.Unlock()
	if !refreshedGone {
		return nil, false, nil, err
	}
	return nil, false, &PlanWarning{Summary: "Security Group No Longer Exists",
		Detail: fmt.Sprintf("security group %s no longer exists: its rules were dropped from the state, and creating them again will fail unless the group is created first (%v)", groupID, err)}, nil
}

// record adds one change to the tally and returns the rule it adds, if
// any. A replacement's new rule counts once, though Terraform plans it
// twice.
func (t *tally) record(ch PlanChange) (add addition, adds bool) {
	for _, r := range []*rule.Rule{ch.Remove, ch.Keep} {
		if r != nil {
			t.reached = append(t.reached, *r)
		}
	}
	if ch.Remove != nil {
		t.removed = append(t.removed, *ch.Remove)
	}
	if ch.Add == nil {
		return addition{}, false
	}
	add = addition{rule: *ch.Add, unknown: ch.AddUnknown}
	switch i := slices.Index(t.replacing, add); {
	case ch.Replacement:
		// Its second plan, as a create, is this add again.
		t.replacing = append(t.replacing, add)
		t.added = append(t.added, add)
	case i >= 0:
		t.replacing = slices.Delete(t.replacing, i, i+1)
	default:
		t.added = append(t.added, add)
	}
	return add, true
}

// projection is what a group holds after the plan so far, in the quota's
// dimension of one rule (its direction, or the whole group).
type projection struct {
	// held: the group's rules now; kept: those the plan does not remove;
	// unreached: kept rules the plan has not reached yet (it may still
	// remove them); added: the rules the plan adds; rules: what the group
	// will hold.
	held, kept, unreached, added, rules int
}

// project counts the group after the plan: its rules the plan does not
// remove, and the rules it adds that the group does not hold already (an
// added rule not known yet counts as one of its own).
func (t *tally) project(identity rule.Identity, inDimension func(rule.Rule) bool) projection {
	var p projection
	var kept, known []rule.Rule
	for _, r := range t.baseline {
		if !inDimension(r) {
			continue
		}
		p.held++
		if identity.Find(t.removed, r) >= 0 {
			continue
		}
		kept = append(kept, r)
		if identity.Find(t.reached, r) < 0 {
			p.unreached++
		}
	}
	p.kept, p.rules = len(kept), len(kept)
	for _, a := range t.added {
		if !inDimension(a.rule) {
			continue
		}
		p.added++
		if !a.unknown && (identity.Find(kept, a.rule) >= 0 || identity.Find(known, a.rule) >= 0) {
			continue
		}
		if !a.unknown {
			known = append(known, a.rule)
		}
		p.rules++
	}
	return p
}

// checkQuota tells whether the rules planned so far may take the group
// past its quota in added's dimension: an error when certain, a warning
// (once per dimension and command) when it depends on rules not reached.
func (c *Client) checkQuota(groupID string, t *tally, added rule.Rule) (*PlanWarning, error) {
	caps := c.Cloud.Capabilities
	d := ""
	if caps.QuotaPerDirection {
		d = added.Direction
	}
	p := t.project(caps.Identity, func(r rule.Rule) bool { return !caps.QuotaPerDirection || r.Direction == d })
	if p.rules <= c.quota {
		return nil, nil
	}
	where := "security group " + groupID
	per := "rules per group"
	if caps.QuotaPerDirection {
		where += " (" + d + ")"
		per = d + " " + per
	}
	limit := fmt.Sprintf("%s allows %d %s", c.Cloud.Title, c.quota, per)
	fix := fmt.Sprintf("remove rules from it, use another group, or set rule_quota in the %s block of the provider if the account's quota is higher", c.Cloud.Name)
	if c.quota != caps.Quota {
		// The limit is the user's own: saying the cloud allows it would
		// send them to the vendor for a number they set.
		limit = fmt.Sprintf("the %s block of the provider sets rule_quota = %d %s", c.Cloud.Name, c.quota, per)
		fix = "remove rules from it, use another group, or raise rule_quota if the account's quota is higher"
	}
	counts := fmt.Sprintf("%d now, %d added and %d removed by this plan so far", p.held, p.added, p.held-p.kept)
	if p.rules-p.unreached > c.quota {
		return nil, fmt.Errorf("%s would hold %d rules after this plan (%s); %s: %s", where, p.rules, counts, limit, fix)
	}
	if t.warned[d] {
		return nil, nil
	}
	t.warned[d] = true
	return &PlanWarning{Summary: "Rule Quota May Be Exceeded", Detail: fmt.Sprintf("%s would hold %d rules after this plan (%s), unless the plan removes some of the %d rules of the group it has not reached yet; %s. If the apply fails with the quota, %s.",
		where, p.rules, counts, p.unreached, limit, fix)}, nil
}
