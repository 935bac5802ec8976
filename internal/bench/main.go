// Command bench measures secgroup the way users run it: the real Terraform
// CLI (apply, plan, destroy) against an in-process mockcloud with a
// per-call latency, N rules in G groups of one cloud at a chosen
// -parallelism, beside N terraform_data resources (Terraform's own floor)
// in the same run. Per scenario and phase it prints the wall time and the
// CPU seconds of terraform plus the provider, each next to the floor's, and
// the vendor calls by action from mockcloud's call log, with the
// connections the provider opened and its peak of calls in flight. It also reports the
// size of the provider built as .goreleaser.yml builds it.
//
// It measures and never fails on a time; it fails only when a command fails
// or the mock does not hold what the configuration declares.
//
//	go run ./internal/bench [-scenarios all|name,...] [-latency 20ms] [-jitter 0.5] [-terraform PATH]
//	go run ./internal/bench -cloud alicloud -rules 1000 -groups 10 -parallelism 10 [-count]
package main

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// scenario is N rules of one cloud in G groups at a parallelism, declared
// as users write them, one resource block per rule (as
// `terraform plan -generate-config-out` writes them too), or with count.
// Terraform walks separate blocks about twice as slowly as count, so
// writes reach the provider further apart.
type scenario struct {
	Name                       string
	Cloud                      string
	Rules, Groups, Parallelism int
	Count                      bool
}

// presets are the scenarios of the performance targets in README.
var presets = []scenario{
	{"ecs-1000x10-p10", "alicloud", 1000, 10, 10, false},
	{"ecs-1000x10-p100", "alicloud", 1000, 10, 100, false},
	{"ecs-1000x10-p100-count", "alicloud", 1000, 10, 100, true},
	{"ecs-200x2-p10", "alicloud", 200, 2, 10, false},
	{"zenlayer-1000x25-p100", "zenlayer", 1000, 25, 100, false},
	{"baidu-200x10-p10", "baiducloud", 200, 10, 10, false},
	{"apsara-200x10-p10", "apsarastack", 200, 10, 10, false},
	{"ens-200x10-p10", "ens", 200, 10, 10, false},
}

var phases = []string{"apply", "plan", "destroy"}

// measure is one CLI command's cost.
type measure struct {
	clirun.Measure
	// Calls counts vendor calls by action (the floor makes none).
	Calls map[string]int
	// Traffic is the connections the provider opened and the most calls
	// it had in flight at once.
	Traffic store.Traffic
}

func (m measure) total() int {
	n := 0
	for _, c := range m.Calls {
		n += c
	}
	return n
}

