package provider

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// An entry respelled in the configuration ("22-22" to "22", "10.0.0.1"
// to "10.0.0.1/32") is the same rule: the plans are valid and write
// nothing, on every cloud.
func TestAccRuleSet_respelledEntry(t *testing.T) {
	cliIndependent(t)
	for _, tc := range setClouds {
		t.Run(tc.cloud, func(t *testing.T) {
			m := mocktest.Start(t, "")
			w := &setWrites{m: m, cloud: tc.cloud}
			base := mocktest.ProviderConfig(m)
			set := func(es ...entry) string { return base + ruleSetConfig("s", tc.cloud, tc.group, es...) }
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             mocktest.CheckEmpty(m, tc.cloud, tc.group),
				Steps: []resource.TestStep{
					{Config: set(entry{"k", "ingress", "22-22", "10.0.0.1", ""}, entry{"o", "egress", "1000-2000", "10.0.0.0/8", ""})},
					{
						PreConfig: w.reset,
						Config:    set(entry{"k", "ingress", "22", "10.0.0.1/32", ""}, entry{"o", "egress", "1000-2000", "10.0.0.0/8", ""}),
						Check:     resource.ComposeAggregateTestCheckFunc(w.exactly(0), mocktest.CheckRuleCount(m, tc.cloud, tc.group, 2)),
					},
					{
						// Renamed and respelled at once: a move, no write.
						PreConfig: w.reset,
						Config:    set(entry{"k2", "ingress", "22-22", "10.0.0.1", ""}, entry{"o", "egress", "1000-2000", "10.0.0.0/8", ""}),
						Check:     resource.ComposeAggregateTestCheckFunc(w.exactly(0), mocktest.CheckRuleCount(m, tc.cloud, tc.group, 2)),
					},
				},
			})
		})
	}
}

// A key takes over another key's rule while its own old rule is revoked;
// the revoke fails. Both rules remain in the cloud, so both must remain in
// state: the destroy after revokes them both.
func TestAccRuleSet_failedRevokeKeepsMovedRule(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	base := mocktest.ProviderConfig(m)
	set := func(es ...entry) string { return base + ruleSetConfig("s", "alicloud", "sg-web", es...) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: set(entry{"k1", "ingress", "2001", "10.0.0.0/8", ""}, entry{"k2", "ingress", "2002", "10.0.0.0/8", ""})},
			{
				PreConfig: func() {
					m.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "RevokeSecurityGroup", Error: 1, Code: "Forbidden.RAM", Status: 403})
				},
				Config:      set(entry{"k1", "ingress", "2002", "10.0.0.0/8", ""}),
				ExpectError: regexp.MustCompile(`Could Not Delete Rule`),
			},
			{
				// Applied again, the rule left over is revoked.
				Config: set(entry{"k1", "ingress", "2002", "10.0.0.0/8", ""}),
				Check:  holdsPorts(m, "alicloud", "sg-web", "2002"),
			},
			{
				// The set goes: every rule it made must go with it.
				Config: base,
				Check:  mocktest.CheckEmpty(m, "alicloud", "sg-web"),
			},
		},
	})
}

// The same with a description changed in place on the moved rule: the
// failed revoke's rule must stay in state.
func TestAccRuleSet_failedRevokeKeepsRuleBesideDescribedMove(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	base := mocktest.ProviderConfig(m)
	set := func(es ...entry) string { return base + ruleSetConfig("s", "alicloud", "sg-web", es...) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: set(entry{"k1", "ingress", "2001", "10.0.0.0/8", `, description = "a"`}, entry{"k2", "ingress", "2002", "10.0.0.0/8", `, description = "b"`})},
			{
				PreConfig: func() {
					m.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "RevokeSecurityGroup", Error: 1, Code: "Forbidden.RAM", Status: 403})
				},
				Config:      set(entry{"k1", "ingress", "2002", "10.0.0.0/8", `, description = "c"`}),
				ExpectError: regexp.MustCompile(`Could Not Delete Rule`),
			},
			{
				Config: base,
				Check:  mocktest.CheckEmpty(m, "alicloud", "sg-web"),
			},
		},
	})
}

