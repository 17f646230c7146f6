package history

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/codegraph-dev/codegraph/internal/gitinfo"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// overlayMaxFiles is the number of files differing between a revision
// and the working tree past which a diff against the working tree reads
// the revision's version, when it exists, rather than re-indexing them
// all in an overlay.
const overlayMaxFiles = 1000

// overlay is the graph of a revision made from the index of the working
// tree: a copy of the index (store.Snapshot: its tables are hard links)
// in which the files that differ between the revision and the working
// tree are indexed again from the revision's blobs, through the indexer's
// incremental path (index.Updater.UpdateContents), so that parsing and
// resolution treat them as they treat any edit, and the graph is the one
// an index of the revision would hold. It costs about what re-indexing
// those files costs, where a version costs a parse of every file of the
// revision; it is thrown away after the diff.
type overlay struct {
	dir string
	u   *index.Updater
}

// Store is the overlay's graph.
func (o *overlay) Store() *store.Store { return o.u.Store() }

// Close deletes the overlay.
func (o *overlay) Close() error {
	return errors.Join(o.u.Close(), os.RemoveAll(o.dir))
}

// overlayPrefix names the overlays' directories in the versions' tmp
// directory.
const overlayPrefix = "overlay-"

// staleOverlay is the age from which an overlay directory is taken to be
// left over by a process that died, and deleted.
const staleOverlay = time.Hour

// overlayCopy is an overlay's copy of the index, opened for the
// update, made in the background while the diff asks git what differs
// and reads the revision's blobs (they do not depend on each other).
type overlayCopy struct {
	done   chan struct{}
	dir    string
	u      *index.Updater
	err    error
	copied time.Duration // the copy, then the open
	opened time.Duration
}

// startOverlay starts copying idx, the working tree's index, for an
// overlay, and opening the copy; wait for it with use, or drop it with
// discard.
func (h *History) startOverlay(ctx context.Context, idx *store.Store) *overlayCopy {
	oc := &overlayCopy{done: make(chan struct{})}
	go func() {
		defer close(oc.done)
		start := time.Now()
		oc.dir, oc.err = h.copyIndex(ctx, idx)
		oc.copied = time.Since(start)
		if oc.err != nil {
			return
		}
		oc.u, oc.err = index.NewUpdater(index.Options{Root: h.opts.Root, DBDir: filepath.Join(oc.dir, "store"), ReuseOptions: true, NoSearch: true, Throwaway: true,
			Extractor: h.x, Logger: h.opts.Logger})
		if oc.err != nil {
			oc.err = fmt.Errorf("history: %w", oc.err)
			os.RemoveAll(oc.dir)
			return
		}
		oc.opened = time.Since(start) - oc.copied
	}()
	return oc
}

// use waits for the copy and hands it over (the caller closes it).
func (oc *overlayCopy) use() (*overlay, error) {
	<-oc.done
	if oc.err != nil {
		return nil, oc.err
	}
	return &overlay{dir: oc.dir, u: oc.u}, nil
}

// discard waits for the copy and deletes it.
func (oc *overlayCopy) discard() {
	if o, err := oc.use(); err == nil {
		o.Close()
	}
}

// copyIndex copies idx into a new overlay directory (store.Snapshot: hard
// links), in DIR/store.
func (h *History) copyIndex(ctx context.Context, idx *store.Store) (_ string, err error) {
	base := filepath.Join(h.opts.DB, Dir, "tmp")
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", fmt.Errorf("history: %w", err)
	}
	removeStaleOverlays(base)
	dir, err := os.MkdirTemp(base, overlayPrefix)
	if err != nil {
		return "", fmt.Errorf("history: %w", err)
	}
	if err := store.Snapshot(ctx, idx.Dir(), filepath.Join(dir, "store")); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("history: copy the index: %w", err)
	}
	return dir, nil
}

// overlay makes the graph of commit c from the copy of the working tree's
// index oc, where files (those ChangedSince(c) lists) may differ. It
// reads the revision's blobs while the copy is made.
func (h *History) overlay(ctx context.Context, c string, oc *overlayCopy, files []string) (_ *overlay, err error) {
	start := time.Now()
	contents, cerr := h.contents(ctx, c, files)
	read := time.Since(start)
	o, err := oc.use()
	if err != nil {
		return nil, err
	}
	if cerr != nil {
		return nil, errors.Join(cerr, o.Close())
	}
	waited := time.Since(start) - read
	sum, err := o.u.UpdateContents(ctx, contents)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("history: index %s's files: %w", c, err), o.Close())
	}
	var rs any
	if sum.Resolve != nil {
		rs = *sum.Resolve
	}
	h.opts.Logger.Debug("overlay made", "commit", c, "files", len(files), "copy", oc.copied, "open", oc.opened, "read", read,
		"waited", waited, "update", time.Since(start)-read-waited, "resolve", rs)
	return o, nil
}

// contents reads the content at commit c of each of files (nil for those
// that are not source files of c, as a version would have them).
func (h *History) contents(ctx context.Context, c string, files []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(files))
	for _, f := range files {
		out[f] = nil
	}
	entries, err := gitinfo.TreeFiles(ctx, h.opts.Root, c, files)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return out, nil
	}
	blobs, err := gitinfo.OpenBlobs(ctx, h.opts.Root)
	if err != nil {
		return nil, err
	}
	defer blobs.Close()
	for _, e := range entries {
		if !indexable(e) {
			continue
		}
		src, err := blobs.Read(e.Blob)
		if err != nil {
			return nil, err
		}
		if src == nil {
			src = []byte{}
		}
		out[e.Path] = src
	}
	return out, nil
}

// removeStaleOverlays deletes the overlays in base older than
// staleOverlay (a diff that was killed leaves its overlay behind).
func removeStaleOverlays(base string) {
	ents, err := os.ReadDir(base)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), overlayPrefix) {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleOverlay {
			os.RemoveAll(filepath.Join(base, e.Name()))
		}
	}
}
