package mockcloud

import (
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/apsarastack"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// Clouds are the clouds mockcloud serves, by their names in the provider.
var Clouds = []string{"zenlayer", "alicloud", "baiducloud", "apsarastack", "ens"}

// ClientSettings are the provider block settings, besides endpoint, that
// reach the mock's fixture groups of a cloud: the default credentials and
// the fixtures' region (and Apsara Stack's organization).
func ClientSettings(cloud string) map[string]string {
	s := map[string]string{"access_key": frontend.DefaultAccessKey, "secret_key": frontend.DefaultSecretKey}
	switch cloud {
	case "alicloud":
		s["region"] = "cn-hangzhou"
	case "baiducloud":
		s["region"] = "bj"
	case "apsarastack":
		s["region"], s["organization_id"], s["resource_group_id"] = apsarastack.Region, "org-1", "rg-1"
	}
	return s
}

// NewGroup is an empty Available group of a cloud in the region (and
// network) of its fixtures, for tests and benchmarks to add.
func NewGroup(cloud, id string) *store.Group {
	g := &store.Group{Cloud: cloud, ID: id, Status: "Available", Region: ClientSettings(cloud)["region"], Rules: []any{}}
	switch cloud {
	case "alicloud":
		g.VpcID = "vpc-main"
	case "baiducloud":
		g.VpcID = "vpc-bj"
	case "apsarastack":
		g.VpcID = "vpc-as"
	}
	return g
}
