//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Without the Unix checks of owners and modes, the locks live in the
// temporary folder's folder for the user, as they always have here.
func lockFolders() []folderChoice {
	return []folderChoice{{path: tempLockFolder(os.Getuid()), parents: true}}
}

// lockFolder is a folder in use.
type lockFolder struct{ path string }

// useFolder makes the folder when missing.
func useFolder(c folderChoice) (*lockFolder, error) {
	if err := os.MkdirAll(c.path, 0o700); err != nil {
		return nil, fmt.Errorf("cannot be made (%s)", errText(err))
	}
	return &lockFolder{path: c.path}, nil
}

// unchanged reports whether the folder is still there.
func (f *lockFolder) unchanged() bool {
	fi, err := os.Stat(f.path)
	return err == nil && fi.IsDir()
}

func (f *lockFolder) close() {}

// open opens a lock file of the folder, made when create is set.
func (f *lockFolder) open(name string, create bool) (*os.File, error) {
	flags := os.O_RDONLY
	if create {
		flags = os.O_RDWR | os.O_CREATE
	}
	return os.OpenFile(filepath.Join(f.path, name), flags, 0o600)
}

// errText is an error without the path its message would repeat.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
