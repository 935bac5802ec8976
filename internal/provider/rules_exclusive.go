package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

var (
	_ resource.Resource                   = &RulesExclusive{}
	_ resource.ResourceWithConfigure      = &RulesExclusive{}
	_ resource.ResourceWithImportState    = &RulesExclusive{}
	_ resource.ResourceWithValidateConfig = &RulesExclusive{}
	_ resource.ResourceWithModifyPlan     = &RulesExclusive{}
	_ resource.ResourceWithUpgradeState   = &RulesExclusive{}
)

// rulesExclusiveVersion is the resource's state version, which versions
// the lines of its rules attribute (exclusiveLine): 1 adds each rule's
// creation time.
const rulesExclusiveVersion = 1

// RulesExclusive is secgroup_rules_exclusive: a group holds the rules its
// keep-lists name and no others. It owns no cloud object of its own.
//
// Its `rules` attribute is the group as the refresh read it (one describe,
// shared with the group's secgroup_rule refreshes), by rule id, each with
// a line a reviewer reads. A plan removes from it every rule outside the
// keep-lists, so the plan shows each revoke as a removed entry, and the
// apply revokes exactly the removed entries that still read the same.
// The plan is worked out from the refreshed state and the configuration
// only, never from a read of its own: Terraform plans again during apply
// and wants the same answer, whatever another tool did to the group in
// between.
//
// Creating the resource (nothing refreshed yet) revokes nothing: it
// records the group, and the next plan lists what it would revoke. An
// import block instead of a create does both in one apply.
type RulesExclusive struct {
	registry *cloud.Registry
	conns    *engine.Connections
}

// NewRulesExclusive builds the resource for the given clouds.
func NewRulesExclusive(registry *cloud.Registry) resource.Resource {
	return &RulesExclusive{registry: registry}
}

type rulesExclusiveModel struct {
	ID              types.String   `tfsdk:"id"`
	Cloud           types.String   `tfsdk:"cloud"`
	SecurityGroupID types.String   `tfsdk:"security_group_id"`
	RuleIDs         types.Set      `tfsdk:"rule_ids"`
	TolerateRuleIDs types.Set      `tfsdk:"tolerated_rule_ids"`
	Direction       types.String   `tfsdk:"direction"`
	AllowEmpty      types.Bool     `tfsdk:"allow_empty"`
	Rules           types.Map      `tfsdk:"rules"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// Metadata names the resource.
func (r *RulesExclusive) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_rules_exclusive"
}

// Schema describes the resource.
func (r *RulesExclusive) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	cloudDesc, cloudValidators := cloudAttribute(r.registry, "Cloud of the group")
	resp.Schema = schema.Schema{
		Version: rulesExclusiveVersion,
		MarkdownDescription: "Makes one security group hold exactly the rules `rule_ids` and `tolerated_rule_ids` name: " +
			"each plan removes from `rules` every other rule of the group, and apply revokes them. " +
			"Apply revokes only rules its plan showed that still read the same; creating the resource revokes nothing " +
			"(the next plan shows what it would), and destroying it revokes nothing.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Import id: `<cloud>/<security_group_id>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"cloud": schema.StringAttribute{Required: true, MarkdownDescription: cloudDesc, Validators: cloudValidators, PlanModifiers: replace},
			"security_group_id": schema.StringAttribute{
				Required: true, MarkdownDescription: "Id of the security group.", Validators: groupIDValidators, PlanModifiers: replace,
			},
			"rule_ids": schema.SetAttribute{
				Required:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The rules the group keeps: the `id` of `secgroup_rule` resources of this group " +
					"(`[for r in secgroup_rule.web : r.id]`). Every other rule of the group (of `direction`, when set) is revoked. " +
					"An empty set is refused unless `allow_empty` is true.",
			},
			"tolerated_rule_ids": schema.SetAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Further rules the group keeps that this configuration does not manage, for example rules " +
					"another tool owns: their ids as `secgroup_rule`'s `id`, the `secgroup_rules` data source and " +
					"`terraform query` give them.",
			},
			"direction": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only rules of this direction are made exclusive: `ingress` or `egress`. Left out, both are.",
				Validators:          directionValidators,
			},
			"allow_empty": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Allows an empty `rule_ids`, which revokes every rule of the group (of `direction`) " +
					"but the tolerated ones. Off by default, so a reference that comes out empty by mistake cannot empty a group.",
			},
			"rules": schema.MapAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The rules of the group as the last refresh found them: each rule's id " +
					"(`<cloud>/<security_group_id>/<rule>`, as `secgroup_rule`'s `id`) to a line a reviewer reads " +
					"(direction, protocol, ports, peer, NIC type, policy, priority, description, the cloud's id, " +
					"and when the cloud made the rule where it says). " +
					"A plan removes the rules apply will revoke.",
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Read: true, Update: true}),
		},
	}
}

