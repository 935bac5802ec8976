package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// secgroup_rules_exclusive's plan: which rules it revokes (from the
// refreshed state and the configuration alone), and the checks that fail
// or warn before an apply would.

// ModifyPlan plans rules as the refreshed state has them, less every rule
// outside the keep-lists: each removed entry is a revoke. It reads nothing
// itself (see RulesExclusive), but for a create, where it reads the group
// to fail early on a group that does not exist and to say what the next
// plan will revoke. Where the plan cannot say which rules stay, rules is
// unknown and the apply revokes nothing.
func (r *RulesExclusive) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, state rulesExclusiveModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	if known(plan.Cloud) && known(plan.SecurityGroupID) {
		plan.ID = types.StringValue(plan.Cloud.ValueString() + "/" + plan.SecurityGroupID.ValueString())
	}
	// The cloud's settings are checked now, as secgroup_rule's are, so
	// that a plan that cannot apply fails here. Connecting reaches no
	// network.
	if known(plan.Cloud) && r.conns != nil && clientOf(ctx, r.conns, plan.Cloud.ValueString(), &resp.Diagnostics) == nil {
		return
	}
	ex, diags := r.exclusionOf(plan)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	plan.Rules = types.MapUnknown(exclusiveEntryType)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	// A replacement's first plan (another group) is planned again as a
	// create, which claims the new group.
	if req.State.Raw.IsNull() || state.Cloud.Equal(plan.Cloud) && state.SecurityGroupID.Equal(plan.SecurityGroupID) {
		r.checkOnlyExclusive(ctx, plan, &resp.Diagnostics)
	}
	switch {
	case req.State.Raw.IsNull():
		r.foresee(ctx, plan, ex, &resp.Diagnostics)
	case resp.Diagnostics.HasError() || state.Rules.IsUnknown():
	case ex.known:
		held := entriesFrom(state.Rules)
		kept := ex.kept(held)
		r.keepLiveEphemeral(ctx, plan, held, kept, &resp.Diagnostics)
		plan.Rules = entriesValue(kept)
		r.warnUnheld(ctx, plan, held, &resp.Diagnostics)
		if len(kept) < len(state.Rules.Elements()) {
			r.checkRevocable(ctx, plan, &resp.Diagnostics)
		}
	default:
		// Terraform plans again during apply, with the keep-lists known;
		// the apply then revokes from the rules this refresh found, never
		// a rule added after it, but the reviewer cannot see them now.
		resp.Diagnostics.AddAttributeWarning(path.Root("rule_ids"), "Rules to Revoke Not Known Yet",
			fmt.Sprintf("%s, "+
				"so this plan cannot list which rules of security group %s the apply revokes: rules shows (known after apply). "+
				"The apply revokes the rules this plan's refresh found that the keep-lists leave out once known, never a rule added after it. "+
				"To review them first, apply the resources rule_ids refers to (-target) and plan again.", r.unknownReason(plan), plan.SecurityGroupID.ValueString()))
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// keepLiveEphemeral keeps, with a warning listing them, the rules the
// keep-lists leave out whose ephemeral rule's expiry marker is live (a run
// uses them now: DESIGN.md, "Ephemeral rules"), judged by the cloud's
// clock as its last answer gave it (the refresh's describe). A rule whose
// marker expired stays a revoke, as any other rule left out.
func (r *RulesExclusive) keepLiveEphemeral(ctx context.Context, m rulesExclusiveModel, held, kept map[string]exclusiveEntry, diags *diag.Diagnostics) {
	c := clientOf(ctx, r.conns, m.Cloud.ValueString(), nil)
	var now time.Time
	if c != nil {
		now, _ = c.CloudNow()
	} else {
		now = time.Now()
	}
	var live []string
	for _, k := range slices.Sorted(maps.Keys(held)) {
		if _, ok := kept[k]; ok {
			continue
		}
		if until, ok := rule.MarkerOfLine(held[k].Line); ok && markerLive(until, now) {
			kept[k] = held[k]
			live = append(live, held[k].Line)
		}
	}
	if len(live) > 0 {
		diags.AddAttributeWarning(path.Root("rule_ids"), "Ephemeral Rules Kept",
			fmt.Sprintf("Security group %s holds rules that the keep-lists leave out but that an ephemeral secgroup_rule of a running Terraform run opened (their expiry marker is live), so this plan keeps them: %s. "+
				"Their run revokes them when it closes; once their marker has expired, a plan revokes them.",
				m.SecurityGroupID.ValueString(), strings.Join(live, "; ")))
	}
}

// warnUnheld warns of keep-list ids that name no rule the group held at
// refresh, where the cloud gives rules ids of their own: such an id is
// not a rule this apply creates (those are unknown at plan), so it is a
// typo or a rule gone, and the rule it was meant to keep may be among the
// plan's revokes. (On clouds whose ids are contents, a known id may be a
// rule this apply creates.)
func (r *RulesExclusive) warnUnheld(ctx context.Context, m rulesExclusiveModel, held map[string]exclusiveEntry, diags *diag.Diagnostics) {
	def, ok := r.registry.Get(m.Cloud.ValueString())
	if !ok || !def.Capabilities.NativeIDs {
		return
	}
	// Terraform plans again during apply, when the keep-lists hold the ids
	// of rules this apply created: no warning for those (a rule resource
	// of another provider configuration, whose creates another process
	// made, still warns).
	c := clientOf(ctx, r.conns, def.Name, nil)
	ids := map[string]bool{}
	for k := range held {
		if id, err := rule.ParseID(k); err == nil {
			ids[id.Rule.NativeID] = true
		}
	}
	for attribute, set := range map[string]types.Set{"rule_ids": m.RuleIDs, "tolerated_rule_ids": m.TolerateRuleIDs} {
		for _, e := range set.Elements() {
			v, ok := e.(types.String)
			if !ok || !known(v) {
				continue
			}
			if id, err := rule.ParseID(v.ValueString()); err == nil && !ids[id.Rule.NativeID] &&
				(c == nil || !c.MadeHere(m.SecurityGroupID.ValueString(), id.Rule.NativeID)) {
				diags.AddAttributeWarning(path.Root(attribute).AtSetValue(v), "Rule Id Names No Rule of the Group",
					fmt.Sprintf("%s holds %q, but security group %s held no rule of that id when this plan read it: "+
						"a typo, or a rule deleted since. The rule it was meant to keep is revoked if the plan removes it from rules: check the removals.",
						attribute, v.ValueString(), m.SecurityGroupID.ValueString()))
			}
		}
	}
}

// checkOnlyExclusive fails the plan of a second secgroup_rules_exclusive of
// this provider configuration that makes the same group exclusive keeping
// other rules (engine.Client.PlanClaim; what it cannot see: DESIGN.md, "Two
// exclusive resources for one group").
func (r *RulesExclusive) checkOnlyExclusive(ctx context.Context, plan rulesExclusiveModel, diags *diag.Diagnostics) {
	claim, ok := exclusiveClaim(plan)
	if !ok {
		return
	}
	c := clientOf(ctx, r.conns, plan.Cloud.ValueString(), nil) // ModifyPlan reports a cloud it cannot use
	if c == nil {
		return
	}
	direction, keeps, _ := strings.Cut(claim, "|")
	for _, other := range c.PlanClaim(plan.SecurityGroupID.ValueString(), claim) {
		otherDirection, otherKeeps, _ := strings.Cut(other, "|")
		if direction != "" && otherDirection != "" && direction != otherDirection || keeps == otherKeeps {
			continue
		}
		which := "both directions"
		if direction != "" {
			which = direction + " rules"
		}
		if (direction == "") != (otherDirection == "") {
			// One governs a direction, the other both: they agree if they
			// keep the same rules of that direction, which the ids alone
			// do not tell.
			diags.AddAttributeWarning(path.Root("security_group_id"), "Two Exclusive Resources for One Group",
				fmt.Sprintf("Another secgroup_rules_exclusive of this configuration also makes %s security group %s exclusive, one of them for one direction "+
					"and the other for both: unless both keep exactly the same rules of that direction, each revokes the other's on every apply. "+
					"Keep one per group, or one per direction with direction set on each.", plan.Cloud.ValueString(), plan.SecurityGroupID.ValueString()))
			return
		}
		diags.AddAttributeError(path.Root("security_group_id"), "Two Exclusive Resources for One Group",
			fmt.Sprintf("Another secgroup_rules_exclusive of this configuration also makes %s security group %s exclusive (%s), keeping other rules: "+
				"each would revoke the other's rules on every apply. Keep one secgroup_rules_exclusive per group, with every rule to keep "+
				"in its rule_ids or tolerated_rule_ids, or one per direction, with direction set on each.",
				plan.Cloud.ValueString(), plan.SecurityGroupID.ValueString(), which))
		return
	}
}

// exclusiveClaim is what a plan of the resource claims of its group, for
// PlanClaim: its direction and what its keep-lists name ("?" for an id
// not known yet); none while the group, the direction or a whole
// keep-list is not known.
func exclusiveClaim(m rulesExclusiveModel) (string, bool) {
	if !known(m.Cloud) || !known(m.SecurityGroupID) || keepListsUnknown(m) {
		return "", false
	}
	var ids []string
	for _, e := range slices.Concat(m.RuleIDs.Elements(), m.TolerateRuleIDs.Elements()) {
		switch v, _ := e.(types.String); {
		case v.IsUnknown():
			ids = append(ids, "?")
		default:
			ids = append(ids, v.ValueString())
		}
	}
	slices.Sort(ids)
	return m.Direction.ValueString() + "|" + strings.Join(slices.Compact(ids), ","), true
}

// checkRevocable warns of a plan that revokes rules of a group in which
// the cloud takes no rule changes, as a read of it tells (the refresh's,
// shared): the apply would fail. A read that fails here is left to the
// apply to report.
func (r *RulesExclusive) checkRevocable(ctx context.Context, plan rulesExclusiveModel, diags *diag.Diagnostics) {
	ctx, cancel, c := connect(ctx, r.conns, plan.Cloud.ValueString(), defaultReadTimeout, nil) // ModifyPlan reports a cloud it cannot use
	defer cancel()
	if c == nil {
		return
	}
	if why, err := c.RefusesChanges(ctx, plan.SecurityGroupID.ValueString()); err == nil && why != "" {
		// A warning: Terraform plans the configuration before a destroy
		// too, and destroying this resource revokes nothing.
		diags.AddAttributeWarning(path.Root("security_group_id"), "Security Group Takes No Rule Changes",
			fmt.Sprintf("This plan revokes rules of security group %s, which takes no rule changes (%s): the apply will fail. "+
				"Tolerate its rules (tolerated_rule_ids) or remove this secgroup_rules_exclusive from the configuration; destroying it revokes nothing.",
				plan.SecurityGroupID.ValueString(), why))
	}
}

// unknownReason says why a plan cannot know which rules stay.
func (r *RulesExclusive) unknownReason(m rulesExclusiveModel) string {
	if keepListsUnknown(m) {
		return "rule_ids, tolerated_rule_ids or direction is not known until apply (a count or for_each that depends on it)"
	}
	where := "where rule ids are the rules' contents"
	if def, ok := r.registry.Get(m.Cloud.ValueString()); ok {
		where = "on " + def.Title + ", whose rule ids are the rules' contents,"
	}
	return "An id in rule_ids or tolerated_rule_ids is not known until apply (a secgroup_rule whose content is known only then, " +
		"such as one this apply replaces), and " + where + " it may name a rule the group holds now"
}

// foresee reads the group a create makes exclusive: a group that does not
// exist fails the plan; rules outside the keep-lists are named in a
// warning, for the next plan to revoke.
func (r *RulesExclusive) foresee(ctx context.Context, plan rulesExclusiveModel, ex exclusion, diags *diag.Diagnostics) {
	if !known(plan.Cloud) || !known(plan.SecurityGroupID) {
		return
	}
	cloudName, group := plan.Cloud.ValueString(), plan.SecurityGroupID.ValueString()
	timeout, d := plan.Timeouts.Read(ctx, defaultReadTimeout)
	if diags.Append(d...); d.HasError() {
		return
	}
	ctx, cancel, c := connect(ctx, r.conns, cloudName, timeout, nil) // ModifyPlan reports a cloud it cannot use
	defer cancel()
	if c == nil {
		return
	}
	if c.GoneAtRefresh(group) {
		// Its refresh dropped the resource: Terraform plans it again,
		// also in the plan it makes before a destroy, which must not fail.
		diags.AddAttributeWarning(path.Root("security_group_id"), "Security Group No Longer Exists",
			fmt.Sprintf("Security group %s no longer exists, so creating secgroup_rules_exclusive for it would fail: create the group first, "+
				"or remove the resource from the configuration.", group))
		return
	}
	rules, err := readGroup(ctx, c, group, timeout, "the resource's timeouts.read sets it", diags)
	if err != nil {
		return
	}
	if why, err := c.RefusesChanges(ctx, group); err == nil && why != "" {
		diags.AddAttributeError(path.Root("security_group_id"), "Security Group Takes No Rule Changes",
			fmt.Sprintf("secgroup_rules_exclusive cannot make security group %s exclusive: it takes no rule changes, so no rule of it can be revoked (%s). "+
				"Leave this group out of secgroup_rules_exclusive.", group, why))
		return
	}
	all := entriesOf(cloudName, group, rules)
	kept := ex.kept(all)
	var lines []string
	for k, entry := range all {
		if _, ok := kept[k]; !ok {
			lines = append(lines, "  "+entry.Line)
		}
	}
	if len(lines) == 0 {
		return
	}
	slices.Sort(lines)
	diags.AddAttributeWarning(path.Root("rule_ids"), "Rules to Revoke on the Next Apply",
		fmt.Sprintf("Security group %s holds %d rule(s) outside rule_ids. Creating secgroup_rules_exclusive revokes nothing: "+
			"it records the group, and the next plan lists these rules for revoking:\n\n%s\n\n"+
			"To revoke them in this apply, import the resource instead of creating it:\n\n"+
			"  import {\n    to = secgroup_rules_exclusive.<name>\n    id = %q\n  }",
			group, len(lines), strings.Join(lines, "\n"), cloudName+"/"+group))
}
