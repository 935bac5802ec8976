package provider

import (
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

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

// providerConfig points the alicloud block at the mock.
func providerConfig(m *mockcloud.Server) string {
	return fmt.Sprintf(`
provider "secgroup" {
  alicloud {
    access_key = "mock-access-key"
    secret_key = "mock-secret-key"
    region     = "cn-hangzhou"
    endpoint   = %q
  }
}
`, m.URL)
}

// mockRules returns the rules the mock holds in one ECS group, as the
// JSON-like maps /_mock/state shows.
func mockRules(m *mockcloud.Server, group string) []map[string]any {
	g, ok := m.Store.FindGroup("alicloud", group)
	if !ok {
		return nil
	}
	var out []map[string]any
	for _, r := range g.Rules {
		out = append(out, asMap(r))
	}
	return out
}

// checkMockRule checks that the mock holds exactly one rule in group with
// the given wire fields.
func checkMockRule(m *mockcloud.Server, group string, want map[string]string) func(*terraform.State) error {
	return func(*terraform.State) error {
		var found []map[string]any
		for _, r := range mockRules(m, group) {
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
			return fmt.Errorf("mock group %s has %d rules with %v, want 1; it holds %v", group, len(found), want, mockRules(m, group))
		}
		return nil
	}
}

// checkMockEmpty is a CheckDestroy: the mock's groups hold no rules.
func checkMockEmpty(m *mockcloud.Server, groups ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		for _, g := range groups {
			if rules := mockRules(m, g); len(rules) != 0 {
				return fmt.Errorf("mock group %s still has %d rules after destroy: %v", g, len(rules), rules)
			}
		}
		return nil
	}
}

func callCount(m *mockcloud.Server, action string, status int) int {
	n := 0
	for _, c := range m.Store.CallsOf("alicloud", action) {
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
