package alibaba

import (
	"maps"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
)

// Codes maps the rule-level error codes of the ECS API to what they mean
// for a Terraform user: those of the ECS RevokeSecurityGroup reference, and
// those of the change of July 8, 2024 that the current RevokeSecurityGroup
// page notes (a revoke of a rule that does not exist fails with
// InvalidParam.SecurityGroupRuleId), among them. Apsara Stack's gateway
// passes ECS's codes through. Codes that name a cloud's own settings
// (credentials, region) are each cloud's.
var Codes = map[string]cloud.Verdict{
	// The rule is gone: the code of the ECS RevokeSecurityGroup reference,
	// the codes of the July 8, 2024 change, and the codes ECS answers for
	// unknown rule ids.
	"InvalidGroupAuthItem.NotFound":         {Kind: cloud.KindRuleGone},
	"InvalidSecurityGroupRule.RuleNotExist": {Kind: cloud.KindRuleGone},
	"InvalidParam.SecurityGroupRuleId":      {Kind: cloud.KindRuleGone},
	"InvalidSecurityGroupRuleId.NotFound":   {Kind: cloud.KindRuleGone},
	"SecurityGroupRule.NotFound":            {Kind: cloud.KindRuleGone},

	"InvalidIpPortRange.Malformed":        {Kind: cloud.KindInvalid, Attribute: "port_range", Hint: "Give port_range as \"22\" or \"1-200\" within 1-65535 for tcp and udp, and leave it out for other protocols"},
	"InvalidParam.PortRange":              {Kind: cloud.KindInvalid, Attribute: "port_range", Hint: "Give port_range as \"22\" or \"1-200\" within 1-65535 for tcp and udp, and leave it out for other protocols"},
	"InvalidSourcePortRange.Malformed":    {Kind: cloud.KindInvalid, Attribute: "source_port_range", Hint: "Give source_port_range as \"22\" or \"1-200\" within 1-65535"},
	"InvalidIpProtocol.ValueNotSupported": {Kind: cloud.KindInvalid, Attribute: "protocol", Hint: "Use one of tcp, udp, icmp, icmpv6, gre or all"},
	"InvalidNicType.ValueNotSupported":    {Kind: cloud.KindInvalid, Attribute: "nic_type", Hint: "Use intranet (the only type of VPC groups) or internet (classic network)"},
	"InvalidNicType.Mismatch":             {Kind: cloud.KindInvalid, Attribute: "nic_type", Hint: "The rule in the cloud has another NIC type: set nic_type to it (terraform plan -refresh-only shows it), or leave nic_type out"},
	"InvalidPolicy.Malformed":             {Kind: cloud.KindInvalid, Attribute: "policy", Hint: "Use accept or drop"},
	"InvalidPriority.Malformed":           {Kind: cloud.KindInvalid, Attribute: "priority", Hint: "Use a priority from 1 to 100"},
	"InvalidSourceCidrIp.Malformed":       {Kind: cloud.KindInvalid, Attribute: "cidr", Hint: "Give an IPv4 or IPv6 CIDR block such as 10.0.0.0/8"},
	"InvalidDestCidrIp.Malformed":         {Kind: cloud.KindInvalid, Attribute: "cidr", Hint: "Give an IPv4 or IPv6 CIDR block such as 10.0.0.0/8"},
	"InvalidIpv6SourceCidrIp.Malformed":   {Kind: cloud.KindInvalid, Attribute: "cidr", Hint: "Give an IPv6 CIDR block such as 2001:db8::/32"},
	"InvalidIpv6DestCidrIp.Malformed":     {Kind: cloud.KindInvalid, Attribute: "cidr", Hint: "Give an IPv6 CIDR block such as 2001:db8::/32"},
	"InvalidSourceGroupId.Mismatch":       {Kind: cloud.KindInvalid, Attribute: "peer_security_group_id", Hint: "The peer group must be in the same VPC as security_group_id; for a group of another account also set peer_group_owner_account or peer_group_owner_id"},
	"InvalidDestGroupId.Mismatch":         {Kind: cloud.KindInvalid, Attribute: "peer_security_group_id", Hint: "The peer group must be in the same VPC as security_group_id; for a group of another account also set peer_group_owner_account or peer_group_owner_id"},
	"InvalidSourceGroupId.NotFound":       {Kind: cloud.KindInvalid, Attribute: "peer_security_group_id", Hint: "The peer group does not exist in this region; check peer_security_group_id"},
	"InvalidDestGroupId.NotFound":         {Kind: cloud.KindInvalid, Attribute: "peer_security_group_id", Hint: "The peer group does not exist in this region; check peer_security_group_id"},
	"MissingParameter":                    {Kind: cloud.KindInvalid, Attribute: "cidr", Hint: "Set exactly one of cidr, peer_security_group_id and prefix_list_id"},
	"AuthorizationLimitExceed":            {Kind: cloud.KindInvalid, Attribute: "security_group_id", Hint: "The group has reached its rule quota: remove rules from it or use another group"},
	"IdempotentParameterMismatch":         {Kind: cloud.KindInvalid, Hint: "A retry reused a client token with different parameters; run the apply again"},

	"InvalidOperation.NotAllowed":  {Kind: cloud.KindInvalid},
	"ServiceUnavailable":           {Kind: cloud.KindTransient},
	"InternalError":                {Kind: cloud.KindTransient},
	"OperationConflict":            {Kind: cloud.KindTransient},
	"LastTokenProcessing":          {Kind: cloud.KindTransient},
	"IncorrectSecurityGroupStatus": {Kind: cloud.KindBusy},
}

