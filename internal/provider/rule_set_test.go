package provider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// setCloud is a cloud's fixture group for the rule set's tests.
type setCloud struct{ cloud, group string }

var setClouds = []setCloud{
	{"alicloud", "sg-web"}, {"zenlayer", "zl-web"}, {"baiducloud", "g-web"},
	{"apsarastack", "sg-as-web"}, {"ens", "sg-ens-web"},
}

// entry is one entry of a set's configuration.
type entry struct{ key, direction, port, cidr, extra string }

func ruleSetConfig(name, cloudName, group string, es ...entry) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nresource \"secgroup_rule_set\" %q {\n  cloud             = %q\n  security_group_id = %q\n  rules = {\n", name, cloudName, group)
	for _, e := range es {
		fmt.Fprintf(&b, "    %q = { direction = %q, protocol = \"tcp\", port_range = %q, cidr = %q %s }\n", e.key, e.direction, e.port, e.cidr, e.extra)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// setWrites counts a cloud's rule writes (authorizes, revokes, description
// changes) the mock served since a mark.
type setWrites struct {
	m     *mockcloud.Server
	cloud string
	mark  int
}

var writeAction = regexp.MustCompile(`(?i)authorize|revoke|modify`)

func (w *setWrites) reset() { w.mark = len(w.m.Store.Calls()) }

func (w *setWrites) count() (n int, actions []string) {
	for _, c := range w.m.Store.Calls()[w.mark:] {
		if c.Cloud == w.cloud && writeAction.MatchString(c.Action) {
			n++
			actions = append(actions, c.Action)
		}
	}
	return n, actions
}

// exactly checks the writes since the mark.
func (w *setWrites) exactly(want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n, actions := w.count(); n != want {
			return fmt.Errorf("%d rule writes %v, want %d", n, actions, want)
		}
		return nil
	}
}

// atMost bounds the writes since the mark.
func (w *setWrites) atMost(limit int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n, actions := w.count(); n > limit {
			return fmt.Errorf("%d rule writes %v, want at most %d", n, actions, limit)
		}
		return nil
	}
}

// holdsPorts checks the mock's group holds one rule on each port, and no
// other rule.
func holdsPorts(m *mockcloud.Server, cloudName, group string, ports ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		rules := mocktest.Rules(m, cloudName, group)
		if len(rules) != len(ports) {
			return fmt.Errorf("group %s holds %d rules, want %d (ports %v): %v", group, len(rules), len(ports), ports, rules)
		}
		for _, p := range ports {
			n := 0
			for _, r := range rules {
				b, _ := json.Marshal(r)
				if strings.Contains(string(b), p) {
					n++
				}
			}
			if n != 1 {
				return fmt.Errorf("group %s holds %d rules on port %s, want 1: %v", group, n, p, rules)
			}
		}
		return nil
	}
}

// ids remembers a set's rule_ids between steps.
type ids map[string]string

func (got ids) capture(address string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s not in state", address)
		}
		clear(got)
		for k, v := range rs.Primary.Attributes {
			if key, ok := strings.CutPrefix(k, "rule_ids."); ok && key != "%" {
				got[key] = v
			}
		}
		return nil
	}
}

// same checks that the keys' ids are what they were.
func (got ids) same(address string, keys ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs := s.RootModule().Resources[address]
		for _, k := range keys {
			if v := rs.Primary.Attributes["rule_ids."+k]; v != got[k] || v == "" {
				return fmt.Errorf("rule_ids[%q] is %q, was %q: the rule must stay", k, v, got[k])
			}
		}
		return nil
	}
}

