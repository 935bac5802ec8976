package baiducloud

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// Fixtures are the BCC groups mockcloud starts with (documented in
// mockcloud's README): g-web, g-app and g-db, empty, in region bj, VPC
// vpc-bj, sgVersion 0.
func Fixtures(time.Time) []*store.Group {
	return []*store.Group{NewGroup("g-web"), NewGroup("g-app"), NewGroup("g-db")}
}

// NewGroup is an empty group beside the fixtures: region bj, VPC vpc-bj.
func NewGroup(id string) *store.Group {
	return &store.Group{Cloud: Cloud, ID: id, Region: "bj", Status: "Available", VpcID: "vpc-bj", Rules: []any{}}
}

// ClientSettings are the provider block settings, besides credentials and
// endpoint, that reach NewGroup's groups.
func ClientSettings() map[string]string { return map[string]string{"region": "bj"} }

// DecodeRule reads a rule as GET /_mock/state prints it (the detail
// answer's SecurityGroupRuleModel), for fixtures and saved state: a rule
// BCC could not hold is an error. The id may be given under either key.
func DecodeRule(data []byte) (any, error) {
	var r Rule
	if err := frontend.DecodeStrict(data, &r); err != nil {
		return nil, err
	}
	if r.ID == "" {
		r.ID = r.IDAlias
	}
	if r.IDAlias == "" {
		r.IDAlias = r.ID
	}
	if r.ID == "" || r.ID != r.IDAlias {
		return nil, fmt.Errorf("securityGroupRuleId %q and id %q: want the rule's id under either or both", r.ID, r.IDAlias)
	}
	norm, e := normalize(requested{Direction: r.Direction, Ethertype: r.Ethertype, Protocol: r.Protocol, PortRange: r.PortRange,
		SourceIP: r.SourceIP, SourceGroupID: r.SourceGroupID, DestIP: r.DestIP, DestGroupID: r.DestGroupID, Remark: r.Remark})
	if e != nil {
		return nil, errors.New(e.Message)
	}
	if norm.key() != r.key() || norm.Ethertype != r.Ethertype {
		return nil, fmt.Errorf("rule %q (remark, protocol, direction, portRange, address, group): BCC keeps it as %q", r.key(), norm.key())
	}
	return &r, nil
}

// RuleKey is what makes a stored rule the same rule as another (the
// 6-tuple by which authorize refuses a repeat): two rules of a group with
// one key are a group BCC cannot hold.
func RuleKey(rule any) string {
	k := rule.(*Rule).key()
	return strings.Join(k[:], "|")
}

// RuleQuota is the quota a stored rule counts against: MaxRulesPerDirection
// of its direction, as authorize counts.
func RuleQuota(rule any) (string, int) { return rule.(*Rule).Direction, MaxRulesPerDirection }
