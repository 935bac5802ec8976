package alicloud

import (
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// Regions are the regions the mock knows besides those of its groups.
var Regions = []string{"cn-hangzhou", "cn-shanghai", "cn-beijing", "ap-southeast-1", "eu-central-1"}

// Fixtures are the ECS groups mockcloud starts with (documented in
// mockcloud's README):
//
//   - sg-web, sg-app, sg-db in cn-hangzhou, VPC vpc-main: empty groups to
//     put rules in and to name as peers of one another;
//   - sg-other-vpc in cn-hangzhou, VPC vpc-other: a peer in another VPC;
//   - sg-bj in cn-beijing, VPC vpc-bj: a group of another region;
//   - sg-classic in cn-hangzhou, of the classic network (no VPC): its
//     rules are internet (the default) or intranet, one type per describe.
func Fixtures(time.Time) []*store.Group {
	other, bj, classic := NewGroup("sg-other-vpc"), NewGroup("sg-bj"), NewGroup("sg-classic")
	other.VpcID = "vpc-other"
	bj.Region, bj.VpcID = "cn-beijing", "vpc-bj"
	classic.VpcID = ""
	return []*store.Group{NewGroup("sg-web"), NewGroup("sg-app"), NewGroup("sg-db"), other, bj, classic}
}

// Accounts are the other Alibaba Cloud accounts the mock knows, by id:
// their logins. A peer-group rule authorized with either field of one of
// them is described with both (knownOwner). Peer groups themselves are
// the mock's own groups, whatever owner a rule names.
var Accounts = map[string]string{
	"1234567890":       "peer@example.com",
	"1122334455667788": "partner@example.net",
}

// NewGroup is an empty Available group beside sg-web: cn-hangzhou, VPC
// vpc-main.
func NewGroup(id string) *store.Group {
	return &store.Group{Cloud: Cloud, ID: id, Region: "cn-hangzhou", Status: "Available", VpcID: "vpc-main", Rules: []any{}}
}

// ClientSettings are the provider block settings, besides credentials and
// endpoint, that reach NewGroup's groups.
func ClientSettings() map[string]string { return map[string]string{"region": "cn-hangzhou"} }
