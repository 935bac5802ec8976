package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	mockzenlayer "github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/zenlayer"
)

// Zenlayer Cloud VM end to end: create in Zenlayer's wire spellings,
// import by rule id and by content, the data source, a description change
// (a replacement: the VM API cannot modify rules), destroy.
func TestAccZenlayer_lifecycle(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	const ssh = "secgroup_rule.ssh"
	config := func(desc string) string {
		return mocktest.ProviderConfig(m) +
			tcpRule("ssh", "zenlayer", "zl-web", "22", "10.0.0.0/8", fmt.Sprintf("description = %q", desc)) +
			tcpRule("web", "zenlayer", "zl-web", "80-443", "203.0.113.7", `priority = 10`) +
			ruleBlock("ping", "zenlayer", "zl-web", "ingress", `protocol = "icmp"`, `cidr = "0.0.0.0/0"`) +
			ruleBlock("out", "zenlayer", "zl-web", "egress", `protocol = "all"`, `cidr = "0.0.0.0/0"`) +
			rulesData("web", "zenlayer", "zl-web", `depends_on = [secgroup_rule.ssh, secgroup_rule.web, secgroup_rule.ping, secgroup_rule.out]`)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "zenlayer", "zl-web"),
		Steps: []resource.TestStep{
			{
				Config: config("ssh"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ssh, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^zenlayer/zl-web/[0-9]+$`))),
					statecheck.ExpectKnownValue(ssh, tfjsonpath.New("rule_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9]+$`))),
					statecheck.ExpectKnownValue(ssh, tfjsonpath.New("policy"), knownvalue.StringExact("accept")),
					statecheck.ExpectKnownValue(ssh, tfjsonpath.New("priority"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(ssh, tfjsonpath.New("nic_type"), knownvalue.Null()),
					statecheck.ExpectKnownValue("secgroup_rule.web", tfjsonpath.New("cidr"), knownvalue.StringExact("203.0.113.7")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					mocktest.CheckRule(m, "zenlayer", "zl-web", map[string]string{"direction": "ingress", "ipProtocol": "tcp", "portRange": "22/22",
						"cidrIp": "10.0.0.0/8", "policy": "accept", "priority": "1", "description": "ssh"}),
					mocktest.CheckRule(m, "zenlayer", "zl-web", map[string]string{"portRange": "80/443", "cidrIp": "203.0.113.7/32", "priority": "10"}),
					mocktest.CheckRule(m, "zenlayer", "zl-web", map[string]string{"ipProtocol": "icmp", "portRange": "-1/-1"}),
					mocktest.CheckRule(m, "zenlayer", "zl-web", map[string]string{"direction": "egress", "ipProtocol": "all", "portRange": "-1/-1"}),
					resource.TestCheckResourceAttr("data.secgroup_rules.web", "rules.#", "4"),
					resource.TestMatchTypeSetElemNestedAttrs("data.secgroup_rules.web", "rules.*", map[string]*regexp.Regexp{
						"port_range": regexp.MustCompile(`^80-443$`), "cidr": regexp.MustCompile(`^203\.0\.113\.7/32$`),
						"priority": regexp.MustCompile(`^10$`), "id": regexp.MustCompile(`^zenlayer/zl-web/[0-9]+$`),
					}),
				),
			},
			{ResourceName: ssh, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
			{
				ResourceName: ssh, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"},
				ImportStateId: "zenlayer/zl-web/ingress,tcp,22/22,10.0.0.0/8",
			},
			{
				// No modify call in the VM API: the plan says replace, and
				// the old rule goes before the new one comes.
				Config: config("ssh from the office"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ssh, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction("secgroup_rule.web", plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					mocktest.CheckRule(m, "zenlayer", "zl-web", map[string]string{"portRange": "22/22", "description": "ssh from the office"}),
					mocktest.CheckRuleCount(m, "zenlayer", "zl-web", 4),
				),
			},
		},
	})
}

