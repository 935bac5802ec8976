package alicloud

import (
	"strconv"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// wire is a rule's fields in ECS spelling. "peer" is the source of an
// ingress rule and the destination of an egress rule; "local" the other
// side. IPv4 and IPv6 blocks go in different ECS parameters.
type wire struct {
	protocol, ports, sourcePorts, priority string
	peerV4, peerV6, localV4, localV6       string
}

func toWire(r rule.Rule) wire {
	w := wire{protocol: r.Protocol, ports: r.Ports.Slash()}
	if !r.SourcePorts.IsZero() {
		w.sourcePorts = r.SourcePorts.Slash()
	}
	if r.Priority != 0 {
		w.priority = strconv.Itoa(r.Priority)
	}
	w.peerV4, w.peerV6 = split(r.CIDR)
	w.localV4, w.localV6 = split(r.LocalCIDR)
	return w
}

func split(cidr string) (v4, v6 string) {
	if cidr == "" {
		return "", ""
	}
	if rule.IsIPv6(cidr) {
		return "", cidr
	}
	return cidr, ""
}

// fromWire reads a rule as DescribeSecurityGroupAttribute returns it. ECS
// answers protocols and policies in upper or title case ("TCP", "Accept"),
// so they are lower-cased; addresses are canonicalised.
func fromWire(p ecs.Permission) rule.Rule {
	r := rule.Rule{
		NativeID:    p.SecurityGroupRuleId,
		Direction:   strings.ToLower(p.Direction),
		Protocol:    strings.ToLower(p.IpProtocol),
		Policy:      strings.ToLower(p.Policy),
		NicType:     p.NicType,
		Description: p.Description,
	}
	if r.Protocol == "icmpv6" || r.Protocol == "icmpV6" {
		r.Protocol = rule.ICMPv6
	}
	r.Priority, _ = strconv.Atoi(p.Priority)
	if rule.HasPorts(r.Protocol) {
		r.Ports, _ = rule.ParsePortRange(p.PortRange)
		r.SourcePorts, _ = rule.ParsePortRange(p.SourcePortRange)
	}
	peerV4, peerV6, group, owner, list := p.SourceCidrIp, p.Ipv6SourceCidrIp, p.SourceGroupId, p.SourceGroupOwnerAccount, p.SourcePrefixListId
	localV4, localV6 := p.DestCidrIp, p.Ipv6DestCidrIp
	if r.Direction == rule.Egress {
		peerV4, peerV6, group, owner, list = p.DestCidrIp, p.Ipv6DestCidrIp, p.DestGroupId, p.DestGroupOwnerAccount, p.DestPrefixListId
		localV4, localV6 = p.SourceCidrIp, p.Ipv6SourceCidrIp
	}
	r.CIDR = canonical(first(peerV4, peerV6))
	if r.CIDR == "" {
		r.PeerGroupID, r.PeerGroupOwnerAccount = group, owner
		if r.PeerGroupID == "" {
			r.PrefixListID = list
		}
	}
	r.LocalCIDR = canonical(first(localV4, localV6))
	return r
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func canonical(cidr string) string {
	if cidr == "" {
		return ""
	}
	if c, err := rule.CanonicalCIDR(cidr); err == nil {
		return c
	}
	return cidr
}

func requestsInteger(n int) requests.Integer { return requests.NewInteger(n) }

func requestsIntegerString(s string) requests.Integer { return requests.Integer(s) }
