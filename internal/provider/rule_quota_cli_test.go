package provider

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// A group at its quota, every rule of it managed here: replacing one rule
// (its description where that replaces it, its port, or `-replace`) is one
// removal and one addition, never refused nor warned about, whatever order
// Terraform plans the rules in (one at a time, or ten at once, planned
// again and again), through the real CLI.
func TestAccRule_replacementInAFullGroup(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	cases := []struct{ cloud, group, quota string }{
		{"zenlayer", "zl-app", ""},                    // 20 ingress rules, the vendor's quota
		{"alicloud", "sg-app", "rule_quota = \"20\""}, // 200 by default; 20 keeps the test small
	}
	if testing.Short() {
		// The CLI matrix: the CLI's walk is the same on either cloud.
		cases = cases[:1]
	}
	for _, tc := range cases {
		t.Run(tc.cloud, func(t *testing.T) {
			t.Parallel()
			m := mocktest.Start(t, "")
			provider := strings.Replace(mocktest.ProviderConfig(m), "  "+tc.cloud+" {\n", "  "+tc.cloud+" {\n    "+tc.quota+"\n", 1)
			dir := filepath.Join(work, tc.cloud)
			writeConfig(t, dir, cliConfig(provider+`
variable "port" {
  default = 1005
}
variable "description" {
  default = ""
}
`+ruleBlock("r", tc.cloud, tc.group, "ingress", "count = 20", `protocol = "tcp"`, `cidr = "10.0.0.0/8"`,
				`port_range = tostring(count.index == 5 ? var.port : 1000 + count.index)`,
				`description = count.index == 5 ? var.description : ""`)))
			run := func(args ...string) string {
				t.Helper()
				out, code := runCLI(t, cli, dir, append(args, "-input=false", "-no-color")...)
				if code != 0 && (args[0] != "plan" || code != 2) {
					t.Fatalf("%s (exit %d):\n%s", strings.Join(args, " "), code, clirun.Tail(out, 4000))
				}
				if strings.Contains(out, "Rule Quota") {
					t.Fatalf("%s speaks of the quota:\n%s", strings.Join(args, " "), clirun.Tail(out, 4000))
				}
				return out
			}
			run("apply", "-auto-approve")
			var vars []string
			for _, step := range []struct {
				name string
				args []string
			}{
				{"description", []string{"-var", "description=changed"}},
				{"port", []string{"-var", "port=2005"}},
				{"-replace", []string{"-replace=secgroup_rule.r[5]"}},
			} {
				args := append(append([]string{}, vars...), step.args...)
				if step.name != "-replace" {
					vars = args
				}
				for _, parallelism := range []string{"-parallelism=1", "-parallelism=10", "-parallelism=10", "-parallelism=10"} {
					run(append([]string{"plan", "-detailed-exitcode", parallelism}, args...)...)
				}
				run(append([]string{"apply", "-auto-approve"}, args...)...)
				rules := mocktest.Rules(m, tc.cloud, tc.group)
				if len(rules) != 20 {
					t.Fatalf("after the %s replacement the group holds %d rules, want 20", step.name, len(rules))
				}
				if out := run(append([]string{"plan", "-detailed-exitcode"}, vars...)...); !strings.Contains(out, "No changes") {
					t.Fatalf("the plan after the %s replacement is not empty:\n%s", step.name, clirun.Tail(out, 3000))
				}
			}
			if got := fmt.Sprint(len(mocktest.Rules(m, tc.cloud, tc.group))); got != "20" {
				t.Fatal(got)
			}
			run(append([]string{"destroy", "-auto-approve"}, vars...)...)
		})
	}
}
