package provider

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// ownerRounds is how often each cloud's race is run: the two creates meet
// within a second every time, the close race a cloud's whole-second times
// cannot settle.
var ownerRounds = map[string]int{"alicloud": 6, "apsarastack": 6, "zenlayer": 2, "baiducloud": 2, "ens": 2}

// Two provider configurations (aliases of one account) declare the same
// rule, through the real CLI with the provider as a real plugin binary:
// Terraform starts one plugin process per configuration, so nothing
// shared in one process can settle it. Exactly one resource owns the rule
// and the other fails with "Rule Already Exists" and the import hint;
// the state holds the one and names the cloud's rule; destroying it leaves
// the group empty.
func TestAccRule_oneOwnerAcrossPluginProcesses(t *testing.T) {
	cliIndependent(t)
	cli, work := setupCLI(t)
	for _, tc := range everyCloud {
		t.Run(tc.cloud, func(t *testing.T) {
			t.Parallel()
			m := mocktest.Start(t, "")
			config := cliConfig(mocktest.ProviderConfig(m) + mocktest.AliasedProviderConfig(m, "second") +
				tcpRule("first", tc.cloud, tc.group, "22", "10.0.0.0/8") +
				tcpRule("second", tc.cloud, tc.group, "22", "10.0.0.0/8", "provider = secgroup.second"))
			for round := range ownerRounds[tc.cloud] {
				dir := filepath.Join(work, fmt.Sprintf("%s-%d", tc.cloud, round))
				writeConfig(t, dir, config)
				out, code := runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color")
				if code == 0 || !strings.Contains(out, "Rule Already Exists") || !strings.Contains(out, "terraform import") {
					t.Fatalf("round %d: both resources claim the rule (exit %d):\n%s", round, code, clirun.Tail(out, 3000))
				}
				rules := mocktest.Rules(m, tc.cloud, tc.group)
				owned := stateRuleIDs(t, filepath.Join(dir, "terraform.tfstate"))
				if len(rules) != 1 || len(owned) != 1 {
					t.Fatalf("round %d: the cloud holds %d rules, the state %d resources (%v); want one each", round, len(rules), len(owned), owned)
				}
				if out, code := runCLI(t, cli, dir, "destroy", "-auto-approve", "-input=false", "-no-color"); code != 0 {
					t.Fatalf("round %d: destroy: %s", round, clirun.Tail(out, 3000))
				}
				if n := len(mocktest.Rules(m, tc.cloud, tc.group)); n != 0 {
					t.Fatalf("round %d: %d rules left after destroy", round, n)
				}
			}
		})
	}
}

// Two provider configurations reach one ECS group with two spellings of
// one endpoint ("http://127.0.0.1:PORT" and "HTTP://LOCALHOST:PORT/") and
// two users' keys of the account, and declare the same rule, through the
// real CLI with the provider as a real plugin binary. Their writes take
// one machine lock, named by the group and its cloud, region and endpoint
// spelled canonically, so every round has exactly one owner and the other
// fails "Rule Already Exists" (ECS answers a repeated authorize with
// success: only the lock keeps the second from taking the rule too).
func TestAccRule_oneOwnerAcrossEndpointSpellings(t *testing.T) {
	cliIndependent(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	first := mocktest.Settings("alicloud", m.URL)
	// Another name of this machine, upper case, a final slash.
	second := mocktest.Settings("alicloud", strings.Replace(m.URL, "http://127.0.0.1", "HTTP://LOCALHOST", 1)+"/")
	second["access_key"], second["secret_key"] = frontend.SecondAccessKey, frontend.SecondSecretKey
	config := cliConfig("provider \"secgroup\" {\n" + mocktest.Block("alicloud", first) + "}\n" +
		"provider \"secgroup\" {\n  alias = \"second\"\n" + mocktest.Block("alicloud", second) + "}\n" +
		tcpRule("first", "alicloud", "sg-web", "22", "10.0.0.0/8") +
		tcpRule("second", "alicloud", "sg-web", "22", "10.0.0.0/8", "provider = secgroup.second"))
	for round := range ownerRounds["alicloud"] {
		dir := filepath.Join(work, fmt.Sprintf("round-%d", round))
		writeConfig(t, dir, config)
		out, code := runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color")
		if code == 0 || strings.Count(out, "Rule Already Exists") != 1 {
			t.Fatalf("round %d: not exactly one owner (exit %d):\n%s", round, code, clirun.Tail(out, 3000))
		}
		rules := mocktest.Rules(m, "alicloud", "sg-web")
		owned := stateRuleIDs(t, filepath.Join(dir, "terraform.tfstate"))
		if len(rules) != 1 || len(owned) != 1 {
			t.Fatalf("round %d: the cloud holds %d rules, the state %d resources (%v); want one each", round, len(rules), len(owned), owned)
		}
		if out, code := runCLI(t, cli, dir, "destroy", "-auto-approve", "-input=false", "-no-color"); code != 0 {
			t.Fatalf("round %d: destroy: %s", round, clirun.Tail(out, 3000))
		}
		if n := len(mocktest.Rules(m, "alicloud", "sg-web")); n != 0 {
			t.Fatalf("round %d: %d rules left after destroy", round, n)
		}
	}
	// Both keys were used: the second configuration's calls are signed
	// with the second user's.
	seen := map[any]bool{}
	for _, c := range m.Store.CallsOf("alicloud", "DescribeSecurityGroupAttribute") {
		seen[c.Params["AccessKeyId"]] = true
	}
	if !seen[frontend.DefaultAccessKey] || !seen[frontend.SecondAccessKey] {
		t.Fatalf("the describes were signed with %v, want both users' keys", seen)
	}
}
