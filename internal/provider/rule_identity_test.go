package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// identityCase is one cloud's rule for the identity tests.
type identityCase struct {
	cloud, group, body string
	// content is the rule part of the identity on a cloud without rule
	// ids; empty where the cloud has ids (the identity then holds rule_id).
	content string
}

// identityCaseRule is the rule of every identity case's body.
var identityCaseRule = rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8"}

var identityCases = []identityCase{
	{cloud: "alicloud", group: "sg-web", body: tcpRule("r", "alicloud", "sg-web", "22", "10.0.0.0/8")},
	{cloud: "zenlayer", group: "zl-web", body: tcpRule("r", "zenlayer", "zl-web", "22", "10.0.0.0/8")},
	{cloud: "baiducloud", group: "g-web", body: tcpRule("r", "baiducloud", "g-web", "22", "10.0.0.0/8")},
	{cloud: "apsarastack", group: "sg-as-web", body: tcpRule("r", "apsarastack", "sg-as-web", "22", "10.0.0.0/8")},
	{cloud: "ens", group: "sg-ens-web", body: tcpRule("r", "ens", "sg-ens-web", "22", "10.0.0.0/8"),
		content: "ingress,tcp,22,10.0.0.0/8,policy=accept,priority=1"},
}

// expectRuleIdentity checks the identity of secgroup_rule.r: the cloud,
// the group, and the rule as the resource's id names it.
func expectRuleIdentity(tc identityCase) []statecheck.StateCheck {
	var rulePart knownvalue.Check = knownvalue.StringRegexp(regexp.MustCompile(`^[^,/]+$`))
	if tc.content != "" {
		rulePart = knownvalue.StringExact(tc.content)
	}
	checks := []statecheck.StateCheck{statecheck.ExpectIdentity("secgroup_rule.r", map[string]knownvalue.Check{
		"cloud": knownvalue.StringExact(tc.cloud), "security_group_id": knownvalue.StringExact(tc.group), "rule": rulePart,
	})}
	if tc.content == "" {
		checks = append(checks, statecheck.ExpectIdentityValueMatchesStateAtPath("secgroup_rule.r", tfjsonpath.New("rule"), tfjsonpath.New("rule_id")))
	}
	return checks
}

// Identity on every cloud (Terraform 1.12+): set on create, following the
// rule when it is made again out of band, and an import block naming the
// rule by identity imports it.
func TestAccRule_identity(t *testing.T) {
	testAccPreCheck(t)
	for _, tc := range identityCases {
		t.Run(tc.cloud, func(t *testing.T) {
			m := mocktest.Start(t, "")
			config := mocktest.ProviderConfig(m) + tc.body
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             mocktest.CheckEmpty(m, tc.cloud, tc.group),
				Steps: []resource.TestStep{
					{Config: config, ConfigStateChecks: expectRuleIdentity(tc), Check: mocktest.CheckRuleCount(m, tc.cloud, tc.group, 1)},
					{
						// Deleted and made again out of band: the same rule
						// under a new id on clouds with ids, adopted with no
						// change, its identity following the id.
						PreConfig: func() {
							revokeAllInMock(t, m, tc.cloud, tc.group)
							authorizeInMock(t, m, tc.cloud, tc.group, identityCaseRule)
						},
						Config:            config,
						ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
						ConfigStateChecks: expectRuleIdentity(tc),
					},
					{
						Config: config, ResourceName: "secgroup_rule.r", ImportState: true,
						ImportStateKind: resource.ImportBlockWithResourceIdentity,
					},
				},
			})
		})
	}
}

// A state written by a release before identity gains it on the first
// refresh, with an empty plan and no call but describes.
func TestAccRule_identityForEarlierState(t *testing.T) {
	testAccPreCheck(t)
	for _, tc := range identityCases {
		t.Run(tc.cloud, func(t *testing.T) {
			m := mocktest.Start(t, "")
			config := mocktest.ProviderConfig(m) + tc.body
			var before int
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
				CheckDestroy:           mocktest.CheckEmpty(m, tc.cloud, tc.group),
				Steps: []resource.TestStep{
					{ProtoV6ProviderFactories: withoutIdentity, Config: config, Check: mocktest.CheckRuleCount(m, tc.cloud, tc.group, 1)},
					{
						PreConfig:                func() { before = len(m.Store.Calls()) },
						ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
						Config:                   config,
						ConfigPlanChecks:         resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
						ConfigStateChecks:        expectRuleIdentity(tc),
						Check: func(*terraform.State) error {
							for _, c := range m.Store.Calls()[before:] {
								if !describeActions[c.Action] {
									return fmt.Errorf("gaining identity called %s %s", c.Cloud, c.Action)
								}
							}
							return nil
						},
					},
				},
			})
		})
	}
}

// describeActions are the five clouds' reads of a group, as mockcloud
// logs them (BCC's GET /v2/securityGroup/{id} as getSecurityGroup).
var describeActions = map[string]bool{"DescribeSecurityGroupAttribute": true, "DescribeSecurityGroups": true, "getSecurityGroup": true}

