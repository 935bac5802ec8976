package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The lock file is a format processes of different releases share: the
// write count at offset 0 (8 bytes, little-endian), the holder at offset 8
// (56 bytes of ASCII, NUL-padded) while the lock is held, NUL once it is
// released. A file of the first layout (the count alone) reads as its
// count and no holder.
func TestLockFileLayout(t *testing.T) {
	rec := holderRecord(1234, time.Date(2026, 12, 6, 15, 5, 26, 900, time.FixedZone("CET", 3600)))
	if golden := "pid=1234 since=2026-12-06T14:05:26Z\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"; string(rec[:]) != golden {
		t.Fatalf("holder record %q, want %q", rec, golden)
	}

	l := NewMachineLocks(t.TempDir())
	l.now = func() time.Time { return time.Date(2026, 12, 6, 14, 5, 26, 0, time.UTC) }
	m, err := l.acquire(context.Background(), "scope", "sg-1")
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		m.wrote()
	}
	path := filepath.Join(l.Dir(), lockFileName("scope", "sg-1"))
	holder := fmt.Sprintf("pid=%d since=2026-12-06T14:05:26Z", os.Getpid())
	held := "\x03\x00\x00\x00\x00\x00\x00\x00" + holder + strings.Repeat("\x00", 56-len(holder))
	if got := readFile(t, path); got != held {
		t.Fatalf("held lock file\n%q, want\n%q", got, held)
	}
	m.release()
	if got, want := readFile(t, path), "\x03\x00\x00\x00\x00\x00\x00\x00"+strings.Repeat("\x00", 56); got != want {
		t.Fatalf("released lock file\n%q, want\n%q", got, want)
	}

	old := filepath.Join(l.Dir(), lockFileName("scope", "sg-2"))
	if err := os.WriteFile(old, []byte{7, 0, 0, 0, 0, 0, 0, 0}, 0o600); err != nil {
		t.Fatal(err)
	}
	if n := l.peek("scope", "sg-2"); n != 7 {
		t.Fatalf("count of a first-layout file %d, want 7", n)
	}
	if _, h := l.Describe("scope", "sg-2"); h != "" {
		t.Fatalf("holder of a first-layout file %q, want none", h)
	}
	m, err = l.acquire(context.Background(), "scope", "sg-2")
	if err != nil {
		t.Fatal(err)
	}
	defer m.release()
	if m.count != 7 || m.wrote() != 8 {
		t.Fatalf("count %d after taking a first-layout file, want 7 then 8", m.count)
	}
	if got, want := readFile(t, old), "\x08\x00\x00\x00\x00\x00\x00\x00"+holder+strings.Repeat("\x00", 56-len(holder)); got != want {
		t.Fatalf("first-layout file once held\n%q, want\n%q", got, want)
	}
}

// A wait the context ends names what it waited for: the group, the lock
// file and its holder as recorded, and is still the context's error.
func TestLockWaitNamesTheLock(t *testing.T) {
	l := NewMachineLocks(t.TempDir())
	l.now = func() time.Time { return time.Date(2026, 12, 6, 14, 5, 26, 0, time.UTC) }
	held, err := l.acquire(context.Background(), "scope", "sg-1")
	if err != nil {
		t.Fatal(err)
	}
	defer held.release()
	file := filepath.Join(l.Dir(), lockFileName("scope", "sg-1"))
	holder := fmt.Sprintf("pid=%d since=2026-12-06T14:05:26Z", os.Getpid())

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err = l.acquire(ctx, "scope", "sg-1")
	var wait *LockWaitError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &wait) {
		t.Fatalf("a wait past the deadline: %v, want a LockWaitError wrapping the deadline", err)
	}
	if wait.Group != "sg-1" || wait.File != file || wait.Holder != holder {
		t.Fatalf("the wait names group %q, file %q, holder %q; want sg-1, %s, %s", wait.Group, wait.File, wait.Holder, file, holder)
	}
	for _, want := range []string{"sg-1", file, holder, "deadline exceeded"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}

	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err := l.acquire(ctx, "scope", "sg-1"); !errors.Is(err, context.Canceled) || !errors.As(err, &wait) {
		t.Fatalf("a canceled wait: %v, want a LockWaitError wrapping the cancel", err)
	}
}

// Describe names a lock and its holder without taking it or making it.
func TestDescribeNamesTheLockWithoutTakingIt(t *testing.T) {
	l := NewMachineLocks(t.TempDir())
	l.now = func() time.Time { return time.Date(2026, 12, 6, 14, 5, 26, 0, time.UTC) }
	want := filepath.Join(l.Dir(), lockFileName("scope", "sg-1"))
	if file, holder := l.Describe("scope", "sg-1"); file != want || holder != "" {
		t.Fatalf("an unused lock: %q %q, want %s and no holder", file, holder, want)
	}
	if _, err := os.Lstat(want); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Describe made the lock file: %v", err)
	}
	m, err := l.acquire(context.Background(), "scope", "sg-1")
	if err != nil {
		t.Fatal(err)
	}
	if file, holder := l.Describe("scope", "sg-1"); file != want || holder != fmt.Sprintf("pid=%d since=2026-12-06T14:05:26Z", os.Getpid()) {
		t.Fatalf("a held lock: %q %q", file, holder)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := l.acquire(ctx, "scope", "sg-1"); err == nil {
		t.Fatal("the lock was free while held: Describe released it")
	}
	m.release()
	if _, holder := l.Describe("scope", "sg-1"); holder != "" {
		t.Fatalf("a released lock still names holder %q", holder)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
