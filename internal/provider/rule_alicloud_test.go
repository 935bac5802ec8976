package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccAlicloud_lifecycle(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	const name = "secgroup_rule.ssh"
	sameRule := statecheck.CompareValue(compare.ValuesSame())
	config := func(desc string) string {
		if desc != "" {
			desc = "description       = \"" + desc + "\""
		}
		return mocktest.ProviderConfig(m) +
			tcpRule("ssh", "alicloud", "sg-web", "22", "10.0.0.0/8", desc)
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
				// Removing the description replaces the rule: Modify cannot
				// clear a non-empty field (ModifySecurityGroupRule).
				Config: config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(name, plancheck.ResourceActionDestroyBeforeCreate),
				}},
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

// Every direction and protocol family, IPv6, peers of every kind, and the
// data source listing them.
func TestAccAlicloud_everyKind(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	config := mocktest.ProviderConfig(m) +
		tcpRule("https_range", "alicloud", "sg-web", "80/443", "192.168.1.0/24") +
		ruleBlock("dns", "alicloud", "sg-web", "ingress", `protocol = "udp"`, `port_range = "53"`, `cidr = "172.16.0.0/12"`, `source_port_range = "1024-65535"`, `local_cidr = "10.1.0.0/16"`) +
		ruleBlock("ping", "alicloud", "sg-web", "ingress", `protocol = "icmp"`, `cidr = "0.0.0.0/0"`) +
		ruleBlock("ping6", "alicloud", "sg-web", "ingress", `protocol = "icmpv6"`, `cidr = "2001:DB8:0:0::/64"`) +
		ruleBlock("gre", "alicloud", "sg-web", "ingress", `protocol = "gre"`, `cidr = "10.9.9.9"`) +
		ruleBlock("from_app", "alicloud", "sg-web", "ingress", `protocol = "tcp"`, `port_range = "8080"`, `peer_security_group_id = "sg-app"`, `nic_type = "intranet"`) +
		ruleBlock("all_out", "alicloud", "sg-web", "egress", `protocol = "all"`, `cidr = "::/0"`) +
		ruleBlock("deny_smtp", "alicloud", "sg-web", "egress", `protocol = "tcp"`, `port_range = "25"`, `cidr = "0.0.0.0/0"`, `policy = "drop"`, `priority = 50`) +
		ruleBlock("to_list", "alicloud", "sg-web", "egress", `protocol = "udp"`, `port_range = "123"`, `prefix_list_id = "pl-ntp"`) +
		`data "secgroup_rules" "web" {
  cloud             = "alicloud"
  security_group_id = "sg-web"
  depends_on = [secgroup_rule.https_range, secgroup_rule.dns, secgroup_rule.ping, secgroup_rule.ping6, secgroup_rule.gre,
    secgroup_rule.from_app, secgroup_rule.all_out, secgroup_rule.deny_smtp, secgroup_rule.to_list]
}
` +
		rulesData("web_egress", "alicloud", "sg-web", `direction = "egress"`, `depends_on = [secgroup_rule.all_out, secgroup_rule.deny_smtp, secgroup_rule.to_list]`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "alicloud", "sg-web"),
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				mocktest.CheckRule(m, "alicloud", "sg-web", map[string]string{"IpProtocol": "TCP", "PortRange": "80/443", "SourceCidrIp": "192.168.1.0/24"}),
				mocktest.CheckRule(m, "alicloud", "sg-web", map[string]string{"IpProtocol": "UDP", "PortRange": "53/53", "SourcePortRange": "1024/65535", "DestCidrIp": "10.1.0.0/16"}),
				mocktest.CheckRule(m, "alicloud", "sg-web", map[string]string{"IpProtocol": "ICMP", "PortRange": "-1/-1", "SourceCidrIp": "0.0.0.0/0"}),
				mocktest.CheckRule(m, "alicloud", "sg-web", map[string]string{"IpProtocol": "ICMPV6", "PortRange": "-1/-1", "Ipv6SourceCidrIp": "2001:db8::/64"}),
				mocktest.CheckRule(m, "alicloud", "sg-web", map[string]string{"IpProtocol": "GRE", "SourceCidrIp": "10.9.9.9/32"}),
				mocktest.CheckRule(m, "alicloud", "sg-web", map[string]string{"IpProtocol": "TCP", "PortRange": "8080/8080", "SourceGroupId": "sg-app", "NicType": "intranet"}),
				mocktest.CheckRule(m, "alicloud", "sg-web", map[string]string{"Direction": "egress", "IpProtocol": "ALL", "Ipv6DestCidrIp": "::/0"}),
				mocktest.CheckRule(m, "alicloud", "sg-web", map[string]string{"Direction": "egress", "PortRange": "25/25", "Policy": "Drop", "Priority": "50"}),
				mocktest.CheckRule(m, "alicloud", "sg-web", map[string]string{"Direction": "egress", "DestPrefixListId": "pl-ntp"}),
				// The user's spellings stay in state; no later diff.
				resource.TestCheckResourceAttr("secgroup_rule.ping6", "cidr", "2001:DB8:0:0::/64"),
				resource.TestCheckResourceAttr("secgroup_rule.gre", "cidr", "10.9.9.9"),
				resource.TestCheckResourceAttr("secgroup_rule.https_range", "port_range", "80/443"),
				resource.TestCheckResourceAttr("data.secgroup_rules.web", "rules.#", "9"),
				resource.TestCheckResourceAttr("data.secgroup_rules.web_egress", "rules.#", "3"),
				resource.TestMatchTypeSetElemNestedAttrs("data.secgroup_rules.web", "rules.*", map[string]*regexp.Regexp{
					"protocol": regexp.MustCompile(`^icmpv6$`), "cidr": regexp.MustCompile(`^2001:db8::/64$`),
					"id": regexp.MustCompile(`^alicloud/sg-web/sgr-[0-9a-f]+$`), "policy": regexp.MustCompile(`^accept$`),
				}),
				resource.TestCheckTypeSetElemNestedAttrs("data.secgroup_rules.web", "rules.*", map[string]string{
					"direction": "ingress", "protocol": "tcp", "port_range": "8080", "peer_security_group_id": "sg-app", "nic_type": "intranet",
				}),
			),
		}},
	})
}

