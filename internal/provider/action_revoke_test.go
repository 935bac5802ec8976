package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// actionCLI is the CLI set up for actions, or a skip: actions came in
// Terraform 1.14; OpenTofu has none yet.
func actionCLI(t *testing.T) (*clirun.CLI, string) {
	t.Helper()
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	if cliIsOpenTofu(t, cli) || !cliAtLeast(t, cli, 1, 14) {
		t.Skip("actions need Terraform 1.14 or newer (OpenTofu has none yet)")
	}
	return cli, work
}

// seeded is a rule put in a mock group out of band, and whether the
// incident filter must revoke it.
type seeded struct {
	cloud, group string
	rule         rule.Rule
	revoke       bool
}

// incidentBlock is the action of the incident tests: a leaked partner
// range, tcp 22 in, in the groups given.
func incidentBlock(groups ...[2]string) string {
	var entries []string
	for _, g := range groups {
		entries = append(entries, fmt.Sprintf("{ cloud = %q, security_group_id = %q }", g[0], g[1]))
	}
	return fmt.Sprintf(`
action "secgroup_revoke" "incident" {
  config {
    groups    = [%s]
    network   = "203.0.113.0/24"
    protocol  = "tcp"
    port      = 22
    direction = "ingress"
  }
}
`, strings.Join(entries, ", "))
}

// writeCalls are the vendor calls that change a group, of every cloud.
var writeCalls = regexp.MustCompile(`^(Authorize|Revoke|Modify|PUT)|[Rr]evoke|[Aa]uthorize`)

