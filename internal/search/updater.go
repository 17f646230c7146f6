package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/codegraph-dev/codegraph/internal/search/embed"
	"github.com/codegraph-dev/codegraph/internal/search/grep"
	"github.com/codegraph-dev/codegraph/internal/search/lexical"
	"github.com/codegraph-dev/codegraph/internal/search/vector"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// ErrClosed is returned by the methods of an Updater that was closed.
var ErrClosed = errors.New("search: updater is closed")

// Updater is a long-lived writer of a store's search indexes: it keeps the
// lexical and grep indexes, the embedder (with its decoded model) and the
// vector index open across updates, so that a one-file update pays for
// what changed rather than for opening every index. Each Update persists
// its changes before it returns, as the one-shot Update does, so that a
// reader that opens the indexes afterwards (in any process) sees them.
//
// The open indexes are dropped, to be reopened at the next update, after a
// rebuild, after an error (memory may then differ from disk) and when the
// state file changed underneath (another writer rebuilt the indexes). Its
// methods are safe for concurrent use; updates are serialised. Only one
// writer may update a store's search indexes at a time: the caller holds
// the store's writer lock for the Updater's life.
type Updater struct {
	st   *store.Store
	dir  string // the search directory
	root string
	cfg  Config

	mu     sync.Mutex
	closed bool
	// state is the state file's content as last read or written, valid
	// while the file is stamp (nil stamp: read it again).
	state  State
	stamp  os.FileInfo
	reason string // why the next update rebuilds, for state ("" when usable)

	lex *lexical.Index
	gi  *grep.Index
	emb embed.Embedder
	vec *vector.Persistent

	// deferMerge makes updates save only the lexical delta and merge it
	// into a new base afterwards, in the background (mergeLater), once it
	// outgrows the merge threshold: a branch switch's update then does
	// not wait for rewriting the whole lexical index. A one-shot Update
	// merges at once, as it used to.
	deferMerge bool
	merging    bool // a mergeLater goroutine is pending (guarded by mu)
	stop       context.Context
	cancel     context.CancelFunc
	wg         sync.WaitGroup // the mergeLater goroutine
}

// NewUpdater returns an Updater of the search indexes of the store st,
// kept in dbDir, over the sources under root. Nothing is opened until the
// first update (or Warm). The caller must Close it; closing it does not
// close st.
func NewUpdater(st *store.Store, dbDir, root string, cfg Config) *Updater {
	u := &Updater{st: st, dir: filepath.Join(dbDir, DirName), root: root, cfg: cfg, deferMerge: true}
	u.stop, u.cancel = context.WithCancel(context.Background())
	return u
}

// mergeLaterLocked starts the background merge of the lexical delta when
// it is due and none is pending. Called with mu held.
func (u *Updater) mergeLaterLocked() {
	if !u.deferMerge || u.merging || u.lex == nil || !u.lex.MergeDue() {
		return
	}
	u.merging = true
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		u.mu.Lock()
		defer u.mu.Unlock()
		u.merging = false
		if u.closed || u.lex == nil || !u.lex.MergeDue() {
			return
		}
		start := time.Now()
		// Save merges a delta that is due. The state file does not
		// change: the same documents, in another layout.
		if err := u.lex.Save(u.stop, filepath.Join(u.dir, lexicalDir)); err != nil {
			if u.stop.Err() == nil {
				u.cfg.logger().Warn("merging the lexical index", "err", err)
			}
			u.dropLocked() // reopened from disk at the next update
			return
		}
		u.cfg.logger().Debug("merged the lexical index", "duration", time.Since(start))
	}()
}

// Update brings the search indexes up to date after an index run that made
// changes ch, as the package-level Update does.
func (u *Updater) Update(ctx context.Context, ch Changes) (UpdateStats, error) {
	start := time.Now()
	u.mu.Lock()
	defer u.mu.Unlock()
	var stats UpdateStats
	if u.closed {
		return stats, ErrClosed
	}
	reason, err := u.checkLocked()
	if err != nil {
		return stats, err
	}
	if reason == "" && ch.Rebuild {
		reason = "bulk update"
	}
	if reason == "" {
		stats, err = u.updateLocked(ctx, ch)
		var nr *needRebuild
		if errors.As(err, &nr) {
			reason = nr.reason
		} else if err != nil {
			u.dropLocked()
			return stats, err
		}
		if reason == "" {
			u.mergeLaterLocked()
		}
	}
	if reason != "" {
		u.dropLocked()
		u.cfg.logger().Info("rebuilding the search indexes", "reason", reason)
		stats, err = rebuild(ctx, u.st, u.dir, u.root, u.cfg, ch.Bulk)
		stats.Rebuilt, stats.Reason = true, reason
		u.stamp = nil // re-read the state the rebuild wrote
		if err != nil {
			return stats, err
		}
	}
	stats.Duration = time.Since(start)
	return stats, nil
}

// NewBulk returns an empty Bulk for this Updater's indexes (see
// Changes.Bulk).
func (u *Updater) NewBulk() *Bulk { return newBulk(&u.cfg) }

// SaveBulk writes the lexical and trigram indexes b built now, when b
// holds every file of the store, and lets go of their memory: an index run
// calls it once its files are written, so that they are not held while
// resolution runs beside the rest of the rebuild (Update with
// Changes.Bulk, which must follow). The search indexes are unusable from
// here until that rebuild finishes (the state file goes first). A b that
// does not cover the store is left as it is (the rebuild reads the
// documents back).
func (u *Updater) SaveBulk(ctx context.Context, b *Bulk) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return ErrClosed
	}
	ok, err := b.covers(u.st)
	if err != nil || !ok {
		return err
	}
	u.dropLocked()
	u.stamp = nil
	if err := prepareRebuild(u.dir); err != nil {
		return err
	}
	return b.saveText(ctx, u.dir)
}

