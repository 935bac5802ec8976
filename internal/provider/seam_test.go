package provider

import (
	"errors"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
)

// A failed describe has one wording everywhere, on the attribute at
// fault: the group's, the one the cloud's error names, or, for refused
// credentials and an endpoint that does not answer, cloud (the provider
// block it names).
func TestReadErrorAttribute(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want path.Path
	}{
		{"group gone", &cloud.Error{Kind: cloud.KindGroupGone, Code: "InvalidSecurityGroupId.NotFound"}, path.Root("security_group_id")},
		{"throttled", &cloud.Error{Kind: cloud.KindTransient, Code: "Throttling.User"}, path.Root("security_group_id")},
		{"named attribute", &cloud.Error{Kind: cloud.KindInvalid, Code: "InvalidParameter", Attribute: "cidr"}, path.Root("cidr")},
		{"credentials", &cloud.Error{Kind: cloud.KindAuth, Code: "InvalidAccessKeyId.NotFound"}, path.Root("cloud")},
		{"no answer", &cloud.Error{Kind: cloud.KindTransient, Err: errors.New("connection refused")}, path.Root("cloud")},
	} {
		var diags diag.Diagnostics
		addReadError(&diags, "sg-1", "", tc.err)
		if len(diags) != 1 || diags[0].Summary() != "Cannot Read Security Group" {
			t.Fatalf("%s: %v", tc.name, diags)
		}
		if d, ok := diags[0].(diag.DiagnosticWithPath); !ok || !d.Path().Equal(tc.want) {
			t.Errorf("%s: on %v, want %s", tc.name, diags[0], tc.want)
		}
	}
}
