package search

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/indexfile"
	"github.com/codegraph-dev/codegraph/internal/search/embed"
	"github.com/codegraph-dev/codegraph/internal/search/grep"
	"github.com/codegraph-dev/codegraph/internal/search/lexical"
	"github.com/codegraph-dev/codegraph/internal/search/vector"
)

// ErrCorrupt is wrapped by the errors for search indexes that are damaged
// (a file truncated, missing or failing its checksums) or outdated.
var ErrCorrupt = indexfile.ErrCorrupt

// DamagedError reports a damaged search index. It wraps ErrCorrupt and the
// error found; the front doors add how to rebuild (service.CodeRebuildNeeded).
type DamagedError struct {
	What string // "lexical index", "vector index", ...
	Err  error  // names the file
}

func (e *DamagedError) Error() string {
	var ce *indexfile.CorruptError
	if errors.As(e.Err, &ce) { // names the file and says what is wrong
		return e.Reason()
	}
	return fmt.Sprintf("search %s is damaged: %s", e.What, e.Reason())
}

// Reason is the error found.
func (e *DamagedError) Reason() string { return e.Err.Error() }

// Unwrap returns the error found.
func (e *DamagedError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrCorrupt) hold.
func (e *DamagedError) Is(target error) bool { return target == ErrCorrupt }

// damaged returns err as a *DamagedError of what, unless it already is one.
func damaged(what string, err error) error {
	var de *DamagedError
	if err == nil || errors.As(err, &de) {
		return err
	}
	return &DamagedError{What: what, Err: err}
}

// Check verifies the search indexes of the store in dbDir: the state file
// and every index file it implies, checksums included (each file version
// once per process, so a server's readiness probe pays for it once). It
// returns the state, an error wrapping ErrNoIndex when there is none or it
// is of another format version, and a *DamagedError naming the file when
// one is missing or damaged.
func Check(dbDir string) (State, error) {
	dir := filepath.Join(dbDir, DirName)
	st, err := readState(dir)
	if isNotExist(err) {
		return st, ErrNoIndex
	}
	if err != nil {
		return st, damaged("state", fmt.Errorf("%s: %w", filepath.Join(dir, stateFile), err))
	}
	if st.Version != FormatVersion {
		// Outdated, not damaged: the next index run rebuilds it.
		return st, outdatedError{st.Version}
	}
	return st, checkFiles(dir, st)
}

// checkFiles verifies the index files state implies.
func checkFiles(dir string, st State) error {
	lex, err := lexical.Open(filepath.Join(dir, lexicalDir), nil)
	if err == nil {
		err = lex.VerifyChecksums()
		lex.Close()
	}
	if err != nil {
		return damaged("lexical index", err)
	}
	gi, err := grep.Open(filepath.Join(dir, grepDir), grep.Options{})
	if err == nil {
		err = gi.VerifyChecksums()
		gi.Close()
	}
	if err != nil {
		return damaged("grep index", err)
	}
	if st.Embedder == "" {
		return nil
	}
	vec, err := vector.Open(filepath.Join(dir, vectorsFile))
	if err != nil {
		return damaged("vector index", err)
	}
	vec.Close()
	model := filepath.Join(dir, modelFile)
	if strings.HasPrefix(st.Embedder, embed.ProviderBuiltin) {
		// Only the built-in embedder has a model file.
		if err := embed.Verify(model); err != nil {
			return damaged("embedding model", err)
		}
	}
	return nil
}

// outdatedError is a search index of another format version: no usable
// index (errors.Is ErrNoIndex), which the next index run rebuilds.
type outdatedError struct{ version int }

func (e outdatedError) Error() string {
	return fmt.Sprintf("search index format %d, this codegraph reads %d: the next index run rebuilds it", e.version, FormatVersion)
}

func (e outdatedError) Is(target error) bool { return target == ErrNoIndex }