// Two rules of a classic-network group that differ only in nic_type,
// imported into one set (an import keeps nic_type out of the entries),
// are two rules to the destroy: it revokes both, or says it did not.
func TestAccRuleSet_destroyImportedNicTypes(t *testing.T) {
	cliIndependent(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	dir := filepath.Join(work, "tf")
	base := mocktest.ProviderConfig(m)
	run := func(args ...string) string { t.Helper(); return mustCLI(t, cli, dir, args...) }
	writeConfig(t, dir, cliConfig(base+
		tcpRule("a", "alicloud", "sg-classic", "22", "10.0.0.0/8", `nic_type = "internet"`)+
		tcpRule("b", "alicloud", "sg-classic", "22", "10.0.0.0/8", `nic_type = "intranet"`)))
	run("apply", "-auto-approve")
	var ids []string
	for _, r := range shownResourcesOf(t, cli, dir) {
		ids = append(ids, r.Values["rule_id"].(string))
	}
	if len(ids) != 2 || ids[0] == ids[1] {
		t.Fatalf("the two rules' ids: %v", ids)
	}
	if out, code := runCLI(t, cli, dir, "state", "rm", "secgroup_rule.a", "secgroup_rule.b"); code != 0 {
		t.Fatalf("state rm: %s", out)
	}
	writeConfig(t, dir, cliConfig(base+ruleSetConfig("s", "alicloud", "sg-classic")))
	if out, code := runCLI(t, cli, dir, "import", "-input=false", "-no-color", "secgroup_rule_set.s", "alicloud/sg-classic/"+ids[0]+";"+ids[1]); code != 0 {
		t.Fatalf("import: %s", out)
	}
	writeConfig(t, dir, cliConfig(base))
	out, code := runCLI(t, cli, dir, "apply", "-auto-approve", "-no-color")
	left := mocktest.Rules(m, "alicloud", "sg-classic")
	if code == 0 && len(left) != 0 {
		t.Fatalf("the destroy succeeded, but the group still holds %d rules: %v\n%s", len(left), left, clirun.Tail(out, 3000))
	}
	if len(left) != 0 && !strings.Contains(out, "Could Not Delete Rule") {
		t.Fatalf("%d rules left without an error naming them:\n%s", len(left), clirun.Tail(out, 3000))
	}
}

func shownResourcesOf(t *testing.T, cli *clirun.CLI, dir string) []shownResource {
	t.Helper()
	out, code := runCLI(t, cli, dir, "show", "-json")
	if code != 0 {
		t.Fatalf("show -json: %s", out)
	}
	return shownResources(t, out)
}

// Where the priority is no part of a rule's identity (Zenlayer, ECS), two
// entries that differ only in it are one rule: the plan refuses them, as
// it refuses two equal entries, instead of the apply failing on the
// second.
func TestAccRuleSet_entriesDifferingOnlyInPriority(t *testing.T) {
	cliIndependent(t)
	for _, tc := range []setCloud{{"zenlayer", "zl-web"}, {"alicloud", "sg-web"}} {
		t.Run(tc.cloud, func(t *testing.T) {
			m := mocktest.Start(t, "")
			w := &setWrites{m: m, cloud: tc.cloud}
			config := mocktest.ProviderConfig(m) + ruleSetConfig("s", tc.cloud, tc.group,
				entry{"a", "ingress", "22", "10.0.0.0/8", ", priority = 10"}, entry{"b", "ingress", "22", "10.0.0.0/8", ", priority = 20"})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					PreConfig:   w.reset,
					Config:      config,
					ExpectError: regexp.MustCompile(`Duplicate Rule In Set`),
				}},
			})
			if n, actions := w.count(); n != 0 {
				t.Fatalf("%d writes %v for a set the plan should refuse", n, actions)
			}
		})
	}
}

