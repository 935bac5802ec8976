package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// ephemeralGroups are an empty fixture group of each cloud.
var ephemeralGroups = map[string]string{"zenlayer": "zl-web", "alicloud": "sg-web", "baiducloud": "g-web", "apsarastack": "sg-as-web", "ens": "sg-ens-web"}

// runnerCIDR is the address of the CI runner the tests' rules let in.
const runnerCIDR = "203.0.113.7/32"

// ephemeralCLI is the CLI for the ephemeral rule's tests, skipping below
// Terraform 1.10 and OpenTofu 1.11 (no ephemeral resources).
func ephemeralCLI(t *testing.T) (*clirun.CLI, string) {
	t.Helper()
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	if cliIsOpenTofu(t, cli) && !cliAtLeast(t, cli, 1, 11) || !cliAtLeast(t, cli, 1, 10) {
		t.Skip("ephemeral resources need Terraform 1.10 or OpenTofu 1.11 or newer")
	}
	return cli, work
}

// ephemeralBlock is an ephemeral secgroup_rule "db" opening tcp 5432 of
// the cloud's group to runnerCIDR, with extra lines.
func ephemeralBlock(cloudName, extra string) string {
	desc := `  description = "ci runner"` + "\n"
	if cloudName == "ens" {
		desc = ""
	}
	return fmt.Sprintf(`
ephemeral "secgroup_rule" "db" {
  cloud             = %q
  security_group_id = %q
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "5432"
  cidr              = %q
%s%s}
`, cloudName, ephemeralGroups[cloudName], runnerCIDR, desc, extra)
}

// throughProvider is a second provider configuration, "through", that
// reaches the mock only once the ephemeral rule is open (its endpoint is
// made from the rule's id), as a database provider configured through
// the opened rule would; and a data source of it listing the group while
// the run uses the rule, recorded in state by terraform_data.seen.
func throughProvider(m *mockcloud.Server, cloudName string) string {
	settings := mocktest.Settings(cloudName, m.URL)
	delete(settings, "endpoint")
	var b strings.Builder
	fmt.Fprintf(&b, "\nprovider \"secgroup\" {\n  alias = \"through\"\n  %s {\n", cloudName)
	for _, k := range slices.Sorted(maps.Keys(settings)) {
		fmt.Fprintf(&b, "    %s = %q\n", k, settings[k])
	}
	fmt.Fprintf(&b, "    endpoint = ephemeral.secgroup_rule.db.id != \"\" ? %q : \"http://127.0.0.1:1\"\n  }\n}\n", m.URL)
	fmt.Fprintf(&b, `
data "secgroup_rules" "seen" {
  provider          = secgroup.through
  cloud             = %q
  security_group_id = %q
}

resource "terraform_data" "seen" {
  input = [for r in data.secgroup_rules.seen.rules : r.description if r.cidr == %q]
}

output "seen" {
  value = terraform_data.seen.output
}
`, cloudName, ephemeralGroups[cloudName], runnerCIDR)
	return b.String()
}

// checkOpenedAndClosed checks the cloud's writes since the first calls:
// authorizes and revokes alternate, each open closed before the next
// (Terraform opens an ephemeral resource in each phase that uses it: plan,
// then apply), at most one open per phase, every write answered 200.
func checkOpenedAndClosed(t *testing.T, m *mockcloud.Server, cloudName string, from int) {
	t.Helper()
	open, opens := 0, 0
	var log []string
	for _, c := range m.Store.Calls()[from:] {
		if c.Cloud != cloudName {
			continue
		}
		log = append(log, fmt.Sprintf("%s %d", c.Action, c.Status))
		a := strings.ToLower(c.Action)
		switch {
		case !strings.Contains(a, "authorize") && !strings.Contains(a, "revoke"):
			continue
		case c.Status != 200:
			t.Fatalf("a write failed: %v", log)
		case strings.Contains(a, "authorize"):
			open++
			opens++
		default:
			open--
		}
		if open < 0 || open > 1 {
			t.Fatalf("writes do not alternate open, close: %v", log)
		}
	}
	if open != 0 || opens == 0 || opens > 2 {
		t.Fatalf("%d opens, %d left open, want one or two (plan, apply), each closed: %v", opens, open, log)
	}
}

