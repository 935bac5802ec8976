package provider

import (
	"fmt"
	"regexp"
	"strings"
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
	ssh := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8", Priority: 1}
	low := ssh
	low.Priority = 9
	authorizeInMock(t, m, "alicloud", "sg-web", ssh)
	authorizeInMock(t, m, "alicloud", "sg-web", low)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: mocktest.ProviderConfig(m) + sshRule, ResourceName: "secgroup_rule.ssh", ImportState: true,
				ImportStateId: "alicloud/sg-web/ingress,tcp,22,10.0.0.0/8",
				ExpectError:   regexp.MustCompile(`(?s)Ambiguous Import ID.*` + spaced(`names 2 rules of security group sg-web`) + `.*alicloud/sg-web/sgr-.*priority 1.*alicloud/sg-web/sgr-.*priority 9`),
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
	testAccPreCheck(t)
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

// The data source checks the group id at plan time, as the resource does.
func TestAccRulesDataSource_validatesTheGroupID(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	for _, id := range []string{"", "sg/1", "sg web"} {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: mocktest.ProviderConfig(m) + `
data "secgroup_rules" "x" {
  cloud             = "alicloud"
  security_group_id = "` + id + `"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)security_group_id`),
			}},
		})
	}
	if n := len(m.Store.Calls()); n != 0 {
		t.Fatalf("%d calls reached the cloud", n)
	}
}

// No description and an empty one: neither plans a change against the
// other, on a cloud where a description change replaces the rule.
func TestAccRule_emptyDescriptionIsNone(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	rule := func(desc string) string {
		return mocktest.ProviderConfig(m) + `
resource "secgroup_rule" "x" {
  cloud             = "zenlayer"
  security_group_id = "zl-web"
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "22"
  cidr              = "10.0.0.0/8"
  ` + desc + `
}
`
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: rule("")},
			{
				Config:           rule(`description = ""`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:           rule(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// On Baidu the remark is part of a rule's identity: two rules that differ
// only in it are two rules, and create_before_destroy replaces a rule
// whose remark changes.
func TestAccBaiducloud_remarkIsIdentity(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	config := func(remark string) string {
		return mocktest.ProviderConfig(m) + `
resource "secgroup_rule" "a" {
  cloud             = "baiducloud"
  security_group_id = "g-web"
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "22"
  cidr              = "10.0.0.0/8"
  description       = "` + remark + `"
  lifecycle { create_before_destroy = true }
}
` +
			tcpRule("b", "baiducloud", "g-web", "22", "10.0.0.0/8", `description = "the other one"`)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "baiducloud", "g-web"),
		Steps: []resource.TestStep{
			{
				Config: config("ssh"),
				Check: resource.ComposeAggregateTestCheckFunc(
					mocktest.CheckRule(m, "baiducloud", "g-web", map[string]string{"remark": "ssh"}),
					mocktest.CheckRule(m, "baiducloud", "g-web", map[string]string{"remark": "the other one"}),
				),
			},
			{
				Config: config("ssh from the office"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("secgroup_rule.a", plancheck.ResourceActionCreateBeforeDestroy),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					mocktest.CheckRuleCount(m, "baiducloud", "g-web", 2),
					mocktest.CheckRule(m, "baiducloud", "g-web", map[string]string{"remark": "ssh from the office"}),
				),
			},
		},
	})
}

// Zenlayer tells rules apart without their priority: a second rule that
// differs only in priority is refused before the call, naming the rule
// that exists and the id that imports it; a create_before_destroy
// replacement says the cloud cannot hold both.
func TestAccZenlayer_duplicatesByZenlayersIdentity(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	rule := func(name, extra string) string {
		return `
resource "secgroup_rule" "` + name + `" {
  cloud             = "zenlayer"
  security_group_id = "zl-web"
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "22"
  cidr              = "10.0.0.0/8"
  ` + extra + `
}
`
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "zenlayer", "zl-web"),
		Steps: []resource.TestStep{
			{Config: mocktest.ProviderConfig(m) + rule("a", `description = "one"
  lifecycle { create_before_destroy = true }`)},
			{
				Config: mocktest.ProviderConfig(m) + rule("a", `description = "one"
  lifecycle { create_before_destroy = true }`) + rule("b", "priority = 9"),
				ExpectError: regexp.MustCompile(`(?s)Rule Already Exists.*` + spaced(`already has the rule ingress tcp 22 10.0.0.0/8 accept priority 1`) + `.*zenlayer/zl-web/[0-9]+`),
			},
			{
				Config: mocktest.ProviderConfig(m) + rule("a", `description = "two"
  lifecycle { create_before_destroy = true }`),
				ExpectError: regexp.MustCompile(`(?s)Rule Already Exists.*` + spaced(`Zenlayer Cloud VM cannot hold the old and the new rule at once`)),
			},
		},
	})
}

// Two provider configurations (aliases of one account) declaring the same
// rule: one creates it, the other is told it exists, instead of both
// owning one rule (ECS accepts a repeated authorize silently).
func TestAccRule_sameRuleThroughTwoAliases(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	alias := strings.Replace(mocktest.ProviderConfig(m), `provider "secgroup" {`, `provider "secgroup" {
  alias = "second"`, 1)
	config := mocktest.ProviderConfig(m) + alias + sshRule + `
resource "secgroup_rule" "ssh_again" {
  provider          = secgroup.second
  cloud             = "alicloud"
  security_group_id = "sg-web"
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "22"
  cidr              = "10.0.0.0/8"
}
`
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

// A plan that would fill a group past its quota fails at plan time, not
// halfway through the apply; rule_quota raises the documented default.
func TestAccZenlayer_quotaAtPlanTime(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	rules := func(n int) string {
		return fmt.Sprintf(`
resource "secgroup_rule" "r" {
  count             = %d
  cloud             = "zenlayer"
  security_group_id = "zl-app"
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = tostring(1000 + count.index)
  cidr              = "10.0.0.0/8"
}
`, n)
	}
	raised := strings.Replace(mocktest.ProviderConfig(m), "  zenlayer {\n", "  zenlayer {\n    rule_quota = \"25\"\n", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      mocktest.ProviderConfig(m) + rules(21),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Rule Quota Exceeded.*` + spaced(regexp.QuoteMeta(`security group zl-app (ingress) would hold 21 rules after this plan`)) + `.*` + spaced(`allows 20 ingress rules per group`)),
			},
			{
				Config:             raised + rules(21),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
	if n := mocktest.Calls(m, "zenlayer", "AuthorizeSecurityGroupRules", -1); n != 0 {
		t.Fatalf("%d authorize calls at plan time", n)
	}
}
