package provider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	mockapsarastack "github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/apsarastack"
	mockens "github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/ens"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// soakGroups is how many groups of each cloud the soak spreads its rules
// over.
const soakGroups = 10

// soakRules is the number of rules per cloud: SECGROUP_SOAK_RULES (make
// soak sets 200), else 30 for make test.
func soakRules(t *testing.T) int {
	if v := os.Getenv("SECGROUP_SOAK_RULES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < soakGroups {
			t.Fatalf("SECGROUP_SOAK_RULES=%q: want a number of at least %d", v, soakGroups)
		}
		return n
	}
	return 30
}

// A flaky cloud loses nothing: every cloud's rules applied, planned and
// destroyed through the CLI while 20 % of the calls are throttled, 5 %
// answer a server error and 2 % lose their connection (half of them after
// the write landed). Each cloud has its rules twice over: as secgroup_rule
// blocks, and as secgroup_rule_set entries (one set per group of its own,
// as full as the group's quota lets it be). Every command succeeds, the
// groups hold exactly the declared rules after apply, each set's rule_ids
// name exactly the rules its group holds (nothing leaked, nothing twice:
// the state equals the cloud), the plan after it is empty, and nothing is
// left after destroy.
func TestAccSoak(t *testing.T) {
	cliIndependent(t)
	rules := soakRules(t)
	m := mocktest.Start(t, "")
	seed := int64(20261130)
	m.Store.AddFault(store.Fault{Cloud: "*", ThrottleRate: 0.2, ServerErrorRate: 0.05, DropRate: 0.01, DropAfterRate: 0.01, Seed: &seed})
	// Apsara Stack's gateway answers in its combined shape, ECS's and
	// its own fields at once.
	m.Store.SetBehavior("apsarastack", mockapsarastack.ErrorShape, mockapsarastack.ShapeCombined)
	config := mocktest.ProviderConfig(m)
	groups, setGroups := map[string][]string{}, map[string][]string{}
	for _, c := range mockcloud.Clouds {
		for g := range soakGroups {
			id := fmt.Sprintf("soak-%s-%d", c, g)
			groups[c] = append(groups[c], id)
			if err := m.Store.AddGroup(mockcloud.NewGroup(c, id)); err != nil {
				t.Fatal(err)
			}
		}
		config += soakConfig(c, rules, groups[c])
		for g, es := range soakSets(c, rules) {
			id := fmt.Sprintf("soakset-%s-%d", c, g)
			setGroups[c] = append(setGroups[c], id)
			if err := m.Store.AddGroup(mockcloud.NewGroup(c, id)); err != nil {
				t.Fatal(err)
			}
			config += ruleSetConfig(soakSetName(c, g), c, id, es...)
		}
	}
	held := func(c string) int {
		n := 0
		for _, g := range slices.Concat(groups[c], setGroups[c]) {
			n += len(mocktest.Rules(m, c, g))
		}
		return n
	}
	afterApply := map[string]int{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			for _, c := range mockcloud.Clouds {
				if n := held(c); n != 0 {
					return fmt.Errorf("%s: %d rules left after destroy", c, n)
				}
			}
			// Every client token under faults (retried writes, batches,
			// batches resent rule by rule) named one operation only.
			return mocktest.CheckTokens(m)
		},
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(s *terraform.State) error {
				for _, c := range mockcloud.Clouds {
					afterApply[c] = held(c)
					for g, es := range soakSets(c, rules) {
						ids := setRuleIDs(s, "secgroup_rule_set."+soakSetName(c, g))
						if len(ids) != len(es) {
							return fmt.Errorf("%s set %d: rule_ids holds %d rules, want the %d declared", c, g, len(ids), len(es))
						}
						if err := setEqualsCloud(m, c, setGroups[c][g], ids, es); err != nil {
							return err
						}
					}
					for i, g := range groups[c] {
						want := rules / soakGroups
						if i < rules%soakGroups {
							want++
						}
						if n := len(mocktest.Rules(m, c, g)); n != want {
							return fmt.Errorf("%s group %s holds %d rules, want the %d declared", c, g, n, want)
						}
					}
				}
				return nil
			},
		}},
	})
	// The figures: commands were apply, plan (twice: without and with
	// refresh, both empty) and destroy.
	for _, c := range mockcloud.Clouds {
		faults := map[store.FaultKind]int{}
		calls := m.Store.CallsOf(c, "")
		for _, call := range calls {
			if call.Fault != store.NoFault {
				faults[call.Fault]++
			}
		}
		var byKind []string
		for _, k := range slices.Sorted(maps.Keys(faults)) {
			byKind = append(byKind, fmt.Sprintf("%s %d", k, faults[k]))
		}
		t.Logf("%-11s %d rules in %d groups and %d in %d sets: %d calls, faults: %s; rules after apply %d, after destroy %d",
			c, rules, soakGroups, rules, len(setGroups[c]), len(calls), strings.Join(byKind, ", "), afterApply[c], held(c))
	}
}

// soakConfig declares n rules of a cloud over its groups, rule i in group
// i mod len(groups), each on its own port; on Zenlayer (20 rules per
// direction) every other rule of a group is egress.
func soakConfig(cloudName string, n int, groups []string) string {
	direction := `"ingress"`
	port := fmt.Sprintf("3000 + floor(count.index / %d)", len(groups))
	if cloudName == "zenlayer" {
		direction = fmt.Sprintf(`floor(count.index / %d) %% 2 == 0 ? "ingress" : "egress"`, len(groups))
		port = fmt.Sprintf("3000 + floor(count.index / %d)", 2*len(groups))
	}
	return fmt.Sprintf(`
resource "secgroup_rule" "soak_%s" {
  count             = %d
  cloud             = %q
  security_group_id = ["%s"][count.index %% %d]
  direction         = %s
  protocol          = "tcp"
  port_range        = tostring(%s)
  cidr              = "10.0.0.0/8"
}
`, cloudName, n, cloudName, strings.Join(groups, `", "`), len(groups), direction, port)
}

