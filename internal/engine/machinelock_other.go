//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || windows)

package engine

import "os"

// fileLocks: none here, so the machine locks are off, and the provider's
// configuration warns (lockFolders, Problem); each process then decides
// by the describe before its write alone.
const fileLocks = false

func tryLock(*os.File) error { return nil }

func unlock(*os.File) error { return nil }
