package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/codegraph-dev/codegraph/internal/gitinfo"
	"github.com/codegraph-dev/codegraph/internal/history"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// ErrStale: the index does not hold the working tree's version of a file
// the operation needs (a conflict; Explain gives each door its remedy).
var ErrStale = history.ErrStale

// DiffRequest asks what changed between two revisions (From, To: git
// revisions or version tags), or between From and the working tree (To
// ""), with the impact of the change followed Depth levels (0: the
// impact default).
type DiffRequest struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Depth int    `json:"depth"`
}

// openHistory opens the versions of the repository at root whose index is
// in db, translating the errors callers branch on.
func openHistory(root, db string) (*history.History, error) {
	h, err := history.Open(history.Options{Root: root, DB: db})
	if err != nil {
		return nil, historyError(err)
	}
	return h, nil
}

// historyError maps history's and git's errors to the service's.
func historyError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gitinfo.ErrUnknownRevision), errors.Is(err, gitinfo.ErrNotRepo):
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	case errors.Is(err, history.ErrNotFound):
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	case errors.Is(err, history.ErrStale):
		// a conflict (Classify), whose remedy Explain words per door
		return err
	case errors.Is(err, history.ErrBusy):
		// retry once the other user of the versions is done
		return fmt.Errorf("%w: %w", ErrBusy, err)
	}
	return err
}

// Diff answers req for the repository at root: its versions (created as
// needed) are in db/versions, and idx, its index, is the working tree's
// graph (needed only when req.To is "").
func Diff(ctx context.Context, root, db string, idx *store.Store, req DiffRequest) (*history.Diff, error) {
	if req.Depth < 0 {
		return nil, fmt.Errorf("%w: depth must not be negative", ErrInvalid)
	}
	h, err := openHistory(root, db)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	d, err := h.Diff(ctx, history.DiffRequest{From: req.From, To: req.To, Index: idx, Depth: req.Depth})
	return d, historyError(err)
}

// Versions lists the versions of the repository at root (index in db).
func Versions(ctx context.Context, root, db string) ([]history.Version, error) {
	h, err := openHistory(root, db)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	v, err := h.List(ctx)
	return v, historyError(err)
}

// CreateVersion makes the version of revision rev, tagged tag when not
// "". created is false when it existed (the tag is added to it).
func CreateVersion(ctx context.Context, root, db, rev, tag string) (v history.Version, created bool, err error) {
	h, err := openHistory(root, db)
	if err != nil {
		return history.Version{}, false, err
	}
	defer h.Close()
	v, created, err = h.Create(ctx, rev, tag)
	return v, created, historyError(err)
}

// DeleteVersion deletes the version named by a tag or a revision.
func DeleteVersion(ctx context.Context, root, db, name string) (history.Version, error) {
	h, err := openHistory(root, db)
	if err != nil {
		return history.Version{}, err
	}
	defer h.Close()
	v, err := h.Delete(ctx, name)
	return v, historyError(err)
}

// Diff is Diff for this repository, against its current snapshot.
func (r *Repo) Diff(ctx context.Context, req DiffRequest) (*history.Diff, error) {
	var idx *store.Store
	if req.To == "" {
		sn, release, err := r.Acquire()
		if err != nil {
			return nil, err
		}
		defer release()
		idx = sn.Store
	}
	return Diff(ctx, r.root, r.db, idx, req)
}

// Versions lists this repository's versions.
func (r *Repo) Versions(ctx context.Context) ([]history.Version, error) {
	return Versions(ctx, r.root, r.db)
}

// CreateVersion makes a version of this repository (see CreateVersion).
func (r *Repo) CreateVersion(ctx context.Context, rev, tag string) (history.Version, bool, error) {
	return CreateVersion(ctx, r.root, r.db, rev, tag)
}

// DeleteVersion deletes a version of this repository.
func (r *Repo) DeleteVersion(ctx context.Context, name string) (history.Version, error) {
	return DeleteVersion(ctx, r.root, r.db, name)
}

// VersionGraph returns the graph of revision (or version tag) rev of the
// repository at root (index in db), creating its version when there is
// none, for queries: query.New over it answers as of that revision.
func VersionGraph(ctx context.Context, root, db, rev string) (query.Reader, error) {
	h, err := openHistory(root, db)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	g, err := h.Graph(ctx, rev)
	if err != nil {
		return nil, historyError(err)
	}
	return g.Reader, nil
}
