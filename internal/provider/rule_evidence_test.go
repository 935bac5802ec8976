package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// The API's gateway stamps answers with a clock of its own, seconds or
// minutes off the clock that dates rules: our own rules are ours. Who
// made a rule is told by the describe made just before the write, so no
// Date plays a part. (A Date 5 s ahead made every create of our own rule
// fail "Rule Already Exists" on the clouds that date rules, and left the
// rule orphaned.)
func TestAccRule_gatewayClockOff(t *testing.T) {
	cliIndependent(t)
	type skewed struct {
		cloud, group string
		skew         time.Duration
	}
	cases := []skewed{{"alicloud", "sg-web", 10 * time.Minute}, {"apsarastack", "sg-as-web", -2 * time.Minute}}
	for _, tc := range everyCloud {
		cases = append(cases, skewed{tc.cloud, tc.group, 5 * time.Second})
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s %+.0fs", tc.cloud, tc.skew.Seconds()), func(t *testing.T) {
			appliesCleanly(t, tc.cloud, tc.group, func(m *mockcloud.Server) { m.Store.SetDateSkew(tc.skew) })
		})
	}
}

// A create whose authorize landed but whose every answer was lost (the
// connection dropped after the cloud acted, until the create's timeout)
// reads the group before it gives up: the rule is there, so the create
// succeeds and the state holds the cloud's rule, which nothing else
// would. (It failed "Could Not Create Rule" with the rule left open and
// every later apply failing "Rule Already Exists".) On the clouds with
// client tokens the retries are answered as the first, lost too; those
// without answer the retry "duplicate", which was always taken for ours.
func TestAccRule_lostCreateIsReadBeforeGivingUp(t *testing.T) {
	cliIndependent(t)
	for _, tc := range []struct{ cloud, group, action string }{
		{"alicloud", "sg-web", "AuthorizeSecurityGroup"},
		{"apsarastack", "sg-as-web", "AuthorizeSecurityGroup"},
		{"baiducloud", "g-web", "authorizeRule"},
	} {
		t.Run(tc.cloud, func(t *testing.T) {
			m := mocktest.Start(t, "")
			m.Store.AddFault(store.Fault{Cloud: tc.cloud, Action: tc.action, DropAfterRate: 1})
			config := mocktest.ProviderConfig(m) + tcpRule("x", tc.cloud, tc.group, "22", "10.0.0.0/8", `timeouts = { create = "3s" }`)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             mocktest.CheckRuleCount(m, tc.cloud, tc.group, 0),
				Steps: []resource.TestStep{
					{
						Config: config,
						Check: resource.ComposeAggregateTestCheckFunc(
							mocktest.CheckRuleCount(m, tc.cloud, tc.group, 1),
							func(s *terraform.State) error {
								if n := len(m.Store.CallsOf(tc.cloud, tc.action)); n < 2 {
									return fmt.Errorf("%d authorizes: want the lost one retried", n)
								}
								id := s.RootModule().Resources["secgroup_rule.x"].Primary.Attributes["rule_id"]
								if id == "" || !strings.Contains(fmt.Sprint(mocktest.Rules(m, tc.cloud, tc.group)[0]), id) {
									return fmt.Errorf("the state's rule_id %q is not the cloud's rule %v", id, mocktest.Rules(m, tc.cloud, tc.group))
								}
								return nil
							}),
					},
					{
						Config:           config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
		})
	}
}

// remakeAfter arms the mock to revoke r and make it again, out of band,
// right after the first describe that follows an authorize of a rule on
// port: between the describe an apply read and the writes it makes next.
func remakeAfter(t *testing.T, m *mockcloud.Server, cloudName, group string, port int, r rule.Rule) {
	var mu sync.Mutex
	armed, done := false, false
	b := outOfBand(t, m, cloudName)
	m.Store.OnCall = func(c store.Call) {
		mu.Lock()
		act := false
		switch {
		case done:
		case strings.HasPrefix(c.Action, "Authorize") && strings.Contains(fmt.Sprint(c.Params), fmt.Sprintf("%d/%d", port, port)):
			armed = true
		case armed && c.Action == "DescribeSecurityGroupAttribute":
			done, act = true, true
		}
		mu.Unlock()
		// The out-of-band calls come back here, past done.
		if act {
			if err := b.Revoke(context.Background(), group, []rule.Rule{r}, ""); err != nil {
				t.Errorf("out-of-band revoke: %v", err)
			}
			if err := b.Authorize(context.Background(), group, []rule.Rule{r}, ""); err != nil {
				t.Errorf("out-of-band authorize: %v", err)
			}
		}
	}
}

// The exclusive resource revokes only what its plan named, chosen from a
// describe made under the group's lock at the moment it revokes, never
// from one cached earlier in the same apply. ECS: a rule revoked and made
// again out of band (same content, a new id) right after the apply read
// the group is not the rule the plan named, and stays. ENS, whose rule ids
// are contents: a rule made again after the plan has a newer creation
// time, and stays. Both were revoked, the apply reporting success.
func TestAccRulesExclusive_ruleMadeAgainIsNotRevoked(t *testing.T) {
	cliIndependent(t)
	extra := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(8080, 8080), CIDR: "192.0.2.0/24"}
	for _, tc := range []struct{ cloud, group string }{{"alicloud", "sg-web"}, {"ens", "sg-ens-web"}} {
		t.Run(tc.cloud, func(t *testing.T) {
			m := mocktest.Start(t, "")
			provider := mocktest.ProviderConfig(m)
			base := provider + tcpRule("keep", tc.cloud, tc.group, "22", "10.0.0.0/8") +
				exclusiveBlock(tc.cloud, tc.group, "[secgroup_rule.keep.id]")
			grown := provider + tcpRule("keep", tc.cloud, tc.group, "22", "10.0.0.0/8") +
				tcpRule("late", tc.cloud, tc.group, "23", "10.0.0.0/8") +
				exclusiveBlock(tc.cloud, tc.group, "[secgroup_rule.keep.id, secgroup_rule.late.id]")
			var before []map[string]any
			remake := func() {
				before = mocktest.Rules(m, tc.cloud, tc.group)
				if tc.cloud == "alicloud" {
					remakeAfter(t, m, tc.cloud, tc.group, 23, extra)
					return
				}
				// ENS dates rules in whole seconds: made again ten
				// minutes later by the cloud's clock (within what its
				// signatures allow).
				m.Store.SetClockOffset(10 * time.Minute)
				b := outOfBand(t, m, tc.cloud)
				if err := b.Revoke(context.Background(), tc.group, []rule.Rule{extra}, ""); err != nil {
					t.Fatal(err)
				}
				if err := b.Authorize(context.Background(), tc.group, []rule.Rule{extra}, ""); err != nil {
					t.Fatal(err)
				}
			}
			remade := func(*terraform.State) error {
				rules := mocktest.Rules(m, tc.cloud, tc.group)
				if len(rules) != 3 {
					return fmt.Errorf("the group holds %d rules, want keep, late and the rule made again: %v", len(rules), rules)
				}
				for _, r := range rules {
					for _, old := range before {
						if fmt.Sprint(r) == fmt.Sprint(old) && strings.Contains(fmt.Sprint(r), "8080") {
							return fmt.Errorf("the rule on 8080 is the one the plan saw, not the one made again: %v", r)
						}
					}
				}
				return nil
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						PreConfig:          func() { authorizeInMock(t, m, tc.cloud, tc.group, extra) },
						Config:             base,
						Check:              mocktest.CheckRuleCount(m, tc.cloud, tc.group, 2),
						ExpectNonEmptyPlan: true,
					},
					{
						Config: grown,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							revokes("8080"), beforeApply(remake),
						}},
						Check:              remade,
						ExpectNonEmptyPlan: true,
					},
				},
			})
		})
	}
}

