package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// syntaxValidator checks a string attribute with one of package rule's
// parsers, so plan-time checks and the id codec agree on what is valid.
type syntaxValidator struct {
	what  string
	parse func(string) (string, error)
}

func (v syntaxValidator) Description(context.Context) string { return "must be " + v.what }

func (v syntaxValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v syntaxValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := v.parse(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
			fmt.Sprintf("%s must be %s: %v.", req.Path, v.what, err))
	}
}

// groupIDValidator checks a `security_group_id`: the group's own id, which
// an import id or identity can hold whole. One error whatever is wrong.
type groupIDValidator struct{}

func (groupIDValidator) Description(context.Context) string {
	return `the security group's own id: not empty, without "/", "," or white space`
}

func (v groupIDValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (groupIDValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	switch id := req.ConfigValue.ValueString(); {
	case id == "":
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value", fmt.Sprintf("%s is empty: give the id of the security group.", req.Path))
	case !plainID.MatchString(id):
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
			fmt.Sprintf("%s %q holds \"/\", \",\" or white space: give the group's own id.", req.Path, id))
	}
}

// checkTimeouts refuses a timeout (of a timeouts attribute) that is not
// positive: its operation would end before its first call. The timeouts
// library checks only that each parses.
func checkTimeouts(timeouts types.Object) diag.Diagnostics {
	var diags diag.Diagnostics
	for name, v := range timeouts.Attributes() {
		s, ok := v.(types.String)
		if !ok || !known(s) {
			continue
		}
		if d, err := time.ParseDuration(s.ValueString()); err == nil && d <= 0 {
			diags.AddAttributeError(path.Root("timeouts").AtName(name), "Invalid Attribute Value",
				fmt.Sprintf("timeouts.%s is %q: give a positive duration, such as \"10m\" (the operation would end before its first call).", name, s.ValueString()))
		}
	}
	return diags
}

func portRangeValidator() validator.String {
	return syntaxValidator{what: `a port ("22") or a range ("80-443" or "80/443") within 1-65535`, parse: rule.CanonicalPortRange}
}

func cidrValidator() validator.String {
	return syntaxValidator{what: "an IPv4 or IPv6 CIDR block or address", parse: rule.CanonicalCIDR}
}
