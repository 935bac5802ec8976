package provider

import (
	"maps"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
)

// A group's machine lock is named by its cloud, region and endpoint,
// canonically, and its id: configurations that reach one group through
// two spellings of one endpoint (the default left empty beside it written
// out, a trailing slash, upper case, :443 on https, a bare host) or two
// keys of one account take one lock file; another region, endpoint, cloud
// or group takes another.
func TestLockScopeIsCanonical(t *testing.T) {
	registry := Clouds()
	lockFile := func(cloudName, group string, settings map[string]string) string {
		def, ok := registry.Get(cloudName)
		if !ok {
			t.Fatalf("no cloud %s", cloudName)
		}
		return engine.LockFileName(def, settings, group)
	}
	with := func(base map[string]string, kv ...string) map[string]string {
		s := maps.Clone(base)
		for i := 0; i < len(kv); i += 2 {
			s[kv[i]] = kv[i+1]
		}
		return s
	}
	ecs := map[string]string{"access_key": "key-of-alice", "secret_key": "secret-of-alice", "region": "cn-hangzhou"}
	bcc := map[string]string{"access_key": "ak", "secret_key": "sk", "region": "bj"}
	zen := map[string]string{"access_key": "ak", "secret_key": "sk"}
	stack := map[string]string{"access_key": "ak", "secret_key": "sk", "region": "cn-qingdao-env", "endpoint": "http://10.0.0.1:8080"}

	for _, tc := range []struct {
		name   string
		cloud  string
		spells []map[string]string
	}{
		{"ECS: default, written out, upper case, :443, slash, bare host, another user's key", "alicloud", []map[string]string{
			ecs,
			with(ecs, "endpoint", "https://ecs-cn-hangzhou.aliyuncs.com"),
			with(ecs, "endpoint", "HTTPS://ECS-CN-HANGZHOU.ALIYUNCS.COM:443/"),
			with(ecs, "endpoint", "ecs-cn-hangzhou.aliyuncs.com"),
			with(ecs, "access_key", "key-of-bob", "secret_key", "secret-of-bob"),
			with(ecs, "access_key", ""),
			with(ecs, "endpoint", "http://ecs-cn-hangzhou.aliyuncs.com"),
			with(ecs, "endpoint", "https://ecs-cn-hangzhou.aliyuncs.com:8443"),
			with(ecs, "endpoint", "https://ecs-vpc.cn-hangzhou.aliyuncs.com"),
		}},
		{"ECS through a mock: slash and upper-case scheme, region spelled apart", "alicloud", []map[string]string{
			with(ecs, "endpoint", "http://127.0.0.1:8080"),
			with(ecs, "endpoint", "HTTP://127.0.0.1:8080/"),
			with(ecs, "endpoint", "http://127.0.0.1:8080", "region", " CN-Hangzhou "),
			with(ecs, "endpoint", "http://LOCALHOST:8080"),
			with(ecs, "endpoint", "http://[::1]:8080"),
		}},
		{"BCC: the region's default written out", "baiducloud", []map[string]string{
			bcc,
			with(bcc, "endpoint", "https://bcc.bj.baidubce.com"),
			with(bcc, "endpoint", "https://BCC.BJ.baidubce.com:443/"),
		}},
		{"Zenlayer: default, bare host, upper case", "zenlayer", []map[string]string{
			zen,
			with(zen, "endpoint", "console.zenlayer.com"),
			with(zen, "endpoint", "https://Console.Zenlayer.com/"),
		}},
		{"ENS: default, final dot", "ens", []map[string]string{
			zen,
			with(zen, "endpoint", "https://ens.aliyuncs.com."),
		}},
		{"Apsara Stack: upper case, slash, another key", "apsarastack", []map[string]string{
			stack,
			with(stack, "endpoint", "HTTP://10.0.0.1:8080/"),
			with(stack, "access_key", "another"),
		}},
	} {
		want := lockFile(tc.cloud, "sg-1", tc.spells[0])
		for i, s := range tc.spells[1:] {
			if got := lockFile(tc.cloud, "sg-1", s); got != want {
				t.Errorf("%s: spelling %d (%v) locks %s, the first %s", tc.name, i+1, s, got, want)
			}
		}
	}

	apart := map[string]string{}
	for _, tc := range []struct {
		name, cloud, group string
		settings           map[string]string
	}{
		{"ECS", "alicloud", "sg-1", ecs},
		{"ECS, another group", "alicloud", "sg-2", ecs},
		{"ECS, another region", "alicloud", "sg-1", with(ecs, "region", "cn-shanghai")},
		{"ECS, another endpoint", "alicloud", "sg-1", with(ecs, "endpoint", "https://ecs.example.com")},
		{"ECS, a mock on this machine", "alicloud", "sg-1", with(ecs, "endpoint", "http://127.0.0.1:8080")},
		{"ECS, a mock on another port", "alicloud", "sg-1", with(ecs, "endpoint", "http://127.0.0.1:8081")},
		{"ECS, a private endpoint's host name", "alicloud", "sg-1", with(ecs, "endpoint", "https://ecs.example.com:8443")},
		{"ENS, the same id", "ens", "sg-1", zen},
		{"Apsara Stack", "apsarastack", "sg-1", stack},
		{"ECS at Apsara Stack's endpoint and region", "alicloud", "sg-1", with(ecs, "endpoint", stack["endpoint"], "region", stack["region"])},
		{"BCC", "baiducloud", "sg-1", bcc},
		{"BCC, another region", "baiducloud", "sg-1", with(bcc, "region", "gz")},
		{"Zenlayer", "zenlayer", "sg-1", zen},
	} {
		f := lockFile(tc.cloud, tc.group, tc.settings)
		if other, ok := apart[f]; ok {
			t.Errorf("%s and %s take one lock file", tc.name, other)
		}
		apart[f] = tc.name
	}
}

// README promises that "two spellings of one endpoint take one
// lock", and lockscope_test spells ECS's default as the SDK's table host
// (ecs-cn-hangzhou.aliyuncs.com). The host ECS documents for a region is
// ecs.<region>.aliyuncs.com (vendor-wire.md 2.1), and ecs.aliyuncs.com
// serves every region (RegionId names it): a configuration that writes
// either beside one that leaves the endpoint to its default takes another
// lock, so both can own one rule of group sg-1 (ECS group ids are unique
// per region: the host adds nothing to what the lock must tell apart).
func TestECSDocumentedHostsShareTheDefaultsLock(t *testing.T) {
	def, _ := Clouds().Get("alicloud")
	base := map[string]string{"access_key": "a", "secret_key": "s", "region": "cn-hangzhou"}
	want := engine.LockFileName(def, base, "sg-1")
	for _, ep := range []string{"https://ecs.cn-hangzhou.aliyuncs.com", "https://ecs.aliyuncs.com"} {
		s := map[string]string{"access_key": "a", "secret_key": "s", "region": "cn-hangzhou", "endpoint": ep}
		if got := engine.LockFileName(def, s, "sg-1"); got != want {
			t.Errorf("endpoint %s locks %s; the default endpoint of the same region %s", ep, got, want)
		}
	}
}
