package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/baidubce/bce-sdk-go/services/bcc/api"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	mockzenlayer "github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/zenlayer"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// adoption is one cloud's group holding rules made outside Terraform, of
// every kind the cloud has: what `terraform query` must find and adopt.
type adoption struct {
	cloud, group string
	rules        []rule.Rule
	// seed adds rules the provider cannot create as the cloud holds them:
	// Zenlayer's drop rules (made in its console, straight into the mock),
	// Baidu's address "all" (made through Baidu's SDK).
	seed func(t *testing.T, m *mockcloud.Server)
	// display are the display names the query must show, one per rule.
	display []string
}

func ports(from, to int) rule.PortRange { return rule.PortRange{From: from, To: to} }

var adoptions = []adoption{
	{cloud: "alicloud", group: "sg-web", rules: []rule.Rule{
		{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22, 22), CIDR: "10.0.0.0/8", Description: "ssh"},
		{Direction: rule.Ingress, Protocol: rule.ICMPv6, CIDR: "2001:db8::/64"},
		{Direction: rule.Egress, Protocol: rule.TCP, Ports: ports(5432, 5432), PeerGroupID: "sg-app", NicType: "intranet"},
		{Direction: rule.Egress, Protocol: rule.UDP, Ports: ports(123, 123), PrefixListID: "pl-ntp"},
		{Direction: rule.Ingress, Protocol: rule.All, CIDR: "192.0.2.0/24", Policy: rule.Drop, Priority: 2},
		{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(3306, 3306), PeerGroupID: "sg-db", PeerGroupOwnerID: unknownAccount},
	}, display: []string{`^ingress tcp 22 from 10.0.0.0/8 nic intranet accept priority 1 "ssh" \(sgr-`, `^ingress icmpv6 from 2001:db8::/64 nic intranet accept priority 1 \(sgr-`,
		`^egress tcp 5432 to group sg-app nic intranet accept priority 1 \(sgr-`, `^egress udp 123 to prefix list pl-ntp nic intranet accept priority 1 \(sgr-`, `^ingress all from 192.0.2.0/24 nic intranet drop priority 2 \(sgr-`,
		`^ingress tcp 3306 from group sg-db of ` + unknownAccount + ` nic intranet accept priority 1 \(sgr-`}},
	{cloud: "zenlayer", group: "zl-web", rules: []rule.Rule{
		{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22, 22), CIDR: "10.0.0.0/8"},
		{Direction: rule.Egress, Protocol: rule.UDP, Ports: ports(53, 53), CIDR: "192.0.2.53/32", Priority: 5},
	}, seed: func(_ *testing.T, m *mockcloud.Server) {
		m.Store.Atomically(func(tx *store.Tx) {
			g := tx.Group("zenlayer", "zl-web")
			g.Rules = append(g.Rules, &mockzenlayer.RuleInfo{RuleID: tx.NextNumber(), Direction: "ingress", Policy: "drop", Priority: 100, IPProtocol: "tcp", PortRange: "23/23", CidrIP: "0.0.0.0/0"})
		})
	}, display: []string{`^ingress tcp 22 from 10.0.0.0/8 accept priority 1 \(\d+\)$`, `^egress udp 53 to 192.0.2.53/32 accept priority 5 \(\d+\)$`, `^ingress tcp 23 from 0.0.0.0/0 drop priority 100 \(\d+\)$`}},
	{cloud: "baiducloud", group: "g-web", rules: []rule.Rule{
		{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22, 22), CIDR: "10.0.0.0/8", Description: "ssh"},
		{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(80, 443), CIDR: "2001:db8::/32"},
		{Direction: rule.Egress, Protocol: rule.All, PeerGroupID: "g-app"},
	}, seed: func(t *testing.T, m *mockcloud.Server) {
		authorizeAsBaidu(t, m, "g-web", &api.SecurityGroupRuleModel{Direction: "ingress", Ethertype: "IPv4", Protocol: "tcp", PortRange: "443", SourceIp: "all", Remark: "open"})
	}, display: []string{`^ingress tcp 22 from 10.0.0.0/8 "ssh" \(`, `^ingress tcp 80-443 from 2001:db8::/32 \(`, `^egress all to group g-app \(`,
		`^ingress tcp 443 from 0\.0\.0\.0/0 "open" \(`}},
	{cloud: "apsarastack", group: "sg-as-web", rules: []rule.Rule{
		{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22, 22), CIDR: "10.0.0.0/8"},
		{Direction: rule.Ingress, Protocol: rule.ICMPv6, CIDR: "2001:db8::/32", Description: "ping6"},
		{Direction: rule.Egress, Protocol: rule.TCP, Ports: ports(443, 443), PeerGroupID: "sg-as-app", NicType: "intranet"},
		{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(3306, 3306), PeerGroupID: "sg-as-db", PeerGroupOwnerAccount: "partner@example.net"},
	}, display: []string{`^ingress tcp 22 from 10.0.0.0/8 nic intranet accept priority 1 \(sgr-`, `^ingress icmpv6 from 2001:db8::/32 nic intranet accept priority 1 "ping6" \(sgr-`, `^egress tcp 443 to group sg-as-app nic intranet accept priority 1 \(sgr-`,
		`^ingress tcp 3306 from group sg-as-db of partner@example\.net of 1122334455667788 nic intranet accept priority 1 \(sgr-`}},
	{cloud: "ens", group: "sg-ens-web", rules: []rule.Rule{
		{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22, 22), CIDR: "10.0.0.0/8"},
		{Direction: rule.Egress, Protocol: rule.GRE, CIDR: "192.0.2.1/32", Policy: rule.Drop, Priority: 7},
	}, display: []string{`^ingress tcp 22 from 10.0.0.0/8 accept priority 1$`, `^egress gre to 192.0.2.1/32 drop priority 7$`}},
}