// A rule deleted outside Terraform is dropped from state with a warning
// and created again by the next apply.
func TestAccAlicloud_disappears(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	config := mocktest.ProviderConfig(m) +
		tcpRule("x", "alicloud", "sg-db", "5432", "10.0.0.0/16")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "alicloud", "sg-db"),
		Steps: disappearsSteps(t, m, "alicloud", "sg-db", config,
			rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 5432, To: 5432}, CIDR: "10.0.0.0/16"},
			map[string]string{"PortRange": "5432/5432"}, "SecurityGroupRuleId"),
	})
}

// A rule that exists before Terraform creates it is an error that prints
// the import command; importing it then adopts it with no diff, even in
// another spelling.
func TestAccAlicloud_duplicateThenImport(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	existing := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 443, To: 443}, CIDR: "203.0.113.7/32", Policy: rule.Accept, Priority: 1}
	config := mocktest.ProviderConfig(m) +
		tcpRule("x", "alicloud", "sg-app", "443-443", "203.0.113.7")
	var nativeID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "alicloud", "sg-app"),
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { nativeID = authorizeInMock(t, m, "alicloud", "sg-app", existing) },
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)Rule Already Exists.*terraform import secgroup_rule.<name>\s+'alicloud/sg-app/sgr-`),
			},
			{
				Config: config, ResourceName: "secgroup_rule.x", ImportState: true, ImportStatePersist: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return "alicloud/sg-app/" + nativeID, nil },
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("secgroup_rule.x", plancheck.ResourceActionNoop),
				}},
				Check: func(*terraform.State) error {
					if n := len(mocktest.Rules(m, "alicloud", "sg-app")); n != 1 {
						return fmt.Errorf("%d rules in the mock, want the one adopted rule", n)
					}
					return nil
				},
			},
		},
	})
}

// Bad credentials are a clear error and write nothing.
func TestAccAlicloud_badCredentials(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "alicloud", "sg-web"),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "secgroup" {
  alicloud {
    access_key = "mock-access-key"
    secret_key = "not-the-secret"
    region     = "cn-hangzhou"
    endpoint   = %q
  }
}
`+
				ruleBlock("x", "alicloud", "sg-web", "ingress", `protocol = "icmp"`, `cidr = "10.0.0.0/8"`), m.URL),
			ExpectError: regexp.MustCompile(`(?s)SignatureDoesNotMatch.*Check\s+secret_key\s+in\s+the\s+provider's\s+alicloud\s+block`),
		}},
	})
	if n := mocktest.Calls(m, "alicloud", "AuthorizeSecurityGroup", -1); n != 0 {
		t.Fatalf("%d authorize calls with bad credentials; the failed describe must stop the create", n)
	}
}

// Throttling, 5xx and dropped connections on every call converge, and a
// write whose answer was lost is not repeated as a second rule.
func TestAccAlicloud_faultsConverge(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	config := mocktest.ProviderConfig(m) +
		ruleBlock("x", "alicloud", "sg-web", "egress", `protocol = "tcp"`, `port_range = "443"`, `cidr = "0.0.0.0/0"`, `description = "first"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			mocktest.CheckEmpty(m, "alicloud", "sg-web"),
			func(*terraform.State) error {
				if n := mocktest.Calls(m, "alicloud", "RevokeSecurityGroupEgress", -1); n != 3 {
					return fmt.Errorf("%d revoke calls, want 2 faulted + 1 good", n)
				}
				return nil
			},
		),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				m.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "AuthorizeSecurityGroupEgress", Throttle: 1, ServerError: 1, DropAfterCommit: 1})
				m.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "DescribeSecurityGroupAttribute", Drop: 1, Throttle: 1})
				m.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "RevokeSecurityGroupEgress", ServerError: 1, Throttle: 1})
			},
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				mocktest.CheckRule(m, "alicloud", "sg-web", map[string]string{"Direction": "egress", "PortRange": "443/443", "Description": "first"}),
				func(*terraform.State) error {
					if n := mocktest.Calls(m, "alicloud", "AuthorizeSecurityGroupEgress", -1); n != 4 {
						return fmt.Errorf("%d authorize calls, want 3 faulted + 1 idempotent retry", n)
					}
					return nil
				},
			),
		}},
	})
}

// Naming a cloud whose block and environment give no credentials is an
// error that names what is missing.
func TestAccAlicloud_missingCredentials(t *testing.T) {
	cliIndependent(t)
	clearCloudEnv(t, "alicloud")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "secgroup" {
  alicloud {
    region = "cn-hangzhou"
  }
}
` +
				ruleBlock("x", "alicloud", "sg-web", "ingress", `protocol = "all"`, `cidr = "10.0.0.0/8"`),
			ExpectError: regexp.MustCompile(`(?s)` + spaced(regexp.QuoteMeta(`alicloud block of the secgroup provider is missing access_key`)+` \(or ALICLOUD_ACCESS_KEY, ALIBABA_CLOUD_ACCESS_KEY_ID\), secret_key`)),
		}},
	})
}
