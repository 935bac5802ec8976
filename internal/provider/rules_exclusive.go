package provider

import (
	"context"
	"errors"
	"fmt"
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

// rulesExclusiveVersion is the resource's state version: 1 added each
// rule's creation time to its line (rule.Line); 2 holds each rule as its
// direction beside its line, where 0 and 1 held the line alone and the
// direction was its first word.
const rulesExclusiveVersion = 2

// RulesExclusive is secgroup_rules_exclusive: a group holds the rules its
// keep-lists name and no others, and it owns no cloud object; its plan shows
// each revoke as an entry removed from rules (DESIGN.md, "The exclusive
// resource's revokes").
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
			// A map of objects, not nested attributes: Terraform 1.5 and
			// OpenTofu 1.10 crash writing -generate-config-out for a
			// resource with computed nested attributes.
			"rules": schema.MapAttribute{
				Computed:    true,
				ElementType: exclusiveEntryType,
				MarkdownDescription: "The rules of the group as the last refresh found them, by rule id " +
					"(`<cloud>/<security_group_id>/<rule>`, as `secgroup_rule`'s `id`), each an object of `direction` " +
					"(`ingress` or `egress`) and `line`, the rule as a reviewer reads it " +
					"(direction, protocol, ports, peer, NIC type, policy, priority, description, the cloud's id, " +
					"and when the cloud made the rule where it says). A plan removes the rules apply will revoke; " +
					"the apply revokes a rule only while it still reads the same.",
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Read: true, Update: true}),
		},
	}
}

// UpgradeState takes state of versions 0 and 1, whose rules held lines
// alone, each beginning with its rule's direction. A version 0 line has
// no creation time, so it reads the same as no rule of a cloud that gives
// creation times: nothing is revoked from it, and the next refresh writes
// version 2 entries.
func (r *RulesExclusive) UpgradeState(ctx context.Context) map[int64]resource.StateUpgrader {
	upgrade := func(v int64) resource.StateUpgrader {
		prior := schemaAtVersion(ctx, r, v)
		prior.Attributes["rules"] = schema.MapAttribute{Computed: true, ElementType: types.StringType}
		return resource.StateUpgrader{
			PriorSchema: prior,
			StateUpgrader: func(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
				// types.Map holds the prior map of strings as well.
				var m rulesExclusiveModel
				if resp.Diagnostics.Append(req.State.Get(ctx, &m)...); resp.Diagnostics.HasError() {
					return
				}
				m.Rules = upgradeLines(m.Rules)
				resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
			},
		}
	}
	return map[int64]resource.StateUpgrader{0: upgrade(0), 1: upgrade(1)}
}

// upgradeLines turns the rules of versions 0 and 1, lines alone, into
// entries: the direction was a line's first word. An unknown or null map
// stays so.
func upgradeLines(lines types.Map) types.Map {
	switch {
	case lines.IsUnknown():
		return types.MapUnknown(exclusiveEntryType)
	case lines.IsNull():
		return types.MapNull(exclusiveEntryType)
	}
	entries := map[string]exclusiveEntry{}
	for k, e := range lines.Elements() {
		line, _ := e.(types.String)
		direction, _, _ := strings.Cut(line.ValueString(), " ")
		if !slices.Contains(rule.Directions, direction) {
			direction = ""
		}
		entries[k] = exclusiveEntry{Direction: direction, Line: line.ValueString()}
	}
	return entriesValue(entries)
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
		addReadError(diags, group, "", err)
		return false
	}
	m.Rules = entriesValue(entriesOf(m.Cloud.ValueString(), group, rules))
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
	if !r.revoke(ctx, c, state, plan, &resp.Diagnostics) {
		resp.State.Raw = req.State.Raw
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// revoke revokes what toRevoke chooses from the plan, only while the group
// holds it as the plan showed it (engine.Client.RevokeExact); a rule changed
// since is left, with a warning. It reports whether no revoke failed.
func (r *RulesExclusive) revoke(ctx context.Context, c *engine.Client, state, plan rulesExclusiveModel, diags *diag.Diagnostics) bool {
	ex, d := r.exclusionOf(plan)
	if diags.Append(d...); diags.HasError() {
		return false
	}
	prior, planned := entriesFrom(state.Rules), entriesFrom(plan.Rules)
	chosen := toRevoke(prior, planned, ex)
	if len(chosen) == 0 {
		return true
	}
	group := plan.SecurityGroupID.ValueString()
	targets := make([]engine.Target, len(chosen))
	lines := make([]string, len(chosen))
	for i, t := range chosen {
		targets[i] = engine.Target{Rule: t.id.Rule, Same: t.same}
		lines[i] = t.entry.Line
	}
	tflog.Info(ctx, "revoking the rules outside the keep-lists", map[string]any{
		"security_group_id": group, "planned": len(prior) - len(planned), "revoking": len(targets), "planned_rules": lines})
	for i, err := range c.RevokeExact(ctx, group, targets) {
		switch {
		case errors.Is(err, engine.ErrChangedSincePlan):
			diags.AddWarning("Rule Changed Since the Plan",
				fmt.Sprintf("Security group %s's rule %q was not revoked: the group no longer holds it as the plan showed it "+
					"(it was changed, or revoked and made again, after the plan; or the plan was made without a refresh from the state of an earlier release, "+
					"whose lines read otherwise). The next plan shows it as it is now.", group, lines[i]))
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
		addReadError(&resp.Diagnostics, group, "", err)
		return
	}
	observed := entriesOf(state.Cloud.ValueString(), group, rules)
	state.Rules = entriesValue(observed)
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
