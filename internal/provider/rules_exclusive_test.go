package provider

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// exclusiveBlock is a secgroup_rules_exclusive over a group keeping
// ruleIDs (HCL expressions), with further attributes.
func exclusiveBlock(cloudName, group, ruleIDs string, attrs ...string) string {
	return groupBlock(`resource "secgroup_rules_exclusive" "x"`, cloudName, group, append([]string{"rule_ids          = " + ruleIDs}, attrs...)...)
}

// managedPair is one ingress and one egress rule that no adoption holds.
func managedPair(cloudName, group string) string {
	return tcpRule("in", cloudName, group, "8443", "172.16.0.0/12") +
		ruleBlock("out", cloudName, group, "egress", `protocol = "tcp"`, `port_range = "9000"`, `cidr = "172.16.0.0/12"`)
}

// holdsExactly checks that the mock's group holds the rules of the named
// secgroup_rule resources, as state names them, plus extra rules made out
// of band, and nothing else.
func holdsExactly(t *testing.T, m *mockcloud.Server, cloudName, group string, extra []rule.Rule, names ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rules, err := outOfBand(t, m, cloudName).Describe(context.Background(), group)
		if err != nil {
			return err
		}
		def, _ := Clouds().Get(cloudName)
		for _, name := range names {
			rs, ok := s.RootModule().Resources[name]
			if !ok {
				return fmt.Errorf("%s is not in the state", name)
			}
			id, err := rule.ParseID(rs.Primary.ID)
			if err != nil {
				return err
			}
			if def.Capabilities.Identity.Find(rules, id.Rule) < 0 {
				return fmt.Errorf("the managed rule %s (%s) was revoked; the group holds %v", name, rs.Primary.ID, rules)
			}
		}
		for _, r := range extra {
			if rule.Find(rules, r) < 0 {
				return fmt.Errorf("the rule %s, made out of band after the plan, was revoked", r)
			}
		}
		if want := len(names) + len(extra); len(rules) != want {
			return fmt.Errorf("the group holds %d rules, want %d: %v", len(rules), want, rules)
		}
		return nil
	}
}

// cliAdoptions are the adoptions a test of one CLI scenario plays: all
// five, or under -short (the CLI matrix, which tests CLIs, not clouds;
// make test runs all five) the first cloud with rule ids and the first
// without, whose ids are the rules' contents (read from the capabilities).
func cliAdoptions() []adoption {
	if !testing.Short() {
		return adoptions
	}
	var out []adoption
	seen := map[bool]bool{}
	for _, a := range adoptions {
		def, _ := Clouds().Get(a.cloud)
		if native := def.Capabilities.NativeIDs; !seen[native] {
			seen[native] = true
			out = append(out, a)
		}
	}
	return out
}

// batchedRevokes is the most revoke calls the adoptions' rules may take on
// the clouds whose revoke takes several rules: fewer calls than rules
// (alicloud has 5, one revoke per direction; zenlayer 3). The gathering
// usually needs 2 and 1; the bound leaves room for a loaded machine.
var batchedRevokes = map[string]int{"alicloud": 4, "zenlayer": 2}

// countRevokes counts a cloud's revoke calls so far.
func countRevokes(m *mockcloud.Server, cloudName string) int {
	n := 0
	for _, action := range []string{"RevokeSecurityGroup", "RevokeSecurityGroupEgress", "RevokeSecurityGroupRules"} {
		n += mocktest.Calls(m, cloudName, action, -1)
	}
	return n
}

