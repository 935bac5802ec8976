package provider

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	mockapsarastack "github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/apsarastack"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// ModifySecurityGroupRule "cannot delete the value of a non-empty
// parameter": removing a description on ECS and Apsara Stack replaces the
// rule (an in-place change to "" would leave it, and plan forever); any
// other change of it stays in place.
func TestAccRule_descriptionRemovedReplaces(t *testing.T) {
	cliIndependent(t)
	for _, tc := range []struct{ cloud, group string }{{"alicloud", "sg-web"}, {"apsarastack", "sg-as-web"}} {
		t.Run(tc.cloud, func(t *testing.T) {
			m := mocktest.Start(t, "")
			rule := func(desc string) string {
				return mocktest.ProviderConfig(m) + tcpRule("x", tc.cloud, tc.group, "22", "10.0.0.0/8", desc)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             mocktest.CheckEmpty(m, tc.cloud, tc.group),
				Steps: []resource.TestStep{
					{Config: rule(`description = "first"`)},
					{
						Config: rule(`description = "second"`),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("secgroup_rule.x", plancheck.ResourceActionUpdate)}},
						Check: mocktest.CheckRule(m, tc.cloud, tc.group, map[string]string{"Description": "second"}),
					},
					{
						Config: rule(""),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("secgroup_rule.x", plancheck.ResourceActionDestroyBeforeCreate)}},
						Check: mocktest.CheckRule(m, tc.cloud, tc.group, map[string]string{"Description": ""}),
					},
				},
			})
		})
	}
}

// A group deleted out of band, then `terraform destroy`, which refreshes
// first with a plan of the configuration: the refresh drops the rules, and
// that plan's read of the group must not fail the destroy, on every cloud.
// ENS answers the describe with ens.interface.error, which its own
// provider reads as "not found".
func TestAccRule_destroyAfterTheGroupWasDeleted(t *testing.T) {
	cliIndependent(t)
	for _, tc := range []struct{ cloud, group string }{
		{"zenlayer", "zl-app"}, {"alicloud", "sg-app"}, {"baiducloud", "g-app"}, {"apsarastack", "sg-as-app"}, {"ens", "sg-ens-db"},
	} {
		t.Run(tc.cloud, func(t *testing.T) {
			m := mocktest.Start(t, "")
			config := mocktest.ProviderConfig(m) + tcpRule("x", tc.cloud, tc.group, "22", "10.0.0.0/8")
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{Config: config, Check: mocktest.CheckRuleCount(m, tc.cloud, tc.group, 1)},
					{
						PreConfig: func() { mockControl(t, m, http.MethodDelete, "/_mock/groups/"+tc.cloud+"/"+tc.group) },
						Config:    config,
						Destroy:   true,
					},
				},
			})
			if tc.cloud != "ens" {
				return
			}
			refused := 0
			for _, c := range m.Store.CallsOf("ens", "DescribeSecurityGroupAttribute") {
				if c.Status == 400 {
					refused++
					if c.Code != "ens.interface.error" {
						t.Fatalf("the deleted group's describe answered %s", c.Code)
					}
				}
			}
			if refused == 0 {
				t.Fatal("the describe of the deleted group was not refused")
			}
		})
	}
}

// ICMP belongs to one address family: icmpv6 with an IPv4 peer, and icmp
// with an IPv6 one where the cloud names icmpv6, fail at plan, naming the
// attribute; none reaches the cloud.
func TestAccRule_icmpFamiliesAtPlan(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	for _, tc := range []struct{ cloud, group string }{{"alicloud", "sg-web"}, {"apsarastack", "sg-as-web"}} {
		expectPlanErrors(t, m, tc.cloud, tc.group, []planCase{
			{"icmpv6 to IPv4", `protocol = "icmpv6"
  cidr = "10.0.0.0/8"`, `cidr.*protocol "icmpv6" is ICMP for IPv6: give an IPv6 cidr`},
			{"icmp to IPv6", `protocol = "icmp"
  cidr = "2001:db8::/32"`, `cidr.*protocol "icmp" is ICMP for IPv4 on .*: use protocol "icmpv6"`},
		})
	}
}

// The priority does not name an ECS rule (the ECS RevokeSecurityGroup
// reference): a second resource differing from the first only in priority
// is told the rule exists, rather than owning the first one's rule; a
// priority change replaces the rule and leaves it alone in the group.
func TestAccRule_priorityIsNotPartOfAnECSRule(t *testing.T) {
	cliIndependent(t)
	for _, tc := range []struct{ cloud, group string }{{"alicloud", "sg-web"}, {"apsarastack", "sg-as-web"}} {
		t.Run(tc.cloud, func(t *testing.T) {
			m := mocktest.Start(t, "")
			rule := func(name, priority string) string {
				return tcpRule(name, tc.cloud, tc.group, "22", "10.0.0.0/8", "priority = "+priority, `timeouts = { create = "15s" }`)
			}
			provider := mocktest.ProviderConfig(m)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             mocktest.CheckEmpty(m, tc.cloud, tc.group),
				Steps: []resource.TestStep{
					{Config: provider + rule("first", "1"), Check: mocktest.CheckRuleCount(m, tc.cloud, tc.group, 1)},
					{
						Config:      provider + rule("first", "1") + rule("second", "2"),
						ExpectError: regexp.MustCompile(`(?s)Rule Already Exists`),
					},
					{
						Config: provider + rule("first", "5"),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("secgroup_rule.first", plancheck.ResourceActionDestroyBeforeCreate)}},
						Check: mocktest.CheckRule(m, tc.cloud, tc.group, map[string]string{"Priority": "5"}),
					},
				},
			})
		})
	}
}

