// Package check verifies the integrity of an index: the checksums of every
// file of the store and of the search indexes, the agreement of the
// store's key spaces (edges between stored nodes, outgoing and incoming
// adjacency, indexes), the agreement of the search indexes with the store,
// and the transaction marker of the last index run. It is what `codegraph
// check` runs; it reads, never repairs.
//
// It sits above store, search and index and below the front doors.
package check

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// Area names the part of an index a Problem is in.
type Area string

// The areas of an index.
const (
	AreaStore  Area = "store"  // the Pebble files (checksums, manifest)
	AreaGraph  Area = "graph"  // agreement between the store's key spaces
	AreaSearch Area = "search" // the search index files and their agreement with the store
	AreaRun    Area = "run"    // the transaction marker of the last index run
)

// Remedy is what recovers from a Problem. It names no command: each front
// door words it for its users (the command line's `codegraph check`
// names the commands to run).
type Remedy uint8

// The remedies, by what is wrong.
const (
	// RemedyRebuild repairs damaged files: the search indexes are
	// rebuilt, and the store too when its blocks fail their checksums.
	RemedyRebuild Remedy = iota + 1
	// RemedyComplete finishes an interrupted run: index again.
	RemedyComplete
	// RemedyRecreate is for a store whose checksums hold but whose facts
	// disagree (a bug, or files of two stores mixed): nothing in it can be
	// trusted, so it is built again from the source (or restored from a
	// backup).
	RemedyRecreate
)

var remedies = [...]struct{ name, text string }{
	RemedyRebuild:  {"rebuild", "rebuild the index"},
	RemedyComplete: {"complete", "index again to complete the run"},
	RemedyRecreate: {"recreate", "delete the index and build it again (or restore a backup)"},
}

// String says what to do, naming no command.
func (r Remedy) String() string {
	if int(r) < len(remedies) && r > 0 {
		return remedies[r].text
	}
	return "unknown remedy"
}

// MarshalText gives the remedy's name: rebuild, complete or recreate.
func (r Remedy) MarshalText() ([]byte, error) {
	if int(r) < len(remedies) && r > 0 {
		return []byte(remedies[r].name), nil
	}
	return nil, fmt.Errorf("check: unknown remedy %d", r)
}

// Problem is one thing found wrong.
type Problem struct {
	Area    Area   `json:"area"`
	What    string `json:"what"`
	Count   int    `json:"count,omitempty"`   // keys that show it (graph problems)
	Example string `json:"example,omitempty"` // one of them, or the file
	Fix     Remedy `json:"fix"`
}

// Finding describes the problem without its remedy.
func (p Problem) Finding() string {
	s := fmt.Sprintf("%s: %s", p.Area, p.What)
	if p.Count > 1 {
		s += fmt.Sprintf(" (%d keys)", p.Count)
	}
	if p.Example != "" {
		s += "; e.g. " + p.Example
	}
	return s
}

func (p Problem) String() string { return p.Finding() + "; " + p.Fix.String() }

// Report is the result of a check.
type Report struct {
	DB       string          `json:"db"`
	Nodes    uint64          `json:"nodes"`
	Edges    uint64          `json:"edges"`
	Search   *search.State   `json:"search,omitempty"`
	Run      *index.RunState `json:"run,omitempty"`
	Problems []Problem       `json:"problems"`
	// Notes say what could not be checked and why (a writer was busy).
	Notes []string `json:"notes,omitempty"`
}

// OK reports whether nothing was found wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

func (r *Report) add(p Problem) { r.Problems = append(r.Problems, p) }

// ErrNoIndex is returned by Run when dbDir holds no index.
var ErrNoIndex = store.ErrNotFound

