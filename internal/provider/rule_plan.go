package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

func known(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }

// ModifyPlan fills the cloud's defaults for policy and priority, so plans
// show real values, and decides replacement for attributes whose
// in-place change depends on the cloud.
func (r *RuleResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() { // destroy
		if rawState, err := newRawAttrs(req.State.Raw); err == nil && !req.State.Raw.IsNull() {
			state := rawState.model()
			gone := state.toRule()
			r.checkGroup(ctx, state.Cloud, state.SecurityGroupID, engine.PlanChange{Remove: &gone}, &resp.Diagnostics)
		}
		return
	}
	rawConfig, ok := readRaw(req.Config.Raw, "Invalid Configuration", &resp.Diagnostics)
	if !ok {
		return
	}
	rawPlan, ok := readRaw(req.Plan.Raw, "Invalid Plan", &resp.Diagnostics)
	if !ok {
		return
	}
	config, plan := rawConfig.model(), rawPlan.model()
	if !known(plan.Cloud) {
		return
	}
	def, ok := r.registry.Get(plan.Cloud.ValueString())
	if !ok {
		return
	}
	// The cloud's settings are checked now, so that a plan that cannot
	// apply (credentials, region or endpoint missing or malformed) fails
	// here rather than halfway through the apply. Connecting reaches no
	// network.
	if r.conns != nil && clientOf(ctx, r.conns, def.Name, &resp.Diagnostics) == nil {
		return
	}
	caps := def.Capabilities
	fillCloudDefaults(config, &plan, caps)

	var state ruleModel
	var rawState rawAttrs
	if !req.State.Raw.IsNull() {
		if rawState, ok = readRaw(req.State.Raw, "Invalid State", &resp.Diagnostics); !ok {
			return
		}
		state = rawState.model()
		for _, attr := range replacedOnCloud(config, plan, state, caps) {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root(attr))
		}
	}
	// Replaced by this method's choice or the schema's (which the
	// response does not show).
	replace := !req.State.Raw.IsNull() && (len(resp.RequiresReplace) > 0 || schemaReplaces(rawPlan, rawState))
	// A policy the cloud only reports (an imported rule's) cannot be
	// created: not on create, not by a replacement.
	if p := plan.Policy.ValueString(); known(plan.Policy) && slices.Contains(caps.ExistingPolicies, p) &&
		(req.State.Raw.IsNull() || replace) {
		resp.Diagnostics.AddAttributeError(path.Root("policy"), "Invalid Attribute Value",
			fmt.Sprintf("%s cannot create rules with policy %q: use %s. Rules with policy %q made outside Terraform can be imported and kept, but not created or replaced.",
				def.Title, p, strings.Join(caps.Policies, " or "), p))
		return
	}
	if replace {
		recomputeOnReplace(config, &plan, caps)
	}
	if req.State.Raw.IsNull() {
		planOwners(config, &plan, nil, caps)
	} else {
		planOwners(config, &plan, &state, caps)
	}
	rawPlan.setString("peer_group_owner_account", plan.PeerGroupOwnerAccount)
	rawPlan.setString("peer_group_owner_id", plan.PeerGroupOwnerID)
	// Only the attributes this method decides are written back.
	rawPlan.setString("policy", plan.Policy)
	rawPlan.setNumber("priority", plan.Priority)
	// Where rules have no ids of their own (ENS) the id is the content,
	// known at plan once the content is, the defaults just planned
	// included: what refers to it (secgroup_rules_exclusive's rule_ids)
	// then knows it too, a replacement by an equal rule included.
	if !caps.NativeIDs && plan.ID.IsUnknown() && known(plan.Cloud) && known(plan.SecurityGroupID) && !rawPlan.anyUnknown(ruleContent...) {
		plan.ID = types.StringValue(rule.ID{Cloud: plan.Cloud.ValueString(), GroupID: plan.SecurityGroupID.ValueString(), Rule: plan.toRule()}.String())
	}
	rawPlan.setString("nic_type", plan.NicType)
	rawPlan.setString("rule_id", plan.RuleID)
	rawPlan.setString("id", plan.ID)
	rawPlan.setString("description", plan.Description)
	resp.Plan.Raw = rawPlan.value(req.Plan.Raw.Type())
	// The plan's rule, with the defaults filled, in the group's tally.
	// An owner left for the cloud to report leaves the rule known to the
	// quota's count: the peer group names it.
	contentUnknown := rawPlan.anyUnknown(slices.DeleteFunc(slices.Clone(ruleContent), isOwner)...) ||
		rawConfig.anyUnknown("peer_group_owner_account", "peer_group_owner_id")
	r.planQuota(ctx, req.State.Raw.IsNull(), replace, state, plan, contentUnknown, &resp.Diagnostics)
}

