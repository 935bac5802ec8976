//go:build unix

package guides

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
)

// terraformForTests is the CLI the acceptance tests use, when it runs
// terraform test with a variable block in the test file (Terraform
// 1.13+); the test skips otherwise, as the acceptance tests skip below
// their CLI.
func terraformForTests(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs the Terraform CLI: set TF_ACC=1")
	}
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" {
		var err error
		if path, err = exec.LookPath("terraform"); err != nil {
			t.Skip("no terraform CLI: set TF_ACC_TERRAFORM_PATH")
		}
	}
	out, err := exec.Command(path, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version: %v", path, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	_ = json.Unmarshal(out, &v)
	parts := strings.SplitN(v.Version, ".", 3)
	major, _ := strconv.Atoi(parts[0])
	minor := 0
	if len(parts) > 1 {
		minor, _ = strconv.Atoi(parts[1])
	}
	if strings.Contains(filepath.Base(path), "tofu") || v.Version == "" || major == 1 && minor < 13 {
		t.Skipf("%s (%q) is not Terraform 1.13+, which terraform test with a variable block in the test file needs", path, v.Version)
	}
	return path
}

// setup builds the provider (through a dev_overrides CLI configuration,
// as clirun sets it up) and mockcloud into a fresh folder.
func setup(t *testing.T) (cli *clirun.CLI, mockcloudBin string) {
	t.Helper()
	tf := terraformForTests(t)
	work := t.TempDir()
	cli, err := clirun.Setup(root, work, tf, clirun.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mockcloudBin = filepath.Join(work, "mockcloud-bin", "mockcloud")
	build := exec.Command("go", "build", "-o", mockcloudBin, "./internal/mockcloud/cmd/mockcloud")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building mockcloud: %v\n%s", err, out)
	}
	return cli, mockcloudBin
}

// startMockcloud runs the binary with args on a free port and returns its
// address, from the line it prints.
func startMockcloud(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--listen", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Scan()
		line <- sc.Text()
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case l := <-line:
		url, ok := strings.CutPrefix(l, "mockcloud listening on ")
		if !ok {
			t.Fatalf("mockcloud's first line: %q", l)
		}
		return url
	case <-time.After(30 * time.Second):
		t.Fatal("mockcloud printed no address within 30s")
	}
	return ""
}

// copyDir copies the module, so that Terraform's files stay out of the
// repository.
func copyDir(t *testing.T, from string) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), filepath.Base(from))
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
	return to
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

type call struct {
	Cloud, Action string
	Status        int
	Params        map[string]any
}

type group struct {
	Cloud, ID string
	Rules     []map[string]any
}

func state(t *testing.T, url string) map[string]group {
	t.Helper()
	var st struct{ Groups []group }
	getJSON(t, url+"/_mock/state", &st)
	out := map[string]group{}
	for _, g := range st.Groups {
		out[g.Cloud+"/"+g.ID] = g
	}
	return out
}

// checkOnlyFixtureRules checks that the example's groups hold what its
// fixtures file gave them, and nothing the tests made.
func checkOnlyFixtureRules(t *testing.T, url string) {
	t.Helper()
	st := state(t, url)
	if r := st["alicloud/sg-shop-web"].Rules; len(r) != 1 || r[0]["SecurityGroupRuleId"] != "sgr-shop0ssh0bastion" {
		t.Fatalf("sg-shop-web holds %v, want only the fixture rule sgr-shop0ssh0bastion", r)
	}
	if r, ok := st["zenlayer/zl-shop-web"]; !ok || len(r.Rules) != 0 {
		t.Fatalf("zl-shop-web: %+v %v, want the fixture group, empty", r, ok)
	}
}

