package main

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// The command prints its contract line once it accepts connections.
func TestCommandPrintsItsAddress(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := filepath.Join(t.TempDir(), "mockcloud")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--listen", "127.0.0.1:0")
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
	}()
	select {
	case line := <-lines:
		m := regexp.MustCompile(`^mockcloud listening on (http://127\.0\.0\.1:[1-9][0-9]*)$`).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("first line %q", line)
		}
		resp, err := http.Get(m[1] + "/_mock/state")
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /_mock/state right after the line: %v", err)
		}
		resp.Body.Close()
	case <-time.After(30 * time.Second):
		t.Fatal("no address line within 30s")
	}
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
