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
// processes to $SECGROUP_CPU_PROFILE.<pid> (make bench BENCH_ARGS=-profile),
// and where its writes spent their time (engine.Spent) to the same name
// with .spent.json: how the bench's CPU and wall figures are taken apart.
// Release builds have none of it.
func init() {
	prefix := os.Getenv("SECGROUP_CPU_PROFILE")
	if prefix == "" {
		return
	}
	name := prefix + "." + strconv.Itoa(os.Getpid())
	f, err := os.Create(name)
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
