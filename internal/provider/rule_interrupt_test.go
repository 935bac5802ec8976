package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// terraformCLI is the CLI the acceptance tests run.
func terraformCLI(t *testing.T) string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("no terraform CLI: set TF_ACC_TERRAFORM_PATH")
	}
	return p
}

// stateCount is how many secgroup_rule instances a state file holds.
func stateCount(t *testing.T, path string) int {
	t.Helper()
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []any  `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range state.Resources {
		if r.Type == "secgroup_rule" {
			n += len(r.Instances)
		}
	}
	return n
}

// Terraform interrupted (SIGINT) in the middle of an apply of 60 rules
// stops cleanly: every rule the cloud holds is in the state. Applying
// again converges with no duplicate, and the plan after it is empty.
func TestAccRule_interruptedApplyConverges(t *testing.T) {
	testAccPreCheck(t)
	work := t.TempDir()
	cli, err := clirun.Setup("../..", work, terraformCLI(t))
	if err != nil {
		t.Fatal(err)
	}
	m := mocktest.Start(t, "")
	m.Store.SetLatency(100 * time.Millisecond)
	dir := filepath.Join(work, "tf")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	config := `terraform {
  required_providers {
    secgroup = { source = "secgroup/secgroup" }
  }
}
` + mocktest.ProviderConfig(m) + countedRules("alicloud", 60, []string{"sg-web", "sg-app"}, false)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
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
