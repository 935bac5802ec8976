// Command matrix runs the provider's acceptance tests under every CLI the
// provider supports: Terraform 1.5.7 and 1.8.5, the terraform on PATH,
// Terraform 1.15.9 where the machine has its build, and OpenTofu 1.10 and
// 1.12. A CLI missing from the cache is built once from the Go module
// proxy (Terraform with go install; OpenTofu, whose go.mod has replace
// directives, from its module source). It prints a table of
// passed, failed and skipped tests per CLI, and fails when any test failed.
//
//	go run ./internal/matrix [-cache DIR] [-skip REGEXP] [-only NAME,...] [-jobs N] [-build]
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// cli is one CLI of the matrix.
type cli struct {
	Name string
	// Build makes the binary at path; nil for the one on PATH.
	Build func(path string) error
	// Env is what the tests need to find the provider under this CLI.
	Env []string
}

var clis = []cli{
	{Name: "terraform-v1.5.7", Build: goInstallTerraform("v1.5.7")},
	{Name: "terraform-v1.8.5", Build: goInstallTerraform("v1.8.5")},
	{Name: "terraform (PATH)"},
	// Terraform 1.9+ cannot be go installed (its go.mod replaces nested
	// modules the module zip leaves out): 1.15.9 comes built from its
	// public source, where a machine has it (../shared/cli in CI); a
	// machine without it skips the row. It is the CLI of identity (1.12+)
	// and terraform query (1.14+).
	{Name: "terraform-v1.15.9", Build: unxz(sharedCLI("terraform-v1.15.9.xz"))},
	// OpenTofu resolves an unqualified provider to registry.opentofu.org.
	{Name: "tofu-v1.10.10", Build: buildTofu("v1.10.10"), Env: []string{"TF_ACC_PROVIDER_HOST=registry.opentofu.org"}},
	{Name: "tofu-v1.12.6", Build: buildTofu("v1.12.6"), Env: []string{"TF_ACC_PROVIDER_HOST=registry.opentofu.org"}},
}

// result is one CLI's tally.
type result struct {
	CLI                     string
	Version                 string
	Passed, Failed, Skipped int
	Took                    time.Duration
	Err                     error
	// Unavailable: this machine cannot have the CLI (not a failure).
	Unavailable error
}

// errUnavailable marks a CLI this machine cannot build or find.
var errUnavailable = errors.New("not available on this machine")

func main() {
	defaultCache, _ := os.UserCacheDir()
	cache := flag.String("cache", filepath.Join(defaultCache, "secgroup-provider", "cli"), "where built CLIs are kept")
	skip := flag.String("skip", "", "go test -skip: tests to leave out under every CLI")
	only := flag.String("only", "", "comma-separated CLI names to run (default: all)")
	buildOnly := flag.Bool("build", false, "only build the missing CLIs into the cache")
	jobs := flag.Int("jobs", 1, "CLIs whose tests run at once (each run keeps about one core busy)")
	flag.Parse()

	var chosen []cli
	for _, c := range clis {
		if *only != "" && !slices.Contains(strings.Split(*only, ","), c.Name) {
			continue
		}
		chosen = append(chosen, c)
	}
	// CLIs are built one at a time (builds use every core), once each;
	// their tests then run up to jobs at once.
	paths := make([]string, len(chosen))
	results := make([]result, len(chosen))
	for i, c := range chosen {
		path, err := ensure(c, *cache)
		if err != nil && !errors.Is(err, errUnavailable) && *buildOnly {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		paths[i] = path
		results[i] = result{CLI: c.Name}
		if errors.Is(err, errUnavailable) {
			fmt.Fprintf(os.Stderr, "== %s: %v\n", c.Name, err)
			results[i].Unavailable = err
		} else {
			results[i].Err = err
		}
	}
	if *buildOnly {
		return
	}
	slots := make(chan struct{}, max(1, *jobs))
	var wg sync.WaitGroup
	for i, c := range chosen {
		if results[i].Unavailable != nil || results[i].Err != nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			results[i] = run(c, paths[i], *skip)
		}()
	}
	wg.Wait()
	fmt.Println()
	fmt.Println("| CLI | version | passed | failed | skipped | time |")
	fmt.Println("|---|---|---|---|---|---|")
	failed := false
	for _, r := range results {
		if r.Unavailable != nil {
			fmt.Printf("| %s | | | | | skipped: %v |\n", r.CLI, r.Unavailable)
			continue
		}
		if r.Err != nil {
			failed = true
			fmt.Printf("| %s | | | | | %v |\n", r.CLI, r.Err)
			continue
		}
		failed = failed || r.Failed > 0
		fmt.Printf("| %s | %s | %d | %d | %d | %s |\n", r.CLI, r.Version, r.Passed, r.Failed, r.Skipped, r.Took.Round(time.Second))
	}
	if failed {
		os.Exit(1)
	}
}