// createdSuffix is the creation time rule.Line ends a line with.
var createdSuffix = regexp.MustCompile(`, created \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// revokes checks what a plan revokes: the entries it removes from the
// exclusive resource's rules, one per pattern.
func revokes(patterns ...string) plancheck.PlanCheck { return revokeCheck(patterns) }

type revokeCheck []string

func (want revokeCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != "secgroup_rules_exclusive.x" {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		prior, _ := before["rules"].(map[string]any)
		planned, _ := after["rules"].(map[string]any)
		var removed []string
		for k, v := range prior {
			if _, ok := planned[k]; !ok {
				// Patterns name what a reviewer reads; the creation
				// time after it is rule.Line's (TestLineGolden).
				entry, _ := v.(map[string]any)
				removed = append(removed, createdSuffix.ReplaceAllString(fmt.Sprint(entry["line"]), ""))
			}
		}
		if unknown, _ := rc.Change.AfterUnknown.(map[string]any)["rules"].(bool); unknown {
			if len(want) > 0 {
				resp.Error = fmt.Errorf("the plan does not know which rules stay; want it to revoke %q", want)
			}
			return
		}
		if len(removed) != len(want) {
			resp.Error = fmt.Errorf("the plan revokes %d rules %q, want %d %q", len(removed), removed, len(want), want)
			return
		}
		for _, p := range want {
			re := regexp.MustCompile(p)
			if !slices.ContainsFunc(removed, re.MatchString) {
				resp.Error = fmt.Errorf("the plan revokes %q, none of them %s", removed, p)
				return
			}
		}
		return
	}
	resp.Error = fmt.Errorf("no change of secgroup_rules_exclusive.x in the plan")
}

// On every cloud: creating the resource revokes nothing and the next plan
// names the rules other tools made (every kind the cloud has), which its
// apply revokes, the managed ones (created by the same first apply)
// untouched; a rule made after a plan survives that apply and shows in the
// next plan; a plan with nothing to revoke is empty; import by group; an
// empty keep-list is refused; destroying the resource revokes nothing.
func TestAccRulesExclusive(t *testing.T) {
	testAccPreCheck(t)
	for _, a := range cliAdoptions() {
		t.Run(a.cloud, func(t *testing.T) {
			m := a.start(t)
			theirs := len(mocktest.Rules(m, a.cloud, a.group))
			managed := managedPair(a.cloud, a.group)
			config := mocktest.ProviderConfig(m) + managed +
				exclusiveBlock(a.cloud, a.group, "[secgroup_rule.in.id, secgroup_rule.out.id]")
			withExtra := mocktest.ProviderConfig(m) + managed + tcpRule("extra", a.cloud, a.group, "8080", "172.16.0.0/12") +
				exclusiveBlock(a.cloud, a.group, "[secgroup_rule.in.id, secgroup_rule.out.id, secgroup_rule.extra.id]")
			drift := rule.Rule{Direction: rule.Ingress, Protocol: rule.UDP, Ports: ports(5353, 5353), CIDR: "198.51.100.0/24"}
			late := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(2222, 2222), CIDR: "198.51.100.0/24"}
			after := rule.Rule{Direction: rule.Egress, Protocol: rule.UDP, Ports: ports(514, 514), CIDR: "198.51.100.0/24"}
			var revokeCalls int
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config: config,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("secgroup_rules_exclusive.x", plancheck.ResourceActionCreate)},
							PostApplyPostRefresh: []plancheck.PlanCheck{revokes(a.display...)},
						},
						Check:              mocktest.CheckRuleCount(m, a.cloud, a.group, theirs+2),
						ExpectNonEmptyPlan: true,
					},
					{
						PreConfig: func() { revokeCalls = countRevokes(m, a.cloud) },
						Config:    config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("secgroup_rules_exclusive.x", plancheck.ResourceActionUpdate),
							revokes(a.display...),
						}},
						Check: resource.ComposeAggregateTestCheckFunc(
							holdsExactly(t, m, a.cloud, a.group, nil, "secgroup_rule.in", "secgroup_rule.out"),
							func(*terraform.State) error {
								// Batched where the cloud takes several rules a
								// call.
								if most, ok := batchedRevokes[a.cloud]; ok {
									if n := countRevokes(m, a.cloud) - revokeCalls; n > most {
										return fmt.Errorf("%d revoke calls for %d rules, want at most %d", n, len(a.display), most)
									}
								}
								return nil
							}),
					},
					{
						// Drift shows in the next plan; a rule made between
						// that plan and its apply is not revoked by it.
						PreConfig: func() { authorizeInMock(t, m, a.cloud, a.group, drift) },
						Config:    config,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								revokes(`^ingress udp 5353 from 198\.51\.100\.0/24`),
								beforeApply(func() { authorizeInMock(t, m, a.cloud, a.group, late) }),
							},
							PostApplyPostRefresh: []plancheck.PlanCheck{revokes(`^ingress tcp 2222 from 198\.51\.100\.0/24`)},
						},
						Check:              holdsExactly(t, m, a.cloud, a.group, []rule.Rule{late}, "secgroup_rule.in", "secgroup_rule.out"),
						ExpectNonEmptyPlan: true,
					},
					{
						// The rule made after the last plan is revoked now;
						// a rule created by the same apply as a revoke is
						// kept: rule_ids refers to it, so Terraform creates
						// it first.
						Config: withExtra,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("secgroup_rule.extra", plancheck.ResourceActionCreate),
							revokes(`^ingress tcp 2222 from 198\.51\.100\.0/24`),
						}},
						Check: holdsExactly(t, m, a.cloud, a.group, nil, "secgroup_rule.in", "secgroup_rule.out", "secgroup_rule.extra"),
					},
					{
						// Import by group: the keep-list is what the group
						// holds. (rules in state is the group as the last
						// refresh found it, which is before extra was made.)
						ResourceName:            "secgroup_rules_exclusive.x",
						ImportState:             true,
						ImportStateId:           a.cloud + "/" + a.group,
						ImportStateVerify:       true,
						ImportStateVerifyIgnore: []string{"rules"},
					},
					{
						Config: mocktest.ProviderConfig(m) + managed + exclusiveBlock(a.cloud, a.group, "[]"),
						ExpectError: regexp.MustCompile(`(?s)Empty Keep-List.*` +
							spaced(`rule_ids is empty, so applying it would revoke every rule of security group `+a.group) + `.*allow_empty = true`),
					},
					{
						// Destroying the exclusive resource revokes nothing.
						PreConfig: func() { authorizeInMock(t, m, a.cloud, a.group, after) },
						Config:    mocktest.ProviderConfig(m) + managed,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("secgroup_rules_exclusive.x", plancheck.ResourceActionDestroy),
						}},
						Check: holdsExactly(t, m, a.cloud, a.group, []rule.Rule{after}, "secgroup_rule.in", "secgroup_rule.out"),
					},
				},
			})
		})
	}
}

// Bad keep-lists fail the plan, naming the attribute and the fix, before
// any call reaches the cloud.
func TestAccRulesExclusive_planErrors(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	for _, tc := range []struct{ name, ids, extra, want string }{
		{"another group", `["alicloud/sg-app/sgr-1"]`, "", `Rule Id of Another Group.*` + spaced(`rule_ids holds "alicloud/sg-app/sgr-1", a rule of alicloud security group sg-app`)},
		{"another cloud", `["ens/sg-web/ingress,tcp,22,10.0.0.0/8"]`, "", `Rule Id of Another Group.*ens\s+security\s+group\s+sg-web`},
		{"not an id", `["sgr-1"]`, "", `Invalid Rule Id.*` + spaced(`"sgr-1" is not a secgroup_rule id`)},
		{"content id where rules have ids", `["alicloud/sg-web/ingress,tcp,22,10.0.0.0/8"]`, "", `Invalid Rule Id.*` + spaced(regexp.QuoteMeta(`names a rule by its rule id (alicloud/<group>/<rule id>)`))},
		{"tolerated", `["alicloud/sg-web/sgr-1"]`, `tolerated_rule_ids = ["alicloud/sg-web/ingress,tcp,0,10.0.0.0/8"]`, `Invalid Rule Id.*tolerated_rule_ids`},
		{"empty", `[]`, "", `Empty Keep-List`},
		{"empty, allowed, bad direction", `[]`, `allow_empty = true` + "\n" + `direction = "in"`, `direction.*ingress`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      mocktest.ProviderConfig(m) + exclusiveBlock("alicloud", "sg-web", tc.ids, tc.extra),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)` + tc.want),
				}},
			})
		})
	}
	if n := len(m.Store.Calls()); n != 0 {
		t.Fatalf("plan-time errors reached the cloud: %d calls", n)
	}
}

