// Package provider is the Terraform face of secgroup: the provider with one
// configuration block per cloud, the secgroup_rule resource and the
// secgroup_rules data source. It speaks only the portable model of package
// rule; every vendor detail sits behind package cloud.
package provider

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/apsarastack"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/baiducloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/ens"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/zenlayer"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
)

var (
	_ provider.Provider                  = &SecgroupProvider{}
	_ provider.ProviderWithListResources = &SecgroupProvider{}
	_ provider.ProviderWithActions       = &SecgroupProvider{}
	// The ephemeral secgroup_rule (Terraform 1.10+).
	_ provider.ProviderWithEphemeralResources = &SecgroupProvider{}
)

// SecgroupProvider is the provider.
type SecgroupProvider struct {
	version  string
	registry *cloud.Registry
	// groups coordinates the process's reads and writes
	// (engine.ProcessGroups; tests hand their own).
	groups *engine.Groups
}

// Clouds is every cloud the provider manages, in documentation order.
func Clouds() *cloud.Registry {
	return cloud.NewRegistry(zenlayer.Definition(), alicloud.Definition(), baiducloud.Definition(), apsarastack.Definition(), ens.Definition())
}

// New returns the provider factory.
func New(version string) func() provider.Provider {
	return newWith(version, engine.ProcessGroups)
}

// newWith returns a factory of providers that coordinate through groups.
func newWith(version string, groups *engine.Groups) func() provider.Provider {
	return func() provider.Provider {
		return &SecgroupProvider{version: version, registry: Clouds(), groups: groups}
	}
}

// Metadata names the provider.
func (p *SecgroupProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "secgroup"
	resp.Version = p.version
}

// Schema has one optional block per cloud, built from the cloud's settings.
func (p *SecgroupProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	blocks := map[string]schema.Block{}
	for _, c := range p.registry.All() {
		attrs := map[string]schema.Attribute{}
		for _, s := range c.Settings {
			desc := s.Description
			if len(s.EnvVars) > 0 {
				desc += " Read from `" + strings.Join(s.EnvVars, "`, `") + "` when not set."
			}
			if s.Required {
				desc += " Required to manage " + c.Title + " rules."
			}
			attrs[s.Name] = schema.StringAttribute{Optional: true, Sensitive: s.Sensitive, MarkdownDescription: desc}
		}
		attrs[ruleQuotaAttribute] = schema.StringAttribute{Optional: true, MarkdownDescription: ruleQuotaDescription(c)}
		blocks[c.Name] = schema.SingleNestedBlock{
			MarkdownDescription: "Credentials and endpoint of " + c.Title + ". Only needed when a rule uses `cloud = \"" + c.Name + "\"`.",
			Attributes:          attrs,
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages security group rules on several clouds with one resource. Each cloud has an optional block; " +
			"a cloud is contacted only when a rule uses it.",
		Blocks: blocks,
	}
}

// Configure reads and resolves each block (cloudConfigs); connecting waits
// until a rule needs a cloud.
func (p *SecgroupProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	values := map[string]map[string]string{}
	for _, c := range p.registry.All() {
		values[c.Name] = map[string]string{}
		for _, name := range blockAttributes(c) {
			var v types.String
			resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(c.Name).AtName(name), &v)...)
			if v.IsUnknown() {
				resp.Diagnostics.AddAttributeError(path.Root(c.Name).AtName(name), "Unknown Provider Setting",
					fmt.Sprintf("%s.%s depends on a value not known until apply; the provider needs it to plan. Set it from a variable or the environment.", c.Name, name))
				continue
			}
			values[c.Name][name] = v.ValueString()
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	configs, diags := cloudConfigs(p.registry, values, os.Getenv)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	// Once per configuration, not per resource: a lock folder refused,
	// with where the locks are kept instead, or locking off and what is
	// lost.
	if summary, detail := p.groups.MachineLockProblem(); summary != "" {
		resp.Diagnostics.AddWarning(summary, detail)
	}
	conns := engine.NewConnections(p.registry, configs, p.groups)
	ctx = conns.MaskSecrets(ctx)
	tflog.Debug(ctx, "configured secgroup provider", map[string]any{"clouds": p.registry.Names()})
	resp.ResourceData = conns
	resp.DataSourceData = conns
	resp.ListResourceData = conns
	resp.ActionData = conns
	resp.EphemeralResourceData = conns
}

// Resources lists the resources.
func (p *SecgroupProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return NewRuleResource(p.registry) },
		func() resource.Resource { return NewRulesExclusive(p.registry) },
		func() resource.Resource { return NewRuleSetResource(p.registry) },
	}
}

// ListResources lists the list resources (terraform query, 1.14+).
func (p *SecgroupProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{func() list.ListResource { return NewRuleList(p.registry) }}
}

// DataSources lists the data sources.
func (p *SecgroupProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{func() datasource.DataSource { return NewRulesDataSource(p.registry) }}
}

// Actions lists the actions (Terraform 1.14+).
func (p *SecgroupProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{func() action.Action { return NewRevokeAction(p.registry) }}
}

// EphemeralResources lists the ephemeral resources (Terraform 1.10+).
func (p *SecgroupProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{func() ephemeral.EphemeralResource { return NewEphemeralRule(p.registry) }}
}
