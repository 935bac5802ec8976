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

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/baiducloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/ens"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/zenlayer"
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
	for run, steps := range schedule(2, 3, phasesOf(presets[0])) {
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
	if got := schedule(1, 2, phasesOf(presets[0])); len(got) != 1 || len(got[0]) != 6 || got[0][1] != (step{1, "apply"}) || got[0][2] != (step{0, "plan"}) {
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
		return trials{{"apply": m, "plan": m, "change": m, "destroy": m}}
	}
	b := beside{scenario: presets[3], floor: one(), ours: one(), peer: one()}
	sets := beside{scenario: presets[len(presets)-2], floor: one(), ours: one(), groupFloor: one(), blocks: one()}
	for _, c := range []struct {
		name string
		show func()
		want []string
	}{
		{"ours", func() { printOurs(b); fmt.Println(oursLegend) }, []string{"| wall x floor |", "| CPU x floor |", "| API calls |", "| API calls per rule |"}},
		{"beside", func() { printBeside([]beside{b}) }, []string{"| API calls ours | API calls vendor's |", ratioLegend}},
		{"sets", func() { printSets([]beside{b, sets}) }, []string{"| set x floor |", "| set x group floor |", "| set / secgroup_rule |", "| reads per group | writes per group |",
			"| ecs-1000x10-p10-sets | change |", "group floor: one terraform_data per group whose input holds the group's rules"}},
		{"made of", func() { printMadeOf([]beside{b, sets}, 20*time.Millisecond) }, []string{
			"| ecs-1000x10-p10-sets | change | terraform_data per group |", "| ecs-1000x10-p10-sets | destroy | secgroup_rule |",
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

// The sets' table leaves the per-rule scenarios out, and prints nothing
// without a set scenario.
func TestSetsTableHoldsSetsAlone(t *testing.T) {
	m := measure{Measure: clirun.Measure{Wall: time.Second}, Calls: map[string]int{"DescribeSecurityGroupAttribute": 10, "AuthorizeSecurityGroup": 10}}
	one := trials{{"apply": m, "plan": m, "change": m, "destroy": m}}
	perRule := beside{scenario: presets[3], floor: one, ours: one}
	if out := printed(t, func() { printSets([]beside{perRule}) }); out != "" {
		t.Errorf("without a set scenario: %q", out)
	}
	s := scenario{Name: "s", Cloud: "alicloud", Rules: 100, Groups: 10, Sets: true}
	out := printed(t, func() {
		printSets([]beside{perRule, {scenario: s, floor: one, ours: one, groupFloor: one, blocks: one}})
	})
	if strings.Contains(out, presets[3].Name) || !strings.Contains(out, "| s | change | 1.0 | 1.0 | 1.00 | 1.0 | 1.00 | 1.0 | 1.00 | 20 | 0.200 | 1.0 | 1.0 | AuthorizeSecurityGroup 10, DescribeSecurityGroupAttribute 10 | 20 |") {
		t.Errorf("the sets' table:\n%s", out)
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
	_, err := choose("all", "ecs", scenario{Rules: 10, Groups: 2, Parallelism: 10})
	if err == nil || !strings.Contains(err.Error(), `"ecs"`) {
		t.Fatalf("choose -cloud ecs: %v", err)
	}
	for _, c := range mockcloud.Clouds {
		if !strings.Contains(err.Error(), c) {
			t.Errorf("the error names not %s: %v", c, err)
		}
	}
}

// A set scenario runs apply, plan, a change of one entry per set (an
// apply of the changed configuration) and destroy, each contender in turn:
// the floor, the sets, the group floor and the secgroup_rule blocks, and
// never the vendor's, which has no sets. Per-rule scenarios keep their
// three phases and the vendor's provider.
func TestSetScenarioPhasesAndContenders(t *testing.T) {
	sets, err := choose("", "alicloud", scenario{Rules: 100, Groups: 2, Parallelism: 10, Sets: true})
	if err != nil || len(sets) != 1 || sets[0].Name != "alicloud-100x2-p10-sets" || !sets[0].Sets {
		t.Fatalf("choose -cloud alicloud -sets = %+v, %v", sets, err)
	}
	if _, err := choose("", "alicloud", scenario{Rules: 100, Groups: 2, Parallelism: 10, Sets: true, Count: true}); err == nil {
		t.Errorf("choose -count -sets: no error")
	}
	s := sets[0]
	if got, want := phasesOf(s), []string{"apply", "plan", "change", "destroy"}; !slices.Equal(got, want) {
		t.Errorf("phasesOf(sets) = %v, want %v", got, want)
	}
	if got, want := phasesOf(presets[0]), []string{"apply", "plan", "destroy"}; !slices.Equal(got, want) {
		t.Errorf("phasesOf(per rule) = %v, want %v", got, want)
	}
	var got []string
	for _, st := range schedule(1, 4, phasesOf(s))[0] {
		got = append(got, fmt.Sprint(st.phase, " ", st.contender))
	}
	want := []string{"apply 0", "apply 1", "apply 2", "apply 3", "plan 0", "plan 1", "plan 2", "plan 3",
		"change 0", "change 1", "change 2", "change 3", "destroy 0", "destroy 1", "destroy 2", "destroy 3"}
	if !slices.Equal(got, want) {
		t.Errorf("schedule of a set scenario =\n%q\nwant\n%q", got, want)
	}
	if change, apply := fmt.Sprint(phaseArgs("change", 10)), fmt.Sprint(phaseArgs("apply", 10)); change != apply {
		t.Errorf("change runs %s, want an apply: %s", change, apply)
	}

	names := func(cs []contender) (out []string) {
		for _, c := range cs {
			out = append(out, c.name)
		}
		return out
	}
	for _, c := range []struct {
		s    scenario
		peer bool
		want []string
	}{
		{s, true, []string{"floor", "secgroup", "groupfloor", "blocks"}},
		{presets[0], true, []string{"floor", "secgroup", "vendor"}},
		{presets[0], false, []string{"floor", "secgroup"}},
	} {
		cs := contendersOf(c.s, "", c.peer)
		if got := names(cs); !slices.Equal(got, c.want) {
			t.Errorf("contendersOf(%s, peer %v) = %v, want %v", c.s.Name, c.peer, got, c.want)
		}
		// Each contender's runs land in a field of their own.
		var b beside
		fields := map[*trials]string{}
		for _, k := range cs {
			if other, taken := fields[b.of(k.name)]; taken {
				t.Errorf("%s and %s share a field of beside", other, k.name)
			}
			fields[b.of(k.name)] = k.name
		}
	}
	if withPeer(presets[len(presets)-2]) || !presets[len(presets)-2].Sets {
		t.Errorf("the vendor's provider runs in %s", presets[len(presets)-2].Name)
	}

	// Two providers of ours in one scenario: each phase's profiles and
	// Spent files are the sets' or the blocks', never both.
	sets1 := profileName(s, secgroup(""), 0, "apply")
	blocks1 := profileName(s, blocks(""), 0, "apply")
	if sets1 != "alicloud-100x2-p10-sets-run1-apply" || blocks1 != "alicloud-100x2-p10-sets-blocks-run1-apply" {
		t.Errorf("profile names %q and %q", sets1, blocks1)
	}
	if m, _ := filepath.Match(sets1+".*.spent.json", blocks1+".7.spent.json"); m {
		t.Errorf("the sets' Spent glob takes the blocks' files")
	}
}

// literal is a configuration's resources, type by name by attribute, with
// each literal attribute's value; it fails the test where the HCL does
// not parse or a resource is declared twice.
func literal(t *testing.T, config string) map[string]map[string]map[string]cty.Value {
	t.Helper()
	file, diags := hclsyntax.ParseConfig([]byte(config), "main.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("the configuration does not parse: %v\n%s", diags, clirun.Tail(config, 2000))
	}
	out := map[string]map[string]map[string]cty.Value{}
	body, ok := file.Body.(*hclsyntax.Body)
	if !ok {
		t.Fatalf("body %T", file.Body)
	}
	for _, block := range body.Blocks {
		if block.Type != "resource" {
			continue
		}
		kind, name := block.Labels[0], block.Labels[1]
		if out[kind] == nil {
			out[kind] = map[string]map[string]cty.Value{}
		}
		if out[kind][name] != nil {
			t.Fatalf("%s.%s declared twice", kind, name)
		}
		out[kind][name] = map[string]cty.Value{}
		for attr, a := range block.Body.Attributes {
			v, diags := a.Expr.Value(nil)
			if diags.HasErrors() {
				t.Fatalf("%s.%s.%s: %v", kind, name, attr, diags)
			}
			out[kind][name][attr] = v
		}
		if len(block.Body.Blocks) > 0 {
			t.Errorf("%s.%s has nested blocks", kind, name)
		}
	}
	return out
}

// entry is one rule as declared: its group and its rule attributes.
type entry struct {
	group      string
	attributes string
}

// text is literal attributes as name=value, sorted.
func text(attributes map[string]cty.Value) string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(attributes)) {
		out = append(out, k+"="+attributes[k].AsString())
	}
	return strings.Join(out, " ")
}

// A set scenario's sets declare the very rules its secgroup_rule blocks
// do, each in its group's set, keyed by the block's name, with
// secgroup_rule's attribute names; the group floor's input holds each
// set's cloud, group and rules as the set declares them. After the
// change, exactly one entry of each set (and one block of the floor per
// group) differs, its port on changedPort. All parse as HCL.
func TestSetConfigs(t *testing.T) {
	odd := scenario{Name: "odd", Cloud: "ens", Rules: 7, Groups: 3, Parallelism: 10, Sets: true}
	for _, s := range []scenario{presets[len(presets)-2], presets[len(presets)-1], odd} {
		t.Run(s.Name, func(t *testing.T) {
			for _, changed := range []bool{false, true} {
				s.changed = changed
				groups := groupsOf(s, secgroup(""))
				sets := literal(t, ruleConfig(s, groups))
				perRule := literal(t, blocks("").config(s, groups))
				groupFloors := literal(t, groupFloorConfig(s, groups))
				floors := literal(t, floorConfig(s, groups))
				if len(sets) != 1 || len(sets["secgroup_rule_set"]) != s.Groups {
					t.Fatalf("changed %v: %d kinds, %d sets; want %d secgroup_rule_set alone", changed, len(sets), len(sets["secgroup_rule_set"]), s.Groups)
				}
				if len(perRule) != 1 || len(perRule["secgroup_rule"]) != s.Rules {
					t.Fatalf("changed %v: the blocks declare %d kinds, %d rules; want %d secgroup_rule", changed, len(perRule), len(perRule["secgroup_rule"]), s.Rules)
				}
				if len(groupFloors["terraform_data"]) != s.Groups || len(floors["terraform_data"]) != s.Rules {
					t.Fatalf("changed %v: %d group floors, %d floors", changed, len(groupFloors["terraform_data"]), len(floors["terraform_data"]))
				}

				fromSets, fromBlocks := map[string]entry{}, map[string]entry{}
				onChanged := map[string]int{}
				for name, set := range sets["secgroup_rule_set"] {
					if keys := slices.Sorted(maps.Keys(set)); !slices.Equal(keys, []string{"cloud", "rules", "security_group_id"}) {
						t.Errorf("%s has %v", name, keys)
					}
					group := set["security_group_id"].AsString()
					if set["cloud"].AsString() != s.Cloud || !strings.HasPrefix(group, groups+"-") || "g"+strings.TrimPrefix(group, groups+"-") != name {
						t.Errorf("%s: cloud %s, group %s", name, set["cloud"].GoString(), group)
					}
					for key, rule := range set["rules"].AsValueMap() {
						if _, twice := fromSets[key]; twice {
							t.Errorf("%s twice among the sets", key)
						}
						attributes := rule.AsValueMap()
						fromSets[key] = entry{group, text(attributes)}
						if attributes["port_range"].AsString() == fmt.Sprint(changedPort) {
							onChanged[group]++
						}
					}
					input := groupFloors["terraform_data"][name]["input"]
					want := cty.ObjectVal(map[string]cty.Value{"cloud": set["cloud"], "security_group_id": set["security_group_id"], "rules": set["rules"]})
					if input == cty.NilVal || !input.RawEquals(want) {
						t.Errorf("terraform_data.%s holds\n%s\nwant the set's\n%s", name, input.GoString(), want.GoString())
					}
				}
				for name, block := range perRule["secgroup_rule"] {
					attributes := maps.Clone(block)
					if attributes["cloud"].AsString() != s.Cloud {
						t.Errorf("secgroup_rule.%s on %s", name, attributes["cloud"].GoString())
					}
					group := attributes["security_group_id"].AsString()
					delete(attributes, "cloud")
					delete(attributes, "security_group_id")
					fromBlocks[name] = entry{group, text(attributes)}
				}
				for _, name := range slices.Sorted(maps.Keys(fromBlocks)) {
					if set, ok := fromSets[name]; !ok || set != fromBlocks[name] {
						t.Fatalf("changed %v: %s in the sets %+v (%v), as a block %+v", changed, name, set, ok, fromBlocks[name])
					}
				}
				if len(fromSets) != len(fromBlocks) {
					t.Errorf("changed %v: %d rules in the sets, %d blocks", changed, len(fromSets), len(fromBlocks))
				}

				want, wantFloors := 0, 0
				if changed {
					want, wantFloors = 1, s.Groups
				}
				for name := range sets["secgroup_rule_set"] {
					group := sets["secgroup_rule_set"][name]["security_group_id"].AsString()
					if onChanged[group] != want {
						t.Errorf("changed %v: %s has %d entries on port %d, want %d", changed, name, onChanged[group], changedPort, want)
					}
				}
				changedFloors := 0
				for _, f := range floors["terraform_data"] {
					if strings.HasSuffix(f["input"].AsString(), "-changed") {
						changedFloors++
					}
				}
				if changedFloors != wantFloors {
					t.Errorf("changed %v: %d floor blocks changed, want %d", changed, changedFloors, wantFloors)
				}
			}
		})
	}
}

// Every preset's groups fit what the mock lets a group hold (it keeps
// the vendors' limits): Zenlayer's 20 rules per direction, BCC's 50, ECS's
// and Apsara Stack's 200 a group, ENS's 100.
func TestPresetsFitTheGroups(t *testing.T) {
	perGroup := map[string]int{"alicloud": alicloud.MaxRules, "apsarastack": alicloud.MaxRules, "ens": ens.MaxRules}
	perDirection := map[string]int{"zenlayer": zenlayer.MaxRulesPerDirection, "baiducloud": baiducloud.MaxRulesPerDirection}
	for _, s := range presets {
		if s.Count {
			continue
		}
		held := map[string]int{}
		for _, r := range declared(s, "g") {
			held[r.group]++
			held[r.group+" "+r.direction]++
		}
		for k, n := range held {
			group, direction, byDirection := strings.Cut(k, " ")
			if limit, ok := perDirection[s.Cloud]; ok && byDirection && n > limit {
				t.Errorf("%s: group %s holds %d %s rules, the mock at most %d", s.Name, group, n, direction, limit)
			}
			if limit, ok := perGroup[s.Cloud]; ok && !byDirection && n > limit {
				t.Errorf("%s: group %s holds %d rules, the mock at most %d", s.Name, group, n, limit)
			}
		}
		if _, known := perGroup[s.Cloud]; !known && perDirection[s.Cloud] == 0 {
			t.Errorf("%s: no limit known for %s", s.Name, s.Cloud)
		}
	}
}

// The change phase's check finds the changed port in each cloud's
// spelling (Zenlayer's 65000/65000, BCC's 65000), and not a port that
// only starts with its digits.
func TestOnPort(t *testing.T) {
	m := mockcloud.New(mockcloud.Options{})
	z := mockcloud.NewGroup("zenlayer", "z")
	z.Rules = []any{&zenlayer.RuleInfo{Direction: "ingress", PortRange: "65000/65000"}, &zenlayer.RuleInfo{Direction: "ingress", PortRange: "6500/6500"}}
	b := mockcloud.NewGroup("baiducloud", "b")
	b.Rules = []any{&baiducloud.Rule{Direction: "ingress", PortRange: "65000"}, &baiducloud.Rule{Direction: "egress", PortRange: "65000"}, &baiducloud.Rule{PortRange: "650001"}}
	for _, g := range []*store.Group{z, b} {
		if err := m.Store.AddGroup(g); err != nil {
			t.Fatal(err)
		}
	}
	if n := onPort(m, "zenlayer", "z", changedPort); n != 1 {
		t.Errorf("zenlayer: %d rules on %d, want 1", n, changedPort)
	}
	if n := onPort(m, "baiducloud", "b", changedPort); n != 2 {
		t.Errorf("baiducloud: %d rules on %d, want 2", n, changedPort)
	}
	if n := onPort(m, "zenlayer", "missing", changedPort); n != 0 {
		t.Errorf("a missing group: %d", n)
	}
}

// Reads are the calls that describe a group, on every cloud; the rest
// write.
func TestReads(t *testing.T) {
	m := measure{Calls: map[string]int{"DescribeSecurityGroupAttribute": 2, "DescribeSecurityGroups": 3, "getSecurityGroup": 5, "listSecurityGroups": 7,
		"AuthorizeSecurityGroup": 11, "RevokeSecurityGroupEgress": 13, "ModifySecurityGroupRule": 17, "authorizeRule": 19, "revokeRule": 23, "AuthorizeSecurityGroupRules": 29}}
	if got := m.reads(); got != 17 {
		t.Errorf("reads = %d, want 17", got)
	}
}