// start seeds a fresh mock with the adoption's rules, as other tools made
// them.
func (a adoption) start(t *testing.T) *mockcloud.Server {
	t.Helper()
	m := mocktest.Start(t, "")
	for _, r := range a.rules {
		authorizeInMock(t, m, a.cloud, a.group, r)
	}
	if a.seed != nil {
		a.seed(t, m)
	}
	return m
}

// listBlock is a list block over the adoption's group.
func (a adoption) listBlock(name string, filters ...string) string {
	return fmt.Sprintf("list \"secgroup_rule\" %q {\n  provider         = secgroup\n  include_resource = true\n  config {\n    cloud             = %q\n    security_group_id = %q\n    %s\n  }\n}\n",
		name, a.cloud, a.group, strings.Join(filters, "\n    "))
}

// terraform query finds every rule of a group on every cloud, each with
// its identity and a display name a reviewer can read, in one describe;
// filters (direction, protocol, cidr) narrow it; throttled answers are
// retried; a group that does not exist and refused credentials are errors,
// never an empty list.
func TestAccRuleList_query(t *testing.T) {
	testAccPreCheck(t)
	for _, a := range adoptions {
		t.Run(a.cloud, func(t *testing.T) {
			m := a.start(t)
			var checks []querycheck.QueryResultCheck
			checks = append(checks, querycheck.ExpectLength("secgroup_rule.all", len(a.display)))
			for _, d := range a.display {
				checks = append(checks, querycheck.ExpectResourceDisplayName("secgroup_rule.all",
					queryfilter.ByDisplayName(knownvalue.StringRegexp(regexp.MustCompile(d))), knownvalue.StringRegexp(regexp.MustCompile(d))))
			}
			checks = append(checks, querycheck.ExpectIdentity("secgroup_rule.all", map[string]knownvalue.Check{
				"cloud": knownvalue.StringExact(a.cloud), "security_group_id": knownvalue.StringExact(a.group),
				"rule": knownvalue.StringRegexp(regexp.MustCompile(`.`)),
			}))
			ingress := 0
			for _, d := range a.display {
				if strings.HasPrefix(d, "^ingress") {
					ingress++
				}
			}
			var before int
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						PreConfig:         func() { before = len(m.Store.Calls()) },
						Query:             true,
						Config:            mocktest.ProviderConfig(m) + a.listBlock("all"),
						QueryResultChecks: checks,
					},
					{
						PreConfig: func() {
							// One describe of the group (two on a classic
							// network, none here), whatever the rule count.
							if n := len(m.Store.Calls()) - before; n > 1 {
								t.Errorf("the query made %d calls, want one describe", n)
							}
						},
						Query:             true,
						Config:            mocktest.ProviderConfig(m) + a.listBlock("all", `direction = "ingress"`),
						QueryResultChecks: []querycheck.QueryResultCheck{querycheck.ExpectLength("secgroup_rule.all", ingress)},
					},
					{
						// Every adoption's first rule, and only it, is tcp
						// from 10.0.0.0/8 (a bare address would be its /32).
						Query:  true,
						Config: mocktest.ProviderConfig(m) + a.listBlock("all", `protocol = "tcp"`, `cidr = "10.0.0.0/8"`),
						QueryResultChecks: []querycheck.QueryResultCheck{
							querycheck.ExpectLength("secgroup_rule.all", 1),
							querycheck.ExpectResourceDisplayName("secgroup_rule.all", queryfilter.ByDisplayName(knownvalue.StringRegexp(regexp.MustCompile(a.display[0]))),
								knownvalue.StringRegexp(regexp.MustCompile(a.display[0]))),
						},
					},
					{
						// Throttled twice: retried, never read as an empty
						// group.
						PreConfig: func() {
							before = len(m.Store.Calls())
							m.Store.AddFault(store.Fault{Cloud: a.cloud, Throttle: 2})
						},
						Query:             true,
						Config:            mocktest.ProviderConfig(m) + a.listBlock("all"),
						QueryResultChecks: []querycheck.QueryResultCheck{querycheck.ExpectLength("secgroup_rule.all", len(a.display))},
					},
					{
						PreConfig: func() {
							throttled := 0
							for _, c := range m.Store.Calls()[before:] {
								if c.Fault == store.Throttle {
									throttled++
								}
							}
							if throttled != 2 {
								t.Errorf("the query met %d throttled answers, want 2", throttled)
							}
						},
						Query:       true,
						Config:      mocktest.ProviderConfig(m) + strings.Replace(a.listBlock("all"), a.group, missingGroup[a.cloud], 1),
						ExpectError: regexp.MustCompile(`(?s)Cannot Read Security Group.*` + missingGroup[a.cloud]),
					},
					{
						// Refused credentials: an error naming the setting,
						// the secret nowhere in it.
						Query:       true,
						Config:      strings.ReplaceAll(mocktest.ProviderConfig(m), frontend.DefaultSecretKey, "wrong-secret") + a.listBlock("all"),
						ExpectError: regexp.MustCompile(`(?s)Cannot Read Security Group.*(secret_key|access_key)`),
					},
				},
			})
		})
	}
}

