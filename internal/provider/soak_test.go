package provider

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	mockapsarastack "github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/apsarastack"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
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
// the write landed). Every command succeeds, the groups hold exactly the
// declared rules after apply, the plan after it is empty, and nothing is
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
	groups := map[string][]string{}
	for _, c := range mockcloud.Clouds {
		for g := range soakGroups {
			id := fmt.Sprintf("soak-%s-%d", c, g)
			groups[c] = append(groups[c], id)
			if err := m.Store.AddGroup(mockcloud.NewGroup(c, id)); err != nil {
				t.Fatal(err)
			}
		}
		config += soakConfig(c, rules, groups[c])
	}
	held := func(c string) int {
		n := 0
		for _, g := range groups[c] {
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
			Check: func(*terraform.State) error {
				for _, c := range mockcloud.Clouds {
					afterApply[c] = held(c)
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
		t.Logf("%-11s %d rules in %d groups: %d calls, faults: %s; rules after apply %d, after destroy %d",
			c, rules, soakGroups, len(calls), strings.Join(byKind, ", "), afterApply[c], held(c))
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
