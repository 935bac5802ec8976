package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// Every check of secgroup_rule runs on each entry at plan time, naming
// the entry's key; two entries of one rule are refused. Nothing reaches
// the cloud.
func TestAccRuleSet_checksNameTheKey(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	base := mocktest.ProviderConfig(m)
	set := func(es ...entry) string { return base + ruleSetConfig("s", "zenlayer", "zl-web", es...) }
	ok := entry{"fine", "ingress", "22", "10.0.0.0/8", ""}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: set(ok, entry{"bad ports", "ingress", "0-70000", "10.0.0.0/8", ""}), PlanOnly: true,
				ExpectError: regexp.MustCompile(`rules\["bad ports"\]`)},
			// Zenlayer has no local_cidr: the cloud's check, on the entry.
			{Config: set(ok, entry{"local", "ingress", "23", "10.0.0.0/8", `, local_cidr = "192.168.0.0/16"`}), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)rules\["local"\]: Zenlayer Cloud VM does not support local_cidr`)},
			{Config: set(ok, entry{"again", "ingress", "22", "10.0.0.0/8", ""}), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Duplicate Rule In Set.*rules\["again"\] and rules\["fine"\]|rules\["fine"\] and rules\["again"\]`)},
			{Config: set(ok), PlanOnly: true, ExpectNonEmptyPlan: true,
				Check: func(*terraform.State) error {
					return mocktest.ExpectCalls(m, "zenlayer", "AuthorizeSecurityGroupRules", 0)
				}},
		},
	})
	if n := len(mocktest.Rules(m, "zenlayer", "zl-web")); n != 0 {
		t.Fatalf("the group holds %d rules after plans alone", n)
	}
}

// A set that would take its group past the rule quota fails the plan,
// naming an entry past it, on every cloud; nothing is written.
func TestAccRuleSet_quotaAtPlan(t *testing.T) {
	cliIndependent(t)
	for _, tc := range setClouds {
		t.Run(tc.cloud, func(t *testing.T) {
			m := mocktest.Start(t, "")
			w := &setWrites{m: m, cloud: tc.cloud}
			settings := mocktest.Settings(tc.cloud, m.URL)
			settings["rule_quota"] = "3"
			config := "provider \"secgroup\" {\n" + mocktest.Block(tc.cloud, settings) + "}\n" +
				ruleSetConfig("s", tc.cloud, tc.group,
					entry{"a", "ingress", "2001", "10.0.0.0/8", ""}, entry{"b", "ingress", "2002", "10.0.0.0/8", ""},
					entry{"c", "ingress", "2003", "10.0.0.0/8", ""}, entry{"d", "ingress", "2004", "10.0.0.0/8", ""})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					PreConfig:   w.reset,
					Config:      config,
					ExpectError: regexp.MustCompile(`(?s)Rule Quota Exceeded.*rule_quota\s+=\s+3.*past\s+the\s+quota:\s+"d"`),
				}},
			})
			if n, actions := w.count(); n != 0 {
				t.Fatalf("%d writes %v after a plan that failed", n, actions)
			}
		})
	}
}

// A rule the group holds already (here another resource's) fails the
// set's update naming its key and how to take it in; the set's other new
// rule is written and recorded, so the next plan is about that key alone.
func TestAccRuleSet_ruleAlreadyInTheGroup(t *testing.T) {
	cliIndependent(t)
	for _, tc := range setClouds {
		t.Run(tc.cloud, func(t *testing.T) {
			m := mocktest.Start(t, "")
			w := &setWrites{m: m, cloud: tc.cloud}
			other := mocktest.ProviderConfig(m) + tcpRule("x", tc.cloud, tc.group, "2001", "10.0.0.0/8")
			b := entry{"b", "ingress", "2002", "10.0.0.0/8", ""}
			c := entry{"c", "ingress", "2003", "10.0.0.0/8", ""}
			dup := entry{"dup", "ingress", "2001", "10.0.0.0/8", ""}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             mocktest.CheckEmpty(m, tc.cloud, tc.group),
				Steps: []resource.TestStep{
					{Config: other + ruleSetConfig("s", tc.cloud, tc.group, b)},
					{
						PreConfig:   w.reset,
						Config:      other + ruleSetConfig("s", tc.cloud, tc.group, b, c, dup),
						ExpectError: regexp.MustCompile(`(?s)Rule Already Exists.*rules\["dup"\].*terraform import`),
					},
					{
						// c landed and is recorded: only dup is left to add.
						Config:             other + ruleSetConfig("s", tc.cloud, tc.group, b, c),
						PlanOnly:           true,
						ExpectNonEmptyPlan: false,
						Check:              holdsPorts(m, tc.cloud, tc.group, "2001", "2002", "2003"),
					},
				},
			})
		})
	}
}

