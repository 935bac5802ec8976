package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// keepListModel is a secgroup_rules_exclusive of a group keeping ids and
// tolerating tolerated.
func keepListModel(cloudName, group string, ids, tolerated []attr.Value) rulesExclusiveModel {
	return rulesExclusiveModel{
		Cloud: types.StringValue(cloudName), SecurityGroupID: types.StringValue(group),
		RuleIDs: types.SetValueMust(types.StringType, ids), TolerateRuleIDs: types.SetValueMust(types.StringType, tolerated),
		Direction: types.StringNull(), AllowEmpty: types.BoolValue(false),
	}
}

func stringValues(ids ...string) []attr.Value {
	out := make([]attr.Value, len(ids))
	for i, id := range ids {
		out[i] = types.StringValue(id)
	}
	return out
}

// Each cloud declares the form of its rule ids exactly when it has them,
// and the ids it gives (its documented example, and those mockcloud
// generates for rules made as other tools make them) pass the keep-list
// check, as do the content ids of a cloud without rule ids.
func TestKeepListIDForms_good(t *testing.T) {
	m := mocktest.Start(t, "")
	r := &RulesExclusive{registry: Clouds()}
	made := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22, 22), CIDR: "10.0.0.0/8"}
	for _, a := range adoptions {
		def, _ := Clouds().Get(a.cloud)
		caps := def.Capabilities
		if caps.NativeIDs != (caps.RuleIDs.Pattern != nil) || caps.NativeIDs != (caps.RuleIDs.Text != "" && caps.RuleIDs.Example != "") {
			t.Errorf("%s: NativeIDs is %v but its rule id form is %+v: a cloud with rule ids declares their form, text and example, and only such a cloud", a.cloud, caps.NativeIDs, caps.RuleIDs)
		}
		generated := authorizeInMock(t, m, a.cloud, a.group, made)
		ids := []string{rule.ID{Cloud: a.cloud, GroupID: a.group, Rule: made}.String()}
		if caps.NativeIDs {
			ids = []string{a.cloud + "/" + a.group + "/" + caps.RuleIDs.Example, a.cloud + "/" + a.group + "/" + generated}
			if !caps.RuleIDs.Matches(generated) {
				t.Errorf("%s: mockcloud made the rule id %q, not of the cloud's form (%s)", a.cloud, generated, caps.RuleIDs.Text)
			}
		}
		ex, diags := r.exclusionOf(keepListModel(a.cloud, a.group, stringValues(ids...), stringValues(ids[len(ids)-1])))
		if diags.HasError() {
			t.Errorf("%s: %v refused: %v", a.cloud, ids, diags)
		}
		if len(ex.keep) != len(ids)+1 {
			t.Errorf("%s: keeps %d rules of %v and one tolerated, want %d", a.cloud, len(ex.keep), ids, len(ids)+1)
		}
	}
}