// soakSets are the entries of a cloud's soak sets, n rules in all, one
// set per group: as few groups as the cloud's quota allows (at least two,
// so that sets go out side by side).
func soakSets(cloudName string, n int) [][]entry {
	sets := make([][]entry, max(2, (n+soakSetCapacity(cloudName)-1)/soakSetCapacity(cloudName)))
	for g := range sets {
		size := n / len(sets)
		if g < n%len(sets) {
			size++
		}
		sets[g] = alternatingEntries(size)
	}
	return sets
}

// alternatingEntries are n entries of a set, each on its own port,
// alternately ingress and egress (so that a quota per direction takes
// twice as many).
func alternatingEntries(n int) []entry {
	es := make([]entry, n)
	for k := range es {
		direction := "ingress"
		if k%2 == 1 {
			direction = "egress"
		}
		es[k] = entry{key: fmt.Sprintf("r%03d", k), direction: direction, port: strconv.Itoa(4000 + k/2), cidr: "10.0.0.0/8"}
	}
	return es
}

// soakSetCapacity is how many rules one group of the soak's sets holds:
// the cloud's quota, for both directions where it counts them apart (a
// set's entries alternate), the mock's where the vendor documents none.
func soakSetCapacity(cloudName string) int {
	def, _ := Clouds().Get(cloudName)
	q := def.Capabilities.Quota
	if q == 0 {
		q = mockens.MaxRules
	}
	if def.Capabilities.QuotaPerDirection {
		q *= 2
	}
	return q
}

func soakSetName(cloudName string, g int) string { return fmt.Sprintf("soak_%s_%d", cloudName, g) }

// setRuleIDs is a set's rule_ids in the state, by key.
func setRuleIDs(s *terraform.State, address string) map[string]string {
	ids := map[string]string{}
	if rs, ok := s.RootModule().Resources[address]; ok {
		for k, v := range rs.Primary.Attributes {
			if key, ok := strings.CutPrefix(k, "rule_ids."); ok && key != "%" {
				ids[key] = v
			}
		}
	}
	return ids
}

// setEqualsCloud checks a set's state against what the cloud holds, read
// through the vendor's own API: the group holds exactly one rule for each
// id of rule_ids, the rule that id names, and that rule is its key's
// entry of declared (direction and port); so no rule leaked, none is held
// twice, and no id names a rule that is not there.
func setEqualsCloud(m *mockcloud.Server, cloudName, group string, ids map[string]string, declared []entry) error {
	def, _ := Clouds().Get(cloudName)
	held, err := describeSettled(m, cloudName, group)
	if err != nil {
		return err
	}
	if len(held) != len(ids) {
		return fmt.Errorf("%s group %s holds %d rules, the set's rule_ids %d", cloudName, group, len(held), len(ids))
	}
	byKey := map[string]entry{}
	for _, e := range declared {
		byKey[e.key] = e
	}
	named := map[int]string{}
	for _, key := range slices.Sorted(maps.Keys(ids)) {
		e, ok := byKey[key]
		if !ok {
			return fmt.Errorf("%s group %s: rule_ids has key %q, which the configuration does not declare", cloudName, group, key)
		}
		id, err := rule.ParseID(ids[key])
		if err != nil {
			return fmt.Errorf("%s group %s: rule_ids[%q]: %w", cloudName, group, key, err)
		}
		if id.Cloud != cloudName || id.GroupID != group || id.IsNative() != def.Capabilities.NativeIDs {
			return fmt.Errorf("%s group %s: rule_ids[%q] is %q, not an id of a rule of the group in the cloud's form", cloudName, group, key, ids[key])
		}
		i := slices.IndexFunc(held, func(r rule.Rule) bool { return def.Capabilities.Identity.Match(id.Rule, r) })
		if i < 0 {
			return fmt.Errorf("%s group %s: rule_ids[%q] is %q, which names no rule the group holds", cloudName, group, key, ids[key])
		}
		if other, twice := named[i]; twice {
			return fmt.Errorf("%s group %s: rule_ids[%q] and rule_ids[%q] name one rule, %s", cloudName, group, other, key, held[i])
		}
		named[i] = key
		if r := held[i]; r.Direction != e.direction || r.Ports.String() != e.port {
			return fmt.Errorf("%s group %s: rule_ids[%q] names the rule %s, the key declares %s %s", cloudName, group, key, r, e.direction, e.port)
		}
	}
	return nil
}

// describeSettled reads a group through the vendor's API as another tool
// would, again while the mock's faults strike the read (it changes
// nothing, so it may be sent again).
func describeSettled(m *mockcloud.Server, cloudName, group string) ([]rule.Rule, error) {
	def, _ := Clouds().Get(cloudName)
	b, err := def.Connect(context.Background(), mocktest.Settings(cloudName, m.URL))
	if err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		rules, err := b.Describe(context.Background(), group)
		if err == nil || cloud.KindOf(err) != cloud.KindTransient || attempt == 50 {
			return rules, err
		}
		time.Sleep(time.Duration(attempt) * 10 * time.Millisecond)
	}
}