// Classify sets e's kind, attribute and hint from its Code and Status: the
// cloud's own codes first, then Codes, then the classes every ECS-style
// API shares (Throttling*, 5xx, Forbidden*). direction says which side of
// the rule the Source/Dest codes refer to.
func Classify(e *cloud.Error, direction string, own map[string]cloud.Verdict) {
	v, ok := own[e.Code]
	if !ok {
		v, ok = Codes[e.Code]
	}
	switch {
	case ok:
	case strings.HasPrefix(e.Code, "Throttling"), cloud.RetriedStatus(e.Status):
		v.Kind = cloud.KindTransient
	case strings.HasPrefix(e.Code, "Forbidden"):
		v.Kind = cloud.KindAuth
	default:
		v.Kind = cloud.KindUnknown
	}
	// A describe names no rule: what a code says of a rule's values does
	// not apply to it.
	if e.Action == "DescribeSecurityGroupAttribute" && v.Attribute != "" && v.Attribute != "security_group_id" {
		v.Attribute, v.Hint = "", ""
	}
	v.Apply(e)
	e.Throttled = strings.HasPrefix(e.Code, "Throttling")
	// A revoke naming a peer group that no longer exists cannot match a
	// rule: ECS deletes rules that reference a deleted group.
	if strings.HasPrefix(e.Action, "Revoke") && strings.HasSuffix(e.Code, "GroupId.NotFound") && e.Code != "InvalidSecurityGroupId.NotFound" {
		e.Kind = cloud.KindRuleGone
	}
	// The CIDR codes name the local side when they refer to it.
	if (direction == "ingress" && strings.Contains(e.Code, "Dest") || direction == "egress" && strings.Contains(e.Code, "Source")) &&
		strings.Contains(e.Code, "CidrIp") {
		e.Attribute = "local_cidr"
	}
}

// SettingCodes are the signature-layer and region codes of an Alibaba RPC
// API, with hints that name the cloud's provider block and environment
// variables, and then the cloud's own codes (own wins).
func SettingCodes(block, accessEnv, secretEnv, regionEnv string, own map[string]cloud.Verdict) map[string]cloud.Verdict {
	check := func(setting, env string) string {
		return "Check " + setting + " in the provider's " + block + " block (or " + env + ")"
	}
	codes := map[string]cloud.Verdict{
		"InvalidSecurityGroupId.NotFound": {Kind: cloud.KindGroupGone, Attribute: "security_group_id", Hint: "Check security_group_id and the " + block + " block: the group does not exist there"},
		"InvalidAccessKeyId.NotFound":     {Kind: cloud.KindAuth, Hint: check("access_key", accessEnv)},
		"InvalidAccessKeyId.Inactive":     {Kind: cloud.KindAuth, Hint: "The AccessKey is disabled; enable it or use another one"},
		"SignatureDoesNotMatch":           {Kind: cloud.KindAuth, Hint: check("secret_key", secretEnv)},
		"IncompleteSignature":             {Kind: cloud.KindAuth, Hint: check("secret_key", secretEnv)},
		"InvalidTimeStamp.Expired":        {Kind: cloud.KindAuth, Hint: "The request's time differs from the cloud's by more than 15 minutes: check this machine's clock"},
		"Forbidden.RAM":                   {Kind: cloud.KindAuth, Hint: "The AccessKey lacks the RAM permission for this action"},
		"NoPermission":                    {Kind: cloud.KindAuth, Hint: "The AccessKey lacks the permission for this action"},
	}
	if regionEnv != "" {
		codes["InvalidRegionId.NotFound"] = cloud.Verdict{Kind: cloud.KindInvalid, Hint: "Set region in the provider's " + block + " block (or " + regionEnv + ") to an existing region"}
	}
	maps.Copy(codes, own)
	return codes
}
