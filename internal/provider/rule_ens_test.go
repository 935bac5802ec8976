package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	mockens "github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/ens"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// ENS end to end: ingress and egress in ENS's wire spellings, the data
// source, import by content (ENS has no rule ids), out-of-band deletion,
// destroy through RevokeSecurityGroup and RevokeSecurityGroupEgress.
func TestAccEns_lifecycle(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	config := mocktest.ProviderConfig(m) +
		tcpRule("web", "ens", "sg-ens-web", "80-443", "10.0.0.0/8", `source_port_range = "1024-65535"`, `priority = 5`) +
		ruleBlock("no_gre", "ens", "sg-ens-web", "egress", `protocol = "gre"`, `cidr = "192.0.2.1"`, `policy = "drop"`) +
		rulesData("web", "ens", "sg-ens-web", `depends_on = [secgroup_rule.web, secgroup_rule.no_gre]`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			mocktest.CheckEmpty(m, "ens", "sg-ens-web"),
			func(*terraform.State) error {
				// One of each out of band (step 3), one of each by destroy.
				if mocktest.Calls(m, "ens", "RevokeSecurityGroup", 200) != 2 || mocktest.Calls(m, "ens", "RevokeSecurityGroupEgress", 200) != 2 {
					return fmt.Errorf("want two RevokeSecurityGroup and two RevokeSecurityGroupEgress calls, got %d and %d",
						mocktest.Calls(m, "ens", "RevokeSecurityGroup", 200), mocktest.Calls(m, "ens", "RevokeSecurityGroupEgress", 200))
				}
				return nil
			},
		),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					mocktest.CheckRule(m, "ens", "sg-ens-web", map[string]string{"Direction": "ingress", "IpProtocol": "TCP", "PortRange": "80/443",
						"SourcePortRange": "1024/65535", "SourceCidrIp": "10.0.0.0/8", "Policy": "Accept", "Priority": "5"}),
					mocktest.CheckRule(m, "ens", "sg-ens-web", map[string]string{"Direction": "egress", "IpProtocol": "GRE", "PortRange": "-1/-1",
						"DestCidrIp": "192.0.2.1/32", "Policy": "Drop", "Priority": "1"}),
					resource.TestCheckResourceAttr("secgroup_rule.web", "id", "ens/sg-ens-web/ingress,tcp,80-443,10.0.0.0/8,policy=accept,priority=5,source_port_range=1024-65535"),
					resource.TestCheckNoResourceAttr("secgroup_rule.web", "rule_id"),
					resource.TestCheckResourceAttr("data.secgroup_rules.web", "rules.#", "2"),
					resource.TestCheckTypeSetElemNestedAttrs("data.secgroup_rules.web", "rules.*", map[string]string{
						"direction": "egress", "protocol": "gre", "policy": "drop", "cidr": "192.0.2.1/32",
					}),
				),
			},
			{
				ResourceName: "secgroup_rule.web", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"},
				ImportStateId: "ens/sg-ens-web/ingress,tcp,80/443,10.0.0.0/8,source_port_range=1024-65535,priority=5",
			},
			{
				PreConfig: func() { revokeAllInMock(t, m, "ens", "sg-ens-web") },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("secgroup_rule.web", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("secgroup_rule.no_gre", plancheck.ResourceActionCreate),
				}},
				Check: mocktest.CheckRuleCount(m, "ens", "sg-ens-web", 2),
			},
		},
	})
}

// A rule that exists already is the duplicate error with the import
// command; a full group is a quota error that says what to do.
func TestAccEns_duplicateAndQuota(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	ssh := `
` +
		tcpRule("ssh", "ens", "sg-ens-db", "22", "10.0.0.0/8")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "ens", "sg-ens-db"),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					authorizeInMock(t, m, "ens", "sg-ens-db", rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8", Policy: rule.Accept, Priority: 1})
				},
				Config:      mocktest.ProviderConfig(m) + ssh,
				ExpectError: regexp.MustCompile(`(?s)Rule Already Exists.*terraform import secgroup_rule.<name>\s+'ens/sg-ens-db/ingress,tcp,22,10.0.0.0/8`),
			},
			{
				Config: mocktest.ProviderConfig(m) + ssh, ResourceName: "secgroup_rule.ssh", ImportState: true, ImportStatePersist: true,
				ImportStateId: "ens/sg-ens-db/ingress,tcp,22,10.0.0.0/8",
			},
			{
				Config: mocktest.ProviderConfig(m) + ssh,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("secgroup_rule.ssh", plancheck.ResourceActionNoop),
				}},
			},
			{
				// Fill the group to ENS's quota out of band.
				PreConfig: func() {
					m.Store.Atomically(func(tx *store.Tx) {
						g := tx.Group("ens", "sg-ens-db")
						for port := 1000; len(g.Rules) < mockens.MaxRules; port++ {
							g.Rules = append(g.Rules, &mockens.Permission{Direction: "ingress", IpProtocol: "TCP", PortRange: fmt.Sprintf("%d/%d", port, port),
								SourceCidrIp: "10.0.0.0/8", Policy: "Accept", Priority: 1})
						}
					})
				},
				Config: mocktest.ProviderConfig(m) + ssh +
					ruleBlock("one_too_many", "ens", "sg-ens-db", "ingress", `protocol = "udp"`, `port_range = "53"`, `cidr = "10.0.0.0/8"`),
				ExpectError: regexp.MustCompile(`(?s)AuthorizationLimitExceed.*` + spaced(`reached its rule quota: remove rules from it or use another group`)),
			},
			{
				// Empty the group again (keeping the managed rule) so
				// destroy finds what it manages.
				PreConfig: func() {
					m.Store.Atomically(func(tx *store.Tx) {
						g := tx.Group("ens", "sg-ens-db")
						g.Rules = g.Rules[:1]
					})
				},
				Config: mocktest.ProviderConfig(m) + ssh,
			},
		},
	})
}

