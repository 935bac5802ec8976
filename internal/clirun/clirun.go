// Package clirun runs the real Terraform (or OpenTofu) CLI against a
// freshly built provider, the way users run it: the provider built as
// .goreleaser.yml builds it, found through a dev_overrides CLI
// configuration, so no registry and no init are needed. The bench and the
// tests that must drive the CLI themselves (an interrupted apply) use it.
package clirun

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// CLI is a Terraform CLI set up to run the provider built in a directory.
type CLI struct {
	Path string
	// Env is the commands' environment: no TF_* variable of the caller's
	// (no logs, no other CLI configuration), the dev_overrides config.
	Env []string
	// ProviderSize is the provider binary's size in bytes.
	ProviderSize int64
}

// Options are Setup's choices besides the CLI.
type Options struct {
	// Tags go to go build (bench -profile builds with profile).
	Tags []string
	// Overrides are further dev_overrides entries: a provider's source
	// address to its executable (the bench's peer, the vendor's
	// provider), which Terraform then runs through a link of Setup's.
	Overrides map[string]string
}

// Setup builds the provider from the module at root into work/bin, writes
// a CLI configuration that points both registries' addresses of the
// provider there (and opts.Overrides' addresses to theirs), and returns
// the CLI at path set up to use it.
func Setup(root, work, path string, opts Options) (*CLI, error) {
	bin := filepath.Join(work, "bin")
	out := filepath.Join(bin, "terraform-provider-secgroup")
	// No -trimpath (release builds have it): without it the build reuses
	// the packages go test and go build already compiled.
	build := exec.Command("go", "build", "-tags", strings.Join(opts.Tags, ","), "-ldflags", "-s -w -X main.version=dev", "-o", out, ".")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the provider: %w\n%s", err, msg)
	}
	fi, err := os.Stat(out)
	if err != nil {
		return nil, err
	}
	rc, err := writeConfig(work, bin, opts.Overrides)
	if err != nil {
		return nil, err
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") {
			env = append(env, kv)
		}
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	return &CLI{Path: path, Env: env, ProviderSize: fi.Size()}, nil
}

// writeConfig writes work's CLI configuration: dev_overrides that point
// both registries' addresses of our provider to bin, and each of others'
// sources to a private folder of work (0700) holding one link of ours,
// named terraform-provider-TYPE, to its executable. Terraform runs the
// first entry of an override's folder named so or that followed by _ or
// ., so the executable's own folder could have it run another file.
func writeConfig(work, bin string, others map[string]string) (string, error) {
	overrides := map[string]string{"registry.terraform.io/secgroup/secgroup": bin, "registry.opentofu.org/secgroup/secgroup": bin}
	for source, file := range others {
		file, err := filepath.Abs(file)
		if err != nil {
			return "", err
		}
		dir, err := os.MkdirTemp(work, "override-")
		if err != nil {
			return "", err
		}
		if err := os.Symlink(file, filepath.Join(dir, "terraform-provider-"+path.Base(source))); err != nil {
			return "", err
		}
		overrides[source] = dir
	}
	var config strings.Builder
	config.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, source := range slices.Sorted(maps.Keys(overrides)) {
		fmt.Fprintf(&config, "    %q = %q\n", source, overrides[source])
	}
	config.WriteString("  }\n  direct {}\n}\n")
	rc := filepath.Join(work, "terraform.tfrc")
	return rc, os.WriteFile(rc, []byte(config.String()), 0o644)
}

// Command is one CLI command in dir, not started.
func (c *CLI) Command(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command(c.Path, args...)
	cmd.Dir, cmd.Env = dir, c.Env
	return cmd
}

// Measure is one command's cost: wall time, and the CPU time of the CLI
// and its provider processes (zero where it is not measured: Windows).
type Measure struct {
	Wall, CPU time.Duration
	// ProviderCPU is the part of CPU the provider processes (the CLI's
	// descendants) used, CPU minus it the CLI's own; sampled where
	// ProviderCPUSampled, zero elsewhere.
	ProviderCPU time.Duration
}

// Run runs one command in dir and measures it; allowed are further exit
// codes that are no failure. Reaped children count into RUSAGE_CHILDREN,
// so the CPU time covers the provider processes too.
func (c *CLI) Run(dir string, args []string, allowed ...int) (Measure, int, error) {
	cmd := c.Command(dir, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	before := childrenCPU()
	start := time.Now()
	providers := func() time.Duration { return 0 }
	err := cmd.Start()
	if err == nil {
		providers = sampleProviders(cmd.Process.Pid)
		err = cmd.Wait()
	}
	wall := time.Since(start)
	after := childrenCPU()
	providerCPU := providers()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
		if slices.Contains(allowed, code) {
			err = nil
		}
	}
	if err != nil {
		return Measure{}, code, fmt.Errorf("%s %s: %w\n%s", c.Path, strings.Join(args, " "), err, Tail(out.String(), 4000))
	}
	return Measure{Wall: wall, CPU: after - before, ProviderCPU: providerCPU}, code, nil
}

// Tail keeps the end of a long output.
func Tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
