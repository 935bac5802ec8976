package baiducloud

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
)

// Rule is a stored BCC rule (SecurityGroupRuleModel). It marshals to the
// detail answer's shape, with the rule id under both keys seen in the
// wild: "securityGroupRuleId" (the Go SDK) and "id" (the docs' sample).
type Rule struct {
	ID              string `json:"securityGroupRuleId"`
	IDAlias         string `json:"id"`
	SecurityGroupID string `json:"securityGroupId"`
	Direction       string `json:"direction"`
	Ethertype       string `json:"ethertype"`
	Protocol        string `json:"protocol"`
	PortRange       string `json:"portRange"`
	SourceIP        string `json:"sourceIp"`
	SourceGroupID   string `json:"sourceGroupId"`
	DestIP          string `json:"destIp"`
	DestGroupID     string `json:"destGroupId"`
	Remark          string `json:"remark"`
	CreatedTime     string `json:"createdTime"`
	UpdatedTime     string `json:"updatedTime"`
}

// requested is the "rule" of an authorize or revoke body.
type requested struct {
	Direction     string `json:"direction"`
	Ethertype     string `json:"ethertype"`
	Protocol      string `json:"protocol"`
	PortRange     string `json:"portRange"`
	SourceIP      string `json:"sourceIp"`
	SourceGroupID string `json:"sourceGroupId"`
	DestIP        string `json:"destIp"`
	DestGroupID   string `json:"destGroupId"`
	Remark        string `json:"remark"`
}

// normalize checks a requested rule and returns it as stored: protocol ""
// is all; ports "N" or "a-b" for tcp and udp ("N-N" stored "N"), "" for
// the others (which take "" or "1-65535"); the address as a CIDR block,
// or "all".
// The three port codes are those of the BCC RevokeSecurityGroupRule reference.
func normalize(in requested) (Rule, *apiError) {
	r := Rule{Direction: in.Direction, Ethertype: in.Ethertype, Protocol: in.Protocol, Remark: in.Remark,
		SourceGroupID: in.SourceGroupID, DestGroupID: in.DestGroupID}
	if r.Direction != "ingress" && r.Direction != "egress" {
		return r, errorf(400, "BadRequest", "direction is invalid")
	}
	if r.Protocol == "" {
		r.Protocol = "all"
	}
	switch r.Protocol {
	case "tcp", "udp":
		ports, e := portRange(in.PortRange)
		if e != nil {
			return r, e
		}
		r.PortRange = ports
	case "icmp", "all":
		if in.PortRange != "" && in.PortRange != "1-65535" {
			return r, errorf(400, "BadRequest", "portRange must be empty for protocol "+r.Protocol)
		}
	default:
		return r, errorf(400, "BadRequest", "protocol is invalid")
	}
	peerIP, peerGroup, otherIP, otherGroup := in.SourceIP, in.SourceGroupID, in.DestIP, in.DestGroupID
	if r.Direction == "egress" {
		peerIP, peerGroup, otherIP, otherGroup = in.DestIP, in.DestGroupID, in.SourceIP, in.SourceGroupID
	}
	if otherIP != "" || otherGroup != "" || (peerIP == "") == (peerGroup == "") {
		return r, errorf(400, "BadRequest", "exactly one of sourceIp and sourceGroupId (ingress) or destIp and destGroupId (egress) is required")
	}
	if r.Ethertype == "" {
		r.Ethertype = "IPv4"
	}
	if r.Ethertype != "IPv4" && r.Ethertype != "IPv6" {
		return r, errorf(400, "BadRequest", "ethertype is invalid")
	}
	// "all" is every address of the ethertype, as Baidu's documents and its
	// own provider spell it; kept and described as written.
	if peerIP != "" && peerIP != "all" {
		p, ok := frontend.Prefix(peerIP)
		if !ok || p.Masked() != p || p.Addr().Is6() != (r.Ethertype == "IPv6") {
			return r, errorf(400, "SecurityGroup.RuleCIDRAddressError", "Security group rule ip(cidr) address is incorrect.")
		}
		// BCC keeps a one-host block as the bare address.
		peerIP = p.String()
		if p.IsSingleIP() {
			peerIP = p.Addr().String()
		}
	}
	if r.Direction == "ingress" {
		r.SourceIP = peerIP
	} else {
		r.DestIP = peerIP
	}
	return r, nil
}

func portRange(s string) (string, *apiError) {
	from, to, found := strings.Cut(s, "-")
	if !found {
		to = from
	}
	a, err1 := strconv.Atoi(from)
	b, err2 := strconv.Atoi(to)
	switch {
	case err1 != nil || err2 != nil:
		return "", errorf(400, "SecurityGroup.RulePortInvalid", "The value of security group rule port must be number.")
	case a < 1 || b > 65535:
		return "", errorf(400, "SecurityGroup.RulePortRangeInvalid", "The value of security group rule port is exceeded.")
	case a > b:
		return "", errorf(400, "SecurityGroup.RulePortOrderInvalid", "The order of security group rule port is incorrect.")
	case a == b:
		return strconv.Itoa(a), nil
	}
	return fmt.Sprintf("%d-%d", a, b), nil
}

// key is the 6-tuple that makes a rule unique in the BCC
// RevokeSecurityGroupRule reference: remark, protocol, direction, portRange,
// sourceIp|destIp and sourceGroupId|destGroupId, as stored. The reference
// gives no equivalence between spellings, so "all" and "0.0.0.0/0" are two
// rules, and "all" of IPv4 and of IPv6 (the ethertype is not in the
// 6-tuple) one.
func (r Rule) key() [6]string {
	return [6]string{r.Remark, r.Protocol, r.Direction, r.PortRange, r.SourceIP + r.DestIP, r.SourceGroupID + r.DestGroupID}
}

// literalKey is the 6-tuple as a request spells it, unread: a revoke names
// its rule so, and BCC matches it against the rule's stored spelling
// letter for letter (protocol "all", ports "22", a bare host address), as
// the vendor's own provider expects, revoking with what describe gave.
func (q requested) literalKey() [6]string {
	return [6]string{q.Remark, q.Protocol, q.Direction, q.PortRange, q.SourceIP + q.DestIP, q.SourceGroupID + q.DestGroupID}
}
