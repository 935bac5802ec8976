package provider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// testAccProtoV6ProviderFactories runs the provider in the test process;
// Terraform reaches it through the CLI's reattach mechanism.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"secgroup": providerserver.NewProtocol6WithError(New("test")()),
}

// startMock starts an in-process mockcloud on a free port.
func startMock(t *testing.T) *mockcloud.Server { return mocktest.Start(t, "") }

func testAccPreCheck(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run with TF_ACC=1 (make test sets it)")
	}
}

// mockSettings are the provider block settings that point each cloud at a
// mockcloud (the endpoint is added per mock).
var mockSettings = func() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, c := range mockcloud.Clouds {
		out[c] = mockcloud.ClientSettings(c)
	}
	return out
}()

// providerConfig points every cloud's block at the mock.
func providerConfig(m *mockcloud.Server) string {
	var b strings.Builder
	b.WriteString("\nprovider \"secgroup\" {\n")
	for _, name := range slices.Sorted(maps.Keys(mockSettings)) {
		fmt.Fprintf(&b, "  %s {\n", name)
		for _, k := range slices.Sorted(maps.Keys(mockSettings[name])) {
			fmt.Fprintf(&b, "    %s = %q\n", k, mockSettings[name][k])
		}
		fmt.Fprintf(&b, "    endpoint = %q\n  }\n", m.URL)
	}
	b.WriteString("}\n")
	return b.String()
}

// mockBackend connects to one cloud of the mock directly, to change it out
// of band as another tool would.
func mockBackend(t *testing.T, m *mockcloud.Server, name string) cloud.Backend {
	t.Helper()
	def, _ := Clouds().Get(name)
	settings := maps.Clone(mockSettings[name])
	settings["endpoint"] = m.URL
	b, err := def.Connect(context.Background(), settings)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mockRules returns the rules the mock holds in one ECS group, as the
// JSON-like maps /_mock/state shows.
func mockRules(m *mockcloud.Server, group string) []map[string]any {
	return mockRulesOf(m, "alicloud", group)
}

// mockRulesOf returns the rules of one group of any cloud.
func mockRulesOf(m *mockcloud.Server, cloudName, group string) []map[string]any {
	g, ok := m.Store.FindGroup(cloudName, group)
	if !ok {
		return nil
	}
	var out []map[string]any
	for _, r := range g.Rules {
		out = append(out, asMap(r))
	}
	return out
}

// checkMockRule checks that the mock holds exactly one rule in an ECS
// group with the given wire fields.
func checkMockRule(m *mockcloud.Server, group string, want map[string]string) func(*terraform.State) error {
	return checkCloudRule(m, "alicloud", group, want)
}

// checkCloudRule checks that the mock holds exactly one rule in a group of
// the cloud with the given wire fields.
func checkCloudRule(m *mockcloud.Server, cloudName, group string, want map[string]string) func(*terraform.State) error {
	return func(*terraform.State) error {
		var found []map[string]any
		for _, r := range mockRulesOf(m, cloudName, group) {
			match := true
			for k, v := range want {
				if fmt.Sprint(r[k]) != v {
					match = false
				}
			}
			if match {
				found = append(found, r)
			}
		}
		if len(found) != 1 {
			return fmt.Errorf("mock %s group %s has %d rules with %v, want 1; it holds %v", cloudName, group, len(found), want, mockRulesOf(m, cloudName, group))
		}
		return nil
	}
}

// checkMockEmpty is a CheckDestroy: the mock's ECS groups hold no rules.
func checkMockEmpty(m *mockcloud.Server, groups ...string) func(*terraform.State) error {
	return checkCloudEmpty(m, "alicloud", groups...)
}

// checkCloudEmpty is a CheckDestroy: the cloud's groups hold no rules.
func checkCloudEmpty(m *mockcloud.Server, cloudName string, groups ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		for _, g := range groups {
			if rules := mockRulesOf(m, cloudName, g); len(rules) != 0 {
				return fmt.Errorf("mock %s group %s still has %d rules after destroy: %v", cloudName, g, len(rules), rules)
			}
		}
		return nil
	}
}

func callCount(m *mockcloud.Server, action string, status int) int {
	return cloudCallCount(m, "alicloud", action, status)
}

// cloudCallCount counts a cloud's calls of an action answered with status
// (any status when negative).
func cloudCallCount(m *mockcloud.Server, cloudName, action string, status int) int {
	n := 0
	for _, c := range m.Store.CallsOf(cloudName, action) {
		if status < 0 || c.Status == status {
			n++
		}
	}
	return n
}

// expectCalls checks how many calls of an action the mock answered 200.
func expectCalls(m *mockcloud.Server, action string, want int) error {
	if got := callCount(m, action, 200); got != want {
		return fmt.Errorf("%d successful %s calls, want %d", got, action, want)
	}
	return nil
}

// checkRuleCount checks how many rules a group of the mock holds.
func checkRuleCount(m *mockcloud.Server, cloudName, group string, want int) func(*terraform.State) error {
	return func(*terraform.State) error {
		if n := len(mockRulesOf(m, cloudName, group)); n != want {
			return fmt.Errorf("mock %s group %s holds %d rules, want %d", cloudName, group, n, want)
		}
		return nil
	}
}

// planCase is one configuration that must fail at plan time: body holds
// the rule's attributes besides cloud, group and direction; want is a
// regular expression of the error (spaces match the CLI's line wrapping).
type planCase struct{ name, body, want string }

// expectPlanErrors plans each case as one ingress rule in a group of the
// cloud and expects its error; none may reach the cloud.
func expectPlanErrors(t *testing.T, m *mockcloud.Server, cloudName, group string, cases []planCase) {
	t.Helper()
	before := len(m.Store.Calls())
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerConfig(m) + fmt.Sprintf(`
resource "secgroup_rule" "x" {
  cloud             = %q
  security_group_id = %q
  direction         = "ingress"
  %s
}
`, cloudName, group, tc.body),
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