func isOwner(attr string) bool {
	return attr == "peer_group_owner_account" || attr == "peer_group_owner_id"
}

// planOwners plans the owner fields of the peer group that the
// configuration leaves out: none without a peer group or where the cloud
// names no owners; the state's, which the cloud reported, while the peer
// group stays (so a replacement for another reason names the same owner);
// otherwise what the cloud reports after the apply. state is nil on
// create.
func planOwners(config ruleModel, plan, state *ruleModel, caps cloud.Capabilities) {
	for _, owner := range []struct {
		config types.String
		plan   *types.String
		state  func(*ruleModel) types.String
	}{
		{config.PeerGroupOwnerAccount, &plan.PeerGroupOwnerAccount, func(m *ruleModel) types.String { return m.PeerGroupOwnerAccount }},
		{config.PeerGroupOwnerID, &plan.PeerGroupOwnerID, func(m *ruleModel) types.String { return m.PeerGroupOwnerID }},
	} {
		switch {
		case !owner.config.IsNull():
		case plan.PeerSecurityGroupID.IsNull() || !caps.PeerGroupOwner:
			*owner.plan = types.StringNull()
		case state != nil && known(plan.PeerSecurityGroupID) && plan.PeerSecurityGroupID.Equal(state.PeerSecurityGroupID):
			*owner.plan = owner.state(state)
		default:
			*owner.plan = types.StringUnknown()
		}
	}
}

func defaultString(v string) types.String {
	if v == "" {
		return types.StringNull()
	}
	return types.StringValue(v)
}

// replacedBySchema are the attributes whose change replaces the rule
// through the schema's own RequiresReplace, which ModifyPlan's response
// does not show (TestReplacedBySchemaIsTheSchemas keeps the list true).
var replacedBySchema = []string{"cloud", "security_group_id", "direction", "protocol", "port_range", "cidr",
	"peer_security_group_id", "peer_group_owner_account", "peer_group_owner_id", "prefix_list_id", "local_cidr", "source_port_range"}

// ruleContent are the attributes that say which rule a resource is.
var ruleContent = slices.Concat(replacedBySchema[2:], []string{"policy", "priority"})

// schemaReplaces reports whether the schema replaces the rule: one of
// replacedBySchema differs between plan and state, or is not known yet.
func schemaReplaces(plan, state rawAttrs) bool {
	for _, name := range replacedBySchema {
		if !plan[name].Equal(state[name]) {
			return true
		}
	}
	return false
}

// planQuota accounts this resource's part in the plan for the plan-time
// check of its group (engine.Client.PlanQuota): a create adds its rule, a
// replacement removes the old one and adds the new one, anything else
// keeps its rule.
func (r *RuleResource) planQuota(ctx context.Context, create, replace bool, state, plan ruleModel, addUnknown bool, diags *diag.Diagnostics) {
	added, old := plan.toRule(), state.toRule()
	switch {
	case create:
		r.checkGroup(ctx, plan.Cloud, plan.SecurityGroupID, engine.PlanChange{Add: &added, AddUnknown: addUnknown}, diags)
	case replace && plan.Cloud.Equal(state.Cloud) && plan.SecurityGroupID.Equal(state.SecurityGroupID):
		r.checkGroup(ctx, plan.Cloud, plan.SecurityGroupID, engine.PlanChange{Remove: &old, Add: &added, Replacement: true, AddUnknown: addUnknown}, diags)
	case replace:
		r.checkGroup(ctx, state.Cloud, state.SecurityGroupID, engine.PlanChange{Remove: &old}, diags)
		r.checkGroup(ctx, plan.Cloud, plan.SecurityGroupID, engine.PlanChange{Add: &added, Replacement: true, AddUnknown: addUnknown}, diags)
	default:
		r.checkGroup(ctx, state.Cloud, state.SecurityGroupID, engine.PlanChange{Keep: &old}, diags)
	}
}

