package alicloud

import (
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alibaba"
)

// codes are the ECS error codes whose meaning names the alicloud block's
// settings; every rule-level code is in alibaba.Codes.
var codes = alibaba.SettingCodes("alicloud", "ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_REGION", nil)

// classify sorts a refusal by its code. The request's direction says
// which side of the rule the source/destination codes refer to.
func classify(req cloud.Request, e *cloud.Error) {
	alibaba.Classify(e, req.Direction, codes)
}