// A rule deleted outside Terraform is planned again; one recreated out of
// band under a new rule id is adopted.
func TestAccZenlayer_disappears(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	config := mocktest.ProviderConfig(m) +
		ruleBlock("x", "zenlayer", "zl-app", "ingress", `protocol = "udp"`, `port_range = "53"`, `cidr = "10.0.0.0/16"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "zenlayer", "zl-app"),
		Steps: disappearsSteps(t, m, "zenlayer", "zl-app", config,
			rule.Rule{Direction: rule.Ingress, Protocol: rule.UDP, Ports: rule.PortRange{From: 53, To: 53}, CIDR: "10.0.0.0/16"},
			map[string]string{"portRange": "53/53", "ipProtocol": "udp"}, "ruleId"),
	})
}

// A group that is not Available yet (OPERATION_DENIED_SECURITY_GROUP_STATUS_NOT_AVAILABLE)
// is waited for, within the create timeout.
func TestAccZenlayer_statusNotAvailableWaitedOut(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	mocktest.AddGroup(t, m, "zenlayer", "zl-new", "Creating")
	// The group turns Available once the provider has been turned away,
	// so the wait is certain to happen whatever the machine's speed.
	go func() {
		for mocktest.Calls(m, "zenlayer", "AuthorizeSecurityGroupRules", 403) == 0 {
			time.Sleep(50 * time.Millisecond)
		}
		m.Store.Atomically(func(tx *store.Tx) { tx.Group("zenlayer", "zl-new").Status = "Available" })
	}()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "zenlayer", "zl-new"),
		Steps: []resource.TestStep{{
			Config: mocktest.ProviderConfig(m) +
				tcpRule("x", "zenlayer", "zl-new", "8080", "10.0.0.0/8"),
			Check: resource.ComposeAggregateTestCheckFunc(
				mocktest.CheckRule(m, "zenlayer", "zl-new", map[string]string{"portRange": "8080/8080"}),
				func(*terraform.State) error {
					for _, c := range m.Store.CallsOf("zenlayer", "AuthorizeSecurityGroupRules") {
						if c.Status == 403 && c.Code == "OPERATION_DENIED_SECURITY_GROUP_STATUS_NOT_AVAILABLE" {
							return nil
						}
					}
					return fmt.Errorf("the provider was never turned away: %+v", m.Store.CallsOf("zenlayer", ""))
				},
			),
		}},
	})
}

// A group that stays unavailable ends in a clear error at the timeout, and
// nothing is written.
func TestAccZenlayer_statusNotAvailableTimesOut(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	mocktest.AddGroup(t, m, "zenlayer", "zl-stuck", "Creating")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "zenlayer", "zl-stuck"),
		Steps: []resource.TestStep{{
			Config: mocktest.ProviderConfig(m) +
				ruleBlock("x", "zenlayer", "zl-stuck", "ingress", `protocol = "icmp"`, `cidr = "10.0.0.0/8"`, `timeouts = { create = "3s" }`),
			ExpectError: regexp.MustCompile(`(?s)gave\s+up\s+after\s+\d+\s+attempts.*OPERATION_DENIED_SECURITY_GROUP_STATUS_NOT_AVAILABLE.*not\s+Available`),
		}},
	})
}

// Default groups cannot be edited: the plan, which reads the group (its
// describe says isDefault), refuses a rule there, and an exclusive
// resource for it, so nothing is tried. Their rules can still be
// read (data source) and imported, drop rule included.
func TestAccZenlayer_defaultGroup(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	refused := regexp.MustCompile(`(?s)Security Group Takes No Rule Changes.*` +
		`zl-default.*` + spaced(`it is the account's default security group, and Zenlayer does not allow editing the rules of a default security group: use another group`))
	exclusiveRefused := regexp.MustCompile(`(?s)Security Group Takes No Rule Changes.*` + spaced(`cannot make security group zl-default exclusive`))
	keepOne := mocktest.ProviderConfig(m) + exclusiveBlock("zenlayer", "zl-default", `["zenlayer/zl-default/9001"]`)
	keepAll := mocktest.ProviderConfig(m) + exclusiveBlock("zenlayer", "zl-default", `[for id in range(9001, 9006) : "zenlayer/zl-default/${id}"]`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: mocktest.ProviderConfig(m) +
					tcpRule("x", "zenlayer", "zl-default", "443", "0.0.0.0/0"),
				PlanOnly:    true,
				ExpectError: refused,
			},
			// No exclusive resource is made for it, whatever it keeps.
			{Config: keepAll, PlanOnly: true, ExpectError: exclusiveRefused},
			{Config: keepOne, PlanOnly: true, ExpectError: exclusiveRefused},
			{
				Config: mocktest.ProviderConfig(m) +
					rulesData("default", "zenlayer", "zl-default"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.secgroup_rules.default", "rules.#", "5"),
					resource.TestCheckTypeSetElemNestedAttrs("data.secgroup_rules.default", "rules.*", map[string]string{
						"direction": "ingress", "protocol": "all", "policy": "drop", "priority": "100", "cidr": "0.0.0.0/0", "id": "zenlayer/zl-default/9004",
					}),
					resource.TestCheckTypeSetElemNestedAttrs("data.secgroup_rules.default", "rules.*", map[string]string{
						"protocol": "tcp", "port_range": "22", "description": "SSH", "rule_id": "9001",
					}),
				),
			},
		},
	})
	for _, action := range []string{"AuthorizeSecurityGroupRules", "RevokeSecurityGroupRules"} {
		if n := mocktest.Calls(m, "zenlayer", action, -1); n != 0 {
			t.Fatalf("%d %s calls on the default group", n, action)
		}
	}
}

