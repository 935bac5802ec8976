package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// Apsara Stack end to end through the gateway route: IPv6 and icmpv6 rules with
// every revoke parameter of the Apsara Stack RevokeSecurityGroup reference in
// play, the data source, import, a description changed in place, out-of-band
// deletion, destroy.
func TestAccApsarastack_lifecycle(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	const ping6 = "secgroup_rule.ping6"
	sameRule := statecheck.CompareValue(compare.ValuesSame())
	config := func(desc string) string {
		return mocktest.ProviderConfig(m) +
			ruleBlock("ping6", "apsarastack", "sg-as-web", "ingress", `protocol = "icmpv6"`, `cidr = "2001:db8::/32"`, fmt.Sprintf("description = %q", desc)) +
			ruleBlock("dns", "apsarastack", "sg-as-web", "ingress", `protocol = "udp"`, `port_range = "53"`, `peer_security_group_id = "sg-as-app"`, `peer_group_owner_id = "1234567890"`, `source_port_range = "1024-65535"`, `nic_type = "intranet"`, `policy = "drop"`, `priority = 9`) +
			ruleBlock("https_out6", "apsarastack", "sg-as-web", "egress", `protocol = "tcp"`, `port_range = "443"`, `cidr = "::/0"`, `local_cidr = "2001:db8:1::/48"`) +
			rulesData("web", "apsarastack", "sg-as-web", `depends_on = [secgroup_rule.ping6, secgroup_rule.dns, secgroup_rule.https_out6]`)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			mocktest.CheckEmpty(m, "apsarastack", "sg-as-web"),
			func(*terraform.State) error {
				for _, c := range m.Store.CallsOf("apsarastack", "RevokeSecurityGroup") {
					if c.Params["SourceGroupOwnerId"] == "1234567890" && c.Params["SourcePortRange"] == "1024/65535" && c.Params["Policy"] == "drop" &&
						c.Params["Priority"] == "9" && c.Params["NicType"] == "intranet" && c.Params["ClientToken"] != nil && c.Status == 200 {
						return nil
					}
				}
				return fmt.Errorf("no revoke carried the parameters of the Apsara Stack RevokeSecurityGroup reference: %+v", m.Store.CallsOf("apsarastack", "RevokeSecurityGroup"))
			},
		),
		Steps: []resource.TestStep{
			{
				Config:            config("ping6"),
				ConfigStateChecks: []statecheck.StateCheck{sameRule.AddStateValue(ping6, tfjsonpath.New("rule_id"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					mocktest.CheckRule(m, "apsarastack", "sg-as-web", map[string]string{"IpProtocol": "ICMPV6", "Ipv6SourceCidrIp": "2001:db8::/32", "Description": "ping6"}),
					mocktest.CheckRule(m, "apsarastack", "sg-as-web", map[string]string{"SourceGroupId": "sg-as-app", "SourcePortRange": "1024/65535", "Policy": "Drop", "Priority": "9"}),
					mocktest.CheckRule(m, "apsarastack", "sg-as-web", map[string]string{"Direction": "egress", "Ipv6DestCidrIp": "::/0", "Ipv6SourceCidrIp": "2001:db8:1::/48"}),
					resource.TestMatchResourceAttr(ping6, "id", regexp.MustCompile(`^apsarastack/sg-as-web/sgr-`)),
					resource.TestCheckResourceAttr("data.secgroup_rules.web", "rules.#", "3"),
					resource.TestCheckTypeSetElemNestedAttrs("data.secgroup_rules.web", "rules.*", map[string]string{
						"protocol": "icmpv6", "cidr": "2001:db8::/32", "description": "ping6",
					}),
				),
			},
			{ResourceName: ping6, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
			{
				ResourceName: "secgroup_rule.https_out6", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"},
				ImportStateId: "apsarastack/sg-as-web/egress,tcp,443,::/0,local_cidr=2001:db8:1::/48",
			},
			{
				// In place: one ModifySecurityGroupRule, the same rule id.
				Config: config("ping6 from the lab"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ping6, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sameRule.AddStateValue(ping6, tfjsonpath.New("rule_id"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					mocktest.CheckRule(m, "apsarastack", "sg-as-web", map[string]string{"IpProtocol": "ICMPV6", "Description": "ping6 from the lab"}),
					func(*terraform.State) error {
						if n := mocktest.Calls(m, "apsarastack", "ModifySecurityGroupRule", 200); n != 1 {
							return fmt.Errorf("%d modify calls, want 1", n)
						}
						return nil
					},
				),
			},
			{
				PreConfig: func() { revokeAllInMock(t, m, "apsarastack", "sg-as-web") },
				Config:    config("ping6 from the lab"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ping6, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("secgroup_rule.dns", plancheck.ResourceActionCreate),
				}},
				Check: mocktest.CheckRuleCount(m, "apsarastack", "sg-as-web", 3),
			},
		},
	})
}

// Bad credentials and a missing organization (optional, but this gateway
// needs it) are clear errors and write nothing; the endpoint is required
// (every stack has its own).
func TestAccApsarastack_settings(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	for _, v := range []string{"APSARASTACK_ENDPOINT", "APSARASTACK_ORGANIZATION_ID", "APSARASTACK_DEPARTMENT"} {
		t.Setenv(v, "")
	}
	anyRule := `
` +
		ruleBlock("x", "apsarastack", "sg-as-web", "ingress", `protocol = "all"`, `cidr = "10.0.0.0/8"`)
	block := func(extra string) string {
		return fmt.Sprintf(`
provider "secgroup" {
  apsarastack {
    access_key = "mock-access-key"
    region     = "cn-qingdao-env17-d01"
    %s
  }
}`, extra) + anyRule
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "apsarastack", "sg-as-web"),
		Steps: []resource.TestStep{
			{
				Config:      block(fmt.Sprintf("secret_key = \"not-the-secret\"\n    organization_id = \"org-1\"\n    endpoint = %q", m.URL)),
				ExpectError: regexp.MustCompile(`(?s)SignatureDoesNotMatch.*` + spaced(`Check secret_key in the provider's apsarastack block`)),
			},
			{
				Config:      block(`secret_key = "mock-secret-key"`),
				ExpectError: regexp.MustCompile(`(?s)` + spaced(regexp.QuoteMeta(`missing endpoint (or APSARASTACK_ENDPOINT):`))),
			},
			{
				// organization_id is optional; this gateway needs it and
				// says so, and the error names the setting.
				Config:      block(fmt.Sprintf("secret_key = \"mock-secret-key\"\n    endpoint = %q", m.URL)),
				ExpectError: regexp.MustCompile(`(?s)` + spaced(`x-acs-organizationid header is required`) + `.*` + spaced(`organization_id`)),
			},
		},
	})
	if n := mocktest.Calls(m, "apsarastack", "AuthorizeSecurityGroup", -1); n != 0 {
		t.Fatalf("%d authorize calls", n)
	}
	expectPlanErrors(t, m, "apsarastack", "sg-as-web", []planCase{
		{"prefix list", `protocol = "all"
  prefix_list_id = "pl-1"`, `prefix_list_id.*Alibaba Apsara Stack ECS does not support prefix_list_id`},
		{"priority", `protocol = "all"
  cidr = "10.0.0.0/8"
  priority = 101`, `priority.*accepts priority 1 to 100`},
	})
}