// runnerRules are the group's rules letting runnerCIDR in.
func runnerRules(m *mockcloud.Server, cloudName string) []map[string]any {
	var out []map[string]any
	for _, r := range mocktest.Rules(m, cloudName, ephemeralGroups[cloudName]) {
		b, _ := json.Marshal(r)
		if strings.Contains(string(b), strings.TrimSuffix(runnerCIDR, "/32")) {
			out = append(out, r)
		}
	}
	return out
}

// A run that uses an ephemeral rule (a provider configured through it)
// finds it open, with its expiry marker on clouds with descriptions, and
// leaves the group as it was: each open authorized once and closed with
// one revoke, on every cloud.
func TestAccEphemeralRule_openForTheRun(t *testing.T) {
	cli, work := ephemeralCLI(t)
	for _, cloudName := range slices.Sorted(maps.Keys(ephemeralGroups)) {
		t.Run(cloudName, func(t *testing.T) {
			t.Parallel()
			m := mocktest.Start(t, "")
			dir := filepath.Join(work, cloudName)
			writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+ephemeralBlock(cloudName, `  duration = "30m"`+"\n")+throughProvider(m, cloudName)))
			out := mustCLI(t, cli, dir, "apply", "-auto-approve")
			seen, code := runCLI(t, cli, dir, "output", "-no-color", "-json", "seen")
			if code != 0 {
				t.Fatalf("output seen (exit %d): %s", code, seen)
			}
			var descs []string
			if err := json.Unmarshal([]byte(seen), &descs); err != nil {
				t.Fatalf("output seen %q: %v", seen, err)
			}
			if len(descs) != 1 {
				t.Fatalf("while the run used it, the group held %d rules for %s, want 1: %v\n%s", len(descs), runnerCIDR, descs, clirun.Tail(out, 3000))
			}
			if wantMarker := cloudName != "ens"; strings.Contains(descs[0], "ci runner secgroup-ephemeral:v1:until=") != wantMarker {
				t.Fatalf("the open rule's description is %q (marker expected: %v)", descs[0], wantMarker)
			}
			if cloudName == "ens" && !strings.Contains(out, "Ephemeral Rule Without Expiry") {
				t.Fatalf("no warning that an ENS rule has no expiry:\n%s", clirun.Tail(out, 3000))
			}
			if left := runnerRules(m, cloudName); len(left) != 0 {
				t.Fatalf("the group still holds the ephemeral rule after the run: %v", left)
			}
			checkOpenedAndClosed(t, m, cloudName, 0)
		})
	}
}

// A run that fails after opening the rule (a provisioner that uses it
// fails) still closes it: the group is left as it was. Terraform 1.15
// does not close the ephemeral resources of a failed apply; the provider
// revokes them when Terraform stops it (CloseStillOpen).
func TestAccEphemeralRule_failedRunCloses(t *testing.T) {
	cli, work := ephemeralCLI(t)
	for _, cloudName := range slices.Sorted(maps.Keys(ephemeralGroups)) {
		t.Run(cloudName, func(t *testing.T) {
			t.Parallel()
			m := mocktest.Start(t, "")
			dir := filepath.Join(work, cloudName)
			writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+ephemeralBlock(cloudName, "")+`
resource "terraform_data" "migrate" {
  provisioner "local-exec" {
    command     = "test -n \"$RULE\" && echo opened $RULE && exit 3"
    environment = { RULE = ephemeral.secgroup_rule.db.id }
  }
}
`))
			out, code := runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color")
			if code == 0 || !strings.Contains(out, "opened "+cloudName+"/") {
				t.Fatalf("the apply did not fail in the provisioner that uses the rule (exit %d):\n%s", code, clirun.Tail(out, 3000))
			}
			if left := runnerRules(m, cloudName); len(left) != 0 {
				t.Fatalf("the failed run left the ephemeral rule open: %v", left)
			}
			checkOpenedAndClosed(t, m, cloudName, 0)
		})
	}
}

