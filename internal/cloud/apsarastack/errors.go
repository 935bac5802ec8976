package apsarastack

import (
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/ecsrules"
)

// codes are the error codes whose meaning names the apsarastack block's
// settings; every rule-level code is ECS's (ecsrules.Codes).
var codes = func() map[string]ecsrules.Verdict {
	c := ecsrules.SettingCodes("apsarastack", "APSARASTACK_ACCESS_KEY", "APSARASTACK_SECRET_KEY", "APSARASTACK_REGION")
	c["NoPermission"] = ecsrules.Verdict{Kind: cloud.KindAuth, Hint: "The AccessKey lacks the permission for this action, or organization_id/resource_group_id name a scope it cannot use"}
	return c
}()

// classify sets the kind of an answer's error.
func classify(e *cloud.Error, direction string) {
	ecsrules.Classify(e, direction, codes)
	if e.Kind == cloud.KindUnknown && e.Status == 429 {
		e.Kind = cloud.KindTransient
	}
}

// gatewayHint is for gateway failures that carry no ECS code.
const gatewayHint = "The Apsara Stack gateway refused the call: check endpoint, organization_id and resource_group_id in the apsarastack block"
