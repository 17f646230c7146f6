package history

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/query"
)

// WorkTree is the name of the working-tree side of a diff.
const WorkTree = "worktree"

// Diff is what changed between two graphs: the symbols, the resolved calls
// of the changed files, and what depends on the changed symbols.
type Diff struct {
	From     string         `json:"from"`
	To       string         `json:"to"`
	Symbols  []SymbolChange `json:"symbols"`
	Calls    CallChanges    `json:"calls"`
	Impacted []Impacted     `json:"impacted"`
	// Complete is impact's honesty: false when calls that could reach a
	// changed symbol were not followed (unresolved, ambiguous, a function
	// escaping as a value) or the traversal was cut, so Impacted is a
	// lower bound.
	Complete bool `json:"complete"`
	// Tests are the test files among the impacted symbols' files.
	Tests []string `json:"tests"`

	// Uncertain counts the call sites that made the impact a lower bound.
	Uncertain int `json:"-"`
	// Depth is the impact depth followed.
	Depth int `json:"-"`
}

// Change kinds.
const (
	Added    = "added"
	Removed  = "removed"
	Modified = "modified"
)

// SymbolChange is one added, removed or modified symbol. A symbol is
// identified by its file, qualified name and kind: one moved to another
// file is removed there and added here. It is modified when its text
// changed.
type SymbolChange struct {
	Change        string `json:"change"`
	Kind          string `json:"kind"`
	Name          string `json:"name"`
	QualifiedName string `json:"qualified_name"`
	File          string `json:"file"`
	Line          uint32 `json:"line"`
	Language      string `json:"language"`

	// Signature is the symbol's signature (the old one when removed);
	// OldSignature the one before a modification.
	Signature    string `json:"-"`
	OldSignature string `json:"-"`
	// Exported: the symbol is visible outside its package or module.
	Exported bool `json:"-"`
	// API marks an API change: an exported symbol removed, or modified
	// with another signature.
	API bool `json:"-"`
}

// CallChanges are the calls added and removed.
type CallChanges struct {
	Added   []Call `json:"added"`
	Removed []Call `json:"removed"`
}

// Call is one resolved call, between qualified names. A call is the same
// on both sides when its caller and callee are, wherever it is written.
type Call struct {
	Src  string `json:"src"`
	Dst  string `json:"dst"`
	File string `json:"file"`
	Line uint32 `json:"line"`
}

// Impacted is a symbol that transitively depends on a changed symbol.
type Impacted struct {
	QualifiedName string `json:"qualified_name"`
	File          string `json:"file"`
	Line          uint32 `json:"line"`
	Depth         int    `json:"depth"`
	// Via is the qualified name of the symbol one level below through
	// which it depends on the change.
	Via string `json:"via"`

	Test bool `json:"-"`
}

// DiffOptions configure Compare.
type DiffOptions struct {
	// Depth is the number of levels of dependents followed (default
	// query.DefaultImpactDepth).
	Depth int
}

// Side is one side of a diff: a graph and its name.
type Side struct {
	Name  string
	Graph query.Reader
}

// maxImpacted bounds the impacted symbols listed.
const maxImpacted = query.MaxLimit

