// Package ens manages Alibaba ENS (Edge Node Service) security group rules
// through the vendor's SDK (github.com/aliyun/alibaba-cloud-sdk-go,
// services/ens, API 2017-11-10): AuthorizeSecurityGroup[Egress] to create,
// DescribeSecurityGroupAttribute to read, RevokeSecurityGroup for ingress
// and RevokeSecurityGroupEgress for egress to delete (vendor doc 004).
// Credentials are handled as for ECS (alicloud.SDKOptions).
package ens

import (
	"context"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	sdkens "github.com/aliyun/alibaba-cloud-sdk-go/services/ens"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/ecsrules"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Name is the cloud's name in HCL.
const Name = "ens"

const (
	apiVersion = "2017-11-10"
	// defaultDomain is ENS's one central endpoint.
	defaultDomain = "ens.aliyuncs.com"
	// sdkRegion only satisfies the SDK's client constructor: ENS's rule
	// calls take no region and the domain is always set.
	sdkRegion = "cn-hangzhou"
)

// Definition describes ENS to the provider.
func Definition() cloud.Cloud {
	return cloud.Cloud{
		Name:  Name,
		Title: "Alibaba ENS",
		Capabilities: cloud.Capabilities{
			// Doc 004: tcp, udp, icmp, gre, all; IPv4 only; no peer
			// groups, no NIC types, no description on the rule calls.
			Protocols:       []string{rule.TCP, rule.UDP, rule.ICMP, rule.GRE, rule.All},
			Policies:        []string{rule.Accept, rule.Drop},
			MinPriority:     1,
			MaxPriority:     100,
			DefaultPriority: 1,
			DefaultPolicy:   rule.Accept,
			SourcePortRange: true,
		},
		Settings: []cloud.Setting{
			{Name: "access_key", Description: "AccessKey ID.", EnvVars: []string{"ALICLOUD_ACCESS_KEY", "ALIBABA_CLOUD_ACCESS_KEY_ID"}, Sensitive: true, Required: true},
			{Name: "secret_key", Description: "AccessKey secret.", EnvVars: []string{"ALICLOUD_SECRET_KEY", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"}, Sensitive: true, Required: true},
			{Name: "endpoint", Description: "API endpoint as `scheme://host[:port]`; defaults to `https://ens.aliyuncs.com`.", EnvVars: []string{"ALICLOUD_ENS_ENDPOINT"}},
		},
		Connect: func(_ context.Context, s map[string]string) (cloud.Backend, error) { return New(s) },
	}
}

// Backend talks to ENS.
type Backend struct {
	client         *sdkens.Client
	scheme, domain string
}

// New connects with resolved settings: access_key, secret_key and
// optionally endpoint.
func New(s map[string]string) (*Backend, error) {
	opts, err := alicloud.SDKOptions(s)
	if err != nil {
		return nil, err
	}
	if opts.Domain == "" {
		opts.Domain = defaultDomain
	}
	client, err := sdkens.NewClientWithOptions(sdkRegion, opts.Config, opts.Credential)
	if err != nil {
		return nil, err
	}
	client.SetConnectTimeout(10 * time.Second)
	client.SetReadTimeout(60 * time.Second)
	return &Backend{client: client, scheme: opts.Scheme, domain: opts.Domain}, nil
}

// call sends one write action through the SDK's client (the legacy SDK has
// no typed RevokeSecurityGroupEgress).
func (b *Backend) call(ctx context.Context, action string, p map[string]string) error {
	req := requests.NewCommonRequest()
	req.Method, req.Scheme, req.Domain = requests.POST, b.scheme, b.domain
	req.Product, req.Version, req.ApiName = "Ens", apiVersion, action
	req.SetReadTimeout(alicloud.RequestTimeout(ctx))
	for k, v := range p {
		req.QueryParams[k] = v
	}
	_, err := b.client.ProcessCommonRequest(req)
	return classify(action, err)
}

// Authorize adds rules one call each: ENS has no batches and no client
// token (cloud.Client recognises its own retried write). Doc 004's
// parameters are ECS's (ecsrules.Params): IpProtocol lower-case, PortRange
// and SourcePortRange "start/end" ("-1/-1" without ports), Policy,
// Priority, and the peer as SourceCidrIp on ingress, DestCidrIp on egress;
// ENS rule calls carry no description.
func (b *Backend) Authorize(ctx context.Context, groupID string, rules []rule.Rule, _ string) error {
	for _, r := range rules {
		p := ecsrules.Params(r, false)
		p["SecurityGroupId"] = groupID
		if err := b.call(ctx, ecsrules.ActionFor("AuthorizeSecurityGroup", r.Direction), p); err != nil {
			return err
		}
	}
	return nil
}

// Revoke removes rules one call each: RevokeSecurityGroup for ingress,
// RevokeSecurityGroupEgress for egress, with doc 004's parameters.
func (b *Backend) Revoke(ctx context.Context, groupID string, rules []rule.Rule) error {
	return cloud.RevokeEach(rules, func(r rule.Rule) error {
		p := ecsrules.Params(r, false)
		p["SecurityGroupId"] = groupID
		return b.call(ctx, ecsrules.ActionFor("RevokeSecurityGroup", r.Direction), p)
	})
}

// Describe reads a group with the SDK's typed DescribeSecurityGroupAttribute
// (Priority an integer, CreationTime). ENS answers "TCP" and "Accept":
// read back in lower case.
func (b *Backend) Describe(ctx context.Context, groupID string) ([]rule.Rule, error) {
	req := sdkens.CreateDescribeSecurityGroupAttributeRequest()
	req.SetScheme(b.scheme)
	req.SetDomain(b.domain)
	req.SetReadTimeout(alicloud.RequestTimeout(ctx))
	req.SecurityGroupId = groupID
	resp, err := b.client.DescribeSecurityGroupAttribute(req)
	if err != nil {
		return nil, classify("DescribeSecurityGroupAttribute", err)
	}
	rules := make([]rule.Rule, 0, len(resp.Permissions.Permission))
	for _, p := range resp.Permissions.Permission {
		rules = append(rules, fromWire(p))
	}
	return rules, nil
}

func fromWire(p sdkens.Permission) rule.Rule {
	r := rule.Rule{
		Direction: strings.ToLower(p.Direction),
		Protocol:  strings.ToLower(p.IpProtocol),
		Policy:    strings.ToLower(p.Policy),
		Priority:  p.Priority,
	}
	if rule.HasPorts(r.Protocol) {
		r.Ports, _ = rule.ParsePortRange(p.PortRange)
		r.SourcePorts, _ = rule.ParsePortRange(p.SourcePortRange)
	}
	peer := p.SourceCidrIp
	if r.Direction == rule.Egress {
		peer = p.DestCidrIp
	}
	r.CIDR = rule.NormalizeCIDR(peer)
	return r
}