// UpgradeState takes state of version 0, whose rules lines carry no
// creation time, as it is: those lines match no rule the cloud gives a
// creation time, so nothing is revoked from them, and the next refresh
// writes version 1 lines (see exclusiveLine).
func (r *RulesExclusive) UpgradeState(ctx context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{
		0: {
			PriorSchema: schemaAtVersion(ctx, r, 0),
			StateUpgrader: func(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
				var m rulesExclusiveModel
				if resp.Diagnostics.Append(req.State.Get(ctx, &m)...); resp.Diagnostics.HasError() {
					return
				}
				resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
			},
		},
	}
}

// Configure takes the provider's connections.
func (r *RulesExclusive) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.conns = connectionsFrom(req.ProviderData, "Resource", &resp.Diagnostics)
}

// ValidateConfig checks the keep-lists' ids (their form, and that they
// name rules of this group), refuses an empty rule_ids without
// allow_empty, and timeouts that are not positive.
func (r *RulesExclusive) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m rulesExclusiveModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	_, diags := r.exclusionOf(m)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(checkNotEmpty(m)...)
	resp.Diagnostics.Append(checkTimeouts(m.Timeouts.Object)...)
}

// checkNotEmpty refuses a known, empty rule_ids unless allow_empty is
// true: applying it would revoke every rule of the group.
func checkNotEmpty(m rulesExclusiveModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if m.RuleIDs.IsNull() || m.RuleIDs.IsUnknown() || len(m.RuleIDs.Elements()) > 0 || m.AllowEmpty.IsUnknown() || m.AllowEmpty.ValueBool() {
		return diags
	}
	diags.AddAttributeError(path.Root("rule_ids"), "Empty Keep-List",
		fmt.Sprintf("rule_ids is empty, so applying it would revoke every rule of security group %s (but tolerated_rule_ids). "+
			"If the group is meant to hold no rules, set allow_empty = true. Otherwise check the expression that builds rule_ids: "+
			"a for expression over a resource with count = 0 or an empty for_each gives an empty set.", m.SecurityGroupID.ValueString()))
	return diags
}

// exclusion is what a group keeps: the rules the keep-lists name, and
// every rule of the other direction when one is set.
type exclusion struct {
	keep      []rule.Rule
	direction string
	identity  rule.Identity
	// known: the plan can say which rules the group keeps. Not when the
	// keep-lists or direction are unknown (a set built from a resource
	// whose count is not known yet), nor, where rule ids are contents
	// (ENS), when an id in them is: a replaced secgroup_rule may come back
	// with the content, so the id, of a rule the group holds now. Where
	// the cloud gives rules ids of their own, an unknown id in a known set
	// is taken for a rule this apply creates (a secgroup_rule created or
	// replaced gets a new id; one updated in place keeps its id known), so
	// no rule the group holds now. An id that comes through another value
	// unknown at plan (a terraform_data output, a data source read at
	// apply) can name one: the plan then shows its revoke, and Terraform's
	// plan at apply, which keeps it, fails as inconsistent before anything
	// is revoked.
	known bool
}

