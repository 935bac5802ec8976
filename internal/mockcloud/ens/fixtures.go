package ens

import (
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// Fixtures are the ENS groups mockcloud starts with (documented in
// mockcloud's README): sg-ens-web and sg-ens-db, empty. ENS's rule calls
// take no region.
func Fixtures(time.Time) []*store.Group {
	return []*store.Group{NewGroup("sg-ens-web"), NewGroup("sg-ens-db")}
}

// NewGroup is an empty Available group (ENS's rule calls take no region).
func NewGroup(id string) *store.Group {
	return &store.Group{Cloud: Cloud, ID: id, Status: "Available", Rules: []any{}}
}

// ClientSettings are the provider block settings, besides credentials and
// endpoint, that reach NewGroup's groups: none.
func ClientSettings() map[string]string { return map[string]string{} }