// A classic-network group answers one NIC type per describe, internet
// unless asked for intranet: its intranet rules are read with a second
// call, so they are confirmed on create, kept by the refresh (no plan)
// and revoked on destroy, on ECS and Apsara Stack.
func TestAccRule_classicGroupsIntranetRules(t *testing.T) {
	cliIndependent(t)
	for _, tc := range []struct{ cloud, group string }{{"alicloud", "sg-classic"}, {"apsarastack", "sg-as-classic"}} {
		t.Run(tc.cloud, func(t *testing.T) {
			m := mocktest.Start(t, "")
			config := mocktest.ProviderConfig(m) +
				tcpRule("intranet", tc.cloud, tc.group, "22", "10.0.0.0/8", `nic_type = "intranet"`, `timeouts = { create = "15s" }`) +
				tcpRule("internet", tc.cloud, tc.group, "443", "0.0.0.0/0", `timeouts = { create = "15s" }`)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             mocktest.CheckEmpty(m, tc.cloud, tc.group),
				Steps: []resource.TestStep{
					{
						Config: config,
						Check: resource.ComposeAggregateTestCheckFunc(
							mocktest.CheckRule(m, tc.cloud, tc.group, map[string]string{"NicType": "intranet", "PortRange": "22/22"}),
							mocktest.CheckRule(m, tc.cloud, tc.group, map[string]string{"NicType": "internet", "PortRange": "443/443"}),
							resource.TestCheckResourceAttr("secgroup_rule.internet", "nic_type", "internet"),
						),
					},
					{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
				},
			})
		})
	}
}

// Apsara Stack's gateway answers a server failure as the failure example
// of its RevokeSecurityGroup reference: {"resultCode":-1,"resultMsg":
// "system error"}, no ECS code, under HTTP 200. It is retried (a create
// goes through two of them), and a revoke that keeps failing so for a
// rule the group no longer holds counts as done once a describe shows it
// gone.
func TestAccApsarastack_systemError(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	m.Store.SetBehavior("apsarastack", mockapsarastack.ErrorShape, mockapsarastack.ShapeSystemError)
	config := mocktest.ProviderConfig(m) + tcpRule("x", "apsarastack", "sg-as-web", "22", "10.0.0.0/8", `timeouts = { delete = "8s" }`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					m.Store.AddFault(store.Fault{Cloud: "apsarastack", Action: "AuthorizeSecurityGroup", ServerError: 2})
				},
				Config: config,
				Check:  mocktest.CheckRuleCount(m, "apsarastack", "sg-as-web", 1),
			},
			{
				PreConfig: func() {
					mockControl(t, m, http.MethodDelete, "/_mock/groups/apsarastack/sg-as-web/rules/@0")
					m.Store.AddFault(store.Fault{Cloud: "apsarastack", Action: "RevokeSecurityGroup", ServerErrorRate: 1})
				},
				Config:  config,
				Destroy: true,
			},
		},
	})
	if n := mocktest.Calls(m, "apsarastack", "AuthorizeSecurityGroup", 200); n < 3 {
		t.Fatalf("%d authorize answers under HTTP 200, want the two system errors and the success", n)
	}
}

// Baidu's 50 ingress and 50 egress rules per group are checked at plan,
// as ECS's and Zenlayer's quotas are; rule_quota raises it.
func TestAccBaiducloud_quotaAtPlanTime(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	rules := ruleBlock("r", "baiducloud", "g-app", "ingress", "count = 51", `protocol = "tcp"`, `port_range = tostring(1000 + count.index)`, `cidr = "10.0.0.0/8"`)
	raised := strings.Replace(mocktest.ProviderConfig(m), "  baiducloud {\n", "  baiducloud {\n    rule_quota = \"60\"\n", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      mocktest.ProviderConfig(m) + rules,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Rule Quota Exceeded.*` + spaced(regexp.QuoteMeta(`security group g-app (ingress) would hold 51 rules`)) + `.*` + spaced(`allows 50 ingress rules per group`)),
			},
			{Config: raised + rules, PlanOnly: true, ExpectNonEmptyPlan: true},
		},
	})
	if n := mocktest.Calls(m, "baiducloud", "authorizeRule", -1); n != 0 {
		t.Fatalf("%d authorize calls at plan time", n)
	}
}

// BCC matches a revoke's 6-tuple letter for letter against its own
// spelling, which keeps a one-host block as the bare address: rules to a
// single host, IPv4 and IPv6, are revoked with the spelling the describe
// gave, and the destroy leaves the group empty.
func TestAccBaiducloud_revokeSpelledAsTheCloudSpellsIt(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	config := mocktest.ProviderConfig(m) +
		tcpRule("host", "baiducloud", "g-web", "22", "10.0.0.1") +
		tcpRule("host6", "baiducloud", "g-web", "22", "2001:db8::1/128") +
		ruleBlock("all", "baiducloud", "g-web", "egress", `protocol = "all"`, `cidr = "192.0.2.7/32"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "baiducloud", "g-web"),
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				mocktest.CheckRule(m, "baiducloud", "g-web", map[string]string{"sourceIp": "10.0.0.1"}),
				mocktest.CheckRule(m, "baiducloud", "g-web", map[string]string{"sourceIp": "2001:db8::1"}),
				mocktest.CheckRule(m, "baiducloud", "g-web", map[string]string{"destIp": "192.0.2.7", "protocol": "all", "portRange": ""}),
			),
		}},
	})
}