// run tests the provider under the CLI at path.
func run(c cli, path, skip string) result {
	r := result{CLI: c.Name}
	out, _ := exec.Command(path, "version").Output()
	r.Version = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	fmt.Fprintf(os.Stderr, "== %s (%s)\n", c.Name, r.Version)
	// -short: the matrix tests CLIs, not clouds. Tests whose outcome the
	// provider's dealings with the clouds decide skip (cliIndependent in
	// the provider's tests), and tests that play one CLI scenario on every
	// cloud play it on the clouds that differ in what the CLI sees
	// (cliAdoptions).
	args := []string{"test", "-count=1", "-short", "-json", "-timeout", "30m"}
	if skip != "" {
		args = append(args, "-skip", skip)
	}
	cmd := exec.Command("go", append(args, "./internal/provider/")...)
	cmd.Env = append(os.Environ(), append([]string{"TF_ACC=1", "TF_ACC_TERRAFORM_PATH=" + path}, c.Env...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		r.Err = err
		return r
	}
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		r.Err = err
		return r
	}
	r.Passed, r.Failed, r.Skipped = tally(stdout, c.Name)
	err = cmd.Wait()
	r.Took = time.Since(start)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		r.Err = err
	}
	if err != nil && r.Failed == 0 {
		r.Failed = 1 // the package failed without a test failing (a build error, a panic)
	}
	return r
}

// tally counts the top-level tests of go test -json output by outcome,
// echoing each failure's output whole, under the CLI's name (CLIs may run
// at once).
func tally(stream io.Reader, cliName string) (passed, failed, skipped int) {
	output := map[string][]string{}
	sc := bufio.NewScanner(stream)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var ev struct{ Action, Test, Output string }
		if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.Test == "" || strings.Contains(ev.Test, "/") {
			continue
		}
		switch ev.Action {
		case "output":
			output[ev.Test] = append(output[ev.Test], ev.Output)
		case "pass":
			passed++
		case "skip":
			skipped++
		case "fail":
			failed++
			fmt.Fprintf(os.Stderr, "== %s: %s failed\n%s", cliName, ev.Test, strings.Join(output[ev.Test], ""))
		}
	}
	return passed, failed, skipped
}

// ensure returns the CLI's binary, building it into the cache when
// missing.
func ensure(c cli, cache string) (string, error) {
	if c.Build == nil {
		return exec.LookPath("terraform")
	}
	name := "terraform"
	if strings.HasPrefix(c.Name, "tofu") {
		name = "tofu"
	}
	path := filepath.Join(cache, c.Name, name)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	fmt.Fprintf(os.Stderr, "== building %s into %s\n", c.Name, filepath.Dir(path))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	if err := c.Build(path); err != nil {
		return "", fmt.Errorf("building %s: %w", c.Name, err)
	}
	return path, nil
}

func goInstallTerraform(version string) func(string) error {
	return func(path string) error {
		cmd := exec.Command("go", "install", "github.com/hashicorp/terraform@"+version)
		cmd.Env = append(os.Environ(), "GOBIN="+filepath.Dir(path), "CGO_ENABLED=0")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		return cmd.Run()
	}
}

func buildTofu(version string) func(string) error {
	return func(path string) error {
		raw, err := exec.Command("go", "mod", "download", "-json", "github.com/opentofu/opentofu@"+version).Output()
		if err != nil {
			return fmt.Errorf("go mod download: %w", err)
		}
		var mod struct{ Dir string }
		if err := json.Unmarshal(raw, &mod); err != nil || mod.Dir == "" {
			return fmt.Errorf("go mod download gave no directory: %s", raw)
		}
		// The module cache is read-only; the build needs its own go.sum
		// updates, so it runs in a copy.
		src, err := os.MkdirTemp("", "opentofu-src-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(src)
		if out, err := exec.Command("cp", "-r", mod.Dir+"/.", src).CombinedOutput(); err != nil {
			return fmt.Errorf("copying the source: %w: %s", err, out)
		}
		_ = exec.Command("chmod", "-R", "u+w", src).Run()
		cmd := exec.Command("go", "build", "-o", path, "./cmd/tofu")
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		return cmd.Run()
	}
}

// sharedCLI is a CLI build the machine keeps beside the repository
// (../shared/cli, or SECGROUP_SHARED_CLI).
func sharedCLI(name string) string {
	dir := os.Getenv("SECGROUP_SHARED_CLI")
	if dir == "" {
		dir = filepath.Join("..", "shared", "cli")
	}
	abs, err := filepath.Abs(filepath.Join(dir, name))
	if err != nil {
		return filepath.Join(dir, name)
	}
	return abs
}

// unxz takes the CLI from an xz-compressed build (xz -dc).
func unxz(src string) func(string) error {
	return func(path string) error {
		if _, err := os.Stat(src); err != nil {
			return fmt.Errorf("%w: no %s", errUnavailable, src)
		}
		out, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
		if err != nil {
			return err
		}
		cmd := exec.Command("xz", "-dc", src)
		cmd.Stdout, cmd.Stderr = out, os.Stderr
		err = cmd.Run()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(path)
		}
		return err
	}
}
