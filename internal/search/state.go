package search

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/codegraph-dev/codegraph/internal/indexfile"
)

// FormatVersion changes whenever what the search indexes hold for the
// same store changes; an index of another version is rebuilt.
//
//	1: first version.
//	2: every index file in an indexfile container (block checksums); the
//	   lexical, grep, vector and model formats bumped with it.
const FormatVersion = 2

// Directory and file names under the store directory.
const (
	DirName     = "search"
	stateFile   = "state.json"
	lexicalDir  = "lexical"
	grepDir     = "grep"
	modelFile   = "model.bin"
	vectorsFile = "vectors.cgv"
)

// State records what the search indexes were built from.
type State struct {
	Version int `json:"version"`
	// Embedder is the ID of the embedder the vectors came from ("" when
	// there are no vectors).
	Embedder string `json:"embedder,omitempty"`
	Dim      int    `json:"dim,omitempty"`
	Symbols  int    `json:"symbols"`
	Files    int    `json:"files"`
	Vectors  int    `json:"vectors"`
}

func readState(dir string) (State, error) {
	var s State
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("search state: %w", err)
	}
	return s, nil
}

// writeState publishes s atomically and durably (indexfile.WriteRaw: temp
// file, fsync, rename, directory fsync).
func writeState(dir string, s State) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return indexfile.WriteRaw(filepath.Join(dir, stateFile), b, 0o644)
}

// Remove deletes the search indexes of the store in dbDir, so that the
// next Update rebuilds them: `codegraph index --rebuild`. The caller holds
// the store's writer lock.
func Remove(dbDir string) error {
	if err := os.RemoveAll(filepath.Join(dbDir, DirName)); err != nil {
		return fmt.Errorf("search: delete the search indexes: %w", err)
	}
	return nil
}

// ErrNoIndex is returned when a store has no search indexes yet.
var ErrNoIndex = errors.New("no search index")

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// ReadState returns what the search indexes of the store in dbDir were
// built from; an error wrapping ErrNoIndex when there are none.
func ReadState(dbDir string) (State, error) {
	s, err := readState(filepath.Join(dbDir, DirName))
	if isNotExist(err) {
		return s, ErrNoIndex
	}
	return s, err
}
