package alicloud

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// permission is a stored ECS rule; it marshals to the Permission shape of
// DescribeSecurityGroupAttribute (every field present, as ECS answers).
type permission struct {
	SecurityGroupRuleId     string
	Direction               string
	IpProtocol              string
	PortRange               string
	SourcePortRange         string
	Policy                  string
	Priority                string
	NicType                 string
	SourceCidrIp            string
	DestCidrIp              string
	Ipv6SourceCidrIp        string
	Ipv6DestCidrIp          string
	SourceGroupId           string
	SourceGroupName         string
	SourceGroupOwnerAccount string
	SourceGroupOwnerId      string
	DestGroupId             string
	DestGroupName           string
	DestGroupOwnerAccount   string
	DestGroupOwnerId        string
	SourcePrefixListId      string
	DestPrefixListId        string
	Description             string
	CreateTime              string
}

// ruleFields are the per-rule parameters, flat or under Permissions.N.
var ruleFields = []string{"IpProtocol", "PortRange", "SourcePortRange", "NicType", "Policy", "Priority",
	"SourceCidrIp", "DestCidrIp", "Ipv6SourceCidrIp", "Ipv6DestCidrIp", "SourceGroupId", "SourceGroupOwnerAccount",
	"SourceGroupOwnerId", "DestGroupId", "DestGroupOwnerAccount", "DestGroupOwnerId", "SourcePrefixListId",
	"DestPrefixListId", "Description"}

// requested is one rule as a request gives it, before defaults.
type requested map[string]string

