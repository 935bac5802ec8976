package zenlayer

import (
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// move takes zenlayercloud_zvm_security_group_rule and its alias
// zenlayercloud_security_group_rule (zenlayer/zenlayercloud, schema
// version 0): security_group_id, direction, policy, ip_protocol,
// port_range and cidr_ip, as in its id. The rule's own id and priority
// come with the next refresh.
var move = cloud.Move{
	TypeNames: []string{"zenlayercloud_zvm_security_group_rule", "zenlayercloud_security_group_rule"},
	Provider:  "zenlayercloud",
	Rule: func(attrs map[string]any) (string, rule.Rule, error) {
		group, err := cloud.MovedRequired(attrs, "security_group_id")
		if err != nil {
			return "", rule.Rule{}, err
		}
		var r rule.Rule
		if r.Direction, err = cloud.MovedDirection(attrs, "direction"); err != nil {
			return "", r, err
		}
		if r.Protocol, err = cloud.MovedProtocol(attrs, "ip_protocol"); err != nil {
			return "", r, err
		}
		if r.Ports, err = cloud.MovedPorts(attrs, "port_range", r.Protocol); err != nil {
			return "", r, err
		}
		cidr, err := cloud.MovedRequired(attrs, "cidr_ip")
		if err != nil {
			return "", r, err
		}
		r.CIDR = rule.NormalizeCIDR(cidr)
		r.Policy = strings.ToLower(cloud.MovedAttr(attrs, "policy"))
		if r.Priority, err = cloud.MovedPriority(attrs, "priority"); err != nil {
			return "", r, err
		}
		r.Description = cloud.MovedAttr(attrs, "description")
		return group, r, nil
	},
}
