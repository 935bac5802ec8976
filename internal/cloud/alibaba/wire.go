package alibaba

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
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
// so they are lower-cased; addresses are canonicalised. A peer group's
// owner is read in both fields the answer gives (account and id): a
// revoke names a rule of another account's group only with its owner
// (the ECS RevokeSecurityGroup reference), so a rule read without it
// could not be revoked.
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
	peerV4, peerV6, group, account, owner, list := p.SourceCidrIp, p.Ipv6SourceCidrIp, p.SourceGroupId, p.SourceGroupOwnerAccount, p.SourceGroupOwnerId, p.SourcePrefixListId
	localV4, localV6 := p.DestCidrIp, p.Ipv6DestCidrIp
	if r.Direction == rule.Egress {
		peerV4, peerV6, group, account, owner, list = p.DestCidrIp, p.Ipv6DestCidrIp, p.DestGroupId, p.DestGroupOwnerAccount, p.DestGroupOwnerId, p.DestPrefixListId
		localV4, localV6 = p.SourceCidrIp, p.Ipv6SourceCidrIp
	}
	r.CIDR = rule.NormalizeCIDR(first(peerV4.String(), peerV6.String()))
	if r.CIDR == "" {
		r.PeerGroupID = group.String()
		if r.PeerGroupID != "" {
			r.PeerGroupOwnerAccount, r.PeerGroupOwnerID = account.String(), owner.String()
		} else {
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

// Modify is the call that changes a rule's description in place, naming
// the rule by its id (when known) and by its content, which older
// implementations need; ECS accepts both together.
func Modify(groupID string, r rule.Rule) cloud.Request {
	p := Params(r, true)
	if r.NativeID != "" {
		p["SecurityGroupRuleId"] = r.NativeID
	}
	p["Description"] = r.Description
	action := "ModifySecurityGroupRule"
	if r.Direction == rule.Egress {
		action = "ModifySecurityGroupEgressRule"
	}
	return cloud.Request{Action: action, Group: groupID, Direction: r.Direction, Params: p}
}

// Permission is one rule as DescribeSecurityGroupAttribute answers it, on
// ECS, Apsara Stack and ENS alike. It is our own copy of the SDKs' type
// (services/ecs and services/ens Permission) with the fields the provider
// reads, because the generated service packages are most of the binary's
// size. Every field reads as text whether the answer spells it as a string
// or a number: ECS's SDK types Priority as a string, ENS's as an integer,
// and stacks differ.
type Permission struct {
	SecurityGroupRuleId     Text `json:"SecurityGroupRuleId"`
	Direction               Text `json:"Direction"`
	IpProtocol              Text `json:"IpProtocol"`
	PortRange               Text `json:"PortRange"`
	SourcePortRange         Text `json:"SourcePortRange"`
	Policy                  Text `json:"Policy"`
	Priority                Text `json:"Priority"`
	NicType                 Text `json:"NicType"`
	Description             Text `json:"Description"`
	SourceCidrIp            Text `json:"SourceCidrIp"`
	Ipv6SourceCidrIp        Text `json:"Ipv6SourceCidrIp"`
	SourceGroupId           Text `json:"SourceGroupId"`
	SourceGroupOwnerAccount Text `json:"SourceGroupOwnerAccount"`
	SourceGroupOwnerId      Text `json:"SourceGroupOwnerId"`
	SourcePrefixListId      Text `json:"SourcePrefixListId"`
	DestCidrIp              Text `json:"DestCidrIp"`
	Ipv6DestCidrIp          Text `json:"Ipv6DestCidrIp"`
	DestGroupId             Text `json:"DestGroupId"`
	DestGroupOwnerAccount   Text `json:"DestGroupOwnerAccount"`
	DestGroupOwnerId        Text `json:"DestGroupOwnerId"`
	DestPrefixListId        Text `json:"DestPrefixListId"`
	// CreateTime is ECS's spelling, CreationTime ENS's.
	CreateTime   Text `json:"CreateTime"`
	CreationTime Text `json:"CreationTime"`
}

// DescribeAnswer is DescribeSecurityGroupAttribute's answer.
type DescribeAnswer struct {
	NextToken Text `json:"NextToken"`
	// VpcId is empty for a group of the classic network.
	VpcId       Text `json:"VpcId"`
	Permissions struct {
		Permission []Permission `json:"Permission"`
	} `json:"Permissions"`
}

// DescribeAll reads every rule of a group with DescribeSecurityGroupAttribute,
// through every page (MaxResults, NextToken). A group of the classic
// network answers one NIC type per call, internet by default: "To query
// security group rules of both NIC types, call the operation twice", so
// such a group is read again for its intranet rules (peer-group rules are
// intranet there). call is the cloud's client.call; fromWire reads a
// rule.
func DescribeAll(ctx context.Context, call cloud.Call, groupID string, pageSize int,
	fromWire func(Permission) rule.Rule) ([]rule.Rule, error) {
	out, classic, err := describePages(ctx, call, groupID, pageSize, "", fromWire)
	if err != nil || !classic {
		return out, err
	}
	intranet, _, err := describePages(ctx, call, groupID, pageSize, "intranet", fromWire)
	if err != nil {
		return nil, err
	}
	for _, r := range intranet {
		// A stack that answers every NIC type at once lists them again.
		if !slices.ContainsFunc(out, func(o rule.Rule) bool { return sameRule(o, r) }) {
			out = append(out, r)
		}
	}
	return out, nil
}

// describePages reads every page of one NIC type ("" for the group's
// default) and reports whether the group is of the classic network (its
// answer names no VPC).
func describePages(ctx context.Context, call cloud.Call, groupID string, pageSize int,
	nicType string, fromWire func(Permission) rule.Rule) (rules []rule.Rule, classic bool, err error) {
	token := ""
	for {
		p := map[string]string{"Direction": "all", "MaxResults": strconv.Itoa(pageSize)}
		if nicType != "" {
			p["NicType"] = nicType
		}
		if token != "" {
			p["NextToken"] = token
		}
		var a DescribeAnswer
		if err := call(ctx, cloud.Request{Action: "DescribeSecurityGroupAttribute", Group: groupID, Params: p}, &a); err != nil {
			return nil, false, err
		}
		for _, perm := range a.Permissions.Permission {
			rules = append(rules, fromWire(perm))
		}
		next := a.NextToken.String()
		if next == "" || next == token {
			return rules, a.VpcId == "", nil
		}
		token = next
	}
}

// sameRule: one rule listed twice (by its id, or all its content).
func sameRule(a, b rule.Rule) bool {
	if a.NativeID != "" || b.NativeID != "" {
		return a.NativeID == b.NativeID
	}
	a.Created, b.Created = time.Time{}, time.Time{}
	return a == b
}

// Text is a JSON string, or a number or boolean kept as written (account
// ids exactly), or empty for null.
type Text string

// UnmarshalJSON reads any JSON scalar as text.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*t = ""
	case len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b):
		// Most of a describe's strings: nothing to unescape (the decoder
		// has checked the literal). Unquoting each one with json.Unmarshal
		// was a third of the CPU of decoding a large apply's describes.
		*t = Text(b[1 : len(b)-1])
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
	default:
		*t = Text(strings.TrimSpace(string(b)))
	}
	return nil
}

