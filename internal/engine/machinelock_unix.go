//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

func tryLock(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLocked
	}
	return err
}

func unlock(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }

// lockFolders are the folders the locks may live in, best first, from the
// environment alone (DESIGN.md, "The machine locks": Where): the temporary
// folder's, $XDG_RUNTIME_DIR's when it is private, the user cache folder's.
func lockFolders() []folderChoice {
	out := []folderChoice{{path: tempLockFolder(os.Geteuid())}}
	if rt := os.Getenv("XDG_RUNTIME_DIR"); rt != "" {
		c := folderChoice{path: filepath.Join(rt, "terraform-provider-secgroup")}
		if !filepath.IsAbs(rt) {
			c.refused = "XDG_RUNTIME_DIR is not an absolute path"
		} else if fi, err := os.Lstat(rt); err != nil {
			c.refused = "XDG_RUNTIME_DIR " + errText(err)
		} else if why, _ := judgeFolder(fi); why != "" {
			c.refused = "XDG_RUNTIME_DIR " + why
		}
		out = append(out, c)
	}
	if cache, err := os.UserCacheDir(); err != nil {
		out = append(out, folderChoice{path: "the user's cache folder", refused: err.Error()})
	} else {
		out = append(out, folderChoice{path: filepath.Join(cache, "terraform-provider-secgroup", "locks"), parents: true})
	}
	return out
}

// lockFolder is a folder in use, held open: lock files are opened
// relative to it, so a folder swapped after its check is never written
// into.
type lockFolder struct {
	path     string
	dir      *os.File
	dev, ino uint64
}

// useFolder makes a folder when missing (mode 0700) and checks it (DESIGN.md,
// "The machine locks": Where); the error says why it cannot be used.
func useFolder(c folderChoice) (*lockFolder, error) {
	if c.parents {
		if err := os.MkdirAll(filepath.Dir(c.path), 0o700); err != nil {
			return nil, fmt.Errorf("cannot be made (%s)", errText(err))
		}
	}
	if err := os.Mkdir(c.path, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("cannot be made (%s)", errText(err))
	}
	fi, err := os.Lstat(c.path)
	if err != nil {
		return nil, errors.New(errText(err))
	}
	if why, _ := judgeFolder(fi); why != "" {
		if fi.Mode()&fs.ModeSymlink != 0 {
			if to, err := os.Readlink(c.path); err == nil {
				why += " to " + to
			}
		}
		return nil, errors.New(why)
	}
	// The check above read a name; what is opened is checked again, so
	// a folder put in its place in between is refused too.
	dir, err := os.OpenFile(c.path, os.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot be opened (%s)", errText(err))
	}
	f := &lockFolder{path: c.path, dir: dir}
	if err := f.check(); err != nil {
		f.close()
		return nil, err
	}
	if err := unix.Faccessat(int(dir.Fd()), ".", unix.W_OK, 0); err != nil {
		f.close()
		return nil, fmt.Errorf("cannot be written (%s)", errText(err))
	}
	return f, nil
}

// check looks at the open folder: a directory of the user's that nobody
// else can write into, tightened to 0700 where others could only read.
func (f *lockFolder) check() error {
	fi, err := f.dir.Stat()
	if err != nil {
		return errors.New(errText(err))
	}
	why, tighten := judgeFolder(fi)
	if why != "" {
		return errors.New(why)
	}
	if tighten {
		if err := f.dir.Chmod(0o700); err != nil {
			return fmt.Errorf("has mode %04o and cannot be made 0700 (%s)", fi.Mode().Perm(), errText(err))
		}
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok { // judgeFolder refused it already
		return errors.New("cannot be checked")
	}
	f.dev, f.ino = uint64(st.Dev), uint64(st.Ino) //nolint:unconvert // their types vary by system
	return nil
}

// judgeFolder says why a folder cannot hold the locks ("" when it can)
// and whether it needs its bits for others taken away first.
func judgeFolder(fi fs.FileInfo) (why string, tighten bool) {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return "is a symbolic link", false
	case !fi.IsDir():
		return "is not a directory (" + kindOf(fi.Mode()) + ")", false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "cannot be checked", false
	}
	if euid := os.Geteuid(); int(st.Uid) != euid {
		return fmt.Sprintf("is owned by uid %d, not %d (the user running Terraform)", st.Uid, euid), false
	}
	perm := fi.Mode().Perm()
	if perm&0o022 != 0 {
		return fmt.Sprintf("has mode %04o: other users can write into it", perm), false
	}
	return "", perm&0o077 != 0
}

// unchanged reports whether the folder's path still names the folder held
// open and it still passes its check.
func (f *lockFolder) unchanged() bool {
	fi, err := os.Lstat(f.path)
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || uint64(st.Dev) != f.dev || uint64(st.Ino) != f.ino { //nolint:unconvert // their types vary by system
		return false
	}
	return f.check() == nil
}

func (f *lockFolder) close() { _ = f.dir.Close() }

// open opens a lock file in the folder without following a link (made
// 0600 when create is set) and checks it: a regular file of the user's,
// with one link and no bits for others. The error names the file.
func (f *lockFolder) open(name string, create bool) (*os.File, error) {
	path := filepath.Join(f.path, name)
	flags := unix.O_RDONLY | unix.O_NOFOLLOW | unix.O_CLOEXEC
	if create {
		flags = unix.O_RDWR | unix.O_CREAT | unix.O_NOFOLLOW | unix.O_CLOEXEC
	}
	fd, err := unix.Openat(int(f.dir.Fd()), name, flags, 0o600)
	if err != nil {
		// O_NOFOLLOW's error differs by system (ELOOP, EMLINK, EFTYPE):
		// the file says what it is.
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("lock file %s is a symbolic link: not followed", path)
		} else if lerr == nil && !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("lock file %s is not a regular file (%s)", path, kindOf(fi.Mode()))
		}
		return nil, &fs.PathError{Op: "open lock file", Path: path, Err: err}
	}
	file := os.NewFile(uintptr(fd), path)
	if why := judgeLockFile(file); why != "" {
		_ = file.Close()
		return nil, fmt.Errorf("lock file %s %s", path, why)
	}
	return file, nil
}

// judgeLockFile says why an open lock file cannot be used, "" when it can.
func judgeLockFile(f *os.File) string {
	fi, err := f.Stat()
	if err != nil {
		return "cannot be checked (" + errText(err) + ")"
	}
	if !fi.Mode().IsRegular() {
		return "is not a regular file (" + kindOf(fi.Mode()) + ")"
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "cannot be checked"
	}
	if euid := os.Geteuid(); int(st.Uid) != euid {
		return fmt.Sprintf("is owned by uid %d, not %d (the user running Terraform)", st.Uid, euid)
	}
	if n := uint64(st.Nlink); n != 1 { //nolint:unconvert // its type varies by system
		return fmt.Sprintf("has %d links: another name reaches it", n)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Sprintf("has mode %04o: others can reach it", perm)
	}
	return ""
}

func kindOf(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m&fs.ModeDir != 0:
		return "a directory"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "mode " + m.String()
}

// errText is an error without the path its message would repeat.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
