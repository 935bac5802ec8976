package ecsrules

import (
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// MoveRule reads the state of the Alibaba family's rule resources
// (alicloud_security_group_rule, apsarastack_security_group_rule,
// alibabacloudstack_security_group_rule, schema version 0): type,
// ip_protocol, port_range ("22/22", "-1/-1"), the peer as cidr_ip,
// ipv6_cidr_ip, source_security_group_id (with its owner) or
// prefix_list_id, nic_type, policy, priority, description, and the rule's
// id where the provider keeps it (security_group_rule_id).
func MoveRule(attrs map[string]any) (string, rule.Rule, error) {
	group, err := cloud.MovedRequired(attrs, "security_group_id")
	if err != nil {
		return "", rule.Rule{}, err
	}
	var r rule.Rule
	if r.Direction, err = cloud.MovedDirection(attrs, "type"); err != nil {
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
		return "", r, errNoPeer
	}
	r.NicType = cloud.MovedAttr(attrs, "nic_type")
	r.Policy = strings.ToLower(cloud.MovedAttr(attrs, "policy"))
	r.Description = cloud.MovedAttr(attrs, "description")
	r.NativeID = cloud.MovedAttr(attrs, "security_group_rule_id")
	return group, r, nil
}

var errNoPeer = moveError("the state has none of cidr_ip, ipv6_cidr_ip, source_security_group_id and prefix_list_id")

type moveError string

func (e moveError) Error() string { return string(e) }