// exclusionOf reads the model's keep-lists. Ids of another cloud or
// group, and ids not of the form the cloud gives its rules, are errors
// on their element, one each.
func (r *RulesExclusive) exclusionOf(m rulesExclusiveModel) (exclusion, diag.Diagnostics) {
	var diags diag.Diagnostics
	def, found := r.registry.Get(m.Cloud.ValueString())
	ex := exclusion{direction: m.Direction.ValueString(), identity: def.Capabilities.Identity,
		known: !m.Direction.IsUnknown() && !m.RuleIDs.IsUnknown() && !m.TolerateRuleIDs.IsUnknown()}
	for _, attribute := range []string{"rule_ids", "tolerated_rule_ids"} {
		set := m.RuleIDs
		if attribute == "tolerated_rule_ids" {
			set = m.TolerateRuleIDs
		}
		for _, e := range set.Elements() {
			v, ok := e.(types.String)
			if !ok {
				continue
			}
			at := path.Root(attribute).AtSetValue(v)
			if v.IsUnknown() {
				// The cloud's own ids are new for an unknown element; contents
				// may be those of a rule the group holds (see known).
				ex.known = ex.known && found && def.Capabilities.NativeIDs
				continue
			}
			if v.IsNull() {
				diags.AddAttributeError(at, "Invalid Rule Id", attribute+" holds a null id: every element must be a secgroup_rule id.")
				continue
			}
			id, err := rule.ParseID(v.ValueString())
			switch {
			case v.ValueString() == "":
				diags.AddAttributeError(at, "Invalid Rule Id",
					attribute+` holds an empty id: every element must be a secgroup_rule id. A list read from a file ending in a line break has an empty last element: wrap it in compact().`)
			case found && spaceInID(def, v.ValueString()) != "":
				diags.AddAttributeError(at, "Invalid Rule Id",
					fmt.Sprintf("%s holds %q, which names no rule the group could keep: %s.", attribute, v.ValueString(), spaceInID(def, v.ValueString())))
			case err != nil:
				diags.AddAttributeError(at, "Invalid Rule Id", fmt.Sprintf("%s: %s. Use the id attribute of a secgroup_rule resource.", attribute, err))
			case known(m.Cloud) && known(m.SecurityGroupID) && (id.Cloud != m.Cloud.ValueString() || id.GroupID != m.SecurityGroupID.ValueString()):
				diags.AddAttributeError(at, "Rule Id of Another Group",
					fmt.Sprintf("%s holds %q, a rule of %s security group %s; this resource makes %s security group %s exclusive. "+
						"List only rules of that group (one secgroup_rules_exclusive per group).",
						attribute, v.ValueString(), id.Cloud, id.GroupID, m.Cloud.ValueString(), m.SecurityGroupID.ValueString()))
			case found && idFormProblem(def, id, false) != "":
				diags.AddAttributeError(at, "Invalid Rule Id",
					fmt.Sprintf("%s holds %q, which names no rule the group could keep: %s.", attribute, v.ValueString(), idFormProblem(def, id, false)))
			default:
				ex.keep = append(ex.keep, id.Rule)
			}
		}
	}
	return ex, diags
}

// keeps reports whether the group keeps the rule an id and line name.
func (ex exclusion) keeps(id rule.ID, line string) bool {
	if ex.direction != "" && !strings.HasPrefix(line, ex.direction+" ") {
		return true
	}
	return slices.ContainsFunc(ex.keep, func(k rule.Rule) bool { return ex.identity.Match(k, id.Rule) })
}

// kept is the entries of a rules map the exclusion keeps. An entry whose
// key is not a rule id (a state edited by hand) is kept.
func (ex exclusion) kept(rules map[string]string) map[string]string {
	out := map[string]string{}
	for k, line := range rules {
		id, err := rule.ParseID(k)
		if err != nil || ex.keeps(id, line) {
			out[k] = line
		}
	}
	return out
}

// rulesMap is the group's rules as the rules attribute holds them.
func rulesMap(cloudName, group string, rules []rule.Rule) map[string]string {
	out := make(map[string]string, len(rules))
	for _, o := range rules {
		out[rule.ID{Cloud: cloudName, GroupID: group, Rule: o}.String()] = exclusiveLine(o)
	}
	return out
}

