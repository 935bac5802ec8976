package zenlayer

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// ruleInfo is Zenlayer's RuleInfo (reference/vendor-wire.md 1.5).
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
// ("22/22" for one port) and "-1/-1" for protocols without ports, the
// cloud's defaults (accept, priority 1) written out, as doc 000's example
// does. withDescription adds the description (authorize); a revoke names
// the rule by the fields doc 000 lists.
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
