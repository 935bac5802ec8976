package alicloud

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// Regions are the regions the mock knows besides those of its groups.
var Regions = []string{"cn-hangzhou", "cn-shanghai", "cn-beijing", "ap-southeast-1", "eu-central-1"}

// Fixtures are the ECS groups mockcloud starts with (documented in
// mockcloud's README):
//
//   - sg-web, sg-app, sg-db in cn-hangzhou, VPC vpc-main: empty groups to
//     put rules in and to name as peers of one another;
//   - sg-other-vpc in cn-hangzhou, VPC vpc-other: a peer in another VPC;
//   - sg-bj in cn-beijing, VPC vpc-bj: a group of another region;
//   - sg-classic in cn-hangzhou, of the classic network (no VPC): its
//     rules are internet (the default) or intranet, one type per describe.
func Fixtures(time.Time) []*store.Group {
	other, bj, classic := NewGroup("sg-other-vpc"), NewGroup("sg-bj"), NewGroup("sg-classic")
	other.VpcID = "vpc-other"
	bj.Region, bj.VpcID = "cn-beijing", "vpc-bj"
	classic.VpcID = ""
	return []*store.Group{NewGroup("sg-web"), NewGroup("sg-app"), NewGroup("sg-db"), other, bj, classic}
}

// Accounts are the other Alibaba Cloud accounts the mock knows, by id:
// their logins. A peer-group rule authorized with either field of one of
// them is described with both (knownOwner). Peer groups themselves are
// the mock's own groups, whatever owner a rule names.
var Accounts = map[string]string{
	"1234567890":       "peer@example.com",
	"1122334455667788": "partner@example.net",
}

// NewGroup is an empty Available group beside sg-web: cn-hangzhou, VPC
// vpc-main.
func NewGroup(id string) *store.Group {
	return &store.Group{Cloud: Cloud, ID: id, Region: "cn-hangzhou", Status: "Available", VpcID: "vpc-main", Rules: []any{}}
}

// ClientSettings are the provider block settings, besides credentials and
// endpoint, that reach NewGroup's groups.
func ClientSettings() map[string]string { return map[string]string{"region": "cn-hangzhou"} }

// DecodeRule reads a rule as GET /_mock/state prints it (the
// DescribeSecurityGroupAttribute Permission), for fixtures and saved
// state: a rule ECS could not hold is an error.
func DecodeRule(data []byte) (any, error) {
	var p permission
	if err := frontend.DecodeStrict(data, &p); err != nil {
		return nil, err
	}
	proto := p.IpProtocol
	withPorts := proto == "TCP" || proto == "UDP"
	ports, portsOK := PortRange(p.PortRange, withPorts)
	srcPorts, srcOK := PortRange(p.SourcePortRange, withPorts)
	priority, err := strconv.Atoi(p.Priority)
	switch {
	case p.SecurityGroupRuleId == "":
		return nil, errors.New("SecurityGroupRuleId is empty")
	case p.Direction != "ingress" && p.Direction != "egress":
		return nil, fmt.Errorf("the Direction %q: want ingress or egress", p.Direction)
	case !slices.Contains([]string{"TCP", "UDP", "ICMP", "GRE", "ALL", "ICMPV6"}, proto):
		return nil, fmt.Errorf("IpProtocol %q: want TCP, UDP, ICMP, GRE, ICMPV6 or ALL, as ECS describes it", proto)
	case !portsOK || ports != p.PortRange:
		return nil, fmt.Errorf("PortRange %q: want start/end for TCP and UDP, -1/-1 for the others", p.PortRange)
	case p.SourcePortRange != "" && (!srcOK || srcPorts != p.SourcePortRange):
		return nil, fmt.Errorf("SourcePortRange %q: want start/end for TCP and UDP, -1/-1 for the others", p.SourcePortRange)
	case p.Policy != "Accept" && p.Policy != "Drop":
		return nil, fmt.Errorf("the Policy %q: want Accept or Drop", p.Policy)
	case err != nil || priority < 1 || priority > 100:
		return nil, fmt.Errorf("the Priority %q: want 1 to 100", p.Priority)
	case p.NicType != "internet" && p.NicType != "intranet":
		return nil, fmt.Errorf("NicType %q: want internet or intranet", p.NicType)
	case p.Direction == "ingress" && p.SourceCidrIp+p.Ipv6SourceCidrIp+p.SourceGroupId+p.SourcePrefixListId == "":
		// authorize's check: the peer is the source of an ingress rule.
		return nil, errors.New("an ingress rule without a source (SourceCidrIp, Ipv6SourceCidrIp, SourceGroupId or SourcePrefixListId): ECS answers MissingParameter")
	case p.Direction == "egress" && p.DestCidrIp+p.Ipv6DestCidrIp+p.DestGroupId+p.DestPrefixListId == "":
		// and the destination of an egress rule.
		return nil, errors.New("an egress rule without a destination (DestCidrIp, Ipv6DestCidrIp, DestGroupId or DestPrefixListId): ECS answers MissingParameter")
	}
	for _, c := range []struct {
		field, v string
		v6       bool
	}{{"SourceCidrIp", p.SourceCidrIp, false}, {"DestCidrIp", p.DestCidrIp, false}, {"Ipv6SourceCidrIp", p.Ipv6SourceCidrIp, true}, {"Ipv6DestCidrIp", p.Ipv6DestCidrIp, true}} {
		if canon, ok := cidr(c.v, c.v6); c.v != "" && (!ok || canon != c.v) {
			return nil, fmt.Errorf("%s %q: want a CIDR block as ECS describes it (%q)", c.field, c.v, canon)
		}
	}
	return &p, nil
}

// RuleKey is what makes a stored rule the same rule as another (identity
// with its NIC type, and its peer group's owner, as authorize compares a
// repeat, which it adds nothing for): two rules of a group with one key
// are a group ECS cannot hold.
func RuleKey(rule any) string {
	p := rule.(*permission)
	return strings.Join([]string{p.identity(true), p.SourceGroupOwnerAccount + p.DestGroupOwnerAccount, p.SourceGroupOwnerId + p.DestGroupOwnerId}, "|")
}

// RuleQuota is the quota a stored rule counts against: MaxRules of the
// whole group, as authorize counts.
func RuleQuota(any) (string, int) { return "", MaxRules }
