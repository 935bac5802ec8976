package alicloud

import (
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alibaba"
)

// codes are the ECS error codes whose meaning names the alicloud block's
// settings; every rule-level code is in alibaba.Codes.
var codes = alibaba.SettingCodes("alicloud", "ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_REGION")

// classify turns an SDK error into a *cloud.Error. direction says which
// side of the rule the source/destination codes refer to.
func classify(action string, err error, direction string) error {
	if err == nil {
		return nil
	}
	e, answered := alibaba.FromSDK(Name, action, err)
	if answered {
		alibaba.Classify(e, direction, codes)
	}
	return e
}