// The action revokes, across six groups on the five clouds (three groups
// on two of them hold the near misses), exactly the rules
// that let the network in on tcp 22 (equal or wider peers, a port range
// that holds 22) and leaves every near miss: another port, protocol,
// direction or network, a narrower peer, a peer open to all, a drop rule,
// protocol all, a peer group. Its plan lists them and writes nothing; the
// apply reports each; a secgroup_rule it revoked is drift on the next
// plan, planned to be created again.
func TestAccRevokeAction_incident(t *testing.T) {
	cli, work := actionCLI(t)
	m := mocktest.Start(t, "")
	tcp22 := func(cidr string) rule.Rule {
		return rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22, 22), CIDR: cidr}
	}
	withPorts := func(r rule.Rule, from, to int) rule.Rule { r.Ports = ports(from, to); return r }
	drop := tcp22("203.0.113.0/24")
	drop.Policy, drop.Priority = rule.Drop, 2
	described := tcp22("203.0.0.0/16")
	described.Description = "partner"
	seeds := []seeded{
		{"alicloud", "sg-web", withPorts(tcp22("203.0.112.0/20"), 1, 1024), true},
		{"alicloud", "sg-web", withPorts(tcp22("203.0.113.0/24"), 23, 23), false},
		{"alicloud", "sg-web", rule.Rule{Direction: rule.Ingress, Protocol: rule.UDP, Ports: ports(22, 22), CIDR: "203.0.113.0/24"}, false},
		{"alicloud", "sg-web", rule.Rule{Direction: rule.Egress, Protocol: rule.TCP, Ports: ports(22, 22), CIDR: "203.0.113.0/24"}, false},
		{"alicloud", "sg-web", tcp22("203.0.113.128/25"), false},
		{"alicloud", "sg-web", tcp22("0.0.0.0/0"), false},
		{"alicloud", "sg-web", tcp22("198.51.100.0/24"), false},
		{"alicloud", "sg-web", drop, false},
		{"alicloud", "sg-app", described, true},
		{"alicloud", "sg-app", rule.Rule{Direction: rule.Ingress, Protocol: rule.All, CIDR: "203.0.113.0/24"}, false},
		{"alicloud", "sg-app", rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22, 22), PeerGroupID: "sg-web", NicType: "intranet"}, false},
		{"zenlayer", "zl-web", withPorts(tcp22("203.0.113.0/24"), 20, 30), true},
		{"zenlayer", "zl-web", rule.Rule{Direction: rule.Ingress, Protocol: rule.ICMP, CIDR: "203.0.113.0/24"}, false},
		{"zenlayer", "zl-web", tcp22("10.0.0.0/8"), false},
		{"baiducloud", "g-web", tcp22("203.0.113.0/24"), true},
		{"baiducloud", "g-web", tcp22("2001:db8::/32"), false},
		{"apsarastack", "sg-as-web", tcp22("203.0.112.0/22"), true},
		{"apsarastack", "sg-as-web", withPorts(tcp22("203.0.113.0/24"), 80, 443), false},
		{"ens", "sg-ens-web", tcp22("203.0.113.0/24"), true},
		{"ens", "sg-ens-web", rule.Rule{Direction: rule.Egress, Protocol: rule.TCP, Ports: ports(22, 22), CIDR: "203.0.113.0/24"}, false},
	}
	for _, s := range seeds {
		authorizeInMock(t, m, s.cloud, s.group, s.rule)
	}
	// One matching rule is a secgroup_rule of the configuration.
	managed := `
resource "secgroup_rule" "partner" {
  cloud             = "alicloud"
  security_group_id = "sg-web"
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "22"
  cidr              = "203.0.113.0/24"
}
`
	dir := filepath.Join(work, "incident")
	groups := [][2]string{{"alicloud", "sg-web"}, {"alicloud", "sg-app"}, {"zenlayer", "zl-web"}, {"baiducloud", "g-web"}, {"apsarastack", "sg-as-web"}, {"ens", "sg-ens-web"}}
	writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+managed+incidentBlock(groups...)))
	mustCLI(t, cli, dir, "apply", "-auto-approve")
	seeds = append(seeds, seeded{"alicloud", "sg-web", tcp22("203.0.113.0/24"), true})

	before := len(m.Store.Calls())
	out := mustCLI(t, cli, dir, "plan", "-invoke=action.secgroup_revoke.incident")
	for _, c := range m.Store.Calls()[before:] {
		if writeCalls.MatchString(c.Action) {
			t.Fatalf("plan -invoke called %s %s", c.Cloud, c.Action)
		}
	}
	listed := regexp.MustCompile(`(?m)^\s*│?\s*- (ingress .*)$`).FindAllStringSubmatch(out, -1)
	if len(listed) != 7 {
		t.Fatalf("the plan lists %d rules, want the 7 that match:\n%s", len(listed), out)
	}
	for _, want := range []string{"ingress tcp 1-1024 from 203.0.112.0/20", `ingress tcp 22 from 203.0.0.0/16 nic intranet accept priority 1 "partner"`,
		"ingress tcp 20-30 from 203.0.113.0/24", "ingress tcp 22 from 203.0.113.0/24 nic intranet accept", "ingress tcp 22 from 203.0.112.0/22", "ingress tcp 22 from 203.0.113.0/24 accept priority 1\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan does not list %q:\n%s", want, out)
		}
	}
	for _, s := range seeds {
		if heldCount(t, m, s) != 1 {
			t.Fatalf("after plan -invoke the group does not hold %s %s %s", s.cloud, s.group, s.rule)
		}
	}

	before = len(m.Store.Calls())
	out = mustCLI(t, cli, dir, "apply", "-auto-approve", "-invoke=action.secgroup_revoke.incident")
	progress := regexp.MustCompile(`(?m)revoked (alicloud|zenlayer|baiducloud|apsarastack|ens) security group \S+: ingress`).FindAllString(out, -1)
	if len(progress) != 7 {
		t.Errorf("the apply reports %d revoked rules, want 7:\n%s", len(progress), out)
	}
	if !strings.Contains(out, "secgroup_revoke: 7 rules revoked, 6 groups searched") {
		t.Errorf("no summary in the apply's output:\n%s", out)
	}
	for _, s := range seeds {
		want := 1
		if s.revoke {
			want = 0
		}
		if got := heldCount(t, m, s); got != want {
			t.Errorf("%s %s holds %s %d times after the action, want %d", s.cloud, s.group, s.rule, got, want)
		}
	}
	revokes := 0
	for _, c := range m.Store.Calls()[before:] {
		if writeCalls.MatchString(c.Action) {
			if !strings.Contains(c.Action, "evoke") {
				t.Errorf("the action called %s %s", c.Cloud, c.Action)
			}
			revokes++
		}
	}
	// Six groups, one call each: sg-web's two rules go out together.
	if n := len(m.Store.CallsOf("alicloud", "RevokeSecurityGroup")); n != 2 || revokes != 6 {
		t.Errorf("%d revoke calls for 7 rules in 6 groups, %d of them ECS's for 3 rules in 2 groups: want 6 and 2", revokes, n)
	}

	// The managed rule is drift: the next plan creates it again.
	out, code := runCLI(t, cli, dir, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	if code != 2 || !strings.Contains(out, "secgroup_rule.partner will be created") {
		t.Fatalf("the plan after the action (exit %d) does not create the revoked secgroup_rule again:\n%s", code, clirun.Tail(out, 4000))
	}
	// The documented workflow's last step: removed from the configuration,
	// the rule leaves the state with nothing to do.
	writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+incidentBlock(groups...)))
	before = len(m.Store.Calls())
	out = mustCLI(t, cli, dir, "apply", "-auto-approve")
	if !strings.Contains(out, "Resources: 0 added, 0 changed, 0 destroyed") || stateCount(t, filepath.Join(dir, "terraform.tfstate")) != 0 {
		t.Fatalf("removing the revoked rule from the configuration did not just drop it:\n%s", clirun.Tail(out, 4000))
	}
	for _, c := range m.Store.Calls()[before:] {
		if writeCalls.MatchString(c.Action) {
			t.Fatalf("removing the revoked rule called %s %s", c.Cloud, c.Action)
		}
	}
}

