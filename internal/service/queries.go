package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// The graph queries as typed operations on a snapshot: a symbol argument
// as the command line takes it, resolved once here (ambiguous symbols give
// a *query.AmbiguousError with the candidates, unknown ones a
// *query.NotFoundError with suggestions), then the query. The command line
// calls them on a snapshot of its own (Open) or, through the daemon, on the
// daemon's; their requests and results travel as JSON.

// Target names what a query is about: a symbol spec (or, where a scope is
// taken, a file or a package) and the directory it was given in.
type Target struct {
	// Symbol is the spec: a qualified or bare name, FILE:LINE, FILE:NAME,
	// FILE, a directory, or a node id (see query.Resolve).
	Symbol string `json:"symbol"`
	// WD is the caller's working directory: a FILE part that names an
	// existing file relative to it is made repository-relative. "" leaves
	// the spec as given.
	WD string `json:"wd,omitempty"`
	// Snippets asks for the start of each listed symbol's source (read
	// from the repository's files); without it traversals read no source.
	Snippets bool `json:"snippets,omitempty"`
}

// CallsRequest asks for the callers (or callees) of a symbol.
type CallsRequest struct {
	Target
	Callees bool `json:"callees,omitempty"`
	query.CallsOptions
}

// RefsRequest asks for the references to a symbol (with their source
// lines).
type RefsRequest struct {
	Target
	query.RefsOptions
}

// DepsRequest asks for the dependencies (or dependents) of a symbol, a
// file or a package.
type DepsRequest struct {
	Target
	query.DepsOptions
}

// ImpactRequest asks what depends, transitively, on a symbol, file or
// package.
type ImpactRequest struct {
	Target
	query.ImpactOptions
}

// PathRequest asks for a shortest path between two symbols.
type PathRequest struct {
	From Target `json:"from"`
	To   Target `json:"to"`
	query.PathOptions
}

// OutlineRequest asks for the symbols of one file; File is resolved as a
// Target's spec is (relative to WD when it exists there).
type OutlineRequest struct {
	Target
	query.OutlineOptions
}

// OverviewRequest asks for the repository's overview.
type OverviewRequest struct {
	Snippets bool `json:"snippets,omitempty"`
	query.OverviewOptions
}

// HubsRequest asks for the symbols with the most calls in or out.
type HubsRequest struct {
	Snippets bool `json:"snippets,omitempty"`
	query.HubsOptions
}

// CyclesRequest asks for the cycles between packages.
type CyclesRequest struct {
	query.CyclesOptions
}

// engine returns the engine that reads source (snippets) or the one that
// does not.
func (sn *Snapshot) engine(snippets bool) *query.Engine {
	if snippets {
		return sn.Source
	}
	return sn.Graph
}

// Spec returns t's spec with a FILE part given relative to t.WD made
// repository-relative, as the operations read it.
func (sn *Snapshot) Spec(t Target) string { return sn.specFor(sn.Graph, t) }

func (sn *Snapshot) specFor(e *query.Engine, t Target) string {
	s := t.Symbol
	if t.WD == "" {
		return s
	}
	exists := func(p string) bool {
		if !filepath.IsAbs(p) {
			p = filepath.Join(t.WD, p)
		}
		_, err := os.Stat(p)
		return err == nil
	}
	if exists(s) {
		return e.FilePath(s, t.WD)
	}
	if i := strings.LastIndexByte(s, ':'); i > 0 && exists(s[:i]) {
		return e.FilePath(s[:i], t.WD) + s[i:]
	}
	return s
}

// Def returns the definition of a symbol: location, signature, doc, the
// start of its source and its members.
func (sn *Snapshot) Def(ctx context.Context, t Target) (*query.Definition, error) {
	n, err := sn.Source.ResolveOne(ctx, sn.specFor(sn.Source, t))
	if err != nil {
		return nil, err
	}
	return sn.Source.Def(ctx, n.ID)
}

// Calls returns the call tree of a symbol: its callers, or with
// req.Callees what it calls.
func (sn *Snapshot) Calls(ctx context.Context, req CallsRequest) (*query.CallsResult, error) {
	e := sn.engine(req.Snippets)
	n, err := e.ResolveOne(ctx, sn.specFor(e, req.Target))
	if err != nil {
		return nil, err
	}
	if req.Callees {
		return e.Callees(ctx, n.ID, req.CallsOptions)
	}
	return e.Callers(ctx, n.ID, req.CallsOptions)
}

// Refs returns the resolved edges into a symbol, each with the text of its
// source line.
func (sn *Snapshot) Refs(ctx context.Context, req RefsRequest) (*query.RefsResult, error) {
	n, err := sn.Source.ResolveOne(ctx, sn.specFor(sn.Source, req.Target))
	if err != nil {
		return nil, err
	}
	return sn.Source.Refs(ctx, n.ID, req.RefsOptions)
}

// Deps returns the dependency tree of a symbol, file or package (with
// Reverse, its dependents).
func (sn *Snapshot) Deps(ctx context.Context, req DepsRequest) (*query.DepsResult, error) {
	e := sn.engine(req.Snippets)
	scope, err := e.ResolveScope(ctx, sn.specFor(e, req.Target))
	if err != nil {
		return nil, err
	}
	return e.Deps(ctx, scope, req.DepsOptions)
}

// Impact returns what transitively depends on a symbol, file or package.
func (sn *Snapshot) Impact(ctx context.Context, req ImpactRequest) (*query.ImpactResult, error) {
	e := sn.engine(req.Snippets)
	scope, err := e.ResolveScope(ctx, sn.specFor(e, req.Target))
	if err != nil {
		return nil, err
	}
	return e.Impact(ctx, scope, req.ImpactOptions)
}

