package provider

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// Terraform interrupted (SIGINT) in the middle of an apply of 60 rules
// stops cleanly: every rule the cloud holds is in the state. Applying
// again converges with no duplicate, and the plan after it is empty.
func TestAccRule_interruptedApplyConverges(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	m.Store.SetLatency(100 * time.Millisecond)
	dir := filepath.Join(work, "tf")
	writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+countedRules("alicloud", 60, []string{"sg-web", "sg-app"}, false)))
	held := func() int {
		return len(mocktest.Rules(m, "alicloud", "sg-web")) + len(mocktest.Rules(m, "alicloud", "sg-app"))
	}

	apply := cli.Command(dir, "apply", "-auto-approve", "-input=false", "-no-color")
	var out bytes.Buffer
	apply.Stdout, apply.Stderr = &out, &out
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for held() == 0 {
		if time.Now().After(deadline) {
			_ = apply.Process.Kill()
			t.Fatalf("no rule created within 2 minutes:\n%s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := apply.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := apply.Wait(); err == nil {
		t.Fatalf("the interrupted apply succeeded:\n%s", out.String())
	}
	interrupted := held()
	if interrupted >= 60 || !strings.Contains(out.String(), "Interrupt received") {
		t.Fatalf("the apply was not interrupted midway (%d rules):\n%s", interrupted, clirun.Tail(out.String(), 3000))
	}
	// Nothing the cloud holds is missing from the state.
	if n := stateCount(t, filepath.Join(dir, "terraform.tfstate")); n != interrupted {
		t.Fatalf("the state holds %d rules, the cloud %d", n, interrupted)
	}

	if _, _, err := cli.Run(dir, []string{"apply", "-auto-approve", "-input=false", "-no-color"}); err != nil {
		t.Fatal(err)
	}
	if n := held(); n != 60 {
		t.Fatalf("after the second apply the cloud holds %d rules, want 60", n)
	}
	if _, code, err := cli.Run(dir, []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}, 2); err != nil || code != 0 {
		t.Fatalf("the plan after it is not empty (exit %d): %v", code, err)
	}
	if _, _, err := cli.Run(dir, []string{"destroy", "-auto-approve", "-input=false", "-no-color"}); err != nil {
		t.Fatal(err)
	}
	if n := held(); n != 0 {
		t.Fatalf("%d rules left after destroy", n)
	}
	t.Logf("interrupted after %d of 60 rules; the second apply created the rest", interrupted)
}
