package alicloud

import (
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// Regions are the regions the mock knows besides those of its groups.
var Regions = []string{"cn-hangzhou", "cn-shanghai", "cn-beijing", "ap-southeast-1", "eu-central-1"}

// Fixtures are the ECS groups mockcloud starts with (documented in
// docs/mockcloud.md):
//
//   - sg-web, sg-app, sg-db in cn-hangzhou, VPC vpc-main: empty groups to
//     put rules in and to name as peers of one another;
//   - sg-other-vpc in cn-hangzhou, VPC vpc-other: a peer in another VPC;
//   - sg-bj in cn-beijing, VPC vpc-bj: a group of another region.
func Fixtures(time.Time) []*store.Group {
	g := func(id, region, vpc string) *store.Group {
		return &store.Group{Cloud: Cloud, ID: id, Region: region, Status: "Available", VpcID: vpc, Rules: []any{}}
	}
	return []*store.Group{
		g("sg-web", "cn-hangzhou", "vpc-main"),
		g("sg-app", "cn-hangzhou", "vpc-main"),
		g("sg-db", "cn-hangzhou", "vpc-main"),
		g("sg-other-vpc", "cn-hangzhou", "vpc-other"),
		g("sg-bj", "cn-beijing", "vpc-bj"),
	}
}
