// Package mocktest starts mockclouds for Go tests, the way httptest starts
// servers: on a free loopback port, stopped when the test ends.
package mocktest

import (
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
)

// Start runs a mockcloud with its fixtures and default credentials. With
// caFile set it serves HTTPS and writes its CA certificate there.
func Start(tb testing.TB, caFile string) *mockcloud.Server {
	tb.Helper()
	m := mockcloud.New(mockcloud.Options{})
	if err := m.Start("127.0.0.1:0", caFile); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = m.Close() })
	return m
}
