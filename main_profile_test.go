//go:build profile

package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// A process's CPU profile ends in .pprof and its Spent in .spent.json, so
// that a glob of profiles takes no Spent file (go test -tags profile).
func TestProfileFiles(t *testing.T) {
	dir := t.TempDir()
	startProfiling(filepath.Join(dir, "ecs-200x2-p10-run1-apply.42"))
	stopProfiling()
	stopProfiling = func() {}
	got, err := filepath.Glob(filepath.Join(dir, "*"))
	want := []string{filepath.Join(dir, "ecs-200x2-p10-run1-apply.42.pprof"), filepath.Join(dir, "ecs-200x2-p10-run1-apply.42.spent.json")}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("files %v, %v; want %v", got, err, want)
	}
	if profiles, _ := filepath.Glob(filepath.Join(dir, "ecs-200x2-p10-run1-apply.*.pprof")); len(profiles) != 1 {
		t.Errorf("the profiles' glob takes %v", profiles)
	}
	if fi, err := os.Stat(want[0]); err != nil || fi.Size() == 0 {
		t.Errorf("the CPU profile: %v, %v", fi, err)
	}
}