// rulesOf reads the rules of a request: Permissions.N.* (N = 1..100) or the
// deprecated flat parameters, never both.
func rulesOf(params map[string]string) ([]requested, *apiError) {
	byIndex := map[int]requested{}
	for k, v := range params {
		rest, ok := strings.CutPrefix(k, "Permissions.")
		if !ok {
			continue
		}
		n, field, ok := strings.Cut(rest, ".")
		i, err := strconv.Atoi(n)
		if !ok || err != nil || i < 1 || i > 100 {
			return nil, errorf(400, "InvalidParameter", "The parameter "+k+" is not valid: Permissions.N needs 1 <= N <= 100.")
		}
		if byIndex[i] == nil {
			byIndex[i] = requested{}
		}
		byIndex[i][field] = v
	}
	flat := requested{}
	for _, f := range ruleFields {
		if v := params[f]; v != "" {
			flat[f] = v
		}
	}
	if len(byIndex) > 0 && len(flat) > 0 {
		return nil, errorf(400, "InvalidParameter", "Permissions and the flat rule parameters cannot be used together.")
	}
	if len(byIndex) == 0 {
		if len(flat) == 0 {
			return nil, nil
		}
		return []requested{flat}, nil
	}
	idx := make([]int, 0, len(byIndex))
	for i := range byIndex {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	out := make([]requested, len(idx))
	for n, i := range idx {
		out[n] = byIndex[i]
	}
	return out, nil
}

// normalize checks a requested rule the way ECS does and fills defaults.
// forRevoke keeps NicType empty when unset, so it matches any.
func normalize(tx *store.Tx, g *store.Group, direction string, q requested, forRevoke bool) (permission, *apiError) {
	p := permission{Direction: direction, Description: q["Description"]}

	proto := strings.ToUpper(q["IpProtocol"])
	switch proto {
	case "TCP", "UDP", "ICMP", "GRE", "ALL", "ICMPV6":
	case "":
		return p, errorf(400, "MissingParameter", "The input parameter \"IpProtocol\" that is mandatory for processing this request is not supplied.")
	default:
		return p, errorf(400, "InvalidIpProtocol.ValueNotSupported", "The specified IpProtocol does not exist.")
	}
	p.IpProtocol = proto
	withPorts := proto == "TCP" || proto == "UDP"
	var ok bool
	if p.PortRange, ok = PortRange(q["PortRange"], withPorts); !ok {
		return p, errorf(400, "InvalidIpPortRange.Malformed", "The specified parameter \"PortRange\" is not valid.")
	}
	if q["SourcePortRange"] != "" {
		if p.SourcePortRange, ok = PortRange(q["SourcePortRange"], withPorts); !ok {
			return p, errorf(400, "InvalidSourcePortRange.Malformed", "The specified parameter \"SourcePortRange\" is not valid.")
		}
	}

	switch strings.ToLower(q["Policy"]) {
	case "", "accept":
		p.Policy = "Accept"
	case "drop":
		p.Policy = "Drop"
	default:
		return p, errorf(400, "InvalidPolicy.Malformed", "The specified parameter \"Policy\" is not valid.")
	}
	p.Priority = "1"
	if v := q["Priority"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return p, errorf(400, "InvalidPriority.Malformed", "The specified parameter \"Priority\" is not valid: it must be 1 to 100.")
		}
		p.Priority = strconv.Itoa(n)
	}
	switch q["NicType"] {
	case "internet", "intranet":
		p.NicType = q["NicType"]
	case "":
		if !forRevoke {
			// VPC groups only have intranet rules; classic ones default to internet.
			p.NicType = "internet"
			if g.VpcID != "" {
				p.NicType = "intranet"
			}
		}
	default:
		return p, errorf(400, "InvalidNicType.ValueNotSupported", "The specified NicType does not exist.")
	}

	for _, c := range []struct {
		field string
		dst   *string
		v6    bool
	}{
		{"SourceCidrIp", &p.SourceCidrIp, false}, {"DestCidrIp", &p.DestCidrIp, false},
		{"Ipv6SourceCidrIp", &p.Ipv6SourceCidrIp, true}, {"Ipv6DestCidrIp", &p.Ipv6DestCidrIp, true},
	} {
		v := q[c.field]
		if v == "" {
			continue
		}
		canon, ok := cidr(v, c.v6)
		if !ok {
			return p, errorf(400, "Invalid"+c.field+".Malformed", "The specified parameter \""+c.field+"\" is not valid.")
		}
		*c.dst = canon
	}
	p.SourceGroupId, p.DestGroupId = q["SourceGroupId"], q["DestGroupId"]
	p.SourcePrefixListId, p.DestPrefixListId = q["SourcePrefixListId"], q["DestPrefixListId"]

	// The peer is the source of ingress rules and the destination of egress.
	peerCIDR, peerV6, peerGroup, peerList, side := p.SourceCidrIp, p.Ipv6SourceCidrIp, p.SourceGroupId, p.SourcePrefixListId, "Source"
	if direction == "egress" {
		peerCIDR, peerV6, peerGroup, peerList, side = p.DestCidrIp, p.Ipv6DestCidrIp, p.DestGroupId, p.DestPrefixListId, "Dest"
	}
	if peerCIDR == "" && peerV6 == "" && peerGroup == "" && peerList == "" {
		return p, errorf(400, "MissingParameter", "The input parameter \""+side+"GroupId\" or \""+side+"CidrIp\" cannot be both blank.")
	}
	if peerGroup != "" {
		peer := tx.Group(g.Cloud, peerGroup)
		if peer == nil || peer.Region != g.Region {
			return p, errorf(404, "Invalid"+side+"GroupId.NotFound", "The "+side+"GroupId provided does not exist in our records.")
		}
		owner := q[side+"GroupOwnerAccount"] + q[side+"GroupOwnerId"]
		if owner == "" && peer.VpcID != g.VpcID {
			return p, errorf(400, "Invalid"+side+"GroupId.Mismatch", "Specified security group and "+strings.ToLower(side)+" group are not in the same VPC.")
		}
		// Owners only count for group peers; with a CIDR ECS ignores them.
		if peerCIDR == "" && peerV6 == "" {
			account, id := q[side+"GroupOwnerAccount"], q[side+"GroupOwnerId"]
			if !forRevoke {
				account, id = knownOwner(account, id)
			}
			if direction == "egress" {
				p.DestGroupOwnerAccount, p.DestGroupOwnerId = account, id
			} else {
				p.SourceGroupOwnerAccount, p.SourceGroupOwnerId = account, id
			}
		}
	}
	return p, nil
}

