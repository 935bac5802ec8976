package baiducloud

import (
	"fmt"
	"strings"

	"github.com/baidubce/bce-sdk-go/services/bcc/api"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
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
// "1-65535"); the address "all" is every address of the ethertype
// (0.0.0.0/0, or ::/0 for IPv6), as Baidu's documents and its own provider
// write it. A revoke still spells the rule as the detail did (see
// Backend.described).
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
	if strings.EqualFold(ip, "all") {
		r.CIDR = everyAddress(w.Ethertype)
	}
	if r.CIDR == "" {
		r.PeerGroupID = group
	}
	return r
}

// move takes baiducloud_security_group_rule (baidubce/baiducloud, schema
// version 0): security_group_id, remark, direction, ether_type, protocol
// ("" is all), port_range ("1-65535" by default), and the peer as
// source_ip or source_group_id on ingress, dest_ip or dest_group_id on
// egress ("all" is every address of the ether type). Its id is not the
// rule's own, which the next refresh reads.
var move = cloud.Move{
	TypeNames: []string{"baiducloud_security_group_rule"},
	Provider:  "baiducloud",
	Rule: func(attrs map[string]any) (string, rule.Rule, error) {
		group, r, err := cloud.MovedGroupRule(attrs, "direction")
		if err != nil {
			return "", r, err
		}
		r.Protocol = rule.All
		if p := cloud.MovedAttr(attrs, "protocol"); p != "" {
			if r.Protocol, err = cloud.MovedProtocol(attrs, "protocol"); err != nil {
				return "", r, err
			}
		}
		if rule.HasPorts(r.Protocol) && cloud.MovedAttr(attrs, "port_range") == "" {
			r.Ports = rule.PortRange{From: 1, To: 65535}
		} else if r.Ports, err = cloud.MovedPorts(attrs, "port_range", r.Protocol); err != nil {
			return "", r, err
		}
		ip, peer := "source_ip", "source_group_id"
		if r.Direction == rule.Egress {
			ip, peer = "dest_ip", "dest_group_id"
		}
		switch addr := cloud.MovedAttr(attrs, ip); addr {
		case "":
			if r.PeerGroupID = cloud.MovedAttr(attrs, peer); r.PeerGroupID == "" {
				return "", r, fmt.Errorf("the state has neither %s nor %s", ip, peer)
			}
		case "all":
			r.CIDR = everyAddress(cloud.MovedAttr(attrs, "ether_type"))
		default:
			r.CIDR = rule.NormalizeCIDR(addr)
		}
		r.Description = cloud.MovedAttr(attrs, "remark")
		return group, r, nil
	},
}

// everyAddress is what the address "all" means for an ethertype: IPv4
// unless it says IPv6 (BCC's default ethertype is IPv4).
func everyAddress(ethertype string) string {
	if strings.EqualFold(ethertype, "IPv6") {
		return "::/0"
	}
	return "0.0.0.0/0"
}
