package query

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// DepKinds are the edge kinds Deps follows by default.
var DepKinds = []graph.EdgeKind{graph.EdgeImports, graph.EdgeCalls, graph.EdgeReferences, graph.EdgeInherits, graph.EdgeImplements}

// maxMembers bounds the nested symbols a symbol unit stands for.
const maxMembers = 10000

// DepsOptions configure Deps.
type DepsOptions struct {
	Depth   int              `json:"depth,omitempty"`   // levels to follow (default 1)
	Reverse bool             `json:"reverse,omitempty"` // what depends on the scope instead
	Kinds   []graph.EdgeKind `json:"kinds,omitempty"`   // nil: DepKinds
	Page
}

// DepsResult is the dependency tree of a symbol, file or package, at the
// scope's granularity: symbols depend on symbols, files on files, packages
// on packages. Forward trees also list, as leaves, libraries (external
// symbols, grouped by library for files and packages) and unresolved
// targets (for files and packages, unresolved imports only: module paths).
type DepsResult struct {
	Scope      Scope     `json:"scope"`
	Reverse    bool      `json:"reverse"`
	Depth      int       `json:"depth"`
	Total      int       `json:"total"`
	Items      []DepItem `json:"items"`
	NextCursor string    `json:"next_cursor,omitempty"`
	Truncated  bool      `json:"truncated,omitempty"`
	// Unresolved counts the unresolved calls, references and inheritance
	// edges of files and packages, which are not listed (their targets
	// name symbols, not modules). Only the expanded levels count.
	Unresolved int `json:"unresolved,omitempty"`
}

// DepItem is one dependency (or dependent, when reversed).
type DepItem struct {
	Depth int `json:"depth"`
	// Kind is symbol, file, package, unresolved (a target nothing is bound
	// to) or external (a library, for files and packages).
	Kind string `json:"kind"`
	// Name is the qualified name, path, directory, library or target.
	Name string `json:"name"`
	// Key identifies the item (a node id for symbols, else Name); Parent
	// is the Key of the item one level up, or of the scope.
	Key       string   `json:"key"`
	Parent    string   `json:"parent"`
	Symbol    *Symbol  `json:"symbol,omitempty"`
	Edges     int      `json:"edges"`      // edges between the parent and this item
	EdgeKinds []string `json:"edge_kinds"` // their kinds
	Via       EdgeRef  `json:"via"`        // the first of them, by file and line
}

// Deps returns what scope depends on (or, with opts.Reverse, what depends
// on it) over resolved edges of opts.Kinds, up to opts.Depth levels. A
// symbol stands for itself and the symbols nested in it (a class for its
// methods and fields); a file for its symbols; a package for its files.
func (e *Engine) Deps(ctx context.Context, scope Scope, opts DepsOptions) (*DepsResult, error) {
	kinds := opts.Kinds
	if kinds == nil {
		kinds = DepKinds
	}
	depth := clampDepth(opts.Depth)
	w := &depWalker{e: e, kinds: kinds, reverse: opts.Reverse, files: map[graph.NodeID]nodeLoc{}}
	var root unit
	switch scope.Kind {
	case ScopeSymbol:
		root = unit{kind: unitSymbol, id: scope.node.ID}
	case ScopeFile:
		root = unit{kind: unitFile, s: scope.Name}
	case ScopePackage:
		root = unit{kind: unitPackage, s: scope.Name}
		w.rootFiles = map[string]bool{}
		for _, f := range scope.Files {
			w.rootFiles[f] = true
		}
		w.root, w.rootList = root, scope.Files
	default:
		return nil, fmt.Errorf("deps: unknown scope kind %q", scope.Kind)
	}
	t, err := e.bfs(ctx, []unit{root}, depth, w.expand)
	if err != nil {
		return nil, err
	}
	var kindKey []string
	for _, k := range kinds {
		kindKey = append(kindKey, k.String())
	}
	key := fmt.Sprintf("deps|%s|%s|%d|%v|%s", scope.Kind, root.key(), depth, opts.Reverse, strings.Join(kindKey, ","))
	start, end, next, err := opts.Page.slice(key, len(t.order))
	if err != nil {
		return nil, err
	}
	res := &DepsResult{Scope: scope, Reverse: opts.Reverse, Depth: depth, Total: len(t.order),
		Items: make([]DepItem, 0, end-start), NextCursor: next, Truncated: t.truncated, Unresolved: int(w.unresolved.Load())}
	page := t.order[start:end]
	syms, err := e.hydrate(ctx, t, page)
	if err != nil {
		return nil, err
	}
	for i, idx := range page {
		n := &t.nodes[idx]
		it := DepItem{Depth: n.depth, Kind: n.u.kind.String(), Name: n.u.s, Key: n.u.key(),
			Parent: t.nodes[n.parent].u.key(), Symbol: syms[i], Edges: n.count, EdgeKinds: edgeKindNames(n.kinds), Via: edgeRef(&n.via)}
		if syms[i] != nil {
			it.Name = syms[i].QualifiedName
		}
		res.Items = append(res.Items, it)
	}
	return res, nil
}

// nodeLoc is where a node lives, as dependency units see it.
type nodeLoc struct {
	file     string
	external bool
	name     string
}

