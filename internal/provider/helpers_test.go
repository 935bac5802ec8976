package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
)

// outOfBand connects to one cloud of the mock directly, to change it as
// another tool would.
func outOfBand(t *testing.T, m *mockcloud.Server, cloudName string) cloud.Backend {
	t.Helper()
	def, _ := Clouds().Get(cloudName)
	b, err := def.Connect(context.Background(), mocktest.Settings(cloudName, m.URL))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// spaced lets a pattern match across the CLI's line wrapping.
func spaced(pattern string) string {
	return regexp.MustCompile(` +`).ReplaceAllString(pattern, `\s+`)
}

// planCase is one configuration that must fail at plan time: body holds
// the rule's attributes besides cloud, group and direction; want is a
// regular expression of the error (spaces match the CLI's line wrapping).
type planCase struct{ name, body, want string }

// expectPlanErrors plans each case as one ingress rule in a group of the
// cloud, through the CLI, and expects its error; none may reach the cloud.
func expectPlanErrors(t *testing.T, m *mockcloud.Server, cloudName, group string, cases []planCase) {
	t.Helper()
	before := len(m.Store.Calls())
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      mocktest.ProviderConfig(m) + ruleBlock("x", cloudName, group, "ingress", tc.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)` + spaced(tc.want)),
				}},
			})
		})
	}
	if n := len(m.Store.Calls()); n != before {
		t.Fatalf("plan-time errors reached the cloud: %d calls", n-before)
	}
}

// authorizeInMock creates a rule out of band, as another tool would, and
// returns its native id.
func authorizeInMock(t *testing.T, m *mockcloud.Server, cloudName, group string, r rule.Rule) string {
	t.Helper()
	b := outOfBand(t, m, cloudName)
	if err := b.Authorize(context.Background(), group, []rule.Rule{r}, ""); err != nil {
		t.Fatal(err)
	}
	rules, err := b.Describe(context.Background(), group)
	if err != nil || rule.Find(rules, r) < 0 {
		t.Fatalf("describe after out-of-band authorize: %v", err)
	}
	return rules[rule.Find(rules, r)].NativeID
}

// revokeAllInMock deletes a group's rules out of band.
func revokeAllInMock(t *testing.T, m *mockcloud.Server, cloudName, group string) {
	t.Helper()
	b := outOfBand(t, m, cloudName)
	rules, err := b.Describe(context.Background(), group)
	if err == nil {
		err = b.Revoke(context.Background(), group, rules, "")
	}
	if err != nil {
		t.Fatal(err)
	}
}

// disappearsSteps test a rule that disappears: deleted outside Terraform,
// it is planned and created again; recreated out of band under a new id,
// it is still the declared rule, adopted with its new id and no change.
// config declares r as secgroup_rule.x in the group; wire are its fields
// in the mock, idField the mock's field of its id.
func disappearsSteps(t *testing.T, m *mockcloud.Server, cloudName, group, config string, r rule.Rule, wire map[string]string, idField string) []resource.TestStep {
	return []resource.TestStep{
		{Config: config, Check: mocktest.CheckRule(m, cloudName, group, wire)},
		{
			PreConfig: func() { revokeAllInMock(t, m, cloudName, group) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("secgroup_rule.x", plancheck.ResourceActionCreate),
			}},
			Check: mocktest.CheckRule(m, cloudName, group, wire),
		},
		{
			PreConfig: func() {
				revokeAllInMock(t, m, cloudName, group)
				authorizeInMock(t, m, cloudName, group, r)
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("secgroup_rule.x", plancheck.ResourceActionNoop),
			}},
			Check: func(s *terraform.State) error {
				want := fmt.Sprint(mocktest.Rules(m, cloudName, group)[0][idField])
				if got := s.RootModule().Resources["secgroup_rule.x"].Primary.Attributes["rule_id"]; got != want {
					return fmt.Errorf("rule_id %s, want the new id %s", got, want)
				}
				return nil
			},
		},
	}
}

// clearCloudEnv empties, for the test, every environment variable a
// cloud's settings are read from, as its definition lists them.
func clearCloudEnv(t *testing.T, cloudName string) {
	t.Helper()
	def, ok := Clouds().Get(cloudName)
	if !ok {
		t.Fatalf("no cloud %q", cloudName)
	}
	for _, s := range def.Settings {
		for _, v := range s.EnvVars {
			t.Setenv(v, "")
		}
	}
}
