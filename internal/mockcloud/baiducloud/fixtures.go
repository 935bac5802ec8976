package baiducloud

import (
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// Fixtures are the BCC groups mockcloud starts with (documented in
// mockcloud's README): g-web, g-app and g-db, empty, in region bj, VPC
// vpc-bj, sgVersion 0.
func Fixtures(time.Time) []*store.Group {
	var out []*store.Group
	for _, id := range []string{"g-web", "g-app", "g-db"} {
		out = append(out, &store.Group{Cloud: Cloud, ID: id, Region: "bj", Status: "Available", VpcID: "vpc-bj", Rules: []any{}})
	}
	return out
}
