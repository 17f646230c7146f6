package service

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// verifyOrigin makes sure the index in r.db was built for r.root by an
// index run on this machine before anything serves it. A store directory
// can arrive with the repository (a .codegraph/ committed or unpacked
// with it): its nodes, API-created ones included, would otherwise be
// served as if extracted from this source, and API nodes survive even a
// full re-index. An index whose recorded root is missing or names another
// directory is moved aside (nothing is deleted) and rebuilt from the
// source. A store some live process holds the writer lock of is left
// alone: it is being written here.
func (r *Repo) verifyOrigin() {
	ro, err := store.Open(r.db, store.Options{ReadOnly: true, Logger: r.log})
	if err != nil {
		return // no store yet, or one the normal path reports on
	}
	recorded, merr := ro.Meta(index.MetaRoot)
	ro.Close()
	if merr == nil && sameDir(string(recorded), r.root) {
		return
	}
	// Not built for this root, or never finished: unless a live process
	// is writing it now (a first run records the root at its end), it is
	// not ours.
	st, err := store.Open(r.db, store.Options{Logger: r.log})
	if err != nil {
		if !errors.Is(err, store.ErrLocked) {
			r.log.Debug("service: verify index origin", "db", r.db, "err", err)
		}
		return
	}
	if err := st.Close(); err != nil {
		r.log.Debug("service: verify index origin", "db", r.db, "err", err)
		return
	}
	aside := fmt.Sprintf("%s.untrusted-%d", r.db, time.Now().UnixNano())
	if err := os.Rename(r.db, aside); err != nil {
		r.log.Error("service: the index was not built for this repository and cannot be moved aside: rebuild it with codegraph index --force",
			"db", r.db, "recorded_root", string(recorded), "root", r.root, "err", err)
		return
	}
	r.log.Warn("service: the index was built for another directory (or came with the repository): moved aside and rebuilt from the source",
		"db", r.db, "recorded_root", string(recorded), "root", r.root, "moved_to", aside)
}

// sameDir reports whether a and b name the same directory.
func sameDir(a, b string) bool {
	if a == "" {
		return false
	}
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	ea, err1 := filepath.EvalSymlinks(a)
	eb, err2 := filepath.EvalSymlinks(b)
	return err1 == nil && err2 == nil && ea == eb
}
