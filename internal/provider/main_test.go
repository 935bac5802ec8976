package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
)

// tlsMock serves HTTPS with a certificate the whole test process trusts:
// Go reads SSL_CERT_FILE once per process, so it is set here, before any
// test makes a TLS connection.
var tlsMock *mockcloud.Server

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "secgroup-tls-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	ca := filepath.Join(dir, "ca.pem")
	tlsMock = mockcloud.New(mockcloud.Options{})
	if err := tlsMock.Start("127.0.0.1:0", ca); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer tlsMock.Close()
	if err := os.Setenv("SSL_CERT_FILE", ca); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}
