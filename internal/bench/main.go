// Command bench measures secgroup the way users run it: the real Terraform
// CLI (apply, plan, destroy) against an in-process mockcloud with a
// per-call latency, N rules in G groups of one cloud at a chosen
// -parallelism, beside N terraform_data resources (Terraform's own floor)
// in the same run. Per scenario and phase it prints the wall time and the
// CPU seconds of terraform plus the provider, each next to the floor's, and
// the vendor calls by action from mockcloud's call log, with the
// connections the provider opened and its peak of calls in flight. It also reports the
// size of the provider built as .goreleaser.yml builds it (less -trimpath;
// with -profile, the profile build).
//
// On ECS scenarios it runs the vendor's own provider (aliyun/terraform-provider-alicloud,
// the peer; see peer.go) the same way beside ours, and prints the three
// side by side: the floor, ours and the peer. A third table takes each
// run's wall time apart (see printMadeOf).
//
// Set scenarios (Sets) declare each group's rules as one
// secgroup_rule_set, and run beside two floors, the N terraform_data
// blocks and one terraform_data per group holding its rules, and beside
// the same rules as secgroup_rule blocks; between plan and destroy they
// change one entry of each set. Their own table (printSets) gives the
// ratios to both floors and the blocks, and the reads and writes per group.
//
// With -runs N it runs each scenario N times, the floor's, ours and the
// peer's commands interleaved (see schedule), and prints medians.
//
// It measures and never fails on a time; it fails only when a command fails
// or the mock does not hold what the configuration declares.
//
//	go run ./internal/bench [-scenarios all|name,...] [-runs N] [-latency 20ms] [-jitter 0.5] [-terraform PATH] [-peer PATH|none]
//	go run ./internal/bench -cloud alicloud -rules 1000 -groups 10 -parallelism 10 [-count|-sets]
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
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
// `terraform plan -generate-config-out` writes them too), or with count,
// or as one secgroup_rule_set per group (Sets).
// Terraform walks separate blocks about twice as slowly as count, so
// writes reach the provider further apart.
type scenario struct {
	Name                       string
	Cloud                      string
	Rules, Groups, Parallelism int
	Count                      bool
	// Sets declares a group's rules as one secgroup_rule_set, beside a
	// second floor (one terraform_data per group whose input holds the
	// group's rules: Terraform's own cost for the same state) and the same
	// rules as secgroup_rule blocks; its runs change one entry of each set
	// between plan and destroy.
	Sets bool
	// changed is the configuration after the change phase: the first rule
	// of each group on changedPort.
	changed bool
}

// presets are the scenarios of the performance targets in README. A
// Zenlayer group holds at most 20 rules per direction (the vendor's limit,
// which mockcloud keeps), so its presets have 40 rules a group.
var presets = []scenario{
	{Name: "ecs-1000x10-p10", Cloud: "alicloud", Rules: 1000, Groups: 10, Parallelism: 10},
	{Name: "ecs-1000x10-p100", Cloud: "alicloud", Rules: 1000, Groups: 10, Parallelism: 100},
	{Name: "ecs-1000x10-p100-count", Cloud: "alicloud", Rules: 1000, Groups: 10, Parallelism: 100, Count: true},
	{Name: "ecs-200x2-p10", Cloud: "alicloud", Rules: 200, Groups: 2, Parallelism: 10},
	{Name: "zenlayer-1000x25-p100", Cloud: "zenlayer", Rules: 1000, Groups: 25, Parallelism: 100},
	{Name: "baidu-200x10-p10", Cloud: "baiducloud", Rules: 200, Groups: 10, Parallelism: 10},
	{Name: "apsara-200x10-p10", Cloud: "apsarastack", Rules: 200, Groups: 10, Parallelism: 10},
	{Name: "ens-200x10-p10", Cloud: "ens", Rules: 200, Groups: 10, Parallelism: 10},
	{Name: "ecs-1000x10-p10-sets", Cloud: "alicloud", Rules: 1000, Groups: 10, Parallelism: 10, Sets: true},
	{Name: "zenlayer-1000x25-p10-sets", Cloud: "zenlayer", Rules: 1000, Groups: 25, Parallelism: 10, Sets: true},
}

// phasesOf are a scenario's commands in order: apply, plan (which must
// find nothing to do), with Sets change (one entry of each set on another
// port, applied), and destroy.
func phasesOf(s scenario) []string {
	if s.Sets {
		return []string{"apply", "plan", "change", "destroy"}
	}
	return []string{"apply", "plan", "destroy"}
}

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

// reads counts the calls that describe a group: ECS's and its kin's
// Describe*, Zenlayer's DescribeSecurityGroups, BCC's getSecurityGroup and
// listSecurityGroups. Every other action writes.
func (m measure) reads() int {
	n := 0
	for a, c := range m.Calls {
		if isRead(a) {
			n += c
		}
	}
	return n
}