// Compare diffs the graphs of two sides over the given files (those that
// may differ: the others are taken to be the same on both sides). A file
// differs when its content hash does.
func Compare(ctx context.Context, from, to Side, files []string, opts DiffOptions) (*Diff, error) {
	depth := opts.Depth
	if depth <= 0 {
		depth = query.DefaultImpactDepth
	}
	d := &Diff{From: from.Name, To: to.Name, Symbols: []SymbolChange{}, Calls: CallChanges{Added: []Call{}, Removed: []Call{}},
		Impacted: []Impacted{}, Tests: []string{}, Depth: depth, Complete: true}
	files = slices.Clone(files)
	slices.Sort(files)
	files = slices.Compact(files)

	var seedsTo, seedsFrom []graph.NodeID
	fromNames, toNames := &qnames{st: from.Graph, m: map[graph.NodeID]string{}}, &qnames{st: to.Graph, m: map[graph.NodeID]string{}}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fm, errF := from.Graph.FileMeta(f)
		tm, errT := to.Graph.FileMeta(f)
		if errF != nil && errT != nil {
			continue // source on neither side
		}
		if errF == nil && errT == nil && fm.Hash == tm.Hash && fm.Error == tm.Error {
			continue
		}
		old, err := fileNodes(from.Graph, f, errF == nil)
		if err != nil {
			return nil, err
		}
		cur, err := fileNodes(to.Graph, f, errT == nil)
		if err != nil {
			return nil, err
		}
		for id, n := range cur {
			o, ok := old[id]
			switch {
			case !ok:
				d.Symbols = append(d.Symbols, change(Added, n, nil))
				seedsTo = append(seedsTo, id)
			case o.ContentHash != n.ContentHash && !isContainer(n.Kind):
				d.Symbols = append(d.Symbols, change(Modified, n, o))
				seedsTo = append(seedsTo, id)
			}
		}
		for id, o := range old {
			if _, ok := cur[id]; !ok {
				d.Symbols = append(d.Symbols, change(Removed, o, nil))
				seedsFrom = append(seedsFrom, id)
			}
		}
		oc, err := fileCalls(from.Graph, fromNames, old)
		if err != nil {
			return nil, err
		}
		nc, err := fileCalls(to.Graph, toNames, cur)
		if err != nil {
			return nil, err
		}
		for k, c := range nc {
			if _, ok := oc[k]; !ok {
				d.Calls.Added = append(d.Calls.Added, c)
			}
		}
		for k, c := range oc {
			if _, ok := nc[k]; !ok {
				d.Calls.Removed = append(d.Calls.Removed, c)
			}
		}
	}
	slices.SortFunc(d.Symbols, func(a, b SymbolChange) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), strings.Compare(a.QualifiedName, b.QualifiedName), strings.Compare(a.Change, b.Change))
	})
	sortCalls := func(cs []Call) {
		slices.SortFunc(cs, func(a, b Call) int {
			return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), strings.Compare(a.Src, b.Src), strings.Compare(a.Dst, b.Dst))
		})
	}
	sortCalls(d.Calls.Added)
	sortCalls(d.Calls.Removed)

	// What depends on the change: on the new side for what was added or
	// modified, on the old side for what was removed.
	changed := map[string]bool{}
	for _, s := range d.Symbols {
		changed[s.File+"\x00"+s.QualifiedName] = true
	}
	reached := map[string]*Impacted{}
	tests := map[string]bool{}
	for _, side := range []struct {
		st    query.Reader
		names *qnames
		seeds []graph.NodeID
	}{{to.Graph, toNames, seedsTo}, {from.Graph, fromNames, seedsFrom}} {
		if len(side.seeds) == 0 {
			continue
		}
		if err := impact(ctx, d, side.st, side.names, side.seeds, depth, changed, reached, tests); err != nil {
			return nil, err
		}
	}
	for _, it := range reached {
		d.Impacted = append(d.Impacted, *it)
	}
	slices.SortFunc(d.Impacted, func(a, b Impacted) int {
		return cmp.Or(cmp.Compare(a.Depth, b.Depth), strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), strings.Compare(a.QualifiedName, b.QualifiedName))
	})
	for t := range tests {
		d.Tests = append(d.Tests, t)
	}
	slices.Sort(d.Tests)
	return d, nil
}