// Path returns a shortest path from one symbol to another. An argument
// that does not resolve gives its resolution error as is (the caller
// knows which one it sent).
func (sn *Snapshot) Path(ctx context.Context, req PathRequest) (*query.PathResult, error) {
	e := sn.engine(req.From.Snippets || req.To.Snippets)
	a, err := e.ResolveOne(ctx, sn.specFor(e, req.From))
	if err != nil {
		return nil, err
	}
	b, err := e.ResolveOne(ctx, sn.specFor(e, req.To))
	if err != nil {
		return nil, err
	}
	return e.Path(ctx, a.ID, b.ID, req.PathOptions)
}

// Outline returns the nested symbols of an indexed file; a file that is
// not indexed is a not-found error naming it.
func (sn *Snapshot) Outline(ctx context.Context, req OutlineRequest) (*query.OutlineResult, error) {
	e := sn.engine(req.Snippets)
	file := req.Symbol
	if req.WD != "" {
		file = e.FilePath(file, req.WD)
	}
	res, err := e.Outline(ctx, file, req.OutlineOptions)
	if errors.Is(err, query.ErrNotFound) {
		return nil, Errorf(CodeNotFound, "%s is not an indexed file", file)
	}
	return res, err
}

// Overview describes the repository: packages, entry points, hubs.
func (sn *Snapshot) Overview(ctx context.Context, req OverviewRequest) (*query.OverviewResult, error) {
	return sn.engine(req.Snippets).Overview(ctx, req.OverviewOptions)
}

// Hubs ranks symbols by fan-in or fan-out over resolved calls.
func (sn *Snapshot) Hubs(ctx context.Context, req HubsRequest) (*query.HubsResult, error) {
	return sn.engine(req.Snippets).Hubs(ctx, req.HubsOptions)
}

// Cycles returns the cycles between packages.
func (sn *Snapshot) Cycles(ctx context.Context, req CyclesRequest) (*query.CyclesResult, error) {
	return sn.Graph.Cycles(ctx, req.CyclesOptions)
}

// Search runs a search over the snapshot's search indexes (opened on
// first use).
func (sn *Snapshot) Search(ctx context.Context, req search.Request) (*search.Response, error) {
	return sn.Searcher().Search(ctx, req)
}

// Open opens the index in db read-only for one process's use (the command
// line when no daemon serves it): a snapshot of its own, with the search
// indexes opened on first use with cfg. Close it when done.
//
// Nothing is read before a query needs it: the engines read the store
// on demand, and the search indexes are opened by the first search (the
// embedding model for the query's words only, search.Config.OneShot).
func Open(db string, cfg search.Config) (*Snapshot, error) {
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		return nil, openError(db, err)
	}
	root := ""
	if v, err := st.Meta(query.MetaRoot); err == nil {
		root = string(v)
	}
	// A process's one snapshot: the search indexes it needs are opened
	// on first use, the embedding model decoded only for the query's words.
	cfg.OneShot = true
	r := &Repo{root: root, db: st.Dir(), searchCfg: cfg, log: slog.New(slog.DiscardHandler)}
	return &Snapshot{Store: st, Graph: query.New(st, query.Options{Root: root, NoSource: true}),
		Source: query.New(st, query.Options{Root: root}), repo: r, own: true}, nil
}

// openError classifies a failed read-only open of the store in db: an
// *Error of the taxonomy, so that every caller (the command line's
// one-shot path) maps it once. While another process holds the store's
// writer lock, a missing, damaged or other-format index is one being
// built or rebuilt (a rebuild would be refused anyway): CodeLocked, with
// the holder's pid (Details). Otherwise the store's own category: no
// index is CodeUnavailable, another format or damage CodeRebuildNeeded.
func openError(db string, err error) error {
	code := Classify(err)
	switch code {
	case CodeUnavailable, CodeRebuildNeeded, CodeNotFound:
		if le := store.WriterLock(db); le != nil {
			holder := "another process"
			if le.PID > 0 {
				holder = fmt.Sprintf("pid %d", le.PID)
			}
			return &Error{Code: CodeLocked, Err: fmt.Errorf("%w: %w", le, err),
				Msg: fmt.Sprintf("%v; %s holds the index's writer lock: it is being built or rebuilt", err, holder)}
		}
	}
	return &Error{Code: code, Msg: err.Error(), Err: err}
}

// At returns a snapshot over the graph of a git revision or version tag
// of the repository (created when there is none): traversals and symbol
// lookups answer from it, with no source (the working tree's files are
// not the revision's). It shares sn's store; close it before sn.
func (sn *Snapshot) At(ctx context.Context, rev string) (*Snapshot, error) {
	root := sn.repo.root
	if root == "" {
		return nil, fmt.Errorf("%w: the index records no repository root", ErrInvalid)
	}
	g, err := VersionGraph(ctx, root, sn.Store.Dir(), rev)
	if err != nil {
		return nil, err
	}
	e := query.New(g, query.Options{NoSource: true})
	return &Snapshot{Store: sn.Store, Graph: e, Source: e, repo: sn.repo, at: true}, nil
}

// Close releases a snapshot that Open or At returned (the service's own
// snapshots are released by their Acquire's release function).
func (sn *Snapshot) Close() error {
	switch {
	case sn.at:
		return nil
	case sn.own:
		if sn.srch != nil {
			sn.srch.Close()
		}
		return sn.Store.Close()
	}
	return errors.New("service: Close on a shared snapshot (call the release function Acquire returned)")
}

// Root is the repository root of the snapshot's index ("" when unknown).
func (sn *Snapshot) Root() string { return sn.repo.root }