// A group that does not exist is a clear error at plan; tolerated rules
// and direction narrow what is revoked; an empty keep-list with
// allow_empty empties the group.
func TestAccRulesExclusive_toleratedAndDirection(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	theirs := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22, 22), CIDR: "10.0.0.0/8", Description: "bastion"}
	theirsID := authorizeInMock(t, m, "alicloud", "sg-web", theirs)
	outbound := rule.Rule{Direction: rule.Egress, Protocol: rule.TCP, Ports: ports(443, 443), CIDR: "0.0.0.0/0"}
	authorizeInMock(t, m, "alicloud", "sg-web", outbound)
	stray := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(3389, 3389), CIDR: "0.0.0.0/0"}
	authorizeInMock(t, m, "alicloud", "sg-web", stray)
	base := mocktest.ProviderConfig(m) + tcpRule("in", "alicloud", "sg-web", "443", "10.0.0.0/8")
	narrowed := base + exclusiveBlock("alicloud", "sg-web", "[secgroup_rule.in.id]",
		`tolerated_rule_ids = ["alicloud/sg-web/`+theirsID+`"]`, `direction = "ingress"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      base + exclusiveBlock("alicloud", "sg-missing", "[]", "allow_empty = true"),
				ExpectError: regexp.MustCompile(`(?s)Cannot Read Security Group.*sg-missing`),
			},
			{
				Config:             narrowed,
				Check:              mocktest.CheckRuleCount(m, "alicloud", "sg-web", 4),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: narrowed,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					revokes(`^ingress tcp 3389 from 0\.0\.0\.0/0 .*\(sgr-`),
				}},
				Check: holdsExactly(t, m, "alicloud", "sg-web", []rule.Rule{theirs, outbound}, "secgroup_rule.in"),
			},
			{
				// secgroup_rule.in goes too: destroyed and revoked at once,
				// each finds it gone or revokes it.
				Config: mocktest.ProviderConfig(m) + exclusiveBlock("alicloud", "sg-web", "[]", "allow_empty = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					revokes(`^egress tcp 443 to 0\.0\.0\.0/0`, `^ingress tcp 22 from 10\.0\.0\.0/8 .*"bastion" \(sgr-`, `^ingress tcp 443 from 10\.0\.0\.0/8 `),
				}},
				Check: mocktest.CheckRuleCount(m, "alicloud", "sg-web", 0),
			},
		},
	})
}

// Beside 100 secgroup_rule in one group (one block per direction, by
// count), with another tool adding rules at random while the applies run:
// no managed rule is ever revoked, rules made after a plan outlive its
// apply, and the next apply leaves exactly the managed rules.
func TestAccRulesExclusive_manyRulesWhileOthersWrite(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	m.Store.SetLatency(callLatency)
	config := mocktest.ProviderConfig(m) +
		ruleBlock("in", "alicloud", "sg-web", "ingress", "count = 50", `protocol = "tcp"`, "port_range = tostring(1000 + count.index)", `cidr = "10.0.0.0/8"`) +
		ruleBlock("out", "alicloud", "sg-web", "egress", "count = 50", `protocol = "udp"`, "port_range = tostring(2000 + count.index)", `cidr = "10.0.0.0/8"`) +
		exclusiveBlock("alicloud", "sg-web", "concat(secgroup_rule.in[*].id, secgroup_rule.out[*].id)")
	var names []string
	for i := range 50 {
		names = append(names, fmt.Sprintf("secgroup_rule.in.%d", i), fmt.Sprintf("secgroup_rule.out.%d", i))
	}
	// The other tool: a rule now and then, at random, until stopped, and
	// at most 40, so the group (ECS: 200 rules) never reaches its quota
	// however slow the machine.
	b := outOfBand(t, m, "alicloud")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var made int
	writer := func() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for made < 40 {
				select {
				case <-stop:
					return
				case <-time.After(time.Duration(50+rand.IntN(400)) * time.Millisecond):
				}
				r := rule.Rule{Direction: rule.Directions[rand.IntN(2)], Protocol: rule.TCP, Ports: ports(30000+made, 30000+made), CIDR: "192.0.2.0/24"}
				if err := b.Authorize(context.Background(), "sg-web", []rule.Rule{r}, ""); err != nil {
					t.Errorf("out-of-band authorize: %v", err)
					return
				}
				made++
			}
		}()
	}
	halt := func() { close(stop); wg.Wait() }
	// late is a rule made between a plan and its apply, for certain.
	late := func(n int) rule.Rule {
		return rule.Rule{Direction: rule.Ingress, Protocol: rule.UDP, Ports: ports(40000+n, 40000+n), CIDR: "192.0.2.0/24"}
	}
	// ids are the managed rules' cloud ids after the first apply: a rule
	// revoked and made again would come back under another.
	ids := map[string]string{}
	record := func(s *terraform.State) error {
		for _, n := range names {
			ids[n] = s.RootModule().Resources[n].Primary.ID
		}
		return nil
	}
	unchanged := func(s *terraform.State) error {
		for _, n := range names {
			if got := s.RootModule().Resources[n].Primary.ID; got != ids[n] {
				return fmt.Errorf("%s was made again (%s, was %s): it had been revoked", n, got, ids[n])
			}
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: writer,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					beforeApply(func() { authorizeInMock(t, m, "alicloud", "sg-web", late(1)) }),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					holdsAtLeast(t, m, names...), survived(t, m, late(1)), record),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					beforeApply(func() { authorizeInMock(t, m, "alicloud", "sg-web", late(2)) }),
				}},
				Check:              resource.ComposeAggregateTestCheckFunc(holdsAtLeast(t, m, names...), survived(t, m, late(2)), unchanged),
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: halt,
				Config:    config,
				Check: resource.ComposeAggregateTestCheckFunc(
					holdsExactly(t, m, "alicloud", "sg-web", nil, names...), unchanged,
					func(*terraform.State) error {
						if made == 0 {
							return fmt.Errorf("the other tool made no rule")
						}
						return nil
					}),
			},
		},
	})
}

// survived checks that a rule made out of band is still in alicloud's
// sg-web.
func survived(t *testing.T, m *mockcloud.Server, r rule.Rule) resource.TestCheckFunc {
	return func(*terraform.State) error {
		rules, err := outOfBand(t, m, "alicloud").Describe(context.Background(), "sg-web")
		if err != nil {
			return err
		}
		if rule.Find(rules, r) < 0 {
			return fmt.Errorf("the rule %s, made after the plan, was revoked by its apply", r)
		}
		return nil
	}
}

// holdsAtLeast checks that every named managed rule is still in
// alicloud's sg-web.
func holdsAtLeast(t *testing.T, m *mockcloud.Server, names ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rules, err := outOfBand(t, m, "alicloud").Describe(context.Background(), "sg-web")
		if err != nil {
			return err
		}
		for _, n := range names {
			id, err := rule.ParseID(s.RootModule().Resources[n].Primary.ID)
			if err != nil {
				return err
			}
			if rule.Find(rules, id.Rule) < 0 {
				return fmt.Errorf("the managed rule %s (%s) was revoked", n, id)
			}
		}
		return nil
	}
}

// Through the real CLI and the provider as a plugin binary, on every
// cloud: the plan a reviewer reads names each rule the apply revokes, and
// after the apply the group holds the managed rules only and the next
// plan is empty. The exclusive resource comes in by an import block, so
// the first apply revokes (a create would record the group only).
func TestAccRulesExclusive_planTextCLI(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	for _, a := range cliAdoptions() {
		t.Run(a.cloud, func(t *testing.T) {
			t.Parallel()
			m := a.start(t)
			dir := filepath.Join(work, a.cloud)
			run := func(args ...string) string { t.Helper(); return mustCLI(t, cli, dir, args...) }
			managed := cliConfig(mocktest.ProviderConfig(m) + managedPair(a.cloud, a.group))
			writeConfig(t, dir, managed)
			run("apply", "-auto-approve")
			writeConfig(t, dir, managed+exclusiveBlock(a.cloud, a.group, "[secgroup_rule.in.id, secgroup_rule.out.id]")+
				fmt.Sprintf("import {\n  to = secgroup_rules_exclusive.x\n  id = %q\n}\n", a.cloud+"/"+a.group))
			plan := run("plan")
			for _, d := range a.display {
				// Each removed entry: - "<id>" = { - direction = "<direction>"
				// - line = "<line>" } -> null, the direction the line's first word.
				line := strings.TrimSuffix(strings.TrimPrefix(strings.ReplaceAll(d, `"`, `\\"`), "^"), "$")
				direction, _, _ := strings.Cut(strings.TrimPrefix(d, "^"), " ")
				re := regexp.MustCompile(`(?m)^\s+- "` + regexp.QuoteMeta(a.cloud+"/"+a.group+"/") + `[^"]+"\s+= \{\n\s+- direction\s+= "` + direction +
					`"\n\s+- line\s+= "` + line + `[^"]*"\n\s+\} -> null,$`)
				if !re.MatchString(plan) {
					t.Errorf("the plan does not name the rule %s:\n%s", d, clirun.Tail(plan, 4000))
				}
			}
			if !strings.Contains(plan, "Plan: 1 to import, 0 to add, 1 to change, 0 to destroy.") {
				t.Fatalf("want one import and one change:\n%s", clirun.Tail(plan, 4000))
			}
			run("apply", "-auto-approve")
			if got := len(mocktest.Rules(m, a.cloud, a.group)); got != 2 {
				t.Errorf("the group holds %d rules after the apply, want the 2 managed", got)
			}
			if out := run("plan"); !strings.Contains(out, "No changes.") {
				t.Fatalf("the plan after the apply is not empty:\n%s", clirun.Tail(out, 4000))
			}
		})
	}
}

// A keep-list known only at apply (here through terraform_data, made by
// the same apply): the plan cannot list the revokes and says so; the
// apply revokes the rules its refresh found outside the keep-list, never
// a rule made after the plan, and no managed one.
func TestAccRulesExclusive_keepListKnownAtApply(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	drift := rule.Rule{Direction: rule.Ingress, Protocol: rule.UDP, Ports: ports(5353, 5353), CIDR: "198.51.100.0/24"}
	late := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(2222, 2222), CIDR: "198.51.100.0/24"}
	managed := mocktest.ProviderConfig(m) + managedPair("alicloud", "sg-web")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: managed + exclusiveBlock("alicloud", "sg-web", "[secgroup_rule.in.id, secgroup_rule.out.id]")},
			{
				PreConfig: func() { authorizeInMock(t, m, "alicloud", "sg-web", drift) },
				Config: managed + exclusiveBlock("alicloud", "sg-web", "terraform_data.keep.output") +
					"resource \"terraform_data\" \"keep\" {\n  input = [secgroup_rule.in.id, secgroup_rule.out.id]\n}\n",
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue("secgroup_rules_exclusive.x", tfjsonpath.New("rules")),
					beforeApply(func() { authorizeInMock(t, m, "alicloud", "sg-web", late) }),
				}},
				Check:              holdsExactly(t, m, "alicloud", "sg-web", []rule.Rule{late}, "secgroup_rule.in", "secgroup_rule.out"),
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// Identity (Terraform 1.12+): the group, gained by a state written before
// identity on its first refresh with nothing planned, kept through an
// update that revokes, and an import block naming the group by identity
// imports it.
func TestAccRulesExclusive_identity(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	stray := authorizeInMock(t, m, "alicloud", "sg-web", rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(3389, 3389), CIDR: "0.0.0.0/0"})
	base := mocktest.ProviderConfig(m) + tcpRule("in", "alicloud", "sg-web", "443", "10.0.0.0/8")
	keepAll := base + exclusiveBlock("alicloud", "sg-web", `[secgroup_rule.in.id, "alicloud/sg-web/`+stray+`"]`)
	keepOne := base + exclusiveBlock("alicloud", "sg-web", "[secgroup_rule.in.id]")
	identity := []statecheck.StateCheck{statecheck.ExpectIdentity("secgroup_rules_exclusive.x", map[string]knownvalue.Check{
		"cloud": knownvalue.StringExact("alicloud"), "security_group_id": knownvalue.StringExact("sg-web"),
	})}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{ProtoV6ProviderFactories: withoutIdentity, Config: keepAll, Check: mocktest.CheckRuleCount(m, "alicloud", "sg-web", 2)},
			{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Config:                   keepAll,
				ConfigPlanChecks:         resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks:        identity,
			},
			{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Config:                   keepOne,
				ConfigPlanChecks:         resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{revokes(`^ingress tcp 3389 from 0\.0\.0\.0/0 .*\(` + stray + `\)$`)}},
				ConfigStateChecks:        identity,
				Check:                    mocktest.CheckRuleCount(m, "alicloud", "sg-web", 1),
			},
			{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Config:                   keepOne, ResourceName: "secgroup_rules_exclusive.x", ImportState: true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				// Nothing to do after the import. (With providers named
				// per step, the harness's destroy after the test fails
				// when an import step comes last.)
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Config:                   keepOne,
				ConfigPlanChecks:         resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// A group deleted out of band, with a state written before identity
// (Terraform before 1.12, OpenTofu): the refresh drops the resource with
// a warning and still gives it an identity, so plan and destroy go on.
func TestAccRulesExclusive_groupGoneWithoutIdentity(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	provider := mocktest.ProviderConfig(m)
	config := provider + exclusiveBlock("alicloud", "sg-app", "[]", "allow_empty = true")
	removeGroup := func() {
		if !m.Store.RemoveGroup("alicloud", "sg-app") {
			t.Fatal("no group sg-app to remove")
		}
	}
	notInState := func(s *terraform.State) error {
		if _, ok := s.RootModule().Resources["secgroup_rules_exclusive.x"]; ok {
			return fmt.Errorf("the resource of the deleted group is still in the state")
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{ProtoV6ProviderFactories: withoutIdentity, Config: config},
			{
				PreConfig:                removeGroup,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Config:                   provider,
				ConfigPlanChecks:         resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:                    notInState,
			},
		},
	})
}

// Importing secgroup_rules_exclusive for a group that does not exist,
// through the real CLI, by `terraform import`, by an import block with an
// id and one with an identity: Terraform says there is nothing to import,
// and nothing reaches the state.
func TestAccRulesExclusive_importMissingGroupCLI(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	if !cliAtLeast(t, cli, 1, 12) {
		t.Skip("identity needs Terraform 1.12 or newer")
	}
	m := mocktest.Start(t, "")
	config := cliConfig(mocktest.ProviderConfig(m) + exclusiveBlock("alicloud", "sg-missing", "[]", "allow_empty = true"))
	for _, tc := range []struct{ name, extra string }{
		{name: "import command"},
		{name: "import block with id", extra: "import {\n  to = secgroup_rules_exclusive.x\n  id = \"alicloud/sg-missing\"\n}\n"},
		{name: "import block with identity", extra: "import {\n  to = secgroup_rules_exclusive.x\n  identity = {\n    cloud = \"alicloud\"\n    security_group_id = \"sg-missing\"\n  }\n}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(work, strings.ReplaceAll(tc.name, " ", "-"))
			writeConfig(t, dir, config+tc.extra)
			args := []string{"plan", "-input=false", "-no-color"}
			if tc.extra == "" {
				args = []string{"import", "-input=false", "-no-color", "secgroup_rules_exclusive.x", "alicloud/sg-missing"}
			}
			out, code := runCLI(t, cli, dir, args...)
			if code == 0 || !regexp.MustCompile(spaced(`Cannot import non-existent remote object`)).MatchString(out) {
				t.Fatalf("%s (exit %d), want the import refused as of a group that does not exist:\n%s", strings.Join(args, " "), code, clirun.Tail(out, 4000))
			}
			if strings.Contains(out, "Missing Resource Identity") {
				t.Fatalf("the import failed for want of an identity:\n%s", clirun.Tail(out, 4000))
			}
			if ids := stateRuleIDs(t, filepath.Join(dir, "terraform.tfstate")); len(ids) != 0 {
				t.Fatalf("the state holds %v", ids)
			}
		})
	}
}

// exclusiveNamed is a secgroup_rules_exclusive called name.
func exclusiveNamed(name, cloudName, group, ruleIDs string, attrs ...string) string {
	return groupBlock(fmt.Sprintf("resource \"secgroup_rules_exclusive\" %q", name), cloudName, group, append([]string{"rule_ids          = " + ruleIDs}, attrs...)...)
}

// Two secgroup_rules_exclusive of one configuration making one group
// exclusive would revoke each other's rules on every apply: the plan
// fails, naming the group. One per direction is no conflict, nor is the
// same resource planned twice (-replace, a move to another group).
// Through the real CLI, as users run it.
func TestAccRulesExclusive_twoOnOneGroupCLI(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	provider := mocktest.ProviderConfig(m) + tcpRule("in", "alicloud", "sg-web", "22", "10.0.0.0/8")
	run := func(dir string, wantOK bool, args ...string) string {
		t.Helper()
		out, code := runCLI(t, cli, dir, append(args, "-input=false", "-no-color")...)
		if (code == 0) != wantOK {
			t.Fatalf("%s (exit %d):\n%s", strings.Join(args, " "), code, clirun.Tail(out, 4000))
		}
		return out
	}
	conflict := filepath.Join(work, "conflict")
	writeConfig(t, conflict, cliConfig(provider+
		exclusiveNamed("a", "alicloud", "sg-web", "[secgroup_rule.in.id]")+
		exclusiveNamed("b", "alicloud", "sg-web", "[]", "allow_empty = true")))
	out := run(conflict, false, "plan")
	if !regexp.MustCompile(`(?s)Two Exclusive Resources for One Group.*` + spaced(`security group sg-web`) + `.*` + spaced(`would revoke the other's rules on every apply`)).MatchString(out) {
		t.Fatalf("the plan does not name the conflict:\n%s", clirun.Tail(out, 4000))
	}
	if n := strings.Count(out, "Error: "); n != 1 {
		t.Fatalf("%d errors, want one for the pair:\n%s", n, clirun.Tail(out, 4000))
	}

	// Keep-lists that differ only in ids known at apply: the plan cannot
	// tell them apart; the plan Terraform makes during the apply can.
	late := filepath.Join(work, "late")
	writeConfig(t, late, cliConfig(provider+ruleBlock("out", "alicloud", "sg-web", "egress", `protocol = "all"`, `cidr = "10.0.0.0/8"`)+
		exclusiveNamed("a", "alicloud", "sg-web", "[secgroup_rule.in.id]")+
		exclusiveNamed("b", "alicloud", "sg-web", "[secgroup_rule.out.id]")))
	run(late, true, "plan")
	out = run(late, false, "apply", "-auto-approve")
	if !regexp.MustCompile(`(?s)Two Exclusive Resources for One Group`).MatchString(out) {
		t.Fatalf("the apply does not name the conflict:\n%s", clirun.Tail(out, 4000))
	}
	// Until one of them leaves the configuration, every plan fails, the
	// one a destroy makes first included.
	run(late, false, "destroy", "-auto-approve")
	writeConfig(t, late, cliConfig(provider+exclusiveNamed("a", "alicloud", "sg-web", "[secgroup_rule.in.id]")))
	run(late, true, "destroy", "-auto-approve")

	perDirection := filepath.Join(work, "per-direction")
	writeConfig(t, perDirection, cliConfig(provider+
		exclusiveNamed("in", "alicloud", "sg-web", "[secgroup_rule.in.id]", `direction = "ingress"`)+
		exclusiveNamed("out", "alicloud", "sg-web", "[]", "allow_empty = true", `direction = "egress"`)))
	run(perDirection, true, "plan")

	one := filepath.Join(work, "one")
	writeConfig(t, one, cliConfig(provider+exclusiveBlock("alicloud", "sg-web", "[secgroup_rule.in.id]")))
	run(one, true, "apply", "-auto-approve")
	run(one, true, "plan", "-replace=secgroup_rules_exclusive.x")
	writeConfig(t, one, cliConfig(provider+exclusiveBlock("alicloud", "sg-app", "[]", "allow_empty = true")))
	run(one, true, "plan")
}

