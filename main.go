// Command terraform-provider-secgroup is the secgroup Terraform provider.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	rtdebug "runtime/debug"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/secgroup/terraform-provider-secgroup/internal/provider"
)

// version is set by goreleaser.
var version = "dev"

// address is the provider's registry address.
const address = "registry.terraform.io/secgroup/secgroup"

// quietLoggers are the log levels of the plugin SDK's loggers and of the
// provider's own (TF_LOG_PROVIDER_ plus the provider's name).
var quietLoggers = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_SECGROUP"}

// quietUnlessAsked turns the loggers off when no TF_LOG* variable is set.
// Without a sink the plugin SDK logs at TRACE, JSON-encoding every line for
// Terraform to throw away when nobody asked for logs: about a third of the
// provider's CPU on a large plan (terraform-plugin-framework#1269).
// Terraform passes its environment to the provider, so TF_LOG=DEBUG for
// terraform still gets every log.
func quietUnlessAsked(environ []string, setenv func(key, value string) error) {
	for _, kv := range environ {
		if name, value, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "TF_LOG") && value != "" {
			return
		}
	}
	for _, name := range quietLoggers {
		_ = setenv(name, "OFF")
	}
}

// stopProfiling ends the CPU profile of a provider built with -tags
// profile (main_profile.go) when Terraform shuts the provider down.
var stopProfiling = func() {}

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()
	quietUnlessAsked(os.Environ(), os.Setenv)
	// The provider's heap stays small (tens of MB at thousands of rules),
	// while garbage collection at Go's default pace took a third of its
	// CPU on large plans and applies; GOGC, when set, still decides.
	if os.Getenv("GOGC") == "" {
		rtdebug.SetGCPercent(400)
	}

	opts := providerserver.ServeOpts{Address: address, Debug: debug}
	err := providerserver.Serve(context.Background(), provider.New(version), opts)
	// Terraform asked the provider to stop: ephemeral rules it opened and
	// did not close (a failed apply) are revoked now, before Terraform
	// kills the process 2 seconds after asking.
	provider.CloseStillOpen(1500 * time.Millisecond)
	stopProfiling()
	if err != nil {
		log.Fatal(err.Error())
	}
}