// Drop rules cannot be created on Zenlayer, but one made in the console is
// imported and kept, and destroyed with its policy named in the revoke.
func TestAccZenlayer_importDropRule(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	var id int
	m.Store.Atomically(func(tx *store.Tx) {
		id = tx.NextNumber()
		g := tx.Group("zenlayer", "zl-app")
		g.Rules = append(g.Rules, &mockzenlayer.RuleInfo{RuleID: id, Direction: "ingress", Policy: "drop", Priority: 100, IPProtocol: "tcp", PortRange: "23/23", CidrIP: "0.0.0.0/0"})
	})
	config := func(extra string) string {
		return mocktest.ProviderConfig(m) +
			tcpRule("no_telnet", "zenlayer", "zl-app", "23", "0.0.0.0/0", `policy = "drop"`, `priority = 100`, extra)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			mocktest.CheckEmpty(m, "zenlayer", "zl-app"),
			func(*terraform.State) error {
				calls := m.Store.CallsOf("zenlayer", "RevokeSecurityGroupRules")
				if len(calls) != 1 || fmt.Sprint(calls[0].Params["ruleInfos"]) != "[map[cidrIp:0.0.0.0/0 direction:ingress ipProtocol:tcp policy:drop portRange:23/23 priority:100]]" {
					return fmt.Errorf("revoke calls %+v", calls)
				}
				return nil
			},
		),
		Steps: []resource.TestStep{
			{
				Config: config(""), ResourceName: "secgroup_rule.no_telnet", ImportState: true, ImportStatePersist: true,
				ImportStateId: fmt.Sprintf("zenlayer/zl-app/%d", id),
			},
			{
				Config: config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("secgroup_rule.no_telnet", plancheck.ResourceActionNoop),
				}},
			},
			{
				// Replacing it would create a drop rule: refused at plan.
				Config:      config(`description = "telnet"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)policy.*` + spaced(`cannot create rules with policy "drop": use accept`)),
			},
		},
	})
}

// Throttling (HTTP 429), 5xx and a lost answer converge on one rule,
// although Zenlayer has no idempotency token.
func TestAccZenlayer_faultsConverge(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	m.Store.AddFault(store.Fault{Cloud: "zenlayer", Action: "AuthorizeSecurityGroupRules", Throttle: 1, ServerError: 1, DropAfterCommit: 1})
	m.Store.AddFault(store.Fault{Cloud: "zenlayer", Action: "DescribeSecurityGroups", Throttle: 1, Drop: 1})
	m.Store.AddFault(store.Fault{Cloud: "zenlayer", Action: "RevokeSecurityGroupRules", Throttle: 1, ServerError: 1})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			mocktest.CheckEmpty(m, "zenlayer", "zl-web"),
			func(*terraform.State) error {
				if n := mocktest.Calls(m, "zenlayer", "RevokeSecurityGroupRules", -1); n != 3 {
					return fmt.Errorf("%d revoke calls, want 2 faulted + 1 good", n)
				}
				return nil
			},
		),
		Steps: []resource.TestStep{{
			Config: mocktest.ProviderConfig(m) +
				ruleBlock("x", "zenlayer", "zl-web", "egress", `protocol = "tcp"`, `port_range = "443"`, `cidr = "0.0.0.0/0"`),
			Check: resource.ComposeAggregateTestCheckFunc(
				mocktest.CheckRule(m, "zenlayer", "zl-web", map[string]string{"direction": "egress", "portRange": "443/443"}),
				func(*terraform.State) error {
					// 429, 500, the lost write, then its retry answered
					// "repeat rule": our own rule, not a duplicate error.
					if n := mocktest.Calls(m, "zenlayer", "AuthorizeSecurityGroupRules", -1); n != 4 {
						return fmt.Errorf("%d authorize calls, want 4", n)
					}
					return nil
				},
			),
		}},
	})
}

// Bad credentials are a clear error that names the settings, and write
// nothing; missing ones name the vendor's environment variables.
func TestAccZenlayer_credentials(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	t.Setenv("ZENLAYERCLOUD_ACCESS_KEY_ID", "")
	t.Setenv("ZENLAYERCLOUD_ACCESS_KEY_PASSWORD", "")
	anyRule := `
` +
		ruleBlock("x", "zenlayer", "zl-web", "ingress", `protocol = "all"`, `cidr = "10.0.0.0/8"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "zenlayer", "zl-web"),
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
provider "secgroup" {
  zenlayer {
    access_key = "mock-access-key"
    secret_key = "not-the-secret"
    endpoint   = %q
  }
}`, m.URL) + anyRule,
				ExpectError: regexp.MustCompile(`(?s)AUTH_FAILED_SIGNATURE_MISMATCH.*` + spaced(`Check access_key and secret_key in the provider's zenlayer block`)),
			},
			{
				Config:      `provider "secgroup" {}` + anyRule,
				ExpectError: regexp.MustCompile(`(?s)` + spaced(regexp.QuoteMeta(`zenlayer block of the secgroup provider is missing access_key (or ZENLAYERCLOUD_ACCESS_KEY_ID), secret_key (or ZENLAYERCLOUD_ACCESS_KEY_PASSWORD)`))),
			},
		},
	})
	if n := mocktest.Calls(m, "zenlayer", "AuthorizeSecurityGroupRules", -1); n != 0 {
		t.Fatalf("%d authorize calls with bad credentials", n)
	}
}