// knownOwner completes a peer group's owner that an authorize names by
// one field: an account of Accounts is described with both its login and
// its id, as ECS reports the account it resolved. An account the mock
// does not know stays as the request gave it.
func knownOwner(account, id string) (string, string) {
	for knownID, login := range Accounts {
		switch {
		case id == "" && account == login:
			return account, knownID
		case account == "" && id == knownID:
			return login, id
		}
	}
	return account, id
}

// PortRange checks and normalises an ECS-family port range: "start/end"
// within 1-65535 with start <= end when the protocol has ports, "-1/-1"
// when it has none.
func PortRange(v string, withPorts bool) (string, bool) {
	from, to, ok := strings.Cut(v, "/")
	if !ok {
		return "", false
	}
	a, err1 := strconv.Atoi(from)
	b, err2 := strconv.Atoi(to)
	if err1 != nil || err2 != nil {
		return "", false
	}
	if !withPorts {
		return "-1/-1", a == -1 && b == -1
	}
	return fmt.Sprintf("%d/%d", a, b), a >= 1 && b <= 65535 && a <= b
}

func cidr(v string, v6 bool) (string, bool) {
	p, ok := frontend.Prefix(v)
	if !ok || p.Addr().Is6() != v6 || p.Addr().Zone() != "" {
		return "", false
	}
	// ECS masks host bits.
	return p.Masked().String(), true
}

// identity is what makes two ECS rules the same rule: the groups of
// parameters of the ECS RevokeSecurityGroup reference (protocol, ports,
// source ports, NIC type, policy, the addresses or the peer group), without
// the priority, and the peer group's owner (sameOwner). withNic false (a
// revoke that does not name a NIC type) leaves the NIC type out.
func (p permission) identity(withNic bool) string {
	nic := ""
	if withNic {
		nic = p.NicType
	}
	return strings.Join([]string{p.Direction, p.IpProtocol, p.PortRange, p.SourcePortRange, p.Policy, nic,
		p.SourceCidrIp, p.DestCidrIp, p.Ipv6SourceCidrIp, p.Ipv6DestCidrIp, p.SourceGroupId, p.DestGroupId,
		p.SourcePrefixListId, p.DestPrefixListId}, "|")
}

// sameOwner reports whether a request names the owner of a stored rule's
// peer group. Naming none is the caller's own account (the ECS
// RevokeSecurityGroup reference: without SourceGroupOwnerAccount and
// SourceGroupOwnerId the revoke is "for security groups of the same
// account"), which never matches a rule of another account's group; a
// request that names an owner must give it as the rule has it, in each
// field it sends.
func sameOwner(stored, asked permission) bool {
	account, id := stored.SourceGroupOwnerAccount+stored.DestGroupOwnerAccount, stored.SourceGroupOwnerId+stored.DestGroupOwnerId
	askedAccount, askedID := asked.SourceGroupOwnerAccount+asked.DestGroupOwnerAccount, asked.SourceGroupOwnerId+asked.DestGroupOwnerId
	if askedAccount == "" && askedID == "" {
		return account == "" && id == ""
	}
	return (askedAccount == "" || askedAccount == account) && (askedID == "" || askedID == id)
}

// find returns the index of the stored rule that p names, or -1.
func find(g *store.Group, p permission) int {
	for i, r := range g.Rules {
		if s := r.(*permission); s.identity(p.NicType != "") == p.identity(p.NicType != "") && sameOwner(*s, p) {
			return i
		}
	}
	return -1
}

// findIgnoringNic finds a rule that differs from p at most in its NIC type.
func findIgnoringNic(g *store.Group, p permission) int {
	for i, r := range g.Rules {
		if s := r.(*permission); s.identity(false) == p.identity(false) && sameOwner(*s, p) {
			return i
		}
	}
	return -1
}
