package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// State of secgroup_rules_exclusive written before its rules lines carried
// creation times (version 0) is upgraded; a plan made from it without a
// refresh revokes nothing, since its lines cannot tell a rule from one made
// again since (a warning says so), and the next refresh writes version 1
// lines, from which the apply revokes. Through the real CLI.
func TestAccRulesExclusive_stateOfEarlierReleases(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	extra := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(8080, 8080), CIDR: "192.0.2.0/24"}
	authorizeInMock(t, m, "alicloud", "sg-web", extra)
	dir := filepath.Join(work, "tf")
	writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+tcpRule("keep", "alicloud", "sg-web", "22", "10.0.0.0/8")+
		exclusiveBlock("alicloud", "sg-web", "[secgroup_rule.keep.id]")))
	if out, code := runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("apply: %s", clirun.Tail(out, 3000))
	}
	path := filepath.Join(dir, "terraform.tfstate")
	editExclusive(t, path, func(version *float64, attrs map[string]any) {
		if *version != rulesExclusiveVersion {
			t.Fatalf("this release writes version %v", *version)
		}
		*version = 0
		for k, v := range attrs["rules"].(map[string]any) {
			attrs["rules"].(map[string]any)[k] = createdSuffix.ReplaceAllString(v.(string), "")
		}
	})
	out, code := runCLI(t, cli, dir, "apply", "-refresh=false", "-auto-approve", "-input=false", "-no-color")
	if code != 0 || !strings.Contains(out, "Rule Changed Since the Plan") {
		t.Fatalf("apply of a version 0 state without refresh (exit %d): %s", code, clirun.Tail(out, 3000))
	}
	if n := len(mocktest.Rules(m, "alicloud", "sg-web")); n != 2 {
		t.Fatalf("the group holds %d rules: a version 0 line revoked a rule", n)
	}
	editExclusive(t, path, func(version *float64, _ map[string]any) {
		if *version != rulesExclusiveVersion {
			t.Fatalf("after the upgrade: version %v", *version)
		}
	})
	if out, code := runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("apply: %s", clirun.Tail(out, 3000))
	}
	if rules := mocktest.Rules(m, "alicloud", "sg-web"); len(rules) != 1 {
		t.Fatalf("after a refresh the apply must revoke the rule on 8080; the group holds %v", rules)
	}
}

// editExclusive lets edit see and change the secgroup_rules_exclusive
// instance of a state file.
func editExclusive(t *testing.T, path string, edit func(version *float64, attrs map[string]any)) {
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
		if res := r.(map[string]any); res["type"] == "secgroup_rules_exclusive" {
			inst := res["instances"].([]any)[0].(map[string]any)
			version := inst["schema_version"].(float64)
			edit(&version, inst["attributes"].(map[string]any))
			inst["schema_version"] = version
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d secgroup_rules_exclusive in the state, want 1", n)
	}
	if raw, err = json.MarshalIndent(state, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A keep-list id of the right form that names no rule of the group (a
// typo: the rule it meant to keep is then among the revokes) is warned of
// at plan, on the element; an empty element (the last line break of a file
// the list was read from) is an error that says to use compact(). Through
// the real CLI. (Both planned the revoke of the rule meant to be kept
// without a word about the id.)
func TestAccRulesExclusive_keepListIDsThatNameNothing(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	dir := filepath.Join(work, "tf")
	base := mocktest.ProviderConfig(m) + tcpRule("keep", "alicloud", "sg-web", "22", "10.0.0.0/8")
	writeConfig(t, dir, cliConfig(base+exclusiveBlock("alicloud", "sg-web", "[secgroup_rule.keep.id]")))
	if out, code := runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("apply: %s", clirun.Tail(out, 3000))
	}
	writeConfig(t, dir, cliConfig(base+exclusiveBlock("alicloud", "sg-web", `["alicloud/sg-web/sgr-0000typo"]`)))
	out, code := runCLI(t, cli, dir, "plan", "-input=false", "-no-color")
	flat := regexp.MustCompile(`\s+`).ReplaceAllString(out, " ")
	if code != 0 || !strings.Contains(flat, "Rule Id Names No Rule of the Group") || !strings.Contains(flat, `"alicloud/sg-web/sgr-0000typo"`) {
		t.Fatalf("plan (exit %d) must warn of the id that names no rule:\n%s", code, clirun.Tail(out, 3000))
	}
	writeConfig(t, dir, cliConfig(base+exclusiveBlock("alicloud", "sg-web", `["", secgroup_rule.keep.id]`)))
	out, code = runCLI(t, cli, dir, "plan", "-input=false", "-no-color")
	if flat := regexp.MustCompile(`\s+`).ReplaceAllString(out, " "); code == 0 || !strings.Contains(flat, "compact()") {
		t.Fatalf("plan (exit %d) must refuse the empty element and say how to drop it:\n%s", code, clirun.Tail(out, 3000))
	}
	if n := len(m.Store.CallsOf("alicloud", "RevokeSecurityGroup")); n != 0 {
		t.Fatalf("%d revokes", n)
	}
}
