package engine_test

import (
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/provider"
)

// A group's lock file name is shared by every release on one machine: two
// releases that named one group's lock apart would write to it at once,
// each blind to the other. The names below are those the release before
// issue 33 (commit 3580636, engine.lockScopeOf) gave; a change of
// cloud.Cloud.Scope's lock part that moves any of them fails here.
func TestLockFileNamesAsEarlierReleases(t *testing.T) {
	defs := map[string]cloud.Cloud{}
	for _, def := range provider.Clouds().All() {
		defs[def.Name] = def
	}
	for _, tc := range []struct{ cloud, region, endpoint, want string }{
		{"zenlayer", "", "", "9ec8ab6ac79d7aa26b3e122485982ffd3fa06cf2.lock"},
		{"zenlayer", "", "http://127.0.0.1:8080", "2777895130d92f117c342bc4763ad640c0b0027b.lock"},
		{"zenlayer", "", "https://private.example.com/", "d5ae6cb180e652a5e1df0e3df418c5bb74de7c13.lock"},
		{"ens", "", "", "3f9bce3e82ccc222f8a33323020c6fb053e784db.lock"},
		{"ens", "", "http://127.0.0.1:8080", "450732ccf2fe7216434a296f03805c98bc978518.lock"},
		{"alicloud", "cn-hangzhou", "", "8b6bcab22ddc3a10e2b3448c98e53d49db0f850f.lock"},
		{"alicloud", " CN-Hangzhou ", "HTTPS://ECS.ALIYUNCS.COM:443/", "8b6bcab22ddc3a10e2b3448c98e53d49db0f850f.lock"},
		{"alicloud", "cn-hangzhou", "http://127.0.0.1:8080", "eb374667fe7c5e7d9de85585b21fcaa8551f51e0.lock"},
		{"alicloud", "cn-hangzhou", "https://10.0.0.1:8443/x/", "fdcc001496728391d5b13a9fdca62c13f5e64eee.lock"},
		{"baiducloud", "bj", "", "a5b193f20064ed416a9a72ea14d4421f1bc00e91.lock"},
		{"baiducloud", "bj", "http://127.0.0.1:8080", "eb4e6c3e38723d0fe4f1d841a44fe830844fe075.lock"},
		{"apsarastack", "cn-qingdao-env", "https://10.0.0.1:8443/x/", "002072bf8677faa6f6de54dbae5f42868ad62636.lock"},
		{"apsarastack", "cn-qingdao-env", "http://127.0.0.1:8080", "e26678b52daea4c320df06609b8411d3303b4946.lock"},
	} {
		settings := map[string]string{"access_key": "ak1", "secret_key": "sk"}
		if tc.region != "" {
			settings["region"] = tc.region
		}
		if tc.endpoint != "" {
			settings["endpoint"] = tc.endpoint
		}
		if got := engine.LockFileName(defs[tc.cloud], settings, "sg-1"); got != tc.want {
			t.Errorf("%s, region %q, endpoint %q: lock file %s; the earlier release takes %s", tc.cloud, tc.region, tc.endpoint, got, tc.want)
		}
	}
}