// Ids that parse as secgroup_rule ids but are not of the form the cloud
// gives its rules name no rule, so a keep-list holding them would keep
// nothing: each is an error on its own element, naming the attribute, the
// value (quoted, so a \r or a tab shows) and the form expected with the
// fix, beside the good ids of the same list, which are kept.
func TestKeepListIDForms_bad(t *testing.T) {
	r := &RulesExclusive{registry: Clouds()}
	trim := `Trim the line endings and white space`
	for _, tc := range []struct {
		cloud, group string
		good         string
		bad          []string
		want         []string // per bad id, beside its quoted value
	}{
		{
			"alicloud", "sg-web", "sgr-bp12kewq32dfwrdi",
			[]string{"sgr-bp12kewq32dfwrdi\r", "sgr-bp1\t", "SGR-BP12KEWQ", "sgr-bp12;x", "sgr-", "sgr_bp12", "r-bp12", "ingress,tcp,22,10.0.0.0/8\r"},
			[]string{trim, trim, `Write it in lower case, "alicloud/sg-web/sgr-bp12kewq"`, `sgr- followed by lower-case letters and digits, such as sgr-bp12kewq32dfwrdi`,
				`"sgr-" is not one`, `"sgr_bp12" is not one`, `"r-bp12" is not one`, trim},
		},
		{
			"apsarastack", "sg-as-web", "sgr-abc123",
			[]string{"sgr-abc123\r", "Sgr-abc123", "sgr-abc123;x"},
			[]string{trim, `Write it in lower case, "apsarastack/sg-as-web/sgr-abc123"`, `sgr- followed by lower-case letters and digits`},
		},
		{
			"zenlayer", "zl-web", "120",
			[]string{"120\r", "120 ", "0120", "12a", "-1", "120;x", "sgr-120"},
			[]string{trim, trim, `whole numbers \(ruleId\) in decimal digits, such as 120; "0120" is not one`, `"12a" is not one`, `"-1" is not one`, `"120;x" is not one`, `"sgr-120" is not one`},
		},
		{
			"baiducloud", "g-web", "r-rv2gdcz8bzzj",
			[]string{"r-rv2gdcz8bzzj\r", "R-RV2GDCZ8BZZJ", "r-rv2;x", "g-rv2gdcz8bzzj", "sgr-Ab"},
			[]string{trim, `Write it in lower case, "baiducloud/g-web/r-rv2gdcz8bzzj"`, `r- \(or sgr-\) followed by lower-case letters and digits, such as r-rv2gdcz8bzzj; "r-rv2;x" is not one`,
				`"g-rv2gdcz8bzzj" is not one`, `Write it in lower case, "baiducloud/g-web/sgr-ab"`},
		},
		{
			"ens", "sg-ens-web", "ingress,tcp,22,10.0.0.0/8",
			[]string{"ingress,tcp,22,10.0.0.0/8\r", "ingress,tcp,22,\t10.0.0.0/8", "sgr-abc"},
			[]string{`Alibaba ENS names a rule by its content.*` + trim, trim, regexp.QuoteMeta(`Alibaba ENS names a rule by its content (ens/<group>/<direction>,<protocol>,<port_range>,<cidr>[,name=value...])`)},
		},
	} {
		t.Run(tc.cloud, func(t *testing.T) {
			prefix := tc.cloud + "/" + tc.group + "/"
			def, _ := Clouds().Get(tc.cloud)
			// The bad ids in rule_ids, the first of them in tolerated_rule_ids too.
			ids := []string{prefix + tc.good}
			for _, b := range tc.bad {
				ids = append(ids, prefix+b)
			}
			ex, diags := r.exclusionOf(keepListModel(tc.cloud, tc.group, stringValues(ids...), stringValues(prefix+tc.bad[0])))
			if len(ex.keep) != 1 {
				t.Errorf("keeps %d rules, want only the good one, %q", len(ex.keep), prefix+tc.good)
			}
			if got, want := diags.ErrorsCount(), len(tc.bad)+1; got != want {
				t.Errorf("%d errors, want one per bad element (%d):\n%s", got, want, describeDiags(diags))
			}
			for i, b := range tc.bad {
				for _, attribute := range []string{"rule_ids", "tolerated_rule_ids"} {
					if attribute == "tolerated_rule_ids" && i > 0 {
						continue
					}
					v := types.StringValue(prefix + b)
					d := errorAt(diags, path.Root(attribute).AtSetValue(v))
					if d == nil {
						t.Errorf("no error on the element %s[%q]:\n%s", attribute, prefix+b, describeDiags(diags))
						continue
					}
					// The attribute, the element quoted, the form and the fix.
					want := `^` + regexp.QuoteMeta(attribute+" holds "+strconv.Quote(prefix+b)) + `.*` + tc.want[i]
					if !regexp.MustCompile(`(?s)` + want).MatchString(d.Detail()) {
						t.Errorf("the error on %s[%q] says\n  %s\nwant it to match %s", attribute, prefix+b, d.Detail(), want)
					}
					if def.Capabilities.NativeIDs && !strings.Contains(d.Detail(), def.Capabilities.RuleIDs.Text) {
						t.Errorf("the error on %s[%q] does not give the form %q: %s", attribute, prefix+b, def.Capabilities.RuleIDs.Text, d.Detail())
					}
				}
			}
		})
	}
}

// errorAt is the error diagnostic on p, nil when there is none.
func errorAt(diags diag.Diagnostics, p path.Path) diag.Diagnostic {
	for _, d := range diags.Errors() {
		if wp, ok := d.(diag.DiagnosticWithPath); ok && wp.Path().Equal(p) {
			return d
		}
	}
	return nil
}

func describeDiags(diags diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		p := ""
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			p = wp.Path().String()
		}
		b.WriteString("  " + p + ": " + d.Summary() + ": " + d.Detail() + "\n")
	}
	return b.String()
}