// A rule the group held before the run is left: already_present, no
// authorize and no revoke, and a warning says so.
func TestAccEphemeralRule_alreadyPresent(t *testing.T) {
	cli, work := ephemeralCLI(t)
	for _, cloudName := range slices.Sorted(maps.Keys(ephemeralGroups)) {
		t.Run(cloudName, func(t *testing.T) {
			t.Parallel()
			m := mocktest.Start(t, "")
			existing := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 5432, To: 5432}, CIDR: runnerCIDR}
			if cloudName != "ens" {
				existing.Description = "dba"
			}
			authorizeInMock(t, m, cloudName, ephemeralGroups[cloudName], existing)
			before := len(m.Store.Calls())
			dir := filepath.Join(work, cloudName)
			writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+ephemeralBlock(cloudName, "")+`
resource "terraform_data" "use" {
  provisioner "local-exec" {
    command     = "test \"$PRESENT\" = true"
    environment = { PRESENT = ephemeral.secgroup_rule.db.already_present }
  }
}
`))
			out := oneLine(mustCLI(t, cli, dir, "apply", "-auto-approve"))
			// The provisioner fails unless already_present is true.
			if !strings.Contains(out, "Ephemeral Rule Already Present") {
				t.Fatalf("no warning that the rule was there:\n%s", clirun.Tail(out, 3000))
			}
			if n := len(runnerRules(m, cloudName)); n != 1 {
				t.Fatalf("the group holds %d rules for the runner after the run, want the one it held", n)
			}
			for _, c := range m.Store.Calls()[before:] {
				if a := strings.ToLower(c.Action); strings.Contains(a, "authorize") || strings.Contains(a, "revoke") {
					t.Fatalf("the run wrote to the group: %s %s", c.Cloud, c.Action)
				}
			}
		})
	}
}

