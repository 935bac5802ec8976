package ecsrules

import (
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Capabilities are what the ECS rule API takes; clouds on it that lack a
// part switch it off.
func Capabilities() cloud.Capabilities {
	return cloud.Capabilities{
		Protocols:       []string{rule.TCP, rule.UDP, rule.ICMP, rule.GRE, rule.ICMPv6, rule.All},
		IPv6:            true,
		Policies:        []string{rule.Accept, rule.Drop},
		MinPriority:     1,
		MaxPriority:     100,
		DefaultPriority: 1,
		DefaultPolicy:   rule.Accept,
		PeerGroups:      true,
		PeerGroupOwner:  true,
		PrefixLists:     true,
		LocalCIDR:       true,
		SourcePortRange: true,
		NicTypes:        []string{"internet", "intranet"},
		Description:     true,
		MaxDescription:  512,
		// ModifySecurityGroupRule / ModifySecurityGroupEgressRule.
		DescriptionInPlace: true,
		NativeIDs:          true,
		// A group holds 200 rules by default (AuthorizationLimitExceed
		// past it); accounts can raise it.
		Quota: 200,
	}
}

// SettingCodes are the signature-layer and region codes of an Alibaba RPC
// API, with hints that name the cloud's provider block and environment
// variables.
func SettingCodes(block, accessEnv, secretEnv, regionEnv string) map[string]Verdict {
	check := func(setting, env string) string {
		return "Check " + setting + " in the provider's " + block + " block (or " + env + ")"
	}
	codes := map[string]Verdict{
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
		codes["InvalidRegionId.NotFound"] = Verdict{Kind: cloud.KindInvalid, Hint: "Set region in the provider's " + block + " block (or " + regionEnv + ") to an existing region"}
	}
	return codes
}