// What Zenlayer VM lacks fails at plan time, naming the attribute.
func TestAccZenlayer_planTimeValidation(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	expectPlanErrors(t, m, "zenlayer", "zl-web", []planCase{
		{"ipv6", lines(`protocol = "all"`, `cidr = "2001:db8::/32"`), `cidr.*Zenlayer Cloud VM does not support IPv6`},
		{"drop", lines(`protocol = "all"`, `cidr = "10.0.0.0/8"`, `policy = "drop"`), `policy.*Zenlayer Cloud VM cannot create rules with policy "drop": use accept`},
		{"gre", lines(`protocol = "gre"`, `cidr = "10.0.0.0/8"`), `protocol.*Zenlayer Cloud VM does not support protocol "gre": use one of tcp, udp, icmp, all`},
		{"icmpv6", lines(`protocol = "icmpv6"`, `cidr = "10.0.0.0/8"`), `protocol.*does not support protocol "icmpv6"`},
		{"peer group", lines(`protocol = "all"`, `peer_security_group_id = "zl-app"`), `peer_security_group_id.*Zenlayer Cloud VM does not support peer_security_group_id: remove it`},
		{"priority", lines(`protocol = "all"`, `cidr = "10.0.0.0/8"`, `priority = 101`), `priority.*accepts priority 1 to 100 \(whole numbers\); 101 is not one of them`},
		{"source ports", lines(`protocol = "tcp"`, `port_range = "22"`, `cidr = "10.0.0.0/8"`, `source_port_range = "1024-65535"`), `source_port_range.*does not support source_port_range`},
		{"nic type", lines(`protocol = "all"`, `cidr = "10.0.0.0/8"`, `nic_type = "intranet"`), `nic_type.*does not support nic_type`},
	})
}

// Zenlayer tells rules apart without their priority: a second rule that
// differs only in priority is refused before the call, naming the rule
// that exists and the id that imports it; a create_before_destroy
// replacement says the cloud cannot hold both.
func TestAccZenlayer_duplicatesByZenlayersIdentity(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	rule := func(name, extra string) string { return tcpRule(name, "zenlayer", "zl-web", "22", "10.0.0.0/8", extra) }
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

// A plan that would fill a group past its quota fails at plan time, not
// halfway through the apply; rule_quota raises the documented default.
func TestAccZenlayer_quotaAtPlanTime(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	rules := func(n int) string {
		return ruleBlock("r", "zenlayer", "zl-app", "ingress", fmt.Sprintf("count = %d", n), `protocol = "tcp"`, `port_range = tostring(1000 + count.index)`, `cidr = "10.0.0.0/8"`)
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

// A rule of a Zenlayer default group, imported into secgroup_rule, then
// removed from the configuration: the plan of its revoke, which the cloud
// refuses, fails, and a removed block leaves it without a call. (The plan
// passed and the apply failed, after the revokes of other resources of the
// same apply had gone out.)
func TestAccZenlayer_defaultGroupRevokeRefusedAtPlan(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	ssh := tcpRule("ssh", "zenlayer", "zl-default", "22", "0.0.0.0/0", `description = "SSH"`)
	imported := mocktest.ProviderConfig(m) + "import {\n  to = secgroup_rule.ssh\n  id = \"zenlayer/zl-default/9001\"\n}\n" + ssh
	refused := regexp.MustCompile(`(?s)Security Group Takes No Rule Changes.*zl-default`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// removed blocks: Terraform 1.7+.
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		Steps: []resource.TestStep{
			{Config: imported},
			{Config: mocktest.ProviderConfig(m), PlanOnly: true, ExpectError: refused},
			{Config: mocktest.ProviderConfig(m) + "removed {\n  from = secgroup_rule.ssh\n  lifecycle {\n    destroy = false\n  }\n}\n"},
		},
	})
	if n := mocktest.Calls(m, "zenlayer", "RevokeSecurityGroupRules", -1); n != 0 {
		t.Fatalf("%d RevokeSecurityGroupRules calls on the default group", n)
	}
}
