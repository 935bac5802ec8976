package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSyntaxValidators(t *testing.T) {
	for _, tc := range []struct {
		name  string
		v     validator.String
		value types.String
		want  string // empty: valid
	}{
		{"a port", portRangeValidator(), types.StringValue("22"), ""},
		{"a range", portRangeValidator(), types.StringValue("80-443"), ""},
		{"a slash range", portRangeValidator(), types.StringValue("80/443"), ""},
		{"port zero", portRangeValidator(), types.StringValue("0"), "outside 1-65535"},
		{"reversed", portRangeValidator(), types.StringValue("443-80"), `write "80-443"`},
		{"words", portRangeValidator(), types.StringValue("ssh"), "port_range must be a port"},
		{"null waits", portRangeValidator(), types.StringNull(), ""},
		{"unknown waits", portRangeValidator(), types.StringUnknown(), ""},
		{"an IPv4 block", cidrValidator(), types.StringValue("10.0.0.0/8"), ""},
		{"an address", cidrValidator(), types.StringValue("10.0.0.1"), ""},
		{"an IPv6 block", cidrValidator(), types.StringValue("2001:DB8::/32"), ""},
		{"host bits", cidrValidator(), types.StringValue("10.0.0.1/8"), "network address 10.0.0.0/8"},
		{"garbage", cidrValidator(), types.StringValue("10.0.0.0/33"), "not a CIDR block"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			attr := "port_range"
			if strings.HasPrefix(tc.v.Description(context.Background()), "must be an IPv4") {
				attr = "cidr"
			}
			req := validator.StringRequest{Path: path.Root(attr), ConfigValue: tc.value}
			var resp validator.StringResponse
			tc.v.ValidateString(context.Background(), req, &resp)
			if tc.want == "" {
				if resp.Diagnostics.HasError() {
					t.Fatalf("unexpected: %s", diagText(resp.Diagnostics))
				}
				return
			}
			if resp.Diagnostics.ErrorsCount() != 1 {
				t.Fatalf("want one error, got %s", diagText(resp.Diagnostics))
			}
			d := resp.Diagnostics.Errors()[0]
			if d.Summary() != "Invalid Attribute Value" || !strings.Contains(d.Detail(), tc.want) || !strings.HasPrefix(d.Detail(), attr+" must be") {
				t.Errorf("got %q: %q, want the fixed summary and %q", d.Summary(), d.Detail(), tc.want)
			}
		})
	}
}