// The way over from for_each over secgroup_rule: import the set by the
// rules' content ids, built from the same list, and forget the old
// resources with a removed block. Nothing is written: the imported rules
// move to the configured keys with the ids the old resources had, and the
// plan after is empty. On every cloud, through the CLI (the testing
// framework's state cannot hold for_each instances).
func TestAccRuleSet_fromForEach(t *testing.T) {
	cliIndependent(t)
	cli, work := setupCLI(t)
	if !cliAtLeast(t, cli, 1, 7) {
		t.Skip("removed blocks need Terraform 1.7 or later")
	}
	for _, tc := range setClouds {
		t.Run(tc.cloud, func(t *testing.T) {
			m := mocktest.Start(t, "")
			w := &setWrites{m: m, cloud: tc.cloud}
			dir := filepath.Join(work, tc.cloud)
			run := func(args ...string) string { t.Helper(); return mustCLI(t, cli, dir, args...) }
			show := func() []shownResource {
				t.Helper()
				out, code := runCLI(t, cli, dir, "show", "-json")
				if code != 0 {
					t.Fatalf("show -json: %s", out)
				}
				return shownResources(t, out)
			}
			base := mocktest.ProviderConfig(m) + `
locals { cidrs = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] }
`
			old := base + fmt.Sprintf(`
resource "secgroup_rule" "r" {
  for_each          = toset(local.cidrs)
  cloud             = %q
  security_group_id = %q
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "443"
  cidr              = each.value
}
`, tc.cloud, tc.group)
			set := base + fmt.Sprintf(`
resource "secgroup_rule_set" "s" {
  cloud             = %[1]q
  security_group_id = %[2]q
  rules = { for c in local.cidrs : "https ${c}" => { direction = "ingress", protocol = "tcp", port_range = "443", cidr = c } }
}
`, tc.cloud, tc.group)
			over := set + fmt.Sprintf(`
import {
  to = secgroup_rule_set.s
  id = "%[1]s/%[2]s/${join(";", [for c in local.cidrs : "ingress,tcp,443,${c}"])}"
}
removed {
  from = secgroup_rule.r
  lifecycle { destroy = false }
}
`, tc.cloud, tc.group)
			writeConfig(t, dir, cliConfig(old))
			run("apply", "-auto-approve")
			oldIDs := map[string]string{}
			for _, r := range show() {
				if r.Type == "secgroup_rule" {
					oldIDs[fmt.Sprintf("https %v", r.Index)] = r.Values["id"].(string)
				}
			}
			if len(oldIDs) != 3 {
				t.Fatalf("the old resources' ids: %v", oldIDs)
			}
			w.reset()
			writeConfig(t, dir, cliConfig(over))
			if out := run("plan"); !strings.Contains(out, "Plan: 1 to import, 0 to add, 1 to change, 0 to destroy.") {
				t.Fatalf("the way over plans more than the import and the keys:\n%s", clirun.Tail(out, 4000))
			}
			run("apply", "-auto-approve")
			if n, actions := w.count(); n != 0 {
				t.Fatalf("%d writes %v on the way over", n, actions)
			}
			if n := len(mocktest.Rules(m, tc.cloud, tc.group)); n != 3 {
				t.Fatalf("the group holds %d rules, want the 3 it held", n)
			}
			shown := show()
			if len(shown) != 1 || shown[0].Type != "secgroup_rule_set" {
				t.Fatalf("the state holds %v, want the set alone", shown)
			}
			got := shown[0].Values["rule_ids"].(map[string]any)
			for k, id := range oldIDs {
				if got[k] != id {
					t.Fatalf("rule_ids[%q] = %v, want the old resource's id %q (all: %v)", k, got[k], id, got)
				}
			}
			writeConfig(t, dir, cliConfig(set))
			if out := run("plan"); !strings.Contains(out, "No changes.") {
				t.Fatalf("the plan after the way over is not empty:\n%s", clirun.Tail(out, 4000))
			}
			run("destroy", "-auto-approve")
			if n := len(mocktest.Rules(m, tc.cloud, tc.group)); n != 0 {
				t.Fatalf("the group holds %d rules after the destroy", n)
			}
		})
	}
}

// shownResource is a resource of `terraform show -json`.
type shownResource struct {
	Address, Type string
	Index         any `json:"index"`
	Values        map[string]any
}

