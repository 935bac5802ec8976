package cloud_test

import (
	"slices"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/provider"
)

// Scope reads a cloud's account key, region and endpoint by the names
// every cloud gives them: a cloud that named one otherwise would lock its
// groups without it (two regions' groups of equal ids as one), silently.
func TestCloudsNameTheirScopeSettingsAlike(t *testing.T) {
	regional := map[string]bool{"alicloud": true, "baiducloud": true, "apsarastack": true}
	for _, def := range provider.Clouds().All() {
		has := func(name string) bool {
			return slices.ContainsFunc(def.Settings, func(s cloud.Setting) bool { return s.Name == name })
		}
		if !has(cloud.SettingAccessKey) || !has(cloud.SettingEndpoint) || has(cloud.SettingRegion) != regional[def.Name] {
			t.Errorf("%s: settings %v; want %s and %s, and %s exactly where the cloud has regions", def.Name, def.Settings,
				cloud.SettingAccessKey, cloud.SettingEndpoint, cloud.SettingRegion)
		}
	}
}

// The lock scope leaves the account out and spells region and endpoint
// one way; the cache scope keeps accounts apart.
func TestScopeLocksAcrossAccountsCachesApart(t *testing.T) {
	def := alicloud.Definition()
	alice := map[string]string{"access_key": "alice", "region": "cn-hangzhou"}
	bob := map[string]string{"access_key": "bob", "region": " CN-Hangzhou ", "endpoint": "https://ECS-VPC.cn-hangzhou.aliyuncs.com/"}
	cacheA, lockA := def.Scope(alice)
	cacheB, lockB := def.Scope(bob)
	if lockA != lockB || cacheA == cacheB {
		t.Fatalf("locks %q and %q, caches %q and %q: want one lock, two caches", lockA, lockB, cacheA, cacheB)
	}
	if _, other := def.Scope(map[string]string{"access_key": "alice", "region": "cn-shanghai"}); other == lockA {
		t.Fatalf("another region locks %q too", other)
	}
}
