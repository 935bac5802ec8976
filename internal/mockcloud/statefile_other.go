//go:build !unix

package mockcloud

import "io/fs"

// ownedByMe: other systems' owners and modes are not Unix's; the file's
// directory decides who may change it.
func ownedByMe(fs.FileInfo) error { return nil }

// privateDir: other systems' directory permissions are not Unix's.
func privateDir(string) error { return nil }