func shownResources(t *testing.T, out string) []shownResource {
	t.Helper()
	var shown struct {
		Values struct {
			RootModule struct {
				Resources []shownResource
			} `json:"root_module"`
		}
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &shown); err != nil {
		t.Fatalf("terraform show -json: %v\n%s", err, out)
	}
	return shown.Values.RootModule.Resources
}

// An import by rule ids (one a whole secgroup_rule id) takes those rules
// in with keys from their content; a wrong id fails naming it.
func TestAccRuleSet_importByIDs(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	base := mocktest.ProviderConfig(m)
	two := base + tcpRule("a", "alicloud", "sg-app", "22", "10.0.0.0/8") + tcpRule("b", "alicloud", "sg-app", "443", "10.1.0.0/16")
	var a, b string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: two, Check: func(s *terraform.State) error {
				a = s.RootModule().Resources["secgroup_rule.a"].Primary.Attributes["rule_id"]
				b = s.RootModule().Resources["secgroup_rule.b"].Primary.ID
				return nil
			}},
			{
				Config:            two + ruleSetConfig("s", "alicloud", "sg-app"),
				ResourceName:      "secgroup_rule_set.s",
				ImportState:       true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return "alicloud/sg-app/" + a + ";" + b, nil },
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("%d states imported", len(states))
					}
					got := states[0].Attributes
					want := map[string]string{
						"rules.%": "2", "rule_ids.%": "2",
						"rules.ingress_tcp_22_from_10_0_0_0_8.port_range":  "22",
						"rule_ids.ingress_tcp_22_from_10_0_0_0_8":          "alicloud/sg-app/" + a,
						"rule_ids.ingress_tcp_443_from_10_1_0_0_16":        b,
						"rules.ingress_tcp_443_from_10_1_0_0_16.cidr":      "10.1.0.0/16",
						"rules.ingress_tcp_443_from_10_1_0_0_16.policy":    "",
						"rules.ingress_tcp_443_from_10_1_0_0_16.direction": "ingress",
						"id": "alicloud/sg-app",
					}
					for k, v := range want {
						if got[k] != v {
							return fmt.Errorf("%s = %q, want %q (state %v)", k, got[k], v, got)
						}
					}
					return nil
				},
			},
			{
				Config:        two + ruleSetConfig("s", "alicloud", "sg-app"),
				ResourceName:  "secgroup_rule_set.s",
				ImportState:   true,
				ImportStateId: "alicloud/sg-app/sgr-nosuchrule0000",
				ExpectError:   regexp.MustCompile(`(?s)has no rule that.*sgr-nosuchrule0000`),
			},
			{
				Config:        two + ruleSetConfig("s", "alicloud", "sg-app"),
				ResourceName:  "secgroup_rule_set.s",
				ImportState:   true,
				ImportStateId: "alicloud/sg-app/ingress,tcp,22,10.0.0.0/8;ingress,tcp,22,10.0.0.0/8",
				ExpectError:   regexp.MustCompile(`name the same rule`),
			},
		},
	})
}

// `terraform plan -generate-config-out` for an import block of a set
// writes a configuration that plans as the import alone (no computed
// nested attribute: Terraform 1.5 and OpenTofu 1.10 crash on one), and
// applying it writes nothing.
func TestAccRuleSet_generateConfigCLI(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	dir := filepath.Join(work, "tf")
	base := mocktest.ProviderConfig(m)
	run := func(args ...string) string { t.Helper(); return mustCLI(t, cli, dir, args...) }
	writeConfig(t, dir, cliConfig(base+tcpRule("a", "alicloud", "sg-app", "22", "10.0.0.0/8")+
		ruleBlock("b", "alicloud", "sg-app", "egress", `protocol = "all"`, `cidr = "10.0.0.0/8"`, `description = "out"`)))
	run("apply", "-auto-approve")
	if out, code := runCLI(t, cli, dir, "state", "rm", "secgroup_rule.a", "secgroup_rule.b"); code != 0 {
		t.Fatalf("state rm: %s", out)
	}
	w := &setWrites{m: m, cloud: "alicloud"}
	w.reset()
	writeConfig(t, dir, cliConfig(base+`
import {
  to = secgroup_rule_set.s
  id = "alicloud/sg-app/ingress,tcp,22,10.0.0.0/8;egress,all,,10.0.0.0/8"
}
`))
	run("plan", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if out := run("plan"); !strings.Contains(out, "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("the generated configuration does not plan as the import alone:\n%s\n%s", clirun.Tail(out, 4000), generated)
	}
	run("apply", "-auto-approve")
	if n, actions := w.count(); n != 0 {
		t.Fatalf("%d writes %v for an import", n, actions)
	}
	if out := run("plan"); !strings.Contains(out, "No changes.") {
		t.Fatalf("the plan after the import is not empty:\n%s\n%s", clirun.Tail(out, 4000), generated)
	}
	run("destroy", "-auto-approve")
	if n := len(mocktest.Rules(m, "alicloud", "sg-app")); n != 0 {
		t.Fatalf("the group holds %d rules after the destroy", n)
	}
}

// A create of which nothing landed records nothing: the next plan creates
// the set, rather than replacing an empty, tainted one.
func TestAccRuleSet_createOfWhichNothingLanded(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	other := mocktest.ProviderConfig(m) + tcpRule("x", "alicloud", "sg-app", "2001", "10.0.0.0/8")
	config := other + ruleSetConfig("s", "alicloud", "sg-app", entry{"dup", "ingress", "2001", "10.0.0.0/8", ""})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "alicloud", "sg-app"),
		Steps: []resource.TestStep{
			{Config: other},
			{Config: config, ExpectError: regexp.MustCompile(`Rule Already Exists`)},
			{
				Config: config, PlanOnly: true, ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("secgroup_rule_set.s", plancheck.ResourceActionCreate),
				}},
			},
			{Config: other},
		},
	})
}

