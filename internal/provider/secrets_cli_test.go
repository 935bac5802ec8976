package provider

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// What the provider documentation says of secrets is what Terraform
// does, through the real CLI: a secret written literally in the provider
// block, or given through a variable (sensitive or not), is in a saved
// plan (the plan file and `terraform show -json` of it: Terraform keeps
// the configuration and the variables' values there); one from the
// environment, or from an ephemeral variable (Terraform 1.10+), is in
// neither; none is in state. docs/index.md says so.
func TestAccSecretsInSavedPlansCLI(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	secret := frontend.DefaultSecretKey
	rule := tcpRule("x", "alicloud", "sg-web", "22", "10.0.0.0/8")
	cases := []struct {
		name, config string
		env          []string
		inPlan       bool
		since        int // the Terraform minor version it needs (1.x)
	}{
		{name: "written in the block", config: providerWithSecret(m.URL, fmt.Sprintf("secret_key = %q", secret)), inPlan: true},
		{name: "from a sensitive variable", inPlan: true,
			config: "variable \"secret_key\" {\n  type      = string\n  sensitive = true\n}\n" + providerWithSecret(m.URL, "secret_key = var.secret_key"),
			env:    []string{"TF_VAR_secret_key=" + secret}},
		{name: "from the environment", config: providerWithSecret(m.URL, ""), env: []string{"ALICLOUD_SECRET_KEY=" + secret}},
		{name: "from an ephemeral variable", since: 10,
			config: "variable \"secret_key\" {\n  type      = string\n  sensitive = true\n  ephemeral = true\n}\n" + providerWithSecret(m.URL, "secret_key = var.secret_key"),
			env:    []string{"TF_VAR_secret_key=" + secret}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			since := tc.since
			if since > 0 && cliIsOpenTofu(t, cli) {
				since = 11 // OpenTofu's ephemeral variables came in 1.11
			}
			if !cliAtLeast(t, cli, 1, since) {
				t.Skipf("needs Terraform 1.%d (OpenTofu 1.11) or newer", tc.since)
			}
			dir := filepath.Join(work, strings.ReplaceAll(tc.name, " ", "-"))
			writeConfig(t, dir, cliConfig(tc.config+rule))
			run := func(args ...string) string {
				t.Helper()
				cmd := cli.Command(dir, append(args, "-no-color")...)
				cmd.Env = append(slices.Clone(cmd.Env), tc.env...)
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, clirun.Tail(string(out), 4000))
				}
				return string(out)
			}
			run("plan", "-input=false", "-out=tfplan")
			shown := run("show", "-json", "tfplan")
			if got := strings.Contains(shown, secret) || planFileHolds(t, filepath.Join(dir, "tfplan"), secret); got != tc.inPlan {
				t.Errorf("the secret in the saved plan: %v, want %v", got, tc.inPlan)
			}
			run("apply", "-input=false", "tfplan")
			state, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(state), secret) {
				t.Errorf("the secret is in the state")
			}
			run("destroy", "-input=false", "-auto-approve")
		})
	}
	doc, err := os.ReadFile("../../docs/index.md")
	if err != nil {
		t.Fatal(err)
	}
	text := regexp.MustCompile(`\s+`).ReplaceAllString(string(doc), " ")
	for _, want := range []string{"written in the provider block", "saved plan", "environment variables", "ephemeral"} {
		if !strings.Contains(text, want) {
			t.Errorf("docs/index.md does not say what happens to secrets %s", want)
		}
	}
	if regexp.MustCompile(`never appear in [^.]*plans`).MatchString(text) {
		t.Errorf("docs/index.md says secrets never appear in plans")
	}
}

// planFileHolds reports whether any file of a saved plan (a zip archive)
// holds s.
func planFileHolds(t *testing.T, path, s string) bool {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = z.Close() }()
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), s) {
			return true
		}
	}
	return false
}

// cliIsOpenTofu reports whether the CLI is OpenTofu.
func cliIsOpenTofu(t *testing.T, cli *clirun.CLI) bool {
	t.Helper()
	out, err := cli.Command(t.TempDir(), "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(string(out), "OpenTofu")
}

// docs/index.md says the plan file and `terraform show -json` of it both
// hold a secret written in the provider block; TestAccSecretsInSavedPlansCLI
// accepts either, this asks show -json alone.
func TestAccSecretsInShowJSON(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	secret := frontend.DefaultSecretKey
	for name, config := range map[string]string{
		"literal":            providerWithSecret(m.URL, fmt.Sprintf("secret_key = %q", secret)),
		"sensitive-variable": "variable \"s\" {\n  type = string\n  sensitive = true\n  default = \"" + secret + "\"\n}\n" + providerWithSecret(m.URL, "secret_key = var.s"),
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

// providerWithSecret is an alicloud provider block for the mock at url
// whose secret is given by secretLine alone (none when it is empty).
func providerWithSecret(url, secretLine string) string {
	settings := mocktest.Settings("alicloud", url)
	delete(settings, "secret_key")
	block := strings.Replace(mocktest.Block("alicloud", settings), "  alicloud {\n", "  alicloud {\n    "+secretLine+"\n", 1)
	return "provider \"secgroup\" {\n" + block + "}\n"
}