// A run killed (SIGKILL, Terraform and the provider) while it uses the
// rule leaves it open with its marker; once the marker expired by the
// cloud's clock (mockcloud's clock offset), the next run that opens an
// ephemeral rule on the group says so and revokes it, or takes it over
// when it opens the same rule; a rule of someone else is left.
func TestAccEphemeralRule_killedRun(t *testing.T) {
	cli, work := ephemeralCLI(t)
	for _, tc := range []struct {
		cloud string
		// same: the next run opens the same rule (taken over), else
		// another (the leftover revoked).
		same bool
		warn string
	}{
		{"alicloud", true, "Expired Ephemeral Rule Taken Over"},
		{"zenlayer", true, "Expired Ephemeral Rule Taken Over"},
		{"baiducloud", false, "Expired Ephemeral Rule Revoked"},
		{"apsarastack", false, "Expired Ephemeral Rule Revoked"},
	} {
		t.Run(tc.cloud, func(t *testing.T) {
			t.Parallel()
			m := mocktest.Start(t, "")
			group := ephemeralGroups[tc.cloud]
			bystander := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "198.51.100.0/24", Description: "office"}
			authorizeInMock(t, m, tc.cloud, group, bystander)
			dir := filepath.Join(work, tc.cloud)
			started := filepath.Join(dir, "started")
			writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+ephemeralBlock(tc.cloud, `  duration = "5m"`+"\n")+fmt.Sprintf(`
resource "terraform_data" "migrate" {
  provisioner "local-exec" {
    command     = "touch %s; sleep 120"
    environment = { RULE = ephemeral.secgroup_rule.db.id }
  }
}
`, started)))
			cmd := cli.Command(dir, "apply", "-auto-approve", "-input=false", "-no-color")
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			var output strings.Builder
			cmd.Stdout, cmd.Stderr = &output, &output
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(2 * time.Minute)
			for {
				if _, err := os.Stat(started); err == nil {
					break
				}
				if time.Now().After(deadline) {
					_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
					_ = cmd.Wait()
					t.Fatalf("the provisioner did not start:\n%s", clirun.Tail(output.String(), 3000))
				}
				time.Sleep(50 * time.Millisecond)
			}
			// Terraform, the provider and the provisioner: the whole
			// process group.
			if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			left := runnerRules(m, tc.cloud)
			if len(left) != 1 {
				t.Fatalf("the killed run left %d rules for the runner, want its one open rule: %v\n%s", len(left), left, clirun.Tail(output.String(), 3000))
			}
			if b, _ := json.Marshal(left[0]); tc.cloud != "ens" && !strings.Contains(string(b), "secgroup-ephemeral:v1:until=") {
				t.Fatalf("the open rule carries no marker: %s", b)
			}

			// The marker not yet expired: the next run leaves the rule to
			// the run that may still use it.
			next := ephemeralBlock(tc.cloud, "")
			if !tc.same {
				next = strings.Replace(next, `port_range        = "5432"`, `port_range        = "443"`, 1)
			}
			writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+next))
			before := len(m.Store.Calls())
			out := oneLine(mustCLI(t, cli, dir, "plan", "-lock=false"))
			if strings.Contains(out, "Expired Ephemeral Rule") || len(runnerRules(m, tc.cloud)) != 1 && !tc.same {
				t.Fatalf("a rule whose marker has not expired was taken for expired:\n%s", clirun.Tail(out, 3000))
			}
			if tc.same && !strings.Contains(out, "opened by another run that uses it now") {
				t.Fatalf("the same rule, live, is not left to the other run:\n%s", clirun.Tail(out, 3000))
			}
			for _, c := range m.Store.Calls()[before:] {
				if strings.Contains(strings.ToLower(c.Action), "revoke") && c.Cloud == tc.cloud && tc.same {
					t.Fatalf("a live rule was revoked: %v", c)
				}
			}

			// Ten minutes later by the cloud's clock (within its signature
			// window): past the five-minute marker and the grace.
			m.Store.SetClockOffset(10 * time.Minute)
			before = len(m.Store.Calls())
			out = oneLine(mustCLI(t, cli, dir, "plan", "-lock=false"))
			if !strings.Contains(out, tc.warn) {
				t.Fatalf("the next plan does not say %q:\n%s", tc.warn, clirun.Tail(out, 3000))
			}
			if n := len(runnerRules(m, tc.cloud)); n != 0 {
				t.Fatalf("the group holds %d rules for the runner after the next run, want none: %v", n, runnerRules(m, tc.cloud))
			}
			if rules := mocktest.Rules(m, tc.cloud, group); len(rules) != 1 {
				t.Fatalf("the group holds %v, want only the bystander rule", rules)
			}
			revokes := 0
			for _, c := range m.Store.Calls()[before:] {
				if c.Cloud == tc.cloud && strings.Contains(strings.ToLower(c.Action), "revoke") && c.Status == 200 {
					revokes++
				}
			}
			// The leftover, and the next run's own rule closed; taken
			// over in place (ECS): only the close.
			want := 2
			if tc.same && tc.cloud == "alicloud" {
				want = 1
			}
			if revokes != want {
				t.Fatalf("%d revokes in the next run, want %d", revokes, want)
			}
		})
	}
}

