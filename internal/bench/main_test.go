package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
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
	if err := os.WriteFile(filepath.Join(dir, "ecs-200x2-p10-apply.101.pprof"), []byte("a CPU profile"), 0o644); err != nil {
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

// Run after run, phase after phase, each contender in turn: the floor,
// ours, the vendor's.
func TestSchedule(t *testing.T) {
	var got []string
	for run, steps := range schedule(2, 3) {
		for _, s := range steps {
			got = append(got, fmt.Sprintf("%d %s %d", run, s.phase, s.contender))
		}
	}
	want := []string{
		"0 apply 0", "0 apply 1", "0 apply 2", "0 plan 0", "0 plan 1", "0 plan 2", "0 destroy 0", "0 destroy 1", "0 destroy 2",
		"1 apply 0", "1 apply 1", "1 apply 2", "1 plan 0", "1 plan 1", "1 plan 2", "1 destroy 0", "1 destroy 1", "1 destroy 2",
	}
	if !slices.Equal(got, want) {
		t.Errorf("schedule(2, 3) =\n%q\nwant\n%q", got, want)
	}
	if got := schedule(1, 2); len(got) != 1 || len(got[0]) != 6 || got[0][1] != (step{1, "apply"}) || got[0][2] != (step{0, "plan"}) {
		t.Errorf("schedule(1, 2) = %v", got)
	}
}

// Each measure's median over the runs, taken on its own; of two runs,
// the mean; Spent only where every run has it. The ratio range is taken
// run by run.
func TestMedianAndWallRatios(t *testing.T) {
	run := func(wall, cpu, providerCPU time.Duration, calls map[string]int, spent *engine.Spent) map[string]measure {
		return map[string]measure{"apply": {Measure: clirun.Measure{Wall: wall, CPU: cpu, ProviderCPU: providerCPU}, Calls: calls,
			Failed: map[string]int{}, Traffic: store.Traffic{NewConnections: int64(calls["A"]), PeakInFlight: 1}, Spent: spent}}
	}
	s := func(writes int, calls time.Duration) *engine.Spent {
		return &engine.Spent{Writes: writes, Calls: calls, Gathering: calls / 2}
	}
	ours := trials{
		run(3*time.Second, 9*time.Second, time.Second, map[string]int{"A": 10, "D": 1}, s(5, time.Second)),
		run(1*time.Second, 7*time.Second, 3*time.Second, map[string]int{"A": 30}, s(9, 3*time.Second)),
		run(2*time.Second, 8*time.Second, 2*time.Second, map[string]int{"A": 20, "D": 3}, s(7, 2*time.Second)),
	}
	got := ours.median("apply")
	want := measure{Measure: clirun.Measure{Wall: 2 * time.Second, CPU: 8 * time.Second, ProviderCPU: 2 * time.Second},
		Calls: map[string]int{"A": 20, "D": 1}, Failed: map[string]int{}, Traffic: store.Traffic{NewConnections: 20, PeakInFlight: 1},
		Spent: s(7, 2*time.Second)}
	if got.Measure != want.Measure || !maps.Equal(got.Calls, want.Calls) || !maps.Equal(got.Failed, want.Failed) ||
		got.Traffic != want.Traffic || got.Spent == nil || *got.Spent != *want.Spent {
		t.Errorf("median of three runs = %+v, %+v;\nwant %+v, %+v", got, got.Spent, want, want.Spent)
	}
	two := trials{ours[0], ours[1]}.median("apply")
	if two.Wall != 2*time.Second || two.Calls["A"] != 20 || two.Calls["D"] != 0 || two.Spent.Writes != 7 {
		t.Errorf("median of two runs = %+v, %+v; want their means, and no D (its median is 0)", two, two.Spent)
	}
	if _, ok := two.Calls["D"]; ok {
		t.Errorf("median of two runs keeps D at 0: %v", two.Calls)
	}
	ours[1] = run(time.Second, time.Second, 0, nil, nil)
	if got := ours.median("apply"); got.Spent != nil {
		t.Errorf("a run without Spent, yet the median has %+v", got.Spent)
	}

	// Ours 3, 1, 2 s against the vendor's 2, 2, 4: ratios 1.5, 0.5, 0.5;
	// the medians' ratio, 2/2, is none of them.
	peer := trials{run(2*time.Second, 0, 0, nil, nil), run(2*time.Second, 0, 0, nil, nil), run(4*time.Second, 0, 0, nil, nil)}
	if lo, hi := wallRatios(ours, peer, "apply"); lo != 0.5 || hi != 1.5 {
		t.Errorf("wallRatios = %v–%v, want 0.5–1.5", lo, hi)
	}
}

// The bench wipes its work folder only when it made it (marked), or it is
// missing or empty: a -work naming a folder of the user's is refused,
// before anything is built, and its files survive.
func TestRunWipesOnlyItsOwnWorkFolder(t *testing.T) {
	foreign := t.TempDir()
	mine := filepath.Join(foreign, "notes.txt")
	if err := os.WriteFile(mine, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(nil, settings{terraform: "terraform", work: foreign})
	if err == nil || !strings.Contains(err.Error(), foreign) || !strings.Contains(err.Error(), workMarker) {
		t.Errorf("run on a folder of the user's: %v; want it refused, naming the folder", err)
	}
	if b, err := os.ReadFile(mine); err != nil || string(b) != "keep me" {
		t.Errorf("the user's file after run: %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(foreign, "bin")); err == nil {
		t.Errorf("run built the provider in a folder it refused")
	}

	marked := t.TempDir()
	old := filepath.Join(marked, "old-run")
	for _, f := range []string{filepath.Join(marked, workMarker), old} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	missing := filepath.Join(t.TempDir(), "a", "new")
	for _, dir := range []string{marked, missing, t.TempDir()} {
		if err := wipeWork(dir); err != nil {
			t.Errorf("wipeWork(%s): %v", dir, err)
		}
		if entries, err := os.ReadDir(dir); err != nil || len(entries) != 1 || entries[0].Name() != workMarker {
			t.Errorf("%s after wipeWork: %v, %v; want only %s", dir, entries, err, workMarker)
		}
	}
}

// The CLI is found and answers version before anything is wiped or built.
func TestRunChecksTheCLIFirst(t *testing.T) {
	dir := t.TempDir()
	failing := filepath.Join(dir, "failing-terraform")
	if err := os.WriteFile(failing, []byte("#!/bin/sh\necho cannot start >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ cli, want string }{
		{filepath.Join(dir, "no-terraform"), "-terraform " + filepath.Join(dir, "no-terraform") + ": exec: "},
		{"no-such-terraform-anywhere", "executable file not found in $PATH"},
		{failing, "exit status 3\ncannot start"},
	} {
		work := filepath.Join(t.TempDir(), "work")
		err := run(nil, settings{terraform: c.cli, work: work})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("run with -terraform %s: %v; want an error holding %q", c.cli, err, c.want)
		}
		if _, err := os.Stat(work); err == nil {
			t.Errorf("run with -terraform %s made its work folder before checking the CLI", c.cli)
		}
	}
	answers := filepath.Join(dir, "terraform")
	// Terraform warns of a broken CLI configuration before its version
	// (on stderr; here on stdout, to see that the caller's does not reach it).
	if err := os.WriteFile(answers, []byte("#!/bin/sh\n[ -n \"$TF_CLI_CONFIG_FILE\" ] && echo There are some problems with the CLI configuration:\necho Terraform v9.9.9\necho on linux_amd64\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	t.Setenv("TF_CLI_CONFIG_FILE", filepath.Join(dir, "missing.tfrc"))
	if path, version, err := checkCLI("terraform"); path != answers || version != "Terraform v9.9.9" || err != nil {
		t.Errorf("checkCLI(terraform) = %q, %q, %v", path, version, err)
	}
}

// printed is what show writes to standard output.
func printed(t *testing.T, show func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	defer func() { os.Stdout = stdout }()
	show()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Each table says what its columns are: the names a new reader needs
// (API calls, which x floor, the third table's words defined above it),
// every row as many cells as the header, and a legend line under it.
func TestTablesSayWhatTheyShow(t *testing.T) {
	one := func() trials {
		m := measure{Measure: clirun.Measure{Wall: time.Second, CPU: time.Second}, Calls: map[string]int{"AuthorizeSecurityGroup": 2}}
		return trials{{"apply": m, "plan": m, "destroy": m}}
	}
	b := beside{scenario: presets[3], floor: one(), ours: one(), peer: one()}
	for _, c := range []struct {
		name string
		show func()
		want []string
	}{
		{"ours", func() { printOurs(b); fmt.Println(oursLegend) }, []string{"| wall x floor |", "| CPU x floor |", "| API calls |", "| API calls per rule |"}},
		{"beside", func() { printBeside([]beside{b}) }, []string{"| API calls ours | API calls vendor's |", ratioLegend}},
		{"made of", func() { printMadeOf([]beside{b}, 20*time.Millisecond) }, []string{
			"A slot is one of Terraform's -parallelism workers",
			"gathering: queued before its group's worker takes it (held for other writes, or behind the group's calls in flight)",
			"in calls: from sent to outcome, read-back included", "rest: ",
		}},
	} {
		out := printed(t, c.show)
		for _, w := range c.want {
			if !strings.Contains(strings.ReplaceAll(out, "\n", " "), w) && !strings.Contains(oursHeader, w) {
				t.Errorf("%s: no %q in\n%s", c.name, w, out)
			}
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if last := lines[len(lines)-1]; strings.HasPrefix(last, "|") {
			t.Errorf("%s: no legend under the table: %q", c.name, last)
		}
		header := oursHeader
		for _, l := range lines {
			if strings.HasPrefix(l, "| scenario |") {
				header = l
			}
		}
		for _, l := range lines {
			if strings.HasPrefix(l, "|") && columns(l) != columns(header) {
				t.Errorf("%s: %d cells, the header %d: %q", c.name, columns(l), columns(header), l)
			}
		}
	}
}

// After a -profile run the bench says where the profiles are and gives a
// command whose glob takes one phase's profiles and none of the Spent
// files beside them.
func TestProfilesHint(t *testing.T) {
	work := t.TempDir()
	s := presets[3]
	hint := profilesHint(work, s)
	want := "go tool pprof -top " + filepath.Join(work, "bin", "terraform-provider-secgroup") + " " + filepath.Join(work, "profiles", "ecs-200x2-p10-run1-apply.*.pprof")
	if !strings.Contains(hint, want) {
		t.Fatalf("hint %q, want it to hold %q", hint, want)
	}
	profiles := filepath.Join(work, "profiles")
	if err := os.Mkdir(profiles, 0o755); err != nil {
		t.Fatal(err)
	}
	// As the provider names them (main_profile.go).
	for _, f := range []string{"ecs-200x2-p10-run1-apply.7.pprof", "ecs-200x2-p10-run1-apply.7.spent.json", "ecs-200x2-p10-run1-plan.8.pprof"} {
		if err := os.WriteFile(filepath.Join(profiles, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := filepath.Glob(want[strings.LastIndex(want, " ")+1:])
	if err != nil || len(got) != 1 || filepath.Base(got[0]) != "ecs-200x2-p10-run1-apply.7.pprof" {
		t.Errorf("the hint's glob takes %v, %v", got, err)
	}
}

// An unknown cloud's error lists the clouds there are (ECS is alicloud).
func TestChooseListsTheClouds(t *testing.T) {
	_, err := choose("all", "ecs", 10, 2, 10, false)
	if err == nil || !strings.Contains(err.Error(), `"ecs"`) {
		t.Fatalf("choose -cloud ecs: %v", err)
	}
	for _, c := range mockcloud.Clouds {
		if !strings.Contains(err.Error(), c) {
			t.Errorf("the error names not %s: %v", c, err)
		}
	}
}