// A rule moved to another key with a new description whose change fails
// stays in state with the description the cloud holds (the old key's), not
// with that of an entry the new key never had.
func TestAccRuleSet_failedDescriptionOfMovedRule(t *testing.T) {
	cliIndependent(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	dir := filepath.Join(work, "tf")
	base := mocktest.ProviderConfig(m)
	writeConfig(t, dir, cliConfig(base+ruleSetConfig("s", "alicloud", "sg-web",
		entry{"k1", "ingress", "2001", "10.0.0.0/8", `, description = "a"`}, entry{"k2", "ingress", "2002", "10.0.0.0/8", `, description = "b"`})))
	mustCLI(t, cli, dir, "apply", "-auto-approve")
	// Renamed with a new description; and the two rules swap keys with new
	// descriptions.
	writeConfig(t, dir, cliConfig(base+ruleSetConfig("s", "alicloud", "sg-web",
		entry{"k3", "ingress", "2001", "10.0.0.0/8", `, description = "c"`}, entry{"k1", "ingress", "2002", "10.0.0.0/8", `, description = "d"`})))
	m.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "ModifySecurityGroupRule", Error: 2, Code: "Forbidden.RAM", Status: 403})
	if out, code := runCLI(t, cli, dir, "apply", "-auto-approve", "-no-color"); code == 0 || !strings.Contains(out, "Could Not Update Rule Description") {
		t.Fatalf("the apply did not fail on the descriptions:\n%s", clirun.Tail(out, 3000))
	}
	shown := shownResourcesOf(t, cli, dir)
	if len(shown) != 1 {
		t.Fatalf("state: %v", shown)
	}
	rules := shown[0].Values["rules"].(map[string]any)
	for key, want := range map[string]string{"k3": "a", "k1": "b"} {
		e, ok := rules[key].(map[string]any)
		if !ok || e["description"] != want {
			t.Errorf("rules[%q] in state is %v: want description %q, which the cloud holds", key, rules[key], want)
		}
	}
}

