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
)

var _ resource.ResourceWithIdentity = &RulesExclusive{}

// The identity of secgroup_rules_exclusive (Terraform 1.12+, OpenTofu
// 1.12+) is the group it governs: the cloud and the group's id, the two
// parts of its import id. Neither changes: a new group is a new resource.

// IdentitySchema declares the identity; import blocks name a group by it.
func (r *RulesExclusive) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			identityCloud: identityschema.StringAttribute{RequiredForImport: true,
				Description: "The cloud: " + strings.Join(r.registry.Names(), ", ") + "."},
			identityGroup: identityschema.StringAttribute{RequiredForImport: true,
				Description: "The security group's id."},
		},
	}
}

// setGroupIdentity writes the identity of the group cloudName/group. A
// client without identity support gets it too and ignores it.
func setGroupIdentity(ctx context.Context, target *tfsdk.ResourceIdentity, cloudName, group string) {
	if target == nil || cloudName == "" || group == "" {
		return
	}
	target.Raw = tftypes.NewValue(target.Schema.Type().TerraformType(ctx), map[string]tftypes.Value{
		identityCloud: tftypes.NewValue(tftypes.String, cloudName),
		identityGroup: tftypes.NewValue(tftypes.String, group),
	})
}

// groupIDFromIdentity is the import id ("<cloud>/<group>") an import
// block's identity names.
func groupIDFromIdentity(identity *tfsdk.ResourceIdentity) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	var attrs map[string]tftypes.Value
	if identity == nil || identity.Raw.IsNull() || identity.Raw.As(&attrs) != nil {
		diags.AddError("Invalid Import Identity", "Give the import id \"<cloud>/<security_group_id>\", or the identity: cloud and security_group_id.")
		return "", diags
	}
	parts := make([]string, 0, 2)
	for _, name := range []string{identityCloud, identityGroup} {
		var s string
		if v, ok := attrs[name]; !ok || !v.IsKnown() || v.IsNull() || v.As(&s) != nil || s == "" {
			diags.AddError("Invalid Import Identity", fmt.Sprintf("The identity needs %s: cloud and security_group_id.", name))
			return "", diags
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "/"), diags
}
