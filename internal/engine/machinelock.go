package engine

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// MachineLocks serialise the writes to one security group among the
// provider processes of this machine. Terraform starts one plugin process
// per provider configuration, so two aliases that reach one group write
// from two processes, each blind to the other's writes; on clouds that
// answer a repeated authorize with success (ECS, Apsara Stack), both would
// then take the same rule for their own. Each group has a lock file that
// also counts the writes made under it: a process that finds the count
// moved since it last read the group reads it again before it decides what
// to write, and holds the lock until its created rules are read back, so
// the next writer's describe shows them.
//
// Writers on other machines (another Terraform run, another tool) are not
// serialised by it; for them the cloud's own times decide (group.readBack).
type MachineLocks struct {
	dir string
}

// NewMachineLocks keeps the lock files in dir, made when missing.
func NewMachineLocks(dir string) *MachineLocks { return &MachineLocks{dir: dir} }

// DefaultMachineLocks keeps them in the system's temporary directory, one
// folder per user.
func DefaultMachineLocks() *MachineLocks {
	return NewMachineLocks(filepath.Join(os.TempDir(), fmt.Sprintf("terraform-provider-secgroup-%d", os.Getuid())))
}

// path is the lock file of a group in a scope (cloud, account, region,
// endpoint), named by a digest: scopes hold endpoints and ids hold any
// character.
func (l *MachineLocks) path(scope, id string) string {
	sum := sha256.Sum256([]byte(scope + "\x00" + id))
	return filepath.Join(l.dir, hex.EncodeToString(sum[:20])+".lock")
}

// machineLock is a held lock and the count of writes it guards.
type machineLock struct {
	f     *os.File
	count uint64
}

// lockPoll is how often a lock held by another process is tried again.
const lockPoll = 5 * time.Millisecond

// acquire takes a group's lock, waiting while another process holds it,
// until ctx ends.
func (l *MachineLocks) acquire(ctx context.Context, scope, id string) (*machineLock, error) {
	f, err := os.OpenFile(l.path(scope, id), os.O_RDWR|os.O_CREATE, 0o600)
	if errors.Is(err, os.ErrNotExist) {
		// The folder, the first time (or after a cleaner of the
		// temporary directory).
		if err = os.MkdirAll(l.dir, 0o700); err == nil {
			f, err = os.OpenFile(l.path(scope, id), os.O_RDWR|os.O_CREATE, 0o600)
		}
	}
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
			return nil, err
		}
		t := time.NewTimer(lockPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			_ = f.Close()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	return &machineLock{f: f, count: readCount(f)}, nil
}

// peek reads a group's count without the lock. A count read while another
// process writes is at worst an old one, which only costs a describe.
func (l *MachineLocks) peek(scope, id string) uint64 {
	f, err := os.Open(l.path(scope, id))
	if err != nil {
		return 0
	}
	defer f.Close()
	return readCount(f)
}

// wrote counts a write made under the lock and returns the new count.
func (m *machineLock) wrote() uint64 {
	m.count++
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], m.count)
	_, _ = m.f.WriteAt(b[:], 0)
	return m.count
}

// release lets the next process in.
func (m *machineLock) release() {
	_ = unlock(m.f)
	_ = m.f.Close()
}

func readCount(f *os.File) uint64 {
	var b [8]byte
	if n, _ := f.ReadAt(b[:], 0); n < len(b) {
		return 0
	}
	return binary.LittleEndian.Uint64(b[:])
}

// errLocked: another process holds the lock.
var errLocked = errors.New("locked by another process")

// ErrNoLockFolder: the machine has no folder where locks are safe.
// TEMPORARY: replaced by the lockdir branch.
var ErrNoLockFolder = errors.New("no safe folder for machine locks")

// Describe names a group's lock file and what holds it, for messages.
// TEMPORARY: replaced by the lockdir branch.
func (l *MachineLocks) Describe(scope, id string) (file, holder string) {
	return l.path(scope, id), ""
}
