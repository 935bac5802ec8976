package apsarastack

import (
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// Fixtures are the Apsara Stack groups mockcloud starts with (documented in
// mockcloud's README): sg-as-web, sg-as-app and sg-as-db, empty, in
// Region, VPC vpc-as, and sg-as-classic, of the classic network.
func Fixtures(time.Time) []*store.Group {
	classic := NewGroup("sg-as-classic")
	classic.VpcID = ""
	return []*store.Group{NewGroup("sg-as-web"), NewGroup("sg-as-app"), NewGroup("sg-as-db"), classic}
}

// NewGroup is an empty group beside the fixtures: in Region, VPC vpc-as.
func NewGroup(id string) *store.Group {
	return &store.Group{Cloud: Cloud, ID: id, Region: Region, Status: "Available", VpcID: "vpc-as", Rules: []any{}}
}

// ClientSettings are the provider block settings, besides credentials and
// endpoint, that reach NewGroup's groups: the region, and the organization
// and resource group the gateway wants to see.
func ClientSettings() map[string]string {
	return map[string]string{"region": Region, "organization_id": "org-1", "resource_group_id": "rg-1"}
}

// DecodeRule reads a rule as GET /_mock/state prints it: ECS's Permission,
// as Apsara Stack keeps ECS's rules.
func DecodeRule(data []byte) (any, error) { return alicloud.DecodeRule(data) }

// RuleKey is ECS's: Apsara Stack keeps ECS's rules.
func RuleKey(rule any) string { return alicloud.RuleKey(rule) }

// RuleQuota is ECS's: Apsara Stack's rule calls are ECS's.
func RuleQuota(rule any) (string, int) { return alicloud.RuleQuota(rule) }
