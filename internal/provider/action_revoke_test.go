package provider

import (
	"context"
	"fmt"
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

// The action revokes, across three groups on two clouds, exactly the rules
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
	groups := [][2]string{{"alicloud", "sg-web"}, {"alicloud", "sg-app"}, {"zenlayer", "zl-web"}}
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
	if len(listed) != 4 {
		t.Fatalf("the plan lists %d rules, want the 4 that match:\n%s", len(listed), out)
	}
	for _, want := range []string{"ingress tcp 1-1024 from 203.0.112.0/20", `ingress tcp 22 from 203.0.0.0/16 nic intranet accept priority 1 "partner"`,
		"ingress tcp 20-30 from 203.0.113.0/24", "ingress tcp 22 from 203.0.113.0/24 nic intranet accept"} {
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
	progress := regexp.MustCompile(`(?m)revoked (alicloud|zenlayer) security group \S+: ingress`).FindAllString(out, -1)
	if len(progress) != 4 {
		t.Errorf("the apply reports %d revoked rules, want 4:\n%s", len(progress), out)
	}
	if !strings.Contains(out, "secgroup_revoke: 4 rules revoked in 3 groups") {
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
	if revokes == 0 || revokes > 4 {
		t.Errorf("%d revoke calls for 4 rules", revokes)
	}

	// The managed rule is drift: the next plan creates it again.
	out, code := runCLI(t, cli, dir, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	if code != 2 || !strings.Contains(out, "secgroup_rule.partner will be created") {
		t.Fatalf("the plan after the action (exit %d) does not create the revoked secgroup_rule again:\n%s", code, clirun.Tail(out, 4000))
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