func mapValue(m map[string]string) types.Map {
	values := make(map[string]attr.Value, len(m))
	for k, v := range m {
		values[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, values)
}

func mapOf(v types.Map) map[string]string {
	out := map[string]string{}
	for k, e := range v.Elements() {
		if s, ok := e.(types.String); ok {
			out[k] = s.ValueString()
		}
	}
	return out
}

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
	ex, diags := r.exclusionOf(plan)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	plan.Rules = types.MapUnknown(types.StringType)
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
		kept := ex.kept(mapOf(state.Rules))
		plan.Rules = mapValue(kept)
		r.warnUnheld(plan, mapOf(state.Rules), &resp.Diagnostics)
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

// warnUnheld warns of keep-list ids that name no rule the group held at
// refresh, where the cloud gives rules ids of their own: such an id is
// not a rule this apply creates (those are unknown at plan), so it is a
// typo or a rule gone, and the rule it was meant to keep may be among the
// plan's revokes. (On clouds whose ids are contents, a known id may be a
// rule this apply creates.)
func (r *RulesExclusive) warnUnheld(m rulesExclusiveModel, held map[string]string, diags *diag.Diagnostics) {
	def, ok := r.registry.Get(m.Cloud.ValueString())
	if !ok || !def.Capabilities.NativeIDs {
		return
	}
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
			if id, err := rule.ParseID(v.ValueString()); err == nil && !ids[id.Rule.NativeID] {
				diags.AddAttributeWarning(path.Root(attribute).AtSetValue(v), "Rule Id Names No Rule of the Group",
					fmt.Sprintf("%s holds %q, but security group %s held no rule of that id when this plan read it: "+
						"a typo, or a rule deleted since. The rule it was meant to keep is revoked if the plan removes it from rules: check the removals.",
						attribute, v.ValueString(), m.SecurityGroupID.ValueString()))
			}
		}
	}
}

