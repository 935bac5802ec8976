package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/numberplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Parts of secgroup_rule's attribute descriptions that the ephemeral rule,
// whose schema is derived from it, words otherwise (ephemeralDescription).
const (
	descriptionChangesInPlace = " Changed in place where the cloud can (ECS, Apsara Stack), by replacement elsewhere."
	importIDPrefix            = "Import id: "
)

var (
	_ resource.Resource                   = &RuleResource{}
	_ resource.ResourceWithConfigure      = &RuleResource{}
	_ resource.ResourceWithImportState    = &RuleResource{}
	_ resource.ResourceWithValidateConfig = &RuleResource{}
	_ resource.ResourceWithModifyPlan     = &RuleResource{}
	_ resource.ResourceWithUpgradeState   = &RuleResource{}
)

// schemaVersion is the resource's state version. 1: the description is
// "" rather than null when there is none.
const schemaVersion = 1

// Default timeouts; the timeouts attribute overrides them.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

// RuleResource is secgroup_rule. It knows clouds only by their
// capabilities; the calls go through engine.Client.
type RuleResource struct {
	registry *cloud.Registry
	conns    *engine.Connections
}

// NewRuleResource builds the resource for the given clouds.
func NewRuleResource(registry *cloud.Registry) resource.Resource {
	return &RuleResource{registry: registry}
}

// Metadata names the resource.
func (r *RuleResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_rule"
	// A rule deleted and made again out of band under a new id is still
	// the declared rule, adopted on refresh with its new id (Read): the
	// remote object, and so the identity, changed.
	resp.ResourceBehavior.MutableIdentity = true
}

// Schema describes the portable attributes and the vendor-only ones.
func (r *RuleResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	// A value left out keeps the state's; a configured one that differs
	// replaces the rule.
	ownerModifiers := []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()}
	respell := func(canon func(string) (string, error)) []planmodifier.String {
		return []planmodifier.String{sameMeaning{canon: canon}, stringplanmodifier.RequiresReplace()}
	}
	cloudDesc, cloudValidators := cloudAttribute(r.registry, "Cloud of the group")
	lowPriority, highPriority := priorityBounds(r.registry)
	resp.Schema = schema.Schema{
		Version: schemaVersion,
		MarkdownDescription: "One security group rule on one of the supported clouds. Create authorizes the rule, " +
			"Read describes the group, Update changes the description in place where the cloud can, and Delete revokes the rule.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: importIDPrefix + "`<cloud>/<security_group_id>/<rule_id>` where the cloud has rule ids, else the content form `<cloud>/<security_group_id>/<direction>,<protocol>,<port_range>,<cidr>[,name=value...]`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"cloud": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: cloudDesc,
				Validators:          cloudValidators,
				PlanModifiers:       replace,
			},
			"security_group_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Id of the security group the rule belongs to.",
				Validators:          groupIDValidators,
				PlanModifiers:       replace,
			},
			"direction": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "`ingress` (traffic into the group) or `egress` (traffic out of it).",
				Validators:          directionValidators,
				PlanModifiers:       replace,
			},
			"protocol": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "One of `" + strings.Join(rule.Protocols, "`, `") + "`; each cloud accepts its own subset.",
				Validators:          protocolValidators,
				PlanModifiers:       replace,
			},
			"port_range": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Ports, for `tcp` and `udp` only (required there): `\"22\"`, `\"80-443\"` or `\"80/443\"`, all within 1-65535. Leave it out for other protocols.",
				Validators:          []validator.String{portRangeValidator()},
				PlanModifiers:       respell(rule.CanonicalPortRange),
			},
			"cidr": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Peer address range: an IPv4 or IPv6 CIDR block, or a bare address (a single host). The source of ingress rules, the destination of egress rules. Exactly one of `cidr`, `peer_security_group_id` and `prefix_list_id` is set.",
				Validators:          cidrValidators,
				PlanModifiers:       respell(rule.CanonicalCIDR),
			},
			"peer_security_group_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Peer security group instead of a CIDR (ECS `SourceGroupId` / `DestGroupId`).",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       replace,
			},
			// The owners are Computed too: the cloud reports the owner of
			// another account's group, in both fields whichever one the
			// rule was made with, and a configuration that leaves one out
			// (or both: an import, a move) must not plan a replacement for
			// it (see planOwners).
			"peer_group_owner_account": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "Account (login name) owning `peer_security_group_id`, for a group of another account (ECS `SourceGroupOwnerAccount` / `DestGroupOwnerAccount`). Left out, it is what the cloud reports.",
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("peer_security_group_id"))},
				PlanModifiers:       ownerModifiers,
			},
			"peer_group_owner_id": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "Account id owning `peer_security_group_id`, for a group of another account (ECS `SourceGroupOwnerId` / `DestGroupOwnerId`). Left out, it is what the cloud reports.",
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("peer_security_group_id")), stringvalidator.RegexMatches(digits, "must be a numeric account id")},
				PlanModifiers:       ownerModifiers,
			},
			"prefix_list_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Peer prefix list instead of a CIDR (ECS `SourcePrefixListId` / `DestPrefixListId`).",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       replace,
			},
			"local_cidr": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Narrows the rule on the group's own side: the destination range of an ingress rule, the source range of an egress rule (ECS `DestCidrIp` on ingress, `SourceCidrIp` on egress).",
				Validators:          []validator.String{cidrValidator()},
				PlanModifiers:       respell(rule.CanonicalCIDR),
			},
			"source_port_range": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Source ports, tcp and udp only, in the syntax of `port_range` (ECS `SourcePortRange`).",
				Validators:          []validator.String{portRangeValidator()},
				PlanModifiers:       respell(rule.CanonicalPortRange),
			},
			// nic_type and policy are checked against the cloud alone
			// (checkValuesOnCloud), so that a mistake is one error.
			"nic_type": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "Network interface type, where the cloud has them: on ECS `intranet` (the only type of VPC groups) or `internet` (classic network). The cloud's default when left out.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"policy": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "`accept` or `drop`, where the cloud has policies; defaults to `accept` there.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			// A number rather than an integer, so that a fraction is an
			// error of ours giving the range (checkPriority), not the
			// framework's provider bug. Both are a number in state.
			"priority": schema.NumberAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: fmt.Sprintf("Priority, where the cloud has priorities (smaller wins): a whole number from %d to %d (each cloud's range is in the support matrix); defaults to 1 there.", lowPriority, highPriority),
				PlanModifiers:       []planmodifier.Number{numberplanmodifier.UseStateForUnknown()},
			},
			"description": schema.StringAttribute{
				Optional: true,
				// Computed so that no description and an empty one are one
				// value (""): neither plans a change against the other.
				Computed:            true,
				MarkdownDescription: "Free text; left out, it is empty (`\"\"`), the same as `description = \"\"` on every cloud (on ENS, whose rules have none, only `\"\"` is accepted, as the `secgroup_rules` data source gives it; a value known only at apply is checked then, before any call)." + descriptionChangesInPlace,
			},
			"rule_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The cloud's own id of the rule (ECS `sgr-…`, Zenlayer's numeric `ruleId`), where the cloud has rule ids.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