// secgroup_rules_exclusive leaves a rule that an ephemeral rule of a
// running run opened (its marker live), listing it in a warning at plan,
// and revokes one whose marker expired as any other rule it does not keep.
func TestAccEphemeralRule_exclusiveKeepsLive(t *testing.T) {
	cli, work := ephemeralCLI(t)
	for _, cloudName := range []string{"alicloud", "zenlayer"} {
		t.Run(cloudName, func(t *testing.T) {
			t.Parallel()
			m := mocktest.Start(t, "")
			group := ephemeralGroups[cloudName]
			dir := filepath.Join(work, cloudName)
			writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+fmt.Sprintf(`
resource "secgroup_rule" "keep" {
  cloud             = %[1]q
  security_group_id = %[2]q
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "443"
  cidr              = "0.0.0.0/0"
}

resource "secgroup_rules_exclusive" "only" {
  cloud             = %[1]q
  security_group_id = %[2]q
  rule_ids          = [secgroup_rule.keep.id]
}
`, cloudName, group)))
			mustCLI(t, cli, dir, "apply", "-auto-approve")
			now := m.Store.Now()
			ports := func(p int) rule.PortRange { return rule.PortRange{From: p, To: p} }
			live := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(5432), CIDR: runnerCIDR, Description: rule.WithMarker("ci runner", now.Add(30*time.Minute))}
			expired := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(5433), CIDR: runnerCIDR, Description: rule.WithMarker("ci runner", now.Add(-10*time.Minute))}
			stray := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22), CIDR: "198.51.100.0/24", Description: "by hand"}
			for _, r := range []rule.Rule{live, expired, stray} {
				authorizeInMock(t, m, cloudName, group, r)
			}
			out := oneLine(mustCLI(t, cli, dir, "apply", "-auto-approve"))
			if !strings.Contains(out, "Ephemeral Rules Kept") || !strings.Contains(out, "ingress tcp 5432 from "+runnerCIDR) {
				t.Fatalf("the plan does not list the live ephemeral rule as kept:\n%s", clirun.Tail(out, 3000))
			}
			var held []string
			for _, r := range mocktest.Rules(m, cloudName, group) {
				b, _ := json.Marshal(r)
				held = append(held, string(b))
			}
			joined := strings.Join(held, "\n")
			if len(held) != 2 || !strings.Contains(joined, `"5432/5432"`) || !strings.Contains(joined, `"443/443"`) {
				t.Fatalf("the group holds, after the apply, %d rules, want the kept one and the live ephemeral one:\n%s", len(held), joined)
			}
		})
	}
}

// A close the cloud refuses is an error naming the rule and its marker's
// expiry, never silent.
func TestAccEphemeralRule_closeRefused(t *testing.T) {
	cliIndependent(t)
	cli, work := ephemeralCLI(t)
	m := mocktest.Start(t, "")
	m.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "RevokeSecurityGroup", Error: 100, Code: "Forbidden.RAM", Status: 403})
	dir := filepath.Join(work, "alicloud")
	writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+ephemeralBlock("alicloud", "")))
	out, code := runCLI(t, cli, dir, "plan", "-input=false", "-no-color")
	flat := oneLine(out)
	if code == 0 || !strings.Contains(flat, "Could Not Close Ephemeral Rule") || !strings.Contains(flat, "rule ingress tcp 5432 "+runnerCIDR) ||
		!strings.Contains(flat, "the next ephemeral rule opened on the group revokes it after") {
		t.Fatalf("a refused close is not an error naming the rule and its expiry (exit %d):\n%s", code, clirun.Tail(out, 3000))
	}
	if n := len(runnerRules(m, "alicloud")); n != 1 {
		t.Fatalf("the group holds %d rules for the runner, want the one whose revoke was refused", n)
	}
}

// The ephemeral rule runs secgroup_rule's checks and its own before any
// call: each mistake is an error on its attribute, and the cloud hears
// nothing.
func TestAccEphemeralRule_checks(t *testing.T) {
	cli, work := ephemeralCLI(t)
	m := mocktest.Start(t, "")
	for name, c := range map[string]struct{ extra, want string }{
		"ports":    {`  # no port_range` + "\n", `protocol "tcp" needs port_range`},
		"protocol": {`  protocol   = "gre"` + "\n", `does not support protocol "gre"`},
		"duration": {`  duration   = "1m"` + "\n", `duration is at least 5m`},
		"marker":   {`  description = "` + strings.Repeat("x", 500) + `"` + "\n", `expiry marker takes 49 of them`},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(work, name)
			cloudName := "zenlayer"
			if name == "marker" {
				cloudName = "alicloud"
			}
			block := ephemeralBlock(cloudName, "")
			block = strings.Replace(block, "  port_range        = \"5432\"\n", "", 1)
			block = strings.Replace(block, "  description = \"ci runner\"\n", "", 1)
			if !strings.Contains(c.extra, "port_range") {
				block = strings.Replace(block, "}\n", "  port_range = \"5432\"\n}\n", 1)
			}
			if strings.Contains(c.extra, "protocol") {
				block = strings.Replace(block, "  protocol          = \"tcp\"\n", "", 1)
				block = strings.Replace(block, "  port_range = \"5432\"\n", "", 1)
			}
			block = strings.Replace(block, "}\n", c.extra+"}\n", 1)
			writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+block))
			before := len(m.Store.Calls())
			out, code := runCLI(t, cli, dir, "plan", "-input=false", "-no-color")
			if code == 0 || !strings.Contains(oneLine(out), c.want) {
				t.Fatalf("the plan does not fail with %q (exit %d):\n%s\n%s", c.want, code, block, clirun.Tail(out, 3000))
			}
			if n := len(m.Store.Calls()) - before; n != 0 {
				t.Fatalf("a configuration that fails its checks reached the cloud: %d calls", n)
			}
		})
	}
}

