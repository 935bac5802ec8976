package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
)

var (
	_ datasource.DataSource                   = &RulesDataSource{}
	_ datasource.DataSourceWithConfigure      = &RulesDataSource{}
	_ datasource.DataSourceWithValidateConfig = &RulesDataSource{}
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
	ID              types.String   `tfsdk:"id"`
	Cloud           types.String   `tfsdk:"cloud"`
	SecurityGroupID types.String   `tfsdk:"security_group_id"`
	Direction       types.String   `tfsdk:"direction"`
	Rules           []ruleAttrs    `tfsdk:"rules"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// Metadata names the data source.
func (d *RulesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_rules"
}

// Schema describes the data source.
func (d *RulesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	cloudDesc, cloudValidators := cloudAttribute(d.registry, "Cloud of the group")
	resp.Schema = schema.Schema{
		MarkdownDescription: "The rules of one security group as the cloud reports them, in the attributes of `secgroup_rule`, each with the id that `terraform import` takes.",
		Attributes: map[string]schema.Attribute{
			"id":                str("`<cloud>/<security_group_id>`."),
			"cloud":             schema.StringAttribute{Required: true, MarkdownDescription: cloudDesc, Validators: cloudValidators},
			"security_group_id": schema.StringAttribute{Required: true, MarkdownDescription: "Id of the security group.", Validators: groupIDValidators},
			"direction":         schema.StringAttribute{Optional: true, MarkdownDescription: "Only rules of this direction: `ingress` or `egress`.", Validators: directionValidators},
			"timeouts":          timeouts.Attributes(ctx),
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
					"priority":                 schema.NumberAttribute{Computed: true, MarkdownDescription: "Priority, a whole number."},
					"description":              str("Description."),
				}},
			},
		},
	}
}

// ValidateConfig refuses a read timeout that is not positive.
func (d *RulesDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var t timeouts.Value
	if resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("timeouts"), &t)...); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(checkTimeouts(t.Object)...)
}

// Configure takes the provider's connections.
func (d *RulesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.conns = connectionsFrom(req.ProviderData, "Data Source", &resp.Diagnostics)
}

// Read lists the group's rules.
func (d *RulesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m rulesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name, group := m.Cloud.ValueString(), m.SecurityGroupID.ValueString()
	timeout := timeoutOf(ctx, m.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	ctx, cancel, c := connect(ctx, d.conns, name, timeout, &resp.Diagnostics)
	defer cancel()
	if c == nil || resp.Diagnostics.HasError() {
		return
	}
	rules, err := readGroup(ctx, c, group, timeout, "the data source's timeouts.read sets it", &resp.Diagnostics)
	if err != nil {
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
