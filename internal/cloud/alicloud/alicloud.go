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
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/ecsrules"
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
		Capabilities: ecsrules.Capabilities(),
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
	opts, err := SDKOptions(s)
	if err != nil {
		return nil, err
	}
	client, err := ecs.NewClientWithOptions(s["region"], opts.Config, opts.Credential)
	if err != nil {
		return nil, err
	}
	client.SetConnectTimeout(10 * time.Second)
	client.SetReadTimeout(60 * time.Second)
	return &Backend{client: client, region: s["region"], scheme: opts.Scheme, domain: opts.Domain, PageSize: 1000}, nil
}

// Options are what every Alibaba SDK client of the provider (ECS, ENS) is
// built with.
type Options struct {
	Config     *sdk.Config
	Credential *credentials.AccessKeyCredential
	// Scheme and Domain come from the endpoint setting; an empty Domain
	// leaves endpoint resolution to the SDK.
	Scheme, Domain string
}

// SDKOptions resolves access_key, secret_key and endpoint. Retries are
// ours (cloud.Retry, bounded by the resource's timeouts), so the SDK's own
// retry is off.
func SDKOptions(s map[string]string) (Options, error) {
	o := Options{Scheme: "https"}
	if ep := s["endpoint"]; ep != "" {
		u, err := url.Parse(ep)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return o, fmt.Errorf("endpoint %q must look like https://host[:port]", ep)
		}
		o.Scheme, o.Domain = u.Scheme, u.Host
	}
	o.Config = sdk.NewConfig().WithAutoRetry(false).WithScheme(strings.ToUpper(o.Scheme))
	o.Credential = credentials.NewAccessKeyCredential(s["access_key"], s["secret_key"])
	return o, nil
}

// RequestTimeout bounds a request of the Alibaba SDK (which takes no
// context) by the context's deadline.
func RequestTimeout(ctx context.Context) time.Duration {
	if d, ok := ctx.Deadline(); ok {
		return max(time.Second, min(60*time.Second, time.Until(d)))
	}
	return 60 * time.Second
}

// call sends one write action through the SDK: the ECS client's signing,
// endpoint resolution and transport, with parameters named as the API
// documents them (see params), so ingress and egress share one mapping.
func (b *Backend) call(ctx context.Context, action, direction string, params map[string]string) error {
	req := requests.NewCommonRequest()
	req.Method, req.Scheme, req.Domain = requests.POST, b.scheme, b.domain
	req.Product, req.Version, req.ApiName = "Ecs", apiVersion, action
	req.ServiceCode, req.EndpointType = "ecs", "openAPI"
	req.SetReadTimeout(RequestTimeout(ctx))
	req.QueryParams["RegionId"] = b.region
	for k, v := range params {
		req.QueryParams[k] = v
	}
	_, err := b.client.ProcessCommonRequest(req)
	return classify(action, err, direction)
}

// Authorize adds rules of one direction per call, all of a batch in one
// Permissions.N list (ECS takes up to 100).
func (b *Backend) Authorize(ctx context.Context, groupID string, rules []rule.Rule, clientToken string) error {
	for _, batch := range ecsrules.ByDirection(rules) {
		p := ecsrules.Permissions(batch, true)
		p["SecurityGroupId"] = groupID
		if clientToken != "" {
			p["ClientToken"] = clientToken
		}
		if err := b.call(ctx, ecsrules.ActionFor("AuthorizeSecurityGroup", batch[0].Direction), batch[0].Direction, p); err != nil {
			return err
		}
	}
	return nil
}

// Describe pages through DescribeSecurityGroupAttribute. It uses the SDK's
// typed request, whose tolerant decoder accepts Priority as a string (the
// SDK's type) or a number.
func (b *Backend) Describe(ctx context.Context, groupID string) ([]rule.Rule, error) {
	var out []rule.Rule
	token := ""
	for {
		req := ecs.CreateDescribeSecurityGroupAttributeRequest()
		req.SetScheme(b.scheme)
		if b.domain != "" {
			req.SetDomain(b.domain)
		}
		req.SetReadTimeout(RequestTimeout(ctx))
		req.RegionId, req.SecurityGroupId, req.Direction = b.region, groupID, "all"
		req.MaxResults = requests.NewInteger(b.PageSize)
		req.NextToken = token
		resp, err := b.client.DescribeSecurityGroupAttribute(req)
		if err != nil {
			return nil, classify("DescribeSecurityGroupAttribute", err, "")
		}
		for _, p := range resp.Permissions.Permission {
			out = append(out, ecsrules.FromWire(p))
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
// plus the Ipv6 and prefix-list fields of the current API); several rules
// of one direction go out as one Permissions.N list, the successor of the
// flat form in the SDK.
func (b *Backend) Revoke(ctx context.Context, groupID string, rules []rule.Rule) error {
	for _, batch := range ecsrules.ByDirection(rules) {
		var p map[string]string
		if len(batch) == 1 {
			p = ecsrules.Params(batch[0], false)
		} else {
			p = ecsrules.Permissions(batch, false)
		}
		p["SecurityGroupId"] = groupID
		if err := b.call(ctx, ecsrules.ActionFor("RevokeSecurityGroup", batch[0].Direction), batch[0].Direction, p); err != nil {
			return err
		}
	}
	return nil
}

// UpdateDescription changes a description in one Modify call. The rule is
// named by its sgr- id when known and by its content too, which older API
// implementations (Apsara Stack) need; ECS accepts both together.
func (b *Backend) UpdateDescription(ctx context.Context, groupID string, r rule.Rule) error {
	action, p := ecsrules.Modify(groupID, r)
	return b.call(ctx, action, r.Direction, p)
}
