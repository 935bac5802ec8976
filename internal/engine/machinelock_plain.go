//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// lockFolders: without the Unix checks of owners and modes, the user's own
// cache folder (%LocalAppData% on Windows), never a temporary folder (DESIGN.md,
// "The machine locks": Where); off where the system has no file locks we use.
func lockFolders() []folderChoice {
	if !fileLocks {
		return []folderChoice{{path: "(no folder)", refused: "this system (" + runtime.GOOS + ") has no file locks the provider uses"}}
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return []folderChoice{{path: "the user's cache folder", refused: errText(err)}}
	}
	return []folderChoice{{path: filepath.Join(dir, "terraform-provider-secgroup", "locks"), parents: true}}
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