// impact adds what depends on seeds in st to reached.
func impact(ctx context.Context, d *Diff, st query.Reader, names *qnames, seeds []graph.NodeID, depth int,
	changed map[string]bool, reached map[string]*Impacted, tests map[string]bool) error {
	e := query.New(st, query.Options{NoSource: true})
	slices.Sort(seeds)
	scope := query.SymbolsScope("changed symbols", seeds)
	page := query.Page{Limit: maxImpacted}
	for {
		r, err := e.Impact(ctx, scope, query.ImpactOptions{Depth: depth, Page: page})
		if err != nil {
			return fmt.Errorf("history: impact: %w", err)
		}
		if !r.Complete {
			d.Complete = false
		}
		if page.Cursor == "" {
			d.Uncertain += r.Unresolved.Count + r.Ambiguous.Count + r.Escapes.Count
		}
		for _, it := range r.Items {
			s := it.Symbol
			if s.QualifiedName == "" || changed[s.File+"\x00"+s.QualifiedName] {
				continue
			}
			via := ""
			if id, err := graph.ParseNodeID(it.Via.To); err == nil {
				via = names.get(id)
			}
			k := s.File + "\x00" + s.QualifiedName
			if o := reached[k]; o != nil && o.Depth <= it.Depth {
				continue
			}
			reached[k] = &Impacted{QualifiedName: s.QualifiedName, File: s.File, Line: s.Line, Depth: it.Depth, Via: via, Test: it.Test}
			if it.Test {
				tests[s.File] = true
			}
		}
		if r.NextCursor == "" || len(reached) >= maxImpacted {
			if r.NextCursor != "" {
				d.Complete = false
			}
			return nil
		}
		page.Cursor = r.NextCursor
	}
}

func change(kind string, n, old *graph.Node) SymbolChange {
	c := SymbolChange{Change: kind, Kind: n.Kind.String(), Name: n.Name, QualifiedName: n.QualifiedName, File: n.File,
		Line: n.StartLine, Language: n.Language, Signature: n.Signature, Exported: n.Visibility == graph.VisPublic}
	switch kind {
	case Removed:
		c.API = c.Exported
	case Modified:
		c.OldSignature = old.Signature
		c.API = (c.Exported || old.Visibility == graph.VisPublic) && (old.Signature != n.Signature || old.Visibility != n.Visibility)
	}
	return c
}

// isContainer says whether a kind's text is mostly that of other
// symbols (a namespace, a module): it is not reported as modified when
// they are.
func isContainer(k graph.NodeKind) bool {
	return k == graph.KindNamespace || k == graph.KindModule
}

// fileNodes returns the symbols of a file (not the file node itself).
func fileNodes(st query.Reader, f string, ok bool) (map[graph.NodeID]*graph.Node, error) {
	out := map[graph.NodeID]*graph.Node{}
	if !ok {
		return out, nil
	}
	err := st.NodesInFile(f, func(n graph.Node) error {
		switch n.Kind {
		case graph.KindFile, graph.KindPackage, graph.KindImport:
			// the file itself, a package clause, an import: not symbols
		default:
			out[n.ID] = &n
		}
		return nil
	})
	return out, err
}

type callKey struct{ src, dst string }

// fileCalls returns the resolved calls made by nodes, by caller and
// callee. Ambiguous calls (one edge per candidate) are left out: they do
// not say which call is made.
func fileCalls(st query.Reader, names *qnames, nodes map[graph.NodeID]*graph.Node) (map[callKey]Call, error) {
	out := map[callKey]Call{}
	for id, n := range nodes {
		err := st.OutEdges(id, []graph.EdgeKind{graph.EdgeCalls}, func(e graph.Edge) error {
			if e.Dst == 0 || e.Res == graph.ResAmbiguous {
				return nil
			}
			k := callKey{n.QualifiedName, names.get(e.Dst)}
			if c, ok := out[k]; !ok || e.Line < c.Line {
				out[k] = Call{Src: k.src, Dst: k.dst, File: e.File, Line: e.Line}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// qnames caches the qualified names of a store's nodes.
type qnames struct {
	st query.Reader
	m  map[graph.NodeID]string
}

func (q *qnames) get(id graph.NodeID) string {
	if s, ok := q.m[id]; ok {
		return s
	}
	s := ""
	if n, err := q.st.Node(id); err == nil {
		s = n.QualifiedName
	}
	q.m[id] = s
	return s
}
