package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

// sameMeaning keeps the prior state value in the plan when the
// configuration says the same thing in another spelling ("10.0.0.1" for
// "10.0.0.1/32", "22-22" for "22"), so an imported rule shows no diff and
// is never replaced for spelling alone. Terraform accepts a planned value
// equal to the prior state for exactly this purpose.
type sameMeaning struct {
	canon func(string) (string, error)
}

func (m sameMeaning) Description(context.Context) string {
	return "no diff between spellings of the same value"
}

func (m sameMeaning) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (m sameMeaning) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	a, err1 := m.canon(req.StateValue.ValueString())
	b, err2 := m.canon(req.ConfigValue.ValueString())
	if err1 == nil && err2 == nil && a == b {
		resp.PlanValue = req.StateValue
	}
}
