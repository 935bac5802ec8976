package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// setWrite is one entry's part in an apply.
type setWrite struct {
	key string
	// entry is what the key holds once the write is done: the plan's
	// entry, or for a revoke the entry revoked.
	entry setEntry
	// rule is the rule to write, with the cloud's id where it has one
	// (revokes, descriptions).
	rule rule.Rule
	// id is the id recorded for the rule (revokes, descriptions, keeps).
	id string
	// replaces: a create whose key's old rule is revoked by the same
	// apply; it is made once that revoke succeeded.
	replaces bool
	// unknown: the entry is not known yet (plan only).
	unknown bool
	// described is the description the rule has before a description
	// change (describes).
	described types.String
}

// setDiff is what an apply does to a set, entry by entry.
type setDiff struct {
	// keeps are entries whose rule stays: unchanged, moved to another key
	// (same rule and description), or changed only in what the cloud
	// picks.
	keeps                       []setWrite
	revokes, creates, describes []setWrite
}

// diffSet compares the state's entries with the plan's. A key whose rule
// changed is a revoke and a create; a rule that moved from one key to
// another (the same rule, the same description) is kept under its new
// key, without writes (an import's derived keys renamed to the user's, a
// map's keys changed).
func diffSet(was, want entries, ids map[string]string, caps cloud.Capabilities) setDiff {
	var d setDiff
	var released, pending []setWrite
	inPlace := func(desc string) bool {
		return caps.DescriptionInPlace && (desc != "" || caps.DescriptionClearable) && !caps.Identity.Description
	}
	release := func(k string) {
		old := was.byKey[k]
		released = append(released, setWrite{key: k, entry: old, rule: ruleWithID(old, ids[k], caps), id: ids[k]})
	}
	for _, k := range want.keys() {
		e := want.byKey[k]
		old, had := was.byKey[k]
		switch {
		case !had:
			pending = append(pending, setWrite{key: k, entry: e, rule: e.rule(caps), unknown: !e.known()})
		case !e.known():
			release(k)
			pending = append(pending, setWrite{key: k, entry: e, unknown: true})
		case !sameRule(old.rule(caps), e.rule(caps)):
			release(k)
			pending = append(pending, setWrite{key: k, entry: e, rule: e.rule(caps)})
		case old.Description.ValueString() == e.Description.ValueString():
			d.keeps = append(d.keeps, setWrite{key: k, entry: e, id: ids[k]})
		case inPlace(e.Description.ValueString()):
			r := ruleWithID(old, ids[k], caps)
			r.Description = e.Description.ValueString()
			d.describes = append(d.describes, setWrite{key: k, entry: e, rule: r, id: ids[k], described: old.Description})
		default:
			release(k)
			pending = append(pending, setWrite{key: k, entry: e, rule: e.rule(caps)})
		}
	}
	for _, k := range want.unknown {
		if _, had := was.byKey[k]; had {
			release(k)
		}
		pending = append(pending, setWrite{key: k, unknown: true})
	}
	for _, k := range was.keys() {
		if _, stays := want.byKey[k]; !stays && !slices.Contains(want.unknown, k) {
			release(k)
		}
	}
	// Moves: a new entry whose rule a released entry holds takes it over.
	for _, p := range pending {
		i := -1
		if !p.unknown {
			i = slices.IndexFunc(released, func(w setWrite) bool {
				return sameRule(w.rule, p.rule) && (w.entry.Description.ValueString() == p.entry.Description.ValueString() || inPlace(p.entry.Description.ValueString()))
			})
		}
		if i < 0 {
			d.creates = append(d.creates, p)
			continue
		}
		w := released[i]
		released = slices.Delete(released, i, i+1)
		if w.entry.Description.ValueString() == p.entry.Description.ValueString() {
			d.keeps = append(d.keeps, setWrite{key: p.key, entry: p.entry, id: w.id})
			continue
		}
		r := w.rule
		r.Description = p.entry.Description.ValueString()
		d.describes = append(d.describes, setWrite{key: p.key, entry: p.entry, rule: r, id: w.id, described: w.entry.Description})
	}
	d.revokes = released
	// A create waits for the revokes of its own key (a key holds one rule)
	// and of its own rule (the cloud holds one of each).
	for i, c := range d.creates {
		d.creates[i].replaces = slices.ContainsFunc(released, func(w setWrite) bool {
			return w.key == c.key || !c.unknown && oneCloudRule(w.rule, c.rule, caps.Identity)
		})
	}
	return d
}