// `terraform plan -generate-config-out` for an import block of the
// exclusive resource writes a configuration that plans as the import
// alone, on an empty group (whose keep-list is empty, so allow_empty must
// be true) and on one holding rules; applying it revokes nothing.
func TestAccRulesExclusive_generateConfigCLI(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	authorizeInMock(t, m, "alicloud", "sg-web", rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22, 22), CIDR: "10.0.0.0/8"})
	for _, group := range []string{"sg-app", "sg-web"} {
		t.Run(group, func(t *testing.T) {
			dir := filepath.Join(work, group)
			writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+
				fmt.Sprintf("import {\n  to = secgroup_rules_exclusive.x\n  id = %q\n}\n", "alicloud/"+group)))
			run := func(args ...string) string { t.Helper(); return mustCLI(t, cli, dir, args...) }
			held := len(mocktest.Rules(m, "alicloud", group))
			run("plan", "-generate-config-out=generated.tf")
			generated, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
			if err != nil {
				t.Fatal(err)
			}
			if out := run("plan"); !strings.Contains(out, "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.") {
				t.Fatalf("the generated configuration does not plan as the import alone:\n%s\n%s", clirun.Tail(out, 4000), generated)
			}
			run("apply", "-auto-approve")
			if got := len(mocktest.Rules(m, "alicloud", group)); got != held {
				t.Fatalf("the group holds %d rules after the import, want the %d it held", got, held)
			}
			if out := run("plan"); !strings.Contains(out, "No changes.") {
				t.Fatalf("the plan after the import is not empty:\n%s\n%s", clirun.Tail(out, 4000), generated)
			}
		})
	}
}