// A revoke answered "not found" counts as done only once a read of the
// group shows the rule absent. A cross-account peer rule whose state
// lacks its owner (an earlier release did not read the owner id, and the
// cloud may give no account) is revoked without it, which ECS answers "not found" while
// the rule stays open: the read shows it, and it is revoked again named
// as the cloud gives it. Through the real CLI with -refresh=false, so
// nothing but the destroy's own read fixes the state. (destroy reported
// success and left the rule in the group.)
func TestAccRule_notFoundIsCheckedByARead(t *testing.T) {
	cliIndependent(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	dir := filepath.Join(work, "tf")
	writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+ruleBlock("x", "alicloud", "sg-web", "ingress",
		`protocol = "tcp"`, `port_range = "22"`, `peer_security_group_id = "sg-app"`, `peer_group_owner_id = "1234567890"`)))
	mustCLI(t, cli, dir, "apply", "-auto-approve")
	if n := editState(t, filepath.Join(dir, "terraform.tfstate"), func(_ *float64, attrs map[string]any) {
		attrs["peer_group_owner_id"], attrs["peer_group_owner_account"] = nil, nil
	}); n != 1 {
		t.Fatalf("%d rules in the state, want 1", n)
	}
	before := len(m.Store.CallsOf("alicloud", "RevokeSecurityGroup"))
	mustCLI(t, cli, dir, "destroy", "-refresh=false", "-auto-approve")
	if rules := mocktest.Rules(m, "alicloud", "sg-web"); len(rules) != 0 {
		t.Fatalf("destroy succeeded but the group still holds %v", rules)
	}
	revokes := m.Store.CallsOf("alicloud", "RevokeSecurityGroup")[before:]
	if len(revokes) != 2 || revokes[0].Params["SourceGroupOwnerId"] != nil || fmt.Sprint(revokes[1].Params["SourceGroupOwnerId"]) != "1234567890" {
		t.Fatalf("revokes %v: want one without the owner (not found), then one naming it", revokes)
	}
}