// UpdateReady applies ch as Update does when the indexes are usable as
// they are, and otherwise does nothing and returns false: writes outside
// an index run (nodes created through the API) never start a rebuild of
// every index; the next index run makes it and picks them up.
func (u *Updater) UpdateReady(ctx context.Context, ch Changes) (bool, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return false, ErrClosed
	}
	reason, err := u.checkLocked()
	if err != nil || reason != "" {
		return false, err
	}
	if _, err := u.updateLocked(ctx, ch); err != nil {
		u.dropLocked()
		var nr *needRebuild
		if errors.As(err, &nr) {
			return false, nil
		}
		return false, err
	}
	u.mergeLaterLocked()
	return true, nil
}

// RebuildReason says why the next Update will rebuild the indexes ("" when
// they are usable as they are): an index run with no changes updates only
// then.
func (u *Updater) RebuildReason() (string, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return "", ErrClosed
	}
	return u.checkLocked()
}

// Warm opens the indexes (and loads the embedder) now rather than at the
// next update, so that the first update after a start or a rebuild costs
// no more than the others. It does nothing when the indexes need a rebuild.
func (u *Updater) Warm(ctx context.Context) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return ErrClosed
	}
	reason, err := u.checkLocked()
	if err != nil || reason != "" {
		return err
	}
	err = u.openLocked()
	if err == nil && u.state.Embedder != "" {
		err = u.openVectorsLocked(ctx, true)
	}
	var nr *needRebuild
	if errors.As(err, &nr) {
		err = nil // the next update rebuilds
	}
	if err != nil {
		u.dropLocked()
	}
	return err
}

// Close stops a background merge and closes the open indexes (a delta not
// yet merged stays on disk, readable; the next update merges it). The
// Updater must not be used after.
func (u *Updater) Close() error {
	u.cancel()
	u.mu.Lock()
	if u.closed {
		u.mu.Unlock()
		return nil
	}
	u.closed = true
	err := u.dropLocked()
	u.mu.Unlock()
	u.wg.Wait()
	return err
}

// checkLocked returns why the indexes must be rebuilt ("" when usable),
// re-reading the state file (and dropping the open indexes) when it is
// not the one last seen.
func (u *Updater) checkLocked() (string, error) {
	fi, err := os.Stat(filepath.Join(u.dir, stateFile))
	if err != nil {
		fi = nil
	}
	if u.stamp != nil && fi != nil && os.SameFile(u.stamp, fi) && u.stamp.ModTime().Equal(fi.ModTime()) && u.stamp.Size() == fi.Size() {
		return u.reason, nil
	}
	// First use, or the indexes were rewritten underneath: what is open
	// may be stale.
	u.dropLocked()
	state, reason, err := rebuildReason(u.dir, &u.cfg)
	if err != nil {
		u.stamp = nil
		return "", err
	}
	u.state, u.reason, u.stamp = state, reason, fi
	return reason, nil
}

// dropLocked closes every open index.
func (u *Updater) dropLocked() error {
	var errs []error
	if u.lex != nil {
		errs = append(errs, u.lex.Close())
	}
	if u.gi != nil {
		errs = append(errs, u.gi.Close())
	}
	if u.vec != nil {
		errs = append(errs, u.vec.Close())
	}
	u.lex, u.gi, u.emb, u.vec = nil, nil, nil, nil
	return errors.Join(errs...)
}

// openLocked opens the lexical and grep indexes unless already open. An
// unusable index gives a needRebuild.
func (u *Updater) openLocked() error {
	var err error
	if u.lex == nil {
		if u.lex, err = lexical.Open(filepath.Join(u.dir, lexicalDir), nil); err != nil {
			return &needRebuild{"lexical index: " + err.Error()}
		}
	}
	if u.gi == nil {
		if u.gi, err = grep.Open(filepath.Join(u.dir, grepDir), grep.Options{}); err != nil {
			return &needRebuild{"grep index: " + err.Error()}
		}
	}
	return nil
}

// openVectorsLocked opens the vector index and, with embedder, the
// embedder (decoding the built-in model), unless already open. The state
// must have vectors. An unusable index or model gives a needRebuild.
func (u *Updater) openVectorsLocked(ctx context.Context, embedder bool) error {
	var err error
	if embedder && u.emb == nil {
		var model *embed.Model
		if isBuiltin(&u.cfg.Embedding) {
			if model, err = embed.Load(filepath.Join(u.dir, modelFile)); err != nil {
				return &needRebuild{"embedding model: " + err.Error()}
			}
		}
		emb, err := newEmbedder(ctx, &u.cfg.Embedding, model)
		if errors.Is(err, embed.ErrDimension) {
			return &needRebuild{err.Error()}
		} else if err != nil {
			return err
		}
		if emb.ID() != u.state.Embedder {
			return &needRebuild{fmt.Sprintf("embedding provider changed from %s to %s", u.state.Embedder, emb.ID())}
		}
		u.emb = emb
	}
	if u.vec == nil {
		if u.vec, err = vector.OpenPersistent(ctx, filepath.Join(u.dir, vectorsFile), vectorOptions(u.state.Dim, 0)); err != nil {
			return &needRebuild{"vector index: " + err.Error()}
		}
	}
	return nil
}

// writeStateLocked publishes s and remembers it as the current state.
func (u *Updater) writeStateLocked(s State) error {
	if err := finishState(u.dir, s); err != nil {
		u.stamp = nil
		return err
	}
	fi, err := os.Stat(filepath.Join(u.dir, stateFile))
	if err != nil {
		u.stamp = nil
		return fmt.Errorf("search: %w", err)
	}
	u.state, u.stamp = s, fi
	return nil
}
