package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// PlanChange is one resource's part in a plan, as one call of its
// ModifyPlan sees it: the rule a create adds, the rule a destroy removes,
// both for a replacement, or the rule an update or no-op keeps.
//
// Terraform plans a replacement twice: once with the prior state (the
// provider sees the old rule and the new one) and once more as a create of
// the new rule alone. It plans `-replace` the same way, the first call then
// seeing no change at all. The tally counts each rule once, however it
// comes (see tally).
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
}

// addition is a rule the plan adds.
type addition struct {
	rule    rule.Rule
	unknown bool
}

// PlanQuota accounts one resource's planned change of a group and checks
// the group at plan time. A plan that adds to a group reads it (one
// describe per group, shared with the refresh): a group that cannot be
// read (gone, credentials refused) fails the plan there, with the cloud's
// error. Where the cloud has a rule quota (per direction where it counts
// so), adding past it is an error when it is certain (even if every rule
// of the group the plan has not reached yet were removed), else a warning:
// it depends on those rules.
func (c *Client) PlanQuota(ctx context.Context, groupID string, ch PlanChange) (warning *PlanWarning, err error) {
	g := c.group(groupID)
	epoch := g.groups.epoch(g.scope)
	g.mu.Lock()
	needRead := ch.Add != nil && (g.tally == nil || g.tally.epoch != epoch || !g.tally.read)
	g.mu.Unlock()
	var rules []rule.Rule
	if needRead {
		if rules, err = g.read(ctx, c); err != nil {
			g.mu.Lock()
			refreshedGone := cloud.KindOf(err) == cloud.KindGroupGone && g.goneAtRefresh(epoch)
			g.mu.Unlock()
			if refreshedGone {
				// The refresh found the group gone and dropped its rules
				// from state. Terraform refreshes a destroy with a plan
				// like this one, which must not fail for it: say it.
				return &PlanWarning{Summary: "Security Group No Longer Exists",
					Detail: fmt.Sprintf("security group %s no longer exists: its rules were dropped from the state, and creating them again will fail unless the group is created first (%v)", groupID, err)}, nil
			}
			return nil, err
		}
	}
	caps := c.Cloud.Capabilities
	identity := caps.Identity
	g.mu.Lock()
	defer g.mu.Unlock()
	t := g.tally
	if t == nil || t.epoch != epoch {
		t = &tally{epoch: epoch, warned: map[string]bool{}}
		g.tally = t
	}
	if needRead && !t.read {
		t.baseline, t.read = rules, true
	}
	for _, r := range []*rule.Rule{ch.Remove, ch.Keep} {
		if r != nil {
			t.reached = append(t.reached, *r)
		}
	}
	if ch.Remove != nil {
		t.removed = append(t.removed, *ch.Remove)
	}
	if ch.Add == nil {
		return nil, nil
	}
	add := addition{rule: *ch.Add, unknown: ch.AddUnknown}
	switch {
	case ch.Replacement:
		// Its second plan, as a create, is this add again.
		t.replacing = append(t.replacing, add)
		t.added = append(t.added, add)
	case slices.Contains(t.replacing, add):
		t.replacing = slices.Delete(t.replacing, slices.Index(t.replacing, add), slices.Index(t.replacing, add)+1)
	default:
		t.added = append(t.added, add)
	}
	if c.quota <= 0 {
		return nil, nil
	}
	dim := func(r rule.Rule) string {
		if caps.QuotaPerDirection {
			return r.Direction
		}
		return ""
	}
	d := dim(add.rule)
	// What the group holds after the plan: its rules the plan does not
	// remove, and the rules it adds that the group does not hold already
	// (a rule the group holds, created again, is a `-replace` of it, or a
	// duplicate that will fail).
	var kept []rule.Rule
	held, unreached := 0, 0
	for _, r := range t.baseline {
		if dim(r) != d {
			continue
		}
		held++
		if identity.Find(t.removed, r) >= 0 {
			continue
		}
		kept = append(kept, r)
		if identity.Find(t.reached, r) < 0 {
			unreached++
		}
	}
	projected := len(kept)
	var known []rule.Rule
	added := 0
	for _, a := range t.added {
		if dim(a.rule) != d {
			continue
		}
		added++
		if !a.unknown && (identity.Find(kept, a.rule) >= 0 || identity.Find(known, a.rule) >= 0) {
			continue
		}
		if !a.unknown {
			known = append(known, a.rule)
		}
		projected++
	}
	if projected <= c.quota {
		return nil, nil
	}
	where := "security group " + groupID
	limit := fmt.Sprintf("%s allows %d rules per group", c.Cloud.Title, c.quota)
	if caps.QuotaPerDirection {
		where += " (" + d + ")"
		limit = fmt.Sprintf("%s allows %d %s rules per group", c.Cloud.Title, c.quota, d)
	}
	fix := fmt.Sprintf("remove rules from it, use another group, or set rule_quota in the %s block of the provider if the account's quota is higher", c.Cloud.Name)
	counts := fmt.Sprintf("%d now, %d added and %d removed by this plan so far", held, added, held-len(kept))
	if projected-unreached > c.quota {
		return nil, fmt.Errorf("%s would hold %d rules after this plan (%s); %s: %s", where, projected, counts, limit, fix)
	}
	if t.warned[d] {
		return nil, nil
	}
	t.warned[d] = true
	return &PlanWarning{Summary: "Rule Quota May Be Exceeded", Detail: fmt.Sprintf("%s would hold %d rules after this plan (%s), unless the plan removes some of the %d rules of the group it has not reached yet; %s. If the apply fails with the quota, %s.",
		where, projected, counts, unreached, limit, fix)}, nil
}