// The plan of a secgroup_rule and a secgroup_rule_set on a group holding a
// rule a killed run left (its marker expired) says so once, with what will
// revoke it, and writes nothing; a rule the description of which merely
// mentions ephemeral rules is not named, and the marker refused in a
// managed rule's description fails the plan before any call.
func TestAccEphemeralRule_planShowsExpired(t *testing.T) {
	cli, work := ephemeralCLI(t)
	for _, cloudName := range []string{"alicloud", "zenlayer"} {
		t.Run(cloudName, func(t *testing.T) {
			t.Parallel()
			m := mocktest.Start(t, "")
			group := ephemeralGroups[cloudName]
			leftover := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 5432, To: 5432}, CIDR: runnerCIDR,
				Description: "ci runner " + rule.Marker(time.Now().Add(-10*time.Minute))}
			authorizeInMock(t, m, cloudName, group, leftover)
			authorizeInMock(t, m, cloudName, group, rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "198.51.100.0/24", Description: "about secgroup ephemeral rules"})
			dir := filepath.Join(work, "expired-"+cloudName)
			body := fmt.Sprintf(`
resource "secgroup_rule" "https" {
  cloud             = %[1]q
  security_group_id = %[2]q
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "443"
  cidr              = "0.0.0.0/0"
}

resource "secgroup_rule_set" "offices" {
  cloud             = %[1]q
  security_group_id = %[2]q
  rules = {
    ssh = { direction = "ingress", protocol = "tcp", port_range = "2222", cidr = "192.0.2.0/24" }
  }
}
`, cloudName, group)
			writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+body))
			mustCLI(t, cli, dir, "apply", "-auto-approve")
			before := len(m.Store.Calls())
			out := oneLine(mustCLI(t, cli, dir, "plan"))
			if n := strings.Count(out, "Expired Ephemeral Rules In The Group"); n != 1 {
				t.Fatalf("the plan says %d times that the group holds an expired ephemeral rule, want once:\n%s", n, clirun.Tail(out, 3000))
			}
			if !strings.Contains(out, "5432") || strings.Contains(out, "198.51.100.0/24") || !strings.Contains(out, "secgroup_revoke") {
				t.Fatalf("the warning does not name the leftover alone, or what revokes it:\n%s", clirun.Tail(out, 3000))
			}
			for _, c := range m.Store.Calls()[before:] {
				if !strings.HasPrefix(c.Action, "Describe") {
					t.Fatalf("the plan wrote to the cloud: %v", c)
				}
			}

			// The marker given by hand to a managed rule: refused at plan.
			writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+strings.Replace(body, `cidr              = "0.0.0.0/0"`,
				`cidr              = "0.0.0.0/0"`+"\n  description       = \"web "+rule.Marker(time.Now().Add(time.Hour))+"\"", 1)))
			before = len(m.Store.Calls())
			plan, code := runCLI(t, cli, dir, "plan", "-input=false", "-no-color")
			if code == 0 || !strings.Contains(oneLine(plan), "descriptions may not hold \"secgroup-ephemeral:\"") {
				t.Fatalf("a managed rule's description holding the marker is not refused (exit %d):\n%s", code, clirun.Tail(plan, 3000))
			}
			for _, c := range m.Store.Calls()[before:] {
				if !strings.HasPrefix(c.Action, "Describe") {
					t.Fatalf("a plan refused wrote to the cloud: %v", c)
				}
			}
		})
	}
}