func (t Text) String() string { return string(t) }

// MoveRule reads the state of the Alibaba family's rule resources
// (alicloud_security_group_rule, apsarastack_security_group_rule,
// alibabacloudstack_security_group_rule, schema version 0): type,
// ip_protocol, port_range ("22/22", "-1/-1"), the peer as cidr_ip,
// ipv6_cidr_ip, source_security_group_id (with its owner) or
// prefix_list_id, nic_type, policy, priority, description, and the rule's
// id where the provider keeps it (security_group_rule_id).
func MoveRule(attrs map[string]any) (string, rule.Rule, error) {
	group, r, err := cloud.MovedGroupRule(attrs, "type")
	if err != nil {
		return "", r, err
	}
	if r.Protocol, err = cloud.MovedProtocol(attrs, "ip_protocol"); err != nil {
		return "", r, err
	}
	if r.Ports, err = cloud.MovedPorts(attrs, "port_range", r.Protocol); err != nil {
		return "", r, err
	}
	if r.Priority, err = cloud.MovedPriority(attrs, "priority"); err != nil {
		return "", r, err
	}
	r.CIDR = rule.NormalizeCIDR(first(cloud.MovedAttr(attrs, "cidr_ip"), cloud.MovedAttr(attrs, "ipv6_cidr_ip")))
	if r.CIDR == "" {
		r.PeerGroupID = cloud.MovedAttr(attrs, "source_security_group_id")
		r.PeerGroupOwnerAccount = cloud.MovedAttr(attrs, "source_group_owner_account")
		r.PeerGroupOwnerID = cloud.MovedAttr(attrs, "source_group_owner_id")
		r.PrefixListID = cloud.MovedAttr(attrs, "prefix_list_id")
	}
	if r.CIDR == "" && r.PeerGroupID == "" && r.PrefixListID == "" {
		return "", r, errors.New("the state has none of cidr_ip, ipv6_cidr_ip, source_security_group_id and prefix_list_id")
	}
	r.NicType = cloud.MovedAttr(attrs, "nic_type")
	r.Policy = strings.ToLower(cloud.MovedAttr(attrs, "policy"))
	r.Description = cloud.MovedAttr(attrs, "description")
	r.NativeID = cloud.MovedAttr(attrs, "security_group_rule_id")
	return group, r, nil
}