// The example module's own tests pass through the real CLI against the
// mockcloud binary started with the module's fixtures file: the rules are
// made on both clouds and removed by the teardown, leaving the fixture
// rule alone. A copy with one assertion wrong fails, naming it.
func TestAccExampleModuleTests(t *testing.T) {
	cli, bin := setup(t)
	url := startMockcloud(t, bin, "--fixtures", filepath.Join(example, "tests", "mockcloud-fixtures.json"))
	checkOnlyFixtureRules(t, url)

	dir := copyDir(t, example)
	out, err := cli.Command(dir, "test", "-no-color", "-var", "mockcloud_url="+url).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Success! 5 passed, 0 failed.") {
		t.Fatalf("terraform test: %v\n%s", err, out)
	}
	var calls []call
	getJSON(t, url+"/_mock/calls", &calls)
	made := map[string]bool{}
	for _, c := range calls {
		if c.Status != 200 {
			t.Errorf("%s %s answered %d", c.Cloud, c.Action, c.Status)
		}
		if c.Cloud == "alicloud" && c.Action == "AuthorizeSecurityGroup" {
			for k, v := range c.Params {
				if strings.HasSuffix(k, "PortRange") && !strings.Contains(k, "Source") {
					made[fmt.Sprintf("%v %v", v, c.Params[strings.TrimSuffix(k, "PortRange")+"Ipv6SourceCidrIp"])] = true
				}
			}
		}
		made[c.Cloud+" "+c.Action] = true
	}
	for _, want := range []string{"alicloud AuthorizeSecurityGroup", "alicloud RevokeSecurityGroup",
		"zenlayer AuthorizeSecurityGroupRules", "zenlayer RevokeSecurityGroupRules", "443/443 2001:db8::/32"} {
		if !made[want] {
			t.Errorf("no %q among the calls %v", want, slices.Sorted(func(yield func(string) bool) {
				for k := range made {
					if !yield(k) {
						return
					}
				}
			}))
		}
	}
	checkOnlyFixtureRules(t, url)

	broken := copyDir(t, example)
	test := filepath.Join(broken, "tests", "web_ingress.tftest.hcl")
	src, err := os.ReadFile(test)
	if err != nil {
		t.Fatal(err)
	}
	wrong := strings.Replace(string(src), "length(output.rule_ids) == 4", "length(output.rule_ids) == 5", 1)
	if wrong == string(src) {
		t.Fatal("the assertion to break is no longer in the example's test")
	}
	if err := os.WriteFile(test, []byte(wrong), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = cli.Command(broken, "test", "-no-color", "-var", "mockcloud_url="+url).CombinedOutput()
	if err == nil {
		t.Fatalf("terraform test passed with a wrong assertion:\n%s", out)
	}
	for _, want := range []string{`run "more_ranges_add_rules"... fail`, "two ports, two ranges: four rules", "Failure! 4 passed, 1 failed."} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the failed run's output lacks %q:\n%s", want, out)
		}
	}
	checkOnlyFixtureRules(t, url)
}

// shellBlocks are the guide's ```shell blocks, in order: the commands it
// tells users to run (commands shown but not run, such as go install,
// are in ```sh blocks).
func shellBlocks(t *testing.T, markdown string) []string {
	t.Helper()
	var blocks []string
	for _, m := range regexp.MustCompile("(?ms)^```shell\n(.*?)^```$").FindAllStringSubmatch(markdown, -1) {
		blocks = append(blocks, m[1])
	}
	return blocks
}

// The guide's commands run as written, in order, in the example module's
// directory, with mockcloud, terraform, curl and jq on PATH: every step
// shows what the guide says it shows.
func TestAccGuideCommandsRun(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the guide's commands need %s", tool)
		}
	}
	cli, bin := setup(t)
	md, err := os.ReadFile(guide)
	if err != nil {
		t.Fatal(err)
	}
	blocks := shellBlocks(t, string(md))
	if len(blocks) != 8 {
		t.Fatalf("%d shell blocks in the guide, want the 8 steps (start, environment, test, fault, clock, drift, reset, stop)", len(blocks))
	}
	dir := copyDir(t, example)
	// The test's own line: whatever happens, the mockcloud the guide
	// started does not outlive the script.
	script := "trap 'kill ${MOCKCLOUD_PID:-} 2>/dev/null || true' EXIT\n" + strings.Join(blocks, "\n")
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(slices.Clone(cli.Env), "PATH="+filepath.Dir(bin)+":"+filepath.Dir(cli.Path)+":"+os.Getenv("PATH"), "TF_CLI_ARGS=-no-color")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 10 * time.Second
	timer := time.AfterFunc(10*time.Minute, func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	defer timer.Stop()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the guide's commands: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{
		"mockcloud is at http://127.0.0.1:",
		"alicloud AuthorizeSecurityGroup 200",
		`{"cloud":"alicloud","id":"sg-shop-web","rules":1}`,
		`"action":"AuthorizeSecurityGroup","status":400,"code":"Throttling.User","fault":"throttle"`,
		`"action":"RevokeSecurityGroup","status":500,"code":"InternalError","fault":"server_error"`,
		"\nInvalidTimeStamp.Expired\n",
		"terraform plan exit code: 2",
		`{"reset":true}`,
		`{"SecurityGroupRuleId":"sgr-shop0ssh0bastion","PortRange":"22/22","SourceCidrIp":"10.0.0.0/24"}`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the guide's commands printed no %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "Success! 5 passed, 0 failed."); n != 2 {
		t.Errorf("terraform test passed %d times, want 2 (before and under faults):\n%s", n, text)
	}
}
