package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Credentials are sensitive in every cloud block, and the schemas are valid.
func TestSchemas(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	var ps fwprovider.SchemaResponse
	p.Schema(ctx, fwprovider.SchemaRequest{}, &ps)
	for _, c := range Clouds().All() {
		block, ok := ps.Schema.Blocks[c.Name].(pschema.SingleNestedBlock)
		if !ok {
			t.Fatalf("no %s block", c.Name)
		}
		for _, key := range []string{"access_key", "secret_key"} {
			if a, ok := block.Attributes[key]; !ok || !a.IsSensitive() {
				t.Errorf("%s.%s must exist and be sensitive", c.Name, key)
			}
		}
	}
	var rs resource.SchemaResponse
	NewRuleResource(Clouds()).Schema(ctx, resource.SchemaRequest{}, &rs)
	if rs.Diagnostics.HasError() {
		t.Fatal(rs.Diagnostics)
	}
	if diags := rs.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatal(diags)
	}
	var ds datasource.SchemaResponse
	NewRulesDataSource(Clouds()).Schema(ctx, datasource.SchemaRequest{}, &ds)
	if diags := ds.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatal(diags)
	}
}
