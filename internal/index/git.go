package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/gitinfo"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/walk"
)

// MetaGit is the metadata key of the git state the index was built at
// (GitState, JSON).
const MetaGit = "git"

// maxDirty bounds GitState.Dirty.
const maxDirty = 10000

// GitState is the git state of the root when the index was last updated.
type GitState struct {
	Head   string `json:"head,omitempty"`   // HEAD's commit
	Branch string `json:"branch,omitempty"` // "" when detached
	// Dirty lists the files whose indexed content may differ from Head:
	// those that differed from it at the last full run, and those written
	// by targeted updates since (conservatively). Truncated is set when
	// there were more than 10,000.
	Dirty     []string `json:"dirty,omitempty"`
	Truncated bool     `json:"dirty_truncated,omitempty"`
}

// StoredGit returns the git state recorded in st, or nil when none is
// (the root is not in a git work tree, or git is missing).
func StoredGit(st *store.Store) (*GitState, error) {
	b, err := st.Meta(MetaGit)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var g GitState
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("index: stored git state: %w", err)
	}
	return &g, nil
}

// recordGit writes the root's git state after a run: after a full run
// (touched nil) the files that differ from HEAD; after a targeted one the
// previous list plus touched. Problems with git are logged, never fatal:
// the index does not depend on git. It returns the HEAD it recorded ("":
// none).
func (u *Updater) recordGit(ctx context.Context, touched []string) string {
	if u.noGit {
		return ""
	}
	s, err := gitinfo.Read(ctx, u.root)
	if err != nil {
		if errors.Is(err, gitinfo.ErrNotRepo) || errors.Is(err, gitinfo.ErrNoGit) {
			u.noGit = touched != nil // a full run asks again
		} else {
			u.opts.Logger.Debug("git state", "err", err)
		}
		return ""
	}
	g := GitState{Head: s.Head, Branch: s.Branch}
	if touched == nil {
		dirty, err := gitinfo.Dirty(ctx, u.root)
		if err != nil {
			u.opts.Logger.Debug("git dirty files", "err", err)
			return ""
		}
		g.Dirty = u.notInStore(dirty)
	} else {
		prev, err := StoredGit(u.st)
		if err != nil || prev == nil {
			prev = &GitState{Truncated: true} // unknown: say so
		}
		g.Truncated = prev.Truncated
		g.Dirty = append(slices.Clone(prev.Dirty), touched...)
		slices.Sort(g.Dirty)
		g.Dirty = slices.Compact(g.Dirty)
	}
	if len(g.Dirty) > maxDirty {
		g.Dirty, g.Truncated = nil, true
	}
	b, err := json.Marshal(g)
	if err != nil {
		return ""
	}
	batch := u.st.NewBatch()
	defer batch.Close()
	if err := batch.SetMeta(MetaGit, b); err != nil {
		return ""
	}
	// Synced: a commit without sync stays in Pebble's log buffer until the
	// next synced write, invisible to the read-only snapshots of other
	// processes (and of a watcher's own service), so status said an index
	// kept by a watcher was behind a branch switch it had handled.
	if err := batch.Commit(true); err != nil {
		u.opts.Logger.Debug("record git state", "err", err)
		return ""
	}
	return g.Head
}

// UpdateSince re-indexes the files that may have changed since git
// revision rev: those `git diff rev` lists (both sides of renames),
// untracked files, and the files recorded as dirty with the index. It is
// `codegraph index --since REV`: no hashing of unchanged files.
func (u *Updater) UpdateSince(ctx context.Context, rev string) (*Summary, error) {
	if _, err := u.st.Meta(MetaIndexedAt); errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("index: %s has not been indexed yet: run a full index first", u.root)
	}
	paths, err := gitinfo.ChangedSince(ctx, u.root, rev)
	if err != nil {
		return nil, err
	}
	paths = u.notInStore(paths)
	if g, err := StoredGit(u.st); err == nil && g != nil {
		if g.Truncated {
			return nil, fmt.Errorf("index: the files changed before the last update are not known (more than %d): run a full index", maxDirty)
		}
		paths = append(paths, g.Dirty...)
	}
	if len(paths) == 0 {
		paths = []string{} // nothing changed; Update records nothing
	}
	return u.Update(ctx, paths)
}

// notInStore drops the paths inside the store directory (an untracked
// .codegraph/ is not a change of the source).
func (u *Updater) notInStore(paths []string) []string {
	prefixes := []string{DefaultDirName + "/"}
	if rel, err := filepath.Rel(u.root, u.opts.DBDir); err == nil && !strings.HasPrefix(rel, "..") {
		prefixes = append(prefixes, filepath.ToSlash(rel)+"/")
	}
	out := paths[:0]
	for _, p := range paths {
		if !slices.ContainsFunc(prefixes, func(pre string) bool { return strings.HasPrefix(p, pre) }) {
			out = append(out, p)
		}
	}
	return out
}

// Staleness says how far an index is behind its git work tree.
type Staleness struct {
	IndexedHead string `json:"indexed_head"`
	Head        string `json:"head"`
	Branch      string `json:"branch,omitempty"`
	// CommitsAhead counts the commits HEAD has that the indexed HEAD has
	// not; CommitsBehind the reverse (non-zero after a branch switch).
	CommitsAhead  int `json:"commits_ahead"`
	CommitsBehind int `json:"commits_behind"`
	// ChangedFiles counts the source files an update would add, change or
	// delete (by size and modification time); Changed lists the first 20.
	ChangedFiles int      `json:"changed_files"`
	Changed      []string `json:"changed,omitempty"`
	// Unknown is set when the files changed before the last update are not
	// known (more than 10,000): ChangedFiles is then a lower bound.
	Unknown bool `json:"unknown,omitempty"`
}

// Behind compares the index in st with the git work tree at root: commits
// since the indexed HEAD and source files changed since they were indexed.
// It returns nil when the index recorded no git state.
func Behind(ctx context.Context, st *store.Store, root string) (*Staleness, error) {
	g, err := StoredGit(st)
	if err != nil || g == nil {
		return nil, err
	}
	s, err := gitinfo.Read(ctx, root)
	if err != nil {
		return nil, err
	}
	out := &Staleness{IndexedHead: g.Head, Head: s.Head, Branch: s.Branch, Unknown: g.Truncated}
	var cands []string
	if g.Head != "" {
		if out.CommitsAhead, out.CommitsBehind, err = gitinfo.CommitsSince(ctx, root, g.Head); err != nil {
			return nil, err
		}
		if cands, err = gitinfo.ChangedSince(ctx, root, g.Head); err != nil {
			return nil, err
		}
	} else if cands, err = gitinfo.Dirty(ctx, root); err != nil {
		return nil, err
	}
	cands = append(cands, g.Dirty...)
	slices.Sort(cands)
	cands = slices.Compact(cands)
	wo, err := StoredWalk(st, root)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	changed := func(p string) {
		out.ChangedFiles++
		if len(out.Changed) < 20 {
			out.Changed = append(out.Changed, p)
		}
	}
	_, err = walk.WalkPaths(ctx, wo, cands, func(f walk.File) error {
		seen[f.Path] = true
		m, err := st.FileMeta(f.Path)
		if err != nil || m.Size != f.Size || m.ModTime != f.ModTime.UnixNano() {
			changed(f.Path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, p := range cands {
		if _, err := st.FileMeta(p); err == nil && !seen[p] {
			changed(p) // deleted, or now ignored
		}
	}
	slices.Sort(out.Changed)
	return out, nil
}