// Run checks the index in dbDir, reading the whole store and every search
// index file. It opens the store read-only (a writer may be running; the
// check sees the store as it was at the open). Damage and disagreement are
// Problems in the Report; the error is for a check that could not be made
// (no index there, cancelled, an I/O error that is not damage).
func Run(ctx context.Context, dbDir string) (*Report, error) {
	rep := &Report{DB: dbDir, Problems: []Problem{}}
	st, err := store.Open(dbDir, store.Options{ReadOnly: true})
	if err != nil {
		if damage(rep, err) {
			return rep, nil
		}
		return nil, err
	}
	defer st.Close()

	// Every block of every table, then every key and value.
	if err := st.Check(ctx); err != nil {
		if damage(rep, err) {
			return rep, nil // nothing else can be trusted
		}
		return nil, err
	}
	g, err := st.CheckGraph(ctx)
	if err != nil {
		if damage(rep, err) {
			return rep, nil
		}
		return nil, err
	}
	rep.Nodes, rep.Edges = g.Nodes, g.Edges
	for _, p := range g.Problems {
		rep.add(Problem{Area: AreaGraph, What: p.What, Count: p.Count, Example: p.Example, Fix: RemedyRecreate})
	}

	run, ok, err := index.LastRun(st)
	switch {
	case err != nil && errors.Is(err, store.ErrCorrupt):
		damage(rep, err)
	case err != nil:
		rep.add(Problem{Area: AreaRun, What: "the run marker cannot be read: " + err.Error(), Fix: RemedyComplete})
	case ok:
		rep.Run = &run
		switch {
		case run.Complete:
		case store.WriterActive(dbDir):
			// Running, not interrupted: its end completes the marker.
			rep.Notes = append(rep.Notes, "an index run is in progress (a process holds the writer lock): "+
				"its resolution and search indexes are not compared; check again when it has finished")
		default:
			rep.add(Problem{Area: AreaRun, What: "the last index run did not finish (its resolution or search indexes may be partial)", Fix: RemedyComplete})
		}
	}

	if err := checkSearch(ctx, st, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

// sameRun reports whether the live index in dbDir is still at the run rep
// saw: a writer that began another run meanwhile may have changed the
// search indexes after the store was opened.
func sameRun(dbDir string, rep *Report) bool {
	st, err := store.Open(dbDir, store.Options{ReadOnly: true})
	if err != nil {
		return false
	}
	defer st.Close()
	run, ok, err := index.LastRun(st)
	if err != nil || !ok {
		return err == nil && rep.Run == nil
	}
	return rep.Run != nil && run.Gen == rep.Run.Gen && run.Complete
}

// damage records err as a store problem when it reports damage.
func damage(rep *Report, err error) bool {
	var ce *store.CorruptError
	if errors.As(err, &ce) {
		rep.add(Problem{Area: AreaStore, What: "damaged: " + ce.Reason(), Example: ce.File, Fix: RemedyRebuild})
		return true
	}
	if errors.Is(err, store.ErrCorrupt) || errors.Is(err, store.ErrSchemaMismatch) {
		rep.add(Problem{Area: AreaStore, What: err.Error(), Fix: RemedyRebuild})
		return true
	}
	return false
}

// checkSearch verifies the search index files (search.Check: every block
// checksum) and compares their counts with the store's.
func checkSearch(ctx context.Context, st *store.Store, rep *Report) error {
	state, err := search.Check(st.Dir())
	switch {
	case errors.Is(err, search.ErrCorrupt):
		what := err.Error()
		var de *search.DamagedError
		if errors.As(err, &de) {
			what = de.What + " is damaged: " + de.Reason()
		}
		rep.add(Problem{Area: AreaSearch, What: what, Fix: RemedyRebuild})
		return nil
	case errors.Is(err, search.ErrNoIndex):
		// Indexed with --no-search, or outdated: not damage. Searches say
		// so themselves.
		if rep.Run != nil && rep.Run.Search {
			rep.add(Problem{Area: AreaSearch, What: strings.TrimSuffix(err.Error(), "."), Fix: RemedyRebuild})
		}
		return nil
	case err != nil:
		return err
	}
	rep.Search = &state
	var docs, vectors, files int
	err = st.AllNodes(func(n graph.Node) error {
		if search.IsDoc(n.Kind) {
			docs++
			if n.Kind.IsCallable() || n.Kind.IsType() {
				vectors++
			}
		}
		return nil
	})
	if err == nil {
		err = st.Files(func(m store.FileMeta) error {
			if !graph.Synthetic(m.Path) {
				files++
			}
			return nil
		})
	}
	if err != nil {
		if damage(rep, err) {
			return nil
		}
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if rep.Run != nil && !rep.Run.Complete {
		return nil // noted above
	}
	if !sameRun(st.Dir(), rep) {
		rep.Notes = append(rep.Notes, "the index changed during the check: the search indexes were not compared with the store; check again")
		return nil
	}
	disagree := func(what string, got, want int) {
		rep.add(Problem{Area: AreaSearch,
			What: fmt.Sprintf("the search indexes disagree with the store: %d %s indexed, the store holds %d", got, what, want),
			Fix:  RemedyRebuild})
	}
	if state.Symbols != docs {
		disagree("symbols", state.Symbols, docs)
	}
	if state.Files > files {
		// Files that could not be read when indexed have no text: fewer
		// is possible, more is not.
		disagree("files", state.Files, files)
	}
	if state.Embedder != "" && state.Vectors != vectors {
		disagree("vectors", state.Vectors, vectors)
	}
	return nil
}
