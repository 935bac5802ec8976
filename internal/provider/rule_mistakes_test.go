package provider

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// mistake is one mistake in a configuration and the one error it must
// give: the command that finds it (plan, or validate for values unknown
// until plan), the resource blocks, and a regular expression of the
// error (spaces match the CLI's line wrapping).
type mistake struct {
	name, command, body, want string
}

// expectOneError runs each mistake through the real CLI and the provider
// as a plugin binary, as a user meets it: the command fails with exactly
// one error, which matches want, and no provider bug; nothing reaches the
// cloud.
func expectOneError(t *testing.T, mistakes []mistake) {
	t.Helper()
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	for i, tc := range mistakes {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(work, fmt.Sprint(i))
			writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+tc.body))
			out, code := runCLI(t, cli, dir, tc.command, "-no-color")
			if code == 0 {
				t.Fatalf("terraform %s passed:\n%s", tc.command, clirun.Tail(out, 4000))
			}
			if n := strings.Count(out, "Error: "); n != 1 {
				t.Errorf("%d errors for one mistake, want one:\n%s", n, clirun.Tail(out, 4000))
			}
			if strings.Contains(out, "always an error in the provider") || strings.Contains(out, "report this issue") {
				t.Errorf("the mistake is reported as a provider bug:\n%s", clirun.Tail(out, 4000))
			}
			if !regexp.MustCompile(`(?s)` + spaced(tc.want)).MatchString(out) {
				t.Errorf("the error does not match %q:\n%s", tc.want, clirun.Tail(out, 4000))
			}
		})
	}
	if calls := m.Store.Calls(); len(calls) != 0 {
		t.Fatalf("mistakes reached the cloud: %d calls, the first %s %s", len(calls), calls[0].Cloud, calls[0].Action)
	}
}

// cloudFromVariable is a configuration whose rule names its cloud through
// a variable, unknown to terraform validate.
func cloudFromVariable(attrs ...string) string {
	return "variable \"cloud\" {\n  type = string\n}\n" +
		strings.Replace(ruleBlock("x", "CLOUD", "sg-web", "ingress", attrs...), `"CLOUD"`, "var.cloud", 1)
}

// A fraction where a number is meant is the user's mistake, reported on
// the attribute with the range the cloud accepts, never as a provider
// bug, also while the cloud is not known yet.
func TestAccRule_fractionsCLI(t *testing.T) {
	testAccPreCheck(t)
	allTCP := []string{`protocol = "all"`, `cidr = "10.0.0.0/8"`}
	expectOneError(t, []mistake{
		{"priority 1.5 on ECS", "plan", ruleBlock("x", "alicloud", "sg-web", "ingress", append(allTCP, "priority = 1.5")...),
			`Error: Invalid Attribute Value .* priority .* Alibaba Cloud ECS accepts priority 1 to 100 \(whole numbers\); 1\.5 is not one of them`},
		{"priority 1.5 on ENS", "plan", ruleBlock("x", "ens", "sg-ens-web", "ingress", append(allTCP, "priority = 1.5")...),
			`Alibaba ENS accepts priority 1 to 100 \(whole numbers\); 1\.5 is not one of them`},
		{"priority 1.5, the cloud not known yet", "validate", cloudFromVariable(append(allTCP, "priority = 1.5")...),
			`Error: Invalid Attribute Value .* priority .* a whole number from 1 to 100 where the cloud has priorities; 1\.5 is not one`},
		{"priority 1e30 on ECS", "plan", ruleBlock("x", "alicloud", "sg-web", "ingress", append(allTCP, "priority = 1e30")...),
			`Alibaba Cloud ECS accepts priority 1 to 100 \(whole numbers\); 1e\+30 is not one of them`},
	})
}

