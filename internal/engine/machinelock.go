package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// MachineLocks make this machine's provider processes take turns writing to a
// security group, and count the writes made under each lock (DESIGN.md, "The
// machine locks").
type MachineLocks struct {
	// folders lists the folders the locks may live in, best first.
	folders func() []folderChoice
	now     func() time.Time

	mu sync.Mutex
	// folder is the folder in use, nil when none could be; chosen is
	// the index of its choice. refused are the better choices the last
	// selection turned down, in order.
	folder   *lockFolder
	chosen   int
	selected bool
	refused  []refusal
}

// folderChoice is a folder the locks may live in.
type folderChoice struct {
	path string
	// parents may be made too (a fallback under the user's cache folder);
	// otherwise only the folder itself.
	parents bool
	// refused, when set, is why it cannot be used without looking at it.
	refused string
}

// refusal is a folder turned down and why.
type refusal struct{ path, why string }

// NewMachineLocks keeps the lock files in dir, made when missing.
func NewMachineLocks(dir string) *MachineLocks {
	return &MachineLocks{folders: func() []folderChoice { return []folderChoice{{path: dir, parents: true}} }, now: time.Now}
}

// DefaultMachineLocks keeps them in this user's folder under the system's
// temporary folder, or a private fallback where that one is not safe
// (lockFolders). Nothing is looked at until the first lock.
func DefaultMachineLocks() *MachineLocks {
	return &MachineLocks{folders: lockFolders, now: time.Now}
}

// tempLockFolder is the folder every release keeps its locks in first.
func tempLockFolder(uid int) string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("terraform-provider-secgroup-%d", uid))
}

// errNoLockFolder: no folder could be used; locking is off.
var errNoLockFolder = errors.New("no folder for the machine locks")

// current returns the folder to use, choosing it again when the one in use
// fails its check or is a fallback (every process must use the same one).
// Called with mu held.
func (l *MachineLocks) current() (*lockFolder, error) {
	if l.selected && l.folder != nil && l.chosen == 0 && l.folder.unchanged() {
		return l.folder, nil
	}
	l.selected = true
	if l.folder != nil {
		l.folder.close()
		l.folder = nil
	}
	l.refused = nil
	for i, c := range l.folders() {
		if c.refused != "" {
			l.refused = append(l.refused, refusal{c.path, c.refused})
			continue
		}
		f, err := useFolder(c)
		if err != nil {
			l.refused = append(l.refused, refusal{c.path, err.Error()})
			continue
		}
		l.folder, l.chosen = f, i
		return f, nil
	}
	return nil, fmt.Errorf("%w: %s", errNoLockFolder, l.refusals())
}

func (l *MachineLocks) refusals() string {
	var b strings.Builder
	for _, r := range l.refused {
		fmt.Fprintf(&b, "\n  - %s: %s", r.path, r.why)
	}
	return b.String()
}

// Problem says what is wrong with the folders of the machine locks, for a
// warning: summary is empty when the first choice is in use. It looks at
// the folders (choosing one) when nothing has yet.
func (l *MachineLocks) Problem() (summary, detail string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	folder, err := l.current()
	if err != nil {
		return "Machine locks off: no private folder for them",
			"The secgroup provider found no folder for its lock files that only this user can write into:" + l.refusals() +
				"\n\nWithout the locks, writes to one security group from several provider configurations (aliases) on this machine are not taken in turns, " +
				"so two configurations that declare the same rule could both own it. " +
				"To fix it, remove the first folder (its owner or root can) or make one of the others usable (XDG_RUNTIME_DIR or XDG_CACHE_HOME naming a folder of this user's)."
	}
	if len(l.refused) == 0 {
		return "", ""
	}
	return "Machine lock folder refused: another user may control it",
		"The secgroup provider keeps the lock files that make its processes on this machine take turns writing to a security group in a folder only this user can write into. It refused:" +
			l.refusals() +
			"\n\nA folder of that name that this user did not make may be another local user's, made to hold a lock forever or to plant a link under a lock file's name. " +
			"The locks are kept in " + folder.path + " instead, which every secgroup provider process of this user picks while the folder above stays refused. " +
			"To use the usual folder again, remove it (its owner or root can): rm -rf " + shellQuote(l.refused[0].path)
}

// Dir is the folder the locks are kept in now, "" when none can be used.
func (l *MachineLocks) Dir() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	folder, err := l.current()
	if err != nil {
		return ""
	}
	return folder.path
}

// MachineLockProblem is Problem of the coordinator's machine locks; empty
// when it has none.
func (gs *Groups) MachineLockProblem() (summary, detail string) {
	if gs.settings.Machine == nil {
		return "", ""
	}
	return gs.settings.Machine.Problem()
}

func shellQuote(s string) string {
	if strings.ContainsAny(s, " '\"$`\\!*?[]{}()<>|&;#~\t\n") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}

// lockFileName is the lock file of a group in a lock scope (cloud, region,
// endpoint: cloud.Cloud.Scope), named by a digest: scopes hold endpoints and ids
// hold any character.
func lockFileName(scope, id string) string {
	sum := sha256.Sum256([]byte(scope + "\x00" + id))
	return hex.EncodeToString(sum[:20]) + ".lock"
}

