package ens

import (
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// Fixtures are the ENS groups mockcloud starts with (documented in
// mockcloud's README): sg-ens-web and sg-ens-db, empty. ENS's rule calls
// take no region.
func Fixtures(time.Time) []*store.Group {
	return []*store.Group{
		{Cloud: Cloud, ID: "sg-ens-web", Status: "Available", Rules: []any{}},
		{Cloud: Cloud, ID: "sg-ens-db", Status: "Available", Rules: []any{}},
	}
}
