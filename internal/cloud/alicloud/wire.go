package alicloud

import (
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alibaba"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// revokeParams names the rules of one direction for RevokeSecurityGroup
// or RevokeSecurityGroupEgress: one rule as the API's flat parameters,
// several as one Permissions.N list, the successor of the flat form in the
// SDK. Rules are written as ECS names them (alibaba.Params).
func revokeParams(batch []rule.Rule) map[string]string {
	if len(batch) == 1 {
		return alibaba.Params(batch[0], false)
	}
	return alibaba.Permissions(batch, false)
}

// moves takes alicloud_security_group_rule from the vendor's provider
// (aliyun/alicloud); its state is ECS's rule, read by alibaba.MoveRule.
var moves = []cloud.Move{{TypeNames: []string{"alicloud_security_group_rule"}, Provider: "alicloud", Rule: alibaba.MoveRule}}