// heldCount counts the rules of the seed's group that are its rule, read out
// of band.
func heldCount(t *testing.T, m *mockcloud.Server, s seeded) int {
	t.Helper()
	rules, err := outOfBand(t, m, s.cloud).Describe(context.Background(), s.group)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rules {
		// A rule that leaves its policy to the cloud is an accept rule.
		if s.rule.Matches(r) && r.Description == s.rule.Description && (r.Policy == rule.Drop) == (s.rule.Policy == rule.Drop) {
			n++
		}
	}
	return n
}

// A group the cloud does not know (alicloud) and a cloud that refuses the
// credentials (zenlayer) fail the action, each named, after the matching
// rules of the groups it could reach were revoked, which the error lists;
// the plan only warns of them.
func TestAccRevokeAction_unreachable(t *testing.T) {
	cli, work := actionCLI(t)
	m := mocktest.Start(t, "")
	partner := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22, 22), CIDR: "203.0.113.0/24"}
	authorizeInMock(t, m, "alicloud", "sg-web", partner)
	authorizeInMock(t, m, "alicloud", "sg-app", partner)
	authorizeInMock(t, m, "zenlayer", "zl-web", partner)
	var b strings.Builder
	b.WriteString("\nprovider \"secgroup\" {\n")
	b.WriteString(mocktest.Block("alicloud", mocktest.Settings("alicloud", m.URL)))
	refused := mocktest.Settings("zenlayer", m.URL)
	refused["secret_key"] = "not-the-secret"
	b.WriteString(mocktest.Block("zenlayer", refused))
	b.WriteString("}\n")
	dir := filepath.Join(work, "unreachable")
	writeConfig(t, dir, cliConfig(b.String()+incidentBlock([2]string{"alicloud", "sg-web"}, [2]string{"alicloud", "sg-missing"},
		[2]string{"zenlayer", "zl-web"}, [2]string{"alicloud", "sg-app"})))

	out := mustCLI(t, cli, dir, "plan", "-invoke=action.secgroup_revoke.incident")
	for _, want := range []string{`alicloud security group sg-missing: .*zenlayer security group zl-web: .*The invoke reads them again`} {
		if !regexp.MustCompile(`(?s)` + spaced(want)).MatchString(out) {
			t.Errorf("the plan does not warn %q:\n%s", want, out)
		}
	}

	out, code := runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color", "-invoke=action.secgroup_revoke.incident")
	if code == 0 {
		t.Fatalf("the action succeeded with a group missing and credentials refused:\n%s", out)
	}
	for _, want := range []string{
		`secgroup_revoke Did Not Finish`,
		`alicloud security group sg-missing: cannot read the group: .*sg-missing`,
		`zenlayer security group zl-web: cannot read the group:`,
		`Revoked \(these stay revoked\):\s+alicloud security group sg-web: ingress tcp 22 from 203.0.113.0/24 .*\s+alicloud security group sg-app: ingress tcp 22 from 203.0.113.0/24`,
	} {
		if !regexp.MustCompile(`(?s)` + spaced(want)).MatchString(out) {
			t.Errorf("the failed action's output does not match %q:\n%s", want, out)
		}
	}
	for _, g := range []string{"sg-web", "sg-app"} {
		if n := heldCount(t, m, seeded{cloud: "alicloud", group: g, rule: partner}); n != 0 {
			t.Errorf("alicloud %s still holds the partner rule", g)
		}
	}
	if n := heldCount(t, m, seeded{cloud: "zenlayer", group: "zl-web", rule: partner}); n != 1 {
		t.Errorf("zenlayer zl-web holds the partner rule %d times, want 1 (its credentials were refused)", n)
	}
}

