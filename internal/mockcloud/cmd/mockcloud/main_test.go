package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The command prints its contract line once it accepts connections.
func TestCommandPrintsItsAddress(t *testing.T) {
	line, ok, _ := startCommand(t, buildCommand(t), "--listen", "127.0.0.1:0")
	if !ok {
		t.Fatal("no address line within 30s")
	}
	m := regexp.MustCompile(`^mockcloud listening on (http://127\.0\.0\.1:[1-9][0-9]*)$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("first line %q", line)
	}
	resp, err := http.Get(m[1] + "/_mock/state")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /_mock/state right after the line: %v", err)
	}
	resp.Body.Close()
}

func TestParseFaults(t *testing.T) {
	one, err := parseFaults(`{"cloud":"*","throttle_rate":0.2}`)
	if err != nil || len(one) != 1 || one[0].ThrottleRate != 0.2 {
		t.Fatalf("%+v %v", one, err)
	}
	list, err := parseFaults(`[{"cloud":"ens","drop":1},{"cloud":"alicloud","latency_ms":20}]`)
	if err != nil || len(list) != 2 || list[1].LatencyMS != 20 {
		t.Fatalf("%+v %v", list, err)
	}
	if _, err := parseFaults(`{"throttle":1}`); err == nil {
		t.Fatal("a fault without cloud")
	}
	if none, err := parseFaults(" "); err != nil || none != nil {
		t.Fatalf("%+v %v", none, err)
	}
}

// buildCommand builds mockcloud into a test folder.
func buildCommand(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := filepath.Join(t.TempDir(), "mockcloud")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// startCommand starts the built command with args and returns the first
// line it prints ("" when it exits without one), false when neither comes
// within 30 s, and the process, which is killed when the test ends.
func startCommand(t *testing.T, bin string, args ...string) (string, bool, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdout, _ := cmd.StdoutPipe()
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
	}()
	select {
	case l := <-line:
		return l, true, cmd
	case <-time.After(30 * time.Second):
		return "", false, cmd
	}
}

// A fixtures file mockcloud cannot use stops it before it listens, with
// the file's name, line and column.
func TestCommandRefusesABadFixturesFile(t *testing.T) {
	bin := buildCommand(t)
	file := filepath.Join(t.TempDir(), "groups.json")
	if err := os.WriteFile(file, []byte("{\"groups\": [\n  {\"cloud\": \"aws\", \"id\": \"sg-1\"}\n]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--listen", "127.0.0.1:0", "--fixtures", file).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "--fixtures: "+file+`:2:3: group 0: cloud "aws"`) || strings.Contains(string(out), "listening") {
		t.Fatalf("%v\n%s", err, out)
	}
}

// --state keeps the cloud across runs: a group made in one run is there
// in the next, saved at the latest when the first stops.
func TestCommandKeepsStateAcrossRuns(t *testing.T) {
	bin := buildCommand(t)
	state := filepath.Join(t.TempDir(), "cloud.json")
	run := func() (string, *exec.Cmd) {
		line, ok, cmd := startCommand(t, bin, "--listen", "127.0.0.1:0", "--state", state)
		if !ok || line == "" {
			t.Fatal("no address line")
		}
		return strings.TrimPrefix(line, "mockcloud listening on "), cmd
	}
	url, first := run()
	resp, err := http.Post(url+"/_mock/groups", "application/json", strings.NewReader(`{"cloud":"ens","id":"sg-kept"}`))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create group: %d", resp.StatusCode)
	}
	_ = first.Process.Signal(syscall.SIGTERM)
	if err := first.Wait(); err != nil {
		t.Fatalf("the first run did not stop cleanly: %v", err)
	}
	url, _ = run()
	resp, err = http.Get(url + "/_mock/state")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"id":"sg-kept"`) {
		t.Fatalf("the second run lacks the first run's group:\n%s", body)
	}
}

func TestVersionString(t *testing.T) {
	defer func(v string) { version = v }(version)
	version = "1.2.3"
	if got := versionString(); got != "1.2.3" {
		t.Fatalf("with -X main.version: %q", got)
	}
	version = ""
	// A test binary's module version is "(devel)" or empty: "dev".
	if got := versionString(); got != "dev" {
		t.Fatalf("without: %q", got)
	}
}

// --fixtures decides the whole cloud a module's tests see, as --state
// does, and is as often put in a shared place (/tmp/groups.json): a
// fixtures file another user owns and anyone may write, reached through a
// link, is refused as a state would be (found in review: mockcloud
// started on it).
func TestCommandRefusesAFixturesFileOthersControl(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("chown to another user needs root")
	}
	bin := buildCommand(t)
	dir := t.TempDir()
	theirs := filepath.Join(dir, "theirs.json")
	if err := os.WriteFile(theirs, []byte(`{"groups":[{"cloud":"ens","id":"sg-planted"}]}`), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(theirs, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(theirs, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "groups.json")
	if err := os.Symlink(theirs, link); err != nil {
		t.Fatal(err)
	}
	l, ok, _ := startCommand(t, bin, "--listen", "127.0.0.1:0", "--fixtures", link)
	switch {
	case !ok:
		t.Fatal("neither started nor stopped within 30s")
	case strings.HasPrefix(l, "mockcloud listening on "):
		t.Fatalf("mockcloud started on a fixtures file of uid 65534, mode 0666, through a link: %q", l)
	}
}
