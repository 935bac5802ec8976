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
func (s *Server) KeepState(path string) error {
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
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 || !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (a link, say): mockcloud reads its state only from a file it wrote", path)
	}
	if err := ownedByMe(fi); err != nil {
		return nil, fmt.Errorf("%s: %w: mockcloud reads its state only from a file it wrote", path, err)
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
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	return ParseGroups(path, data)
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
