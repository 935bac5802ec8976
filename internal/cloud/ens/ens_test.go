package ens

import (
	"context"
	"errors"
	"strings"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	sdkens "github.com/aliyun/alibaba-cloud-sdk-go/services/ens"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

func connect(t *testing.T, m *mockcloud.Server, secret string) *Backend {
	t.Helper()
	b, err := New(map[string]string{"access_key": "mock-access-key", "secret_key": secret, "endpoint": m.URL})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	web = rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 80, To: 443}, CIDR: "10.0.0.0/8",
		SourcePorts: rule.PortRange{From: 1024, To: 65535}, Policy: rule.Accept, Priority: 5}
	gre = rule.Rule{Direction: rule.Egress, Protocol: rule.GRE, CIDR: "192.0.2.1/32", Policy: rule.Drop, Priority: 1}
)

func TestRoundTrip(t *testing.T) {
	m := mocktest.Start(t, "")
	b := connect(t, m, "mock-secret-key")
	ctx := context.Background()
	if err := b.Authorize(ctx, "sg-ens-web", []rule.Rule{web, gre}, ""); err != nil {
		t.Fatal(err)
	}
	in := m.Store.CallsOf(Name, "AuthorizeSecurityGroup")[0].Params
	if in["IpProtocol"] != "tcp" || in["PortRange"] != "80/443" || in["SourcePortRange"] != "1024/65535" || in["Priority"] != "5" || in["Version"] != "2017-11-10" {
		t.Fatalf("authorize sent %v", in)
	}
	if eg := m.Store.CallsOf(Name, "AuthorizeSecurityGroupEgress")[0].Params; eg["DestCidrIp"] != "192.0.2.1/32" || eg["PortRange"] != "-1/-1" || eg["Policy"] != "drop" {
		t.Fatalf("egress sent %v", eg)
	}
	got, err := b.Describe(ctx, "sg-ens-web")
	if err != nil || len(got) != 2 {
		t.Fatalf("%+v %v", got, err)
	}
	for _, want := range []rule.Rule{web, gre} {
		if rule.Find(got, want) < 0 {
			t.Fatalf("rule %s not read back from %+v", want, got)
		}
	}
	if err := b.Revoke(ctx, "sg-ens-web", []rule.Rule{gre}, ""); err != nil {
		t.Fatal(err)
	}
	if n := len(m.Store.CallsOf(Name, "RevokeSecurityGroupEgress")); n != 1 {
		t.Fatalf("egress revoked by %d RevokeSecurityGroupEgress calls", n)
	}
	if err := b.Revoke(ctx, "sg-ens-web", []rule.Rule{gre}, ""); cloud.KindOf(err) != cloud.KindRuleGone {
		t.Fatalf("revoke again: %v", err)
	}
	if err := b.Revoke(ctx, "sg-gone", []rule.Rule{gre}, ""); cloud.KindOf(err) != cloud.KindGroupGone {
		t.Fatalf("a missing group: %v", err)
	}
	if err := b.Authorize(ctx, "sg-ens-web", []rule.Rule{web}, ""); cloud.KindOf(err) != cloud.KindDuplicate {
		t.Fatalf("duplicate: %v", err)
	}
}

// The vendor's typed SDK works against the mock unchanged, and the mock
// refuses upper-case protocols as ENS does.
func TestVendorSDKAgainstTheMock(t *testing.T) {
	m := mocktest.Start(t, "")
	client, err := sdkens.NewClientWithAccessKey("cn-hangzhou", "mock-access-key", "mock-secret-key")
	if err != nil {
		t.Fatal(err)
	}
	domain := strings.TrimPrefix(m.URL, "http://")
	req := sdkens.CreateAuthorizeSecurityGroupRequest()
	req.SetScheme("HTTP")
	req.SetDomain(domain)
	req.SecurityGroupId, req.IpProtocol, req.PortRange, req.SourceCidrIp = "sg-ens-db", "TCP", "22/22", "10.0.0.0/8"
	req.Priority = requests.NewInteger(1)
	_, err = client.AuthorizeSecurityGroup(req)
	var server *sdkerrors.ServerError
	if !errors.As(err, &server) || server.ErrorCode() != "InvalidParameter.IpProtocol" || server.HttpStatus() != 400 {
		t.Fatalf("upper-case protocol: %v", err)
	}
	req.IpProtocol = "tcp"
	if _, err := client.AuthorizeSecurityGroup(req); err != nil {
		t.Fatal(err)
	}
	d := sdkens.CreateDescribeSecurityGroupAttributeRequest()
	d.SetScheme("HTTP")
	d.SetDomain(domain)
	d.SecurityGroupId = "sg-ens-db"
	resp, err := client.DescribeSecurityGroupAttribute(d)
	if err != nil || len(resp.Permissions.Permission) != 1 {
		t.Fatalf("%+v %v", resp, err)
	}
	p := resp.Permissions.Permission[0]
	if p.IpProtocol != "TCP" || p.Policy != "Accept" || p.Priority != 1 || p.CreationTime == "" {
		t.Fatalf("described %+v", p)
	}
}
