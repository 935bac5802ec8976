package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

var (
	_ list.ListResource                   = &RuleList{}
	_ list.ListResourceWithConfigure      = &RuleList{}
	_ list.ListResourceWithValidateConfig = &RuleList{}
)

// RuleList is the secgroup_rule list resource (Terraform 1.14+): the rules
// of one group, found for `terraform query`, each with its identity, so
// that `terraform query -generate-config-out` writes a resource and an
// import block for each. It reads the group once, through the same shared
// reads as the resource.
type RuleList struct {
	registry *cloud.Registry
	conns    *engine.Connections
}

// NewRuleList builds the list resource for the given clouds.
func NewRuleList(registry *cloud.Registry) list.ListResource {
	return &RuleList{registry: registry}
}

// ruleListConfig is the list block's config: the group, and filters.
type ruleListConfig struct {
	Cloud           types.String `tfsdk:"cloud"`
	SecurityGroupID types.String `tfsdk:"security_group_id"`
	Direction       types.String `tfsdk:"direction"`
	Protocol        types.String `tfsdk:"protocol"`
	CIDR            types.String `tfsdk:"cidr"`
}

// Metadata names the list resource as the resource it finds.
func (l *RuleList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_rule"
}

// ListResourceConfigSchema takes the resource's own attribute names.
func (l *RuleList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	cloudDesc, cloudValidators := cloudAttribute(l.registry, "Cloud of the group")
	resp.Schema = schema.Schema{
		MarkdownDescription: "The rules of one security group, for `terraform query`: each result carries the rule's identity " +
			"and, with `include_resource`, the whole `secgroup_rule`, so that `terraform query -generate-config-out=FILE` " +
			"writes a resource block and an import block for each rule. One describe of the group, however many rules.",
		Attributes: map[string]schema.Attribute{
			"cloud":             schema.StringAttribute{Required: true, MarkdownDescription: cloudDesc, Validators: cloudValidators},
			"security_group_id": schema.StringAttribute{Required: true, MarkdownDescription: "Id of the security group.", Validators: groupIDValidators},
			"direction":         schema.StringAttribute{Optional: true, MarkdownDescription: "Only rules of this direction: `ingress` or `egress`.", Validators: directionValidators},
			"protocol": schema.StringAttribute{Optional: true, MarkdownDescription: "Only rules of this protocol, as `secgroup_rule` spells it: one of `" + strings.Join(rule.Protocols, "`, `") + "` that the cloud has.",
				Validators: protocolValidators},
			"cidr": schema.StringAttribute{Optional: true, MarkdownDescription: "Only rules whose peer is this CIDR block (`10.0.0.0/8`; a bare address is its /32 or /128), of an address family the cloud has.",
				Validators: cidrValidators},
		},
	}
}

// Configure takes the provider's connections.
func (l *RuleList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.conns = connectionsFrom(req.ProviderData, "List Resource", &resp.Diagnostics)
}

// filterChecks are secgroup_rule's checks of its protocol and peer against
// the cloud, which the filters meet as the resource's attributes do: a
// filter no rule of the cloud can match is a mistake, not "no rules".
var filterChecks = []configCheck{checkProtocolOnCloud, checkAddressesOnCloud}

// ValidateListResourceConfig runs filterChecks.
func (l *RuleList) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	var cfg ruleListConfig
	if resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...); resp.Diagnostics.HasError() || !known(cfg.Cloud) {
		return
	}
	def, ok := l.registry.Get(cfg.Cloud.ValueString())
	if !ok {
		return // the cloud's own validator says so
	}
	m := newRuleModel()
	m.Cloud, m.SecurityGroupID, m.Direction, m.Protocol, m.CIDR = cfg.Cloud, cfg.SecurityGroupID, cfg.Direction, cfg.Protocol, cfg.CIDR
	for _, check := range filterChecks {
		for _, p := range check(m, &def) {
			resp.Diagnostics.AddAttributeError(path.Root(p.attr), p.summary, p.detail)
		}
	}
}

// List reads the group and streams its rules that pass the filters. A
// group that cannot be read is an error, never an empty list.
func (l *RuleList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg ruleListConfig
	if diags := req.Config.Get(ctx, &cfg); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	rules, diags := l.read(ctx, cfg)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	name, group := cfg.Cloud.ValueString(), cfg.SecurityGroupID.ValueString()
	stream.Results = func(push func(list.ListResult) bool) {
		var sent int64
		for _, o := range rules {
			if req.Limit > 0 && sent >= req.Limit {
				return
			}
			result := req.NewListResult(ctx)
			m := newRuleModel()
			m.setObserved(name, group, o)
			id := m.ID.ValueString()
			result.DisplayName = o.Summary()
			result.Identity.Raw = identityValue(result.Identity.Schema.Type().TerraformType(ctx), id)
			if req.IncludeResource {
				result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
			}
			sent++
			if !push(result) {
				return
			}
		}
	}
}

// read lists the group's rules that pass the config's filters.
func (l *RuleList) read(ctx context.Context, cfg ruleListConfig) ([]rule.Rule, diag.Diagnostics) {
	// The filters were checked before the list ran (cidrValidators,
	// protocolValidators).
	wantCIDR, _ := rule.CanonicalCIDR(cfg.CIDR.ValueString())
	var diags diag.Diagnostics
	ctx, cancel, c := connect(ctx, l.conns, cfg.Cloud.ValueString(), defaultReadTimeout, &diags)
	defer cancel()
	if c == nil {
		return nil, diags
	}
	all, err := readGroup(ctx, c, cfg.SecurityGroupID.ValueString(), defaultReadTimeout, "a query's read of a group waits this long", &diags)
	if err != nil {
		return nil, diags
	}
	var out []rule.Rule
	for _, o := range all {
		switch {
		case cfg.Direction.ValueString() != "" && o.Direction != cfg.Direction.ValueString():
		case cfg.Protocol.ValueString() != "" && o.Protocol != cfg.Protocol.ValueString():
		case wantCIDR != "" && o.CIDR != wantCIDR:
		default:
			out = append(out, o)
		}
	}
	return out, diags
}
