//go:build unix

package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// --fixtures decides the whole cloud a module's tests see, as --state
// does, and is as often put in a shared place (/tmp/groups.json); yet
// only --state's file is checked for its owner, its mode and links.
// A fixtures file another user owns and anyone may write, reached through
// a link, is read: mockcloud starts on it.
func TestReviewFixturesFileOthersControl(t *testing.T) {
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
	cmd := exec.Command(bin, "--listen", "127.0.0.1:0", "--fixtures", link)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Scan()
		line <- sc.Text()
	}()
	select {
	case l := <-line:
		if strings.HasPrefix(l, "mockcloud listening on ") {
			t.Fatalf("mockcloud started on a fixtures file of uid 65534, mode 0666, through a link: %q", l)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("neither started nor stopped within 30s")
	}
}
