package apsarastack

import (
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

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