// open opens a group's lock file in the current folder, made when create
// is set, and returns it and its path. A file that is missing (and not to
// be made) is fs.ErrNotExist; one that fails its check is an error naming
// it and what is wrong.
func (l *MachineLocks) open(scope, id string, create bool) (*os.File, string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	folder, err := l.current()
	if err != nil {
		return nil, "", err
	}
	name := lockFileName(scope, id)
	f, err := folder.open(name, create)
	return f, filepath.Join(folder.path, name), err
}

// machineLock is a held lock and the count of writes it guards.
type machineLock struct {
	f     *os.File
	count uint64
}

// Lock file: write count at offset 0 (8 bytes LE), holder record at 8 (56
// bytes, NUL-padded): a format shared across releases (DESIGN.md, "Persisted
// formats"; TestLockFileLayout).
const (
	countSize    = 8
	holderOffset = countSize
	holderSize   = 56
)

// lockPoll is how often a lock held by another process is tried again.
const lockPoll = 5 * time.Millisecond

// LockWaitError is a lock wait that the context ended: the group, its lock
// file and its holder as recorded ("" when none is), and the context's
// error, which it wraps.
type LockWaitError struct {
	Group, File, Holder string
	Err                 error
}

func (e *LockWaitError) Error() string {
	holder := "a process that did not record itself"
	if e.Holder != "" {
		holder = "another provider process (" + e.Holder + ")"
	}
	return fmt.Sprintf("waited for the machine lock of security group %s (%s), held by %s: %v", e.Group, e.File, holder, e.Err)
}

func (e *LockWaitError) Unwrap() error { return e.Err }

// acquire takes a group's lock, waiting while another process holds it,
// until ctx ends: then the error is a *LockWaitError wrapping ctx's. The
// lock records its holder while held.
func (l *MachineLocks) acquire(ctx context.Context, scope, id string) (*machineLock, error) {
	f, path, err := l.open(scope, id, true)
	if err != nil {
		return nil, err
	}
	for {
		err := tryLock(f)
		if err == nil {
			break
		}
		if !errors.Is(err, errLocked) {
			_ = f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		t := time.NewTimer(lockPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			holder := readHolder(f)
			_ = f.Close()
			return nil, &LockWaitError{Group: id, File: path, Holder: holder, Err: ctx.Err()}
		case <-t.C:
		}
	}
	rec := holderRecord(os.Getpid(), l.now())
	_, _ = f.WriteAt(rec[:], holderOffset)
	return &machineLock{f: f, count: readCount(f)}, nil
}

// Describe names a group's lock for a message without taking it: its file
// ("" when no folder can be used) and its holder as recorded ("" when
// none is).
func (l *MachineLocks) Describe(scope, id string) (file, holder string) {
	f, path, err := l.open(scope, id, false)
	if err != nil {
		return path, ""
	}
	defer f.Close()
	return path, readHolder(f)
}

// unknownCount is peek's answer when the count cannot be read: no lock
// ever reaches it (2^64-1 writes), so knowledge current with it is taken
// as stale and the group is read again.
const unknownCount = ^uint64(0)

// peek reads a group's count without the lock. A count read while another
// process writes is at worst an old one, which only costs a describe. A
// missing file counts 0 (no process has written under it); a file that
// fails its check, or no folder, is unknownCount.
func (l *MachineLocks) peek(scope, id string) uint64 {
	f, _, err := l.open(scope, id, false)
	if errors.Is(err, fs.ErrNotExist) {
		return 0
	}
	if err != nil {
		return unknownCount
	}
	defer f.Close()
	return readCount(f)
}

// wrote counts a write made under the lock and returns the new count.
func (m *machineLock) wrote() uint64 {
	m.count++
	var b [countSize]byte
	binary.LittleEndian.PutUint64(b[:], m.count)
	_, _ = m.f.WriteAt(b[:], 0)
	return m.count
}

// release clears the holder and lets the next process in.
func (m *machineLock) release() {
	var none [holderSize]byte
	_, _ = m.f.WriteAt(none[:], holderOffset)
	_ = unlock(m.f)
	_ = m.f.Close()
}

func readCount(f *os.File) uint64 {
	var b [countSize]byte
	if n, _ := f.ReadAt(b[:], 0); n < len(b) {
		return 0
	}
	return binary.LittleEndian.Uint64(b[:])
}

// holderRecord is the holder as the lock file keeps it.
func holderRecord(pid int, since time.Time) [holderSize]byte {
	var b [holderSize]byte
	copy(b[:], fmt.Sprintf("pid=%d since=%s", pid, since.UTC().Format(time.RFC3339)))
	return b
}

// readHolder is the recorded holder, "" when none is. Only printable
// ASCII is kept: the file is shared with other releases.
func readHolder(f *os.File) string {
	var b [holderSize]byte
	n, _ := f.ReadAt(b[:], holderOffset)
	rec, _, _ := bytes.Cut(b[:n], []byte{0})
	return strings.Map(func(r rune) rune {
		if r < ' ' || r > '~' {
			return -1
		}
		return r
	}, string(rec))
}

// errLocked: another process holds the lock.
var errLocked = errors.New("locked by another process")