// kept is what the set holds before its writes succeed: the entries kept.
func (d setDiff) kept(cloudName, group string, caps cloud.Capabilities) held {
	h := newHeld()
	for _, w := range d.keeps {
		id := w.id
		if id == "" {
			// (An entry of a state whose id was lost: its content id,
			// where the cloud has no ids.)
			id = ruleIDString(cloudName, group, "", w.entry.rule(caps))
		}
		h.put(w.key, w.entry, id)
	}
	return h
}

// ValidateConfig runs secgroup_rule's checks on every entry (errors on
// the entry's key), and refuses two entries of one rule.
func (r *RuleSetResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m ruleSetModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(checkTimeouts(m.Timeouts.Object)...)
	es, ok := setEntriesOf(ctx, m.Rules, &resp.Diagnostics)
	if !ok {
		return
	}
	var def *cloud.Cloud
	if known(m.Cloud) {
		if d, ok := r.registry.Get(m.Cloud.ValueString()); ok {
			def = &d
		}
	}
	var caps cloud.Capabilities
	if def != nil {
		caps = def.Capabilities
	}
	keys := es.keys()
	var seen []setWrite
	for _, k := range keys {
		e := es.byKey[k]
		model := ruleModel{ruleAttrs: e.attrs(), Cloud: m.Cloud, SecurityGroupID: m.SecurityGroupID}
		bad := false
		for _, check := range configChecks {
			for _, p := range check(model, def) {
				resp.Diagnostics.AddAttributeError(entryPath(k, p.attr), p.summary, fmt.Sprintf("rules[%q]: %s", k, p.detail))
				bad = true
			}
		}
		if bad || !e.known() || !e.parses() {
			continue
		}
		rl := e.rule(caps)
		if i := slices.IndexFunc(seen, func(w setWrite) bool { return oneCloudRule(w.rule, rl, caps.Identity) }); i >= 0 {
			resp.Diagnostics.AddAttributeError(entryPath(k, ""), "Duplicate Rule In Set",
				fmt.Sprintf("rules[%q] and rules[%q] are the same rule (%s): a group holds it once. Remove one of them.", seen[i].key, k, rl))
			continue
		}
		seen = append(seen, setWrite{key: k, rule: rl})
	}
}

// ModifyPlan plans rule_ids (the ids of rules that stay, the content ids
// of new rules where the cloud has no ids), refuses what the cloud cannot
// create, and checks the group's quota for the whole set.
func (r *RuleSetResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() { // destroy
		var state ruleSetModel
		if req.State.Raw.IsNull() || req.State.Get(ctx, &state).HasError() {
			return
		}
		if def, ok := r.registry.Get(state.Cloud.ValueString()); ok {
			was, _ := setEntriesOf(ctx, state.Rules, &resp.Diagnostics)
			d := diffSet(was, entries{byKey: map[string]setEntry{}}, idsOf(state.RuleIDs), def.Capabilities)
			r.planGroup(ctx, state.Cloud.ValueString(), state.SecurityGroupID.ValueString(), d, &resp.Diagnostics)
		}
		return
	}
	var plan, state ruleSetModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	if !known(plan.Cloud) {
		return
	}
	def, ok := r.registry.Get(plan.Cloud.ValueString())
	if !ok {
		return
	}
	// The cloud's settings are checked now (secgroup_rule's ModifyPlan).
	if r.conns != nil && clientOf(ctx, r.conns, def.Name, &resp.Diagnostics) == nil {
		return
	}
	caps := def.Capabilities
	was := entries{byKey: map[string]setEntry{}}
	ids := map[string]string{}
	if !req.State.Raw.IsNull() {
		if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
			return
		}
		// Another cloud or group replaces the set: its rules are all new.
		if plan.Cloud.Equal(state.Cloud) && plan.SecurityGroupID.Equal(state.SecurityGroupID) {
			was, _ = setEntriesOf(ctx, state.Rules, &resp.Diagnostics)
			ids = idsOf(state.RuleIDs)
		}
	}
	want, ok := setEntriesOf(ctx, plan.Rules, &resp.Diagnostics)
	if !ok {
		plan.RuleIDs = types.MapUnknown(types.StringType)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("rule_ids"), plan.RuleIDs)...)
		return
	}
	d := diffSet(was, want, ids, caps)
	// A policy the cloud only reports (an imported rule's) cannot be
	// created (secgroup_rule's ModifyPlan).
	for _, c := range d.creates {
		if p := c.entry.Policy.ValueString(); known(c.entry.Policy) && slices.Contains(caps.ExistingPolicies, p) {
			resp.Diagnostics.AddAttributeError(entryPath(c.key, "policy"), "Invalid Attribute Value",
				fmt.Sprintf("rules[%q]: %s cannot create rules with policy %q: use %s. Rules with policy %q made outside Terraform can be imported and kept, but not created or replaced.",
					c.key, def.Title, p, strings.Join(caps.Policies, " or "), p))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	planned := map[string]attr.Value{}
	for _, w := range slices.Concat(d.keeps, d.describes) {
		planned[w.key] = types.StringUnknown()
		if w.id != "" {
			planned[w.key] = types.StringValue(w.id)
		}
	}
	for _, c := range d.creates {
		planned[c.key] = types.StringUnknown()
		if !caps.NativeIDs && !c.unknown && known(plan.SecurityGroupID) {
			planned[c.key] = types.StringValue(ruleIDString(def.Name, plan.SecurityGroupID.ValueString(), "", c.rule))
		}
	}
	plan.RuleIDs = types.MapValueMust(types.StringType, planned)
	plan.ID = types.StringValue(setID(def.Name, plan.SecurityGroupID.ValueString()))
	if !known(plan.SecurityGroupID) {
		plan.ID = types.StringUnknown()
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("rule_ids"), plan.RuleIDs)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), plan.ID)...)
	if known(plan.SecurityGroupID) {
		r.planGroup(ctx, def.Name, plan.SecurityGroupID.ValueString(), d, &resp.Diagnostics)
	}
}

