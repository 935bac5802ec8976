package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
)

// A phase's Spent sums its processes' files, as main_profile.go writes
// them, and none of another phase's or scenario's.
func TestSpentOf(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, s engine.Spent) {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("ecs-200x2-p10-apply.101.spent.json", engine.Spent{Writes: 3, Gathering: time.Second, Lock: 2 * time.Millisecond, Calls: 5 * time.Second})
	write("ecs-200x2-p10-apply.102.spent.json", engine.Spent{Writes: 1, Gathering: time.Millisecond, Calls: time.Second})
	write("ecs-200x2-p10-destroy.103.spent.json", engine.Spent{Writes: 100, Calls: time.Hour})
	write("ecs-200x2-p10-count-apply.104.spent.json", engine.Spent{Writes: 100, Calls: time.Hour})
	if err := os.WriteFile(filepath.Join(dir, "ecs-200x2-p10-apply.101"), []byte("a CPU profile"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := spentOf(filepath.Join(dir, "ecs-200x2-p10-apply"))
	want := engine.Spent{Writes: 4, Gathering: 1001 * time.Millisecond, Lock: 2 * time.Millisecond, Calls: 6 * time.Second}
	if err != nil || got == nil || *got != want {
		t.Errorf("spentOf = %+v, %v; want %+v", got, err, want)
	}
	if got, err := spentOf(filepath.Join(dir, "ecs-200x2-p10-plan")); got != nil || err != nil {
		t.Errorf("spentOf a phase without files = %+v, %v; want nil", got, err)
	}
}

// The rest is the slots less our writes' measured time where -profile
// measured it; the vendor's, less its calls at the mock's latency (one
// rule a call, each holding a slot). Ours without -profile has neither:
// a call of ours carries a batch of writes, each holding its own slot.
func TestMadeOf(t *testing.T) {
	m := measure{Measure: clirun.Measure{Wall: 2 * time.Second, CPU: 3 * time.Second, ProviderCPU: time.Second}, Calls: map[string]int{"AuthorizeSecurityGroup": 40, "DescribeSecurityGroupAttribute": 10}}
	cpu := "2.0 | 1.0"
	if !clirun.ProviderCPUSampled {
		cpu = "n/a | n/a"
	}
	for _, c := range []struct {
		name   string
		spent  *engine.Spent
		engine bool
		want   string
	}{
		{"peer", nil, false, "2.0 | " + cpu + " | 20.0 | - | - | - | - | 1.0 | 19.0"},
		{"ours without -profile", nil, true, "2.0 | " + cpu + " | 20.0 | n/a | n/a | n/a | n/a | n/a | n/a"},
		{"ours with -profile", &engine.Spent{Writes: 9, Gathering: time.Second, Lock: 2 * time.Second, Calls: 3 * time.Second}, true, "2.0 | " + cpu + " | 20.0 | 9 | 1.0 | 2.0 | 3.0 | 1.0 | 14.0"},
	} {
		m.Spent = c.spent
		if got := madeOf(m, 10, 20*time.Millisecond, c.engine); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// Over TLS the commands trust the mock's certificate alone: SSL_CERT_DIR
// (the last of a name counts) names a folder holding only it, so no call
// meant for the mock can reach another server.
func TestStartMockTrustsItAlone(t *testing.T) {
	tf := &clirun.CLI{Env: []string{"SSL_CERT_DIR=/etc/ssl/certs", "SSL_CERT_FILE=/etc/ssl/cert.pem"}}
	m, err := startMock(settings{}, t.TempDir(), tf, true)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	last := map[string]string{}
	for _, kv := range tf.Env {
		k, v, _ := strings.Cut(kv, "=")
		last[k] = v
	}
	entries, err := os.ReadDir(last["SSL_CERT_DIR"])
	if err != nil || len(entries) != 1 || filepath.Join(last["SSL_CERT_DIR"], entries[0].Name()) != last["SSL_CERT_FILE"] {
		t.Errorf("SSL_CERT_DIR %q holds %d entries (%v); want the mock's certificate %q alone", last["SSL_CERT_DIR"], len(entries), err, last["SSL_CERT_FILE"])
	}
}