// checkOnlyExclusive fails the plan of a second secgroup_rules_exclusive
// of this configuration that makes the same group exclusive (in a
// direction the other covers too), keeping other rules: each would revoke
// the other's rules on every apply. Every resource of one configuration
// planned through one provider configuration is planned in this process,
// where the engine's plan tally of the group records each one's claim
// (engine.Client.PlanClaim). Not seen: two through two provider
// configurations (two processes) or in two configurations, and two whose
// keep-lists differ only in ids not known until apply.
func (r *RulesExclusive) checkOnlyExclusive(ctx context.Context, plan rulesExclusiveModel, diags *diag.Diagnostics) {
	claim, ok := exclusiveClaim(plan)
	if r.conns == nil || !ok {
		return
	}
	c, err := r.conns.Client(ctx, plan.Cloud.ValueString())
	if err != nil {
		return // the apply's begin reports it
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
	if !known(m.Cloud) || !known(m.SecurityGroupID) || m.Direction.IsUnknown() || m.RuleIDs.IsUnknown() || m.TolerateRuleIDs.IsUnknown() {
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
	if r.conns == nil {
		return
	}
	c, err := r.conns.Client(ctx, plan.Cloud.ValueString())
	if err != nil {
		return // the apply's begin reports it
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
	if m.Direction.IsUnknown() || m.RuleIDs.IsUnknown() || m.TolerateRuleIDs.IsUnknown() {
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
	if r.conns == nil || !known(plan.Cloud) || !known(plan.SecurityGroupID) {
		return
	}
	cloudName, group := plan.Cloud.ValueString(), plan.SecurityGroupID.ValueString()
	timeout, d := plan.Timeouts.Read(ctx, defaultReadTimeout)
	if diags.Append(d...); d.HasError() {
		return
	}
	c, err := r.conns.Client(ctx, cloudName)
	if err != nil {
		return // the apply's begin reports it
	}
	if c.GoneAtRefresh(group) {
		// Its refresh dropped the resource: Terraform plans it again,
		// also in the plan it makes before a destroy, which must not fail.
		diags.AddAttributeWarning(path.Root("security_group_id"), "Security Group No Longer Exists",
			fmt.Sprintf("Security group %s no longer exists, so creating secgroup_rules_exclusive for it would fail: create the group first, "+
				"or remove the resource from the configuration.", group))
		return
	}
	rules, d := readGroup(ctx, r.conns, cloudName, group, timeout, "the resource's timeouts.read sets it")
	if diags.Append(d...); d.HasError() {
		return
	}
	if why, err := c.RefusesChanges(ctx, group); err == nil && why != "" {
		diags.AddAttributeError(path.Root("security_group_id"), "Security Group Takes No Rule Changes",
			fmt.Sprintf("secgroup_rules_exclusive cannot make security group %s exclusive: it takes no rule changes, so no rule of it can be revoked (%s). "+
				"Leave this group out of secgroup_rules_exclusive.", group, why))
		return
	}
	all := rulesMap(cloudName, group, rules)
	kept := ex.kept(all)
	var lines []string
	for k, line := range all {
		if _, ok := kept[k]; !ok {
			lines = append(lines, "  "+line)
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

// Create records the group's rules, as they are now, and revokes nothing.
func (r *RulesExclusive) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan rulesExclusiveModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	if resp.Diagnostics.Append(checkNotEmpty(plan)...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, c := begin(ctx, r.conns, plan.Cloud.ValueString(), plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if c == nil || !r.record(ctx, c, &plan, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setGroupIdentity(ctx, resp.Identity, plan.Cloud.ValueString(), plan.SecurityGroupID.ValueString())
}

// record reads the group into rules.
func (r *RulesExclusive) record(ctx context.Context, c *engine.Client, m *rulesExclusiveModel, diags *diag.Diagnostics) bool {
	group := m.SecurityGroupID.ValueString()
	rules, err := c.List(ctx, group)
	if err != nil {
		addCloudError(diags, "Could Not Read Security Group", fmt.Errorf("security group %s: %w", group, err))
		return false
	}
	m.Rules = mapValue(rulesMap(m.Cloud.ValueString(), group, rules))
	return true
}

// Update revokes the rules the plan removed from rules that the group
// still holds, reading the same, and does not keep now that every id is
// known; a rule added after the plan is left for the next plan to show.
// The revokes go out together, so the engine batches them where the cloud
// allows. A plan that could not say which rules stay (rules unknown)
// revokes nothing and records the group. On failure the state stays as it
// was; the next refresh reads the group again.
func (r *RulesExclusive) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state rulesExclusiveModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if resp.Diagnostics.Append(checkNotEmpty(plan)...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, c := begin(ctx, r.conns, plan.Cloud.ValueString(), plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	if c == nil {
		return
	}
	setGroupIdentity(ctx, resp.Identity, plan.Cloud.ValueString(), plan.SecurityGroupID.ValueString())
	if plan.Rules.IsUnknown() {
		if r.record(ctx, c, &plan, &resp.Diagnostics) {
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		}
		return
	}
	removed := mapOf(state.Rules)
	for k := range mapOf(plan.Rules) {
		delete(removed, k)
	}
	if len(removed) > 0 && !r.revoke(ctx, c, plan, removed, &resp.Diagnostics) {
		resp.State.Raw = req.State.Raw
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// revoke revokes the rules the plan removed from rules that the
// exclusion does not keep, if the group still holds them as the plan
// showed them. The engine chooses them from a describe made under the
// group's lock, by the cloud's rule id where it has ids (a rule made
// again after the plan, under a new id, is another rule) and by the line
// the plan showed, creation time included (engine.Client.RevokeExact). A
// rule that changed since the plan is left, with a warning: the next plan
// shows it. It reports whether no revoke failed.
func (r *RulesExclusive) revoke(ctx context.Context, c *engine.Client, plan rulesExclusiveModel, removed map[string]string, diags *diag.Diagnostics) bool {
	ex, d := r.exclusionOf(plan)
	if diags.Append(d...); diags.HasError() {
		return false
	}
	group := plan.SecurityGroupID.ValueString()
	var targets []engine.Target
	var lines []string
	for _, key := range slices.Sorted(maps.Keys(removed)) {
		line := removed[key]
		id, err := rule.ParseID(key)
		if err != nil || ex.keeps(id, line) {
			continue
		}
		targets = append(targets, engine.Target{Rule: id.Rule, Same: func(current rule.Rule) bool { return exclusiveLine(current) == line }})
		lines = append(lines, line)
	}
	tflog.Info(ctx, "revoking the rules outside the keep-lists", map[string]any{
		"security_group_id": group, "planned": len(removed), "revoking": len(targets), "planned_rules": lines})
	for i, err := range c.RevokeExact(ctx, group, targets) {
		switch {
		case errors.Is(err, engine.ErrChangedSincePlan):
			diags.AddWarning("Rule Changed Since the Plan",
				fmt.Sprintf("Security group %s's rule %q was not revoked: the group no longer holds it as the plan showed it "+
					"(it was changed, or revoked and made again, after the plan). The next plan shows it as it is now.", group, lines[i]))
		case err != nil:
			addCloudError(diags, "Could Not Revoke Rule", fmt.Errorf("security group %s, rule %s: %w", group, lines[i], err))
		}
	}
	return !diags.HasError()
}

// Read records the group's rules. After an import (no keep-list yet) the
// keep-list is every rule the group holds.
func (r *RulesExclusive) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state rulesExclusiveModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, c := begin(ctx, r.conns, state.Cloud.ValueString(), state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if c == nil {
		return
	}
	group := state.SecurityGroupID.ValueString()
	rules, err := c.List(ctx, group)
	if cloud.KindOf(err) == cloud.KindGroupGone {
		resp.Diagnostics.AddWarning("Security Group No Longer Exists",
			fmt.Sprintf("%s. It was deleted outside Terraform, so secgroup_rules_exclusive is dropped from the state.", err))
		resp.State.RemoveResource(ctx)
		// The framework wants an identity after every Read without an
		// error, the dropped resource's included (a state without one,
		// from an earlier release or a CLI before 1.12, has none to keep).
		setGroupIdentity(ctx, resp.Identity, state.Cloud.ValueString(), group)
		return
	}
	if err != nil {
		addCloudError(&resp.Diagnostics, "Could Not Read Security Group", fmt.Errorf("security group %s: %w", group, err))
		return
	}
	observed := rulesMap(state.Cloud.ValueString(), group, rules)
	state.Rules = mapValue(observed)
	if state.RuleIDs.IsNull() {
		ids := make([]attr.Value, 0, len(observed))
		for k := range observed {
			ids = append(ids, types.StringValue(k))
		}
		state.RuleIDs = types.SetValueMust(types.StringType, ids)
		// An empty group keeps nothing, which only allow_empty allows:
		// the configuration -generate-config-out writes from this state
		// must plan.
		if state.AllowEmpty.IsNull() {
			state.AllowEmpty = types.BoolValue(len(ids) == 0)
		}
	}
	if state.AllowEmpty.IsNull() {
		state.AllowEmpty = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	// Also a state written before identity gains it here.
	setGroupIdentity(ctx, resp.Identity, state.Cloud.ValueString(), group)
}

// Delete revokes nothing: the rules stay as they are, and the group
// accepts other rules again.
func (r *RulesExclusive) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Info(ctx, "secgroup_rules_exclusive removed from Terraform; no rule was revoked")
}

// ImportState takes `<cloud>/<security_group_id>`, or an import block's
// identity (Terraform 1.12+) naming the same; Read then takes every rule
// the group holds as its keep-list.
func (r *RulesExclusive) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" {
		var diags diag.Diagnostics
		req.ID, diags = groupIDFromIdentity(req.Identity)
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return
		}
	}
	cloudName, group, ok := strings.Cut(req.ID, "/")
	if !ok || cloudName == "" || !plainID.MatchString(group) {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q is not a secgroup_rules_exclusive id; expected \"<cloud>/<security_group_id>\".", req.ID))
		return
	}
	if _, found := r.registry.Get(cloudName); !found {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q names cloud %q; use one of %s.", req.ID, cloudName, strings.Join(r.registry.Names(), ", ")))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("cloud"), cloudName)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("security_group_id"), group)...)
	setGroupIdentity(ctx, resp.Identity, cloudName, group)
}
