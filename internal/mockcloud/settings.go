package mockcloud

import (
	"maps"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/apsarastack"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/baiducloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/ens"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/zenlayer"
)

// fixtures is what each front-end package says of its fixtures.
type fixtures struct {
	name     string
	settings func() map[string]string
	newGroup func(id string) *store.Group
	// decodeRule reads one rule as GET /_mock/state prints it.
	decodeRule func(data []byte) (any, error)
	// ruleKey is what makes a decoded rule the same rule as another, as
	// the front-end's authorize compares a repeat.
	ruleKey func(rule any) string
	// needsRegion: the front-end finds a group only in its region, so a
	// group without one is unreachable.
	needsRegion bool
	// ruleQuota is the quota a decoded rule counts against, as the
	// front-end's authorize counts: a name ("" for the whole group, else
	// the direction) and its limit.
	ruleQuota func(rule any) (string, int)
}

var byCloud = []fixtures{
	{"zenlayer", zenlayer.ClientSettings, zenlayer.NewGroup, zenlayer.DecodeRule, zenlayer.RuleKey, false, zenlayer.RuleQuota},
	{"alicloud", alicloud.ClientSettings, alicloud.NewGroup, alicloud.DecodeRule, alicloud.RuleKey, true, alicloud.RuleQuota},
	{"baiducloud", baiducloud.ClientSettings, baiducloud.NewGroup, baiducloud.DecodeRule, baiducloud.RuleKey, false, baiducloud.RuleQuota},
	{"apsarastack", apsarastack.ClientSettings, apsarastack.NewGroup, apsarastack.DecodeRule, apsarastack.RuleKey, true, apsarastack.RuleQuota},
	{"ens", ens.ClientSettings, ens.NewGroup, ens.DecodeRule, ens.RuleKey, false, ens.RuleQuota},
}

// Clouds are the clouds mockcloud serves, by their names in the provider.
var Clouds = func() []string {
	var out []string
	for _, f := range byCloud {
		out = append(out, f.name)
	}
	return out
}()

func fixturesOf(cloud string) fixtures {
	f, ok := lookupCloud(cloud)
	if !ok {
		panic("mockcloud serves no cloud " + cloud)
	}
	return f
}

func lookupCloud(cloud string) (fixtures, bool) {
	for _, f := range byCloud {
		if f.name == cloud {
			return f, true
		}
	}
	return fixtures{}, false
}

// ClientSettings are the provider block settings, besides endpoint, that
// reach the mock's fixture groups of a cloud: the default credentials and
// what the cloud's front-end adds (its fixtures' region, Apsara Stack's
// organization).
func ClientSettings(cloud string) map[string]string {
	s := map[string]string{"access_key": frontend.DefaultAccessKey, "secret_key": frontend.DefaultSecretKey}
	maps.Copy(s, fixturesOf(cloud).settings())
	return s
}

// NewGroup is an empty Available group of a cloud beside its fixtures, for
// tests and benchmarks to add.
func NewGroup(cloud, id string) *store.Group { return fixturesOf(cloud).newGroup(id) }
