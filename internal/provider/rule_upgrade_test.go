package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// State written by releases before the description became
// Optional+Computed (schema version 0, "description": null) plans
// nothing after the upgrade, on every cloud, through the real CLI with
// -refresh=false (nothing read from the cloud hides it); an apply then
// writes the new version.
func TestAccRule_stateOfEarlierReleasesPlansNothing(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	config := mocktest.ProviderConfig(m)
	for _, tc := range everyCloud {
		config += tcpRule(tc.cloud, tc.cloud, tc.group, "22", "10.0.0.0/8")
	}
	dir := filepath.Join(work, "tf")
	writeConfig(t, dir, cliConfig(config))
	if out, code := runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("apply: %s", clirun.Tail(out, 3000))
	}
	path := filepath.Join(dir, "terraform.tfstate")
	n := editState(t, path, func(version *float64, attrs map[string]any) {
		if *version != float64(schemaVersion) || attrs["description"] != "" {
			t.Fatalf("this release writes version %v with description %#v", *version, attrs["description"])
		}
		*version, attrs["description"] = 0, nil
	})
	if n != len(everyCloud) {
		t.Fatalf("%d rules in the state, want %d", n, len(everyCloud))
	}
	out, code := runCLI(t, cli, dir, "plan", "-refresh=false", "-detailed-exitcode", "-input=false", "-no-color")
	if code != 0 || !strings.Contains(out, "No changes") {
		t.Fatalf("the state of an earlier release plans a change (exit %d):\n%s", code, clirun.Tail(out, 3000))
	}
	if out, code := runCLI(t, cli, dir, "apply", "-refresh=false", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("apply: %s", clirun.Tail(out, 3000))
	}
	editState(t, path, func(version *float64, attrs map[string]any) {
		if *version != float64(schemaVersion) || attrs["description"] != "" {
			t.Fatalf("after the upgrade: version %v, description %#v", *version, attrs["description"])
		}
	})
	if out, code := runCLI(t, cli, dir, "destroy", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("destroy: %s", clirun.Tail(out, 3000))
	}
}

// editState lets edit see and change every secgroup_rule instance of a
// state file: its schema version and attributes. It returns how many it
// saw.
func editState(t *testing.T, path string, edit func(version *float64, attrs map[string]any)) int {
	t.Helper()
	return editInstances(t, path, "secgroup_rule", edit)
}

// editInstances lets edit see and change every instance of a resource
// type in a state file, and returns how many it saw.
func editInstances(t *testing.T, path, typeName string, edit func(version *float64, attrs map[string]any)) int {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var state map[string]any
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range state["resources"].([]any) {
		res := r.(map[string]any)
		if res["type"] != typeName {
			continue
		}
		for _, i := range res["instances"].([]any) {
			inst := i.(map[string]any)
			version := inst["schema_version"].(float64)
			edit(&version, inst["attributes"].(map[string]any))
			inst["schema_version"] = version
			n++
		}
	}
	if raw, err = json.MarshalIndent(state, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return n
}
