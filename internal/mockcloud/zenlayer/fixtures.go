package zenlayer

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// PendingFor is how long after a reset the fixture zl-pending stays in
// status Creating.
const PendingFor = 5 * time.Second

// Fixtures are the Zenlayer groups mockcloud starts with (documented in
// mockcloud's README). Zenlayer's VM groups have no region.
//
//   - zl-web, zl-app: empty groups to put rules in;
//   - zl-default: the account's default group, whose rules cannot be
//     changed; it holds the usual defaults, including a drop rule;
//   - zl-pending: a group still being created, Available PendingFor after
//     the start (or reset).
func Fixtures(now time.Time) []*store.Group {
	def := NewGroup("zl-default")
	def.Default = true
	for i, r := range []RuleInfo{
		{Direction: "ingress", IPProtocol: "tcp", PortRange: "22/22", CidrIP: "0.0.0.0/0", Description: "SSH"},
		{Direction: "ingress", IPProtocol: "tcp", PortRange: "3389/3389", CidrIP: "0.0.0.0/0", Description: "RDP"},
		{Direction: "ingress", IPProtocol: "icmp", PortRange: "-1/-1", CidrIP: "0.0.0.0/0"},
		{Direction: "ingress", Policy: "drop", Priority: 100, IPProtocol: "all", PortRange: "-1/-1", CidrIP: "0.0.0.0/0"},
		{Direction: "egress", IPProtocol: "all", PortRange: "-1/-1", CidrIP: "0.0.0.0/0"},
	} {
		r.RuleID = 9001 + i
		if r.Policy == "" {
			r.Policy, r.Priority = "accept", 1
		}
		def.Rules = append(def.Rules, &r)
	}
	pending := NewGroup("zl-pending")
	pending.Status, pending.AvailableAt = "Creating", now.Add(PendingFor)
	return []*store.Group{NewGroup("zl-web"), NewGroup("zl-app"), def, pending}
}

// NewGroup is an empty Available group (Zenlayer's VM groups have no
// region).
func NewGroup(id string) *store.Group {
	return &store.Group{Cloud: Cloud, ID: id, Status: "Available", Rules: []any{}}
}

// ClientSettings are the provider block settings, besides credentials and
// endpoint, that reach NewGroup's groups: none.
func ClientSettings() map[string]string { return map[string]string{} }

// Number is the rule's id: the store keeps new ids past it.
func (r *RuleInfo) Number() int { return r.RuleID }

// DecodeRule reads a rule as GET /_mock/state prints it (the
// DescribeSecurityGroups RuleInfo), for fixtures and saved state: a rule
// the API could not hold is an error.
func DecodeRule(data []byte) (any, error) {
	var r RuleInfo
	if err := frontend.DecodeStrict(data, &r); err != nil {
		return nil, err
	}
	if r.RuleID < 1 {
		return nil, fmt.Errorf("ruleId %d: want a positive number", r.RuleID)
	}
	norm, e := normalize(requested{Direction: r.Direction, Policy: &r.Policy, Priority: &r.Priority, IPProtocol: r.IPProtocol,
		PortRange: r.PortRange, CidrIP: r.CidrIP, Description: r.Description}, false)
	if e != nil {
		return nil, errors.New(e.Message)
	}
	if norm.RuleID = r.RuleID; norm != r {
		return nil, fmt.Errorf("portRange %q: Zenlayer describes it %q", r.PortRange, norm.PortRange)
	}
	return &r, nil
}

// RuleKey is what makes a stored rule the same rule as another (sameRule,
// by which authorize refuses a repeat): two rules of a group with one key
// are a group Zenlayer cannot hold.
func RuleKey(rule any) string {
	r := rule.(*RuleInfo)
	cidr, _ := cidrKey(r.CidrIP)
	return strings.Join([]string{r.Direction, r.Policy, r.IPProtocol, r.PortRange, cidr}, "|")
}

// RuleQuota is the quota a stored rule counts against: MaxRulesPerDirection
// of its direction, as authorize counts.
func RuleQuota(rule any) (string, int) { return rule.(*RuleInfo).Direction, MaxRulesPerDirection }
