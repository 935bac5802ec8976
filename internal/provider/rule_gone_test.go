package provider

import (
	"net/http"
	"slices"
	"testing"

	mockapsarastack "github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/apsarastack"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	mockalicloud "github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/alicloud"
)

// mockControl sends one call to the mock's control API and fails the test
// unless it answers 200.
func mockControl(t *testing.T, m *mockcloud.Server, method, path string) {
	t.Helper()
	req, _ := http.NewRequest(method, m.URL+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: HTTP %d", method, path, resp.StatusCode)
	}
}

// A rule removed out of band and a group deleted out of band, then
// `terraform destroy -refresh=false`: Delete reaches the cloud for both,
// the cloud says they are gone, and the destroy succeeds, on every cloud
// and in every answer shape of Apsara Stack's gateway.
func TestAccRule_destroyWhatIsAlreadyGone(t *testing.T) {
	cliIndependent(t)
	cases := []struct {
		name, cloud, kept, deleted string
		behavior                   map[string]string
		// goneCodes are the answers the revokes of the two must get.
		goneCodes []string
	}{
		{name: "zenlayer", cloud: "zenlayer", kept: "zl-web", deleted: "zl-app",
			goneCodes: []string{"INVALID_SECURITY_GROUP_RULE_NOT_FOUND", "INVALID_SECURITY_GROUP_NOT_FOUND"}},
		{name: "alicloud", cloud: "alicloud", kept: "sg-web", deleted: "sg-app",
			goneCodes: []string{"InvalidSecurityGroupRule.RuleNotExist", "InvalidSecurityGroupId.NotFound"}},
		{name: "baiducloud", cloud: "baiducloud", kept: "g-web", deleted: "g-app",
			goneCodes: []string{"SecurityGroup.RuleNotExist", "NoSuchObject"}},
		{name: "apsarastack", cloud: "apsarastack", kept: "sg-as-web", deleted: "sg-as-app",
			behavior:  map[string]string{mockalicloud.RevokeMissing: "InvalidGroupAuthItem.NotFound"},
			goneCodes: []string{"InvalidGroupAuthItem.NotFound", "InvalidSecurityGroupId.NotFound"}},
		{name: "apsarastack combined answers", cloud: "apsarastack", kept: "sg-as-web", deleted: "sg-as-app",
			behavior:  map[string]string{mockalicloud.RevokeMissing: "InvalidGroupAuthItem.NotFound", mockapsarastack.ErrorShape: mockapsarastack.ShapeCombined},
			goneCodes: []string{"InvalidGroupAuthItem.NotFound", "InvalidSecurityGroupId.NotFound"}},
		{name: "apsarastack gateway answers", cloud: "apsarastack", kept: "sg-as-web", deleted: "sg-as-app",
			behavior:  map[string]string{mockapsarastack.ErrorShape: mockapsarastack.ShapeASAPI},
			goneCodes: []string{"InvalidSecurityGroupRule.RuleNotExist", "InvalidSecurityGroupId.NotFound"}},
		{name: "ens", cloud: "ens", kept: "sg-ens-web", deleted: "sg-ens-db",
			goneCodes: []string{"SecurityGroupRule.NotFound", "InvalidSecurityGroupId.NotFound"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := mocktest.Start(t, "")
			for k, v := range tc.behavior {
				m.Store.SetBehavior(tc.cloud, k, v)
			}
			config := mocktest.ProviderConfig(m)
			for _, group := range []string{tc.kept, tc.deleted} {
				config += tcpRule(group, tc.cloud, group, "22", "10.0.0.0/8")
			}
			callsBefore := 0
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				// Every plan, the destroy's among them, with -refresh=false:
				// Delete is called for rules that are no longer there.
				AdditionalCLIOptions: &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
				Steps: []resource.TestStep{
					{
						Config: config,
						Check: resource.ComposeAggregateTestCheckFunc(
							mocktest.CheckRuleCount(m, tc.cloud, tc.kept, 1),
							mocktest.CheckRuleCount(m, tc.cloud, tc.deleted, 1),
						),
					},
					{
						PreConfig: func() {
							mockControl(t, m, http.MethodDelete, "/_mock/groups/"+tc.cloud+"/"+tc.kept+"/rules/@0")
							mockControl(t, m, http.MethodDelete, "/_mock/groups/"+tc.cloud+"/"+tc.deleted)
							callsBefore = len(m.Store.Calls())
						},
						Config:  config,
						Destroy: true,
					},
				},
			})
			var codes []string
			for _, c := range m.Store.Calls()[callsBefore:] {
				codes = append(codes, c.Code)
			}
			for _, want := range tc.goneCodes {
				if !slices.Contains(codes, want) {
					t.Errorf("destroy got answers %q, none of them %s", codes, want)
				}
			}
			if _, ok := m.Store.FindGroup(tc.cloud, tc.deleted); ok {
				t.Errorf("group %s is back", tc.deleted)
			}
			if n := len(mocktest.Rules(m, tc.cloud, tc.kept)); n != 0 {
				t.Errorf("group %s holds %d rules", tc.kept, n)
			}
		})
	}
}