// An entry that leaves nic_type to the cloud does not take over, when its
// rule is deleted out of band, another resource's rule of another NIC
// type, and its destroy leaves the other resource's rule. Making the rule
// again fails: the engine's check before an authorize takes a NIC type
// left out for any, as secgroup_rule's creates do (DESIGN.md, "Rule
// sets"), and refuses rather than guess the group's default.
func TestAccRuleSet_readAdoptsNoRuleOfAnotherNicType(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	base := mocktest.ProviderConfig(m)
	set := ruleSetConfig("s", "alicloud", "sg-classic", entry{"k", "ingress", "22", "10.0.0.0/8", ""})
	other := tcpRule("other", "alicloud", "sg-classic", "22", "10.0.0.0/8", `nic_type = "intranet"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "alicloud", "sg-classic"),
		Steps: []resource.TestStep{
			{Config: base + set, Check: mocktest.CheckRule(m, "alicloud", "sg-classic", map[string]string{"NicType": "internet"})},
			{Config: base + set + other, Check: mocktest.CheckRuleCount(m, "alicloud", "sg-classic", 2)},
			{
				// Out of band: the set's rule goes.
				PreConfig: func() {
					if _, ok := m.Store.RemoveRule("alicloud", "sg-classic", func(_ int, r any) bool {
						b, _ := json.Marshal(r)
						return strings.Contains(string(b), `"NicType":"internet"`)
					}); !ok {
						t.Fatal("no internet rule")
					}
				},
				Config:      base + set + other,
				ExpectError: regexp.MustCompile(`(?s)Rule Already Exists.*rules\["k"\]`),
			},
			{
				Config: base + other,
				Check:  mocktest.CheckRule(m, "alicloud", "sg-classic", map[string]string{"NicType": "intranet"}),
			},
		},
	})
}

// A set's rule deleted out of band after the refresh (here: no refresh)
// is gone to the destroy, which revokes by content no other rule in its
// place (another resource's, of another NIC type).
func TestAccRuleSet_destroyRevokesNoRuleInPlaceOfAGoneOne(t *testing.T) {
	cliIndependent(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	dir := filepath.Join(work, "tf")
	base := mocktest.ProviderConfig(m)
	set := ruleSetConfig("s", "alicloud", "sg-classic", entry{"k", "ingress", "22", "10.0.0.0/8", ""})
	other := tcpRule("other", "alicloud", "sg-classic", "22", "10.0.0.0/8", `nic_type = "intranet"`)
	writeConfig(t, dir, cliConfig(base+set))
	mustCLI(t, cli, dir, "apply", "-auto-approve")
	writeConfig(t, dir, cliConfig(base+set+other))
	mustCLI(t, cli, dir, "apply", "-auto-approve")
	if _, ok := m.Store.RemoveRule("alicloud", "sg-classic", func(_ int, r any) bool {
		b, _ := json.Marshal(r)
		return strings.Contains(string(b), `"NicType":"internet"`)
	}); !ok {
		t.Fatal("no internet rule")
	}
	writeConfig(t, dir, cliConfig(base+other))
	mustCLI(t, cli, dir, "apply", "-auto-approve", "-refresh=false")
	if err := mocktest.CheckRule(m, "alicloud", "sg-classic", map[string]string{"NicType": "intranet"})(nil); err != nil {
		t.Fatalf("the other resource's rule: %v", err)
	}
}

// A destroy whose read before the revokes fails does not revoke by content
// an entry that leaves nic_type to the cloud (ECS would take the revoke
// for an internet rule: another resource's here): the revoke is not sent,
// the destroy fails, and the set stays in state; once the read works, the
// destroy revokes the set's rule alone. (Found by the second review.)
func TestAccRuleSet_noRevokeByGuessWhenTheReadFails(t *testing.T) {
	cliIndependent(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	dir := filepath.Join(work, "tf")
	base := mocktest.ProviderConfig(m)
	run := func(args ...string) string { t.Helper(); return mustCLI(t, cli, dir, args...) }
	writeConfig(t, dir, cliConfig(base+tcpRule("a", "alicloud", "sg-classic", "22", "10.0.0.0/8", `nic_type = "intranet"`)))
	run("apply", "-auto-approve")
	if out, code := runCLI(t, cli, dir, "state", "rm", "secgroup_rule.a"); code != 0 {
		t.Fatalf("state rm: %s", out)
	}
	other := tcpRule("other", "alicloud", "sg-classic", "22", "10.0.0.0/8", `nic_type = "internet"`)
	set := ruleSetConfig("s", "alicloud", "sg-classic", entry{"k", "ingress", "22", "10.0.0.0/8", ""})
	writeConfig(t, dir, cliConfig(base+other+set+`
import {
  to = secgroup_rule_set.s
  id = "alicloud/sg-classic/ingress,tcp,22,10.0.0.0/8,nic_type=intranet"
}
`))
	run("apply", "-auto-approve")
	writeConfig(t, dir, cliConfig(base+other))
	run("plan", "-out=p")
	m.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "DescribeSecurityGroupAttribute", Error: 1, Code: "Forbidden.RAM", Status: 403})
	out, code := runCLI(t, cli, dir, "apply", "-input=false", "-no-color", "p")
	nics := func() (n []string) {
		for _, r := range mocktest.Rules(m, "alicloud", "sg-classic") {
			n = append(n, r["NicType"].(string))
		}
		return n
	}
	if code == 0 || len(nics()) != 2 {
		t.Fatalf("the destroy with a failed read (exit %d) left %v:\n%s", code, nics(), clirun.Tail(out, 3000))
	}
	run("apply", "-auto-approve")
	if got := nics(); len(got) != 1 || got[0] != "internet" {
		t.Fatalf("after the destroy the group holds %v, want the other resource's internet rule", got)
	}
	run("destroy", "-auto-approve")
}
