package provider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// The attributes secgroup_rule, the secgroup_rules data source, the
// secgroup_rule list resource and secgroup_rules_exclusive share.

// cloudAttribute is the description and checks of a `cloud` attribute.
func cloudAttribute(registry *cloud.Registry, what string) (string, []validator.String) {
	return what + ": one of `" + strings.Join(registry.Names(), "`, `") + "`.",
		[]validator.String{stringvalidator.OneOf(registry.Names()...)}
}

// The checks of the attributes that secgroup_rule shares with the filters
// of the data source and the list resource, defined once: a filter takes
// what the resource's attribute takes.
var (
	groupIDValidators   = []validator.String{groupIDValidator{}}
	directionValidators = []validator.String{stringvalidator.OneOf(rule.Directions...)}
	protocolValidators  = []validator.String{stringvalidator.OneOf(rule.Protocols...)}
	cidrValidators      = []validator.String{cidrValidator()}
)