func isRead(action string) bool {
	return strings.HasPrefix(action, "Describe") || strings.HasPrefix(action, "get") || strings.HasPrefix(action, "list")
}

func main() {
	var (
		names       = flag.String("scenarios", "all", "comma-separated preset names, or all: "+presetNames())
		latency     = flag.Duration("latency", 20*time.Millisecond, "mockcloud's delay of every vendor call")
		jitter      = flag.Float64("jitter", 0.5, "spread the latency evenly over ±this fraction of it")
		terraform   = flag.String("terraform", envOr("TERRAFORM", "terraform"), "the Terraform (or OpenTofu) CLI")
		work        = flag.String("work", filepath.Join(".cache", "bench"), "working directory, wiped at the start of every bench run: a new or empty folder, or one the bench made (marked by its "+workMarker+" file); any other is refused")
		cloudName   = flag.String("cloud", "", "run one custom scenario on this cloud instead of presets: "+strings.Join(mockcloud.Clouds, ", "))
		rules       = flag.Int("rules", 1000, "custom scenario: number of rules")
		groups      = flag.Int("groups", 10, "custom scenario: number of groups")
		parallelism = flag.Int("parallelism", 10, "custom scenario: terraform -parallelism")
		count       = flag.Bool("count", false, "custom scenario: one block with count instead of a block per rule")
		sets        = flag.Bool("sets", false, "custom scenario: one secgroup_rule_set per group instead of a block per rule, beside both floors and the same rules as secgroup_rule blocks")
		profile     = flag.Bool("profile", false, "build the provider with -tags profile and write each phase's provider CPU profiles under WORK/profiles")
		peer        = flag.String("peer", "", "the vendor's provider (terraform-provider-alicloud, or a folder holding it) to run beside ours on ECS scenarios; default $PEER_ALICLOUD, else what "+peerScript+" built last; none: without it. One given but unusable is an error")
		runs        = flag.Int("runs", 1, "run each scenario this many times, the floor's, ours and the vendor's commands interleaved, and print medians")
	)
	flag.Parse()
	peerSet := false
	flag.Visit(func(f *flag.Flag) { peerSet = peerSet || f.Name == "peer" })
	peerPath, peerFrom := peerGiven(*peer, peerSet, os.Getenv("PEER_ALICLOUD"))
	chosen, err := choose(*names, *cloudName, scenario{Rules: *rules, Groups: *groups, Parallelism: *parallelism, Count: *count, Sets: *sets})
	if err == nil && *runs < 1 {
		err = fmt.Errorf("-runs %d: at least 1", *runs)
	}
	if err == nil {
		err = run(chosen, settings{*latency, *jitter, *terraform, *work, *profile, peerPath, peerFrom, *runs})
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

// choose is the scenarios to run: the presets named, or with cloudName
// the custom one, its shape (rules, groups, parallelism, count or sets)
// taken from custom.
func choose(names, cloudName string, custom scenario) ([]scenario, error) {
	if cloudName != "" {
		if !slices.Contains(mockcloud.Clouds, cloudName) {
			return nil, fmt.Errorf("unknown cloud %q; clouds: %s", cloudName, strings.Join(mockcloud.Clouds, ", "))
		}
		if custom.Count && custom.Sets {
			return nil, errors.New("-count and -sets: choose one")
		}
		custom.Cloud, custom.Name = cloudName, fmt.Sprintf("%s-%dx%d-p%d", cloudName, custom.Rules, custom.Groups, custom.Parallelism)
		switch {
		case custom.Count:
			custom.Name += "-count"
		case custom.Sets:
			custom.Name += "-sets"
		}
		return []scenario{custom}, nil
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
	// peer is the peer's path as given, from the -peer flag or
	// $PEER_ALICLOUD (peerFrom), or "": what peer-alicloud.sh built.
	peer, peerFrom string
	runs           int
}

func run(scenarios []scenario, o settings) error {
	work, err := filepath.Abs(o.work)
	if err != nil {
		return err
	}
	cliPath, version, err := checkCLI(o.terraform)
	if err != nil {
		return err
	}
	o.terraform = cliPath
	if err := wipeWork(work); err != nil {
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
		if peer, why, err = findPeer(o.peer, o.peerFrom); err != nil {
			return err
		}
		if peer != "" {
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
	printHeader(o, version, tf, m, peer, why)
	var all []beside
	for _, s := range scenarios {
		contenders := contendersOf(s, profiles, peer != "")
		got, err := runScenario(tf, m, filepath.Join(work, s.Name), s, contenders, o.runs)
		if err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		b := beside{scenario: s}
		for i, c := range contenders {
			*b.of(c.name) = got[i]
		}
		printOurs(b)
		all = append(all, b)
	}
	fmt.Println(oursLegend)
	printBeside(all)
	printSets(all)
	printMadeOf(all, o.latency)
	if o.profile && len(scenarios) > 0 {
		fmt.Println()
		fmt.Println(profilesHint(work, scenarios[0]))
	}
	return nil
}

// profilesHint tells where -profile left the CPU profiles and how to read
// one phase's, all its provider processes' together.
func profilesHint(work string, s scenario) string {
	return fmt.Sprintf("CPU profiles of our provider: %s/<scenario>-run<n>-<phase>.<pid>.pprof; read one phase's with\n  go tool pprof -top %s %s",
		filepath.Join(work, "profiles"), filepath.Join(work, "bin", "terraform-provider-secgroup"), filepath.Join(work, "profiles", s.Name+"-run1-apply.*.pprof"))
}

// checkCLI finds the Terraform CLI (a name is looked up in PATH) and asks
// its version, before anything is built or wiped: it returns the CLI's
// path and the first line of its version.
func checkCLI(name string) (string, string, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return "", "", fmt.Errorf("-terraform %s: %w; name the Terraform (or OpenTofu) CLI with -terraform or $TERRAFORM", name, err)
	}
	// As the commands will run: none of the caller's TF_* (a CLI
	// configuration it names would only warn here), no update check.
	version := exec.Command(path, "version")
	version.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "TF_") }), "CHECKPOINT_DISABLE=1")
	out, err := version.Output()
	if err != nil {
		var stderr []byte
		if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
			stderr = exit.Stderr
		}
		return "", "", fmt.Errorf("-terraform %s: %s version: %w\n%s", name, path, err, clirun.Tail(string(stderr), 2000))
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return path, first, nil
}