// withoutIdentity serves the provider as releases before identity did:
// no identity schema, and no identity in any answer.
var withoutIdentity = map[string]func() (tfprotov6.ProviderServer, error){
	"secgroup": func() (tfprotov6.ProviderServer, error) {
		s, err := providerserver.NewProtocol6WithError(newWith("test", testGroups())())()
		return preIdentityServer{s}, err
	},
}

// preIdentityServer hides identity from Terraform.
type preIdentityServer struct{ tfprotov6.ProviderServer }

func (s preIdentityServer) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov6.ResourceIdentitySchema{}}, nil
}

func (s preIdentityServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		resp.NewIdentity = nil
	}
	return resp, err
}

func (s preIdentityServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		resp.PlannedIdentity = nil
	}
	return resp, err
}

func (s preIdentityServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		resp.NewIdentity = nil
	}
	return resp, err
}

func (s preIdentityServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	resp, err := s.ProviderServer.ImportResourceState(ctx, req)
	if resp != nil {
		for i := range resp.ImportedResources {
			resp.ImportedResources[i].Identity = nil
		}
	}
	return resp, err
}

// A rule taken from a vendor's provider by a `moved` block has its
// identity after the move: at once where the vendor's state names the
// rule id, else from the refresh that follows; the plan is empty either
// way.
func TestAccRule_identityAfterMove(t *testing.T) {
	testAccPreCheck(t)
	for _, withID := range []bool{true, false} {
		t.Run(fmt.Sprintf("rule id in the vendor's state %v", withID), func(t *testing.T) {
			m := mocktest.Start(t, "")
			id := authorizeInMock(t, m, "alicloud", "sg-web", identityCaseRule)
			source := map[string]string{"security_group_id": "sg-web", "type": "ingress", "ip_protocol": "tcp", "port_range": "22/22",
				"cidr_ip": "10.0.0.0/8", "policy": "accept", "priority": "1", "nic_type": "intranet"}
			if withID {
				source["security_group_rule_id"] = id
			}
			target := map[string]string{"cloud": "alicloud", "security_group_id": "sg-web", "direction": "ingress", "protocol": "tcp",
				"port_range": "22", "cidr": "10.0.0.0/8"}
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
				ProtoV6ProviderFactories: moveFactories(),
				CheckDestroy:             mocktest.CheckEmpty(m, "alicloud", "sg-web"),
				Steps: []resource.TestStep{
					{Config: mocktest.ProviderConfig(m) + resourceBlock("alicloud_security_group_rule", "x", source)},
					{
						Config:           mocktest.ProviderConfig(m) + "moved {\n  from = alicloud_security_group_rule.x\n  to   = secgroup_rule.r\n}\n" + resourceBlock("secgroup_rule", "r", target),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
						ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity("secgroup_rule.r", map[string]knownvalue.Check{
							"cloud": knownvalue.StringExact("alicloud"), "security_group_id": knownvalue.StringExact("sg-web"), "rule": knownvalue.StringExact(id),
						})},
					},
				},
			})
		})
	}
}

// An import block's identity becomes the import id of either resource, or
// an error saying what the identity needs.
func TestImportIDFromIdentity(t *testing.T) {
	t.Parallel()
	identity := func(attrs map[string]string) *tfsdk.ResourceIdentity {
		types := map[string]tftypes.Type{}
		values := map[string]tftypes.Value{}
		for k, v := range attrs {
			types[k] = tftypes.String
			values[k] = tftypes.NewValue(tftypes.String, v)
		}
		return &tfsdk.ResourceIdentity{Raw: tftypes.NewValue(tftypes.Object{AttributeTypes: types}, values)}
	}
	for _, tc := range []struct {
		name     string
		identity *tfsdk.ResourceIdentity
		group    bool // the exclusive resource's identity
		want     string
		err      string
	}{
		{name: "rule", identity: identity(map[string]string{"cloud": "alicloud", "security_group_id": "sg-1", "rule": "sgr-1"}), want: "alicloud/sg-1/sgr-1"},
		{name: "group", group: true, identity: identity(map[string]string{"cloud": "ens", "security_group_id": "sg-1"}), want: "ens/sg-1"},
		{name: "none", identity: nil, err: `Give the rule's import id, or the identity: cloud, security_group_id and rule`},
		{name: "none for a group", group: true, identity: nil, err: `Give the import id "<cloud>/<security_group_id>", or the identity: cloud and security_group_id.`},
		{name: "rule missing", identity: identity(map[string]string{"cloud": "alicloud", "security_group_id": "sg-1"}), err: "The identity needs rule"},
		{name: "group empty", group: true, identity: identity(map[string]string{"cloud": "alicloud", "security_group_id": ""}), err: "The identity needs security_group_id"},
		{name: "group with a slash", group: true, identity: identity(map[string]string{"cloud": "alicloud", "security_group_id": "sg-1/x"}), err: `holds a "/"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			from := idFromIdentity
			if tc.group {
				from = groupIDFromIdentity
			}
			got, diags := from(tc.identity)
			if tc.err == "" {
				if diags.HasError() || got != tc.want {
					t.Fatalf("got %q, %v; want %q", got, diags, tc.want)
				}
				return
			}
			if !diags.HasError() || !strings.Contains(diags[0].Detail(), tc.err) {
				t.Fatalf("got %q, %v; want an error saying %q", got, diags, tc.err)
			}
		})
	}
}
