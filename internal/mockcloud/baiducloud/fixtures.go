package baiducloud

import (
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// Fixtures are the BCC groups mockcloud starts with (documented in
// mockcloud's README): g-web, g-app and g-db, empty, in region bj, VPC
// vpc-bj, sgVersion 0.
func Fixtures(time.Time) []*store.Group {
	return []*store.Group{NewGroup("g-web"), NewGroup("g-app"), NewGroup("g-db")}
}

// NewGroup is an empty group beside the fixtures: region bj, VPC vpc-bj.
func NewGroup(id string) *store.Group {
	return &store.Group{Cloud: Cloud, ID: id, Region: "bj", Status: "Available", VpcID: "vpc-bj", Rules: []any{}}
}

// ClientSettings are the provider block settings, besides credentials and
// endpoint, that reach NewGroup's groups.
func ClientSettings() map[string]string { return map[string]string{"region": "bj"} }
