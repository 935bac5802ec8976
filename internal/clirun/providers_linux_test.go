package clirun

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"testing"
	"testing/fstest"
)

func TestParseStat(t *testing.T) {
	// utime 250, stime 50, cutime 7 and cstime 3 (children's, not counted),
	// starttime 987654.
	const tail = " 4242 1234 1234 0 -1 4194560 900 0 0 0 250 50 7 3 20 0 12 0 987654 1000000 2000 18446744073709551615"
	for _, comm := range []string{"terraform-provider (x)", ") S 1 (", "a b"} {
		got, ok := parseStat("1234 (" + comm + ") S" + tail + "\n")
		if want := (procStat{ppid: 4242, start: 987654, ticks: 300}); !ok || got != want {
			t.Errorf("command %q: parsed %+v, %v; want %+v", comm, got, ok, want)
		}
	}
	for _, bad := range []string{"", "1234 (x) S 4242 1 2", "1234 x S" + tail, "1234 (x) S 4242 1234 1234 0 -1 4194560 900 0 0 0 u 50 7 3 20 0 12 0 987654"} {
		if got, ok := parseStat(bad); ok {
			t.Errorf("%q parsed as %+v", bad, got)
		}
	}
	self, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := parseStat(string(self)); !ok || got.ppid != os.Getppid() {
		t.Errorf("/proc/self/stat parsed as %+v, %v; want parent %d", got, ok, os.Getppid())
	}
}

// A grandchild's CPU time counts as the providers', the shell's own not.
func TestRunSamplesDescendants(t *testing.T) {
	cli := &CLI{Path: "/bin/sh", Env: os.Environ()}
	busy := `i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done`
	m, _, err := cli.Run(t.TempDir(), []string{"-c", "sh -c '" + busy + "'; true"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("descendants %v of %v", m.ProviderCPU, m.CPU)
	if m.ProviderCPU < m.CPU/2 || m.ProviderCPU > m.CPU {
		t.Errorf("descendants' CPU %v of %v in all; want most of it", m.ProviderCPU, m.CPU)
	}
}

// openLog is a file system that records what was opened in it: Open is
// its only method, so fs.ReadFile and fs.ReadDir go through it.
type openLog struct {
	files  fstest.MapFS
	opened map[string]bool
}

func (l openLog) Open(name string) (fs.File, error) {
	l.opened[name] = true
	return l.files.Open(name)
}

// Sampling walks down from the root through each thread's children and
// reads no other process's stat; a pid listed as a child whose stat names
// another parent (reused meanwhile) is not counted.
func TestReadDescendants(t *testing.T) {
	stat := func(pid, ppid, start, utime int) *fstest.MapFile {
		return &fstest.MapFile{Data: fmt.Appendf(nil, "%d (p) S %d 1 1 0 -1 0 0 0 0 0 %d 1 0 0 20 0 1 0 %d 1 1\n", pid, ppid, utime, start)}
	}
	children := func(pids string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(pids)} }
	proc := openLog{files: fstest.MapFS{
		// 10, the root, with two threads: 10 started 11 and 12, 13 started 14.
		"10/stat": stat(10, 1, 100, 5), "10/task/10/children": children("11 12 "), "10/task/13/children": children("14 "),
		"11/stat": stat(11, 10, 200, 7), "11/task/11/children": children("15 16 "),
		"12/stat": stat(12, 10, 300, 9), "12/task/12/children": children(""),
		"14/stat": stat(14, 10, 400, 11), "14/task/14/children": children(""),
		"15/stat": stat(15, 11, 500, 13), "15/task/15/children": children(""),
		// 16 exited after 11's children were read, its pid reused elsewhere.
		"16/stat": stat(16, 2, 600, 99), "16/task/16/children": children(""),
		// Another user's processes: never read.
		"99/stat": stat(99, 1, 50, 1), "99/task/99/children": children("98 "),
		"98/stat": stat(98, 99, 60, 1), "98/task/98/children": children(""),
	}, opened: map[string]bool{}}
	last := map[process]int64{}
	readDescendants(proc, 10, last)
	want := map[process]int64{{11, 200}: 8, {12, 300}: 10, {14, 400}: 12, {15, 500}: 14}
	if !maps.Equal(last, want) {
		t.Errorf("read %v, want %v", last, want)
	}
	for _, name := range []string{"99/stat", "98/stat", "10/stat"} {
		if proc.opened[name] {
			t.Errorf("read %s, outside the tree below 10", name)
		}
	}
}
