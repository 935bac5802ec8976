package ens

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// Fixtures are the ENS groups mockcloud starts with (documented in
// mockcloud's README): sg-ens-web and sg-ens-db, empty. ENS's rule calls
// take no region.
func Fixtures(time.Time) []*store.Group {
	return []*store.Group{NewGroup("sg-ens-web"), NewGroup("sg-ens-db")}
}

// NewGroup is an empty Available group (ENS's rule calls take no region).
func NewGroup(id string) *store.Group {
	return &store.Group{Cloud: Cloud, ID: id, Status: "Available", Rules: []any{}}
}

// ClientSettings are the provider block settings, besides credentials and
// endpoint, that reach NewGroup's groups: none.
func ClientSettings() map[string]string { return map[string]string{} }

// DecodeRule reads a rule as GET /_mock/state prints it (ENS's
// DescribeSecurityGroupAttribute Permission), for fixtures and saved
// state: a rule ENS could not hold is an error.
func DecodeRule(data []byte) (any, error) {
	var p Permission
	if err := frontend.DecodeStrict(data, &p); err != nil {
		return nil, err
	}
	q := map[string]string{"IpProtocol": strings.ToLower(p.IpProtocol), "PortRange": p.PortRange, "SourcePortRange": p.SourcePortRange,
		"SourceCidrIp": p.SourceCidrIp, "DestCidrIp": p.DestCidrIp, "Policy": strings.ToLower(p.Policy), "Priority": strconv.Itoa(p.Priority)}
	if p.Direction != "ingress" && p.Direction != "egress" {
		return nil, fmt.Errorf("the Direction %q: want ingress or egress", p.Direction)
	}
	norm, e := normalize(p.Direction, q)
	if e != nil {
		return nil, errors.New(e.Message)
	}
	norm.Description, norm.CreationTime = p.Description, p.CreationTime
	if norm != p {
		return nil, fmt.Errorf("rule %+v: ENS describes it as %+v", p, norm)
	}
	return &p, nil
}

// RuleKey is what makes a stored rule the same rule as another (identity,
// by which authorize refuses a repeat): two rules of a group with one key
// are a group ENS cannot hold.
func RuleKey(rule any) string { return rule.(*Permission).identity() }

// RuleQuota is the quota a stored rule counts against: MaxRules of the
// whole group, as authorize counts.
func RuleQuota(any) (string, int) { return "", MaxRules }
