package provider

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Every cloud the provider registers has one package of the same shape,
// and a mockcloud front-end named as it is, so that a sixth cloud is
// added by copying any of them.
func TestCloudPackagesShareOneShape(t *testing.T) {
	for _, name := range Clouds().Names() {
		files := goFiles(t, filepath.Join("..", "cloud", name))
		if want := []string{"client.go", "errors.go", name + ".go", "wire.go"}; !slices.Equal(files, sorted(want)) {
			t.Errorf("internal/cloud/%s has %v, want %v", name, files, sorted(want))
		}
		mock := goFiles(t, filepath.Join("..", "mockcloud", name))
		for _, want := range []string{name + ".go", "fixtures.go"} {
			if !slices.Contains(mock, want) {
				t.Errorf("internal/mockcloud/%s lacks %s (it has %v)", name, want, mock)
			}
		}
	}
}

// goFiles lists a package directory's non-test Go files, sorted.
func goFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
			out = append(out, n)
		}
	}
	return sorted(out)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
