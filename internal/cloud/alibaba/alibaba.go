// Package alibaba is what the Alibaba family of clouds shares: Alibaba
// Cloud ECS, Apsara Stack ECS and ENS speak the same RPC style of API
// (ECS 2014-05-26, ENS 2017-11-10). It holds the client of the vendor
// SDK's core (RPC), how a portable rule is named in request parameters and
// read back from a described Permission, how a rule moves from the
// vendors' providers' state, and what each rule-level error code means.
// Each cloud adds its transport choices and the codes that name its own
// settings.
package alibaba

import (
	"regexp"

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
		// ModifySecurityGroupRule / ModifySecurityGroupEgressRule, which
		// cannot clear it: "You cannot delete the value of a non-empty
		// parameter".
		DescriptionInPlace: true,
		NativeIDs:          true,
		// "Re-authorizing an existing rule succeeds and creates nothing"
		// (AuthorizeSecurityGroup); ClientToken makes a write idempotent.
		RepeatSucceeds: true,
		ClientTokens:   true,
		// SecurityGroupRuleId of DescribeSecurityGroupAttribute, e.g.
		// sgr-bp12kewq32dfwrdi**** in the ECS reference.
		RuleIDs: cloud.RuleIDForm{Pattern: regexp.MustCompile(`^sgr-[a-z0-9]+$`),
			Text: "sgr- followed by lower-case letters and digits", Example: "sgr-bp12kewq32dfwrdi"},
		// The ECS RevokeSecurityGroup reference lists what determines a
		// rule: IpProtocol, PortRange, SourcePortRange, NicType, Policy and
		// the CIDRs or the peer group and its owner; not Priority. An
		// authorize of a rule that differs only in priority succeeds and
		// creates nothing (AuthorizeSecurityGroup).
		Identity: rule.Identity{NoPriority: true},
		// A group holds 200 rules by default (AuthorizationLimitExceed
		// past it); accounts can raise it.
		Quota: 200,
	}
}
