//go:build unix

package mockcloud

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// ownedByMe refuses a file of another user, or one others may write.
func ownedByMe(fi fs.FileInfo) error {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return errors.New("owned by another user")
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return errors.New("writable by other users")
	}
	return nil
}

// privateDir refuses a directory where another user may remove, rename or
// replace a file of this user: one others may write, without the sticky
// bit (as /tmp has) that keeps them to their own files. A directory its
// group may write counts as shared unless that group is this user's own
// primary group (the usual private group); its other members, if any, are
// trusted.
func privateDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if ok && int(st.Uid) != os.Getuid() && st.Uid != 0 {
		// Its owner may remove or rename any file in it, sticky or not.
		return fmt.Errorf("directory %s: owned by another user", dir)
	}
	if fi.Mode()&fs.ModeSticky != 0 {
		return nil
	}
	perm := fi.Mode().Perm()
	switch {
	case perm&0o002 != 0:
		return fmt.Errorf("directory %s: any user may write it (mode %v, not sticky)", dir, perm)
	case ok && perm&0o020 != 0 && int(st.Gid) != os.Getgid():
		return fmt.Errorf("directory %s: its group (gid %d) may write it (mode %v, not sticky)", dir, st.Gid, perm)
	}
	return nil
}