// planGroup records the set's part in the plan of its group and checks
// the group's quota (engine.Client.PlanQuota), the set's removals and
// keeps first, so that its own additions are counted against what it
// leaves; a quota error names the first entry past it. A group that takes
// no rule changes fails the plan of a set that would change it.
func (r *RuleSetResource) planGroup(ctx context.Context, cloudName, group string, d setDiff, diags *diag.Diagnostics) {
	if r.conns == nil {
		return
	}
	// A cloud that cannot be used is the settings check's to report.
	ctx, cancel, c := connect(ctx, r.conns, cloudName, defaultReadTimeout, nil)
	defer cancel()
	if c == nil {
		return
	}
	type change struct {
		key string
		ch  engine.PlanChange
	}
	var changes []change
	for _, w := range slices.Concat(d.keeps, d.describes) {
		old := ruleWithID(w.entry, w.id, c.Cloud.Capabilities)
		changes = append(changes, change{w.key, engine.PlanChange{Keep: &old}})
	}
	for _, w := range d.revokes {
		old := w.rule
		changes = append(changes, change{w.key, engine.PlanChange{Remove: &old}})
	}
	for _, w := range d.creates {
		added := w.rule
		changes = append(changes, change{w.key, engine.PlanChange{Add: &added, AddUnknown: w.unknown}})
	}
	// Past the quota, by the quota's dimension (a direction, or the
	// group): the last error counts them all, and the entries it lists.
	type excess struct {
		last error
		keys []string
	}
	over := map[string]*excess{}
	var dimensions []string
	for _, ch := range changes {
		warning, err := c.PlanQuota(ctx, group, ch.ch)
		if _, ok := cloud.AsError(err); ok || ctx.Err() != nil {
			addReadError(diags, group, "read to plan the rules added to it", err)
			return
		}
		if err != nil {
			d := ""
			if c.Cloud.Capabilities.QuotaPerDirection {
				d = ch.ch.Add.Direction
			}
			if over[d] == nil {
				over[d] = &excess{}
				dimensions = append(dimensions, d)
			}
			over[d].last, over[d].keys = err, append(over[d].keys, fmt.Sprintf("%q", ch.key))
		}
		if warning != nil {
			diags.AddAttributeWarning(path.Root("security_group_id"), warning.Summary, warning.Detail)
		}
	}
	for _, d := range dimensions {
		e := over[d]
		diags.AddAttributeError(entryPath(strings.Trim(e.keys[0], `"`), ""), "Rule Quota Exceeded",
			fmt.Sprintf("%s. The entries past the quota: %s.", e.last, strings.Join(e.keys, ", ")))
	}
	if len(dimensions) > 0 {
		return
	}
	if len(d.creates) == 0 && len(d.revokes) == 0 {
		return
	}
	why, err := c.RefusesChanges(ctx, group)
	switch {
	case err != nil:
		if cloud.KindOf(err) != cloud.KindGroupGone { // a destroy of rules of a gone group revokes nothing
			addReadError(diags, group, "read to plan the rules written to it", err)
		}
	case why != "":
		diags.AddAttributeError(path.Root("security_group_id"), "Security Group Takes No Rule Changes",
			fmt.Sprintf("Security group %s takes no rule changes, so the set's rules cannot be authorized or revoked: %s. "+
				"To stop managing rules and leave them in the group, remove the set from the state instead: a removed block "+
				"with lifecycle { destroy = false } (Terraform 1.7+), or terraform state rm.", group, why))
	}
}