// writes are the calls since the first from that write or revoke a rule.
func writes(m *mockcloud.Server, from int) []string {
	var out []string
	for _, c := range m.Store.Calls()[from:] {
		if regexp.MustCompile(`(?i)authorize|revoke|modify`).MatchString(c.Action) {
			out = append(out, c.Cloud+" "+c.Action)
		}
	}
	return out
}

// oneLine joins the CLI's wrapped lines, so a message matches whole.
func oneLine(out string) string { return strings.Join(strings.Fields(out), " ") }

// Through the real CLI: a keep-list read from a file with Windows line
// endings, and ids of a form the cloud never gives (a tab, capitals, a
// stray ";x"), name no rule, so applying them would revoke the very rules
// they list. The plan fails instead, with one error per element, naming
// the attribute and the element quoted; the apply sends no write and no
// revoke; the trimmed list the error suggests plans no change.
func TestAccRulesExclusive_keepListIDFormsCLI(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	for _, a := range []struct{ cloud, group string }{{"alicloud", "sg-web"}, {"zenlayer", "zl-web"}} {
		t.Run(a.cloud, func(t *testing.T) {
			t.Parallel()
			m := mocktest.Start(t, "")
			dir := filepath.Join(work, a.cloud)
			run := func(args ...string) (string, int) {
				t.Helper()
				return runCLI(t, cli, dir, append(args, "-input=false", "-no-color")...)
			}
			var kept, natives []string
			for _, port := range []int{22, 443} {
				id := authorizeInMock(t, m, a.cloud, a.group, rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(port, port), CIDR: "10.0.0.0/8"})
				natives = append(natives, id)
				kept = append(kept, a.cloud+"/"+a.group+"/"+id)
			}
			keepFile := func(eol string) {
				if err := os.WriteFile(filepath.Join(dir, "keep.txt"), []byte(strings.Join(kept, eol)+eol), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			config := func(ruleIDs string, attrs ...string) {
				writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+exclusiveBlock(a.cloud, a.group, ruleIDs, attrs...)))
			}
			fromFile := `[for l in split("\n", file("${path.module}/keep.txt")) : l if l != ""]`

			config(fromFile)
			keepFile("\n")
			if out, code := run("apply", "-auto-approve"); code != 0 {
				t.Fatalf("apply of the keep-list (exit %d):\n%s", code, clirun.Tail(out, 4000))
			}
			if out, _ := run("plan"); !strings.Contains(out, "No changes.") {
				t.Fatalf("the keep-list names every rule of the group, yet the plan is not empty:\n%s", clirun.Tail(out, 4000))
			}

			// The same file saved with Windows line endings, and the same ids
			// mistyped as tolerated ones.
			keepFile("\r\n")
			bad := []string{kept[0] + "\r", kept[1] + "\r"}
			tolerated := []string{kept[0] + "\t", kept[1] + ";x"}
			if upper := strings.ToUpper(natives[0]); upper != natives[0] {
				tolerated = append(tolerated, a.cloud+"/"+a.group+"/"+upper)
			}
			var hcl []string
			for _, id := range tolerated {
				hcl = append(hcl, strconv.Quote(id))
			}
			config(fromFile, "tolerated_rule_ids = ["+strings.Join(hcl, ", ")+"]")
			from := len(m.Store.Calls())
			out, code := run("plan")
			if code == 0 {
				t.Fatalf("the plan accepts ids of no rule of the group (%q and %q):\n%s", bad, tolerated, clirun.Tail(out, 6000))
			}
			flat := oneLine(out)
			if n, want := strings.Count(flat, "Error: Invalid Rule Id"), len(bad)+len(tolerated); n != want {
				t.Errorf("%d errors, want one per bad element (%d):\n%s", n, want, clirun.Tail(out, 6000))
			}
			for _, e := range []struct {
				attribute string
				ids       []string
			}{{"rule_ids", bad}, {"tolerated_rule_ids", tolerated}} {
				for _, id := range e.ids {
					if want := fmt.Sprintf("%s holds %q, which names no rule", e.attribute, id); !strings.Contains(flat, want) {
						t.Errorf("no error names the element: want %s in\n%s", want, clirun.Tail(out, 6000))
					}
				}
			}
			if !strings.Contains(flat, "Trim the line endings") {
				t.Errorf("the errors do not say to trim the line endings:\n%s", clirun.Tail(out, 6000))
			}
			if out, code := run("apply", "-auto-approve"); code == 0 {
				t.Fatalf("the apply accepts ids of no rule of the group:\n%s", clirun.Tail(out, 4000))
			}
			if w := writes(m, from); len(w) > 0 {
				t.Errorf("the refused plan and apply reached the cloud with %v", w)
			}
			if n := len(mocktest.Rules(m, a.cloud, a.group)); n != len(kept) {
				t.Errorf("the group holds %d rules, want the %d the keep-list names", n, len(kept))
			}

			// The fix the error gives: trim each line.
			config(`[for l in split("\n", file("${path.module}/keep.txt")) : trimspace(l) if trimspace(l) != ""]`)
			if out, _ := run("plan"); !strings.Contains(out, "No changes.") {
				t.Fatalf("the trimmed keep-list does not plan as the first:\n%s", clirun.Tail(out, 4000))
			}
		})
	}
}