// Mistakes in the filter are plan-time errors that name the attribute, the
// value and the fix, and reach no cloud.
func TestAccRevokeAction_validation(t *testing.T) {
	cli, work := actionCLI(t)
	m := mocktest.Start(t, "")
	cases := []struct{ name, body, want string }{
		{"host bits", `network = "203.0.113.7/24"`, `network must be an IPv4 or IPv6 CIDR block or address: "203.0.113.7/24" has host bits set; write the network address 203.0.113.0/24`},
		{"not a network", `network = "partner"`, `network must be an IPv4 or IPv6 CIDR block or address: "partner" is not an IP address`},
		{"port out of range", "network = \"203.0.113.0/24\"\n    port = 70000", `port is 70000: give one port within 1-65535`},
		{"port without ports", "network = \"203.0.113.0/24\"\n    protocol = \"icmp\"\n    port = 22", `protocol "icmp" has no ports, so no rule could match port 22: remove port`},
		{"widest narrower than the network", "network = \"203.0.113.0/24\"\n    widest_prefix_length = 28", `widest_prefix_length is 28, but network 203.0.113.0/24 is a /24`},
		{"no groups", `network = "203.0.113.0/24"`, `groups list must contain at least 1 elements`},
		{"group twice", `network = "203.0.113.0/24"`, `groups\[1\] lists alicloud group sg-web again`},
		{"unknown cloud", `network = "203.0.113.0/24"`, `cloud value must be one of`},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			groups := `[{ cloud = "alicloud", security_group_id = "sg-web" }]`
			switch tc.name {
			case "no groups":
				groups = "[]"
			case "group twice":
				groups = `[{ cloud = "alicloud", security_group_id = "sg-web" }, { cloud = "alicloud", security_group_id = "sg-web" }]`
			case "unknown cloud":
				groups = `[{ cloud = "aws", security_group_id = "sg-web" }]`
			}
			dir := filepath.Join(work, fmt.Sprint(i))
			writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+fmt.Sprintf("action \"secgroup_revoke\" \"x\" {\n  config {\n    groups = %s\n    %s\n  }\n}\n", groups, tc.body)))
			out, code := runCLI(t, cli, dir, "plan", "-input=false", "-no-color", "-invoke=action.secgroup_revoke.x")
			if code == 0 || !regexp.MustCompile(`(?s)`+spaced(tc.want)).MatchString(out) {
				t.Fatalf("exit %d, want an error matching %q:\n%s", code, tc.want, out)
			}
		})
	}
	if calls := m.Store.Calls(); len(calls) != 0 {
		t.Fatalf("invalid configurations reached the cloud: %d calls, the first %s %s", len(calls), calls[0].Cloud, calls[0].Action)
	}
}

