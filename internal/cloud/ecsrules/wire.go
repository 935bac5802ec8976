// Package ecsrules is the rule semantics of the ECS API (2014-05-26) that
// Alibaba Cloud ECS and Apsara Stack share: how a portable rule is named in
// request parameters, how a described Permission reads back, and what each
// rule-level error code means. Each cloud adds its transport and the codes
// that name its own settings.
package ecsrules

import (
	"strconv"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Params names a rule's fields as ECS does. The peer is the source of an
// ingress rule and the destination of an egress rule (SourceCidrIp vs
// DestCidrIp, SourceGroupId vs DestGroupId, ...); local_cidr is the other
// side; IPv4 and IPv6 blocks go in different parameters. Unset fields are
// left out. withDescription adds the description (authorize, modify); a
// revoke names the rule without it.
func Params(r rule.Rule, withDescription bool) map[string]string {
	peer, local := "Source", "Dest"
	if r.Direction == rule.Egress {
		peer, local = "Dest", "Source"
	}
	p := map[string]string{
		"IpProtocol":                  r.Protocol,
		"PortRange":                   r.Ports.Slash(),
		"NicType":                     r.NicType,
		"Policy":                      r.Policy,
		peer + "GroupId":              r.PeerGroupID,
		peer + "GroupOwnerAccount":    r.PeerGroupOwnerAccount,
		peer + "GroupOwnerId":         r.PeerGroupOwnerID,
		peer + "PrefixListId":         r.PrefixListID,
		cidrParam(peer, r.CIDR):       r.CIDR,
		cidrParam(local, r.LocalCIDR): r.LocalCIDR,
	}
	if !r.SourcePorts.IsZero() {
		p["SourcePortRange"] = r.SourcePorts.Slash()
	}
	if r.Priority != 0 {
		p["Priority"] = strconv.Itoa(r.Priority)
	}
	if withDescription {
		p["Description"] = r.Description
	}
	for k, v := range p {
		if v == "" {
			delete(p, k)
		}
	}
	return p
}

// cidrParam is SourceCidrIp, Ipv6SourceCidrIp, DestCidrIp or Ipv6DestCidrIp.
func cidrParam(side, cidr string) string {
	if rule.IsIPv6(cidr) {
		return "Ipv6" + side + "CidrIp"
	}
	return side + "CidrIp"
}

// Permissions lists rules as Permissions.N.<param>, N from 1.
func Permissions(rules []rule.Rule, withDescription bool) map[string]string {
	out := map[string]string{}
	for i, r := range rules {
		for k, v := range Params(r, withDescription) {
			out["Permissions."+strconv.Itoa(i+1)+"."+k] = v
		}
	}
	return out
}

// FromWire reads a rule as DescribeSecurityGroupAttribute returns it. ECS
// answers protocols and policies in upper or title case ("TCP", "Accept"),
// so they are lower-cased; addresses are canonicalised.
func FromWire(p Permission) rule.Rule {
	r := rule.Rule{
		NativeID:    p.SecurityGroupRuleId.String(),
		Direction:   strings.ToLower(p.Direction.String()),
		Protocol:    strings.ToLower(p.IpProtocol.String()),
		Policy:      strings.ToLower(p.Policy.String()),
		NicType:     p.NicType.String(),
		Description: p.Description.String(),
	}
	r.Priority, _ = strconv.Atoi(p.Priority.String())
	r.Created, _ = time.Parse(time.RFC3339, first(p.CreateTime.String(), p.CreationTime.String()))
	if rule.HasPorts(r.Protocol) {
		r.Ports, _ = rule.ParsePortRange(p.PortRange.String())
		r.SourcePorts, _ = rule.ParsePortRange(p.SourcePortRange.String())
	}
	peerV4, peerV6, group, account, list := p.SourceCidrIp, p.Ipv6SourceCidrIp, p.SourceGroupId, p.SourceGroupOwnerAccount, p.SourcePrefixListId
	localV4, localV6 := p.DestCidrIp, p.Ipv6DestCidrIp
	if r.Direction == rule.Egress {
		peerV4, peerV6, group, account, list = p.DestCidrIp, p.Ipv6DestCidrIp, p.DestGroupId, p.DestGroupOwnerAccount, p.DestPrefixListId
		localV4, localV6 = p.SourceCidrIp, p.Ipv6SourceCidrIp
	}
	r.CIDR = rule.NormalizeCIDR(first(peerV4.String(), peerV6.String()))
	if r.CIDR == "" {
		r.PeerGroupID, r.PeerGroupOwnerAccount = group.String(), account.String()
		if r.PeerGroupID == "" {
			r.PrefixListID = list.String()
		}
	}
	r.LocalCIDR = rule.NormalizeCIDR(first(localV4.String(), localV6.String()))
	return r
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// ActionFor names the egress twin of an ingress action.
func ActionFor(ingressAction, direction string) string {
	if direction == rule.Egress {
		return ingressAction + "Egress"
	}
	return ingressAction
}

// ByDirection splits a batch: ingress and egress are different API calls.
func ByDirection(rules []rule.Rule) [][]rule.Rule {
	var in, out []rule.Rule
	for _, r := range rules {
		if r.Direction == rule.Ingress {
			in = append(in, r)
		} else {
			out = append(out, r)
		}
	}
	var batches [][]rule.Rule
	for _, b := range [][]rule.Rule{in, out} {
		if len(b) > 0 {
			batches = append(batches, b)
		}
	}
	return batches
}

// Modify names the action and parameters that change a rule's description
// in place: the rule by its id (when known) and by its content, which
// older implementations need; ECS accepts both together.
func Modify(groupID string, r rule.Rule) (action string, params map[string]string) {
	p := Params(r, true)
	p["SecurityGroupId"] = groupID
	if r.NativeID != "" {
		p["SecurityGroupRuleId"] = r.NativeID
	}
	p["Description"] = r.Description
	action = "ModifySecurityGroupRule"
	if r.Direction == rule.Egress {
		action = "ModifySecurityGroupEgressRule"
	}
	return action, p
}
