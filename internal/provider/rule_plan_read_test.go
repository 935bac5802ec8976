package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// A plan that adds a rule reads its group; a read the cloud refuses fails
// the plan there, naming the setting or the group, on every cloud, as
// the apply would fail: a wrong secret key, a group that does not exist.
func TestAccRule_planFailsWhenItsReadFails(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	wrongSecret := strings.ReplaceAll(mocktest.ProviderConfig(m), `"mock-secret-key"`, `"not-the-secret"`)
	for _, tc := range everyCloud {
		t.Run(tc.cloud, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config:      wrongSecret + tcpRule("x", tc.cloud, tc.group, "22", "10.0.0.0/8"),
						PlanOnly:    true,
						ExpectError: regexp.MustCompile(`(?s)Cannot Read Security Group.*` + tc.group + `.*secret_key`),
					},
					{
						Config:      mocktest.ProviderConfig(m) + tcpRule("x", tc.cloud, "sg-missing", "22", "10.0.0.0/8"),
						PlanOnly:    true,
						ExpectError: regexp.MustCompile(`(?s)Cannot Read Security Group.*sg-missing`),
					},
				},
			})
		})
	}
}
