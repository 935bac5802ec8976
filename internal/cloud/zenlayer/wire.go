package zenlayer

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// ruleInfo is Zenlayer's RuleInfo (the API's RuleInfo data type).
type ruleInfo struct {
	// RuleID appears only in answers; requests that carry one are
	// rejected, so it is never sent.
	RuleID      ruleID `json:"ruleId,omitzero"`
	Direction   string `json:"direction"`
	Policy      string `json:"policy,omitempty"`
	Priority    int    `json:"priority,omitempty"`
	IPProtocol  string `json:"ipProtocol"`
	PortRange   string `json:"portRange"`
	CidrIP      string `json:"cidrIp"`
	Description string `json:"description,omitempty"`
}

// ruleID is the documented integer rule id, read as text so that an
// implementation answering a string works too.
type ruleID string

func (id *ruleID) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*id = ruleID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*id = ruleID(n.String())
	return nil
}

// toWire spells a rule as RuleInfo: lower-case protocol, "start/end" ports
// ("22/22" for one port, as the example of the Zenlayer
// RevokeSecurityGroupRules reference spells it) and "-1/-1" for protocols
// without ports, policy and priority written out as that example does. withDescription adds the description
// (authorize); a revoke names the rule by the fields the Zenlayer
// RevokeSecurityGroupRules reference lists.
func toWire(r rule.Rule, withDescription bool) ruleInfo {
	w := ruleInfo{
		Direction:  r.Direction,
		Policy:     r.Policy,
		Priority:   r.Priority,
		IPProtocol: r.Protocol,
		PortRange:  r.Ports.Slash(),
		CidrIP:     r.CIDR,
	}
	if w.Policy == "" {
		w.Policy = rule.Accept
	}
	if w.Priority == 0 {
		w.Priority = defaultPriority
	}
	if withDescription {
		w.Description = r.Description
	}
	return w
}

// fromWire reads a RuleInfo of DescribeSecurityGroups. A single port comes
// back as "N/N" (or "N" from older implementations): both parse to N.
func fromWire(w ruleInfo) rule.Rule {
	r := rule.Rule{
		NativeID:    string(w.RuleID),
		Direction:   strings.ToLower(w.Direction),
		Protocol:    strings.ToLower(w.IPProtocol),
		Policy:      strings.ToLower(w.Policy),
		Priority:    w.Priority,
		CIDR:        rule.NormalizeCIDR(w.CidrIP),
		Description: w.Description,
	}
	if rule.HasPorts(r.Protocol) {
		r.Ports, _ = rule.ParsePortRange(w.PortRange)
	}
	return r
}

func toWireAll(rules []rule.Rule, withDescription bool) []ruleInfo {
	out := make([]ruleInfo, len(rules))
	for i, r := range rules {
		out[i] = toWire(r, withDescription)
	}
	return out
}

// move takes zenlayercloud_zvm_security_group_rule and its alias
// zenlayercloud_security_group_rule (zenlayer/zenlayercloud, schema
// version 0): security_group_id, direction, policy, ip_protocol,
// port_range and cidr_ip, as in its id. The rule's own id and priority
// come with the next refresh.
var move = cloud.Move{
	TypeNames: []string{"zenlayercloud_zvm_security_group_rule", "zenlayercloud_security_group_rule"},
	Provider:  "zenlayercloud",
	Rule: func(attrs map[string]any) (string, rule.Rule, error) {
		group, r, err := cloud.MovedGroupRule(attrs, "direction")
		if err != nil {
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
