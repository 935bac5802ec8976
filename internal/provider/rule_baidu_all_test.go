package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/baidubce/bce-sdk-go/services/bcc"
	"github.com/baidubce/bce-sdk-go/services/bcc/api"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// authorizeAsBaidu makes a rule out of band through Baidu's SDK, spelled
// as Baidu's own provider and documents spell it ("all"), and returns the
// rule's id.
func authorizeAsBaidu(t *testing.T, m *mockcloud.Server, group string, r *api.SecurityGroupRuleModel) string {
	t.Helper()
	s := mocktest.Settings("baiducloud", m.URL)
	c, err := bcc.NewClient(s["access_key"], s["secret_key"], m.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AuthorizeSecurityGroupRule(group, &api.AuthorizeSecurityGroupArgs{Rule: r}); err != nil {
		t.Fatal(err)
	}
	d, err := api.GetSecurityGroupDetail(c, group)
	if err != nil || len(d.Rules) == 0 {
		t.Fatalf("describe after out-of-band authorize: %v", err)
	}
	return d.Rules[len(d.Rules)-1].SecurityGroupRuleId
}

// revokedAsAll checks that a successful revokeRule named the rule by the
// address "all", as BCC holds it (it matches the 6-tuple letter for
// letter).
func revokedAsAll(m *mockcloud.Server, field string) error {
	var sent []any
	for _, c := range m.Store.CallsOf("baiducloud", "revokeRule") {
		w, _ := c.Params["rule"].(map[string]any)
		if c.Status == 200 && w[field] == "all" {
			return nil
		}
		sent = append(sent, w)
	}
	return fmt.Errorf("no successful revokeRule sent %s \"all\"; the revokes sent %v", field, sent)
}

// A BCC rule whose address is "all", made by Baidu's own provider or
// console, is the rule a configuration of 0.0.0.0/0 (::/0 for IPv6)
// declares: taken over by `moved` from baiducloud_security_group_rule or
// by import (its rule id or its content id), its refresh keeps it and the
// plan is empty; the data source
// reports its cidr as 0.0.0.0/0; destroy revokes it, spelled "all". (On
// the old main the refresh after the move dropped it as "removed outside
// Terraform", the import planned a replacement, the data source reported
// cidr "all", and destroy left the rule open.)
func TestAccBaiducloud_allAddresses(t *testing.T) {
	cliIndependent(t)
	t.Run("moved", func(t *testing.T) {
		m := mocktest.Start(t, "")
		authorizeAsBaidu(t, m, "g-web", &api.SecurityGroupRuleModel{Direction: "ingress", Ethertype: "IPv4", Protocol: "tcp", PortRange: "443", SourceIp: "all", Remark: "web"})
		source := map[string]string{"security_group_id": "g-web", "direction": "ingress", "ether_type": "IPv4", "protocol": "tcp", "port_range": "443", "source_ip": "all", "remark": "web"}
		target := map[string]string{"cloud": "baiducloud", "security_group_id": "g-web", "direction": "ingress", "protocol": "tcp", "port_range": "443", "cidr": "0.0.0.0/0", "description": "web"}
		resource.ParallelTest(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
			ProtoV6ProviderFactories: moveFactories(),
			CheckDestroy: func(*terraform.State) error {
				if err := mocktest.CheckEmpty(m, "baiducloud", "g-web")(nil); err != nil {
					return err
				}
				return revokedAsAll(m, "sourceIp")
			},
			Steps: []resource.TestStep{
				{Config: mocktest.ProviderConfig(m) + resourceBlock("baiducloud_security_group_rule", "x", source)},
				{
					Config:           mocktest.ProviderConfig(m) + "moved {\n  from = baiducloud_security_group_rule.x\n  to   = secgroup_rule.x\n}\n" + resourceBlock("secgroup_rule", "x", target),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					Check: resource.ComposeAggregateTestCheckFunc(
						resource.TestMatchResourceAttr("secgroup_rule.x", "rule_id", regexp.MustCompile(`^r-`)),
						mocktest.CheckRule(m, "baiducloud", "g-web", map[string]string{"sourceIp": "all", "remark": "web"}),
					),
				},
				{
					Config:           mocktest.ProviderConfig(m) + resourceBlock("secgroup_rule", "x", target),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				},
			},
		})
	})
	t.Run("import", func(t *testing.T) {
		m := mocktest.Start(t, "")
		id := authorizeAsBaidu(t, m, "g-app", &api.SecurityGroupRuleModel{Direction: "egress", Ethertype: "IPv6", Protocol: "all", DestIp: "all"})
		config := mocktest.ProviderConfig(m) + ruleBlock("x", "baiducloud", "g-app", "egress", `protocol = "all"`, `cidr = "::/0"`) +
			rulesData("app", "baiducloud", "g-app")
		resource.ParallelTest(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy: func(*terraform.State) error {
				if err := mocktest.CheckEmpty(m, "baiducloud", "g-app")(nil); err != nil {
					return err
				}
				return revokedAsAll(m, "destIp")
			},
			Steps: []resource.TestStep{
				{
					Config: config + fmt.Sprintf("import {\n  to = secgroup_rule.x\n  id = %q\n}\n", "baiducloud/g-app/"+id),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("secgroup_rule.x", plancheck.ResourceActionNoop),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						resource.TestCheckResourceAttr("secgroup_rule.x", "rule_id", id),
						resource.TestCheckResourceAttr("data.secgroup_rules.app", "rules.#", "1"),
						resource.TestCheckResourceAttr("data.secgroup_rules.app", "rules.0.cidr", "::/0"),
						resource.TestCheckResourceAttr("data.secgroup_rules.app", "rules.0.id", "baiducloud/g-app/"+id),
						mocktest.CheckRuleCount(m, "baiducloud", "g-app", 1),
					),
				},
				{
					// The refresh keeps it, out of band deleted and made
					// again included (found by content, with its new id).
					PreConfig: func() {
						revokeAllInMock(t, m, "baiducloud", "g-app")
						authorizeAsBaidu(t, m, "g-app", &api.SecurityGroupRuleModel{Direction: "egress", Ethertype: "IPv6", Protocol: "all", DestIp: "all"})
					},
					Config:           config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					Check: func(s *terraform.State) error {
						rules, err := outOfBand(t, m, "baiducloud").Describe(context.Background(), "g-app")
						if err != nil {
							return err
						}
						if len(rules) != 1 {
							return fmt.Errorf("the group holds %v, want the one rule", rules)
						}
						if got := s.RootModule().Resources["secgroup_rule.x"].Primary.Attributes["rule_id"]; got != rules[0].NativeID {
							return fmt.Errorf("rule_id %s, want the new id %s", got, rules[0].NativeID)
						}
						return nil
					},
				},
				{
					// Its content id names it too.
					ResourceName: "secgroup_rule.x", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"},
					ImportStateId: "baiducloud/g-app/egress,all,,::/0",
				},
			},
		})
	})
}