// workMarker marks a folder the bench made, which it may wipe.
const workMarker = ".secgroup-bench"

// wipeWork makes work an empty folder holding only the bench's marker. It
// wipes only what the bench made: a folder that is missing, empty or
// marked; any other (a -work pointing at the user's files) it refuses and
// leaves as it is.
func wipeWork(work string) error {
	fi, err := os.Lstat(work)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	case !fi.IsDir():
		return fmt.Errorf("-work %s: not a folder; the bench wipes its work folder at every run, give it a new or empty one", work)
	default:
		entries, err := os.ReadDir(work)
		if err != nil {
			return err
		}
		marked, err := os.Lstat(filepath.Join(work, workMarker))
		if len(entries) > 0 && (err != nil || !marked.Mode().IsRegular()) {
			return fmt.Errorf("-work %s: the folder holds files and no %s, so the bench did not make it; it wipes its work folder at every run, so give it a new or empty one (or remove this one yourself)", work, workMarker)
		}
		if err := os.RemoveAll(work); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(work, workMarker), []byte("made by secgroup's bench (internal/bench), which wipes this folder at every run\n"), 0o644)
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

func printHeader(o settings, version string, tf *clirun.CLI, m *mockcloud.Server, peer, why string) {
	transport, _, _ := strings.Cut(m.URL, ":")
	fmt.Printf("secgroup bench: %s, mockcloud over %s, latency %v ±%.0f%% per call\n", version, strings.ToUpper(transport), o.latency, 100*o.jitter)
	build := "as .goreleaser.yml builds it, less -trimpath"
	if o.profile {
		build = "-tags profile, not the release's"
	}
	fmt.Printf("provider build (%s, %s/%s): %.1f MB\n", build, goEnv("GOOS"), goEnv("GOARCH"), float64(tf.ProviderSize)/1e6)
	switch {
	case peer != "":
		fmt.Printf("vendor's provider (%s) on ECS scenarios: %s\n", peerSource, peer)
	case why != "":
		fmt.Printf("vendor's provider (%s): %s\n", peerSource, why)
	}
	if o.runs == 1 {
		fmt.Println("each figure is from one run (-runs N: the medians of N)")
	} else {
		fmt.Printf("each figure is the median of %d runs (of two, their mean), the floor's, ours and the vendor's commands interleaved phase by phase\n", o.runs)
	}
	fmt.Println()
	fmt.Println(oursHeader)
	fmt.Println(strings.Repeat("|---", columns(oursHeader)) + "|")
}

// The tables' headers and the legend printed under each.
const (
	oursHeader  = "| scenario | phase | wall s | floor s | wall x floor | CPU s | floor CPU s | CPU x floor | API calls | API calls per rule | new conns | peak in flight | calls by action |"
	oursLegend  = "x floor: ours over Terraform's floor (terraform_data, no provider) in the same run, 1 being no cost beyond Terraform's own; API calls: vendor API calls the mock served"
	besideHead  = "| scenario | phase | floor s | secgroup s | vendor's s | secgroup / vendor's | lowest–highest in a run | secgroup CPU s | vendor's CPU s | secgroup / vendor's CPU | API calls ours | API calls vendor's | vendor's calls by action |"
	ratioLegend = "ratios below 1: ours is faster / uses less"
	madeOfHead  = "| scenario | phase | provider | wall s | Terraform CPU s | provider CPU s | slot-s | writes | gathering slot-s | lock slot-s | in calls slot-s | calls x latency slot-s | rest slot-s |"
	madeOfLeg   = "rest = slot-s less gathering, lock and in calls (ours, with -profile) or less calls x latency (the vendor's); n/a: not measured"
	setsHead    = "| scenario | phase | set s | floor s | set x floor | group floor s | set x group floor | secgroup_rule s | set / secgroup_rule | API calls | API calls per rule | reads per group | writes per group | calls by action | secgroup_rule's API calls |"
	setsLegend  = "set: the rules as one secgroup_rule_set per group; floor: one terraform_data per rule (the floor users know); group floor: one terraform_data per group whose input holds the group's rules as its set declares them (Terraform's own cost for the same state); secgroup_rule: the same rules as one block each; reads: the calls that describe a group, writes: the others; change: one entry of each set on another port, applied"
)

