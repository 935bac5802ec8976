package ens

import (
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alibaba"
)

// codes maps the error codes of the ENS RevokeSecurityGroupEgress reference
// (RevokeSecurityGroup lists the same) and ENS's signature layer to what they mean for a Terraform user; ENS answers most with
// HTTP 400.
var codes = alibaba.SettingCodes("ens", "ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "", map[string]cloud.Verdict{
	"SecurityGroupRule.NotFound":           {Kind: cloud.KindRuleGone},
	"InvalidSecurityGroupId.NotFound":      {Kind: cloud.KindGroupGone, Attribute: "security_group_id", Hint: "Check security_group_id: the ENS group does not exist"},
	"SecurityGroupRuleConflict.Duplicated": {Kind: cloud.KindDuplicate},
	"AuthorizationLimitExceed":             {Kind: cloud.KindInvalid, Attribute: "security_group_id", Hint: "The group has reached its rule quota: remove rules from it or use another group"},
	"MissingParameter":                     {Kind: cloud.KindInvalid, Attribute: "cidr", Hint: "ENS needs protocol, port_range (-1/-1 is sent for protocols without ports) and an IPv4 cidr on every rule"},
	"NoPermission":                         {Kind: cloud.KindAuth, Hint: "The AccessKey lacks the RAM permission for this ENS action (ens:AuthorizeSecurityGroup and friends)"},
	"InvalidParameter":                     {Kind: cloud.KindInvalid, Hint: "ENS refused a parameter; the message names it"},
	"ens.interface.error": {Kind: cloud.KindUnknown,
		Hint: "ENS failed while calling its own back end; this often means the group is gone or still being set up: check security_group_id, then run the apply again"},
	"CallInterface": {Kind: cloud.KindUnknown, Hint: "ENS failed while calling its own back end: run the apply again later"},
})

// parameterAttributes names the attribute behind each InvalidParameter.<field>.
var parameterAttributes = map[string]string{
	"IpProtocol": "protocol", "PortRange": "port_range", "SourcePortRange": "source_port_range",
	"SourceCidrIp": "cidr", "DestCidrIp": "cidr", "Policy": "policy", "Priority": "priority", "SecurityGroupId": "security_group_id",
}

// classify sorts a refusal by its code.
func classify(req cloud.Request, e *cloud.Error) {
	alibaba.Classify(e, "", codes)
	// ENS answers a describe of a group that no longer exists with
	// ens.interface.error; the vendor's own provider reads it so
	// (terraform-provider-alicloud DescribeEnsSecurityGroup), the
	// document being silent.
	if e.Code == "ens.interface.error" && req.Action == "DescribeSecurityGroupAttribute" {
		e.Kind, e.Attribute, e.Inferred = cloud.KindGroupGone, "security_group_id", true
		e.Hint = "Check security_group_id: ENS could not describe the group, which its own provider reads as a group that does not exist"
	}
	if field, ok := strings.CutPrefix(e.Code, "InvalidParameter."); ok {
		e.Kind, e.Attribute = cloud.KindInvalid, parameterAttributes[field]
		e.Hint = "ENS refused " + field + ": check " + e.Attribute + " against what ENS accepts (IPv4 CIDRs, lower-case protocols, ports 1-65535, priority 1-100)"
		if e.Attribute == "" {
			e.Hint = "ENS refused " + field
		}
	}
}
