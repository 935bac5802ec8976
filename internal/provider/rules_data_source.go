package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

var (
	_ datasource.DataSource              = &RulesDataSource{}
	_ datasource.DataSourceWithConfigure = &RulesDataSource{}
)

// RulesDataSource is secgroup_rules: a group's rules as the cloud reports
// them.
type RulesDataSource struct {
	registry *cloud.Registry
	conns    *engine.Connections
}

// NewRulesDataSource builds the data source for the given clouds.
func NewRulesDataSource(registry *cloud.Registry) datasource.DataSource {
	return &RulesDataSource{registry: registry}
}

type rulesModel struct {
	ID              types.String `tfsdk:"id"`
	Cloud           types.String `tfsdk:"cloud"`
	SecurityGroupID types.String `tfsdk:"security_group_id"`
	Direction       types.String `tfsdk:"direction"`
	Rules           []ruleAttrs  `tfsdk:"rules"`
}

// Metadata names the data source.
func (d *RulesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_rules"
}

// Schema describes the data source.
func (d *RulesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The rules of one security group as the cloud reports them, in the attributes of `secgroup_rule`, each with the id that `terraform import` takes.",
		Attributes: map[string]schema.Attribute{
			"id": str("`<cloud>/<security_group_id>`."),
			"cloud": schema.StringAttribute{Required: true, MarkdownDescription: "Cloud of the group: one of `" + strings.Join(d.registry.Names(), "`, `") + "`.",
				Validators: []validator.String{stringvalidator.OneOf(d.registry.Names()...)}},
			"security_group_id": schema.StringAttribute{Required: true, MarkdownDescription: "Id of the security group.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.RegexMatches(plainID, "must not contain \"/\", \",\" or spaces")}},
			"direction": schema.StringAttribute{Optional: true, MarkdownDescription: "Only rules of this direction: `ingress` or `egress`.",
				Validators: []validator.String{stringvalidator.OneOf(rule.Directions...)}},
			"rules": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The rules, in the order the cloud lists them.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                       str("Import id of the rule for `secgroup_rule`."),
					"rule_id":                  str("The cloud's own rule id, where it has one."),
					"direction":                str("`ingress` or `egress`."),
					"protocol":                 str("Protocol."),
					"port_range":               str("Ports, for tcp and udp."),
					"cidr":                     str("Peer CIDR block."),
					"peer_security_group_id":   str("Peer security group."),
					"peer_group_owner_account": str("Account owning the peer group."),
					"peer_group_owner_id":      str("Account id owning the peer group, where the cloud reports it."),
					"prefix_list_id":           str("Peer prefix list."),
					"local_cidr":               str("Range on the group's own side."),
					"source_port_range":        str("Source ports."),
					"nic_type":                 str("Network interface type."),
					"policy":                   str("`accept` or `drop`."),
					"priority":                 schema.Int64Attribute{Computed: true, MarkdownDescription: "Priority."},
					"description":              str("Description."),
				}},
			},
		},
	}
}

// Configure takes the provider's connections.
func (d *RulesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	conns, ok := req.ProviderData.(*engine.Connections)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Data Source Configure Type",
			fmt.Sprintf("Expected *engine.Connections, got: %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	d.conns = conns
}

// Read lists the group's rules.
func (d *RulesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m rulesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.conns == nil {
		resp.Diagnostics.AddError("Provider Not Configured", "The secgroup provider was not configured.")
		return
	}
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()
	name, group := m.Cloud.ValueString(), m.SecurityGroupID.ValueString()
	c, err := d.conns.Client(ctx, name)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("cloud"), "Cannot Use Cloud", err.Error())
		return
	}
	ctx = d.conns.MaskSecrets(ctx)
	rules, err := c.List(ctx, group)
	if err != nil {
		addCloudError(&resp.Diagnostics, "Could Not List Rules", fmt.Errorf("security group %s: %w", group, err))
		return
	}
	m.ID = types.StringValue(name + "/" + group)
	m.Rules = []ruleAttrs{}
	for _, o := range rules {
		if dir := m.Direction.ValueString(); dir != "" && o.Direction != dir {
			continue
		}
		var entry ruleAttrs
		entry.setObserved(name, group, o)
		m.Rules = append(m.Rules, entry)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
