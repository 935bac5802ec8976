package clirun

import (
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"
)

// ProviderCPUSampled tells whether Measure.ProviderCPU is measured: on
// Linux, from /proc.
const ProviderCPUSampled = true

const (
	// pollEvery is how often the provider processes' CPU time is read.
	// A process's CPU time after its last reading is missed (counted as
	// the CLI's own): at most one interval's worth per provider process
	// (pollEvery times the cores it ran on), plus the time one reading
	// of /proc takes.
	pollEvery = 50 * time.Millisecond
	// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times
	// (sysconf(_SC_CLK_TCK)): 100 on every architecture Go runs Linux on.
	clockTicks = 100
)

// sampleProviders follows the CPU time of the descendants of process pid
// (the provider processes Terraform starts) until the returned stop is
// called, which returns their sum: the last CPU time read of each.
func sampleProviders(pid int) (stop func() time.Duration) {
	done, total := make(chan struct{}), make(chan time.Duration)
	go func() {
		proc, last := os.DirFS("/proc"), map[process]int64{}
		tick := time.NewTicker(pollEvery)
		defer tick.Stop()
		for {
			readDescendants(proc, pid, last)
			select {
			case <-tick.C:
			case <-done:
				var ticks int64
				for _, t := range last {
					ticks += t
				}
				total <- time.Duration(ticks) * time.Second / clockTicks
				return
			}
		}
	}()
	return func() time.Duration {
		close(done)
		return <-total
	}
}

// process is one process, told apart from a later one given its pid by
// its start time.
type process struct {
	pid   int
	start int64
}

// procStat is what sampling needs of /proc/<pid>/stat.
type procStat struct {
	ppid         int
	start, ticks int64
}

// readDescendants records in last the CPU time (user plus system, in clock
// ticks) of every process now running below root; proc is /proc.
func readDescendants(proc fs.FS, root int, last map[process]int64) {
	entries, _ := fs.ReadDir(proc, ".")
	stats := map[int]procStat{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		// Gone since the listing, or not ours to read: no descendant.
		if b, err := fs.ReadFile(proc, e.Name()+"/stat"); err == nil {
			if st, ok := parseStat(string(b)); ok {
				stats[pid] = st
			}
		}
	}
	for pid, st := range stats {
		if below(root, pid, stats) {
			last[process{pid, st.start}] = st.ticks
		}
	}
}

// below tells whether pid runs below root, walking up the parents in
// stats: at most len(stats) steps, as the reading of /proc is no snapshot
// and a pid reused meanwhile could make a loop.
func below(root, pid int, stats map[int]procStat) bool {
	for range len(stats) {
		pid = stats[pid].ppid
		if pid == root {
			return true
		}
		if pid <= 1 {
			return false
		}
	}
	return false
}

// parseStat reads a /proc/<pid>/stat line (proc(5)). Its second field, the
// command name in parentheses, may hold spaces and parentheses itself, so
// the fields are counted from the last ')': state, ppid, ... utime (14th
// field), stime (15th), ... starttime (22nd).
func parseStat(line string) (procStat, bool) {
	i := strings.LastIndexByte(line, ')')
	if i < 0 {
		return procStat{}, false
	}
	f := strings.Fields(line[i+1:])
	if len(f) < 20 {
		return procStat{}, false
	}
	ppid, err1 := strconv.Atoi(f[1])
	utime, err2 := strconv.ParseInt(f[11], 10, 64)
	stime, err3 := strconv.ParseInt(f[12], 10, 64)
	start, err4 := strconv.ParseInt(f[19], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return procStat{}, false
	}
	return procStat{ppid: ppid, start: start, ticks: utime + stime}, true
}
