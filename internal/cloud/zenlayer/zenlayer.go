// Package zenlayer manages Zenlayer Cloud VM security group rules through
// Zenlayer Cloud API 2.0: AuthorizeSecurityGroupRules to create,
// DescribeSecurityGroups to read, RevokeSecurityGroupRules to delete. The
// client is our own (client.go), since the vendor's SDK is not on the Go
// module proxy.
package zenlayer

import (
	"context"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Name is the cloud's name in HCL.
const Name = "zenlayer"

// defaultPriority is what Zenlayer assumes when a rule gives none.
const defaultPriority = 1

// Definition describes Zenlayer Cloud VM to the provider.
func Definition() cloud.Cloud {
	return cloud.Cloud{
		Name:  Name,
		Title: "Zenlayer Cloud VM",
		Capabilities: cloud.Capabilities{
			// ipProtocol is case-sensitive: tcp, udp, icmp, all.
			Protocols: []string{rule.TCP, rule.UDP, rule.ICMP, rule.All},
			// Rules are created with accept only, but the console can
			// make drop rules, which describe returns and import takes.
			Policies:         []string{rule.Accept},
			ExistingPolicies: []string{rule.Drop},
			MinPriority:      1,
			MaxPriority:      100,
			DefaultPriority:  defaultPriority,
			DefaultPolicy:    rule.Accept,
			Description:      true,
			// ruleId, in DescribeSecurityGroups answers: an integer
			// (the reference's sample: 120), read in decimal.
			NativeIDs: true,
			RuleIDs: cloud.RuleIDForm{Pattern: regexp.MustCompile(`^(0|[1-9][0-9]*)$`),
				Text: "whole numbers (ruleId) in decimal digits", Example: "120"},
			// Two rules that differ only in priority are a repeat
			// (OPERATION_DENIED_SECURITY_GROUP_EXIST_REPEAT_RULE).
			Identity: rule.Identity{NoPriority: true},
			// 20 ingress and 20 egress rules per group
			// (OPERATION_DENIED_SECURITY_GROUP_RULE_EXCEED_LIMIT).
			Quota:             20,
			QuotaPerDirection: true,
		},
		// ruleInfos of AuthorizeSecurityGroupRules and
		// RevokeSecurityGroupRules, either direction in one call; a group
		// holds at most 20 + 20 rules, so no call needs more.
		WriteBatch: 40,
		Settings: []cloud.Setting{
			{Name: "access_key", Description: "Access key id.", EnvVars: []string{"ZENLAYERCLOUD_ACCESS_KEY_ID"}, Sensitive: true, Required: true},
			{Name: "secret_key", Description: "Access key password.", EnvVars: []string{"ZENLAYERCLOUD_ACCESS_KEY_PASSWORD"}, Sensitive: true, Required: true},
			{Name: "endpoint", Description: "API endpoint as `scheme://host[:port]`, or a bare host for HTTPS; defaults to `https://console.zenlayer.com`.",
				EnvVars: []string{"ZENLAYERCLOUD_ENDPOINT", "ZENLAYERCLOUD_DOMAIN"}},
		},
		Connect:         func(_ context.Context, s map[string]string) (cloud.Backend, error) { return New(s) },
		DefaultEndpoint: defaultEndpoint,
		VendorDomains:   []string{"zenlayer.com"},
		MovesFrom:       []cloud.Move{move},
	}
}

// Backend talks to the VM API.
type Backend struct {
	client *client
	// defaults are the groups the last describe of each found to be the
	// account's default group (isDefault), whose rules the VM API does
	// not allow to be changed.
	mu       sync.Mutex
	defaults map[string]bool
}

// New connects with resolved settings: access_key, secret_key and
// optionally endpoint.
func New(s map[string]string) (*Backend, error) {
	c, err := newClient(s)
	if err != nil {
		return nil, err
	}
	return &Backend{client: c, defaults: map[string]bool{}}, nil
}

type groupRules struct {
	SecurityGroupID string     `json:"securityGroupId"`
	RuleInfos       []ruleInfo `json:"ruleInfos"`
}

// Authorize adds a batch in one AuthorizeSecurityGroupRules call. Zenlayer
// has no idempotency token; engine.Client recognises its own retried write.
func (b *Backend) Authorize(ctx context.Context, groupID string, rules []rule.Rule, _ string) error {
	return b.client.call(ctx, cloud.Request{Action: "AuthorizeSecurityGroupRules", Group: groupID, Body: groupRules{groupID, toWireAll(rules, true)}}, nil)
}

// describeGroups is the part of DescribeSecurityGroups' answer used here.
type describeGroups struct {
	TotalCount int `json:"totalCount"`
	DataSet    []struct {
		SecurityGroupID     string     `json:"securityGroupId"`
		SecurityGroupStatus string     `json:"securityGroupStatus"`
		IsDefault           bool       `json:"isDefault"`
		RuleInfos           []ruleInfo `json:"ruleInfos"`
	} `json:"dataSet"`
}

// CloudNow is the cloud's time, from the Date of its last answer
// (cloud.Clocked).
func (b *Backend) CloudNow() (time.Time, bool) { return b.client.clock.Now() }

// Describe reads one group with DescribeSecurityGroups and returns its
// ruleInfos; the VM API has no per-group rule call. A group missing from
// the answer is gone.
func (b *Backend) Describe(ctx context.Context, groupID string) ([]rule.Rule, error) {
	var out describeGroups
	in := map[string]any{"securityGroupIds": []string{groupID}, "pageNum": 1, "pageSize": 1}
	if err := b.client.call(ctx, cloud.Request{Action: "DescribeSecurityGroups", Group: groupID, Body: in}, &out); err != nil {
		return nil, err
	}
	for _, g := range out.DataSet {
		if g.SecurityGroupID != groupID {
			continue
		}
		rules := make([]rule.Rule, 0, len(g.RuleInfos))
		for _, w := range g.RuleInfos {
			rules = append(rules, fromWire(w))
		}
		b.mu.Lock()
		b.defaults[groupID] = g.IsDefault
		b.mu.Unlock()
		return rules, nil
	}
	return nil, &cloud.Error{Cloud: Name, Action: "DescribeSecurityGroups", Kind: cloud.KindGroupGone, Attribute: "security_group_id",
		Message: fmt.Sprintf("security group %s does not exist", groupID)}
}

// RefusesChanges tells a default group, as the last describe of it did:
// "Editing is not supported for default security group" (the VM API's
// AuthorizeSecurityGroupRules and RevokeSecurityGroupRules references).
func (b *Backend) RefusesChanges(groupID string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.defaults[groupID] {
		return "it is the account's default security group, and Zenlayer does not allow editing the rules of a default security group: use another group"
	}
	return ""
}

// Revoke removes a batch in one RevokeSecurityGroupRules call, naming each rule
// by {direction, policy, priority, ipProtocol, portRange, cidrIp} as the
// Zenlayer RevokeSecurityGroupRules reference shows. The call is all or
// nothing: when one rule of a batch is gone, engine.Client sends the others
// again one by one. Zenlayer takes no client token.
func (b *Backend) Revoke(ctx context.Context, groupID string, rules []rule.Rule, _ string) error {
	return b.client.call(ctx, cloud.Request{Action: "RevokeSecurityGroupRules", Group: groupID, Body: groupRules{groupID, toWireAll(rules, false)}}, nil)
}
