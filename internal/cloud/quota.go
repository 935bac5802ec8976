package cloud

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// PlanChange is one resource's part in a plan, for the quota check: the
// rule it adds, the rule it removes (both, for a replacement), or the rule
// it keeps.
type PlanChange struct {
	Add, Remove, Keep *rule.Rule
}

// tally is what the plan of one Terraform command does to a group so far.
type tally struct {
	epoch uint64
	// baseline is the group as the first check of the command read it:
	// Terraform plans each resource again during apply, and the rules
	// applied by then must not count twice.
	baseline       []rule.Rule
	read           bool
	added, removed map[string]int
	// reached are the group's rules the plan has reached (kept or removed).
	reached []rule.Rule
	warned  map[string]bool
}

// PlanQuota accounts one resource's planned change of a group and checks
// the group against its rule quota (per direction where the cloud counts
// so), with the group's rules as read for the refresh. Adding past the
// quota is an error when it is certain (even if every rule of the group
// the plan has not reached yet were removed), else a warning: it depends
// on those rules. Without a known quota, or when the group cannot be
// read, nothing is said.
func (c *Client) PlanQuota(ctx context.Context, groupID string, ch PlanChange) (warning string, err error) {
	if c.quota <= 0 {
		return "", nil
	}
	g := c.group(groupID)
	epoch := g.groups.epoch(g.scope)
	g.mu.Lock()
	needRead := ch.Add != nil && (g.tally == nil || g.tally.epoch != epoch || !g.tally.read)
	g.mu.Unlock()
	var rules []rule.Rule
	if needRead {
		var rerr error
		if rules, rerr = g.read(ctx, c); rerr != nil {
			tflog.Warn(ctx, "rule quota not checked: the group could not be read", map[string]any{"security_group_id": groupID, "reason": rerr.Error()})
			return "", nil
		}
	}
	caps := c.Cloud.Capabilities
	dim := func(r rule.Rule) string {
		if caps.QuotaPerDirection {
			return r.Direction
		}
		return ""
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	t := g.tally
	if t == nil || t.epoch != epoch {
		t = &tally{epoch: epoch, added: map[string]int{}, removed: map[string]int{}, warned: map[string]bool{}}
		g.tally = t
	}
	for _, r := range []*rule.Rule{ch.Remove, ch.Keep} {
		if r != nil {
			t.reached = append(t.reached, *r)
		}
	}
	if ch.Remove != nil {
		t.removed[dim(*ch.Remove)]++
	}
	if ch.Add == nil {
		return "", nil
	}
	if !t.read {
		t.baseline, t.read = rules, true
	}
	current := t.baseline
	d := dim(*ch.Add)
	t.added[d]++
	held, unreached := 0, 0
	for _, r := range current {
		if dim(r) != d {
			continue
		}
		held++
		if caps.Identity.Find(t.reached, r) < 0 {
			unreached++
		}
	}
	projected := held + t.added[d] - t.removed[d]
	if projected <= c.quota {
		return "", nil
	}
	where := "security group " + groupID
	limit := fmt.Sprintf("%s allows %d rules per group", c.Cloud.Title, c.quota)
	if caps.QuotaPerDirection {
		where += " (" + d + ")"
		limit = fmt.Sprintf("%s allows %d %s rules per group", c.Cloud.Title, c.quota, d)
	}
	fix := fmt.Sprintf("remove rules from it, use another group, or set rule_quota in the %s block of the provider if the account's quota is higher", c.Cloud.Name)
	counts := fmt.Sprintf("%d now, %d added and %d removed by this plan so far", held, t.added[d], t.removed[d])
	if projected-unreached > c.quota {
		return "", fmt.Errorf("%s would hold %d rules after this plan (%s); %s: %s", where, projected, counts, limit, fix)
	}
	if t.warned[d] {
		return "", nil
	}
	t.warned[d] = true
	return fmt.Sprintf("%s would hold %d rules after this plan (%s), unless the plan removes some of the %d rules of the group it has not reached yet; %s. If the apply fails with the quota, %s.",
		where, projected, counts, unreached, limit, fix), nil
}
