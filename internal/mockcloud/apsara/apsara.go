// Package apsara is mockcloud's Alibaba Apsara Stack front-end: ECS's rule
// semantics (package ecs) behind the gateway route of the Apsara Stack RevokeSecurityGroup reference,
// POST /apsara/route/Ecs/{Action}, for the groups of cloud "apsarastack".
package apsara

import (
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/ecs"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// Cloud is the store's name for Apsara Stack groups.
const Cloud = "apsarastack"

// Region is the region of the fixture groups, an Apsara Stack style name.
const Region = "cn-qingdao-env17-d01"

// New builds the front-end.
func New(cfg frontend.Config) *ecs.API { return ecs.NewRoute(cfg, Cloud) }

// Fixtures are the Apsara Stack groups mockcloud starts with (documented in
// mockcloud's README): sg-as-web, sg-as-app and sg-as-db, empty, in
// Region, VPC vpc-as.
func Fixtures(time.Time) []*store.Group {
	var out []*store.Group
	for _, id := range []string{"sg-as-web", "sg-as-app", "sg-as-db"} {
		out = append(out, &store.Group{Cloud: Cloud, ID: id, Region: Region, Status: "Available", VpcID: "vpc-as", Rules: []any{}})
	}
	return out
}
