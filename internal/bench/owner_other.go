//go:build !unix

package main

import "io/fs"

// owner is not known where files have no user id (Windows).
func owner(fs.FileInfo) (int, bool) { return 0, false }
