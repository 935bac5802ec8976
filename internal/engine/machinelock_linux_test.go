package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// lockEnv is a test's own environment for the default lock folders: a
// temporary folder (TMPDIR, sticky and world-writable as /tmp is), a
// session folder (XDG_RUNTIME_DIR) and a cache folder (XDG_CACHE_HOME),
// all under root.
type lockEnv struct{ root, tmp, runtime, cache string }

func newLockEnv(t *testing.T) lockEnv {
	root := t.TempDir()
	e := lockEnv{root: root, tmp: filepath.Join(root, "tmp"), runtime: filepath.Join(root, "run"), cache: filepath.Join(root, "cache")}
	for _, dir := range []string{e.tmp, e.runtime} {
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(e.tmp, 0o777|fs.ModeSticky); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", e.tmp)
	t.Setenv("XDG_RUNTIME_DIR", e.runtime)
	t.Setenv("XDG_CACHE_HOME", e.cache)
	return e
}

func (e lockEnv) tempFolder() string {
	return filepath.Join(e.tmp, fmt.Sprintf("terraform-provider-secgroup-%d", os.Geteuid()))
}
func (e lockEnv) runtimeFolder() string {
	return filepath.Join(e.runtime, "terraform-provider-secgroup")
}
func (e lockEnv) cacheFolder() string {
	return filepath.Join(e.cache, "terraform-provider-secgroup", "locks")
}

// treeOf is every file under root, but those under skip, with its
// type, mode, owner and content (or link target): what a test compares to
// see that nothing was written.
func treeOf(t *testing.T, root string, skip ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		for _, s := range skip {
			if path == s || strings.HasPrefix(path, s+string(filepath.Separator)) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
		}
		fi, err := os.Lstat(path)
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		desc := fmt.Sprintf("%v uid=%d", fi.Mode(), st.Uid)
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			to, _ := os.Readlink(path)
			desc += " -> " + to
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			desc += " " + hex.EncodeToString(sum[:])
		}
		out[path] = desc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSnapshot(t *testing.T, before, after map[string]string) {
	t.Helper()
	for _, p := range slices.Sorted(maps.Keys(after)) {
		if before[p] != after[p] {
			t.Errorf("written outside the lock folder: %s was %q, is %q", p, before[p], after[p])
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			t.Errorf("removed outside the lock folder: %s", p)
		}
	}
}

func needRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("changing a folder's owner needs root")
	}
}