// columns counts a table row's cells.
func columns(row string) int { return strings.Count(row, "|") - 1 }

// printOurs prints a scenario's rows of the first table: ours beside the
// floor.
func printOurs(b beside) {
	s := b.scenario
	for _, phase := range phasesOf(s) {
		g, f := b.ours.median(phase), b.floor.median(phase)
		fmt.Printf("| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %.2f | %d | %d | %s |\n", s.Name, phase,
			g.Wall.Seconds(), f.Wall.Seconds(), ratio(g.Wall, f.Wall), g.CPU.Seconds(), f.CPU.Seconds(), ratio(g.CPU, f.CPU),
			g.total(), float64(g.total())/float64(s.Rules), g.Traffic.NewConnections, g.Traffic.PeakInFlight, byAction(g))
	}
}

// printSets prints the set scenarios' table: the sets beside both floors
// and beside the same rules as secgroup_rule blocks, with the calls per
// rule and per group.
func printSets(runs []beside) {
	sets := slices.DeleteFunc(slices.Clone(runs), func(b beside) bool { return !b.scenario.Sets })
	if len(sets) == 0 {
		return
	}
	fmt.Println("\nRules in sets (secgroup_rule_set), beside both floors and the same rules as secgroup_rule blocks: same mock and -parallelism")
	fmt.Println()
	fmt.Println(setsHead)
	fmt.Println(strings.Repeat("|---", columns(setsHead)) + "|")
	for _, b := range sets {
		s := b.scenario
		for _, phase := range phasesOf(s) {
			o, f, g, k := b.ours.median(phase), b.floor.median(phase), b.groupFloor.median(phase), b.blocks.median(phase)
			reads := o.reads()
			fmt.Printf("| %s | %s | %.1f | %.1f | %.2f | %.1f | %.2f | %.1f | %.2f | %d | %.3f | %.1f | %.1f | %s | %d |\n", s.Name, phase,
				o.Wall.Seconds(), f.Wall.Seconds(), ratio(o.Wall, f.Wall), g.Wall.Seconds(), ratio(o.Wall, g.Wall), k.Wall.Seconds(), ratio(o.Wall, k.Wall),
				o.total(), float64(o.total())/float64(s.Rules), float64(reads)/float64(s.Groups), float64(o.total()-reads)/float64(s.Groups), byAction(o), k.total())
		}
	}
	fmt.Println(setsLegend)
}

// beside is one scenario's runs of the floor, ours and the peer, and of
// a set scenario's group floor and secgroup_rule blocks (nil where they
// did not run).
type beside struct {
	scenario          scenario
	floor, ours, peer trials
	// groupFloor and blocks run in set scenarios: one terraform_data per
	// group holding its rules, and the rules as secgroup_rule blocks.
	groupFloor, blocks trials
}

// of is where the runs of the contender named name go.
func (b *beside) of(name string) *trials {
	switch name {
	case floor.name:
		return &b.floor
	case groupFloor.name:
		return &b.groupFloor
	case vendors.name:
		return &b.peer
	case blocksName:
		return &b.blocks
	default:
		return &b.ours
	}
}

// trials are a contender's measures of a scenario, per run and phase.
type trials []map[string]measure

// median is the median over the runs of each of a phase's measures (of
// an even number of runs, the mean of the middle two, rounded down):
// wall and CPU times, each action's calls and failures, the traffic, and
// where every run has it, Spent.
func (t trials) median(phase string) measure {
	var ms []measure
	for _, run := range t {
		ms = append(ms, run[phase])
	}
	m := measure{Measure: clirun.Measure{
		Wall:        middle(ms, func(m measure) time.Duration { return m.Wall }),
		CPU:         middle(ms, func(m measure) time.Duration { return m.CPU }),
		ProviderCPU: middle(ms, func(m measure) time.Duration { return m.ProviderCPU }),
	}, Calls: middleCounts(ms, func(m measure) map[string]int { return m.Calls }),
		Failed: middleCounts(ms, func(m measure) map[string]int { return m.Failed }),
		Traffic: store.Traffic{
			NewConnections: middle(ms, func(m measure) int64 { return m.Traffic.NewConnections }),
			PeakInFlight:   middle(ms, func(m measure) int64 { return m.Traffic.PeakInFlight }),
		}}
	if !slices.ContainsFunc(ms, func(m measure) bool { return m.Spent == nil }) {
		m.Spent = &engine.Spent{
			Writes:    middle(ms, func(m measure) int { return m.Spent.Writes }),
			Gathering: middle(ms, func(m measure) time.Duration { return m.Spent.Gathering }),
			Lock:      middle(ms, func(m measure) time.Duration { return m.Spent.Lock }),
			Calls:     middle(ms, func(m measure) time.Duration { return m.Spent.Calls }),
		}
	}
	return m
}

