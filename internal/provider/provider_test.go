package provider

import (
	"os"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
)

// testAccProtoV6ProviderFactories runs the provider in the test process;
// Terraform reaches it through the CLI's reattach mechanism.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"secgroup": providerserver.NewProtocol6WithError(newWith("test", testGroups())()),
}

// testGroups coordinates the in-process provider: production gathering
// and machine locks (the call-count tests measure them), retries in
// milliseconds rather than the half second to 20 s real throttling
// windows need (the fault tests retry dozens of times). The provider as
// a real plugin binary (the real-CLI tests) runs with Production.
func testGroups() *engine.Groups {
	s := engine.Production()
	s.Backoff = engine.Backoff{Initial: 10 * time.Millisecond, Max: 100 * time.Millisecond}
	return engine.NewGroups(s)
}

func testAccPreCheck(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run with TF_ACC=1 (make test sets it)")
	}
}
