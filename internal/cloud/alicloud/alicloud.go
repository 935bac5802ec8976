// Package alicloud manages Alibaba Cloud ECS security group rules through
// the core of the vendor's SDK (github.com/aliyun/alibaba-cloud-sdk-go, ECS
// API 2014-05-26; see alibaba.RPC): AuthorizeSecurityGroup[Egress] to create,
// DescribeSecurityGroupAttribute to read, ModifySecurityGroup[Egress]Rule
// to change a description, RevokeSecurityGroup[Egress] to delete.
package alicloud

import (
	"context"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alibaba"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Name is the cloud's name in HCL.
const Name = "alicloud"

// apiVersion is the ECS API version spoken.
const apiVersion = "2014-05-26"

// Definition describes ECS to the provider.
func Definition() cloud.Cloud {
	return cloud.Cloud{
		Name:         Name,
		Title:        "Alibaba Cloud ECS",
		Capabilities: alibaba.Capabilities(),
		// Permissions.N of AuthorizeSecurityGroup[Egress] and
		// RevokeSecurityGroup[Egress], up to 100 as the SDK sends them;
		// ingress and egress are different actions.
		WriteBatch:        100,
		BatchPerDirection: true,
		Settings: []cloud.Setting{
			{Name: "access_key", Description: "AccessKey ID.", EnvVars: []string{"ALICLOUD_ACCESS_KEY", "ALIBABA_CLOUD_ACCESS_KEY_ID"}, Sensitive: true, Required: true},
			{Name: "secret_key", Description: "AccessKey secret.", EnvVars: []string{"ALICLOUD_SECRET_KEY", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"}, Sensitive: true, Required: true},
			{Name: "region", Description: "Region of the security groups, e.g. `cn-hangzhou`.", EnvVars: []string{"ALICLOUD_REGION", "ALIBABA_CLOUD_REGION_ID"}, Required: true},
			{Name: "endpoint", Description: "API endpoint as `scheme://host[:port]`; defaults to the region's public ECS endpoint over HTTPS.", EnvVars: []string{"ALICLOUD_ECS_ENDPOINT"}},
		},
		Connect:         func(_ context.Context, s map[string]string) (cloud.Backend, error) { return New(s) },
		DefaultEndpoint: defaultEndpoint,
		VendorDomains:   []string{"aliyuncs.com"},
		// alicloud_security_group_rule of the vendor's provider
		// (aliyun/alicloud) holds ECS's rule, read by alibaba.MoveRule.
		MovesFrom: []cloud.Move{{TypeNames: []string{"alicloud_security_group_rule"}, Provider: "alicloud", Rule: alibaba.MoveRule}},
	}
}

// revokeParams names the rules of one direction for RevokeSecurityGroup
// or RevokeSecurityGroupEgress: one rule as the API's flat parameters,
// several as one Permissions.N list, the successor of the flat form in the
// SDK. Rules are written as ECS names them (alibaba.Params).
func revokeParams(batch []rule.Rule) map[string]string {
	if len(batch) == 1 {
		return alibaba.Params(batch[0], false)
	}
	return alibaba.Permissions(batch, false)
}

// Backend talks to ECS.
type Backend struct {
	client *client
	// PageSize is DescribeSecurityGroupAttribute's MaxResults (10..1000).
	PageSize int
}

// New connects with resolved settings: access_key, secret_key, region and
// optionally endpoint.
func New(s map[string]string) (*Backend, error) {
	c, err := newClient(s)
	if err != nil {
		return nil, err
	}
	return &Backend{client: c, PageSize: 1000}, nil
}

// Authorize adds rules of one direction per call, all of a batch in one
// Permissions.N list (ECS takes up to 100). Ingress and egress are two
// actions, so each gets its own ClientToken (ItemToken): one token on two
// different requests is IdempotentParameterMismatch.
func (b *Backend) Authorize(ctx context.Context, groupID string, rules []rule.Rule, clientToken string) error {
	batches := alibaba.ByDirection(rules)
	for i, batch := range batches {
		p := alibaba.Permissions(batch, true)
		if token := cloud.ItemToken(clientToken, i, len(batches)); token != "" {
			p["ClientToken"] = token
		}
		direction := batch[0].Direction
		req := cloud.Request{Action: alibaba.ActionFor("AuthorizeSecurityGroup", direction), Group: groupID, Direction: direction, Params: p}
		if err := b.client.call(ctx, req, nil); err != nil {
			return err
		}
	}
	return nil
}

// CloudNow is the cloud's time, from the Date of its last answer
// (cloud.Clocked).
func (b *Backend) CloudNow() (time.Time, bool) { return b.client.rpc.Clock.Now() }

// Describe reads every page of DescribeSecurityGroupAttribute, and both NIC
// types of a classic-network group (alibaba.DescribeAll). Priority is read
// as a string (the SDK's type) or a number.
func (b *Backend) Describe(ctx context.Context, groupID string) ([]rule.Rule, error) {
	return alibaba.DescribeAll(ctx, b.client.call, groupID, b.PageSize, alibaba.FromWire)
}

// Revoke removes rules. A single rule goes out as the flat parameters of
// the ECS RevokeSecurityGroup reference (RevokeSecurityGroup: IpProtocol, PortRange,
// SourcePortRange, NicType, Policy, DestCidrIp, SourceCidrIp,
// SourceGroupId, SourceGroupOwnerAccount, SourceGroupOwnerId, Priority,
// plus the Ipv6 and prefix-list fields of the current API); several rules
// of one direction go out as one Permissions.N list, the successor of the
// flat form in the SDK. The ECS RevokeSecurityGroup reference takes no
// ClientToken, so none is sent.
func (b *Backend) Revoke(ctx context.Context, groupID string, rules []rule.Rule, _ string) error {
	for _, batch := range alibaba.ByDirection(rules) {
		direction := batch[0].Direction
		req := cloud.Request{Action: alibaba.ActionFor("RevokeSecurityGroup", direction), Group: groupID, Direction: direction, Params: revokeParams(batch)}
		if err := b.client.call(ctx, req, nil); err != nil {
			return err
		}
	}
	return nil
}

// UpdateDescription changes a description in one Modify call. The rule is
// named by its sgr- id when known and by its content too, which older API
// implementations (Apsara Stack) need; ECS accepts both together.
func (b *Backend) UpdateDescription(ctx context.Context, groupID string, r rule.Rule) error {
	return b.client.call(ctx, alibaba.Modify(groupID, r), nil)
}