// An action_trigger runs the action in an ordinary apply: here after the
// resource that records the leaked network is created, with the network
// known only then (the plan cannot list, and says nothing wrong).
func TestAccRevokeAction_trigger(t *testing.T) {
	cli, work := actionCLI(t)
	m := mocktest.Start(t, "")
	partner := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22, 22), CIDR: "203.0.113.0/24"}
	authorizeInMock(t, m, "alicloud", "sg-web", partner)
	authorizeInMock(t, m, "zenlayer", "zl-web", partner)
	dir := filepath.Join(work, "trigger")
	writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+`
resource "terraform_data" "leak" {
  input = "203.0.113.0/24"
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.secgroup_revoke.leak]
    }
  }
}

action "secgroup_revoke" "leak" {
  config {
    groups  = [{ cloud = "alicloud", security_group_id = "sg-web" }, { cloud = "zenlayer", security_group_id = "zl-web" }]
    network = terraform_data.leak.output
  }
}
`))
	out := mustCLI(t, cli, dir, "apply", "-auto-approve")
	if !strings.Contains(out, "secgroup_revoke: 2 rules revoked, 2 groups searched") {
		t.Errorf("the triggered action does not report its revokes:\n%s", out)
	}
	if !regexp.MustCompile(spaced(`Not listed: the action's configuration holds values known only at apply`)).MatchString(out) {
		t.Errorf("the plan does not say why it lists nothing:\n%s", out)
	}
	for _, c := range []seeded{{cloud: "alicloud", group: "sg-web", rule: partner}, {cloud: "zenlayer", group: "zl-web", rule: partner}} {
		if n := heldCount(t, m, c); n != 0 {
			t.Errorf("%s %s still holds the partner rule", c.cloud, c.group)
		}
	}
}

// A group on a cloud the provider block does not configure fails the plan
// on that entry's cloud, naming the missing settings, before any invoke.
func TestAccRevokeAction_cloudNotConfigured(t *testing.T) {
	cli, work := actionCLI(t)
	clearCloudEnv(t, "ens")
	m := mocktest.Start(t, "")
	authorizeInMock(t, m, "alicloud", "sg-web", rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22, 22), CIDR: "203.0.113.0/24"})
	provider := "\nprovider \"secgroup\" {\n" + mocktest.Block("alicloud", mocktest.Settings("alicloud", m.URL)) + "}\n"
	dir := filepath.Join(work, "unconfigured")
	writeConfig(t, dir, cliConfig(provider+incidentBlock([2]string{"alicloud", "sg-web"}, [2]string{"ens", "sg-ens-web"})))
	before := len(m.Store.Calls())
	out, code := runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color", "-invoke=action.secgroup_revoke.incident")
	if code == 0 || !regexp.MustCompile(`(?s)Cannot Use Cloud.*ens security group sg-ens-web: .*access_key`).MatchString(out) {
		t.Fatalf("exit %d, want the plan to fail naming the ens group and its missing settings:\n%s", code, out)
	}
	for _, c := range m.Store.Calls()[before:] {
		if writeCalls.MatchString(c.Action) {
			t.Fatalf("a failed plan called %s %s", c.Cloud, c.Action)
		}
	}
}

// The documented example is a valid configuration for the CLI.
func TestAccRevokeAction_exampleValidates(t *testing.T) {
	cli, work := actionCLI(t)
	example, err := os.ReadFile("../../examples/actions/secgroup_revoke/action.tf")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(work, "example")
	writeConfig(t, dir, cliConfig("\nprovider \"secgroup\" {}\n"+string(example)))
	if out, code := runCLI(t, cli, dir, "validate", "-no-color"); code != 0 {
		t.Fatalf("validate (exit %d):\n%s", code, out)
	}
}
