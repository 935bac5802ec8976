package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// What secgroup_rule, the secgroup_rules data source and the secgroup_rule
// list resource share: the provider's connections, the attributes that
// name a group, and reading a group's rules.

// connectionsFrom is the provider's connections, handed to Configure.
// Nil without an error: the provider is not configured yet.
func connectionsFrom(providerData any, kind string, diags *diag.Diagnostics) *engine.Connections {
	if providerData == nil {
		return nil
	}
	conns, ok := providerData.(*engine.Connections)
	if !ok {
		diags.AddError("Unexpected "+kind+" Configure Type",
			fmt.Sprintf("Expected *engine.Connections, got: %T. Please report this issue to the provider developers.", providerData))
	}
	return conns
}

// cloudAttribute is the description and checks of a `cloud` attribute.
func cloudAttribute(registry *cloud.Registry, what string) (string, []validator.String) {
	return what + ": one of `" + strings.Join(registry.Names(), "`, `") + "`.",
		[]validator.String{stringvalidator.OneOf(registry.Names()...)}
}

// groupIDValidators check a `security_group_id`: the group's own id, which
// an import id or identity can hold whole.
var groupIDValidators = []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.RegexMatches(plainID, "must not contain \"/\", \",\" or spaces")}

// directionValidators check a `direction` filter.
var directionValidators = []validator.String{stringvalidator.OneOf(rule.Directions...)}

// readGroup lists a group's rules through the shared reads: one describe
// per group, whoever asks. Every failure is a diagnostic.
func readGroup(ctx context.Context, conns *engine.Connections, cloudName, group string) ([]rule.Rule, diag.Diagnostics) {
	var diags diag.Diagnostics
	if conns == nil {
		diags.AddError("Provider Not Configured", "The secgroup provider was not configured.")
		return nil, diags
	}
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()
	c, err := conns.Client(ctx, cloudName)
	if err != nil {
		diags.AddAttributeError(path.Root("cloud"), "Cannot Use Cloud", err.Error())
		return nil, diags
	}
	rules, err := c.List(conns.MaskSecrets(ctx), group)
	if err != nil {
		addCloudError(&diags, "Could Not List Rules", fmt.Errorf("security group %s: %w", group, err))
		return nil, diags
	}
	return rules, diags
}
