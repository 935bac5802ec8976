// Package apsarastack manages Alibaba Apsara Stack ECS security group rules
// through the stack's API gateway route (the Apsara Stack RevokeSecurityGroup
// reference): POST /apsara/route/Ecs/{Action} with
// AuthorizeSecurityGroup[Egress] to create, DescribeSecurityGroupAttribute to
// read, ModifySecurityGroup[Egress]Rule to change a description and
// RevokeSecurityGroup[Egress] to delete. The rule semantics are ECS's (package
// alibaba).
package apsarastack

import (
	"context"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alibaba"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Name is the cloud's name in HCL.
const Name = "apsarastack"

// Definition describes Apsara Stack ECS to the provider.
func Definition() cloud.Cloud {
	return cloud.Cloud{
		Name:         Name,
		Title:        "Alibaba Apsara Stack ECS",
		Capabilities: capabilities(),
		Settings: []cloud.Setting{
			{Name: "access_key", Description: "AccessKey ID.", EnvVars: []string{"APSARASTACK_ACCESS_KEY"}, Sensitive: true, Required: true},
			{Name: "secret_key", Description: "AccessKey secret.", EnvVars: []string{"APSARASTACK_SECRET_KEY"}, Sensitive: true, Required: true},
			{Name: "region", Description: "Region of the security groups, e.g. `cn-qingdao-env17-d01`.", EnvVars: []string{"APSARASTACK_REGION"}, Required: true},
			{Name: "endpoint", Description: "The stack's API gateway as `scheme://host[:port]`; every Apsara Stack has its own, so there is no default.", EnvVars: []string{"APSARASTACK_ENDPOINT"}, Required: true},
			// The route's documentation names no organization parameter:
			// sent when set, and a gateway that needs it says so (the
			// error names the setting).
			{Name: "organization_id", Description: "Organization (department) id, sent as `x-acs-organizationid` when set; a gateway that needs it refuses calls without it.", EnvVars: []string{"APSARASTACK_ORGANIZATION_ID", "APSARASTACK_DEPARTMENT"}},
			{Name: "resource_group_id", Description: "Resource group id, sent as `x-acs-resourcegroupid`.", EnvVars: []string{"APSARASTACK_RESOURCE_GROUP_ID", "APSARASTACK_RESOURCE_GROUP"}},
		},
		Connect:         func(_ context.Context, s map[string]string) (cloud.Backend, error) { return New(s) },
		DefaultEndpoint: defaultEndpoint,
		MovesFrom: []cloud.Move{
			{TypeNames: []string{"apsarastack_security_group_rule"}, Provider: "apsarastack", Rule: alibaba.MoveRule},
			{TypeNames: []string{"alibabacloudstack_security_group_rule"}, Provider: "alibabacloudstack", Rule: alibaba.MoveRule},
		},
	}
}

// capabilities are ECS's, sgr- rule ids included, but for prefix lists,
// which the Apsara Stack RevokeSecurityGroup reference lacks.
func capabilities() cloud.Capabilities {
	c := alibaba.Capabilities()
	c.PrefixLists = false
	return c
}

// Backend talks to an Apsara Stack gateway.
type Backend struct {
	client *client
	// PageSize is DescribeSecurityGroupAttribute's MaxResults.
	PageSize int
}

// New connects with resolved settings.
func New(s map[string]string) (*Backend, error) {
	c, err := newClient(s)
	if err != nil {
		return nil, err
	}
	return &Backend{client: c, PageSize: 1000}, nil
}

// Authorize adds rules one call each with the flat rule parameters and the
// description, the parameters the Apsara Stack RevokeSecurityGroup
// reference lists (AuthorizeSecurityGroup of ECS 2014-05-26 takes the
// same), and a ClientToken (one per rule, derived from the caller's) that
// makes retries of a write that landed harmless.
func (b *Backend) Authorize(ctx context.Context, groupID string, rules []rule.Rule, clientToken string) error {
	return cloud.AuthorizeEach(rules, func(i int, r rule.Rule) error {
		return b.client.call(ctx, ruleCall("AuthorizeSecurityGroup", groupID, r, true, cloud.ItemToken(clientToken, i, len(rules))), nil)
	})
}

// Revoke removes rules one call each with every parameter of the Apsara Stack
// RevokeSecurityGroup reference the rule sets (SourceGroupId, Policy,
// SourcePortRange, Priority, SourceGroupOwnerId/Account, Ipv6SourceCidrIp,
// Ipv6DestCidrIp, NicType, PortRange, SourceCidrIp, IpProtocol, DestCidrIp;
// RevokeSecurityGroupEgress names the peer by their Dest* twins) and the
// revoke's own ClientToken (one per rule,
// derived from the caller's), which the reference says must be unique
// between different requests: only this revoke's retries send it again.
func (b *Backend) Revoke(ctx context.Context, groupID string, rules []rule.Rule, clientToken string) error {
	return cloud.RevokeEach(rules, func(i int, r rule.Rule) error {
		return b.client.call(ctx, ruleCall("RevokeSecurityGroup", groupID, r, false, cloud.ItemToken(clientToken, i, len(rules))), nil)
	})
}

// UpdateDescription changes a description in one Modify call, naming the
// rule by id (when known) and by content.
func (b *Backend) UpdateDescription(ctx context.Context, groupID string, r rule.Rule) error {
	return b.client.call(ctx, alibaba.Modify(groupID, r), nil)
}

// CloudNow is the cloud's time, from the Date of its last answer
// (cloud.Clocked).
func (b *Backend) CloudNow() (time.Time, bool) { return b.client.clock.Now() }

// Describe reads every page of DescribeSecurityGroupAttribute, and both NIC
// types of a classic-network group (alibaba.DescribeAll).
func (b *Backend) Describe(ctx context.Context, groupID string) ([]rule.Rule, error) {
	return alibaba.DescribeAll(ctx, b.client.call, groupID, b.PageSize, alibaba.FromWire)
}

// ruleCall is one rule's authorize or revoke (base names the ingress
// action) with the flat rule parameters and the call's ClientToken.
func ruleCall(base, groupID string, r rule.Rule, withDescription bool, token string) cloud.Request {
	p := alibaba.Params(r, withDescription)
	if token != "" {
		p["ClientToken"] = token
	}
	return cloud.Request{Action: alibaba.ActionFor(base, r.Direction), Group: groupID, Direction: r.Direction, Params: p}
}
