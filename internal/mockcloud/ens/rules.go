package ens

import (
	"strconv"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
)

// Permission is a stored ENS rule; it marshals to DescribeSecurityGroupAttribute's
// Permission: protocol and policy as ENS answers them (TCP, Accept),
// Priority an integer, CreationTime.
type Permission struct {
	Direction       string
	IpProtocol      string
	PortRange       string
	SourcePortRange string
	SourceCidrIp    string
	DestCidrIp      string
	Policy          string
	Priority        int
	Description     string
	CreationTime    string
}

// identity is what makes two rules the same rule.
func (p Permission) identity() string {
	return strings.Join([]string{p.Direction, p.IpProtocol, p.PortRange, p.SourcePortRange, p.SourceCidrIp, p.DestCidrIp, p.Policy, strconv.Itoa(p.Priority)}, "|")
}

// normalize reads one rule the way ENS validates it.
func normalize(direction string, q map[string]string) (Permission, *frontend.Error) {
	p := Permission{Direction: direction, Policy: "Accept", Priority: 1}
	proto := q["IpProtocol"]
	switch proto {
	case "":
		return p, errorf(400, "MissingParameter", "The input parameter IpProtocol that is mandatory for processing this request is not supplied.")
	case "tcp", "udp", "icmp", "gre", "all":
		p.IpProtocol = strings.ToUpper(proto)
	default:
		// Case-sensitive, as the vendor documents: "TCP" is refused.
		return p, errorf(400, "InvalidParameter.IpProtocol", "The specified field IpProtocol invalid. Please check it again.")
	}
	withPorts := proto == "tcp" || proto == "udp"
	var ok bool
	if q["PortRange"] == "" {
		return p, errorf(400, "MissingParameter", "The input parameter PortRange that is mandatory for processing this request is not supplied.")
	}
	if p.PortRange, ok = alicloud.PortRange(q["PortRange"], withPorts); !ok {
		return p, errorf(400, "InvalidParameter.PortRange", "The specified field PortRange invalid. Please check it again.")
	}
	if v := q["SourcePortRange"]; v != "" {
		if p.SourcePortRange, ok = alicloud.PortRange(v, withPorts); !ok {
			return p, errorf(400, "InvalidParameter.SourcePortRange", "The specified field SourcePortRange invalid. Please check it again.")
		}
	}
	field := "SourceCidrIp"
	if direction == "egress" {
		field = "DestCidrIp"
	}
	cidr := q[field]
	if cidr == "" {
		return p, errorf(400, "MissingParameter", "The input parameter "+field+" that is mandatory for processing this request is not supplied.")
	}
	norm, ok := ipv4(cidr)
	if !ok {
		return p, errorf(400, "InvalidParameter."+field, "The specified field "+field+" invalid. Please check it again.")
	}
	if direction == "ingress" {
		p.SourceCidrIp = norm
	} else {
		p.DestCidrIp = norm
	}
	switch q["Policy"] {
	case "", "accept":
	case "drop":
		p.Policy = "Drop"
	default:
		return p, errorf(400, "InvalidParameter.Policy", "The specified field Policy invalid. Please check it again.")
	}
	if v := q["Priority"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return p, errorf(400, "InvalidParameter.Priority", "The specified field Priority invalid. Please check it again.")
		}
		p.Priority = n
	}
	return p, nil
}

// ipv4 is an IPv4 block or address in CIDR form; ENS refuses host bits.
func ipv4(s string) (string, bool) {
	p, ok := frontend.Prefix(s)
	return p.String(), ok && p.Addr().Is4() && p.Masked() == p
}