// On ENS, whose rule ids are the rules' contents, a keep-list element
// unknown at plan may come back as a rule the group holds now: here the
// kept secgroup_rule is replaced, its cidr coming through terraform_data,
// and comes back the same. The plan shows rules as known after apply with
// the warning that says why, rather than planning to revoke that rule;
// the apply keeps it, revokes the stray rule, and finishes without an
// inconsistent final plan.
func TestAccRulesExclusive_ensKeepListUnknownAtPlanCLI(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	dir := filepath.Join(work, "ens")
	m := mocktest.Start(t, "")
	run := func(args ...string) string { t.Helper(); return mustCLI(t, cli, dir, args...) }
	kept := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22, 22), CIDR: "10.0.0.0/8"}
	stray := rule.Rule{Direction: rule.Ingress, Protocol: rule.UDP, Ports: ports(5353, 5353), CIDR: "198.51.100.0/24"}
	exclusive := exclusiveBlock("ens", "sg-ens-web", "[secgroup_rule.in.id]")
	writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+tcpRule("in", "ens", "sg-ens-web", "22", "10.0.0.0/8")+exclusive))
	run("apply", "-auto-approve")
	authorizeInMock(t, m, "ens", "sg-ens-web", stray)

	writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+
		ruleBlock("in", "ens", "sg-ens-web", "ingress", `protocol = "tcp"`, `port_range = "22"`, "cidr = terraform_data.cidr.output")+
		"resource \"terraform_data\" \"cidr\" {\n  input = \"10.0.0.0/8\"\n}\n"+exclusive))
	plan := run("plan")
	flat := oneLine(plan)
	for _, want := range []string{
		"secgroup_rule.in must be replaced",
		"Warning: Rules to Revoke Not Known Yet",
		"An id in rule_ids or tolerated_rule_ids is not known until apply",
		"on Alibaba ENS, whose rule ids are the rules' contents, it may name a rule the group holds now",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the plan does not say %q:\n%s", want, clirun.Tail(plan, 6000))
		}
	}
	// The rules map as it was, then (known after apply).
	unknownRules := regexp.MustCompile(`(?s)~ rules\s+= \{.*?\n\s*\} -> \(known after apply\)`)
	if !unknownRules.MatchString(plan) {
		t.Errorf("the plan does not show rules as known after apply:\n%s", clirun.Tail(plan, 6000))
	}
	if strings.Contains(unknownRules.ReplaceAllString(plan, ""), "-> null") {
		t.Errorf("the plan revokes a rule before the keep-list is known:\n%s", clirun.Tail(plan, 6000))
	}

	if out := run("apply", "-auto-approve"); strings.Contains(out, "inconsistent") {
		t.Errorf("the apply reports an inconsistent plan:\n%s", clirun.Tail(out, 6000))
	}
	rules, err := outOfBand(t, m, "ens").Describe(t.Context(), "sg-ens-web")
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 1 || rule.Find(rules, kept) < 0 {
		t.Errorf("the group holds %v, want only the kept rule %s (the stray one revoked)", rules, kept)
	}
	if n := len(mocktest.Rules(m, "ens", "sg-ens-web")); n != 1 {
		t.Errorf("the mock holds %d rules in sg-ens-web, want 1", n)
	}
	if out := run("plan"); !strings.Contains(out, "No changes.") {
		t.Errorf("the plan after the apply is not empty:\n%s", clirun.Tail(out, 6000))
	}
}

