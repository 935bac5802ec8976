package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

func TestAccRuleResource_lifecycle(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	const name = "secgroup_rule.ssh"
	sameRule := statecheck.CompareValue(compare.ValuesSame())
	config := func(desc string) string {
		if desc != "" {
			desc = "description       = \"" + desc + "\""
		}
		return mocktest.ProviderConfig(m) + `
resource "secgroup_rule" "ssh" {
  cloud             = "alicloud"
  security_group_id = "sg-web"
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
		CheckDestroy:             mocktest.CheckEmpty(m, "alicloud", "sg-web"),
		Steps: []resource.TestStep{
			{
				Config: config("ssh"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(name, tfjsonpath.New("rule_id"), knownvalue.StringRegexp(regexp.MustCompile(`^sgr-`))),
					statecheck.ExpectKnownValue(name, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^alicloud/sg-web/sgr-`))),
					statecheck.ExpectKnownValue(name, tfjsonpath.New("policy"), knownvalue.StringExact("accept")),
					statecheck.ExpectKnownValue(name, tfjsonpath.New("priority"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(name, tfjsonpath.New("nic_type"), knownvalue.StringExact("intranet")),
					sameRule.AddStateValue(name, tfjsonpath.New("rule_id")),
				},
				Check: mocktest.CheckRule(m, "alicloud", "sg-web", map[string]string{
					"Direction": "ingress", "IpProtocol": "TCP", "PortRange": "22/22", "SourceCidrIp": "10.0.0.0/8",
					"Policy": "Accept", "Priority": "1", "Description": "ssh",
				}),
			},
			{
				// A description changes in place: same rule id, one Modify call.
				Config: config("ssh from the office"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(name, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sameRule.AddStateValue(name, tfjsonpath.New("rule_id"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					mocktest.CheckRule(m, "alicloud", "sg-web", map[string]string{"PortRange": "22/22", "Description": "ssh from the office"}),
					func(*terraform.State) error { return mocktest.ExpectCalls(m, "alicloud", "ModifySecurityGroupRule", 1) },
				),
			},
			{
				// Removing the description clears it in place too.
				Config: config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(name, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sameRule.AddStateValue(name, tfjsonpath.New("rule_id"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					mocktest.CheckRule(m, "alicloud", "sg-web", map[string]string{"PortRange": "22/22", "Description": ""}),
					// No description is the empty one.
					resource.TestCheckResourceAttr(name, "description", ""),
				),
			},
			{ResourceName: name, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
			{
				ResourceName: name, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts", "id"},
				ImportStateId: "alicloud/sg-web/ingress,tcp,22,10.0.0.0/8",
			},
			{
				ResourceName: name, ImportState: true, ImportStateKind: resource.ImportBlockWithID,
				ImportStateId: "alicloud/sg-web/ingress,tcp,22,10.0.0.0/8,policy=accept,priority=1",
			},
		},
	})
}
