package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	mockbaiducloud "github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/baiducloud"
)

// Baidu AI Cloud BCC end to end: create in BCC's wire spellings, the data
// source, import by rule id and by content, a description change (a
// replacement: the remark is part of the rule's identity), destroy.
func TestAccBaiducloud_lifecycle(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	const ssh = "secgroup_rule.ssh"
	config := func(desc string) string {
		return mocktest.ProviderConfig(m) +
			tcpRule("ssh", "baiducloud", "g-web", "22", "10.0.0.0/8", fmt.Sprintf("description = %q", desc)) +
			tcpRule("web6", "baiducloud", "g-web", "80/443", "2001:DB8::/32") +
			ruleBlock("from_app", "baiducloud", "g-web", "ingress", `protocol = "udp"`, `port_range = "53"`, `peer_security_group_id = "g-app"`) +
			ruleBlock("out", "baiducloud", "g-web", "egress", `protocol = "all"`, `cidr = "0.0.0.0/0"`) +
			rulesData("web", "baiducloud", "g-web", `depends_on = [secgroup_rule.ssh, secgroup_rule.web6, secgroup_rule.from_app, secgroup_rule.out]`)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "baiducloud", "g-web"),
		Steps: []resource.TestStep{
			{
				Config: config("ssh"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ssh, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^baiducloud/g-web/r-[0-9a-f]+$`))),
					statecheck.ExpectKnownValue(ssh, tfjsonpath.New("policy"), knownvalue.Null()),
					statecheck.ExpectKnownValue(ssh, tfjsonpath.New("priority"), knownvalue.Null()),
					statecheck.ExpectKnownValue("secgroup_rule.web6", tfjsonpath.New("cidr"), knownvalue.StringExact("2001:DB8::/32")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					mocktest.CheckRule(m, "baiducloud", "g-web", map[string]string{"direction": "ingress", "protocol": "tcp", "portRange": "22",
						"sourceIp": "10.0.0.0/8", "ethertype": "IPv4", "remark": "ssh"}),
					mocktest.CheckRule(m, "baiducloud", "g-web", map[string]string{"portRange": "80-443", "sourceIp": "2001:db8::/32", "ethertype": "IPv6"}),
					mocktest.CheckRule(m, "baiducloud", "g-web", map[string]string{"protocol": "udp", "portRange": "53", "sourceGroupId": "g-app"}),
					mocktest.CheckRule(m, "baiducloud", "g-web", map[string]string{"direction": "egress", "protocol": "all", "portRange": "", "destIp": "0.0.0.0/0"}),
					resource.TestCheckResourceAttr("data.secgroup_rules.web", "rules.#", "4"),
					resource.TestCheckTypeSetElemNestedAttrs("data.secgroup_rules.web", "rules.*", map[string]string{
						"protocol": "udp", "port_range": "53", "peer_security_group_id": "g-app",
					}),
				),
			},
			{ResourceName: ssh, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
			{
				ResourceName: ssh, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"},
				ImportStateId: "baiducloud/g-web/ingress,tcp,22,10.0.0.0/8",
			},
			{
				Config: config("ssh from the office"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ssh, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction("secgroup_rule.out", plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					mocktest.CheckRule(m, "baiducloud", "g-web", map[string]string{"portRange": "22", "remark": "ssh from the office"}),
					mocktest.CheckRuleCount(m, "baiducloud", "g-web", 4),
				),
			},
		},
	})
}

// Another writer changing the group between the provider's read and its
// write (VersionMismatch) is re-read and retried on create; a destroy
// without a read costs one revoke; out-of-band deletion is planned again.
func TestAccBaiducloud_concurrentChangesAndDisappearance(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	config := mocktest.ProviderConfig(m) +
		tcpRule("x", "baiducloud", "g-db", "5432", "10.0.0.0/16")
	mismatches := func(action string) int {
		n := 0
		for _, c := range m.Store.CallsOf("baiducloud", action) {
			if c.Code == "VersionMismatch" {
				n++
			}
		}
		return n
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			mocktest.CheckEmpty(m, "baiducloud", "g-db"),
			func(*terraform.State) error {
				// The destroy (-refresh=false) read no sgVersion, so its
				// revoke names the rule by its 6-tuple alone: one call,
				// untroubled by the other writer.
				if n := mismatches("revokeRule"); n != 0 {
					return fmt.Errorf("%d VersionMismatch answers to revoke, want 0", n)
				}
				if revokes := m.Store.CallsOf("baiducloud", "revokeRule"); revokes[len(revokes)-1].Params["sgVersion"] != nil {
					return fmt.Errorf("the destroy's revoke %+v, want it without sgVersion", revokes[len(revokes)-1])
				}
				return nil
			},
		),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { m.Store.SetBehavior("baiducloud", mockbaiducloud.ConcurrentWrites, "2") },
				Config:    config,
				Check: resource.ComposeAggregateTestCheckFunc(
					mocktest.CheckRule(m, "baiducloud", "g-db", map[string]string{"portRange": "5432"}),
					func(*terraform.State) error {
						if n := mismatches("authorizeRule"); n != 2 {
							return fmt.Errorf("%d VersionMismatch answers to authorize, want 2", n)
						}
						return nil
					},
				),
			},
			{
				PreConfig: func() { revokeAllInMock(t, m, "baiducloud", "g-db") },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("secgroup_rule.x", plancheck.ResourceActionCreate),
				}},
				Check: mocktest.CheckRule(m, "baiducloud", "g-db", map[string]string{"portRange": "5432"}),
			},
			{
				// Recreated out of band under a new id: adopted.
				PreConfig: func() {
					revokeAllInMock(t, m, "baiducloud", "g-db")
					authorizeInMock(t, m, "baiducloud", "g-db", rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 5432, To: 5432}, CIDR: "10.0.0.0/16"})
					m.Store.SetBehavior("baiducloud", mockbaiducloud.ConcurrentWrites, "1") // another writer during the destroy
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("secgroup_rule.x", plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}

// Bad credentials are a clear error and write nothing; what BCC lacks
// fails at plan time.
func TestAccBaiducloud_credentialsAndPlanTime(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "secgroup" {
  baiducloud {
    access_key = "mock-access-key"
    secret_key = "not-the-secret"
    region     = "bj"
    endpoint   = %q
  }
}
`+
				ruleBlock("x", "baiducloud", "g-web", "ingress", `protocol = "all"`, `cidr = "10.0.0.0/8"`), m.URL),
			ExpectError: regexp.MustCompile(`(?s)SignatureDoesNotMatch.*` + spaced(`Check secret_key in the provider's baiducloud block`)),
		}},
	})
	if n := mocktest.Calls(m, "baiducloud", "authorizeRule", -1); n != 0 {
		t.Fatalf("%d authorize calls with bad credentials", n)
	}
	expectPlanErrors(t, m, "baiducloud", "g-web", []planCase{
		{"policy", `protocol = "all"
  cidr = "10.0.0.0/8"
  policy = "accept"`, `policy.*Baidu AI Cloud BCC does not support policy: remove it`},
		{"priority", `protocol = "all"
  cidr = "10.0.0.0/8"
  priority = 1`, `priority.*Baidu AI Cloud BCC has no rule priorities: remove priority`},
		{"gre", `protocol = "gre"
  cidr = "10.0.0.0/8"`, `protocol.*does not support protocol "gre"`},
		{"local cidr", `protocol = "all"
  cidr = "10.0.0.0/8"
  local_cidr = "10.1.0.0/16"`, `local_cidr.*does not support local_cidr`},
		{"reversed ports", `protocol = "tcp"
  port_range = "443-80"
  cidr = "10.0.0.0/8"`, `port_range.*write "80-443"`},
	})
}

// On Baidu the remark is part of a rule's identity: two rules that differ
// only in it are two rules, and create_before_destroy replaces a rule
// whose remark changes.
func TestAccBaiducloud_remarkIsIdentity(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	config := func(remark string) string {
		return mocktest.ProviderConfig(m) +
			tcpRule("a", "baiducloud", "g-web", "22", "10.0.0.0/8", fmt.Sprintf("description = %q", remark), "lifecycle { create_before_destroy = true }") +
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
