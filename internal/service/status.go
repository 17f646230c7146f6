package service

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/watch"
)

// IndexStatus is the status of one index, composed once for every front
// door (codegraph status, GET /status): what is indexed, how old and
// large it is, how far behind the git checkout, who watches it, and the
// state of its search indexes.
type IndexStatus struct {
	Repo        string                         `json:"repo,omitempty"`
	DB          string                         `json:"db"`
	Root        string                         `json:"root"`
	IndexState  string                         `json:"index_state,omitempty"` // a served repository's live state
	IndexedAt   *time.Time                     `json:"indexed_at,omitempty"`
	AgeSeconds  float64                        `json:"age_seconds,omitempty"`
	StoreBytes  int64                          `json:"store_bytes"`
	Files       uint64                         `json:"files"`
	Libraries   uint64                         `json:"external_libraries"`
	Nodes       uint64                         `json:"nodes"`
	Edges       uint64                         `json:"edges"`
	ParseErrors uint64                         `json:"syntax_errors"`
	FailedFiles uint64                         `json:"failed_files"`
	Languages   map[string]store.LanguageStats `json:"languages"`
	NodeKinds   map[string]uint64              `json:"node_kinds"`
	EdgeKinds   map[string]uint64              `json:"edge_kinds"`
	Search      *search.State                  `json:"search,omitempty"`
	// SearchError says why the search indexes cannot be used (SearchErr
	// is the error, for the front door's message and hint).
	SearchError string           `json:"search_error,omitempty"`
	SearchErr   error            `json:"-"`
	Git         *index.Staleness `json:"git,omitempty"`
	GitError    string           `json:"git_error,omitempty"`
	WatchedBy   *watch.Holder    `json:"watched_by,omitempty"`
	// Damaged says which store file is damaged and how (then nothing else
	// could be read).
	Damaged string `json:"damaged,omitempty"`
	// Incomplete says why the index is not complete: its last run did
	// not finish (resolution or search indexes may be partial).
	Incomplete string `json:"incomplete,omitempty"`
}

// StatusOf composes the status of the index in st (opened read-only by
// the caller). check also reads every block of the store to find damage.
// A damaged store is an error wrapping store.ErrCorrupt.
func StatusOf(ctx context.Context, st *store.Store, check bool) (*IndexStatus, error) {
	stats, err := st.Stats()
	if err == nil && check {
		err = st.Check(ctx)
	}
	if err != nil {
		return nil, err
	}
	libs := stats.Languages["external"].Files
	delete(stats.Languages, "external")
	s := &IndexStatus{DB: st.Dir(), Files: stats.Files - libs, Libraries: libs, Nodes: stats.Nodes, Edges: stats.Edges,
		ParseErrors: stats.ParseErrors, FailedFiles: stats.FailedFiles,
		Languages: stats.Languages, NodeKinds: stats.NodeKinds, EdgeKinds: stats.EdgeKinds}
	if v, err := st.Meta(index.MetaRoot); err == nil {
		s.Root = string(v)
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if v, err := st.Meta(index.MetaIndexedAt); err == nil {
		if ns, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			t := time.Unix(0, ns).UTC()
			s.IndexedAt = &t
			s.AgeSeconds = time.Since(t).Seconds()
		}
	}
	if err := index.Incomplete(st); err != nil {
		s.Incomplete = err.Error()
	}
	if s.StoreBytes, err = DiskUsage(st.Dir()); err != nil {
		return nil, err
	}
	if s.Root != "" {
		if g, err := index.Behind(ctx, st, s.Root); err != nil {
			s.GitError = err.Error()
		} else {
			s.Git = g
		}
	}
	if h, ok := watch.ReadHolder(st.Dir()); ok {
		s.WatchedBy = &h
	}
	ss, err := search.Check(st.Dir())
	if err == nil {
		s.Search = &ss
	} else {
		s.SearchError, s.SearchErr = err.Error(), err
	}
	return s, nil
}

// Status composes the status of the snapshot's index (StatusOf) with the
// repository's live state.
func (sn *Snapshot) Status(ctx context.Context) (*IndexStatus, error) {
	s, err := StatusOf(ctx, sn.Store, false)
	if err != nil {
		return nil, err
	}
	s.Repo, s.IndexState = sn.repo.Name(), sn.repo.State().String()
	return s, nil
}