// Two exclusive resources on one group, one for a direction and one for
// both, whose keep-lists agree on that direction: the plan passes (with a
// warning, since ids alone cannot tell they agree). It failed as if each
// revoked the other's rules.
func TestAccRulesExclusive_twoWithTheSameEffect(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	rules := mocktest.ProviderConfig(m) + tcpRule("in", "alicloud", "sg-web", "22", "10.0.0.0/8") +
		ruleBlock("out", "alicloud", "sg-web", "egress", `protocol = "all"`, `cidr = "10.0.0.0/8"`)
	both := rules +
		exclusiveNamed("all", "alicloud", "sg-web", "[secgroup_rule.in.id, secgroup_rule.out.id]") +
		exclusiveNamed("in", "alicloud", "sg-web", "[secgroup_rule.in.id]", `direction = "ingress"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: rules},
			{Config: both, PlanOnly: true, ExpectNonEmptyPlan: true},
		},
	})
}

// An exclusive resource whose group was deleted out of band, its
// configuration unchanged: the refresh drops it, and the plan that
// follows (Terraform makes one before a destroy too) warns that creating
// it again would fail rather than failing, so destroy and plan go on.
// Through the real CLI. (Both failed "Could Not List Rules".)
func TestAccRulesExclusive_groupGoneThenDestroy(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	dir := filepath.Join(work, "tf")
	writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+exclusiveBlock("alicloud", "sg-app", "[]", "allow_empty = true")))
	mustCLI(t, cli, dir, "apply", "-auto-approve")
	if !m.Store.RemoveGroup("alicloud", "sg-app") {
		t.Fatal("no group sg-app to remove")
	}
	out, code := runCLI(t, cli, dir, "plan", "-input=false", "-no-color")
	if code != 0 || !strings.Contains(out, "Security Group No Longer Exists") {
		t.Fatalf("plan (exit %d) must warn, not fail:\n%s", code, clirun.Tail(out, 3000))
	}
	mustCLI(t, cli, dir, "destroy", "-auto-approve")
}

// An exclusive resource cannot be made for a group that takes no rule
// changes (a Zenlayer default group): the plan of its create fails. (It
// was created, then every plan and destroy failed.)
func TestAccRulesExclusive_defaultGroupRefusedAtCreate(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      mocktest.ProviderConfig(m) + exclusiveBlock("zenlayer", "zl-default", "[]", "allow_empty = true"),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Security Group Takes No Rule Changes.*` + spaced("cannot make security group zl-default exclusive")),
		}},
	})
}

// A cloud whose block and environment give no credentials fails the
// exclusive resource's plan, as it fails secgroup_rule's, rather than its
// apply; the plan makes no call.
func TestAccRulesExclusive_missingCredentialsFailThePlan(t *testing.T) {
	testAccPreCheck(t)
	clearCloudEnv(t, "alicloud")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: "provider \"secgroup\" {\n  alicloud {\n    region = \"cn-hangzhou\"\n  }\n}\n" +
				exclusiveBlock("alicloud", "sg-web", `["alicloud/sg-web/sgr-1"]`),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Cannot Use Cloud.*` + spaced(regexp.QuoteMeta(`alicloud block of the secgroup provider is missing access_key`))),
		}},
	})
}