// Every filter of the list resource is checked as secgroup_rule's
// attribute is, so a typo fails the query naming the filter rather than
// returning no rules: the protocol, the direction and the cidr, alone and
// against the chosen cloud. None of them reaches the cloud.
func TestAccRuleList_filtersValidated(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	zenlayer := adoption{cloud: "zenlayer", group: "zl-web"}
	alicloud := adoption{cloud: "alicloud", group: "sg-web"}
	cases := []struct {
		name string
		list string
		want string
	}{
		{"protocol typo", alicloud.listBlock("all", `protocol = "tpc"`), `Attribute protocol value must be one of: .*"tcp".*got: "tpc"`},
		{"protocol no cloud has", alicloud.listBlock("all", `protocol = "sctp"`), `Attribute protocol value must be one of: .*got: "sctp"`},
		{"protocol spelled otherwise than the resource takes it", alicloud.listBlock("all", `protocol = "TCP"`), `Attribute protocol value must be one of: .*got: "TCP"`},
		{"protocol the cloud lacks", zenlayer.listBlock("all", `protocol = "gre"`), `Zenlayer Cloud VM does not support protocol "gre"`},
		{"direction", alicloud.listBlock("all", `direction = "in"`), `Attribute direction value must be one of: .*got: "in"`},
		{"cidr syntax", alicloud.listBlock("all", `cidr = "10.0.0.300/8"`), `cidr must be an IPv4 or IPv6 CIDR block or address`},
		{"cidr the cloud lacks", zenlayer.listBlock("all", `cidr = "2001:db8::/32"`), `Zenlayer Cloud VM does not support IPv6`},
		{"icmpv6 with an IPv4 cidr", alicloud.listBlock("all", `protocol = "icmpv6"`, `cidr = "10.0.0.0/8"`), `protocol "icmpv6" is ICMP for IPv6`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Query:       true,
					Config:      mocktest.ProviderConfig(m) + tc.list,
					ExpectError: regexp.MustCompile(`(?s)` + spaced(tc.want)),
				}},
			})
		})
	}
	if calls := m.Store.Calls(); len(calls) != 0 {
		t.Fatalf("invalid filters reached the cloud: %d calls, the first %s %s", len(calls), calls[0].Cloud, calls[0].Action)
	}
}

// missingGroup is a group id of the cloud's shape that no mock holds.
var missingGroup = map[string]string{"alicloud": "sg-missing", "zenlayer": "zl-missing", "baiducloud": "g-missing", "apsarastack": "sg-as-missing", "ens": "sg-ens-missing"}

