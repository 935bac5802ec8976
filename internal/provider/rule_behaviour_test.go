package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// sshRule is the ECS rule several tests start from.
var sshRule = "\n" + tcpRule("ssh", "alicloud", "sg-web", "22", "10.0.0.0/8")

// An import id must name exactly one rule of a group that exists: a
// content id that two rules match (they differ in priority) lists both
// with their ids; a missing group is named as such.
func TestAccRule_importNamesOneRuleOfAGroup(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	// Two rules that differ only in their policy (the priority does not
	// tell ECS rules apart): an id without policy names both.
	ssh := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8", Policy: rule.Accept, Priority: 1}
	deny := ssh
	deny.Policy, deny.Priority = rule.Drop, 9
	authorizeInMock(t, m, "alicloud", "sg-web", ssh)
	authorizeInMock(t, m, "alicloud", "sg-web", deny)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: mocktest.ProviderConfig(m) + sshRule, ResourceName: "secgroup_rule.ssh", ImportState: true,
				ImportStateId: "alicloud/sg-web/ingress,tcp,22,10.0.0.0/8",
				ExpectError:   regexp.MustCompile(`(?s)Ambiguous Import ID.*` + spaced(`names 2 rules of security group sg-web`) + `.*alicloud/sg-web/sgr-.*accept.*alicloud/sg-web/sgr-.*drop`),
			},
			{
				Config: mocktest.ProviderConfig(m) + sshRule, ResourceName: "secgroup_rule.ssh", ImportState: true,
				ImportStateId: "alicloud/sg-nope/ingress,tcp,22,10.0.0.0/8",
				ExpectError:   regexp.MustCompile(`(?s)Cannot Import Rule.*` + spaced(`has no security group sg-nope`)),
			},
			{
				Config: mocktest.ProviderConfig(m) + sshRule, ResourceName: "secgroup_rule.ssh", ImportState: true,
				ImportStateId: "alicloud/sg-web/ingress,tcp,23,10.0.0.0/8",
				ExpectError:   regexp.MustCompile(`(?s)Cannot Import Rule.*` + spaced(`has no rule that`) + `.*secgroup_rules`),
			},
		},
	})
}

// A delete error names the group and the rule.
func TestAccRule_deleteErrorNamesTheRule(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "alicloud", "sg-web"),
		Steps: []resource.TestStep{
			{Config: mocktest.ProviderConfig(m) + sshRule},
			{
				PreConfig: func() {
					m.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "RevokeSecurityGroup", Error: 1, Code: "Forbidden.RAM", Status: 403})
				},
				Config:      mocktest.ProviderConfig(m) + sshRule,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)Could Not Delete Rule.*` + spaced(`security group sg-web, rule ingress tcp 22 10.0.0.0/8`) + `.*Forbidden.RAM`),
			},
		},
	})
}

// No description and an empty one: neither plans a change against the
// other, on a cloud where a description change replaces the rule.
func TestAccRule_emptyDescriptionIsNone(t *testing.T) {
	cliIndependent(t)
	// Every cloud, ENS among them: it has no descriptions, and "" is what
	// its state and the secgroup_rules data source hold.
	for _, tc := range everyCloud {
		t.Run(tc.cloud, func(t *testing.T) {
			m := mocktest.Start(t, "")
			rule := func(desc string) string {
				return mocktest.ProviderConfig(m) + tcpRule("x", tc.cloud, tc.group, "22", "10.0.0.0/8", desc)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{Config: rule(`description = ""`), Check: resource.TestCheckResourceAttr("secgroup_rule.x", "description", "")},
					{
						Config:           rule(""),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
					{
						Config:           rule(`description = ""`),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
		})
	}
}

// Two provider configurations (aliases of one account) declaring the same
// rule: one creates it, the other is told it exists, instead of both
// owning one rule (ECS accepts a repeated authorize silently).
func TestAccRule_sameRuleThroughTwoAliases(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	config := mocktest.ProviderConfig(m) + mocktest.AliasedProviderConfig(m, "second") + sshRule +
		tcpRule("ssh_again", "alicloud", "sg-web", "22", "10.0.0.0/8", "provider = secgroup.second")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "alicloud", "sg-web"),
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(`(?s)Rule Already Exists`),
		}},
	})
	if n := len(mocktest.Rules(m, "alicloud", "sg-web")); n != 0 {
		t.Fatalf("%d rules left", n)
	}
}

// A description known only at apply, on a cloud that changes descriptions
// by replacement (Zenlayer): the plan says replace. It said update in
// place, and the plan Terraform makes during the apply (the value known)
// asked for the replacement: "Provider produced inconsistent final plan".
func TestAccRule_descriptionKnownOnlyAtApply(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	config := func(input string) string {
		return mocktest.ProviderConfig(m) + fmt.Sprintf("resource \"terraform_data\" \"d\" {\n  input = %q\n}\n", input) +
			tcpRule("x", "zenlayer", "zl-web", "22", "10.0.0.0/8", "description = terraform_data.d.output")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config("web"), Check: mocktest.CheckRule(m, "zenlayer", "zl-web", map[string]string{"portRange": "22/22", "description": "web"})},
			{Config: config("ssh"), Check: mocktest.CheckRule(m, "zenlayer", "zl-web", map[string]string{"portRange": "22/22", "description": "ssh"})},
		},
	})
}