// A set on every cloud: created with batched writes; adding a key writes
// that rule alone, removing one revokes it alone, a description changes in
// place where the cloud can (else that rule is replaced), a port change
// replaces that rule alone; a rule deleted out of band is made again; the
// destroy revokes them all.
func TestAccRuleSet_lifecycle(t *testing.T) {
	cliIndependent(t)
	for _, tc := range setClouds {
		t.Run(tc.cloud, func(t *testing.T) {
			m := mocktest.Start(t, "")
			w := &setWrites{m: m, cloud: tc.cloud}
			def, _ := Clouds().Get(tc.cloud)
			caps := def.Capabilities
			desc := func(d string) string {
				if !caps.Description {
					return ""
				}
				return fmt.Sprintf(", description = %q", d)
			}
			a := entry{"ssh", "ingress", "2001", "10.0.0.0/8", desc("one")}
			b := entry{"https", "ingress", "2002", "10.1.0.0/16", ""}
			c := entry{"out", "egress", "2003", "10.2.0.0/16", ""}
			d := entry{"more", "ingress", "2004", "10.3.0.0/16", ""}
			base := mocktest.ProviderConfig(m)
			addr := "secgroup_rule_set.s"
			set := func(es ...entry) string { return base + ruleSetConfig("s", tc.cloud, tc.group, es...) }
			before := ids{}
			// Writes of 3 rules in 2 directions: one call per direction
			// where the cloud batches, else one per rule.
			createCalls := 3
			if def.WriteBatch > 1 {
				createCalls = 2
				if !def.BatchPerDirection {
					createCalls = 1
				}
			}
			a2 := a
			a2.extra = desc("two")
			c2 := c
			c2.port = "2013"
			descCalls := 2 // replaced: a revoke and an authorize
			if caps.DescriptionInPlace {
				descCalls = 1
			}
			steps := []resource.TestStep{
				{
					PreConfig: w.reset,
					Config:    set(a, b, c),
					Check: resource.ComposeAggregateTestCheckFunc(
						holdsPorts(m, tc.cloud, tc.group, "2001", "2002", "2003"),
						w.atMost(createCalls),
						resource.TestCheckResourceAttr(addr, "id", tc.cloud+"/"+tc.group),
						resource.TestCheckResourceAttr(addr, "rule_ids.%", "3"),
						resource.TestMatchResourceAttr(addr, "rule_ids.ssh", regexp.MustCompile("^"+tc.cloud+"/"+tc.group+"/")),
						before.capture(addr),
					),
				},
				{
					PreConfig: w.reset,
					Config:    set(a, b, c, d),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						holdsPorts(m, tc.cloud, tc.group, "2001", "2002", "2003", "2004"),
						w.exactly(1),
						before.same(addr, "ssh", "https", "out"),
						before.capture(addr),
					),
				},
				{
					PreConfig: w.reset,
					Config:    set(a, c, d),
					Check: resource.ComposeAggregateTestCheckFunc(
						holdsPorts(m, tc.cloud, tc.group, "2001", "2003", "2004"),
						w.exactly(1),
						before.same(addr, "ssh", "out", "more"),
						resource.TestCheckNoResourceAttr(addr, "rule_ids.https"),
					),
				},
				{
					PreConfig: w.reset,
					Config:    set(a, c2, d),
					Check: resource.ComposeAggregateTestCheckFunc(
						holdsPorts(m, tc.cloud, tc.group, "2001", "2013", "2004"),
						w.exactly(2),
						before.same(addr, "ssh", "more"),
						before.capture(addr),
					),
				},
				{
					// Out of band: the rule of "more" goes.
					PreConfig: func() {
						removeRuleOnPort(t, m, tc.cloud, tc.group, "2004")
						w.reset()
					},
					Config: set(a, c2, d),
					Check: resource.ComposeAggregateTestCheckFunc(
						holdsPorts(m, tc.cloud, tc.group, "2001", "2013", "2004"),
						w.exactly(1),
						before.same(addr, "ssh", "out"),
					),
				},
			}
			if caps.Description {
				steps = append(steps, resource.TestStep{
					PreConfig: w.reset,
					Config:    set(a2, c2, d),
					Check: resource.ComposeAggregateTestCheckFunc(
						holdsPorts(m, tc.cloud, tc.group, "2001", "2013", "2004"),
						w.exactly(descCalls),
						before.same(addr, "out"),
						resource.TestCheckResourceAttr(addr, "rules.ssh.description", "two"),
					),
				})
			}
			steps = append(steps, resource.TestStep{PreConfig: w.reset, Config: set(a2, c2, d), PlanOnly: true})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy: resource.ComposeAggregateTestCheckFunc(
					mocktest.CheckEmpty(m, tc.cloud, tc.group),
					w.atMost(3),
				),
				Steps: steps,
			})
		})
	}
}

// removeRuleOnPort deletes a rule from the mock, as someone else would.
func removeRuleOnPort(t *testing.T, m *mockcloud.Server, cloudName, group, port string) {
	t.Helper()
	_, removed := m.Store.RemoveRule(cloudName, group, func(_ int, r any) bool {
		b, _ := json.Marshal(r)
		return strings.Contains(string(b), port)
	})
	if !removed {
		t.Fatalf("no rule on port %s in %s", port, group)
	}
}
