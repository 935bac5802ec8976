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
// On ECS scenarios it runs the vendor's own provider (aliyun/terraform-provider-alicloud,
// the peer; see peer.go) the same way beside ours, and prints the three
// side by side: the floor, ours and the peer. A third table takes each
// run's wall time apart (see printMadeOf).
//
// It measures and never fails on a time; it fails only when a command fails
// or the mock does not hold what the configuration declares.
//
//	go run ./internal/bench [-scenarios all|name,...] [-latency 20ms] [-jitter 0.5] [-terraform PATH] [-peer PATH|none]
//	go run ./internal/bench -cloud alicloud -rules 1000 -groups 10 -parallelism 10 [-count]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
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
	// Failed counts the calls the mock refused, by action and code (the
	// provider may have retried them).
	Failed map[string]int
	// Traffic is the connections the provider opened and the most calls
	// it had in flight at once.
	Traffic store.Traffic
	// Spent is where our provider's writes spent their time, summed over
	// its processes (with -profile; nil elsewhere).
	Spent *engine.Spent
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
		peer        = flag.String("peer", os.Getenv("PEER_ALICLOUD"), "the vendor's provider (terraform-provider-alicloud) to run beside ours on ECS scenarios; default $PEER_ALICLOUD, else what "+peerScript+" built last; none: without it")
	)
	flag.Parse()
	chosen, err := choose(*names, *cloudName, *rules, *groups, *parallelism, *count)
	if err == nil {
		err = run(chosen, settings{*latency, *jitter, *terraform, *work, *profile, *peer})
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

// settings are a run's choices besides its scenarios.
type settings struct {
	latency         time.Duration
	jitter          float64
	terraform, work string
	profile         bool
	peer            string
}

func run(scenarios []scenario, o settings) error {
	work, err := filepath.Abs(o.work)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	opts := clirun.Options{}
	profiles := ""
	if o.profile {
		opts.Tags, profiles = []string{"profile"}, filepath.Join(work, "profiles")
		if err := os.MkdirAll(profiles, 0o755); err != nil {
			return err
		}
	}
	peer, why := "", ""
	if slices.ContainsFunc(scenarios, withPeer) {
		if peer, why = findPeer(o.peer); peer != "" {
			opts.Overrides = map[string]string{peerSource: peer}
		}
	}
	tf, err := clirun.Setup(".", work, o.terraform, opts)
	if err != nil {
		return err
	}
	tf.Env = withoutVendorEnv(tf.Env)
	m, err := startMock(o, work, tf, peer != "")
	if err != nil {
		return err
	}
	defer m.Close()
	printHeader(o, tf, m, peer, why)
	type floorKey struct {
		rules, parallelism int
		count              bool
	}
	floors := map[floorKey]map[string]measure{}
	var runs []beside
	for _, s := range scenarios {
		key := floorKey{s.Rules, s.Parallelism, s.Count}
		if floors[key] == nil {
			f, err := runFloor(tf, filepath.Join(work, fmt.Sprintf("floor-%d-p%d-count-%v", s.Rules, s.Parallelism, s.Count)), s)
			if err != nil {
				return fmt.Errorf("floor of %s: %w", s.Name, err)
			}
			floors[key] = f
		}
		got, err := runScenario(tf, m, filepath.Join(work, s.Name), s, secgroup(profiles))
		if err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		printOurs(s, got, floors[key])
		run := beside{s, floors[key], got, nil}
		if peer != "" && withPeer(s) {
			if run.peer, err = runScenario(tf, m, filepath.Join(work, s.Name+"-peer"), s, vendors); err != nil {
				return fmt.Errorf("%s, vendor's provider: %w", s.Name, err)
			}
		}
		runs = append(runs, run)
	}
	printBeside(runs)
	printMadeOf(runs, o.latency)
	return nil
}

// startMock serves the mock, over TLS when tls is set, with a fresh
// certificate the commands of tf trust, and no other: SSL_CERT_DIR names
// a folder holding only it (unset, Go would add the system's folders), so
// no call meant for the mock can reach another server. The peer revokes
// over HTTPS whatever its protocol setting, so with it both providers
// talk TLS.
func startMock(o settings, work string, tf *clirun.CLI, tls bool) (*mockcloud.Server, error) {
	m := mockcloud.New(mockcloud.Options{Latency: o.latency, Jitter: o.jitter})
	caFile := ""
	if tls {
		dir := filepath.Join(work, "mockcloud-ca")
		if err := os.Mkdir(dir, 0o700); err != nil {
			return nil, err
		}
		caFile = filepath.Join(dir, "ca.pem")
		// The commands take the last of a name (os/exec).
		tf.Env = append(tf.Env, "SSL_CERT_FILE="+caFile, "SSL_CERT_DIR="+dir)
	}
	return m, m.Start("127.0.0.1:0", caFile)
}

func printHeader(o settings, tf *clirun.CLI, m *mockcloud.Server, peer, why string) {
	version, _ := exec.Command(o.terraform, "version").Output()
	transport, _, _ := strings.Cut(m.URL, ":")
	fmt.Printf("secgroup bench: %s, mockcloud over %s, latency %v ±%.0f%% per call\n", strings.SplitN(string(version), "\n", 2)[0], strings.ToUpper(transport), o.latency, 100*o.jitter)
	fmt.Printf("provider release build (as .goreleaser.yml builds it, %s/%s): %.1f MB\n", goEnv("GOOS"), goEnv("GOARCH"), float64(tf.ProviderSize)/1e6)
	switch {
	case peer != "":
		fmt.Printf("vendor's provider (%s) on ECS scenarios: %s\n", peerSource, peer)
	case why != "":
		fmt.Printf("vendor's provider (%s): %s\n", peerSource, why)
	}
	fmt.Println()
	fmt.Println("| scenario | phase | wall s | floor s | x floor | CPU s | floor CPU s | x floor | vendor calls | per rule | new conns | peak in flight | calls by action |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
}

// printOurs prints a scenario's rows of the first table: ours beside the
// floor.
func printOurs(s scenario, ours, floor map[string]measure) {
	for _, phase := range phases {
		g, f := ours[phase], floor[phase]
		fmt.Printf("| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %.2f | %d | %d | %s |\n", s.Name, phase,
			g.Wall.Seconds(), f.Wall.Seconds(), ratio(g.Wall, f.Wall), g.CPU.Seconds(), f.CPU.Seconds(), ratio(g.CPU, f.CPU),
			g.total(), float64(g.total())/float64(s.Rules), g.Traffic.NewConnections, g.Traffic.PeakInFlight, byAction(g))
	}
}

// beside is one scenario's runs of the floor, ours and the peer (nil
// where it did not run).
type beside struct {
	scenario          scenario
	floor, ours, peer map[string]measure
}

// printBeside prints the second table: the floor, ours and the peer.
func printBeside(runs []beside) {
	besides := slices.DeleteFunc(slices.Clone(runs), func(b beside) bool { return b.peer == nil })
	if len(besides) == 0 {
		return
	}
	fmt.Println("\nBeside the vendor's provider (aliyun/terraform-provider-alicloud): same mock, configuration shape and -parallelism")
	fmt.Println()
	fmt.Println("| scenario | phase | floor s | secgroup s | vendor's s | secgroup / vendor's | secgroup CPU s | vendor's CPU s | secgroup / vendor's CPU | secgroup calls | vendor's calls | vendor's calls by action |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, b := range besides {
		for _, phase := range phases {
			f, o, p := b.floor[phase], b.ours[phase], b.peer[phase]
			fmt.Printf("| %s | %s | %.1f | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f | %d | %d | %s |\n", b.scenario.Name, phase,
				f.Wall.Seconds(), o.Wall.Seconds(), p.Wall.Seconds(), ratio(o.Wall, p.Wall),
				o.CPU.Seconds(), p.CPU.Seconds(), ratio(o.CPU, p.CPU), o.total(), p.total(), byAction(p))
		}
	}
}

// printMadeOf prints the third table: what each run's wall time is made
// of, per process kind.
func printMadeOf(runs []beside, latency time.Duration) {
	cpu := "Terraform's own and its provider processes' (sampled from /proc)"
	if !clirun.ProviderCPUSampled {
		cpu = "not taken apart on this system (n/a)"
	}
	fmt.Printf("\nWhat the wall time is made of. CPU seconds: %s. Slot-seconds: Terraform's -parallelism x wall, the time its slots had; of it,\n", cpu)
	fmt.Printf("our writes spent gathering, waiting for the machine lock and in calls (with -profile, else n/a), and the calls x the mock's mean latency of %v,\n", latency)
	fmt.Println("the vendor's waits on the cloud (one rule a call; ours carry batches, each write holding a slot: n/a for ours without -profile);")
	fmt.Println("the rest (less our writes' time, the vendor's calls' estimate) is Terraform's own work, the providers' outside those waits, and idle slots.")
	fmt.Println()
	fmt.Println("| scenario | phase | provider | wall s | Terraform CPU s | provider CPU s | slot-s | writes | gathering slot-s | lock slot-s | in calls slot-s | calls x latency slot-s | rest slot-s |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	// engine: the run is our provider's, whose writes -profile measures.
	type row struct {
		name   string
		m      measure
		engine bool
	}
	for _, r := range runs {
		for _, phase := range phases {
			rows := []row{{"terraform_data", r.floor[phase], false}, {"secgroup", r.ours[phase], true}}
			if r.peer != nil {
				rows = append(rows, row{"vendor's", r.peer[phase], false})
			}
			for _, k := range rows {
				fmt.Printf("| %s | %s | %s | %s |\n", r.scenario.Name, phase, k.name, madeOf(k.m, r.scenario.Parallelism, latency, k.engine))
			}
		}
	}
}

// madeOf is a run's cells of the third table; engine tells whether the
// run is our provider's.
func madeOf(m measure, parallelism int, latency time.Duration, engine bool) string {
	secs := func(d time.Duration) string { return fmt.Sprintf("%.1f", d.Seconds()) }
	cpu := []string{"n/a", "n/a"}
	if clirun.ProviderCPUSampled {
		cpu = []string{secs(m.CPU - m.ProviderCPU), secs(m.ProviderCPU)}
	}
	slots := time.Duration(parallelism) * m.Wall
	cloud := time.Duration(m.total()) * latency
	spent, rest := []string{"-", "-", "-", "-"}, []string{secs(cloud), secs(slots - cloud)}
	switch {
	case engine && m.Spent == nil:
		// A call of ours carries a batch of writes, each holding its own
		// slot: the calls undercount our waits on the cloud.
		spent, rest = []string{"n/a", "n/a", "n/a", "n/a"}, []string{"n/a", "n/a"}
	case engine:
		s := m.Spent
		spent, rest = []string{fmt.Sprint(s.Writes), secs(s.Gathering), secs(s.Lock), secs(s.Calls)}, []string{secs(cloud), secs(slots - s.Gathering - s.Lock - s.Calls)}
	}
	return strings.Join(slices.Concat([]string{secs(m.Wall)}, cpu, []string{secs(slots)}, spent, rest), " | ")
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// byAction lists the calls by action, and the failed ones by action
// and code.
func byAction(m measure) string {
	list := func(counts map[string]int) string {
		var parts []string
		for _, a := range slices.Sorted(maps.Keys(counts)) {
			parts = append(parts, fmt.Sprintf("%s %d", a, counts[a]))
		}
		return strings.Join(parts, ", ")
	}
	if len(m.Failed) == 0 {
		return list(m.Calls)
	}
	return list(m.Calls) + "; failed: " + list(m.Failed)
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

// contender is a provider the bench runs a scenario's rules through:
// ours, or the vendor's.
type contender struct {
	// config declares the scenario's rules, on the mock that var.endpoint
	// names.
	config func(s scenario) string
	// endpoint is var.endpoint for the mock at url.
	endpoint func(url string) string
	// env is what one phase's command adds to the CLI's environment.
	env func(s scenario, phase string) []string
	// spent, when set, is where a phase's writes spent their time.
	spent func(s scenario, phase string) (*engine.Spent, error)
}

// secgroup is our provider; with profiles set, each phase writes its
// provider processes' CPU profiles there.
func secgroup(profiles string) contender {
	c := contender{config: ruleConfig, endpoint: func(url string) string { return url },
		env: func(scenario, string) []string { return nil }}
	if profiles != "" {
		prefix := func(s scenario, phase string) string { return filepath.Join(profiles, s.Name+"-"+phase) }
		c.env = func(s scenario, phase string) []string {
			// go tool pprof -top bin/terraform-provider-secgroup profiles/<scenario>-<phase>.*
			return []string{"SECGROUP_CPU_PROFILE=" + prefix(s, phase)}
		}
		c.spent = func(s scenario, phase string) (*engine.Spent, error) { return spentOf(prefix(s, phase)) }
	}
	return c
}

// spentOf sums what the provider processes of one command wrote to
// <prefix>.<pid>.spent.json (main_profile.go); nil when none did.
func spentOf(prefix string) (*engine.Spent, error) {
	files, err := filepath.Glob(prefix + ".*.spent.json")
	if err != nil || len(files) == 0 {
		return nil, err
	}
	var sum engine.Spent
	for _, f := range files {
		var s engine.Spent
		b, err := os.ReadFile(f)
		if err == nil {
			err = json.Unmarshal(b, &s)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		sum.Writes += s.Writes
		sum.Gathering += s.Gathering
		sum.Lock += s.Lock
		sum.Calls += s.Calls
	}
	return &sum, nil
}

// runScenario runs the three phases of a scenario's rules through one
// provider on empty groups, and checks after each that the mock holds
// what the configuration declares.
func runScenario(tf *clirun.CLI, m *mockcloud.Server, dir string, s scenario, c contender) (map[string]measure, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	m.Store.Reset()
	for g := range s.Groups {
		if err := m.Store.AddGroup(mockcloud.NewGroup(s.Cloud, groupID(s, g))); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(c.config(s)), 0o644); err != nil {
		return nil, err
	}
	out := map[string]measure{}
	for _, phase := range phases {
		before := len(m.Store.Calls())
		m.Store.ResetTraffic()
		args, allowed := phaseArgs(phase, s.Parallelism)
		cli := *tf
		cli.Env = append(slices.Clip(tf.Env), c.env(s, phase)...)
		run, code, err := cli.Run(dir, append(args, "-var", "endpoint="+c.endpoint(m.URL)), allowed...)
		if err != nil {
			return nil, err
		}
		got := measure{Measure: run, Calls: map[string]int{}, Failed: map[string]int{}, Traffic: m.Store.Traffic()}
		for _, c := range m.Store.Calls()[before:] {
			got.Calls[c.Action]++
			if c.Status != http.StatusOK {
				got.Failed[c.Action+" "+c.Code]++
			}
		}
		if c.spent != nil {
			if got.Spent, err = c.spent(s, phase); err != nil {
				return nil, err
			}
		}
		out[phase] = got
		want := map[string]int{"apply": s.Rules, "plan": s.Rules, "destroy": 0}[phase]
		if held := rulesHeld(m, s); held != want {
			return nil, fmt.Errorf("after %s the mock holds %d rules, want %d", phase, held, want)
		}
		if phase == "plan" && code != 0 {
			return nil, fmt.Errorf("the plan after apply is not empty")
		}
	}
	return out, nil
}

// groupID is the id of a scenario's g-th group.
func groupID(s scenario, g int) string { return fmt.Sprintf("bench-%s-%d", s.Cloud, g) }

// rulesHeld counts the rules in the scenario's groups.
func rulesHeld(m *mockcloud.Server, s scenario) int {
	held := 0
	for g := range s.Groups {
		found, _ := m.Store.FindGroup(s.Cloud, groupID(s, g))
		held += len(found.Rules)
	}
	return held
}

// rule is one resource block of a scenario's rules (with count: all of
// them) as HCL: group and direction are expressions, port is text for
// inside a string (a number, or a ${} of one).
type rule struct {
	name, count, group, direction, port string
}

// declared lays out N distinct rules over G groups: rule i goes to group
// i mod G, and a group's rules alternate ingress and egress (as real
// groups hold both, and Zenlayer's hold 20 per direction), the k-th rule
// of a group on port 1000 + k/2.
func declared(s scenario) []rule {
	if s.Count {
		k := fmt.Sprintf("floor(count.index / %d)", s.Groups)
		return []rule{{name: "r", count: fmt.Sprint(s.Rules),
			group:     fmt.Sprintf(`"bench-%s-${count.index %% %d}"`, s.Cloud, s.Groups),
			direction: k + ` % 2 == 0 ? "ingress" : "egress"`,
			port:      fmt.Sprintf("${1000 + floor(%s / 2)}", k)}}
	}
	var out []rule
	for i := range s.Rules {
		k := i / s.Groups
		direction := "ingress"
		if k%2 == 1 {
			direction = "egress"
		}
		out = append(out, rule{name: fmt.Sprint("r", i), group: fmt.Sprintf("%q", groupID(s, i%s.Groups)),
			direction: fmt.Sprintf("%q", direction), port: fmt.Sprint(1000 + k/2)})
	}
	return out
}

// writeBlock writes one resource block of a rule, count first.
func writeBlock(b *strings.Builder, resourceType string, r rule, attributes string) {
	fmt.Fprintf(b, "resource %q %q {\n", resourceType, r.name)
	if r.count != "" {
		fmt.Fprintf(b, "  count             = %s\n", r.count)
	}
	b.WriteString(attributes + "}\n\n")
}

// ruleConfig declares a scenario's rules for our provider.
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
	for _, r := range declared(s) {
		writeBlock(&b, "secgroup_rule", r, fmt.Sprintf(`  cloud             = %q
  security_group_id = %s
  direction         = %s
  protocol          = "tcp"
  port_range        = "%s"
  cidr              = "10.0.0.0/8"
`, s.Cloud, r.group, r.direction, r.port))
	}
	return b.String()
}
