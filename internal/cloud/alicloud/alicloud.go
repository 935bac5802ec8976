// Package alicloud manages Alibaba Cloud ECS security group rules through
// the vendor's own SDK (github.com/aliyun/alibaba-cloud-sdk-go, ECS API
// 2014-05-26): AuthorizeSecurityGroup[Egress] to create,
// DescribeSecurityGroupAttribute to read, ModifySecurityGroup[Egress]Rule
// to change a description, RevokeSecurityGroup[Egress] to delete.
package alicloud

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Name is the cloud's name in HCL.
const Name = "alicloud"

// Definition describes ECS to the provider.
func Definition() cloud.Cloud {
	return cloud.Cloud{
		Name:  Name,
		Title: "Alibaba Cloud ECS",
		Capabilities: cloud.Capabilities{
			Protocols:       []string{rule.TCP, rule.UDP, rule.ICMP, rule.GRE, rule.ICMPv6, rule.All},
			IPv6:            true,
			Policies:        []string{rule.Accept, rule.Drop},
			MinPriority:     1,
			MaxPriority:     100,
			DefaultPriority: 1,
			DefaultPolicy:   rule.Accept,
			PeerGroups:      true,
			PeerGroupOwner:  true,
			PrefixLists:     true,
			LocalCIDR:       true,
			SourcePortRange: true,
			NicTypes:        []string{"internet", "intranet"},
			Description:     true,
			// ModifySecurityGroupRule / ModifySecurityGroupEgressRule.
			DescriptionInPlace: true,
			NativeIDs:          true,
		},
		Settings: []cloud.Setting{
			{Name: "access_key", Description: "AccessKey ID.", EnvVars: []string{"ALICLOUD_ACCESS_KEY", "ALIBABA_CLOUD_ACCESS_KEY_ID"}, Required: true},
			{Name: "secret_key", Description: "AccessKey secret.", EnvVars: []string{"ALICLOUD_SECRET_KEY", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"}, Sensitive: true, Required: true},
			{Name: "region", Description: "Region of the security groups, e.g. `cn-hangzhou`.", EnvVars: []string{"ALICLOUD_REGION", "ALIBABA_CLOUD_REGION_ID"}, Required: true},
			{Name: "endpoint", Description: "API endpoint as `scheme://host[:port]`; defaults to the region's public ECS endpoint over HTTPS.", EnvVars: []string{"ALICLOUD_ECS_ENDPOINT"}},
		},
		Connect: func(_ context.Context, s map[string]string) (cloud.Backend, error) { return New(s) },
	}
}

// Backend talks to ECS.
type Backend struct {
	client *ecs.Client
	region string
	// scheme and domain override the SDK's endpoint resolution when an
	// endpoint is configured.
	scheme, domain string
	// PageSize is DescribeSecurityGroupAttribute's MaxResults (10..1000).
	PageSize int
}

// New connects with resolved settings: access_key, secret_key, region and
// optionally endpoint.
func New(s map[string]string) (*Backend, error) {
	b := &Backend{region: s["region"], scheme: "https", PageSize: 1000}
	if ep := s["endpoint"]; ep != "" {
		u, err := url.Parse(ep)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return nil, fmt.Errorf("endpoint %q must look like https://host[:port]", ep)
		}
		b.scheme, b.domain = u.Scheme, u.Host
	}
	// Retries are ours (cloud.Retry, bounded by the resource's timeouts),
	// so the SDK's own retry is off.
	cfg := sdk.NewConfig().WithAutoRetry(false).WithScheme(strings.ToUpper(b.scheme))
	client, err := ecs.NewClientWithOptions(b.region, cfg, credentials.NewAccessKeyCredential(s["access_key"], s["secret_key"]))
	if err != nil {
		return nil, err
	}
	client.SetConnectTimeout(10 * time.Second)
	client.SetReadTimeout(60 * time.Second)
	b.client = client
	return b, nil
}

// rpc is the part of every SDK request the backend sets.
type rpc interface {
	SetScheme(string)
	SetDomain(string)
	SetReadTimeout(time.Duration)
}

// prepare points a request at the configured endpoint and bounds it by the
// context's deadline (the SDK takes no context).
func (b *Backend) prepare(ctx context.Context, req rpc) {
	req.SetScheme(b.scheme)
	if b.domain != "" {
		req.SetDomain(b.domain)
	}
	if deadline, ok := ctx.Deadline(); ok {
		req.SetReadTimeout(max(time.Second, min(60*time.Second, time.Until(deadline))))
	}
}

// Authorize adds rules of one direction per call, all of a batch in one
// Permissions.N list (ECS takes up to 100).
func (b *Backend) Authorize(ctx context.Context, groupID string, rules []rule.Rule, clientToken string) error {
	for _, batch := range byDirection(rules) {
		var err error
		if batch[0].Direction == rule.Ingress {
			req := ecs.CreateAuthorizeSecurityGroupRequest()
			b.prepare(ctx, req)
			req.RegionId, req.SecurityGroupId, req.ClientToken = b.region, groupID, clientToken
			perms := make([]ecs.AuthorizeSecurityGroupPermissions, len(batch))
			for i, r := range batch {
				w := toWire(r)
				perms[i] = ecs.AuthorizeSecurityGroupPermissions{
					IpProtocol: w.protocol, PortRange: w.ports, SourcePortRange: w.sourcePorts, NicType: r.NicType,
					Policy: r.Policy, Priority: w.priority, Description: r.Description,
					SourceCidrIp: w.peerV4, Ipv6SourceCidrIp: w.peerV6, SourceGroupId: r.PeerGroupID,
					SourceGroupOwnerAccount: r.PeerGroupOwnerAccount, SourceGroupOwnerId: r.PeerGroupOwnerID,
					SourcePrefixListId: r.PrefixListID, DestCidrIp: w.localV4, Ipv6DestCidrIp: w.localV6,
				}
			}
			req.Permissions = &perms
			_, err = b.client.AuthorizeSecurityGroup(req)
			err = classify("AuthorizeSecurityGroup", err, rule.Ingress)
		} else {
			req := ecs.CreateAuthorizeSecurityGroupEgressRequest()
			b.prepare(ctx, req)
			req.RegionId, req.SecurityGroupId, req.ClientToken = b.region, groupID, clientToken
			perms := make([]ecs.AuthorizeSecurityGroupEgressPermissions, len(batch))
			for i, r := range batch {
				w := toWire(r)
				perms[i] = ecs.AuthorizeSecurityGroupEgressPermissions{
					IpProtocol: w.protocol, PortRange: w.ports, SourcePortRange: w.sourcePorts, NicType: r.NicType,
					Policy: r.Policy, Priority: w.priority, Description: r.Description,
					DestCidrIp: w.peerV4, Ipv6DestCidrIp: w.peerV6, DestGroupId: r.PeerGroupID,
					DestGroupOwnerAccount: r.PeerGroupOwnerAccount, DestGroupOwnerId: r.PeerGroupOwnerID,
					DestPrefixListId: r.PrefixListID, SourceCidrIp: w.localV4, Ipv6SourceCidrIp: w.localV6,
				}
			}
			req.Permissions = &perms
			_, err = b.client.AuthorizeSecurityGroupEgress(req)
			err = classify("AuthorizeSecurityGroupEgress", err, rule.Egress)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Describe pages through DescribeSecurityGroupAttribute.
func (b *Backend) Describe(ctx context.Context, groupID string) ([]rule.Rule, error) {
	var out []rule.Rule
	token := ""
	for {
		req := ecs.CreateDescribeSecurityGroupAttributeRequest()
		b.prepare(ctx, req)
		req.RegionId, req.SecurityGroupId, req.Direction = b.region, groupID, "all"
		req.MaxResults = requestsInteger(b.PageSize)
		req.NextToken = token
		resp, err := b.client.DescribeSecurityGroupAttribute(req)
		if err != nil {
			return nil, classify("DescribeSecurityGroupAttribute", err, "")
		}
		for _, p := range resp.Permissions.Permission {
			out = append(out, fromWire(p))
		}
		if resp.NextToken == "" || resp.NextToken == token {
			return out, nil
		}
		token = resp.NextToken
	}
}

// Revoke removes rules. A single rule goes out as the flat parameters of
// vendor doc 001 (RevokeSecurityGroup: IpProtocol, PortRange,
// SourcePortRange, NicType, Policy, DestCidrIp, SourceCidrIp,
// SourceGroupId, SourceGroupOwnerAccount, SourceGroupOwnerId, Priority,
// plus the Ipv6 and prefix-list fields the SDK has); several rules of one
// direction go out as one Permissions.N list, which the SDK documents as
// the successor of the flat form.
func (b *Backend) Revoke(ctx context.Context, groupID string, rules []rule.Rule) error {
	for _, batch := range byDirection(rules) {
		var err error
		if batch[0].Direction == rule.Ingress {
			err = b.revokeIngress(ctx, groupID, batch)
		} else {
			err = b.revokeEgress(ctx, groupID, batch)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (b *Backend) revokeIngress(ctx context.Context, groupID string, batch []rule.Rule) error {
	req := ecs.CreateRevokeSecurityGroupRequest()
	b.prepare(ctx, req)
	req.RegionId, req.SecurityGroupId = b.region, groupID
	if len(batch) == 1 {
		r, w := batch[0], toWire(batch[0])
		req.IpProtocol, req.PortRange, req.SourcePortRange, req.NicType = w.protocol, w.ports, w.sourcePorts, r.NicType
		req.Policy, req.Priority = r.Policy, w.priority
		req.SourceCidrIp, req.Ipv6SourceCidrIp, req.SourceGroupId = w.peerV4, w.peerV6, r.PeerGroupID
		req.SourceGroupOwnerAccount, req.SourceGroupOwnerId = r.PeerGroupOwnerAccount, requestsIntegerString(r.PeerGroupOwnerID)
		req.SourcePrefixListId, req.DestCidrIp, req.Ipv6DestCidrIp = r.PrefixListID, w.localV4, w.localV6
	} else {
		perms := make([]ecs.RevokeSecurityGroupPermissions, len(batch))
		for i, r := range batch {
			w := toWire(r)
			perms[i] = ecs.RevokeSecurityGroupPermissions{
				IpProtocol: w.protocol, PortRange: w.ports, SourcePortRange: w.sourcePorts, NicType: r.NicType,
				Policy: r.Policy, Priority: w.priority,
				SourceCidrIp: w.peerV4, Ipv6SourceCidrIp: w.peerV6, SourceGroupId: r.PeerGroupID,
				SourceGroupOwnerAccount: r.PeerGroupOwnerAccount, SourceGroupOwnerId: r.PeerGroupOwnerID,
				SourcePrefixListId: r.PrefixListID, DestCidrIp: w.localV4, Ipv6DestCidrIp: w.localV6,
			}
		}
		req.Permissions = &perms
	}
	_, err := b.client.RevokeSecurityGroup(req)
	return classify("RevokeSecurityGroup", err, rule.Ingress)
}

func (b *Backend) revokeEgress(ctx context.Context, groupID string, batch []rule.Rule) error {
	req := ecs.CreateRevokeSecurityGroupEgressRequest()
	b.prepare(ctx, req)
	req.RegionId, req.SecurityGroupId = b.region, groupID
	if len(batch) == 1 {
		r, w := batch[0], toWire(batch[0])
		req.IpProtocol, req.PortRange, req.SourcePortRange, req.NicType = w.protocol, w.ports, w.sourcePorts, r.NicType
		req.Policy, req.Priority = r.Policy, w.priority
		req.DestCidrIp, req.Ipv6DestCidrIp, req.DestGroupId = w.peerV4, w.peerV6, r.PeerGroupID
		req.DestGroupOwnerAccount, req.DestGroupOwnerId = r.PeerGroupOwnerAccount, requestsIntegerString(r.PeerGroupOwnerID)
		req.DestPrefixListId, req.SourceCidrIp, req.Ipv6SourceCidrIp = r.PrefixListID, w.localV4, w.localV6
	} else {
		perms := make([]ecs.RevokeSecurityGroupEgressPermissions, len(batch))
		for i, r := range batch {
			w := toWire(r)
			perms[i] = ecs.RevokeSecurityGroupEgressPermissions{
				IpProtocol: w.protocol, PortRange: w.ports, SourcePortRange: w.sourcePorts, NicType: r.NicType,
				Policy: r.Policy, Priority: w.priority,
				DestCidrIp: w.peerV4, Ipv6DestCidrIp: w.peerV6, DestGroupId: r.PeerGroupID,
				DestGroupOwnerAccount: r.PeerGroupOwnerAccount, DestGroupOwnerId: r.PeerGroupOwnerID,
				DestPrefixListId: r.PrefixListID, SourceCidrIp: w.localV4, Ipv6SourceCidrIp: w.localV6,
			}
		}
		req.Permissions = &perms
	}
	_, err := b.client.RevokeSecurityGroupEgress(req)
	return classify("RevokeSecurityGroupEgress", err, rule.Egress)
}

// UpdateDescription changes a description in one Modify call. The rule is
// named by its sgr- id when known and by its content too, which older API
// implementations (Apsara Stack) need; ECS accepts both together.
func (b *Backend) UpdateDescription(ctx context.Context, groupID string, r rule.Rule) error {
	w := toWire(r)
	if r.Direction == rule.Ingress {
		req := ecs.CreateModifySecurityGroupRuleRequest()
		b.prepare(ctx, req)
		req.RegionId, req.SecurityGroupId, req.SecurityGroupRuleId = b.region, groupID, r.NativeID
		req.IpProtocol, req.PortRange, req.SourcePortRange, req.NicType = w.protocol, w.ports, w.sourcePorts, r.NicType
		req.Policy, req.Priority, req.Description = r.Policy, w.priority, r.Description
		req.SourceCidrIp, req.Ipv6SourceCidrIp, req.SourceGroupId = w.peerV4, w.peerV6, r.PeerGroupID
		req.SourceGroupOwnerAccount, req.SourceGroupOwnerId = r.PeerGroupOwnerAccount, requestsIntegerString(r.PeerGroupOwnerID)
		req.SourcePrefixListId, req.DestCidrIp, req.Ipv6DestCidrIp = r.PrefixListID, w.localV4, w.localV6
		_, err := b.client.ModifySecurityGroupRule(req)
		return classify("ModifySecurityGroupRule", err, rule.Ingress)
	}
	req := ecs.CreateModifySecurityGroupEgressRuleRequest()
	b.prepare(ctx, req)
	req.RegionId, req.SecurityGroupId, req.SecurityGroupRuleId = b.region, groupID, r.NativeID
	req.IpProtocol, req.PortRange, req.SourcePortRange, req.NicType = w.protocol, w.ports, w.sourcePorts, r.NicType
	req.Policy, req.Priority, req.Description = r.Policy, w.priority, r.Description
	req.DestCidrIp, req.Ipv6DestCidrIp, req.DestGroupId = w.peerV4, w.peerV6, r.PeerGroupID
	req.DestGroupOwnerAccount, req.DestGroupOwnerId = r.PeerGroupOwnerAccount, requestsIntegerString(r.PeerGroupOwnerID)
	req.DestPrefixListId, req.SourceCidrIp, req.Ipv6SourceCidrIp = r.PrefixListID, w.localV4, w.localV6
	_, err := b.client.ModifySecurityGroupEgressRule(req)
	return classify("ModifySecurityGroupEgressRule", err, rule.Egress)
}

// byDirection splits a batch: ingress and egress are different API calls.
func byDirection(rules []rule.Rule) [][]rule.Rule {
	var in, out []rule.Rule
	for _, r := range rules {
		if r.Direction == rule.Ingress {
			in = append(in, r)
		} else {
			out = append(out, r)
		}
	}
	var batches [][]rule.Rule
	for _, b := range [][]rule.Rule{in, out} {
		if len(b) > 0 {
			batches = append(batches, b)
		}
	}
	return batches
}
