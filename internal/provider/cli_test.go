package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
)

// Helpers of the tests that drive the real CLI themselves, with the
// provider built as a real plugin binary (clirun): one plugin process per
// provider configuration, as users run it.

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

// setupCLI builds the provider into a fresh work folder and returns the
// CLI set up to run it, and the folder.
func setupCLI(t *testing.T) (*clirun.CLI, string) {
	t.Helper()
	work := t.TempDir()
	cli, err := clirun.Setup("../..", work, terraformCLI(t), clirun.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return cli, work
}

// cliConfig is a configuration for the real CLI: the provider's source,
// and body.
func cliConfig(body string) string {
	return `terraform {
  required_providers {
    secgroup = { source = "secgroup/secgroup" }
  }
}
` + body
}

// writeConfig makes a working directory holding config.
func writeConfig(t *testing.T, dir, config string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runCLI runs one command and returns its output and exit code.
func runCLI(t *testing.T, cli *clirun.CLI, dir string, args ...string) (string, int) {
	t.Helper()
	cmd := cli.Command(dir, args...)
	out, err := cmd.CombinedOutput()
	if err != nil && cmd.ProcessState == nil {
		t.Fatal(err)
	}
	return string(out), cmd.ProcessState.ExitCode()
}

// mustCLI runs one command with -input=false -no-color and returns its
// output, failing the test unless it succeeds.
func mustCLI(t *testing.T, cli *clirun.CLI, dir string, args ...string) string {
	t.Helper()
	out, code := runCLI(t, cli, dir, append(args, "-input=false", "-no-color")...)
	if code != 0 {
		t.Fatalf("%s (exit %d):\n%s", strings.Join(args, " "), code, clirun.Tail(out, 6000))
	}
	return out
}

// stateRuleIDs are the ids of the secgroup_rule instances a state file
// holds; none when there is no state file yet.
func stateRuleIDs(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range state.Resources {
		for _, i := range r.Instances {
			if r.Type == "secgroup_rule" {
				ids = append(ids, fmt.Sprint(i.Attributes["id"]))
			}
		}
	}
	return ids
}

// stateCount is how many secgroup_rule instances a state file holds.
func stateCount(t *testing.T, path string) int { return len(stateRuleIDs(t, path)) }
