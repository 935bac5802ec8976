package provider

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// Another local user made the folder our machine locks are named for
// (owned by them and world-writable; world-writable alone when the test
// cannot change owners) and planted a link under the very lock file name
// the apply uses, pointing at a file of ours. Through the real CLI with
// the provider as a real plugin binary: the apply succeeds, the file the
// link points at is unchanged, the locks are kept in the session's
// private folder instead, and a warning says which folder was refused,
// why, where the locks are and how to fix it.
func TestAccRule_lockFolderAnotherUserControls(t *testing.T) {
	cliIndependent(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")

	root := t.TempDir()
	tmp, runtime, cache := filepath.Join(root, "tmp"), filepath.Join(root, "run"), filepath.Join(root, "cache")
	for _, dir := range []string{tmp, runtime} {
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(tmp, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	refused := filepath.Join(tmp, fmt.Sprintf("terraform-provider-secgroup-%d", os.Geteuid()))
	if err := os.Mkdir(refused, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(refused, 0o777); err != nil {
		t.Fatal(err)
	}
	why := "has mode 0777: other users can write into it"
	if os.Geteuid() == 0 {
		if err := os.Chown(refused, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		why = "is owned by uid 65534, not 0"
	}
	def, _ := Clouds().Get("alicloud")
	lockName := engine.LockFileName(def, mocktest.Settings("alicloud", m.URL), "sg-web")
	victim := filepath.Join(root, "victim")
	victimBytes := []byte("0123456789: a file of the Terraform user's that no lock may write\n")
	if err := os.WriteFile(victim, victimBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(refused, lockName)); err != nil {
		t.Fatal(err)
	}

	env := []string{"TMPDIR=" + tmp, "XDG_RUNTIME_DIR=" + runtime, "XDG_CACHE_HOME=" + cache}
	dir := filepath.Join(work, "apply")
	writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+tcpRule("ssh", "alicloud", "sg-web", "22", "10.0.0.0/8")))
	out, code := runCLIWithEnv(t, cli, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	if code != 0 {
		t.Fatalf("apply failed (exit %d):\n%s", code, clirun.Tail(out, 3000))
	}
	if err := mocktest.CheckRule(m, "alicloud", "sg-web", map[string]string{"PortRange": "22/22", "SourceCidrIp": "10.0.0.0/8"})(nil); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(victim); err != nil || !bytes.Equal(got, victimBytes) {
		t.Fatalf("the file the planted link points at was written: %q (%v), was %q", got, err, victimBytes)
	}
	kept := filepath.Join(runtime, "terraform-provider-secgroup")
	if fi, err := os.Lstat(filepath.Join(kept, lockName)); err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Fatalf("no lock file of our own in %s: %v %v", kept, fi, err)
	}
	if entries, err := os.ReadDir(refused); err != nil || len(entries) != 1 || entries[0].Name() != lockName {
		t.Fatalf("the refused folder holds %v (%v), want only the planted link", entries, err)
	}
	for _, want := range []string{
		"Warning: Machine lock folder refused",
		refused + ": " + why,
		"kept in " + kept + " instead",
		"rm -rf " + refused,
	} {
		if !regexp.MustCompile(spaced(regexp.QuoteMeta(want))).MatchString(out) {
			t.Errorf("the apply's output does not say %q:\n%s", want, out)
		}
	}
	// One warning per provider configuration and command phase, not per
	// resource.
	if n := strings.Count(out, "Warning: Machine lock folder refused"); n > 2 {
		t.Errorf("%d warnings for one configuration", n)
	}

	if out, code := runCLIWithEnv(t, cli, dir, env, "destroy", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("destroy: %s", clirun.Tail(out, 3000))
	}
	if got, _ := os.ReadFile(victim); !bytes.Equal(got, victimBytes) {
		t.Fatalf("the file the planted link points at was written by the destroy: %q", got)
	}
}

// runCLIWithEnv is runCLI with variables added to the commands'
// environment (and so the plugin's).
func runCLIWithEnv(t *testing.T, cli *clirun.CLI, dir string, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := cli.Command(dir, args...)
	cmd.Env = append(append([]string(nil), cmd.Env...), env...)
	out, err := cmd.CombinedOutput()
	if err != nil && cmd.ProcessState == nil {
		t.Fatal(err)
	}
	return string(out), cmd.ProcessState.ExitCode()
}
