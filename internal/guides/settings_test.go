package guides

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/apsarastack"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/baiducloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/ens"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/zenlayer"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
)

const (
	root    = "../.."
	example = root + "/examples/modules/web-ingress"
	guide   = root + "/docs/guides/testing-modules-with-mockcloud.md"
)

// mockSettings are the settings that reach mockcloud's fixture groups of
// a cloud, the endpoint as the guide writes it.
func mockSettings(name, endpoint string) map[string]string {
	s := mockcloud.ClientSettings(name)
	s["endpoint"] = endpoint
	return s
}

// The example's test file points every cloud's block at mockcloud with
// what reaches its fixture groups, as mockcloud itself says.
func TestExampleProviderBlockReachesEveryCloud(t *testing.T) {
	src, err := os.ReadFile(example + "/tests/web_ingress.tftest.hcl")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range mockcloud.Clouds {
		m := regexp.MustCompile(`(?ms)^  ` + name + ` \{\n(.*?)^  \}`).FindStringSubmatch(string(src))
		if m == nil {
			t.Errorf("no %s block", name)
			continue
		}
		got := map[string]string{}
		for _, kv := range regexp.MustCompile(`(?m)^\s+(\w+)\s+=\s+(.*)$`).FindAllStringSubmatch(m[1], -1) {
			got[kv[1]] = strings.Trim(kv[2], `"`)
		}
		want := mockSettings(name, "var.mockcloud_url")
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s block: %s = %q, want %q", name, k, got[k], v)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s block: %v, want %v", name, got, want)
		}
	}
}

// The guide's environment sets, for every cloud, one of each setting's
// variables to what reaches mockcloud's fixture groups.
func TestGuideEnvironmentReachesEveryCloud(t *testing.T) {
	src, err := os.ReadFile(root + "/examples/guides/testing-modules-with-mockcloud/environment.sh")
	if err != nil {
		t.Fatal(err)
	}
	exported := map[string]string{}
	for _, kv := range regexp.MustCompile(`(\w+)=(\S+)`).FindAllStringSubmatch(string(src), -1) {
		exported[kv[1]] = kv[2]
	}
	for _, def := range []cloud.Cloud{zenlayer.Definition(), alicloud.Definition(), baiducloud.Definition(), apsarastack.Definition(), ens.Definition()} {
		for name, value := range mockSettings(def.Name, "$MOCKCLOUD_URL") {
			i := slices.IndexFunc(def.Settings, func(s cloud.Setting) bool { return s.Name == name })
			if i < 0 {
				t.Errorf("%s has no setting %s", def.Name, name)
				continue
			}
			if !slices.ContainsFunc(def.Settings[i].EnvVars, func(env string) bool { return exported[env] == value }) {
				t.Errorf("%s %s: none of %v is set to %q", def.Name, name, def.Settings[i].EnvVars, value)
			}
		}
	}
}
