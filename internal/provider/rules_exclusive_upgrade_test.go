package provider

import (
	"fmt"
	"path/filepath"
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
	mustCLI(t, cli, dir, "apply", "-auto-approve")
	path := filepath.Join(dir, "terraform.tfstate")
	editExclusive(t, path, func(version *float64, attrs map[string]any) {
		if *version != rulesExclusiveVersion {
			t.Fatalf("this release writes version %v", *version)
		}
		*version = 0
		attrs["rules"] = linesOnly(t, attrs["rules"], func(line string) string { return createdSuffix.ReplaceAllString(line, "") })
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
	mustCLI(t, cli, dir, "apply", "-auto-approve")
	if rules := mocktest.Rules(m, "alicloud", "sg-web"); len(rules) != 1 {
		t.Fatalf("after a refresh the apply must revoke the rule on 8080; the group holds %v", rules)
	}
}

// State of version 1, whose rules held each rule's line alone (the
// direction its first word), is upgraded to entries with the direction
// beside the line: a plan from it without a refresh revokes what it
// removes, and the direction filter still reads each rule's direction.
// Through the real CLI.
func TestAccRulesExclusive_stateOfVersion1(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	extra := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(8080, 8080), CIDR: "192.0.2.0/24"}
	egress := rule.Rule{Direction: rule.Egress, Protocol: rule.TCP, Ports: ports(443, 443), CIDR: "192.0.2.0/24"}
	authorizeInMock(t, m, "alicloud", "sg-web", extra)
	authorizeInMock(t, m, "alicloud", "sg-web", egress)
	dir := filepath.Join(work, "tf")
	writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+tcpRule("keep", "alicloud", "sg-web", "22", "10.0.0.0/8")+
		exclusiveBlock("alicloud", "sg-web", "[secgroup_rule.keep.id]", `direction = "ingress"`)))
	mustCLI(t, cli, dir, "apply", "-auto-approve")
	path := filepath.Join(dir, "terraform.tfstate")
	editExclusive(t, path, func(version *float64, attrs map[string]any) {
		*version = 1
		attrs["rules"] = linesOnly(t, attrs["rules"], func(line string) string { return line })
	})
	mustCLI(t, cli, dir, "apply", "-refresh=false", "-auto-approve")
	rules := mocktest.Rules(m, "alicloud", "sg-web")
	if len(rules) != 2 || strings.Contains(fmt.Sprint(rules), "8080") {
		t.Fatalf("after the upgraded apply the group must hold the kept rule and the egress one; it holds %v", rules)
	}
	editExclusive(t, path, func(version *float64, attrs map[string]any) {
		if *version != rulesExclusiveVersion {
			t.Fatalf("after the upgrade: version %v", *version)
		}
		for k, v := range attrs["rules"].(map[string]any) {
			entry, _ := v.(map[string]any)
			if d, _ := entry["direction"].(string); d == "" || !strings.HasPrefix(fmt.Sprint(entry["line"]), d+" ") {
				t.Errorf("upgraded entry %s = %v: want its direction beside its line", k, v)
			}
		}
	})
}

// linesOnly is a version 2 rules attribute as versions 0 and 1 held it:
// each entry's line alone, through edit.
func linesOnly(t *testing.T, rules any, edit func(string) string) map[string]any {
	t.Helper()
	entries, ok := rules.(map[string]any)
	if !ok {
		t.Fatalf("rules in state is %T", rules)
	}
	out := map[string]any{}
	for k, v := range entries {
		entry, _ := v.(map[string]any)
		line, ok := entry["line"].(string)
		if !ok {
			t.Fatalf("rules entry %s is %v, want a line", k, v)
		}
		out[k] = edit(line)
	}
	return out
}

// editExclusive lets edit see and change the secgroup_rules_exclusive
// instance of a state file.
func editExclusive(t *testing.T, path string, edit func(version *float64, attrs map[string]any)) {
	t.Helper()
	if n := editInstances(t, path, "secgroup_rules_exclusive", edit); n != 1 {
		t.Fatalf("%d secgroup_rules_exclusive in the state, want 1", n)
	}
}