func main() {
	var (
		names       = flag.String("scenarios", "all", "comma-separated preset names, or all: "+presetNames())
		latency     = flag.Duration("latency", 20*time.Millisecond, "mockcloud's delay of every vendor call")
		jitter      = flag.Float64("jitter", 0.5, "spread the latency evenly over ±this fraction of it")
		terraform   = flag.String("terraform", envOr("TERRAFORM", "terraform"), "the Terraform (or OpenTofu) CLI")
		work        = flag.String("work", filepath.Join(".cache", "bench"), "working directory")
		cloudName   = flag.String("cloud", "", "run one custom scenario on this cloud instead of presets")
		rules       = flag.Int("rules", 1000, "custom scenario: number of rules")
		groups      = flag.Int("groups", 10, "custom scenario: number of groups")
		parallelism = flag.Int("parallelism", 10, "custom scenario: terraform -parallelism")
		count       = flag.Bool("count", false, "custom scenario: one block with count instead of a block per rule")
		profile     = flag.Bool("profile", false, "build the provider with -tags profile and write each phase's provider CPU profiles under WORK/profiles")
	)
	flag.Parse()
	chosen, err := choose(*names, *cloudName, *rules, *groups, *parallelism, *count)
	if err == nil {
		err = run(chosen, *latency, *jitter, *terraform, *work, *profile)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func presetNames() string {
	var n []string
	for _, p := range presets {
		n = append(n, p.Name)
	}
	return strings.Join(n, ", ")
}

func choose(names, cloudName string, rules, groups, parallelism int, count bool) ([]scenario, error) {
	if cloudName != "" {
		if !slices.Contains(mockcloud.Clouds, cloudName) {
			return nil, fmt.Errorf("unknown cloud %q", cloudName)
		}
		name := fmt.Sprintf("%s-%dx%d-p%d", cloudName, rules, groups, parallelism)
		if count {
			name += "-count"
		}
		return []scenario{{name, cloudName, rules, groups, parallelism, count}}, nil
	}
	if names == "all" {
		return presets, nil
	}
	var out []scenario
	for _, n := range strings.Split(names, ",") {
		i := slices.IndexFunc(presets, func(s scenario) bool { return s.Name == n })
		if i < 0 {
			return nil, fmt.Errorf("unknown scenario %q; presets: %s", n, presetNames())
		}
		out = append(out, presets[i])
	}
	return out, nil
}

func run(scenarios []scenario, latency time.Duration, jitter float64, terraform, work string, profile bool) error {
	work, err := filepath.Abs(work)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	var tags []string
	profiles := ""
	if profile {
		tags, profiles = []string{"profile"}, filepath.Join(work, "profiles")
		if err := os.MkdirAll(profiles, 0o755); err != nil {
			return err
		}
	}
	tf, err := clirun.Setup(".", work, terraform, tags...)
	if err != nil {
		return err
	}
	size := tf.ProviderSize
	version, _ := exec.Command(terraform, "version").Output()

	m := mockcloud.New(mockcloud.Options{Latency: latency, Jitter: jitter})
	if err := m.Start("127.0.0.1:0", ""); err != nil {
		return err
	}
	defer m.Close()

	fmt.Printf("secgroup bench: %s, mockcloud latency %v ±%.0f%% per call\n", strings.SplitN(string(version), "\n", 2)[0], latency, 100*jitter)
	fmt.Printf("provider release build (as .goreleaser.yml builds it, %s/%s): %.1f MB\n\n", goEnv("GOOS"), goEnv("GOARCH"), float64(size)/1e6)
	fmt.Println("| scenario | phase | wall s | floor s | x floor | CPU s | floor CPU s | x floor | vendor calls | per rule | new conns | peak in flight | calls by action |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	type floorKey struct {
		rules, parallelism int
		count              bool
	}
	floors := map[floorKey]map[string]measure{}
	for _, s := range scenarios {
		key := floorKey{s.Rules, s.Parallelism, s.Count}
		if floors[key] == nil {
			f, err := runFloor(tf, filepath.Join(work, fmt.Sprintf("floor-%d-p%d-count-%v", s.Rules, s.Parallelism, s.Count)), s)
			if err != nil {
				return fmt.Errorf("floor of %s: %w", s.Name, err)
			}
			floors[key] = f
		}
		got, err := runScenario(tf, m, filepath.Join(work, s.Name), s, profiles)
		if err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		for _, phase := range phases {
			g, f := got[phase], floors[key][phase]
			fmt.Printf("| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %.2f | %d | %d | %s |\n", s.Name, phase,
				g.Wall.Seconds(), f.Wall.Seconds(), ratio(g.Wall, f.Wall), g.CPU.Seconds(), f.CPU.Seconds(), ratio(g.CPU, f.CPU),
				g.total(), float64(g.total())/float64(s.Rules), g.Traffic.NewConnections, g.Traffic.PeakInFlight, byAction(g.Calls))
		}
	}
	return nil
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func byAction(calls map[string]int) string {
	var parts []string
	for _, a := range slices.Sorted(maps.Keys(calls)) {
		parts = append(parts, fmt.Sprintf("%s %d", a, calls[a]))
	}
	return strings.Join(parts, ", ")
}

func goEnv(name string) string {
	out, _ := exec.Command("go", "env", name).Output()
	return strings.TrimSpace(string(out))
}

// phaseArgs are the three commands, each at the scenario's parallelism.
func phaseArgs(phase string, parallelism int) ([]string, []int) {
	p := fmt.Sprintf("-parallelism=%d", parallelism)
	switch phase {
	case "apply":
		return []string{"apply", "-auto-approve", "-input=false", "-no-color", p}, nil
	case "plan":
		// -detailed-exitcode: 2 would mean changes, which is checked.
		return []string{"plan", "-input=false", "-no-color", "-detailed-exitcode", p}, nil
	default:
		return []string{"destroy", "-auto-approve", "-input=false", "-no-color", p}, nil
	}
}

func runFloor(tf *clirun.CLI, dir string, s scenario) (map[string]measure, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var config strings.Builder
	if s.Count {
		fmt.Fprintf(&config, "resource \"terraform_data\" \"r\" {\n  count = %d\n  input = \"rule-${count.index}\"\n}\n", s.Rules)
	} else {
		for i := range s.Rules {
			fmt.Fprintf(&config, "resource \"terraform_data\" \"r%d\" {\n  input = \"rule-%d\"\n}\n\n", i, i)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config.String()), 0o644); err != nil {
		return nil, err
	}
	out := map[string]measure{}
	for _, phase := range phases {
		args, allowed := phaseArgs(phase, s.Parallelism)
		m, _, err := tf.Run(dir, args, allowed...)
		if err != nil {
			return nil, err
		}
		out[phase] = measure{Measure: m}
	}
	return out, nil
}

func runScenario(tf *clirun.CLI, m *mockcloud.Server, dir string, s scenario, profiles string) (map[string]measure, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	m.Store.Reset()
	var groups []string
	for g := range s.Groups {
		id := fmt.Sprintf("bench-%s-%d", s.Cloud, g)
		groups = append(groups, id)
		if err := m.Store.AddGroup(mockcloud.NewGroup(s.Cloud, id)); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(ruleConfig(s)), 0o644); err != nil {
		return nil, err
	}
	out := map[string]measure{}
	for _, phase := range phases {
		before := len(m.Store.Calls())
		m.Store.ResetTraffic()
		args, allowed := phaseArgs(phase, s.Parallelism)
		cli := *tf
		if profiles != "" {
			// go tool pprof -top bin/terraform-provider-secgroup profiles/<scenario>-<phase>.*
			cli.Env = append(slices.Clip(tf.Env), "SECGROUP_CPU_PROFILE="+filepath.Join(profiles, s.Name+"-"+phase))
		}
		run, code, err := cli.Run(dir, append(args, "-var", "endpoint="+m.URL), allowed...)
		if err != nil {
			return nil, err
		}
		got := measure{Measure: run, Calls: map[string]int{}, Traffic: m.Store.Traffic()}
		for _, c := range m.Store.Calls()[before:] {
			got.Calls[c.Action]++
		}
		out[phase] = got
		want := map[string]int{"apply": s.Rules, "plan": s.Rules, "destroy": 0}[phase]
		held := 0
		for _, id := range groups {
			g, _ := m.Store.FindGroup(s.Cloud, id)
			held += len(g.Rules)
		}
		if held != want {
			return nil, fmt.Errorf("after %s the mock holds %d rules, want %d", phase, held, want)
		}
		if phase == "plan" && code != 0 {
			return nil, fmt.Errorf("the plan after apply is not empty")
		}
	}
	return out, nil
}

// ruleConfig declares N distinct rules spread over G groups: rule i goes
// to group i mod G, and a group's rules alternate ingress and egress (as
// real groups hold both, and Zenlayer's hold 20 per direction).
func ruleConfig(s scenario) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    secgroup = { source = \"secgroup/secgroup\" }\n  }\n}\n\n")
	b.WriteString("variable \"endpoint\" { type = string }\n\nprovider \"secgroup\" {\n")
	fmt.Fprintf(&b, "  %s {\n    endpoint = var.endpoint\n", s.Cloud)
	settings := mockcloud.ClientSettings(s.Cloud)
	for _, k := range slices.Sorted(maps.Keys(settings)) {
		fmt.Fprintf(&b, "    %s = %q\n", k, settings[k])
	}
	b.WriteString("  }\n}\n\n")
	if s.Count {
		// The k-th rule of its group: even k ingress, odd egress.
		k := fmt.Sprintf("floor(count.index / %d)", s.Groups)
		fmt.Fprintf(&b, `resource "secgroup_rule" "r" {
  count             = %d
  cloud             = %q
  security_group_id = "bench-%s-${count.index %% %d}"
  direction         = %s %% 2 == 0 ? "ingress" : "egress"
  protocol          = "tcp"
  port_range        = tostring(1000 + floor(%s / 2))
  cidr              = "10.0.0.0/8"
}
`, s.Rules, s.Cloud, s.Cloud, s.Groups, k, k)
		return b.String()
	}
	for i := range s.Rules {
		k := i / s.Groups
		direction := "ingress"
		if k%2 == 1 {
			direction = "egress"
		}
		fmt.Fprintf(&b, `resource "secgroup_rule" "r%d" {
  cloud             = %q
  security_group_id = "bench-%s-%d"
  direction         = %q
  protocol          = "tcp"
  port_range        = "%d"
  cidr              = "10.0.0.0/8"
}

`, i, s.Cloud, s.Cloud, i%s.Groups, direction, 1000+k/2)
	}
	return b.String()
}