// Bad credentials are a clear error and write nothing; what ENS lacks
// fails at plan time.
func TestAccEns_credentialsAndPlanTime(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "secgroup" {
  ens {
    access_key = "mock-access-key"
    secret_key = "not-the-secret"
    endpoint   = %q
  }
}
`+
				ruleBlock("x", "ens", "sg-ens-web", "ingress", `protocol = "all"`, `cidr = "10.0.0.0/8"`), m.URL),
			ExpectError: regexp.MustCompile(`(?s)SignatureDoesNotMatch.*` + spaced(`Check secret_key in the provider's ens block`)),
		}},
	})
	if n := mocktest.Calls(m, "ens", "AuthorizeSecurityGroup", -1); n != 0 {
		t.Fatalf("%d authorize calls with bad credentials", n)
	}
	expectPlanErrors(t, m, "ens", "sg-ens-web", []planCase{
		{"ipv6", `protocol = "all"
  cidr = "2001:db8::/32"`, `cidr.*Alibaba ENS does not support IPv6`},
		{"peer group", `protocol = "all"
  peer_security_group_id = "sg-ens-db"`, `peer_security_group_id.*does not support peer_security_group_id`},
		{"nic type", `protocol = "all"
  cidr = "10.0.0.0/8"
  nic_type = "intranet"`, `nic_type.*does not support nic_type`},
		{"icmpv6", `protocol = "icmpv6"
  cidr = "10.0.0.0/8"`, `protocol.*does not support protocol "icmpv6"`},
	})
}

// ENS rules have no description, so state and the data source hold ""
// for each, which means no description: a rule whose description comes
// from the data source (as a module passing a rule's attributes through
// writes it) plans and applies, although the value is unknown when
// Terraform validates the configuration. A description known only at
// apply that is not "" is refused before any call that writes.
func TestAccEns_descriptionFromElsewhere(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	authorizeInMock(t, m, "ens", "sg-ens-web", rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22, 22), CIDR: "10.0.0.0/8"})
	seeded := mocktest.Calls(m, "ens", "AuthorizeSecurityGroup", -1)
	fromData := mocktest.ProviderConfig(m) + rulesData("src", "ens", "sg-ens-web") +
		tcpRule("copy", "ens", "sg-ens-db", "22", "10.0.0.0/8", "description = data.secgroup_rules.src.rules[0].description")
	fromApply := mocktest.ProviderConfig(m) + "resource \"terraform_data\" \"d\" {\n  input = \"web\"\n}\n" +
		tcpRule("late", "ens", "sg-ens-db", "443", "10.0.0.0/8", "description = terraform_data.d.output")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fromData,
				Check: resource.ComposeAggregateTestCheckFunc(
					mocktest.CheckRule(m, "ens", "sg-ens-db", map[string]string{"Direction": "ingress", "PortRange": "22/22", "SourceCidrIp": "10.0.0.0/8"}),
					resource.TestCheckResourceAttr("secgroup_rule.copy", "description", ""),
				),
			},
			{
				Config:      fromApply,
				ExpectError: regexp.MustCompile(`(?s)` + spaced(`Alibaba ENS does not support description: remove it`)),
				Check:       mocktest.CheckRuleCount(m, "ens", "sg-ens-db", 0),
			},
		},
	})
	if n := mocktest.Calls(m, "ens", "AuthorizeSecurityGroup", -1) - seeded; n != 1 {
		t.Fatalf("%d authorize calls, want the one of the rule from the data source", n)
	}
}

// An attribute the cloud lacks, given a value known only at apply that
// turns out null (passed on from another resource), passes the plan: it is
// checked once known. (ENS refused nic_type and local_cidr at plan.)
func TestAccEns_unsupportedAttributesKnownOnlyAtApply(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	config := mocktest.ProviderConfig(m) + `
resource "terraform_data" "o" {
  input = { nic_type = null, local_cidr = null }
}
` + tcpRule("x", "ens", "sg-ens-web", "22", "10.0.0.0/8", "nic_type = terraform_data.o.output.nic_type", "local_cidr = terraform_data.o.output.local_cidr")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, Check: mocktest.CheckRuleCount(m, "ens", "sg-ens-web", 1)},
		},
	})
}
