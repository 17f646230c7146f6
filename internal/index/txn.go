package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"time"

	"github.com/codegraph-dev/codegraph/internal/resolve"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// A run is a transaction of phases (extraction, deletion, resolution,
// search): MetaRun is written before the first phase with Complete unset
// and rewritten with Complete set only after the last one. A run that
// finds the previous one incomplete (killed, or failed part-way) cannot
// know what that run left undone, so it re-resolves every edge and
// rebuilds the search indexes, which converges to what an index built
// from scratch holds.
const (
	MetaRun = "run" // JSON RunState
	// MetaResolver is the resolve.Version that resolved the index: another
	// version re-resolves every edge.
	MetaResolver = "resolver_version"
	// MetaResolveInputs fingerprints the files resolution reads besides
	// the sources (go.mod, tsconfig.json, package.json, Cargo.toml): a
	// change re-resolves every edge.
	MetaResolveInputs = "resolve_inputs"
)

// RunState is the transaction marker of the last run of an index.
type RunState struct {
	Gen      uint64 `json:"gen"`                // runs started on this index
	Complete bool   `json:"complete"`           // every phase finished
	Started  int64  `json:"started"`            // unix nanoseconds
	Finished int64  `json:"finished,omitempty"` // unix nanoseconds, when Complete
	// Search is set when the run built or updated the search indexes (a
	// run with NoSearch leaves them as they were).
	Search bool `json:"search,omitempty"`
	// Recovered is set when the run finished an interrupted one.
	Recovered bool `json:"recovered,omitempty"`
}

// LastRun returns the transaction marker of the last run of the index in
// st; ok is false for an index written before markers existed (or never
// indexed).
func LastRun(st *store.Store) (s RunState, ok bool, err error) {
	b, err := st.Meta(MetaRun)
	if errors.Is(err, store.ErrNotFound) {
		return s, false, nil
	}
	if err != nil {
		return s, false, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, false, fmt.Errorf("index: run marker: %w", err)
	}
	return s, true, nil
}

// ErrIncomplete says that the last run of an index stopped before it
// finished (its resolution or search indexes may be partial); the next
// index or watch run completes it.
var ErrIncomplete = errors.New("the last index run did not finish; the next index run completes it")

// Incomplete returns ErrIncomplete when the last run of the index in st
// did not finish, nil otherwise.
func Incomplete(st *store.Store) error {
	s, ok, err := LastRun(st)
	if err != nil {
		return err
	}
	if ok && !s.Complete {
		return ErrIncomplete
	}
	return nil
}

// begin writes the marker of a new run and says why the run must resolve
// every edge again ("" when an incremental resolution is enough).
func (r *run) begin() error {
	prev, ok, err := LastRun(r.st)
	if err != nil {
		// A marker we cannot read is a marker of a run we cannot trust.
		r.opts.Logger.Warn("index: unreadable run marker", "err", err)
		ok, prev = true, RunState{}
	}
	hasFiles := false
	if err := r.st.Files(func(store.FileMeta) error { hasFiles = true; return errStop }); err != nil && !errors.Is(err, errStop) {
		return fmt.Errorf("index: read file list: %w", err)
	}
	switch {
	case !hasFiles:
		// A new index: its first resolution looks at every edge.
		r.fresh = true
	case ok && !prev.Complete:
		r.recovering = true
		r.reresolve = "the last run did not finish"
	case r.opts.Force:
		r.reresolve = "--force"
	default:
		if v, err := r.st.Meta(MetaResolver); err != nil || string(v) != strconv.Itoa(resolve.Version) {
			r.reresolve = "resolution rules changed"
		}
	}
	r.state = RunState{Gen: prev.Gen + 1, Started: time.Now().UnixNano()}
	b := r.st.NewBatch()
	defer b.Close()
	mark, err := json.Marshal(r.state)
	if err != nil {
		return err
	}
	if err := b.SetMeta(MetaRun, mark); err != nil {
		return err
	}
	// Not synced: any later write that reaches the disk comes after it in
	// the write-ahead log, so it is there whenever they are (a bulk load's
	// tables bypass the log, and the store syncs the log before it
	// ingests them).
	if err := b.Commit(false); err != nil {
		return fmt.Errorf("index: commit: %w", err)
	}
	return nil
}

var errStop = errors.New("stop")

// commitDone marks the run complete, with the resolver version and the
// resolution inputs it resolved with.
func (r *run) commitDone(inputs string, searched bool) error {
	b := r.st.NewBatch()
	defer b.Close()
	r.state.Complete, r.state.Finished = true, time.Now().UnixNano()
	r.state.Search, r.state.Recovered = searched, r.recovering
	mark, err := json.Marshal(r.state)
	if err != nil {
		return err
	}
	if err := b.SetMeta(MetaRun, mark); err != nil {
		return err
	}
	if err := b.SetMeta(MetaResolver, []byte(strconv.Itoa(resolve.Version))); err != nil {
		return err
	}
	if inputs != "" {
		if err := b.SetMeta(MetaResolveInputs, []byte(inputs)); err != nil {
			return err
		}
	}
	if err := b.Commit(false); err != nil {
		return fmt.Errorf("index: commit: %w", err)
	}
	return nil
}

// resolveInputs fingerprints the resolution inputs of the indexed files'
// directories and their parents (see resolve.InputFiles).
func (r *run) resolveInputs() (string, error) {
	dirs := map[string]bool{}
	err := r.st.Files(func(m store.FileMeta) error {
		for d := path.Dir(m.Path); !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
			if d == "." || d == "/" {
				break
			}
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("index: read file list: %w", err)
	}
	return resolve.InputFingerprint(r.root, dirs)
}

// isInput reports whether the repository-relative path p is a file
// resolution reads (or a directory holding one), so that a targeted run
// over it re-resolves every edge.
func (r *run) isInput(p string) bool {
	if resolve.IsInput(path.Base(p)) {
		return true
	}
	ents, err := os.ReadDir(filepath.Join(r.root, filepath.FromSlash(p)))
	if err != nil {
		return false
	}
	for _, e := range ents {
		if resolve.IsInput(e.Name()) {
			return true
		}
	}
	return false
}

// testHook, when set (by tests), is called at the boundaries between a
// run's phases: "loaded" (a bulk load's tables ingested, nothing else
// written since), "written" (the files' facts committed, nothing resolved),
// "resolved" (resolution and search done, the run not yet marked
// complete).
var testHook func(phase string)

func (r *run) hook(phase string) {
	if testHook != nil {
		testHook(phase)
	}
}