// middle is the median of one measure of ms.
func middle[T ~int | ~int64](ms []measure, of func(measure) T) T {
	var v []T
	for _, m := range ms {
		v = append(v, of(m))
	}
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// middleCounts is the median of each key's count in ms (zero where a run
// has none), without the zeros.
func middleCounts(ms []measure, of func(measure) map[string]int) map[string]int {
	out := map[string]int{}
	for _, m := range ms {
		for k := range of(m) {
			out[k] = 0
		}
	}
	for k := range out {
		out[k] = middle(ms, func(m measure) int { return of(m)[k] })
	}
	maps.DeleteFunc(out, func(_ string, n int) bool { return n == 0 })
	return out
}

// wallRatios are the lowest and the highest ratio of ours to the peer's
// wall time in a phase, each taken within one run.
func wallRatios(ours, peer trials, phase string) (lo, hi float64) {
	for i := range ours {
		r := ratio(ours[i][phase].Wall, peer[i][phase].Wall)
		if i == 0 || r < lo {
			lo = r
		}
		if i == 0 || r > hi {
			hi = r
		}
	}
	return lo, hi
}

// printBeside prints the second table: the floor, ours and the peer.
func printBeside(runs []beside) {
	besides := slices.DeleteFunc(slices.Clone(runs), func(b beside) bool { return b.peer == nil })
	if len(besides) == 0 {
		return
	}
	fmt.Println("\nBeside the vendor's provider (aliyun/terraform-provider-alicloud): same mock, configuration shape and -parallelism")
	fmt.Println()
	fmt.Println(besideHead)
	fmt.Println(strings.Repeat("|---", columns(besideHead)) + "|")
	for _, b := range besides {
		for _, phase := range phasesOf(b.scenario) {
			f, o, p := b.floor.median(phase), b.ours.median(phase), b.peer.median(phase)
			lo, hi := wallRatios(b.ours, b.peer, phase)
			fmt.Printf("| %s | %s | %.1f | %.1f | %.1f | %.2f | %.2f–%.2f | %.1f | %.1f | %.2f | %d | %d | %s |\n", b.scenario.Name, phase,
				f.Wall.Seconds(), o.Wall.Seconds(), p.Wall.Seconds(), ratio(o.Wall, p.Wall), lo, hi,
				o.CPU.Seconds(), p.CPU.Seconds(), ratio(o.CPU, p.CPU), o.total(), p.total(), byAction(p))
		}
	}
	fmt.Println(ratioLegend)
}

// printMadeOf prints the third table: what each run's wall time is made
// of, per process kind.
func printMadeOf(runs []beside, latency time.Duration) {
	cpu := "Terraform's own and its provider processes' (sampled from /proc)"
	if !clirun.ProviderCPUSampled {
		cpu = "not taken apart on this system (n/a)"
	}
	fmt.Printf("\nWhat the wall time is made of. CPU seconds: %s.\n", cpu)
	fmt.Println("A slot is one of Terraform's -parallelism workers; slot-s (slot-seconds) = -parallelism x wall, the time its slots had. Of it, per write of ours (with -profile, else n/a):")
	fmt.Println("gathering: queued before its group's worker takes it (held for other writes, or behind the group's calls in flight); lock: waiting for the machine lock;")
	fmt.Println("in calls: from sent to outcome, read-back included. calls x latency: the calls x the mock's mean latency of " + latency.String() + ", the vendor's waits on the cloud")
	fmt.Println("(one rule a call; ours carry batches, each write holding a slot, so the writes' times stand for ours). rest: the remaining slot-s, Terraform's own work,")
	fmt.Println("the providers' outside those waits, and idle slots.")
	fmt.Println()
	fmt.Println(madeOfHead)
	fmt.Println(strings.Repeat("|---", columns(madeOfHead)) + "|")
	// engine: the run is our provider's, whose writes -profile measures.
	type row struct {
		name   string
		m      measure
		engine bool
	}
	for _, r := range runs {
		for _, phase := range phasesOf(r.scenario) {
			rows := []row{{"terraform_data", r.floor.median(phase), false}, {"secgroup", r.ours.median(phase), true}}
			if r.scenario.Sets {
				rows = []row{{"terraform_data", r.floor.median(phase), false}, {"terraform_data per group", r.groupFloor.median(phase), false},
					{"secgroup_rule_set", r.ours.median(phase), true}, {"secgroup_rule", r.blocks.median(phase), true}}
			}
			if r.peer != nil {
				rows = append(rows, row{"vendor's", r.peer.median(phase), false})
			}
			for _, k := range rows {
				fmt.Printf("| %s | %s | %s | %s |\n", r.scenario.Name, phase, k.name, madeOf(k.m, r.scenario.Parallelism, latency, k.engine))
			}
		}
	}
	fmt.Println(madeOfLeg)
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

// phaseArgs are the phases' commands, each at the scenario's parallelism:
// change applies the changed configuration.
func phaseArgs(phase string, parallelism int) ([]string, []int) {
	p := fmt.Sprintf("-parallelism=%d", parallelism)
	switch phase {
	case "apply", "change":
		return []string{"apply", "-auto-approve", "-input=false", "-no-color", p}, nil
	case "plan":
		// -detailed-exitcode: 2 would mean changes, which is checked.
		return []string{"plan", "-input=false", "-no-color", "-detailed-exitcode", p}, nil
	default:
		return []string{"destroy", "-auto-approve", "-input=false", "-no-color", p}, nil
	}
}

// contender is what the bench runs a scenario's rules through: the floor
// (terraform_data, on no cloud), ours, or the vendor's.
type contender struct {
	// name tells its folders and groups apart.
	name string
	// config declares the scenario's rules in the groups whose ids start
	// with groups, on the mock that var.endpoint names.
	config func(s scenario, groups string) string
	// endpoint is var.endpoint for the mock at url; nil for the floor,
	// which declares no endpoint and holds nothing on the mock.
	endpoint func(url string) string
	// profiles, when set, is where each command's provider processes
	// write their CPU profiles and where their writes spent their time.
	profiles string
}

// floor is Terraform's own floor: terraform_data resources declared the
// same way.
var floor = contender{name: "floor", config: floorConfig}

// secgroup is our provider; with profiles set, each command's provider
// processes write their CPU profiles there.
func secgroup(profiles string) contender {
	return contender{name: "secgroup", config: ruleConfig, endpoint: func(url string) string { return url }, profiles: profiles}
}

// groupFloor is a set scenario's second floor: Terraform's own cost for
// the sets' state, one terraform_data per group holding its rules.
var groupFloor = contender{name: "groupfloor", config: groupFloorConfig}

// blocksName names the contender that declares a set scenario's rules as
// secgroup_rule blocks.
const blocksName = "blocks"

// blocks is our provider with a set scenario's rules as secgroup_rule
// blocks, one per rule.
func blocks(profiles string) contender {
	c := secgroup(profiles)
	c.name = blocksName
	c.config = func(s scenario, groups string) string {
		s.Sets = false
		return ruleConfig(s, groups)
	}
	return c
}

// contendersOf are what a scenario's rules run through, in schedule's
// order: the floor and ours, then a set scenario's group floor and
// secgroup_rule blocks, or on ECS the peer when there is one.
func contendersOf(s scenario, profiles string, peer bool) []contender {
	out := []contender{floor, secgroup(profiles)}
	switch {
	case s.Sets:
		out = append(out, groupFloor, blocks(profiles))
	case peer && withPeer(s):
		out = append(out, vendors)
	}
	return out
}

// floorConfig declares one terraform_data per rule (with count: one block
// of them all), its input naming the rule; the change phase's names
// another.
func floorConfig(s scenario, _ string) string {
	var config strings.Builder
	if s.Count {
		fmt.Fprintf(&config, "resource \"terraform_data\" \"r\" {\n  count = %d\n  input = \"rule-${count.index}\"\n}\n", s.Rules)
	} else {
		for i := range s.Rules {
			input := fmt.Sprint("rule-", i)
			if s.changed && changes(s, i) {
				input += "-changed"
			}
			fmt.Fprintf(&config, "resource \"terraform_data\" \"r%d\" {\n  input = %q\n}\n\n", i, input)
		}
	}
	return config.String()
}

// groupFloorConfig declares one terraform_data per group whose input
// holds what the group's secgroup_rule_set declares (ruleConfig).
func groupFloorConfig(s scenario, groups string) string {
	var b strings.Builder
	for g, rules := range byGroup(s, groups) {
		fmt.Fprintf(&b, "resource \"terraform_data\" \"g%d\" {\n  input = {\n    cloud             = %q\n    security_group_id = %q\n    rules = {\n", g, s.Cloud, groupID(groups, g))
		writeEntries(&b, rules, "      ")
		b.WriteString("    }\n  }\n}\n\n")
	}
	return b.String()
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

// step is one command of a run: a contender's phase.
type step struct {
	contender int
	phase     string
}

// schedule is the one place that orders a scenario's commands, run by
// run: within a run phase after phase, and within a phase each contender
// in turn (contendersOf: the floor, ours, then the vendor's or a set
// scenario's group floor and blocks), so that the contenders of a run
// meet the machine in the same state and compare within the run.
func schedule(runs, contenders int, phases []string) [][]step {
	out := make([][]step, runs)
	for run := range out {
		for _, phase := range phases {
			for c := range contenders {
				out[run] = append(out[run], step{c, phase})
			}
		}
	}
	return out
}

// runScenario runs a scenario's rules through the contenders, runs times
// in schedule's order, each run from empty groups on a reset mock; it
// returns each contender's measures.
func runScenario(tf *clirun.CLI, m *mockcloud.Server, dir string, s scenario, contenders []contender, runs int) ([]trials, error) {
	out := make([]trials, len(contenders))
	folder := func(c contender, run int) string { return filepath.Join(dir, fmt.Sprintf("%s-%d", c.name, run+1)) }
	for run, steps := range schedule(runs, len(contenders), phasesOf(s)) {
		m.Store.Reset()
		for i, c := range contenders {
			if err := prepare(m, folder(c, run), s, c); err != nil {
				return nil, err
			}
			out[i] = append(out[i], map[string]measure{})
		}
		for _, st := range steps {
			c := contenders[st.contender]
			got, err := runPhase(tf, m, folder(c, run), s, c, st.phase, run)
			if err != nil {
				return nil, fmt.Errorf("%s, run %d: %w", c.name, run+1, err)
			}
			out[st.contender][run][st.phase] = got
		}
	}
	return out, nil
}

// groupsOf is the start of the ids of a contender's groups.
func groupsOf(s scenario, c contender) string { return "bench-" + s.Cloud + "-" + c.name }

// prepare writes a contender's configuration for one run into dir and
// adds its empty groups to the mock.
func prepare(m *mockcloud.Server, dir string, s scenario, c contender) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeConfig(dir, s, c); err != nil {
		return err
	}
	for g := 0; c.endpoint != nil && g < s.Groups; g++ {
		if err := m.Store.AddGroup(mockcloud.NewGroup(s.Cloud, groupID(groupsOf(s, c), g))); err != nil {
			return err
		}
	}
	return nil
}

// writeConfig writes a contender's configuration of s into dir.
func writeConfig(dir string, s scenario, c contender) error {
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(c.config(s, groupsOf(s, c))), 0o644)
}

// runPhase runs one phase of a contender's run in dir and measures it; on
// the mock, it checks after it that the mock holds what the configuration
// declares. The change phase first writes the changed configuration.
func runPhase(tf *clirun.CLI, m *mockcloud.Server, dir string, s scenario, c contender, phase string, run int) (measure, error) {
	args, allowed := phaseArgs(phase, s.Parallelism)
	if phase == "change" {
		s.changed = true
		if err := writeConfig(dir, s, c); err != nil {
			return measure{}, err
		}
	}
	if c.endpoint == nil {
		got, _, err := tf.Run(dir, args, allowed...)
		return measure{Measure: got}, err
	}
	cli := *tf
	profile := ""
	if c.profiles != "" {
		profile = filepath.Join(c.profiles, profileName(s, c, run, phase))
		cli.Env = append(slices.Clip(tf.Env), "SECGROUP_CPU_PROFILE="+profile)
	}
	before := len(m.Store.Calls())
	m.Store.ResetTraffic()
	ran, code, err := cli.Run(dir, append(args, "-var", "endpoint="+c.endpoint(m.URL)), allowed...)
	if err != nil {
		return measure{}, err
	}
	got := measure{Measure: ran, Calls: map[string]int{}, Failed: map[string]int{}, Traffic: m.Store.Traffic()}
	for _, c := range m.Store.Calls()[before:] {
		got.Calls[c.Action]++
		if c.Status != http.StatusOK {
			got.Failed[c.Action+" "+c.Code]++
		}
	}
	if profile != "" {
		if got.Spent, err = spentOf(profile); err != nil {
			return measure{}, err
		}
	}
	want := map[string]int{"apply": s.Rules, "plan": s.Rules, "change": s.Rules, "destroy": 0}[phase]
	if held := rulesHeld(m, s, groupsOf(s, c)); held != want {
		return measure{}, fmt.Errorf("after %s the mock holds %d rules, want %d", phase, held, want)
	}
	if phase == "change" {
		for g := range s.Groups {
			id := groupID(groupsOf(s, c), g)
			if n := onPort(m, s.Cloud, id, changedPort); n != 1 {
				return measure{}, fmt.Errorf("after change the mock's group %s holds %d rules on port %d, want 1", id, n, changedPort)
			}
		}
	}
	if phase == "plan" && code != 0 {
		return measure{}, fmt.Errorf("the plan after apply is not empty")
	}
	return got, nil
}

// profileName is the start of the names of the CPU profiles of a
// contender's phase: <scenario>-run<n>-<phase> for ours, and for a set
// scenario's secgroup_rule blocks <scenario>-blocks-run<n>-<phase>, so
// that each phase's glob (profilesHint) takes one contender's alone.
func profileName(s scenario, c contender, run int, phase string) string {
	name := s.Name
	if c.name != "secgroup" {
		name += "-" + c.name
	}
	return fmt.Sprintf("%s-run%d-%s", name, run+1, phase)
}

// onPort counts the rules of a group of the mock with a field, in the
// cloud's wire spelling of port ranges (80, 80/80, 80-80), starting at
// port.
func onPort(m *mockcloud.Server, cloud, group string, port int) int {
	found, _ := m.Store.FindGroup(cloud, group)
	p, n := fmt.Sprint(port), 0
	for _, r := range found.Rules {
		// As GET /_mock/state shows it: the cloud's describe shape.
		b, _ := json.Marshal(r)
		var fields map[string]any
		_ = json.Unmarshal(b, &fields)
		for _, v := range fields {
			if text, ok := v.(string); ok && (text == p || strings.HasPrefix(text, p+"/") || strings.HasPrefix(text, p+"-")) {
				n++
				break
			}
		}
	}
	return n
}

// groupID is the id of the g-th group of those whose ids start with
// groups.
func groupID(groups string, g int) string { return fmt.Sprintf("%s-%d", groups, g) }

// rulesHeld counts the rules in the scenario's groups whose ids start with
// groups.
func rulesHeld(m *mockcloud.Server, s scenario, groups string) int {
	held := 0
	for g := range s.Groups {
		found, _ := m.Store.FindGroup(s.Cloud, groupID(groups, g))
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

// changedPort is where the change phase moves the first rule of each
// group: a port no other rule of a scenario takes.
const changedPort = 65000

// changes tells the rules the change phase changes: the first of each
// group (declared).
func changes(s scenario, i int) bool { return i < s.Groups }

// declared lays out N distinct rules over G groups (the ids starting with
// groups): rule i goes to group i mod G, and a group's rules alternate
// ingress and egress (as real groups hold both, and Zenlayer's hold 20
// per direction), the k-th rule of a group on port 1000 + k/2; after the
// change phase, the first on changedPort.
func declared(s scenario, groups string) []rule {
	if s.Count {
		k := fmt.Sprintf("floor(count.index / %d)", s.Groups)
		return []rule{{name: "r", count: fmt.Sprint(s.Rules),
			group:     fmt.Sprintf(`"%s-${count.index %% %d}"`, groups, s.Groups),
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
		port := 1000 + k/2
		if s.changed && changes(s, i) {
			port = changedPort
		}
		out = append(out, rule{name: fmt.Sprint("r", i), group: fmt.Sprintf("%q", groupID(groups, i%s.Groups)),
			direction: fmt.Sprintf("%q", direction), port: fmt.Sprint(port)})
	}
	return out
}

// byGroup is declared's rules (blocks, not count) group by group.
func byGroup(s scenario, groups string) [][]rule {
	out := make([][]rule, s.Groups)
	for i, r := range declared(s, groups) {
		out[i%s.Groups] = append(out[i%s.Groups], r)
	}
	return out
}

// writeEntries writes rules as the entries of a secgroup_rule_set's rules
// map, keyed by their block names, one a line after indent.
func writeEntries(b *strings.Builder, rules []rule, indent string) {
	for _, r := range rules {
		fmt.Fprintf(b, "%s%q = { direction = %s, protocol = \"tcp\", port_range = \"%s\", cidr = \"10.0.0.0/8\" }\n", indent, r.name, r.direction, r.port)
	}
}

// writeBlock writes one resource block of a rule, count first.
func writeBlock(b *strings.Builder, resourceType string, r rule, attributes string) {
	fmt.Fprintf(b, "resource %q %q {\n", resourceType, r.name)
	if r.count != "" {
		fmt.Fprintf(b, "  count             = %s\n", r.count)
	}
	b.WriteString(attributes + "}\n\n")
}

// ruleConfig declares a scenario's rules for our provider: a
// secgroup_rule each (with count: one block of them all), or with Sets a
// secgroup_rule_set per group.
func ruleConfig(s scenario, groups string) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    secgroup = { source = \"secgroup/secgroup\" }\n  }\n}\n\n")
	b.WriteString("variable \"endpoint\" { type = string }\n\nprovider \"secgroup\" {\n")
	fmt.Fprintf(&b, "  %s {\n    endpoint = var.endpoint\n", s.Cloud)
	settings := mockcloud.ClientSettings(s.Cloud)
	for _, k := range slices.Sorted(maps.Keys(settings)) {
		fmt.Fprintf(&b, "    %s = %q\n", k, settings[k])
	}
	b.WriteString("  }\n}\n\n")
	if s.Sets {
		for g, rules := range byGroup(s, groups) {
			fmt.Fprintf(&b, "resource \"secgroup_rule_set\" \"g%d\" {\n  cloud             = %q\n  security_group_id = %q\n  rules = {\n", g, s.Cloud, groupID(groups, g))
			writeEntries(&b, rules, "    ")
			b.WriteString("  }\n}\n\n")
		}
		return b.String()
	}
	for _, r := range declared(s, groups) {
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
