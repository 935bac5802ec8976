package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// sameMeaning keeps the prior spelling when the configuration means the
// same, and only then.
func TestSameMeaning(t *testing.T) {
	cidr, ports := sameMeaning{canon: rule.CanonicalCIDR}, sameMeaning{canon: rule.CanonicalPortRange}
	for _, tc := range []struct {
		name          string
		m             sameMeaning
		state, config types.String
		keep          bool // the plan takes the state's value
	}{
		{"an address and its /32", cidr, types.StringValue("10.0.0.1/32"), types.StringValue("10.0.0.1"), true},
		{"IPv6 case", cidr, types.StringValue("2001:db8::/32"), types.StringValue("2001:DB8::/32"), true},
		{"another block", cidr, types.StringValue("10.0.0.0/8"), types.StringValue("10.0.0.0/16"), false},
		{"22 and 22-22", ports, types.StringValue("22"), types.StringValue("22-22"), true},
		{"80/443 and 80-443", ports, types.StringValue("80-443"), types.StringValue("80/443"), true},
		{"another range", ports, types.StringValue("80-443"), types.StringValue("80-444"), false},
		{"no state: a create", ports, types.StringNull(), types.StringValue("22"), false},
		{"unknown config", ports, types.StringValue("22"), types.StringUnknown(), false},
		{"an invalid config", ports, types.StringValue("22"), types.StringValue("x"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := planmodifier.StringRequest{StateValue: tc.state, ConfigValue: tc.config, PlanValue: tc.config}
			resp := planmodifier.StringResponse{PlanValue: req.PlanValue}
			tc.m.PlanModifyString(context.Background(), req, &resp)
			want := tc.config
			if tc.keep {
				want = tc.state
			}
			if !resp.PlanValue.Equal(want) {
				t.Errorf("planned %v, want %v", resp.PlanValue, want)
			}
		})
	}
}
