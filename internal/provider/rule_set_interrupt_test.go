package provider

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// Terraform interrupted (SIGINT) while it creates a set of 200 rules
// (Apsara Stack: one call per rule, so the create takes a while): the
// create ends with an error, the rules that landed in the state's rule_ids
// and no other (the state equals the cloud), and Terraform marks the set
// tainted, as the provider's warning says. Applying again converges with
// no duplicate and an empty plan after it: as Terraform does with a
// tainted resource, by replacing the whole set (every rule that landed
// revoked, then all 200 authorized); or, after terraform untaint, as the
// warning advises, by authorizing only the missing rules. An update and a
// destroy interrupted in turn leave the state equal to the cloud too, and
// the set untainted.
func TestAccRuleSet_interruptedCreateConverges(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	const n, cloudName, group, address = 200, "apsarastack", "sg-as-big", "secgroup_rule_set.big"
	declared := alternatingEntries(n)
	for _, untaint := range []bool{false, true} {
		t.Run(map[bool]string{false: "tainted", true: "untainted"}[untaint], func(t *testing.T) {
			m := mocktest.Start(t, "")
			if err := m.Store.AddGroup(mockcloud.NewGroup(cloudName, group)); err != nil {
				t.Fatal(err)
			}
			m.Store.SetLatency(50 * time.Millisecond)
			dir := filepath.Join(work, t.Name())
			writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+ruleSetConfig("big", cloudName, group, declared...)))
			state := filepath.Join(dir, "terraform.tfstate")
			held := func() int { return len(mocktest.Rules(m, cloudName, group)) }
			// equal checks the state against the cloud after a command, and
			// returns the set's rule_ids and status.
			equal := func(after, wantStatus string) map[string]string {
				t.Helper()
				ids, status := setInStateFile(t, state, address)
				if err := setEqualsCloud(m, cloudName, group, ids, declared); err != nil {
					t.Fatalf("after %s: %v", after, err)
				}
				if status != wantStatus {
					t.Fatalf("after %s the set's status is %q, want %q", after, status, wantStatus)
				}
				return ids
			}

			out := interruptWhen(t, cli, dir, func() bool { return held() >= 10 }, "apply", "-auto-approve")
			interrupted := held()
			if interrupted >= n {
				t.Fatalf("the create was not interrupted midway (%d rules):\n%s", interrupted, clirun.Tail(out, 3000))
			}
			if !strings.Contains(out, "Rule Set Partly Created") {
				t.Errorf("the interrupted create did not warn that the set is partly created:\n%s", clirun.Tail(out, 3000))
			}
			// Every rule that landed is in the state, by its key, and
			// nothing else; the set is tainted (Terraform's rule for a
			// create that failed).
			before := equal("the interrupted create", "tainted")

			planOut, code := runCLI(t, cli, dir, "plan", "-input=false", "-no-color", "-detailed-exitcode")
			// ("so it must" in OpenTofu's words.)
			if code != 2 || !taintedReplaced.MatchString(planOut) {
				t.Fatalf("the plan after the interrupt (exit %d) does not replace the tainted set:\n%s", code, clirun.Tail(planOut, 3000))
			}
			wantWrites := interrupted + n // revoke what landed, authorize all
			if untaint {
				if out, code := runCLI(t, cli, dir, "untaint", address); code != 0 {
					t.Fatalf("untaint (exit %d):\n%s", code, out)
				}
				// The update that writes the missing rules, interrupted
				// in turn: no taint, the state equal to the cloud.
				interruptWhen(t, cli, dir, func() bool { return held() >= interrupted+10 }, "apply", "-auto-approve")
				if held() >= n {
					t.Fatalf("the update was not interrupted midway (%d rules)", held())
				}
				before = equal("the interrupted update", "")
				wantWrites = n - held()
			}
			w := &setWrites{m: m, cloud: cloudName}
			w.reset()
			mustCLI(t, cli, dir, "apply", "-auto-approve")
			after := equal("the last apply", "")
			if len(after) != n {
				t.Fatalf("after the last apply the set holds %d rules, want %d", len(after), n)
			}
			if got, actions := w.count(); got != wantWrites {
				t.Errorf("the last apply made %d rule writes, want %d: %v", got, wantWrites, actions)
			}
			kept := 0
			for k, id := range before {
				if after[k] == id {
					kept++
				}
			}
			if want := map[bool]int{false: 0, true: len(before)}[untaint]; kept != want {
				t.Errorf("%d of the %d rules held before the last apply kept their ids, want %d", kept, len(before), want)
			}
			if _, code := runCLI(t, cli, dir, "plan", "-input=false", "-no-color", "-detailed-exitcode"); code != 0 {
				t.Fatalf("the plan after the last apply is not empty (exit %d)", code)
			}
			if untaint {
				// A destroy interrupted: what was not revoked stays in
				// the state.
				interruptWhen(t, cli, dir, func() bool { return held() <= n-10 }, "destroy", "-auto-approve")
				if held() == 0 {
					t.Fatal("the destroy was not interrupted midway")
				}
				equal("the interrupted destroy", "")
			}
			mustCLI(t, cli, dir, "destroy", "-auto-approve")
			if left := held(); left != 0 {
				t.Fatalf("%d rules left after destroy", left)
			}
			if err := mocktest.CheckTokens(m); err != nil {
				t.Error(err)
			}
			t.Logf("create interrupted after %d of %d rules; the last apply made %d writes", interrupted, n, wantWrites)
		})
	}
}

// interruptWhen runs a command, sends it SIGINT once ready reports true,
// and returns its output; the command must fail, interrupted.
func interruptWhen(t *testing.T, cli *clirun.CLI, dir string, ready func() bool, args ...string) string {
	t.Helper()
	cmd := cli.Command(dir, append(args, "-input=false", "-no-color")...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for !ready() {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("%s: not ready to interrupt within 2 minutes:\n%s", args[0], clirun.Tail(out.String(), 3000))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil || !strings.Contains(out.String(), "Interrupt received") {
		t.Fatalf("%s was not interrupted (%v):\n%s", args[0], err, clirun.Tail(out.String(), 3000))
	}
	return out.String()
}

// setInStateFile reads a set's rule_ids and its instance's status
// ("tainted", or "") from a state file.
func setInStateFile(t *testing.T, path, address string) (map[string]string, string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Type      string `json:"type"`
			Name      string `json:"name"`
			Instances []struct {
				Status     string `json:"status"`
				Attributes struct {
					RuleIDs map[string]string `json:"rule_ids"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	for _, r := range state.Resources {
		if r.Type+"."+r.Name == address && len(r.Instances) == 1 {
			return r.Instances[0].Attributes.RuleIDs, r.Instances[0].Status
		}
	}
	t.Fatalf("%s is not in the state, or not once:\n%s", address, raw)
	return nil, ""
}

// taintedReplaced is how the CLIs' plans say a tainted resource is replaced.
var taintedReplaced = regexp.MustCompile(`is tainted, so (it )?must be replaced`)
