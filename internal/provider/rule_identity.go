package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
)

var _ resource.ResourceWithIdentity = &RuleResource{}

// A rule's identity (Terraform 1.12+, OpenTofu 1.12+) is its import id in
// three parts; it changes only when the rule is made again out of band under a
// new id, which Read adopts (MutableIdentity; DESIGN.md, "Persisted formats").
const (
	identityCloud = "cloud"
	identityGroup = "security_group_id"
	identityRule  = "rule"
)

// ruleIdentityNames are the identity's attributes in import-id order.
var ruleIdentityNames = []string{identityCloud, identityGroup, identityRule}

// IdentitySchema declares the identity; import blocks name a rule by it.
func (r *RuleResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	attrs := groupIdentityAttributes(r.registry)
	attrs[identityRule] = identityschema.StringAttribute{RequiredForImport: true, Description: r.identityRuleDescription()}
	resp.IdentitySchema = identityschema.Schema{Attributes: attrs}
}

// groupIdentityAttributes are the identity attributes that name a group,
// which both resources' identities begin with.
func groupIdentityAttributes(registry *cloud.Registry) map[string]identityschema.Attribute {
	return map[string]identityschema.Attribute{
		identityCloud: identityschema.StringAttribute{RequiredForImport: true,
			Description: "The cloud: " + strings.Join(registry.Names(), ", ") + "."},
		identityGroup: identityschema.StringAttribute{RequiredForImport: true,
			Description: "The security group's id."},
	}
}

// identityRuleDescription says what `rule` holds on each cloud, read from
// the clouds' capabilities (whether they have rule ids).
func (r *RuleResource) identityRuleDescription() string {
	var withIDs, without []string
	for _, c := range r.registry.All() {
		if c.Capabilities.NativeIDs {
			withIDs = append(withIDs, c.Name)
		} else {
			without = append(without, c.Name)
		}
	}
	d := "The rule as its import id names it: the cloud's rule id (" + strings.Join(withIDs, ", ") + ")"
	if len(without) > 0 {
		d += ", or its content key `<direction>,<protocol>,<port_range>,<cidr>[,name=value...]` where the cloud has no rule ids (" + strings.Join(without, ", ") + ")"
	}
	return d + "."
}

// identityValue is the identity of the rule whose resource id is id
// ("<cloud>/<group>/<rule>"), as a value of the identity's type t.
func identityValue(t tftypes.Type, id string) tftypes.Value {
	parts := strings.SplitN(id, "/", 3)
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	return identityOf(t, ruleIdentityNames, parts)
}

// identityOf is an identity of type t whose attributes names hold parts.
func identityOf(t tftypes.Type, names, parts []string) tftypes.Value {
	attrs := make(map[string]tftypes.Value, len(names))
	for i, name := range names {
		attrs[name] = tftypes.NewValue(tftypes.String, parts[i])
	}
	return tftypes.NewValue(t, attrs)
}

// setIdentity writes the identity of the rule whose resource id is id.
// A client without identity support gets it too and ignores it.
func setIdentity(ctx context.Context, target *tfsdk.ResourceIdentity, id string) {
	if target == nil || id == "" {
		return
	}
	target.Raw = identityValue(target.Schema.Type().TerraformType(ctx), id)
}

// idFromIdentity is the import id an import block's identity names.
func idFromIdentity(identity *tfsdk.ResourceIdentity) (string, diag.Diagnostics) {
	return importIDFromIdentity(identity, ruleIdentityNames,
		"the rule's import id", "cloud, security_group_id and rule (the cloud's rule id, or the rule's content key on a cloud without rule ids)")
}

// importIDFromIdentity joins an import block's identity attributes names
// into an import id; what says what else to give, wants what the identity
// needs.
func importIDFromIdentity(identity *tfsdk.ResourceIdentity, names []string, what, wants string) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	var attrs map[string]tftypes.Value
	if identity == nil || identity.Raw.IsNull() || identity.Raw.As(&attrs) != nil {
		diags.AddError("Invalid Import Identity", "Give "+what+", or the identity: "+wants+".")
		return "", diags
	}
	parts := make([]string, 0, len(names))
	for _, name := range names {
		var s string
		if v, ok := attrs[name]; !ok || !v.IsKnown() || v.IsNull() || v.As(&s) != nil || s == "" {
			diags.AddError("Invalid Import Identity", fmt.Sprintf("The identity needs %s: %s.", name, wants))
			return "", diags
		}
		parts = append(parts, s)
	}
	if strings.Contains(parts[1], "/") {
		diags.AddError("Invalid Import Identity", fmt.Sprintf("security_group_id %q holds a \"/\", which no group id does.", parts[1]))
		return "", diags
	}
	return strings.Join(parts, "/"), diags
}
