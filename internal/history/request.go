package history

import (
	"context"
	"errors"
	"fmt"

	"github.com/codegraph-dev/codegraph/internal/gitinfo"
	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/repofile"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/walk"
)

// ErrStale is returned (wrapped, with the files) when the index does not
// hold the working tree's version of a changed file. The front doors say
// how to bring it up to date (service.CodeUnavailable's hint).
var ErrStale = errors.New("the index is not up to date with the working tree")

// DiffRequest says what to diff.
type DiffRequest struct {
	// From is a revision or a version's tag; "" means HEAD.
	From string
	// To is a revision or a version's tag; "" means the working tree,
	// read from Index.
	To string
	// Index is the repository's index (read-only is enough), the graph of
	// the working tree; required when To is "".
	Index *store.Store
	// Depth bounds the impact traversal (0: query.DefaultImpactDepth).
	Depth int
}

// Diff diffs two revisions, or a revision and the working tree, creating
// the versions it needs that do not exist yet.
func (h *History) Diff(ctx context.Context, req DiffRequest) (*Diff, error) {
	if req.From == "" {
		req.From = "HEAD"
	}
	opts := DiffOptions{Depth: req.Depth}
	if req.To != "" {
		from, err := h.Graph(ctx, req.From)
		if err != nil {
			return nil, err
		}
		defer from.Close()
		to, err := h.Graph(ctx, req.To)
		if err != nil {
			return nil, err
		}
		defer to.Close()
		files, err := gitinfo.DiffCommits(ctx, h.opts.Root, from.Commit, to.Commit)
		if err != nil {
			return nil, err
		}
		return Compare(ctx, Side{Name: from.Commit, Graph: from.Reader}, Side{Name: to.Commit, Graph: to.Reader}, files, opts)
	}
	if req.Index == nil {
		return nil, errors.New("history: diff against the working tree needs the index")
	}
	c, fromGit, err := h.lookupFrom(ctx, req.From)
	if err != nil {
		return nil, err
	}
	// The overlay's copy of the index is made and opened while git says
	// what differs (dropped when a version serves instead).
	var oc *overlayCopy
	if !h.forceVersions {
		oc = h.startOverlay(ctx, req.Index)
	}
	discard := func() {
		if oc != nil {
			oc.discard()
		}
	}
	changed := gitinfo.ChangedSince
	if fromGit {
		changed = gitinfo.ChangedSinceCommit // c was just looked up
	}
	files, err := changed(ctx, h.opts.Root, c)
	if err != nil {
		discard()
		return nil, err
	}
	if err := checkFresh(h.opts.Root, req.Index, files); err != nil {
		discard()
		return nil, err
	}
	work := Side{Name: WorkTree, Graph: req.Index}
	if h.useOverlay(c, files) {
		ov, err := h.overlay(ctx, c, oc, files)
		if err != nil {
			return nil, err
		}
		d, err := Compare(ctx, Side{Name: c, Graph: ov.Store()}, work, files, opts)
		return d, errors.Join(err, ov.Close())
	}
	discard()
	from, err := h.Graph(ctx, c)
	if err != nil {
		return nil, err
	}
	defer from.Close()
	return Compare(ctx, Side{Name: from.Commit, Graph: from.Reader}, work, files, opts)
}

// useOverlay says whether a diff of commit c against the working tree,
// where files may differ, makes c's graph as an overlay of the index
// (always, unless many files differ and c's version exists).
func (h *History) useOverlay(c string, files []string) bool {
	if h.forceVersions {
		return false
	}
	if len(files) <= overlayMaxFiles {
		return true
	}
	_, err := h.d.manifest(c)
	return err != nil
}

// checkFresh verifies that the index holds the working tree's content of
// each of files.
func checkFresh(root string, idx *store.Store, files []string) error {
	// The working tree is read inside the root: a file that became a link
	// out of the repository reads as gone (a walk skips it).
	rd, err := repofile.Open(root, repofile.Indexed())
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer rd.Close()
	var stale []string
	for _, f := range files {
		m, merr := idx.FileMeta(f)
		src, err := rd.ReadFile(f)
		switch {
		case err != nil && merr == nil:
			stale = append(stale, f) // deleted, still indexed
		case err != nil:
			// deleted and not indexed (or unreadable: a walk skips it too)
		case !errors.Is(merr, store.ErrNotFound) && merr != nil:
			return merr
		case merr != nil:
			// on disk, not indexed: stale if a walk would have indexed it
			head := src[:min(len(src), 256)]
			if lang.Detect(f, func() []byte { return head }) != "" && len(src) <= walk.DefaultMaxFileSize && !isIgnoredByIndex(f) {
				stale = append(stale, f)
			}
		case m.Hash != graph.HashBytes(src):
			stale = append(stale, f)
		}
	}
	if len(stale) > 0 {
		more := ""
		if len(stale) > 3 {
			more = fmt.Sprintf(" and %d more", len(stale)-3)
			stale = stale[:3]
		}
		return fmt.Errorf("%w (%v%s)", ErrStale, stale, more)
	}
	return nil
}

// isIgnoredByIndex says whether a walk skips the path by its directories
// or name (not by ignore files).
func isIgnoredByIndex(p string) bool {
	return !indexable(gitinfo.TreeEntry{Path: p})
}