// What the new-user trial found, through the CLI: entries that differ
// only where the cloud does not look (Zenlayer's priority) are one rule;
// invalid addresses are not also called duplicates; a policy the cloud
// cannot create names its key; an empty set of a group that does not
// exist fails its create; and an exclusive resource keeping a set's
// rule_ids does not warn of the ids the same apply created.
func TestAccRuleSet_planMessagesCLI(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	base := mocktest.ProviderConfig(m)
	dir := filepath.Join(work, "tf")
	plan := func(config string) string {
		t.Helper()
		writeConfig(t, dir, cliConfig(base+config))
		out, _ := runCLI(t, cli, dir, "plan", "-input=false", "-no-color")
		return out
	}
	zl := func(es ...entry) string { return ruleSetConfig("s", "zenlayer", "zl-web", es...) }
	if out := plan(zl(entry{"a", "ingress", "22", "10.0.0.0/8", ""}, entry{"b", "ingress", "22", "10.0.0.0/8", ", priority = 5"})); !strings.Contains(out, "Duplicate Rule In Set") {
		t.Fatalf("two entries that differ only in priority on Zenlayer plan as two rules:\n%s", clirun.Tail(out, 3000))
	}
	out := plan(zl(entry{"x", "ingress", "443", "10.0.0.300/24", ""}, entry{"y", "ingress", "443", "10.0.0.400/24", ""}))
	if !strings.Contains(out, "10.0.0.300/24") || strings.Contains(out, "Duplicate Rule In Set") {
		t.Fatalf("invalid addresses are not reported alone:\n%s", clirun.Tail(out, 3000))
	}
	if out := plan(zl(entry{"d", "ingress", "22", "10.0.0.0/8", `, policy = "drop"`})); !regexp.MustCompile(`rules\["d"\]: Zenlayer`).MatchString(out) {
		t.Fatalf("the policy's error does not name the key:\n%s", clirun.Tail(out, 3000))
	}
	writeConfig(t, dir, cliConfig(base+ruleSetConfig("s", "alicloud", "sg-nosuchgroup")))
	if out, code := runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color"); code == 0 || !strings.Contains(out, "Cannot Read Security Group") {
		t.Fatalf("an empty set of a group that does not exist was created (exit %d):\n%s", code, clirun.Tail(out, 3000))
	}
	exclusive := `
resource "secgroup_rules_exclusive" "x" {
  cloud             = "alicloud"
  security_group_id = "sg-web"
  rule_ids          = values(secgroup_rule_set.s.rule_ids)
}
`
	one := entry{"a", "ingress", "22", "10.0.0.0/8", ""}
	writeConfig(t, dir, cliConfig(base+ruleSetConfig("s", "alicloud", "sg-web", one)+exclusive))
	mustCLI(t, cli, dir, "apply", "-auto-approve")
	writeConfig(t, dir, cliConfig(base+ruleSetConfig("s", "alicloud", "sg-web", one, entry{"b", "ingress", "23", "10.0.0.0/8", ""})+exclusive))
	if out := mustCLI(t, cli, dir, "apply", "-auto-approve"); strings.Contains(out, "Rule Id Names No Rule") {
		t.Fatalf("the exclusive resource warns of a rule the same apply created:\n%s", clirun.Tail(out, 3000))
	}
	if n := len(mocktest.Rules(m, "alicloud", "sg-web")); n != 2 {
		t.Fatalf("sg-web holds %d rules, want the set's 2", n)
	}
	mustCLI(t, cli, dir, "destroy", "-auto-approve")
}
