package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/walk"
)

// ErrSelectionDeletes is wrapped by a *SelectionDeletesError.
var ErrSelectionDeletes = errors.New("the changed file selection would delete most of the index")

// SelectionDeletesError stops a run whose file selection (Include,
// Exclude, Languages, MaxFileSize, NoDefaultIgnores, NoGitignore) differs
// from the one stored with the index and would delete more than half of
// the indexed files: a typo in a flag (--max-file-size 1TB, --include
// '[') should not wipe an index. Nothing has been written when it is
// returned; Options.ConfirmDeletes lets such a run go ahead.
type SelectionDeletesError struct {
	Indexed int      `json:"indexed"`      // files in the index
	Delete  int      `json:"would_delete"` // of them, those the new selection drops
	Changed []string `json:"changed"`      // the selection options that differ, as flag names
}

func (e *SelectionDeletesError) Error() string {
	return fmt.Sprintf("index: the file selection changed (%s) and this run would delete %d of the %d indexed files; nothing was changed",
		strings.Join(e.Changed, ", "), e.Delete, e.Indexed)
}

// Is makes errors.Is(err, ErrSelectionDeletes) true.
func (e *SelectionDeletesError) Is(target error) bool { return target == ErrSelectionDeletes }

// checkSelectionDeletes returns a *SelectionDeletesError when a whole-tree
// run with a file selection other than the stored one would delete more
// than half of the indexed files (old, minus those seen by the walk).
func checkSelectionDeletes(st *store.Store, o *Options, old map[string]store.FileMeta, seen map[string]bool) error {
	if o.ConfirmDeletes || o.ReuseOptions {
		return nil
	}
	indexed, del := 0, 0
	for p := range old {
		if graph.Synthetic(p) {
			continue
		}
		indexed++
		if !seen[p] {
			del++
		}
	}
	if indexed == 0 || 2*del <= indexed {
		return nil
	}
	b, err := st.Meta(MetaOptions)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var prev selection
	if err := json.Unmarshal(b, &prev); err != nil {
		return fmt.Errorf("index: stored options: %w", err)
	}
	changed := selectionOf(o).diff(&prev)
	if len(changed) == 0 {
		return nil // files deleted from the tree: the index follows
	}
	return &SelectionDeletesError{Indexed: indexed, Delete: del, Changed: changed}
}

// diff names, as command-line flags, the options in which s and prev
// select differently.
func (s selection) diff(prev *selection) []string {
	size := func(n int64) int64 {
		if n <= 0 {
			return walk.DefaultMaxFileSize
		}
		return n
	}
	sorted := func(l []string) []string { return slices.Sorted(slices.Values(l)) }
	var d []string
	if !slices.Equal(s.Include, prev.Include) {
		d = append(d, "--include")
	}
	if !slices.Equal(s.Exclude, prev.Exclude) {
		d = append(d, "--exclude")
	}
	if !slices.Equal(sorted(s.Languages), sorted(prev.Languages)) {
		d = append(d, "--lang")
	}
	if size(s.MaxFileSize) != size(prev.MaxFileSize) {
		d = append(d, "--max-file-size")
	}
	if s.NoDefaultIgnores != prev.NoDefaultIgnores {
		d = append(d, "--no-default-ignores")
	}
	if s.NoGitignore != prev.NoGitignore {
		d = append(d, "--no-gitignore")
	}
	return d
}
