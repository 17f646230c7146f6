package resolve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/parse"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// Version is the version of the resolution rules. An index records the
// version that resolved it; the next run over an index resolved by another
// version re-resolves every edge (the facts stay: extraction is versioned
// by parse.ExtractorVersion). Bump it whenever the same facts would now
// resolve differently, and say why here.
//
// Changelog:
//
//	1: first recorded version (December 2026).
//	2: Go interfaces whose methods all come from embedded interfaces
//	   (standard composite ones included) get implements edges; a method
//	   called through such an interface binds to the standard interface
//	   method that declares it (c.Close() on a Conn embedding
//	   io.ReadWriteCloser: io.Closer.Close).
//	3: Rust calls on the standard prelude's types (Vec::new(), v.len() on
//	   a Vec, Box::new(), drop) bind to external std nodes; Go conversions
//	   type the calls on their result (LabelSet(m).Equal(o)), and Go
//	   constants with a stated or group-implied type (const Legacy
//	   Scheme = 7; B after A T = iota) type the calls on them and the
//	   variables they initialise.
//	4: Go calls through a type parameter of a generic function
//	   (params.isNil() on params P, P cursorParams) bind to the
//	   constraint's method and to the method of each type argument the
//	   function is seen instantiated with (tparams.go); a parameter whose
//	   type is a type parameter no longer binds to a package type of the
//	   same name.
const Version = 4

// Stats counts what a run did.
type Stats struct {
	Considered int `json:"considered"`
	Exact      int `json:"exact"`
	Inferred   int `json:"inferred"`
	Ambiguous  int `json:"ambiguous"`
	External   int `json:"external"`
	Unresolved int `json:"unresolved"`
	// Rebound counts the edges whose resolution changed (bound, unbound or
	// bound elsewhere); Dependents the files outside Options.Files whose
	// edges were looked at again because of what changed.
	Rebound    int `json:"rebound"`
	Dependents int `json:"dependents,omitempty"`
	// ExternalsRemoved counts the external nodes no edge pointed at any
	// more, removed from the store.
	ExternalsRemoved int           `json:"externals_removed,omitempty"`
	All              bool          `json:"all,omitempty"` // every edge of the store was resolved again
	Duration         time.Duration `json:"duration_ns"`
}

// Options configure a run.
//
// A run makes the resolution of the edges it looks at what a resolution
// of the whole store from scratch would give: each edge, bound or not, is
// resolved again and rewritten when its destinations changed. With Files
// nil it looks at every edge of the store; otherwise at the edges of
// Files and of the files that depend on what changed (Changed, NewNames).
type Options struct {
	// Root is the repository root on disk (for go.mod files); default: the
	// store's recorded root.
	Root string
	// Files restricts resolution to the edges of these files (the files a
	// run wrote) and of their dependents; nil means every edge of the
	// store.
	Files []string
	// Changed are nodes that disappeared or whose text changed since the
	// last run (and nodes that are new): files with edges into them are
	// resolved again.
	Changed []graph.NodeID
	// NewNames are names of definitions and files added since the last
	// run: files with edges that may mean them (an unresolved edge whose
	// target ends with the name, an edge bound to another definition of
	// that name) are resolved again.
	NewNames []string
	// Deleted are the indexed files the run deleted: the types of the Go
	// packages they were in may have lost methods (goImplTypes).
	Deleted []string
	// Orphans are nodes that edges pointed at before the run (edges of
	// rewritten or deleted files): external nodes among them that no edge
	// points at after it are removed. With Files nil every external node
	// is checked.
	Orphans []graph.NodeID
	// Catalog, when set, is the store's current file list (see Catalog);
	// otherwise Run loads it.
	Catalog *Catalog
	// Load writes the changes as a bulk load (store.NewLoadBatch) when
	// the store takes it: for the first resolution after a bulk load,
	// whose rewrites of most edges would otherwise go through memtables
	// into level-0 tables spanning the whole key space.
	Load bool
}

// Kinds are the edge kinds the resolver binds (contains and defines edges
// are bound by extraction).
var Kinds = []graph.EdgeKind{graph.EdgeCalls, graph.EdgeInherits, graph.EdgeImplements, graph.EdgeImports, graph.EdgeReferences}