// One mistake, one error, naming the attribute, the value and what is
// allowed: where a single attribute's check and a check against the cloud
// both saw it, each printed its own.
func TestAccRule_oneErrorPerMistakeCLI(t *testing.T) {
	testAccPreCheck(t)
	allFrom := []string{`protocol = "all"`, `cidr = "10.0.0.0/8"`}
	rule := func(cloudName, group string, attrs ...string) string {
		return ruleBlock("x", cloudName, group, "ingress", append(allFrom, attrs...)...)
	}
	expectOneError(t, []mistake{
		{"priority 0", "plan", rule("alicloud", "sg-web", "priority = 0"),
			`priority .* Alibaba Cloud ECS accepts priority 1 to 100 \(whole numbers\); 0 is not one of them`},
		{"policy deny", "plan", rule("alicloud", "sg-web", `policy = "deny"`),
			`policy .* Alibaba Cloud ECS cannot create rules with policy "deny": use accept or drop`},
		{"policy deny on Zenlayer", "plan", rule("zenlayer", "zl-web", `policy = "deny"`),
			`policy .* Zenlayer Cloud VM cannot create rules with policy "deny": use accept`},
		{"policy deny on Baidu", "plan", rule("baiducloud", "g-web", `policy = "deny"`),
			`policy .* Baidu AI Cloud BCC does not support policy: remove it`},
		{"policy deny, the cloud not known yet", "validate", cloudFromVariable(append(allFrom, `policy = "deny"`)...),
			`policy .* policy is accept or drop; "deny" is not one of them`},
		{"nic_type wifi", "plan", rule("alicloud", "sg-web", `nic_type = "wifi"`),
			`nic_type .* Alibaba Cloud ECS does not support nic_type "wifi": use internet or intranet`},
		{"nic_type wifi on ENS", "plan", rule("ens", "sg-ens-web", `nic_type = "wifi"`),
			`nic_type .* Alibaba ENS does not support nic_type: remove it`},
		{"nic_type wifi, the cloud not known yet", "validate", cloudFromVariable(append(allFrom, `nic_type = "wifi"`)...),
			`nic_type .* nic_type is internet or intranet where the cloud has NIC types; "wifi" is not one of them`},
		{"empty security_group_id", "plan", rule("alicloud", ""),
			`security_group_id .* security_group_id is empty: give the id of the security group`},
		{"a slash in security_group_id", "plan", rule("alicloud", "sg/web"),
			`security_group_id .* security_group_id "sg/web" holds "/", "," or white space: give the group's own id`},
		{"empty security_group_id of the data source", "plan", rulesData("x", "alicloud", ""),
			`security_group_id .* security_group_id is empty: give the id of the security group`},
		{"empty security_group_id of the exclusive resource", "plan", exclusiveBlock("alicloud", "", "[]", "allow_empty = true"),
			`security_group_id .* security_group_id is empty: give the id of the security group`},
	})
}

// A timeout of zero or less would end its operation before the first
// call ("context deadline exceeded" at apply): the plan refuses it, on
// every operation of every resource and data source that has timeouts.
func TestAccTimeoutsPositiveCLI(t *testing.T) {
	testAccPreCheck(t)
	rule := func(timeouts string) string {
		return tcpRule("x", "alicloud", "sg-web", "22", "10.0.0.0/8", "timeouts = "+timeouts)
	}
	expectOneError(t, []mistake{
		{"create 0s", "plan", rule(`{ create = "0s" }`), `timeouts\.create is "0s": give a positive duration, such as "10m"`},
		{"delete -5m", "plan", rule(`{ delete = "-5m" }`), `timeouts\.delete is "-5m": give a positive duration`},
		{"read 0m", "plan", rule(`{ read = "0m" }`), `timeouts\.read is "0m": give a positive duration`},
		{"update -1h", "plan", rule(`{ update = "-1h" }`), `timeouts\.update is "-1h": give a positive duration`},
		{"exclusive update 0s", "plan", exclusiveBlock("alicloud", "sg-web", "[]", "allow_empty = true", `timeouts = { update = "0s" }`),
			`timeouts\.update is "0s": give a positive duration`},
		{"data source read -5m", "plan", rulesData("x", "alicloud", "sg-web", `timeouts = { read = "-5m" }`),
			`timeouts\.read is "-5m": give a positive duration`},
	})
}
