package mockcloud_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
)

// A fixtures file is read as a state is (found in review: --fixtures read
// any file, through links): a link, a file others may write and a file
// past the size cap are refused; a missing file is an error, not the
// built-in fixtures.
func TestReadGroupsFileRefusesHostileFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "groups.json")
	if err := os.WriteFile(good, []byte(`{"groups":[{"cloud":"ens","id":"sg-mine"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if f, err := mockcloud.ReadGroupsFile(good); err != nil || len(f.Groups()) != 1 {
		t.Fatalf("a file of this user, mode 0600: %v", err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(good, link); err != nil {
		t.Fatal(err)
	}
	open := filepath.Join(dir, "open.json")
	if err := os.WriteFile(open, []byte(`{"groups":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o666); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge.json")
	f, err := os.OpenFile(huge, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: 64 MiB and a byte, without writing them.
	if err := f.Truncate(64<<20 + 1); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	for _, tc := range []struct{ path, want string }{
		{link, "not a regular file"},
		{open, "writable by other users"},
		{huge, "larger than 64 MiB"},
		{filepath.Join(dir, "missing.json"), "no such file"},
	} {
		if _, err := mockcloud.ReadGroupsFile(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", filepath.Base(tc.path), err, tc.want)
		}
	}
}

// An empty --state file, as mktemp makes, is no state yet (found in
// review: it was refused with "EOF"): the run starts from the fixtures
// and saves its state there.
func TestKeepStateStartsFromAnEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cloud.json")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	m := startWith(t, nil)
	if err := m.KeepState(path); err != nil {
		t.Fatalf("an empty state file: %v", err)
	}
	if b, err := os.ReadFile(path); err != nil || !strings.Contains(string(b), `"sg-ens-web"`) {
		t.Fatalf("the state was not saved in the empty file: %v %.200s", err, b)
	}
}
