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

// cliIndependent marks an acceptance test whose outcome the provider's
// dealings with the cloud decide (wire details, error codes, retries,
// tokens, clocks, quotas, call counts), not the CLI driving it. make test
// runs it under the newest CLI; the CLI matrix, which runs go test -short
// to test CLIs, skips it. What the CLI decides (plans, applies,
// replacements, import, moved, identity, query, saved plans, interrupts,
// state from earlier releases) stays in the matrix.
func cliIndependent(t *testing.T) {
	t.Helper()
	testAccPreCheck(t)
	if testing.Short() {
		t.Skip("its outcome does not depend on the CLI: make test runs it under the newest (-short is the CLI matrix)")
	}
}
