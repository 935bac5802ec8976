//go:build unix

package mockcloud

import (
	"errors"
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
