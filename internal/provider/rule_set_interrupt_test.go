package provider

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
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
// warning advises, by authorizing only the missing rules.
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

			apply := cli.Command(dir, "apply", "-auto-approve", "-input=false", "-no-color")
			var out bytes.Buffer
			apply.Stdout, apply.Stderr = &out, &out
			if err := apply.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(2 * time.Minute)
			for held() < 10 {
				if time.Now().After(deadline) {
					_ = apply.Process.Kill()
					t.Fatalf("fewer than 10 rules created within 2 minutes:\n%s", out.String())
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
			if interrupted >= n || !strings.Contains(out.String(), "Interrupt received") {
				t.Fatalf("the apply was not interrupted midway (%d rules):\n%s", interrupted, clirun.Tail(out.String(), 3000))
			}
			if !strings.Contains(out.String(), "Rule Set Partly Created") {
				t.Errorf("the interrupted create did not warn that the set is partly created:\n%s", clirun.Tail(out.String(), 3000))
			}
			// The state equals the cloud: every rule that landed, by its
			// key, and nothing else.
			before, status := setInStateFile(t, state, address)
			if err := setEqualsCloud(m, cloudName, group, before, declared); err != nil {
				t.Fatalf("after the interrupt: %v", err)
			}
			if status != "tainted" {
				t.Fatalf("the set's status after the interrupted create is %q, want tainted (Terraform's rule for a create that failed)", status)
			}

			planOut, code := runCLI(t, cli, dir, "plan", "-input=false", "-no-color", "-detailed-exitcode")
			if code != 2 || !strings.Contains(planOut, "is tainted, so must be replaced") {
				t.Fatalf("the plan after the interrupt (exit %d) does not replace the tainted set:\n%s", code, clirun.Tail(planOut, 3000))
			}
			wantWrites := interrupted + n // revoke what landed, authorize all
			if untaint {
				if out, code := runCLI(t, cli, dir, "untaint", address); code != 0 {
					t.Fatalf("untaint (exit %d):\n%s", code, out)
				}
				wantWrites = n - interrupted
			}
			w := &setWrites{m: m, cloud: cloudName}
			w.reset()
			mustCLI(t, cli, dir, "apply", "-auto-approve")
			after, status := setInStateFile(t, state, address)
			if err := setEqualsCloud(m, cloudName, group, after, declared); err != nil {
				t.Fatalf("after the second apply: %v", err)
			}
			if len(after) != n || status != "" {
				t.Fatalf("after the second apply the set holds %d rules (status %q), want %d", len(after), status, n)
			}
			if got, actions := w.count(); got != wantWrites {
				t.Errorf("the second apply made %d rule writes, want %d: %v", got, wantWrites, actions)
			}
			kept := 0
			for k, id := range before {
				if after[k] == id {
					kept++
				}
			}
			if want := map[bool]int{false: 0, true: interrupted}[untaint]; kept != want {
				t.Errorf("%d of the %d rules that landed before the interrupt kept their ids, want %d", kept, interrupted, want)
			}
			if _, code := runCLI(t, cli, dir, "plan", "-input=false", "-no-color", "-detailed-exitcode"); code != 0 {
				t.Fatalf("the plan after the second apply is not empty (exit %d)", code)
			}
			mustCLI(t, cli, dir, "destroy", "-auto-approve")
			if left := held(); left != 0 {
				t.Fatalf("%d rules left after destroy", left)
			}
			if err := mocktest.CheckTokens(m); err != nil {
				t.Error(err)
			}
			t.Logf("interrupted after %d of %d rules; the second apply made %d writes", interrupted, n, wantWrites)
		})
	}
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
	t.Fatalf("%s is not in the state:\n%s", address, raw)
	return nil, ""
}
