package apsarastack

import (
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/ecsrules"
)

// codes are the error codes whose meaning names the apsarastack block's
// settings; every rule-level code is ECS's (ecsrules.Codes).
var codes = map[string]ecsrules.Verdict{
	"InvalidSecurityGroupId.NotFound": {Kind: cloud.KindGroupGone, Attribute: "security_group_id", Hint: "Check security_group_id and the apsarastack block's region: the group does not exist there"},
	"InvalidRegionId.NotFound":        {Kind: cloud.KindInvalid, Hint: "Set region in the provider's apsarastack block (or APSARASTACK_REGION) to a region of this Apsara Stack"},
	"InvalidAccessKeyId.NotFound":     {Kind: cloud.KindAuth, Hint: "Check access_key in the provider's apsarastack block (or APSARASTACK_ACCESS_KEY)"},
	"InvalidAccessKeyId.Inactive":     {Kind: cloud.KindAuth, Hint: "The AccessKey is disabled; enable it or use another one"},
	"SignatureDoesNotMatch":           {Kind: cloud.KindAuth, Hint: "Check secret_key in the provider's apsarastack block (or APSARASTACK_SECRET_KEY)"},
	"IncompleteSignature":             {Kind: cloud.KindAuth, Hint: "Check secret_key in the provider's apsarastack block (or APSARASTACK_SECRET_KEY)"},
	"InvalidTimeStamp.Expired":        {Kind: cloud.KindAuth, Hint: "The request's time differs from the cloud's by more than 15 minutes: check this machine's clock"},
	"Forbidden.RAM":                   {Kind: cloud.KindAuth, Hint: "The AccessKey lacks the permission for this action"},
	"NoPermission":                    {Kind: cloud.KindAuth, Hint: "The AccessKey lacks the permission for this action, or organization_id/resource_group_id name a scope it cannot use"},
}

// classify sets the kind of an answer's error.
func classify(e *cloud.Error, direction string) {
	ecsrules.Classify(e, direction, codes)
	if e.Kind == cloud.KindUnknown && e.Status == 429 {
		e.Kind = cloud.KindTransient
	}
}

// gatewayHint is for gateway failures that carry no ECS code.
const gatewayHint = "The Apsara Stack gateway refused the call: check endpoint, organization_id and resource_group_id in the apsarastack block"