// depWalker expands the units of a Deps traversal.
type depWalker struct {
	e       *Engine
	kinds   []graph.EdgeKind
	reverse bool

	root      unit            // a package root whose files are rootList
	rootList  []string        // (it may span subdirectories)
	rootFiles map[string]bool // files of a package root

	mu    sync.Mutex
	files map[graph.NodeID]nodeLoc

	unresolved atomic.Int64 // unresolved edges not listed
}

func (w *depWalker) expand(ctx context.Context, u unit) ([]step, error) {
	switch u.kind {
	case unitSymbol:
		members, err := w.e.members(u.id)
		if err != nil {
			return nil, err
		}
		in := make(map[graph.NodeID]bool, len(members))
		for _, m := range members {
			in[m] = true
		}
		var out []step
		for _, m := range members {
			err := w.edges(m, func(ed graph.Edge, other graph.NodeID) error {
				switch {
				case other == 0:
					out = append(out, step{to: unit{kind: unitUnresolved, s: ed.Target}, edge: ed})
				case !in[other]:
					out = append(out, step{to: unit{kind: unitSymbol, id: other}, edge: ed})
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
		return out, nil
	case unitFile, unitPackage:
		files := []string{u.s}
		if u.kind == unitPackage {
			if u == w.root {
				files = w.rootList
			} else {
				var err error
				if files, err = w.e.dirFilesOf(ctx, u.s); err != nil {
					return nil, err
				}
			}
		}
		var out []step
		for _, f := range files {
			if err := w.fileSteps(ctx, u, f, &out); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, nil
}

// edges calls fn for each edge of node id in the walk's direction, with
// the node at its other end (0 when unresolved).
func (w *depWalker) edges(id graph.NodeID, fn func(graph.Edge, graph.NodeID) error) error {
	if w.reverse {
		return w.e.g.InEdges(id, w.kinds, func(ed graph.Edge) error { return fn(ed, ed.Src) })
	}
	return w.e.g.OutEdges(id, w.kinds, func(ed graph.Edge) error { return fn(ed, ed.Dst) })
}

// fileSteps appends the steps out of (or into) the nodes of file f, at
// the granularity of u.
func (w *depWalker) fileSteps(ctx context.Context, u unit, f string, out *[]step) error {
	var ids []graph.NodeID
	if err := w.e.g.NodesInFile(f, func(n graph.Node) error { ids = append(ids, n.ID); return nil }); err != nil {
		return err
	}
	for i, id := range ids {
		if i%256 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		err := w.edges(id, func(ed graph.Edge, other graph.NodeID) error {
			if other == 0 {
				// At file and package granularity, an unresolved import
				// names a module; other unresolved names are only counted.
				if ed.Kind == graph.EdgeImports {
					*out = append(*out, step{to: unit{kind: unitUnresolved, s: ed.Target}, edge: ed})
				} else {
					w.unresolved.Add(1)
				}
				return nil
			}
			var loc nodeLoc
			if w.reverse {
				loc = nodeLoc{file: ed.File} // an edge is stored with its source's file
			} else {
				var err error
				if loc, err = w.loc(other); err != nil {
					return err
				}
			}
			if loc.external || (!w.reverse && ed.Res == graph.ResExternal) {
				name := loc.name
				if name == "" {
					name = ed.Target
				}
				*out = append(*out, step{to: unit{kind: unitExternal, s: name}, edge: ed})
				return nil
			}
			var to unit
			switch u.kind {
			case unitFile:
				if loc.file == u.s {
					return nil
				}
				to = unit{kind: unitFile, s: loc.file}
			case unitPackage:
				if w.rootFiles[loc.file] || (u != w.root && path.Dir(loc.file) == u.s) {
					return nil
				}
				to = unit{kind: unitPackage, s: path.Dir(loc.file)}
			}
			*out = append(*out, step{to: to, edge: ed})
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// loc returns where node id lives, reading it once per walk. Nodes without
// a file, or not indexed as a file, are external.
func (w *depWalker) loc(id graph.NodeID) (nodeLoc, error) {
	w.mu.Lock()
	l, ok := w.files[id]
	w.mu.Unlock()
	if ok {
		return l, nil
	}
	n, err := w.e.g.Node(id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nodeLoc{}, err
	}
	l = nodeLoc{file: n.File, name: n.QualifiedName, external: isExternal(&n) || err != nil}
	if l.external && strings.HasPrefix(n.File, graph.ExternalPrefix) {
		l.name = strings.TrimPrefix(n.File, graph.ExternalPrefix) // the library
	}
	w.mu.Lock()
	w.files[id] = l
	w.mu.Unlock()
	return l, nil
}

// members returns id and the symbols nested in it (through contains
// edges), at most maxMembers.
func (e *Engine) members(id graph.NodeID) ([]graph.NodeID, error) {
	out := []graph.NodeID{id}
	seen := map[graph.NodeID]bool{id: true}
	for i := 0; i < len(out) && len(out) < maxMembers; i++ {
		err := e.g.OutEdges(out[i], []graph.EdgeKind{graph.EdgeContains}, func(ed graph.Edge) error {
			if ed.Dst != 0 && !seen[ed.Dst] && len(out) < maxMembers {
				seen[ed.Dst] = true
				out = append(out, ed.Dst)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
