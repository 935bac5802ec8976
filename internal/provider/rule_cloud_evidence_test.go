package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// everyCloud is one group of each cloud, for tests that run on all five.
var everyCloud = []struct{ cloud, group string }{
	{"zenlayer", "zl-web"}, {"alicloud", "sg-web"}, {"baiducloud", "g-web"}, {"apsarastack", "sg-as-web"}, {"ens", "sg-ens-web"},
}

// pairOfRules is an ingress and an egress rule of a cloud's group.
func pairOfRules(cloudName, group string) string {
	return tcpRule("in", cloudName, group, "22", "10.0.0.0/8") +
		ruleBlock("out", cloudName, group, "egress", `protocol = "tcp"`, `port_range = "443"`, `cidr = "192.0.2.0/24"`)
}

// checkMock checks the rules the mock holds in a group and the client
// tokens of every call so far.
func checkMock(m *mockcloud.Server, cloudName, group string, rules int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if err := mocktest.CheckRuleCount(m, cloudName, group, rules)(nil); err != nil {
			return err
		}
		return mocktest.CheckTokens(m)
	}
}

// The same rules applied, destroyed, applied and destroyed again, as a
// pipeline that builds and tears down one environment every day does: each
// destroy leaves the group empty on every cloud. A revoke token that named
// the rule rather than the revoke (Baidu's clientToken, Apsara Stack's
// ClientToken) made the second destroy a repeat of the first, answered
// success with the rules left open.
func TestAccRule_applyDestroyTwice(t *testing.T) {
	cliIndependent(t)
	for _, tc := range everyCloud {
		t.Run(tc.cloud, func(t *testing.T) {
			m := mocktest.Start(t, "")
			provider := mocktest.ProviderConfig(m)
			rules := provider + pairOfRules(tc.cloud, tc.group)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkMock(m, tc.cloud, tc.group, 0),
				Steps: []resource.TestStep{
					{Config: rules, Check: checkMock(m, tc.cloud, tc.group, 2)},
					{Config: provider, Check: checkMock(m, tc.cloud, tc.group, 0)},
					{Config: rules, Check: checkMock(m, tc.cloud, tc.group, 2)},
					{Config: provider, Check: checkMock(m, tc.cloud, tc.group, 0)},
				},
			})
		})
	}
}

// A cloud whose clock is well off this machine's, behind or ahead, up to
// what the vendors' signatures allow (15 minutes; just inside it here):
// creates succeed, nothing is left outside the state, the plan after is
// empty and the destroy empties the group. Whether a rule existed before
// the create is decided by the cloud's own times, never this machine's.
func TestAccRule_cloudClockOff(t *testing.T) {
	cliIndependent(t)
	for _, offset := range []time.Duration{-(15*time.Minute - 20*time.Second), 15*time.Minute - 20*time.Second} {
		for _, tc := range everyCloud {
			t.Run(fmt.Sprintf("%s %+.0fs", tc.cloud, offset.Seconds()), func(t *testing.T) {
				appliesCleanly(t, tc.cloud, tc.group, func(m *mockcloud.Server) { m.Store.SetClockOffset(offset) })
			})
		}
	}
}

// appliesCleanly applies a pair of rules of a cloud's group on a mock that
// clock sets up, and checks that the mock holds them, that the plan after
// is empty and that destroying empties the group.
func appliesCleanly(t *testing.T, cloudName, group string, clock func(*mockcloud.Server)) {
	t.Helper()
	m := mocktest.Start(t, "")
	clock(m)
	config := mocktest.ProviderConfig(m) + pairOfRules(cloudName, group)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkMock(m, cloudName, group, 0),
		Steps: []resource.TestStep{
			{Config: config, Check: checkMock(m, cloudName, group, 2)},
			{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}
