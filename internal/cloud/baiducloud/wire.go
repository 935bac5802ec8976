package baiducloud

import (
	"strings"

	"github.com/baidubce/bce-sdk-go/services/bcc/api"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// toWire spells a rule as SecurityGroupRuleModel: ports "22" or "80-443"
// (hyphen), none for icmp and all; the peer as sourceIp/sourceGroupId on
// ingress and destIp/destGroupId on egress; ethertype from the address
// family (IPv4 for group peers). The remark is always sent: it is part of
// the 6-tuple that names the rule on revoke.
func toWire(r rule.Rule) *api.SecurityGroupRuleModel {
	w := &api.SecurityGroupRuleModel{
		Direction: r.Direction,
		Protocol:  r.Protocol,
		PortRange: r.Ports.String(),
		Remark:    r.Description,
		Ethertype: "IPv4",
	}
	if rule.IsIPv6(r.CIDR) {
		w.Ethertype = "IPv6"
	}
	if r.Direction == rule.Ingress {
		w.SourceIp, w.SourceGroupId = r.CIDR, r.PeerGroupID
	} else {
		w.DestIp, w.DestGroupId = r.CIDR, r.PeerGroupID
	}
	return w
}

// fromWire reads a rule of the group detail. An empty protocol means all;
// icmp and all carry no ports whatever the cloud spells ("" or
// "1-65535").
func fromWire(w api.SecurityGroupRuleVo) rule.Rule {
	r := rule.Rule{
		NativeID:    w.SecurityGroupRuleId,
		Direction:   strings.ToLower(w.Direction),
		Protocol:    strings.ToLower(w.Protocol),
		Description: w.Remark,
	}
	if r.Protocol == "" {
		r.Protocol = rule.All
	}
	if rule.HasPorts(r.Protocol) {
		r.Ports, _ = rule.ParsePortRange(w.PortRange)
	}
	ip, group := w.SourceIp, w.SourceGroupId
	if r.Direction == rule.Egress {
		ip, group = w.DestIp, w.DestGroupId
	}
	r.CIDR = rule.NormalizeCIDR(ip)
	if r.CIDR == "" {
		r.PeerGroupID = group
	}
	return r
}
