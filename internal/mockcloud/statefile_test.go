package mockcloud_test

import (
	"net/http"
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

// --state in a directory anyone may write (no sticky bit) is a shared
// place: others can remove or swap the file between runs (a run then
// starts silently from the fixtures). KeepState checks the directory as
// well as the file (found in review).
func TestKeepStateRefusesADirectoryOthersMayWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shared")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	m := startWith(t, nil)
	if err := m.KeepState(filepath.Join(dir, "cloud.json")); err == nil {
		t.Fatal("KeepState in a directory anyone may write (mode 0777, not sticky) was accepted")
	}
}

// A sticky directory owned by another user is refused too: its owner may
// remove or rename any file in it (found in review: the sticky bit let it
// pass before the owner was checked).
func TestKeepStateRefusesAStickyDirectoryOfAnotherUser(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("chown to another user needs root")
	}
	dir := filepath.Join(t.TempDir(), "theirs")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	m := startWith(t, nil)
	if err := m.KeepState(filepath.Join(dir, "cloud.json")); err == nil || !strings.Contains(err.Error(), "owned by another user") {
		t.Fatalf("KeepState in a sticky directory of uid 65534: %v, want it refused as another user's", err)
	}
}

// A state mockcloud itself saved is one it starts from again. The control
// API's POST /_mock/groups refuses a cloud ParseGroups would (found in
// review: it took any cloud name, --state saved that group, and the next
// run refused its own file).
func TestKeepStateReloadsWhatItSaved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cloud.json")
	first := startWith(t, nil)
	if err := first.KeepState(path); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(first.URL+"/_mock/groups", "application/json", strings.NewReader(`{"cloud":"alicoud","id":"sg-typo"}`))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	created := resp.StatusCode
	if created != http.StatusBadRequest {
		t.Errorf("POST /_mock/groups of cloud \"alicoud\" answered %d, want 400", created)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if err := startWith(t, nil).KeepState(path); err != nil {
		t.Fatalf("POST /_mock/groups of cloud \"alicoud\" answered %d, and the next run refuses the state the first saved: %v", created, err)
	}
}