// Adoption in one step through the real CLI, on every cloud: `terraform
// query -generate-config-out` writes a resource and an import block per
// rule, which plan as imports only, apply without a call that writes,
// and then plan nothing.
func TestAccRuleList_generateConfig(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	if !cliAtLeast(t, cli, 1, 14) {
		t.Skip("terraform query needs Terraform 1.14 or newer")
	}
	for _, a := range adoptions {
		t.Run(a.cloud, func(t *testing.T) {
			t.Parallel()
			m := a.start(t)
			want := len(mocktest.Rules(m, a.cloud, a.group))
			dir := filepath.Join(work, a.cloud)
			writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)))
			if err := os.WriteFile(filepath.Join(dir, "adopt.tfquery.hcl"), []byte(a.listBlock("all")), 0o644); err != nil {
				t.Fatal(err)
			}
			run := func(args ...string) string {
				t.Helper()
				out, code := runCLI(t, cli, dir, append(args, "-no-color")...)
				if code != 0 {
					t.Fatalf("%s (exit %d):\n%s", strings.Join(args, " "), code, clirun.Tail(out, 4000))
				}
				return out
			}
			run("query", "-generate-config-out=adopted.tf")
			generated, err := os.ReadFile(filepath.Join(dir, "adopted.tf"))
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(string(generated), "import {"); n != want {
				t.Fatalf("%d import blocks for %d rules:\n%s", n, want, generated)
			}
			before := len(m.Store.Calls())
			if out := run("plan", "-input=false"); !strings.Contains(out, fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", want)) {
				t.Fatalf("the generated configuration does not plan as %d imports:\n%s\n%s", want, clirun.Tail(out, 4000), generated)
			}
			run("apply", "-input=false", "-auto-approve")
			if out := run("plan", "-input=false"); !strings.Contains(out, "No changes.") {
				t.Fatalf("the plan after the import is not empty:\n%s", clirun.Tail(out, 4000))
			}
			for _, c := range m.Store.Calls()[before:] {
				if !describeActions[c.Action] {
					t.Fatalf("adopting the rules called %s %s", c.Cloud, c.Action)
				}
			}
			if got := len(mocktest.Rules(m, a.cloud, a.group)); got != want {
				t.Fatalf("the group holds %d rules after adoption, want %d", got, want)
			}
		})
	}
}

// cliAtLeast reports whether the CLI is at least major.minor (OpenTofu
// counts by its own numbers).
func cliAtLeast(t *testing.T, cli *clirun.CLI, major, minor int) bool {
	t.Helper()
	out, err := cli.Command(t.TempDir(), "version", "-json").Output()
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	var gotMajor, gotMinor int
	if _, err := fmt.Sscanf(v.Version, "%d.%d", &gotMajor, &gotMinor); err != nil {
		t.Fatalf("version %q: %v", v.Version, err)
	}
	return gotMajor > major || gotMajor == major && gotMinor >= minor
}

// Two rules of a classic-network group alike but for their NIC type read
// as two lines, in `terraform query` and in the exclusive resource's
// rules (which its plan removes to revoke), on ECS and Apsara Stack.
func TestAccRuleList_nicTypeTellsRulesApart(t *testing.T) {
	testAccPreCheck(t)
	for _, tc := range []struct{ cloud, group string }{{"alicloud", "sg-classic"}, {"apsarastack", "sg-as-classic"}} {
		t.Run(tc.cloud, func(t *testing.T) {
			m := mocktest.Start(t, "")
			ssh := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22, 22), CIDR: "10.0.0.0/8", NicType: "internet"}
			authorizeInMock(t, m, tc.cloud, tc.group, ssh)
			ssh.NicType = "intranet"
			intranet := authorizeInMock(t, m, tc.cloud, tc.group, ssh)
			line := func(nic string) *regexp.Regexp {
				return regexp.MustCompile(`^ingress tcp 22 from 10\.0\.0\.0/8 nic ` + nic + ` accept priority 1 \(sgr-`)
			}
			a := adoption{cloud: tc.cloud, group: tc.group}
			var checks []querycheck.QueryResultCheck
			checks = append(checks, querycheck.ExpectLength("secgroup_rule.all", 2))
			for _, nic := range []string{"internet", "intranet"} {
				checks = append(checks, querycheck.ExpectResourceDisplayName("secgroup_rule.all",
					queryfilter.ByDisplayName(knownvalue.StringRegexp(line(nic))), knownvalue.StringRegexp(line(nic))))
			}
			keepIntranet := mocktest.ProviderConfig(m) + exclusiveBlock(tc.cloud, tc.group, fmt.Sprintf("[%q]", tc.cloud+"/"+tc.group+"/"+intranet))
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{Query: true, Config: mocktest.ProviderConfig(m) + a.listBlock("all"), QueryResultChecks: checks},
					{Config: keepIntranet, ExpectNonEmptyPlan: true},
					{
						Config:           keepIntranet,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{revokes(line("internet").String() + `[^)]*\)$`)}},
						Check:            mocktest.CheckRule(m, tc.cloud, tc.group, map[string]string{"NicType": "intranet", "PortRange": "22/22"}),
					},
				},
			})
			if n := len(mocktest.Rules(m, tc.cloud, tc.group)); n != 1 {
				t.Fatalf("the group holds %d rules, want the intranet one", n)
			}
		})
	}
}