// checkGroup reports what engine.Client.PlanQuota finds, on
// security_group_id unless the cloud's error names another attribute: a
// group the plan adds to that cannot be read fails the plan, as the apply
// would fail.
func (r *RuleResource) checkGroup(ctx context.Context, cloudName, groupID types.String, ch engine.PlanChange, diags *diag.Diagnostics) {
	if !known(cloudName) || !known(groupID) {
		return
	}
	// A cloud that cannot be used is the settings check's to report.
	ctx, cancel, c := connect(ctx, r.conns, cloudName.ValueString(), defaultReadTimeout, nil)
	defer cancel()
	if c == nil {
		return
	}
	warning, err := c.PlanQuota(ctx, groupID.ValueString(), ch)
	if _, ok := cloud.AsError(err); ok || ctx.Err() != nil {
		addReadError(diags, groupID.ValueString(), "read to plan the rules added to it", err)
	} else if err != nil {
		diags.AddAttributeError(path.Root("security_group_id"), "Rule Quota Exceeded", err.Error())
	}
	if warning != nil {
		diags.AddAttributeWarning(path.Root("security_group_id"), warning.Summary, warning.Detail)
	}
	// Where the group's read tells that the cloud takes no rule changes
	// in it (a Zenlayer default group), the apply would fail: the plan
	// fails instead, for a rule added or revoked.
	if err != nil || ch.Add == nil && ch.Remove == nil {
		return
	}
	why, rerr := c.RefusesChanges(ctx, groupID.ValueString())
	switch {
	case rerr != nil:
		if cloud.KindOf(rerr) != cloud.KindGroupGone { // a destroy of rules of a gone group revokes nothing
			addReadError(diags, groupID.ValueString(), "read to plan the rules revoked from it", rerr)
		}
	case why == "":
	case ch.Add != nil:
		diags.AddAttributeError(path.Root("security_group_id"), "Security Group Takes No Rule Changes",
			fmt.Sprintf("Security group %s takes no new rules: %s.", groupID.ValueString(), why))
	case ch.Remove != nil:
		diags.AddAttributeError(path.Root("security_group_id"), "Security Group Takes No Rule Changes",
			fmt.Sprintf("Security group %s takes no rule changes, so its rule %s cannot be revoked: %s. "+
				"To stop managing the rule and leave it in the group, remove it from the state instead: a removed block "+
				"with lifecycle { destroy = false } (Terraform 1.7+), or terraform state rm.", groupID.ValueString(), ch.Remove, why))
	}
}

// fillCloudDefaults plans the cloud's defaults where the configuration
// leaves them, so plans show real values: the policy and priority the
// cloud gives a rule, an empty description, and no nic_type or rule_id
// where the cloud has none.
func fillCloudDefaults(config ruleModel, plan *ruleModel, caps cloud.Capabilities) {
	if config.Policy.IsNull() {
		plan.Policy = defaultString(caps.DefaultPolicy)
	}
	if config.Priority.IsNull() {
		plan.Priority = types.NumberNull()
		if caps.HasPriority() {
			plan.Priority = priorityValue(caps.DefaultPriority)
		}
	}
	if config.Description.IsNull() {
		plan.Description = types.StringValue("")
	}
	if len(caps.NicTypes) == 0 && !config.NicType.IsUnknown() {
		// (A value known only at apply stays unknown: it must be null
		// then, which the configuration's check makes sure of.)
		plan.NicType = types.StringNull()
	}
	if !caps.NativeIDs {
		plan.RuleID = types.StringNull()
	}
}

// replacedOnCloud lists the attributes whose change replaces the rule on
// this cloud (the schema's own replacements aside): policy, priority and
// a configured nic_type, and the description where the cloud cannot
// change it in place, or cannot clear it. A state without description
// (older versions wrote null) holds the empty one.
func replacedOnCloud(config, plan, state ruleModel, caps cloud.Capabilities) []string {
	var out []string
	if !plan.Policy.Equal(state.Policy) && !plan.Policy.IsUnknown() {
		out = append(out, "policy")
	}
	if !plan.Priority.Equal(state.Priority) && !plan.Priority.IsUnknown() {
		out = append(out, "priority")
	}
	if known(config.NicType) && !config.NicType.Equal(state.NicType) {
		out = append(out, "nic_type")
	}
	switch d := plan.Description.ValueString(); {
	case known(plan.Description) && d != state.Description.ValueString() && (!caps.DescriptionInPlace || d == "" && !caps.DescriptionClearable):
		out = append(out, "description")
	case plan.Description.IsUnknown() && caps.Description &&
		(!caps.DescriptionInPlace || !caps.DescriptionClearable && state.Description.ValueString() != ""):
		// Known only at apply: where the cloud may have to replace the
		// rule for it (a description it cannot change, or clear), the
		// plan must say so now (Terraform refuses a final plan that
		// turns an update into a replacement).
		out = append(out, "description")
	}
	return out
}

// recomputeOnReplace gives a replacement new computed values: its id,
// the cloud's rule id where it has one, and the nic_type the cloud picks
// when the configuration does not.
func recomputeOnReplace(config ruleModel, plan *ruleModel, caps cloud.Capabilities) {
	plan.ID, plan.RuleID = types.StringUnknown(), types.StringUnknown()
	if !caps.NativeIDs {
		plan.RuleID = types.StringNull()
	}
	if config.NicType.IsNull() && len(caps.NicTypes) > 0 {
		plan.NicType = types.StringUnknown()
	}
}