// readOnly makes dir unwritable: a read-only bind mount of it for root
// (whom modes do not stop), mode 0555 for anyone else.
func readOnly(t *testing.T, dir string) {
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
		return
	}
	if err := syscall.Mount(dir, dir, "", syscall.MS_BIND, ""); err != nil {
		t.Skipf("cannot bind-mount a folder read-only here: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(dir, 0) })
	if err := syscall.Mount(dir, dir, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Skipf("cannot remount a folder read-only here: %v", err)
	}
}

// lockOnce takes a group's lock, counts a write under it and lets it go.
func lockOnce(t *testing.T, l *MachineLocks) {
	t.Helper()
	m, err := l.acquire(context.Background(), "alicloud\x00cn-hangzhou\x00https://ecs-cn-hangzhou.aliyuncs.com", "sg-1")
	if err != nil {
		t.Fatal(err)
	}
	m.wrote()
	m.release()
}

// A folder named for our locks that we cannot trust is refused, whatever
// is wrong with it, and the locks go to the session's private folder (or
// the cache folder without one); Problem says which folder was refused,
// why, where the locks are instead and how to get the usual one back; and
// nothing outside the folder in use is written, the refused folder and
// whatever a link in its place points at included.
func TestLockFolderRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		plant func(t *testing.T, e lockEnv)
		why   string
		// noRuntime: no XDG_RUNTIME_DIR (or one that is refused too),
		// so the locks go to the cache folder.
		noRuntime func(t *testing.T, e lockEnv)
	}{
		{name: "owned by another user", why: "is owned by uid 65534, not 0", plant: func(t *testing.T, e lockEnv) {
			needRoot(t)
			mkdir(t, e.tempFolder(), 0o700)
			if err := os.Chown(e.tempFolder(), 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "writable by others", why: "has mode 0777: other users can write into it", plant: func(t *testing.T, e lockEnv) {
			mkdir(t, e.tempFolder(), 0o777)
		}},
		{name: "a symbolic link", plant: func(t *testing.T, e lockEnv) {
			victim := filepath.Join(e.root, "victim")
			mkdir(t, victim, 0o700)
			if err := os.WriteFile(filepath.Join(victim, "keep"), []byte("the victim's bytes"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(victim, e.tempFolder()); err != nil {
				t.Fatal(err)
			}
		}, why: "is a symbolic link to "},
		{name: "a file", why: "is not a directory (a regular file)", plant: func(t *testing.T, e lockEnv) {
			if err := os.WriteFile(e.tempFolder(), []byte("not a folder\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "a read-only TMPDIR", why: "cannot be made (", plant: func(t *testing.T, e lockEnv) {
			readOnly(t, e.tmp)
		}},
		{name: "writable by others, no XDG_RUNTIME_DIR", why: "has mode 0777", plant: func(t *testing.T, e lockEnv) {
			mkdir(t, e.tempFolder(), 0o777)
		}, noRuntime: func(t *testing.T, _ lockEnv) { t.Setenv("XDG_RUNTIME_DIR", "") }},
		{name: "writable by others, XDG_RUNTIME_DIR writable by others", why: "has mode 0777", plant: func(t *testing.T, e lockEnv) {
			mkdir(t, e.tempFolder(), 0o777)
		}, noRuntime: func(t *testing.T, e lockEnv) {
			if err := os.Chmod(e.runtime, 0o777); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newLockEnv(t)
			tc.plant(t, e)
			fallback := e.runtimeFolder()
			if tc.noRuntime != nil {
				tc.noRuntime(t, e)
				fallback = e.cacheFolder()
			}
			skip := fallback
			if tc.noRuntime != nil {
				skip = e.cache
			}
			before := treeOf(t, e.root, skip)
			l := DefaultMachineLocks()
			lockOnce(t, l)
			if l.Dir() != fallback {
				t.Fatalf("locks kept in %q, want %s", l.Dir(), fallback)
			}
			name := lockFileName("alicloud\x00cn-hangzhou\x00https://ecs-cn-hangzhou.aliyuncs.com", "sg-1")
			if fi, err := os.Lstat(filepath.Join(fallback, name)); err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
				t.Fatalf("lock file in %s: %v %v", fallback, fi, err)
			}
			if fi, err := os.Lstat(fallback); err != nil || fi.Mode().Perm() != 0o700 {
				t.Fatalf("fallback folder: %v %v, want mode 0700", fi, err)
			}
			summary, detail := l.Problem()
			for _, want := range []string{e.tempFolder() + ": " + tc.why, "kept in " + fallback + " instead", "rm -rf " + e.tempFolder()} {
				if !strings.Contains(detail, want) {
					t.Errorf("Problem does not say %q:\n%s\n%s", want, summary, detail)
				}
			}
			if summary == "" {
				t.Error("no summary")
			}
			sameSnapshot(t, before, treeOf(t, e.root, skip))
		})
	}
}

// Without any folder to trust, locking is off and Problem says so: every
// folder refused and why, and what is lost. Once one is usable again, the
// next lock uses it.
func TestLockFolderNoneUsable(t *testing.T) {
	e := newLockEnv(t)
	mkdir(t, e.tempFolder(), 0o777)
	t.Setenv("XDG_RUNTIME_DIR", "run")
	if err := os.WriteFile(e.cache, []byte("a file where the cache folder would be"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := treeOf(t, e.root)
	l := DefaultMachineLocks()
	if _, err := l.acquire(context.Background(), "scope", "sg-1"); !errors.Is(err, errNoLockFolder) {
		t.Fatalf("acquire without a folder: %v", err)
	}
	if n := l.peek("scope", "sg-1"); n != unknownCount {
		t.Fatalf("peek without a folder: %d, want unknown", n)
	}
	if file, holder := l.Describe("scope", "sg-1"); file != "" || holder != "" {
		t.Fatalf("Describe without a folder: %q %q", file, holder)
	}
	summary, detail := l.Problem()
	for _, want := range []string{
		e.tempFolder() + ": has mode 0777: other users can write into it",
		"run/terraform-provider-secgroup: XDG_RUNTIME_DIR is not an absolute path",
		e.cacheFolder() + ": cannot be made (not a directory)",
		"writes to one security group from several provider configurations (aliases) on this machine are not taken in turns, so two configurations that declare the same rule could both own it",
	} {
		if !strings.Contains(detail, want) {
			t.Errorf("Problem does not say %q:\n%s\n%s", want, summary, detail)
		}
	}
	if !strings.Contains(summary, "off") {
		t.Errorf("summary %q does not say locking is off", summary)
	}
	sameSnapshot(t, before, treeOf(t, e.root))

	if err := os.Remove(e.tempFolder()); err != nil {
		t.Fatal(err)
	}
	lockOnce(t, l)
	if l.Dir() != e.tempFolder() {
		t.Fatalf("locks in %q once the temporary folder could be made, want %s", l.Dir(), e.tempFolder())
	}
	if summary, detail := l.Problem(); summary != "" || detail != "" {
		t.Fatalf("a problem left: %s %s", summary, detail)
	}
}

// The folder is checked again at every lock: one a cleaner removed and
// another user made again is left for the fallback, and nothing is
// written into it.
func TestLockFolderCheckedAtEveryLock(t *testing.T) {
	e := newLockEnv(t)
	l := DefaultMachineLocks()
	lockOnce(t, l)
	if l.Dir() != e.tempFolder() {
		t.Fatalf("locks in %q, want %s", l.Dir(), e.tempFolder())
	}
	if err := os.RemoveAll(e.tempFolder()); err != nil {
		t.Fatal(err)
	}
	mkdir(t, e.tempFolder(), 0o777)
	lockOnce(t, l)
	if l.Dir() != e.runtimeFolder() {
		t.Fatalf("locks in %q after the folder was made again by another, want %s", l.Dir(), e.runtimeFolder())
	}
	if entries, _ := os.ReadDir(e.tempFolder()); len(entries) != 0 {
		t.Fatalf("written into the refused folder: %v", entries)
	}
	// And back once it is gone: every process must pick the same one.
	if err := os.Remove(e.tempFolder()); err != nil {
		t.Fatal(err)
	}
	lockOnce(t, l)
	if l.Dir() != e.tempFolder() {
		t.Fatalf("locks in %q once the folder was gone, want %s again", l.Dir(), e.tempFolder())
	}
}

// A folder of ours that others may only read is tightened and used.
func TestLockFolderReadableIsTightened(t *testing.T) {
	e := newLockEnv(t)
	mkdir(t, e.tempFolder(), 0o755)
	l := DefaultMachineLocks()
	lockOnce(t, l)
	if l.Dir() != e.tempFolder() {
		t.Fatalf("locks in %q, want %s", l.Dir(), e.tempFolder())
	}
	if fi, err := os.Lstat(e.tempFolder()); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("folder %v %v, want mode 0700", fi, err)
	}
	if summary, _ := l.Problem(); summary != "" {
		t.Fatalf("a problem: %s", summary)
	}
}

// A lock file that is not the plain file we make is never used: a link is
// not followed, a file with another name (a hard link) or of another
// owner or mode is refused, with an error naming it and what is wrong;
// what the link points at is never written; a peek at it reads "unknown",
// so the group is read again.
func TestLockFileRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		plant func(t *testing.T, lock, victim string)
		why   string
	}{
		{name: "a symbolic link", why: "is a symbolic link: not followed", plant: func(t *testing.T, lock, victim string) {
			if err := os.Symlink(victim, lock); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "a hard link", why: "has 2 links", plant: func(t *testing.T, lock, victim string) {
			if err := os.Link(victim, lock); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "readable by others", why: "has mode 0644", plant: func(t *testing.T, lock, _ string) {
			if err := os.WriteFile(lock, make([]byte, 8), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(lock, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "owned by another user", why: "is owned by uid 65534, not 0", plant: func(t *testing.T, lock, _ string) {
			needRoot(t)
			if err := os.WriteFile(lock, make([]byte, 8), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(lock, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "a folder", why: "is not a regular file (a directory)", plant: func(t *testing.T, lock, _ string) {
			mkdir(t, lock, 0o700)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newLockEnv(t)
			victim := filepath.Join(e.root, "victim")
			if err := os.WriteFile(victim, []byte("\x01\x02\x03\x04\x05\x06\x07\x08the victim's bytes"), 0o600); err != nil {
				t.Fatal(err)
			}
			l := DefaultMachineLocks()
			if l.Dir() != e.tempFolder() {
				t.Fatalf("locks in %q, want %s", l.Dir(), e.tempFolder())
			}
			lock := filepath.Join(e.tempFolder(), lockFileName("scope", "sg-1"))
			tc.plant(t, lock, victim)
			before := treeOf(t, e.root)
			_, err := l.acquire(context.Background(), "scope", "sg-1")
			if err == nil || !strings.Contains(err.Error(), lock) || !strings.Contains(err.Error(), tc.why) {
				t.Fatalf("acquire: %v, want an error naming %s and saying %q", err, lock, tc.why)
			}
			if n := l.peek("scope", "sg-1"); n != unknownCount {
				t.Fatalf("peek: %d, want unknown", n)
			}
			if _, holder := l.Describe("scope", "sg-1"); holder != "" {
				t.Fatalf("Describe read holder %q", holder)
			}
			sameSnapshot(t, before, treeOf(t, e.root))
		})
	}
}

func mkdir(t *testing.T, dir string, mode os.FileMode) {
	t.Helper()
	if err := os.Mkdir(dir, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
}
