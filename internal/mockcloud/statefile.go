package mockcloud

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"sync"
)

// stateFile keeps the cloud in a file between runs (mockcloud --state):
// GET /_mock/state's JSON, rewritten whole after every change.
type stateFile struct {
	path string
	mu   sync.Mutex
	// last is what the file holds, so that a call that changed nothing
	// (a describe) writes nothing.
	last []byte
}

// KeepState keeps the cloud in path: when the file exists, its groups
// replace the store's (the saved cloud is the whole cloud; a reset still
// returns to the fixtures); from then on every change is saved there, and
// once more by Close. The file is read only when it is a regular file of
// this user that no one else may write, and written by renaming a fresh
// file made beside it: a link or file someone else left there is neither
// followed nor written through.
//
// The file's directory must be private too: where others may write (and
// it is not sticky), they could remove or swap the file between runs,
// and a run would start from what they left, or silently from the
// fixtures.
func (s *Server) KeepState(path string) error {
	if err := privateDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("%s: %w: others could remove or replace the state between runs; keep it in a directory only you may write", path, err)
	}
	sf := &stateFile{path: path}
	saved, err := readStateFile(path)
	if err != nil {
		return err
	}
	if saved != nil {
		s.Store.ReplaceGroups(saved.Groups())
	}
	if err := sf.save(s); err != nil {
		return err
	}
	s.state = sf
	s.Store.OnChange(func() {
		if err := sf.save(s); err != nil {
			log.Printf("mockcloud: --state: %v", err)
		}
	})
	return nil
}

// readStateFile reads a saved cloud; nil when there is none.
func readStateFile(path string) (*GroupsFile, error) {
	data, err := readOwnFile(path, "mockcloud reads its state only from a file it wrote")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// An empty file (one mktemp made for --state) holds no state: mockcloud
	// never leaves one (it renames a whole synced file into place), and the
	// checks above have made sure it is this user's, so nothing is lost.
	if len(data) == 0 {
		return nil, nil
	}
	return ParseGroups(path, data)
}

// ReadGroupsFile reads and checks a groups file (mockcloud --fixtures),
// as KeepState reads its state: only a regular file of this user that no
// one else may write, not through a link, of at most 64 MiB. Fixtures
// decide the whole cloud a module's tests see, and are as often put in a
// shared place as a state.
func ReadGroupsFile(path string) (*GroupsFile, error) {
	data, err := readOwnFile(path, "mockcloud reads fixtures only from a regular file of this user that no one else may write")
	if err != nil {
		return nil, err
	}
	return ParseGroups(path, data)
}

// maxGroupsFile caps what a groups file may hold: far more than any
// cloud's groups, and little enough to read whole.
const maxGroupsFile = 64 << 20

// readOwnFile reads path when it is a regular file (not a link) of this
// user that no one else may write, and at most maxGroupsFile long; why
// says, in its errors, why mockcloud asks that. A missing file is an error
// that errors.Is fs.ErrNotExist.
func readOwnFile(path, why string) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 || !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (a link, say): %s", path, why)
	}
	if err := ownedByMe(fi); err != nil {
		return nil, fmt.Errorf("%s: %w: %s", path, err, why)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file opened must be the one checked, not one put in its place
	// since.
	if opened, err := f.Stat(); err != nil || !os.SameFile(fi, opened) {
		return nil, fmt.Errorf("%s changed while it was opened", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxGroupsFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxGroupsFile {
		return nil, fmt.Errorf("%s is larger than %d MiB: mockcloud reads groups files of at most that", path, maxGroupsFile>>20)
	}
	return data, nil
}

// save writes the store's state when it differs from what the file holds.
func (sf *stateFile) save(s *Server) error {
	sf.mu.Lock()
	defer sf.mu.Unlock()
	data, err := s.Store.MarshalState()
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if bytes.Equal(data, sf.last) {
		return nil
	}
	if err := writeAtomically(sf.path, data); err != nil {
		return err
	}
	sf.last = data
	return nil
}

// writeAtomically replaces path with data: a new file (created exclusively,
// mode 0600) in the same directory, synced, then renamed over path, so a
// reader sees the old state or the new one, never half of one, and a link
// at path is replaced, not followed.
func writeAtomically(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	done = true
	return nil
}
