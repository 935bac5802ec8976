package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

var _ resource.ResourceWithIdentity = &RulesExclusive{}

// The identity of secgroup_rules_exclusive (Terraform 1.12+, OpenTofu
// 1.12+) is the group it governs: the cloud and the group's id, the two
// parts of its import id. Neither changes: a new group is a new resource.
var groupIdentityNames = []string{identityCloud, identityGroup}

// IdentitySchema declares the identity; import blocks name a group by it.
func (r *RulesExclusive) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: groupIdentityAttributes(r.registry)}
}

// setGroupIdentity writes the identity of the group cloudName/group. A
// client without identity support gets it too and ignores it.
func setGroupIdentity(ctx context.Context, target *tfsdk.ResourceIdentity, cloudName, group string) {
	if target == nil || cloudName == "" || group == "" {
		return
	}
	target.Raw = identityOf(target.Schema.Type().TerraformType(ctx), groupIdentityNames, []string{cloudName, group})
}

// groupIDFromIdentity is the import id ("<cloud>/<group>") an import
// block's identity names.
func groupIDFromIdentity(identity *tfsdk.ResourceIdentity) (string, diag.Diagnostics) {
	return importIDFromIdentity(identity, groupIdentityNames, `the import id "<cloud>/<security_group_id>"`, "cloud and security_group_id")
}