// secgroup_rule's import id is checked against the same forms: an id of
// another form fails before any call, naming the form and the fix, where
// it used to read the group and find no rule.
func TestAccRule_importIDForm(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	native := authorizeInMock(t, m, "alicloud", "sg-web", rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22, 22), CIDR: "10.0.0.0/8"})
	from := len(m.Store.Calls())
	for _, tc := range []struct{ id, want string }{
		{"alicloud/sg-web/" + native + "\r", `Trim the line endings`},
		{"alicloud/sg-web/" + strings.ToUpper(native), `Write it in lower case, "alicloud/sg-web/` + native + `"`},
		{"alicloud/sg-web/" + native + ";x", `sgr- followed by lower-case letters and digits`},
		{"ens/sg-ens-web/sgr-1", regexp.QuoteMeta(`Alibaba ENS names a rule by its content (ens/<group>/`)},
	} {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: mocktest.ProviderConfig(m) + sshRule, ResourceName: "secgroup_rule.ssh", ImportState: true, ImportStateId: tc.id,
				ExpectError: regexp.MustCompile(`(?s)Invalid Import ID.*` + spaced(regexp.QuoteMeta(strconv.Quote(tc.id)+" names no rule")) + `.*` + spaced(tc.want)),
			}},
		})
	}
	if n := len(m.Store.Calls()) - from; n != 0 {
		t.Errorf("imports of ids of no rule reached the cloud: %d calls", n)
	}
}

// On ENS a new secgroup_rule's id, its content, is known at plan, the
// policy and priority the cloud defaults included, so a keep-list that
// refers to it still lists its revokes (an unknown id there would make
// them unknown).
func TestAccEns_newRuleIDKnownAtPlan(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: mocktest.ProviderConfig(m) + tcpRule("in", "ens", "sg-ens-web", "22", "10.0.0.0/8"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("secgroup_rule.in", tfjsonpath.New("id"), knownvalue.StringExact("ens/sg-ens-web/ingress,tcp,22,10.0.0.0/8,policy=accept,priority=1")),
			}},
		}},
	})
}

// A keep-list id of the right form that names no rule of the group (a
// typo: the rule it meant to keep is then among the revokes) is warned of
// at plan, on the element; an empty element (the last line break of a file
// the list was read from) is an error that says to use compact(). Through
// the real CLI. (Both planned the revoke of the rule meant to be kept
// without a word about the id.)
func TestAccRulesExclusive_keepListIDsThatNameNothing(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	dir := filepath.Join(work, "tf")
	base := mocktest.ProviderConfig(m) + tcpRule("keep", "alicloud", "sg-web", "22", "10.0.0.0/8")
	writeConfig(t, dir, cliConfig(base+exclusiveBlock("alicloud", "sg-web", "[secgroup_rule.keep.id]")))
	mustCLI(t, cli, dir, "apply", "-auto-approve")
	writeConfig(t, dir, cliConfig(base+exclusiveBlock("alicloud", "sg-web", `["alicloud/sg-web/sgr-0000typo"]`)))
	out, code := runCLI(t, cli, dir, "plan", "-input=false", "-no-color")
	flat := regexp.MustCompile(`\s+`).ReplaceAllString(out, " ")
	if code != 0 || !strings.Contains(flat, "Rule Id Names No Rule of the Group") || !strings.Contains(flat, `"alicloud/sg-web/sgr-0000typo"`) {
		t.Fatalf("plan (exit %d) must warn of the id that names no rule:\n%s", code, clirun.Tail(out, 3000))
	}
	writeConfig(t, dir, cliConfig(base+exclusiveBlock("alicloud", "sg-web", `["", secgroup_rule.keep.id]`)))
	out, code = runCLI(t, cli, dir, "plan", "-input=false", "-no-color")
	if flat := regexp.MustCompile(`\s+`).ReplaceAllString(out, " "); code == 0 || !strings.Contains(flat, "compact()") {
		t.Fatalf("plan (exit %d) must refuse the empty element and say how to drop it:\n%s", code, clirun.Tail(out, 3000))
	}
	if n := len(m.Store.CallsOf("alicloud", "RevokeSecurityGroup")); n != 0 {
		t.Fatalf("%d revokes", n)
	}
}
