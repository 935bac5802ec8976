package clirun

import (
	"os"
	"testing"
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

func TestBelow(t *testing.T) {
	// 10 is the root; 11 and 12 its child and grandchild; 20 another
	// process's child; 30 and 31 each other's parent (pids reused while
	// /proc was read).
	stats := map[int]procStat{10: {ppid: 1}, 11: {ppid: 10}, 12: {ppid: 11}, 20: {ppid: 2}, 2: {ppid: 1}, 30: {ppid: 31}, 31: {ppid: 30}, 40: {ppid: 99}}
	for pid, want := range map[int]bool{10: false, 11: true, 12: true, 20: false, 2: false, 30: false, 40: false} {
		if got := below(10, pid, stats); got != want {
			t.Errorf("below(10, %d) = %v, want %v", pid, got, want)
		}
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
