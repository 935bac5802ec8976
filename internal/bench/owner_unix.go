//go:build unix

package main

import (
	"io/fs"
	"syscall"
)

// owner is the user id that owns a file.
func owner(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}
