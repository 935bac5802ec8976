package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// standinProvider stands in for a vendor's provider in the move tests:
// Terraform starts the source provider of a `moved` block, so it must be
// there, but nothing is asked of it beyond keeping a state of the vendor's
// shape. Its resources store their configuration as their state, at
// schema version 0 as the vendors' do, with a fixed id.
type standinProvider struct {
	name  string
	types map[string][]string // resource type → attribute names
}

// standin returns a factory for a stand-in provider.
func standin(name string, types map[string][]string) func() (tfprotov6.ProviderServer, error) {
	return providerserver.NewProtocol6WithError(&standinProvider{name: name, types: types})
}

func (p *standinProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = p.name
}

func (p *standinProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (p *standinProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *standinProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

func (p *standinProvider) Resources(context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for typeName, attrs := range p.types {
		out = append(out, func() resource.Resource { return &standinResource{typeName: typeName, attrs: attrs} })
	}
	return out
}

// standinResource keeps string attributes (priority a number, as the
// vendors keep it).
type standinResource struct {
	typeName string
	attrs    []string
}

func (r *standinResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = r.typeName
}

func (r *standinResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
	}
	for _, a := range r.attrs {
		if a == "priority" {
			attrs[a] = schema.Int64Attribute{Optional: true}
			continue
		}
		attrs[a] = schema.StringAttribute{Optional: true}
	}
	resp.Schema = schema.Schema{Attributes: attrs}
}

func (r *standinResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = req.Plan.Raw
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), types.StringValue("standin"))...)
}

func (r *standinResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *standinResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (r *standinResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
