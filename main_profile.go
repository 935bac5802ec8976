//go:build profile

package main

import (
	"encoding/json"
	"os"
	"runtime/pprof"
	"strconv"

	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
)

// A provider built with -tags profile writes a CPU profile of each of its
// processes to $SECGROUP_CPU_PROFILE.<pid>.pprof (make bench
// BENCH_ARGS=-profile), and where its writes spent their time
// (engine.Spent) to $SECGROUP_CPU_PROFILE.<pid>.spent.json: how the bench's
// CPU and wall figures are taken apart. The suffixes keep a glob of
// profiles (go tool pprof PREFIX.*.pprof) off the Spent files. Release
// builds have none of it.
func init() {
	if prefix := os.Getenv("SECGROUP_CPU_PROFILE"); prefix != "" {
		startProfiling(prefix + "." + strconv.Itoa(os.Getpid()))
	}
}

// startProfiling profiles the process to name.pprof until stopProfiling,
// which then writes its writes' Spent to name.spent.json.
func startProfiling(name string) {
	f, err := os.Create(name + ".pprof")
	if err != nil {
		return
	}
	if pprof.StartCPUProfile(f) != nil {
		_ = f.Close()
		return
	}
	stopProfiling = func() {
		pprof.StopCPUProfile()
		_ = f.Close()
		if b, err := json.Marshal(engine.ProcessGroups.Spent()); err == nil {
			_ = os.WriteFile(name+".spent.json", b, 0o644)
		}
	}
}
