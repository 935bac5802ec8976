package provider

import (
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// What an apply of secgroup_rules_exclusive revokes, for every case its
// documentation promises: only rules its plan removed, never one added
// after the plan, none a keep-list names once its ids are known (by id,
// or tolerated), none of the other direction, none that changed since the
// plan.
func TestExclusiveChoice(t *testing.T) {
	created := time.Date(2026, 12, 6, 14, 5, 26, 0, time.UTC)
	ssh := rule.Rule{NativeID: "sgr-ssh", Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8", Created: created}
	web := rule.Rule{NativeID: "sgr-web", Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 80, To: 80}, CIDR: "0.0.0.0/0", Created: created}
	out := rule.Rule{NativeID: "sgr-out", Direction: rule.Egress, Protocol: rule.All, CIDR: "0.0.0.0/0", Created: created}
	group := entriesOf("alicloud", "sg-1", []rule.Rule{ssh, web, out})
	key := func(o rule.Rule) string { return rule.ID{Cloud: "alicloud", GroupID: "sg-1", Rule: o}.String() }
	without := func(m map[string]exclusiveEntry, drop ...rule.Rule) map[string]exclusiveEntry {
		c := map[string]exclusiveEntry{}
		for k, v := range m {
			if !slices.ContainsFunc(drop, func(o rule.Rule) bool { return key(o) == k }) {
				c[k] = v
			}
		}
		return c
	}
	late := rule.Rule{NativeID: "sgr-late", Direction: rule.Ingress, Protocol: rule.UDP, Ports: rule.PortRange{From: 53, To: 53}, CIDR: "10.0.0.0/8", Created: created}
	withEntry := func(m map[string]exclusiveEntry, o rule.Rule) map[string]exclusiveEntry {
		m[key(o)] = entryOf(o)
		return m
	}
	r := &RulesExclusive{registry: Clouds()}
	// exclusionOf, as the apply reads the plan: rule_ids, tolerated ids,
	// direction.
	ex := func(direction string, keep []string, tolerate ...string) exclusion {
		set := func(ids []string) types.Set {
			vs := make([]attr.Value, len(ids))
			for i, id := range ids {
				vs[i] = types.StringValue(id)
			}
			return types.SetValueMust(types.StringType, vs)
		}
		m := rulesExclusiveModel{Cloud: types.StringValue("alicloud"), SecurityGroupID: types.StringValue("sg-1"),
			RuleIDs: set(keep), TolerateRuleIDs: set(tolerate), Direction: types.StringNull()}
		if direction != "" {
			m.Direction = types.StringValue(direction)
		}
		e, diags := r.exclusionOf(m)
		if diags.HasError() {
			t.Fatalf("exclusionOf: %v", diags)
		}
		return e
	}

	for _, tc := range []struct {
		name           string
		prior, planned map[string]exclusiveEntry
		exclusion      exclusion
		want           []string
	}{
		{"the plan's removals, not kept", group, without(group, web, out), ex("", []string{key(ssh)}), []string{key(out), key(web)}},
		{"nothing removed, nothing revoked", group, group, ex("", []string{key(ssh)}), nil},
		// A rule added after the plan is in neither map: the next plan
		// shows it.
		{"added after the plan", group, withEntry(without(group, web), late), ex("", []string{key(ssh), key(out)}), []string{key(web)}},
		// The plan removed web while an id was unknown; known at apply,
		// it names web.
		{"kept by id once known", group, without(group, web), ex("", []string{key(ssh), key(web), key(out)}), nil},
		{"kept by tolerance", group, without(group, web, out), ex("", []string{key(ssh)}, key(web)), []string{key(out)}},
		{"direction filter keeps the other direction", group, without(group, web, out), ex(rule.Ingress, []string{key(ssh)}), []string{key(web)}},
		{"egress filter", group, without(group, web, out), ex(rule.Egress, []string{}), []string{key(out)}},
		{"an entry of unknown direction is kept under a filter",
			map[string]exclusiveEntry{key(web): {Line: web.Line()}}, map[string]exclusiveEntry{}, ex(rule.Ingress, nil), nil},
		{"a key that is no rule id is kept",
			map[string]exclusiveEntry{"hand-edited": {Direction: rule.Ingress, Line: "x"}}, map[string]exclusiveEntry{}, ex("", nil), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range toRevoke(tc.prior, tc.planned, tc.exclusion) {
				got = append(got, c.key)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("toRevoke = %q, want %q", got, tc.want)
			}
		})
	}

	// A rule is revoked only while the group holds it as the plan showed
	// it: a changed description, or a rule made again (a new creation
	// time), is left.
	chosen := toRevoke(group, without(group, web), ex("", []string{key(ssh), key(out)}))
	if len(chosen) != 1 {
		t.Fatalf("chose %d rules, want web", len(chosen))
	}
	changed := web
	changed.Description = "edited after the plan"
	remade := web
	remade.Created = created.Add(time.Minute)
	for _, tc := range []struct {
		name    string
		current rule.Rule
		want    bool
	}{{"as planned", web, true}, {"changed description", changed, false}, {"made again", remade, false}} {
		if got := chosen[0].same(tc.current); got != tc.want {
			t.Errorf("%s: same = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// On a cloud whose rule ids are contents (ENS), a keep-list id names the
// rule by its content.
func TestExclusiveChoiceByContent(t *testing.T) {
	a := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8", Policy: rule.Accept, Priority: 1}
	b := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 80, To: 80}, CIDR: "10.0.0.0/8", Policy: rule.Accept, Priority: 1}
	group := entriesOf("ens", "sg-1", []rule.Rule{a, b})
	ida := rule.ID{Cloud: "ens", GroupID: "sg-1", Rule: a}.String()
	idb := rule.ID{Cloud: "ens", GroupID: "sg-1", Rule: b}.String()
	r := &RulesExclusive{registry: Clouds()}
	e, diags := r.exclusionOf(rulesExclusiveModel{Cloud: types.StringValue("ens"), SecurityGroupID: types.StringValue("sg-1"),
		RuleIDs: types.SetValueMust(types.StringType, []attr.Value{types.StringValue(ida)}), TolerateRuleIDs: types.SetNull(types.StringType)})
	if diags.HasError() {
		t.Fatal(diags)
	}
	got := toRevoke(group, map[string]exclusiveEntry{}, e)
	if len(got) != 1 || got[0].key != idb {
		t.Fatalf("toRevoke = %v, want only %s", got, idb)
	}
}