// UpgradeState takes state written by earlier releases to this one's.
// Version 0 wrote "description": null for a rule without description,
// which now plans `+ description = ""` on every such rule (an upgrade must
// plan nothing): it becomes "", the value no description has now. The
// attributes are otherwise the same.
func (r *RuleResource) UpgradeState(ctx context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{
		0: {
			PriorSchema: schemaAtVersion(ctx, r, 0),
			StateUpgrader: func(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
				var m ruleModel
				resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
				if resp.Diagnostics.HasError() {
					return
				}
				if m.Description.IsNull() {
					m.Description = types.StringValue("")
				}
				resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
			},
		},
	}
}

// Configure takes the provider's connections.
func (r *RuleResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.conns = connectionsFrom(req.ProviderData, "Resource", &resp.Diagnostics)
}

// Create authorizes the rule.
func (r *RuleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	raw, ok := readRaw(req.Plan.Raw, "Invalid Plan", &resp.Diagnostics)
	if !ok {
		return
	}
	plan := raw.model()
	ctx, cancel, c := begin(ctx, r.conns, plan.Cloud.ValueString(), raw.timeouts(ctx).Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if c == nil {
		return
	}
	cloudName, group := plan.Cloud.ValueString(), plan.SecurityGroupID.ValueString()
	// The one check a value unknown at plan can pass (see
	// checkDescription).
	for _, p := range checkDescription(plan, &c.Cloud) {
		resp.Diagnostics.AddAttributeError(path.Root(p.attr), p.summary, p.detail)
		return
	}

	created, err := c.Create(ctx, group, plan.toRule())
	switch {
	case cloud.KindOf(err) == cloud.KindDuplicate:
		id := rule.ID{Cloud: cloudName, GroupID: group, Rule: created}.String()
		resp.Diagnostics.AddError("Rule Already Exists",
			fmt.Sprintf("Security group %s already has the rule %s, so Terraform did not create it. "+
				"To manage the existing rule with this resource, import it:\n\n"+
				"  terraform import secgroup_rule.<name> '%s'\n\n"+
				"or add an import block:\n\n  import {\n    to = secgroup_rule.<name>\n    id = %q\n  }\n\n"+
				"Otherwise remove this resource or change it so it differs from the existing rule. "+
				"If this create replaces the resource's own rule (create_before_destroy, or -replace with it), "+
				"%s cannot hold the old and the new rule at once: remove create_before_destroy from this resource.",
				group, created, id, id, c.Cloud.Title))
		return
	case errors.Is(err, engine.ErrUnconfirmed):
		// Keep state true to the cloud: the rule most likely exists, so it
		// is recorded (Terraform taints it and replaces it next time).
		plan.setObserved(cloudName, group, created)
		resp.State.Raw = raw.with(plan, req.Plan.Raw.Type())
		setIdentity(ctx, resp.Identity, plan.ID.ValueString())
		addRuleError(&resp.Diagnostics, "Rule Created but Not Confirmed", group, plan.toRule(), err)
		return
	case err != nil:
		addRuleError(&resp.Diagnostics, "Could Not Create Rule", group, plan.toRule(), err)
		return
	}
	plan.setObserved(cloudName, group, created)
	tflog.Trace(ctx, "created security group rule", map[string]any{"id": plan.ID.ValueString()})
	resp.State.Raw = raw.with(plan, req.Plan.Raw.Type())
	setIdentity(ctx, resp.Identity, plan.ID.ValueString())
}

// Read describes the group and finds the rule; a rule gone out of band
// leaves state with a warning, so the next plan recreates it.
func (r *RuleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	raw, ok := readRaw(req.State.Raw, "Invalid State", &resp.Diagnostics)
	if !ok {
		return
	}
	state := raw.model()
	ctx, cancel, c := begin(ctx, r.conns, state.Cloud.ValueString(), raw.timeouts(ctx).Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if c == nil {
		return
	}
	group := state.SecurityGroupID.ValueString()
	observed, err := c.Find(ctx, group, state.toRule())
	if cloud.IsGone(err) {
		resp.Diagnostics.AddWarning("Rule No Longer Exists",
			fmt.Sprintf("%s. It was removed outside Terraform, so it is dropped from the state; while the configuration still declares it, Terraform plans to create it again.", err))
		resp.State.RemoveResource(ctx)
		// The framework wants an identity after every Read without an
		// error, the dropped rule's included (a state without one, from
		// an earlier release or a CLI before 1.12, has none to keep).
		setIdentity(ctx, resp.Identity, state.ID.ValueString())
		return
	}
	if err != nil {
		addRuleError(&resp.Diagnostics, "Could Not Read Rule", group, state.toRule(), err)
		return
	}
	state.setObserved(state.Cloud.ValueString(), group, observed)
	warnExpiredEphemeral(ctx, c, group, &resp.Diagnostics)
	resp.State.Raw = raw.with(state, req.State.Raw.Type())
	// A state written before identity gains it here, from the id the
	// read confirms; no further call.
	setIdentity(ctx, resp.Identity, state.ID.ValueString())
}

// Update changes the description in place; every other change replaces the
// rule (see ModifyPlan), so nothing else reaches here.
func (r *RuleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state ruleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Description.ValueString() != state.Description.ValueString() {
		ctx, cancel, c := begin(ctx, r.conns, state.Cloud.ValueString(), plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
		defer cancel()
		if c == nil {
			return
		}
		changed := state.toRule()
		changed.Description = plan.Description.ValueString()
		if err := c.UpdateDescription(ctx, state.SecurityGroupID.ValueString(), changed); err != nil {
			addRuleError(&resp.Diagnostics, "Could Not Update Rule Description", state.SecurityGroupID.ValueString(), changed, err)
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, plan.ID.ValueString())
}

// Delete revokes the rule; a rule or group already gone is success.
func (r *RuleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	raw, ok := readRaw(req.State.Raw, "Invalid State", &resp.Diagnostics)
	if !ok {
		return
	}
	state := raw.model()
	ctx, cancel, c := begin(ctx, r.conns, state.Cloud.ValueString(), raw.timeouts(ctx).Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if c == nil {
		return
	}
	if err := c.Delete(ctx, state.SecurityGroupID.ValueString(), state.toRule()); err != nil {
		addRuleError(&resp.Diagnostics, "Could Not Delete Rule", state.SecurityGroupID.ValueString(), state.toRule(), err)
	}
}

// addRuleError reports a cloud error about one rule, naming its group and
// the rule, on the attribute the error names, if any.
func addRuleError(diags *diag.Diagnostics, summary, groupID string, r rule.Rule, err error) {
	addCloudError(diags, summary, fmt.Errorf("security group %s, rule %s: %w", groupID, r, err))
}

// addCloudError reports a cloud error on the attribute it names, if any.
func addCloudError(diags *diag.Diagnostics, summary string, err error) {
	if e, ok := cloud.AsError(err); ok && e.Attribute != "" {
		diags.AddAttributeError(path.Root(e.Attribute), summary, err.Error())
		return
	}
	diags.AddError(summary, err.Error())
}

var (
	plainID = regexp.MustCompile(`^[^/,\s]+$`)
	digits  = regexp.MustCompile(`^[0-9]+$`)
	// timeoutsAttrTypes is the object type of the timeouts attribute, for
	// the null value an import starts from.
	timeoutsAttrTypes = map[string]attr.Type{"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType}
)

// schemaAtVersion is r's schema as version v wrote it, for an upgrade
// from a version whose attributes were the same (only what they hold
// changed).
func schemaAtVersion(ctx context.Context, r resource.Resource, v int64) *schema.Schema {
	var s resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &s)
	prior := s.Schema
	prior.Version = v
	return &prior
}
