// Package ens manages Alibaba ENS (Edge Node Service) security group rules
// through the core of the vendor's SDK (github.com/aliyun/alibaba-cloud-sdk-go,
// API 2017-11-10; see alibaba.RPC): AuthorizeSecurityGroup[Egress] to create,
// DescribeSecurityGroupAttribute to read, RevokeSecurityGroup for ingress and
// RevokeSecurityGroupEgress for egress to delete (the ENS
// RevokeSecurityGroupEgress reference, and its ingress twin
// RevokeSecurityGroup). It shares the SDK plumbing and rule semantics of the Alibaba
// family (package alibaba).
package ens

import (
	"context"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alibaba"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Name is the cloud's name in HCL.
const Name = "ens"

const (
	apiVersion = "2017-11-10"
)

// Definition describes ENS to the provider.
func Definition() cloud.Cloud {
	return cloud.Cloud{
		Name:  Name,
		Title: "Alibaba ENS",
		Capabilities: cloud.Capabilities{
			// The ENS RevokeSecurityGroupEgress reference: tcp, udp, icmp,
			// gre, all; IPv4 only; priorities 1-100 (default 1); accept or
			// drop (default accept); no peer groups, NIC types or
			// descriptions among its parameters.
			Protocols:       []string{rule.TCP, rule.UDP, rule.ICMP, rule.GRE, rule.All},
			Policies:        []string{rule.Accept, rule.Drop},
			MinPriority:     1,
			MaxPriority:     100,
			DefaultPriority: 1,
			DefaultPolicy:   rule.Accept,
			SourcePortRange: true,
			// No rule ids (none in DescribeSecurityGroupAttribute's
			// answer, none among the revoke's parameters): rules are
			// named by content, so RuleIDs stays the zero form.
			NativeIDs: false,
			RuleIDs:   cloud.RuleIDForm{},
		},
		Settings: []cloud.Setting{
			{Name: "access_key", Description: "AccessKey ID.", EnvVars: []string{"ALICLOUD_ACCESS_KEY", "ALIBABA_CLOUD_ACCESS_KEY_ID"}, Sensitive: true, Required: true},
			{Name: "secret_key", Description: "AccessKey secret.", EnvVars: []string{"ALICLOUD_SECRET_KEY", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"}, Sensitive: true, Required: true},
			{Name: "endpoint", Description: "API endpoint as `scheme://host[:port]`; defaults to `https://ens.aliyuncs.com`.", EnvVars: []string{"ALICLOUD_ENS_ENDPOINT"}},
		},
		Connect:         func(_ context.Context, s map[string]string) (cloud.Backend, error) { return New(s) },
		DefaultEndpoint: defaultEndpoint,
		VendorDomains:   []string{"aliyuncs.com"},
	}
}

// Backend talks to ENS.
type Backend struct {
	client *client
}

// New connects with resolved settings: access_key, secret_key and
// optionally endpoint.
func New(s map[string]string) (*Backend, error) {
	c, err := newClient(s)
	if err != nil {
		return nil, err
	}
	return &Backend{client: c}, nil
}

// Authorize adds rules one call each: ENS has no batches and no client token
// (engine.Client recognises its own retried write). The rule parameters are
// those the ENS RevokeSecurityGroupEgress reference lists, which are ECS's
// (alibaba.Params): IpProtocol lower-case, PortRange and SourcePortRange
// "start/end" ("-1/-1" without ports), Policy, Priority, and the peer as
// DestCidrIp on egress (SourceCidrIp on ingress, as ENS's
// RevokeSecurityGroup page names it). Authorize sends the same ones and no
// description.
func (b *Backend) Authorize(ctx context.Context, groupID string, rules []rule.Rule, _ string) error {
	return cloud.AuthorizeEach(rules, func(_ int, r rule.Rule) error {
		req := cloud.Request{Action: alibaba.ActionFor("AuthorizeSecurityGroup", r.Direction), Group: groupID, Direction: r.Direction, Params: alibaba.Params(r, false)}
		return b.client.call(ctx, req, nil)
	})
}

// Revoke removes rules one call each: RevokeSecurityGroup for ingress,
// RevokeSecurityGroupEgress for egress, with the parameters of the ENS
// RevokeSecurityGroupEgress reference, which has no client token.
func (b *Backend) Revoke(ctx context.Context, groupID string, rules []rule.Rule, _ string) error {
	return cloud.RevokeEach(rules, func(_ int, r rule.Rule) error {
		req := cloud.Request{Action: alibaba.ActionFor("RevokeSecurityGroup", r.Direction), Group: groupID, Direction: r.Direction, Params: alibaba.Params(r, false)}
		return b.client.call(ctx, req, nil)
	})
}

// CloudNow is the cloud's time, from the Date of its last answer
// (cloud.Clocked).
func (b *Backend) CloudNow() (time.Time, bool) { return b.client.rpc.Clock.Now() }

// Describe reads a group with DescribeSecurityGroupAttribute (Priority an
// integer, CreationTime). ENS answers "TCP" and "Accept": read back in
// lower case. ENS has no rule ids, NIC types, peer groups or IPv6.
func (b *Backend) Describe(ctx context.Context, groupID string) ([]rule.Rule, error) {
	var a alibaba.DescribeAnswer
	if err := b.client.call(ctx, cloud.Request{Action: "DescribeSecurityGroupAttribute", Group: groupID}, &a); err != nil {
		return nil, err
	}
	rules := make([]rule.Rule, 0, len(a.Permissions.Permission))
	for _, p := range a.Permissions.Permission {
		rules = append(rules, fromWire(p))
	}
	return rules, nil
}

// fromWire reads a described Permission as ECS does (alibaba.FromWire,
// which also lower-cases ENS's "TCP" and "Accept"), without what ENS rules
// do not have: rule ids, NIC types, descriptions and a local CIDR.
func fromWire(p alibaba.Permission) rule.Rule {
	r := alibaba.FromWire(p)
	r.NativeID, r.NicType, r.Description, r.LocalCIDR = "", "", "", ""
	return r
}