var resolvable = func() (m [256]bool) {
	for _, k := range Kinds {
		m[k] = true
	}
	return m
}()

// batchBytes is the size at which the resolver commits.
const batchBytes = 8 << 20

// Run resolves the edges of opts.Files and their dependents (every edge of
// the store when opts.Files is nil) and writes what changed.
func Run(ctx context.Context, st *store.Store, opts Options) (Stats, error) {
	start := time.Now()
	if opts.Root == "" {
		if v, err := st.Meta("root"); err == nil {
			opts.Root = string(v)
		}
	}
	r := &resolver{st: st, root: opts.Root, dirs: map[string]*dirPackages{}, callers: map[graph.NodeID]*callerInfo{}, resultCache: map[graph.NodeID][]typeRef{}, nodes: map[graph.NodeID]*nodeLite{}, lazyPkgs: map[string]*goPackage{}, lazyFiles: map[string]*goFile{}, exts: map[string]*extPkg{}, extIDs: map[graph.NodeID]bool{}, fileFacts: map[string]*fileFacts{}, pkgNode: map[string]graph.NodeID{}, dirPkgName: map[string]string{}, dirTypes: map[string]map[string][]graph.NodeID{}}
	defer r.files.close()
	if c := opts.Catalog; c != nil {
		r.byDir, r.langOf, r.modules = c.byDir, c.langOf, c.modules
	} else if err := r.loadFiles(); err != nil {
		return Stats{}, err
	}
	var stats Stats
	var implTypes []graph.NodeID // Go types whose implements edges are resolved again (goImplTypes)
	all := opts.Files == nil
	stats.All = all
	if all {
		if err := r.preloadGo(); err != nil {
			return Stats{}, fmt.Errorf("resolve: %w", err)
		}
	} else {
		n := len(opts.Files)
		written := opts.Files
		r.writtenDirs = map[string]bool{}
		for _, f := range slices.Concat(written, opts.Deleted) {
			r.writtenDirs[path.Dir(f)] = true
		}
		var err error
		if opts.Files, err = dependents(st, opts); err != nil {
			return stats, fmt.Errorf("resolve: %w", err)
		}
		stats.Dependents = len(opts.Files) - n
		r.runFiles = opts.Files
		skip := make(map[string]bool, len(opts.Files))
		for _, f := range opts.Files {
			skip[f] = true
		}
		o := opts
		o.Files = written
		if implTypes, err = r.goImplTypes(o, skip); err != nil {
			return stats, fmt.Errorf("resolve: %w", err)
		}
	}

	// Resolve every group of edges (one source, kind, target and line:
	// an ambiguous edge is one edge per candidate) again, and keep what
	// changed. The scans see the state committed before the run; the
	// writes go after them.
	var changes changeLog
	var lastSrc graph.NodeID
	// A full run gathers the call sites of generic functions during its
	// main scan (collectSite) rather than in a second scan of every call
	// edge: a source whose resolution needs them before the scan is done
	// (a generic function calling through its type parameter) is
	// resolved after it, from the first group that needed them on
	// (deferred); its callerInfo, which may hold what was typed without
	// them, is dropped.
	var deferred [][]graph.Edge
	var deferSrc graph.NodeID
	r.gen.collecting = all
	resolveGroup := func(grp []graph.Edge) error {
		e := grp[0]
		if e.Src != lastSrc {
			// The scans visit each source's edges together: the callers
			// seen so far are needed again only by the call sites of
			// generic functions, which rebuild them (see dropCallers).
			lastSrc = e.Src
			r.dropCallers()
		}
		if r.gen.collecting && e.Src == deferSrc {
			deferred = append(deferred, slices.Clone(grp))
			return nil
		}
		e.Dst, e.Res, e.Candidates = 0, graph.ResUnresolved, 0
		dsts, res := r.resolve(&e)
		if r.gen.missed {
			r.gen.missed = false
			deferSrc = e.Src
			delete(r.callers, e.Src)
			deferred = append(deferred, slices.Clone(grp))
			return nil
		}
		stats.Considered++
		if stats.Considered%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		switch res {
		case graph.ResExact:
			stats.Exact++
		case graph.ResInferred:
			stats.Inferred++
		case graph.ResAmbiguous:
			stats.Ambiguous++
		case graph.ResExternal:
			stats.External++
		default:
			stats.Unresolved++
			res, dsts = graph.ResUnresolved, nil
		}
		dsts = distinct(dsts)
		if same(grp, dsts, res) {
			return nil
		}
		changes.add(&e, grp, dsts, res)
		return nil
	}
	g := grouper{fn: resolveGroup}
	if all {
		if err := st.AllEdgesOfKinds(Kinds, func(e graph.Edge) error {
			r.collectSite(e)
			return g.add(e)
		}); err != nil {
			return stats, err
		}
	} else {
		// The files' node ids from the file index keys alone, then their
		// edges with one iterator: a seek per node into the node table
		// and an iterator per node cost far more than the resolution
		// itself on a large batch (a branch switch).
		var ids []graph.NodeID
		if err := st.NodeIDsInFiles(opts.Files, func(_ int, id graph.NodeID) error { ids = append(ids, id); return nil }); err != nil {
			return stats, err
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if err := st.OutEdgesMany(ids, Kinds, func(_ int, e graph.Edge) error { return g.add(e) }); err != nil {
			return stats, err
		}
		if err := st.OutEdgesMany(implTypes, []graph.EdgeKind{graph.EdgeImplements}, func(_ int, e graph.Edge) error {
			if e.Target != parse.GoSatisfies {
				return nil
			}
			return g.add(e)
		}); err != nil {
			return stats, err
		}
	}
	if err := g.flush(); err != nil {
		return stats, err
	}
	if all {
		r.endCollect()
		for _, grp := range deferred {
			if err := resolveGroup(grp); err != nil {
				return stats, err
			}
		}
		deferred = nil
	}

	b := st.NewBatch()
	defer func() { b.Close() }()
	loaded := false
	if opts.Load {
		lb, err := st.NewLoadBatch()
		if err != nil {
			return stats, err
		}
		// External files written before (by the run that loaded the
		// store) need the batch path, which reads what they hold.
		switch err := r.writeExternals(lb); {
		case err == nil:
			b.Close()
			b, loaded = lb, true
		case errors.Is(err, store.ErrNotBare):
			lb.Close()
		default:
			lb.Close()
			return stats, err
		}
	}
	if !loaded {
		if err := r.writeExternals(b); err != nil {
			return stats, err
		}
	}
	orphans := opts.Orphans
	for _, ep := range r.exts {
		if ep.dirty {
			// Nodes made while trying an edge that did not end up bound
			// to them are not kept.
			for id := range ep.nodes {
				orphans = append(orphans, id)
			}
		}
	}
	if err := changes.each(func(c *change) error {
		for _, o := range c.old {
			if err := b.UnresolveEdge(o); err != nil {
				return err
			}
			orphans = append(orphans, o.Dst)
		}
		if c.res != graph.ResUnresolved {
			if err := b.ResolveEdge(c.e, c.dsts, c.res); err != nil {
				return err
			}
		}
		if b.Len() > batchBytes {
			return b.Commit(false)
		}
		return nil
	}); err != nil {
		return stats, err
	}
	stats.Rebound = changes.n
	changes = changeLog{}
	if loaded {
		if err := b.Ingest(ctx); err != nil {
			return stats, err
		}
		b.Close()
		b = st.NewBatch()
	} else if err := b.Commit(false); err != nil {
		return stats, err
	}
	// Externals no edge points at any more leave the store, as they are
	// absent from an index built from scratch.
	if all {
		orphans = nil
	}
	n, err := collectExternals(st, b, all, orphans)
	if err != nil {
		return stats, fmt.Errorf("resolve: external nodes: %w", err)
	}
	stats.ExternalsRemoved = n
	if err := r.saveIfaceTable(); err != nil {
		return stats, fmt.Errorf("resolve: interface table: %w", err)
	}
	stats.Duration = time.Since(start)
	return stats, nil
}

// change is a group of edges whose resolution changed.
type change struct {
	e    graph.Edge   // unresolved form
	old  []graph.Edge // the group's bound edges
	dsts []graph.NodeID
	res  graph.Resolution
}

// grouper gathers the edges a scan visits (each source's edges together)
// into groups of one source, kind, target and line, skipping the edges
// extraction bound and those of synthetic files.
type grouper struct {
	fn  func([]graph.Edge) error
	src graph.NodeID
	buf []graph.Edge
}

func (g *grouper) add(e graph.Edge) error {
	if !resolvable[e.Kind] {
		return nil
	}
	if e.Src != g.src {
		if err := g.flush(); err != nil {
			return err
		}
		g.src = e.Src
	}
	g.buf = append(g.buf, e)
	return nil
}

func (g *grouper) flush() error {
	buf := g.buf
	g.buf = g.buf[:0]
	if len(buf) == 0 {
		return nil
	}
	slices.SortStableFunc(buf, func(a, b graph.Edge) int {
		if a.Kind != b.Kind {
			return int(a.Kind) - int(b.Kind)
		}
		if a.Line != b.Line {
			if a.Line < b.Line {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Target, b.Target)
	})
	for i := 0; i < len(buf); {
		j := i + 1
		for j < len(buf) && buf[j].Kind == buf[i].Kind && buf[j].Line == buf[i].Line && buf[j].Target == buf[i].Target {
			j++
		}
		grp := buf[i:j]
		i = j
		// The precise tier's edges are the compiler's; it re-checks them itself.
		if graph.Synthetic(grp[0].File) || slices.ContainsFunc(grp, func(e graph.Edge) bool { return e.Res == graph.ResSyntax || e.Res.IsPrecise() }) {
			continue
		}
		if err := g.fn(grp); err != nil {
			return err
		}
	}
	return nil
}

// distinct sorts dsts and drops zeros and repeats.
func distinct(dsts []graph.NodeID) []graph.NodeID {
	out := slices.Clone(dsts)
	out = slices.DeleteFunc(out, func(id graph.NodeID) bool { return id == 0 })
	slices.Sort(out)
	return slices.Compact(out)
}

// same reports whether the stored group already says dsts with res.
func same(grp []graph.Edge, dsts []graph.NodeID, res graph.Resolution) bool {
	if res == graph.ResUnresolved {
		return len(grp) == 1 && grp[0].Dst == 0
	}
	if len(grp) != len(dsts) {
		return false
	}
	cand := uint16(0)
	if res == graph.ResAmbiguous {
		cand = uint16(min(len(dsts), 65535))
	}
	for _, e := range grp {
		if e.Dst == 0 || e.Res != res || e.Candidates != cand {
			return false
		}
		if _, ok := slices.BinarySearch(dsts, e.Dst); !ok {
			return false
		}
	}
	return true
}

// dependents returns opts.Files with the files whose edges may resolve
// differently because of the run: those with edges into opts.Changed, and
// those with edges that may mean one of opts.NewNames (an unresolved edge
// whose target ends with the name, or an edge bound to another
// definition of that name, which may now be ambiguous or shadowed).
func dependents(st *store.Store, opts Options) ([]string, error) {
	files := map[string]bool{}
	for _, f := range opts.Files {
		files[f] = true
	}
	out := slices.Clone(opts.Files)
	addFile := func(f string) {
		if !files[f] && !graph.Synthetic(f) {
			files[f] = true
			out = append(out, f)
		}
	}
	into := slices.Clone(opts.Changed)
	if len(opts.NewNames) > 0 {
		names := map[string]bool{}
		for _, n := range opts.NewNames {
			names[n] = true
			if err := st.NodesByName(n, func(nd graph.Node) error {
				into = append(into, nd.ID)
				return nil
			}); err != nil {
				return nil, err
			}
		}
		for _, k := range Kinds {
			if err := st.UnresolvedEdgesWhere(k, func(t []byte) bool { return mayNameBytes(t, names) }, func(e graph.Edge) error {
				addFile(e.File)
				return nil
			}); err != nil {
				return nil, err
			}
		}
	}
	if err := genericDependents(st, opts, addFile); err != nil {
		return nil, err
	}
	slices.Sort(into)
	into = slices.Compact(into)
	if err := st.InEdgesMany(into, Kinds, func(_ int, e graph.Edge) error {
		addFile(e.File)
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// mayName reports whether target, as written, may name one of names by
// its last part: "pkg.Foo", "a::b::Foo", "./dir/foo.js", "foo.h".
func mayName(target string, names map[string]bool) bool {
	return mayNameBytes([]byte(target), names)
}

// mayNameBytes is mayName of a target's bytes (a store key's), without
// allocating.
func mayNameBytes(target []byte, names map[string]bool) bool {
	t := bytes.TrimRight(target, "/()")
	if i := bytes.LastIndexAny(t, "/\\"); i >= 0 {
		t = t[i+1:]
	}
	if names[string(t)] {
		return true
	}
	if i := bytes.LastIndexAny(t, ".:"); i >= 0 {
		if names[string(t[i+1:])] || names[string(t[:i])] {
			return true
		}
		if j := bytes.IndexAny(t, ".:"); j >= 0 && names[string(t[:j])] {
			return true
		}
	}
	return false
}

// NamesOfFile returns the names by which other files may refer to the
// file at p (for Options.NewNames when it is added): its base name, its
// name without extension and its directory's name.
func NamesOfFile(p string) []string {
	base := path.Base(p)
	out := []string{base}
	if ext := path.Ext(base); ext != "" {
		out = append(out, strings.TrimSuffix(base, ext))
	}
	if d := path.Dir(p); d != "." {
		out = append(out, path.Base(d))
	}
	return out
}

// collectExternals removes the external nodes that no resolved edge
// points at (of candidates, or every one with all) and the external
// packages left with nothing pointing at them, as an index built from
// scratch would not have them. It returns the number of nodes removed.
func collectExternals(st *store.Store, b *store.Batch, all bool, candidates []graph.NodeID) (int, error) {
	files := map[string]bool{}
	if all {
		if err := st.Files(func(m store.FileMeta) error {
			if strings.HasPrefix(m.Path, graph.ExternalPrefix) {
				files[m.Path] = true
			}
			return nil
		}); err != nil {
			return 0, err
		}
	} else {
		candidates = distinct(candidates)
		if len(candidates) == 0 {
			return 0, nil
		}
		nodes := make([]graph.Node, len(candidates))
		if err := st.NodesByID(candidates, nodes); err != nil {
			return 0, err
		}
		for i, n := range nodes {
			if n.ID == candidates[i] && strings.HasPrefix(n.File, graph.ExternalPrefix) {
				files[n.File] = true
			}
		}
	}
	removed := 0
	for _, f := range slices.Sorted(maps.Keys(files)) {
		var nodes []graph.Node
		if err := st.NodesInFile(f, func(n graph.Node) error { nodes = append(nodes, n); return nil }); err != nil {
			return removed, err
		}
		ids := make([]graph.NodeID, len(nodes))
		for i, n := range nodes {
			ids[i] = n.ID
		}
		used := map[graph.NodeID]bool{}
		if err := st.InEdgesMany(ids, Kinds, func(i int, _ graph.Edge) error {
			used[ids[i]] = true
			return nil
		}); err != nil {
			return removed, err
		}
		var keep []graph.Node
		var pkg *graph.Node
		for i := range nodes {
			n := &nodes[i]
			switch {
			case n.Kind == graph.KindPackage:
				pkg = n
			case used[n.ID]:
				keep = append(keep, *n)
			}
		}
		// The package stays while a symbol of it or an edge does.
		keepPkg := pkg != nil && (len(keep) > 0 || used[pkg.ID])
		n := len(keep)
		if keepPkg {
			n++
		}
		if n == len(nodes) {
			continue // nothing to remove
		}
		if n == 0 {
			if err := b.DeleteFile(f); err != nil {
				return removed, err
			}
			removed += len(nodes)
			continue
		}
		var edges []graph.Edge
		if keepPkg {
			for _, n := range keep {
				if n.Kind == graph.KindExternal {
					edges = append(edges, graph.Edge{Kind: graph.EdgeContains, Src: n.Parent, Dst: n.ID, File: f, Line: 1, Res: graph.ResSyntax})
				}
			}
			keep = append(keep, *pkg)
		}
		removed += len(nodes) - len(keep)
		if err := b.ReplaceFile(store.FileMeta{Path: f, Language: "external"}, keep, edges); err != nil {
			return removed, err
		}
	}
	if removed > 0 {
		if err := b.Commit(false); err != nil {
			return removed, err
		}
	}
	return removed, nil
}
