package zenlayer

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
)

// RuleInfo is a stored rule (tests may add their own, e.g. drop rules the
// API cannot create); it marshals to RuleInfo as
// DescribeSecurityGroups returns it (the API's RuleInfo data type).
type RuleInfo struct {
	RuleID      int    `json:"ruleId"`
	Direction   string `json:"direction"`
	Policy      string `json:"policy"`
	Priority    int    `json:"priority"`
	IPProtocol  string `json:"ipProtocol"`
	PortRange   string `json:"portRange"`
	CidrIP      string `json:"cidrIp"`
	Description string `json:"description"`
}

// requested is a RuleInfo of a request; pointers tell "left out" from
// zero.
type requested struct {
	RuleID      *int    `json:"ruleId"`
	Direction   string  `json:"direction"`
	Policy      *string `json:"policy"`
	Priority    *int    `json:"priority"`
	IPProtocol  string  `json:"ipProtocol"`
	PortRange   string  `json:"portRange"`
	CidrIP      string  `json:"cidrIp"`
	Description string  `json:"description"`
}

// protocols are the accepted ipProtocol values; the API is case-sensitive.
var protocols = []string{"tcp", "udp", "icmp", "all"}

// normalize checks a requested rule and returns it in stored form:
// defaults applied (accept, priority 1), ports as "start/end" (a single
// port "80" is stored "80/80"), the address as given. create says whether
// the rule is being authorized (only accept may be created; a revoke may
// name any policy).
func normalize(in requested, create bool) (RuleInfo, *apiError) {
	if in.RuleID != nil {
		return RuleInfo{}, errorf(400, "INVALID_PARAMETER_SECURITY_GROUP_RULE_ID_NOT_ALLOW", "ruleId is not allowed in ruleInfos.")
	}
	r := RuleInfo{Direction: in.Direction, Policy: "accept", Priority: 1, IPProtocol: in.IPProtocol, Description: in.Description}
	if r.Direction != "ingress" && r.Direction != "egress" {
		return r, errorf(400, "INVALID_PARAMETER", fmt.Sprintf("direction %q must be ingress or egress.", in.Direction))
	}
	if in.Policy != nil {
		r.Policy = *in.Policy
	}
	if r.Policy != "accept" && (create || r.Policy != "drop") {
		return r, errorf(400, "INVALID_PARAMETER_SECURITY_GROUP_POLICY", fmt.Sprintf("policy %q is not valid; rules are created with accept.", r.Policy))
	}
	if in.Priority != nil {
		r.Priority = *in.Priority
	}
	if r.Priority < 1 || r.Priority > 100 {
		return r, errorf(400, "INVALID_PARAMETER_SECURITY_GROUP_PRIORITY", fmt.Sprintf("priority %d is outside 1-100.", r.Priority))
	}
	known := false
	for _, p := range protocols {
		known = known || p == r.IPProtocol
	}
	if !known {
		return r, errorf(400, "INVALID_PARAMETER", fmt.Sprintf("ipProtocol %q must be one of tcp, udp, icmp, all (case-sensitive).", in.IPProtocol))
	}
	ports, ok := portRange(r.IPProtocol, in.PortRange)
	if !ok {
		return r, errorf(400, "INVALID_PARAMETER_SECURITY_GROUP_PORT_RANGE", fmt.Sprintf("portRange %q is not valid for %s: use start/end within 1-65535, or -1/-1 for icmp and all.", in.PortRange, r.IPProtocol))
	}
	r.PortRange = ports
	if _, ok := cidrKey(in.CidrIP); !ok {
		return r, errorf(400, "INVALID_PARAMETER_SECURITY_GROUP_SOURCE_CIDR_IP", fmt.Sprintf("cidrIp %q must be an IPv4 CIDR block or address.", in.CidrIP))
	}
	r.CidrIP = in.CidrIP
	return r, nil
}

// portRange checks and normalises a portRange: "start/end" (or "N") for
// tcp and udp, "-1/-1" for the others.
func portRange(protocol, s string) (string, bool) {
	if protocol != "tcp" && protocol != "udp" {
		return "-1/-1", s == "-1/-1" || s == "-1"
	}
	from, to, found := strings.Cut(s, "/")
	if !found {
		to = from
	}
	a, err1 := strconv.Atoi(from)
	b, err2 := strconv.Atoi(to)
	if err1 != nil || err2 != nil || a < 1 || b > 65535 || a > b {
		return "", false
	}
	return fmt.Sprintf("%d/%d", a, b), true
}

// cidrKey is an IPv4 block or address in canonical CIDR form, for
// comparing rules; host bits set or IPv6 are not accepted.
func cidrKey(s string) (string, bool) {
	p, ok := frontend.Prefix(s)
	if !ok || !p.Addr().Is4() || p.Masked() != p {
		return "", false
	}
	return p.String(), true
}

// sameRule reports whether two stored rules are the same rule: equal in
// direction, policy, protocol, ports and address. The priority does not
// make a rule different; Zenlayer rejects such a repeat.
func sameRule(a, b RuleInfo) bool {
	ka, _ := cidrKey(a.CidrIP)
	kb, _ := cidrKey(b.CidrIP)
	return a.Direction == b.Direction && a.Policy == b.Policy && a.IPProtocol == b.IPProtocol && a.PortRange == b.PortRange && ka == kb
}

// matches reports whether a revoke's rule names the stored rule. Clients
// built on the vm20230313 SDK cannot send priority, so a revoke without
// one matches any priority.
func matches(want requested, norm, stored RuleInfo) bool {
	return sameRule(norm, stored) && (want.Priority == nil || norm.Priority == stored.Priority)
}
