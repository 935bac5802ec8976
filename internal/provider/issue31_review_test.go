package provider

// Tests from an adversarial review of issue 31's change: each failed on
// it before its fix.

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// A description known only at apply, on a cloud that changes descriptions
// by replacement (Zenlayer): the plan must say replace (or the apply must
// manage it). replacedOnCloud skips an unknown description, so the plan
// says update in place, and the plan Terraform makes during the apply
// (the value known) asks for a replacement: "Provider produced
// inconsistent final plan".
func TestAccRule_descriptionKnownOnlyAtApply(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	config := func(input string) string {
		return mocktest.ProviderConfig(m) + fmt.Sprintf("resource \"terraform_data\" \"d\" {\n  input = %q\n}\n", input) +
			tcpRule("x", "zenlayer", "zl-web", "22", "10.0.0.0/8", "description = terraform_data.d.output")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config("web"), Check: mocktest.CheckRule(m, "zenlayer", "zl-web", map[string]string{"portRange": "22/22", "description": "web"})},
			{Config: config("ssh"), Check: mocktest.CheckRule(m, "zenlayer", "zl-web", map[string]string{"portRange": "22/22", "description": "ssh"})},
		},
	})
}

// Item 7's commit says a Zenlayer default group "fails a plan that adds a
// rule or revokes one there". A rule of the default group imported into
// secgroup_rule and then removed from the configuration (or destroyed)
// plans a revoke that the cloud refuses; the plan passes (checkGroup
// consults RefusesChanges only for ch.Add), and the apply fails after the
// revokes of other resources of the same apply have gone out.
func TestAccZenlayer_defaultGroupRevokeRefusedAtPlan(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	ssh := tcpRule("ssh", "zenlayer", "zl-default", "22", "0.0.0.0/0", `description = "SSH"`)
	imported := mocktest.ProviderConfig(m) + "import {\n  to = secgroup_rule.ssh\n  id = \"zenlayer/zl-default/9001\"\n}\n" + ssh
	refused := regexp.MustCompile(`(?s)Security Group Takes No Rule Changes.*zl-default`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// removed blocks: Terraform 1.7+.
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		Steps: []resource.TestStep{
			{Config: imported},
			{Config: mocktest.ProviderConfig(m), PlanOnly: true, ExpectError: refused},
			{Config: mocktest.ProviderConfig(m) + "removed {\n  from = secgroup_rule.ssh\n  lifecycle {\n    destroy = false\n  }\n}\n"},
		},
	})
	if n := mocktest.Calls(m, "zenlayer", "RevokeSecurityGroupRules", -1); n != 0 {
		t.Fatalf("%d RevokeSecurityGroupRules calls on the default group", n)
	}
}

// Item 9: two exclusive resources on one group whose keep-lists differ
// only in rules outside the direction one of them covers make the same
// decision on every rule, yet the plan fails as if each revoked the
// other's rules: the claim compares the keep-lists whole.
func TestAccRulesExclusive_twoWithTheSameEffect(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	rules := mocktest.ProviderConfig(m) + tcpRule("in", "alicloud", "sg-web", "22", "10.0.0.0/8") +
		ruleBlock("out", "alicloud", "sg-web", "egress", `protocol = "all"`, `cidr = "10.0.0.0/8"`)
	both := rules +
		exclusiveNamed("all", "alicloud", "sg-web", "[secgroup_rule.in.id, secgroup_rule.out.id]") +
		exclusiveNamed("in", "alicloud", "sg-web", "[secgroup_rule.in.id]", `direction = "ingress"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: rules},
			{Config: both, PlanOnly: true, ExpectNonEmptyPlan: true},
		},
	})
}

// Item 12: docs/index.md says the plan file *and* `terraform show -json`
// of it hold a secret written in the provider block; the item's test
// accepts either. This asks show -json alone.
func TestAccSecretsInShowJSON(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	secret := frontend.DefaultSecretKey
	settings := mocktest.Settings("alicloud", m.URL)
	delete(settings, "secret_key")
	block := strings.Replace(mocktest.Block("alicloud", settings), "  alicloud {\n", "  alicloud {\n    "+fmt.Sprintf("secret_key = %q", secret)+"\n", 1)
	for name, config := range map[string]string{
		"literal":            "provider \"secgroup\" {\n" + block + "}\n",
		"sensitive-variable": "variable \"s\" {\n  type = string\n  sensitive = true\n  default = \"" + secret + "\"\n}\n" + "provider \"secgroup\" {\n" + strings.Replace(block, fmt.Sprintf("%q", secret), "var.s", 1) + "}\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(work, name)
			writeConfig(t, dir, cliConfig(config+tcpRule("x", "alicloud", "sg-web", "22", "10.0.0.0/8")))
			if out, code := runCLI(t, cli, dir, "plan", "-input=false", "-no-color", "-out=tfplan"); code != 0 {
				t.Fatalf("plan: %s", clirun.Tail(out, 3000))
			}
			shown, code := runCLI(t, cli, dir, "show", "-json", "tfplan")
			if code != 0 {
				t.Fatalf("show: %s", clirun.Tail(shown, 3000))
			}
			if !strings.Contains(shown, secret) {
				t.Errorf("terraform show -json of the saved plan does not hold the secret; docs/index.md says it does")
			}
		})
	}
}
