//go:build profile

package main

import (
	"os"
	"runtime/pprof"
	"strconv"
)

// A provider built with -tags profile writes a CPU profile of each of its
// processes to $SECGROUP_CPU_PROFILE.<pid> (make bench BENCH_ARGS=-profile): how the
// bench's CPU figures are taken apart. Release builds have none of it.
func init() {
	prefix := os.Getenv("SECGROUP_CPU_PROFILE")
	if prefix == "" {
		return
	}
	f, err := os.Create(prefix + "." + strconv.Itoa(os.Getpid()))
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
	}
}
