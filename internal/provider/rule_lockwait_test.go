//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package provider

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// A write waits for another provider process's lock on its group under
// its own timeout, and the error names the lock, its file and its holder;
// Ctrl-C during the wait ends it at once (not after the 30 s grace that
// writes in flight get), and the write is never sent. Through the real
// CLI: one apply holds the group's lock while its authorize is in flight
// (20 s of latency), another waits for it. (The waiting apply failed only
// at its timeout with "context deadline exceeded", naming no lock, and an
// interrupted one still sent its write once the lock came free.)
func TestAccRule_lockWaitIsVisible(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	tmp := t.TempDir()
	cli.Env = append(append([]string(nil), cli.Env...), "TMPDIR="+tmp)
	m := mocktest.Start(t, "")
	m.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "AuthorizeSecurityGroup", LatencyMS: 20000})
	provider := mocktest.ProviderConfig(m)
	holder, waiter := filepath.Join(work, "holder"), filepath.Join(work, "waiter")
	writeConfig(t, holder, cliConfig(provider+tcpRule("x", "alicloud", "sg-web", "22", "10.0.0.0/8")))
	writeConfig(t, waiter, cliConfig(provider+tcpRule("x", "alicloud", "sg-web", "23", "10.0.0.0/8", `timeouts = { create = "3s" }`)))

	hold := cli.Command(holder, "apply", "-auto-approve", "-input=false", "-no-color")
	var holdOut bytes.Buffer
	hold.Stdout, hold.Stderr = &holdOut, &holdOut
	if err := hold.Start(); err != nil {
		t.Fatal(err)
	}
	def, _ := Clouds().Get("alicloud")
	lockFile := filepath.Join(tmp, fmt.Sprintf("terraform-provider-secgroup-%d", os.Geteuid()), engine.LockFileName(def, mocktest.Settings("alicloud", m.URL), "sg-web"))
	waitUntil(t, time.Minute, func() bool { return locked(lockFile) }, "the first apply never took the group's lock")

	start := time.Now()
	out, code := runCLI(t, cli, waiter, "apply", "-auto-approve", "-input=false", "-no-color")
	flat := regexp.MustCompile(`\s+`).ReplaceAllString(out, " ")
	if code == 0 || !strings.Contains(flat, "machine lock of security group sg-web") || !strings.Contains(flat, lockFile) ||
		!strings.Contains(flat, "pid=") || !strings.Contains(flat, "not sent") {
		t.Fatalf("the waiting apply (exit %d) must fail naming the lock %s and its holder:\n%s", code, lockFile, clirun.Tail(out, 3000))
	}
	if waited := time.Since(start); waited > 15*time.Second {
		t.Fatalf("the waiting apply took %v; its create timeout is 3s", waited)
	}

	// Interrupted while it waits (its own timeout is the default 10
	// minutes): it ends at once, and its write is never sent.
	writeConfig(t, waiter, cliConfig(provider+tcpRule("x", "alicloud", "sg-web", "23", "10.0.0.0/8")))
	wait := cli.Command(waiter, "apply", "-auto-approve", "-input=false", "-no-color")
	var waitOut bytes.Buffer
	wait.Stdout, wait.Stderr = &waitOut, &waitOut
	if err := wait.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	interrupted := time.Now()
	if err := wait.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := wait.Wait(); err == nil {
		t.Fatalf("the interrupted apply succeeded:\n%s", waitOut.String())
	}
	if took := time.Since(interrupted); took > 10*time.Second {
		t.Fatalf("the interrupted apply took %v to stop:\n%s", took, clirun.Tail(waitOut.String(), 3000))
	}
	if err := hold.Wait(); err != nil {
		t.Fatalf("the first apply: %v\n%s", err, clirun.Tail(holdOut.String(), 3000))
	}
	time.Sleep(time.Second)
	for _, c := range m.Store.CallsOf("alicloud", "AuthorizeSecurityGroup") {
		if strings.Contains(fmt.Sprint(c.Params), "23/23") {
			t.Fatalf("a write that waited for the lock was sent: %v", c.Params)
		}
	}
	if rules := mocktest.Rules(m, "alicloud", "sg-web"); len(rules) != 1 {
		t.Fatalf("the group holds %v: want the first apply's rule alone", rules)
	}
}

// locked reports whether another process holds the lock file's flock.
func locked(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
	if err == nil {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	}
	return errors.Is(err, syscall.EWOULDBLOCK)
}

func waitUntil(t *testing.T, limit time.Duration, cond func() bool, msg string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
