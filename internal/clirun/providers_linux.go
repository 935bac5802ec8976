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
	// (pollEvery times the cores it ran on), plus the time one walk of
	// the process tree takes.
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
// ticks) of every process now running below root; proc is /proc. It walks
// down from root through each thread's children (proc(5):
// /proc/<pid>/task/<tid>/children), reading only the tree's own entries:
// a walk of all of /proc took 2.6 ms with 81 processes, 5 % of a core at
// one reading per pollEvery. A pid listed as a child whose stat names
// another parent exited and was reused between the two reads: not ours.
func readDescendants(proc fs.FS, root int, last map[process]int64) {
	seen := map[int]bool{root: true}
	for todo := childrenOf(proc, root); len(todo) > 0; {
		c := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[c.pid] {
			continue
		}
		// Gone since the listing: it has no children left either.
		b, err := fs.ReadFile(proc, strconv.Itoa(c.pid)+"/stat")
		if err != nil {
			continue
		}
		if st, ok := parseStat(string(b)); ok && st.ppid == c.parent {
			seen[c.pid] = true
			last[process{c.pid, st.start}] = st.ticks
			todo = append(todo, childrenOf(proc, c.pid)...)
		}
	}
}

// child is a pid listed among parent's children.
type child struct{ pid, parent int }

// childrenOf lists the children of every thread of process pid.
func childrenOf(proc fs.FS, pid int) []child {
	dir := strconv.Itoa(pid) + "/task"
	threads, _ := fs.ReadDir(proc, dir)
	var out []child
	for _, t := range threads {
		b, _ := fs.ReadFile(proc, dir+"/"+t.Name()+"/children")
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, child{c, pid})
			}
		}
	}
	return out
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
