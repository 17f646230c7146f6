package query

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"path"
	"slices"
	"sort"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// ImpactKinds are the edge kinds along which a change propagates to what
// depends on it.
var ImpactKinds = []graph.EdgeKind{graph.EdgeCalls, graph.EdgeReferences, graph.EdgeInherits, graph.EdgeImplements, graph.EdgeImports}

var isImpactKind = func() (m [256]bool) {
	for _, k := range ImpactKinds {
		m[k] = true
	}
	return m
}()

// Impact bounds.
const (
	DefaultImpactDepth = 5
	maxGroups          = 500 // files, packages and tests listed
	maxSites           = 20  // uncertain call sites listed
)

// ImpactOptions configure Impact.
type ImpactOptions struct {
	Depth int `json:"depth,omitempty"` // levels to follow (default DefaultImpactDepth)
	Page
}

// ImpactResult is everything that transitively depends on a symbol, file
// or package, up to Depth levels: the affected symbols (paginated), and
// the affected files, packages and test files (bounded, largest first).
//
// Complete says whether the set is exact as far as the graph knows. It is
// false when the traversal was truncated, or when call edges that could
// reach the set were not followed: unresolved calls, made from outside the
// set, whose target's last identifier (Get in s.st.Get) is the name of a
// function, method or type of the scope or of the set below its last
// level (a call into the last level would only add a level beyond
// Depth) — for an unexported Go name, only calls from its own package —;
// ambiguous calls into the set, followed but uncertain; functions of the
// set used as values (Escapes); and calls through interface methods with
// too many call sites to follow (DispatchWide). The set is then a lower bound;
// Unresolved, Ambiguous and Escapes count those sites and list the first
// of them by file and line.
type ImpactResult struct {
	Scope     Scope `json:"scope"`
	Depth     int   `json:"depth"`
	Complete  bool  `json:"complete"`
	Truncated bool  `json:"truncated,omitempty"`

	Total      int          `json:"total"` // affected symbols
	Items      []ImpactItem `json:"items"`
	NextCursor string       `json:"next_cursor,omitempty"`

	Files         []FileImpact    `json:"files"`
	FilesTotal    int             `json:"files_total"`
	Packages      []PackageImpact `json:"packages"`
	PackagesTotal int             `json:"packages_total"`
	Tests         []string        `json:"tests"` // affected test files
	TestsTotal    int             `json:"tests_total"`

	Unresolved Uncertainty `json:"unresolved"`
	Ambiguous  Uncertainty `json:"ambiguous"`
	// Escapes are the sites where a function or method of the set (at a
	// level below the last) is used as a value: whoever receives it may
	// call it, through calls the graph cannot follow.
	Escapes Uncertainty `json:"escapes"`
	// Dispatch lists the interface methods a method of the set implements
	// (its type's implements edges): calls through them may dispatch to
	// it, so they and their callers are in the set, marked Dynamic.
	Dispatch Uncertainty `json:"dispatch"`
	// DispatchWide lists the interface methods of Dispatch with more calls
	// through them than the bound (MaxDispatchCalls, 200; io.Writer.Write
	// on the standard library has thousands): those calls are counted,
	// not followed, and the set is a lower bound.
	DispatchWide []DispatchRef `json:"dispatch_wide,omitempty"`
	// Precise says that every edge on the way from the scope to each
	// affected symbol is the precise tier's (compiler-checked) and the
	// answer is complete.
	Precise bool `json:"precise,omitempty"`
}

// ImpactItem is one affected symbol.
type ImpactItem struct {
	Depth  int    `json:"depth"`
	Symbol Symbol `json:"symbol"`
	// Via is the edge through which it depends on the level below.
	Via EdgeRef `json:"via"`
	// Confidence is the lowest edge confidence on the way from the scope.
	Confidence float64 `json:"confidence"`
	Test       bool    `json:"test,omitempty"`
	// Dynamic is set when the way from the scope passes through an
	// interface method (dynamic dispatch): the call may go elsewhere.
	Dynamic bool `json:"dynamic,omitempty"`
}

// FileImpact counts the affected symbols of one file.
type FileImpact struct {
	File    string `json:"file"`
	Package string `json:"package"`
	Symbols int    `json:"symbols"`
	Test    bool   `json:"test,omitempty"`
}

// PackageImpact counts the affected symbols and files of one package
// (directory).
type PackageImpact struct {
	Package   string `json:"package"`
	Files     int    `json:"files"`
	Symbols   int    `json:"symbols"`
	TestFiles int    `json:"test_files,omitempty"`
}

// Uncertainty counts call sites that could reach an impact set but were
// not followed, and lists the first of them by file and line.
type Uncertainty struct {
	Count int    `json:"count"`
	Sites []Site `json:"sites,omitempty"`
}

// Site is one call site.
type Site struct {
	File   string `json:"file"`
	Line   uint32 `json:"line"`
	Target string `json:"target"`         // the callee as written
	From   string `json:"from"`           // id of the calling symbol
	Name   string `json:"name,omitempty"` // the name in the set it could mean
}

type impactNode struct {
	id      graph.NodeID
	depth   int
	via     graph.Edge // the edge from this node into the level below
	conf    float64
	dynamic bool
}

// Impact returns what transitively depends on scope: a reverse traversal
// over resolved edges of ImpactKinds, up to opts.Depth levels. A symbol
// stands for itself and what is nested in it; a file for its symbols; a
// package for its files.
//
// Affected symbols are listed by depth, then by the file and line of the
// edge that makes them depend on the level below (an edge is written in
// its source's file, so this is source order within each file). Only the
// symbols of the page, and those whose dependents are looked up (depth
// below opts.Depth, whose names the completeness check needs), are read.
func (e *Engine) Impact(ctx context.Context, scope Scope, opts ImpactOptions) (*ImpactResult, error) {
	depth := opts.Depth
	if depth <= 0 {
		depth = DefaultImpactDepth
	}
	depth = clampDepth(depth)
	seeds, err := e.scopeNodes(ctx, scope)
	if err != nil {
		return nil, err
	}
	res := &ImpactResult{Scope: scope, Depth: depth}
	index := make(map[graph.NodeID]int32, 2*len(seeds)) // into reached; seeds are -1
	for _, id := range seeds {
		index[id] = -1
	}
	var reached []impactNode
	names := map[string]*nameScope{}
	ambiguous := map[Site]bool{}
	var ambSites, escSites, dispSites []Site
	wide := map[graph.NodeID]int{} // calls through each interface method met

	// Reverse breadth-first traversal, one level at a time. Each node of
	// a level is read (for its name) and its incoming edges scanned
	// concurrently; the results are merged in order.
	frontier := seeds
	for d := 1; d <= depth && len(frontier) > 0 && !res.Truncated; d++ {
		edges := make([][]graph.Edge, len(frontier))
		nodes := make([]graph.Node, len(frontier))
		// Read in chunks, one iterator per chunk for the nodes (their names)
		// and one for their incoming edges: a seek on an open iterator
		// costs far less than opening one per node. Contains and defines
		// edges are dropped here.
		err := e.chunks(ctx, len(frontier), func(lo, hi int) error {
			if err := e.g.NodesByID(frontier[lo:hi], nodes[lo:hi]); err != nil {
				return err
			}
			return e.g.InEdgesMany(frontier[lo:hi], nil, func(i int, ed graph.Edge) error {
				if isImpactKind[ed.Kind] {
					edges[lo+i] = append(edges[lo+i], ed)
				}
				return nil
			})
		})
		if err != nil {
			return nil, err
		}
		var next []graph.NodeID
	merge:
		for i, id := range frontier {
			if n := &nodes[i]; n.Kind.IsCallable() || n.Kind.IsType() {
				ns := names[n.Name]
				if ns == nil {
					ns = &nameScope{}
					names[n.Name] = ns
				}
				ns.add(n)
			}
			conf, dynamic := 1.0, false
			if j := index[id]; j >= 0 {
				conf, dynamic = reached[j].conf, reached[j].dynamic
			}
			if n := &nodes[i]; n.Kind == graph.KindMethod && n.Parent != 0 {
				ims, err := e.ifaceMethods(n)
				if err != nil {
					return nil, err
				}
				for _, im := range ims {
					dispSites = append(dispSites, Site{File: im.via.File, Line: im.via.Line, Target: im.qn, From: n.ID.String(), Name: n.Name})
					if _, ok := index[im.id]; ok {
						continue
					}
					calls, seen := wide[im.id]
					if !seen {
						if calls, err = e.countCalls(im.id); err != nil {
							return nil, err
						}
						wide[im.id] = calls
						if calls > e.dispatchCap {
							res.DispatchWide = append(res.DispatchWide, DispatchRef{Method: im.id.String(), Name: im.qn, Calls: calls})
						}
					}
					if calls > e.dispatchCap {
						continue // counted, not followed
					}
					if len(reached) >= e.maxNodes {
						res.Truncated = true
						break merge
					}
					index[im.id] = int32(len(reached))
					reached = append(reached, impactNode{id: im.id, depth: d, via: im.via, conf: min(conf, dispatchConfidence), dynamic: true})
					next = append(next, im.id)
				}
			}
			for _, ed := range edges[i] {
				if ed.Kind == graph.EdgeReferences && nodes[i].Kind.IsCallable() {
					// a function used as a value: its callers are not all known
					escSites = append(escSites, Site{File: ed.File, Line: ed.Line, Target: ed.Target, From: ed.Src.String(), Name: nodes[i].Name})
				}
				if ed.Res == graph.ResAmbiguous && ed.Kind == graph.EdgeCalls {
					s := Site{File: ed.File, Line: ed.Line, Target: ed.Target, From: ed.Src.String()}
					if !ambiguous[s] {
						ambiguous[s] = true
						ambSites = append(ambSites, s)
					}
				}
				if _, ok := index[ed.Src]; ok {
					continue
				}
				if len(reached) >= e.maxNodes {
					res.Truncated = true
					break merge
				}
				index[ed.Src] = int32(len(reached))
				reached = append(reached, impactNode{id: ed.Src, depth: d, via: ed, conf: min(conf, Confidence(ed.Res, ed.Candidates)), dynamic: dynamic})
				next = append(next, ed.Src)
			}
		}
		frontier = next
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// reached is in level order already: sort each level.
	for lo := 0; lo < len(reached); {
		hi := lo + 1
		for hi < len(reached) && reached[hi].depth == reached[lo].depth {
			hi++
		}
		slices.SortFunc(reached[lo:hi], func(a, b impactNode) int {
			if c := compareSites(&a.via, &b.via); c != 0 {
				return c
			}
			return cmp.Compare(a.id, b.id)
		})
		lo = hi
	}
	res.Total = len(reached)
	groupImpact(res, reached)

	// Completeness: unresolved calls that could reach what was expanded
	// (the scope and the symbols below the last level: a call into the
	// last level would add a level beyond the depth asked for), made from
	// outside the set.
	if len(names) > 0 {
		first := make([]*usite, 0, maxSites+1) // the first maxSites by site
		consider := func(ns *nameScope, u *usite) {
			if _, in := index[u.src]; in || !ns.reaches(u.file) {
				return
			}
			res.Unresolved.Count++
			if len(first) == maxSites && !lessUsite(u, first[maxSites-1]) {
				return
			}
			j, _ := slices.BinarySearchFunc(first, u, func(a, b *usite) int {
				if lessUsite(a, b) {
					return -1
				}
				return 1
			})
			first = slices.Insert(first, j, u)
			first = first[:min(len(first), maxSites)]
		}
		sx, err := e.unresolvedByName(ctx, len(names))
		if err != nil {
			return nil, err
		}
		if sx != nil {
			for name, ns := range names {
				for i := range sx.byName[name] {
					consider(ns, &sx.byName[name][i])
				}
			}
		} else {
			// A few names: the store's unresolved edges keyed by the
			// target's last identifier, one prefix scan each, instead of
			// every unresolved call read into the index.
			for name, ns := range names {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				if name == "" {
					continue // the index has no calls without a name
				}
				err := e.g.UnresolvedEdgesNamed(graph.EdgeCalls, name, func(ed graph.Edge) error {
					consider(ns, &usite{src: ed.Src, line: ed.Line, file: ed.File, target: ed.Target})
					return nil
				})
				if err != nil {
					return nil, err
				}
			}
		}
		for _, u := range first {
			res.Unresolved.Sites = append(res.Unresolved.Sites, Site{File: u.file, Line: u.line, Target: u.target, From: u.src.String(), Name: graph.TargetName(u.target)})
		}
	}
	res.Ambiguous = Uncertainty{Count: len(ambSites), Sites: firstSites(ambSites)}
	res.Escapes = Uncertainty{Count: len(escSites), Sites: firstSites(escSites)}
	res.Dispatch = Uncertainty{Count: len(dispSites), Sites: firstSites(dispSites)}
	sortDispatch(res.DispatchWide)
	res.Complete = !res.Truncated && res.Unresolved.Count == 0 && res.Ambiguous.Count == 0 && res.Escapes.Count == 0 && len(res.DispatchWide) == 0
	res.Precise = res.Complete && len(reached) > 0 && !slices.ContainsFunc(reached, func(r impactNode) bool { return r.via.Res != graph.ResPrecise })

	start, end, next, err := opts.Page.slice(fmt.Sprintf("impact|%s|%s|%d", scope.Kind, scopeKey(scope), depth), len(reached))
	if err != nil {
		return nil, err
	}
	res.NextCursor = next
	page := reached[start:end]
	ids := make([]graph.NodeID, len(page))
	for i := range page {
		ids[i] = page[i].id
	}
	syms, err := e.symbols(ctx, ids)
	if err != nil {
		return nil, err
	}
	res.Items = make([]ImpactItem, 0, len(page))
	for i := range page {
		r := &page[i]
		it := ImpactItem{Depth: r.depth, Via: edgeRef(&r.via), Confidence: r.conf, Test: IsTestFile(r.via.File), Dynamic: r.dynamic}
		if syms[i] != nil {
			it.Symbol = *syms[i]
		} else {
			it.Symbol = Symbol{ID: r.id.String(), File: r.via.File}
		}
		res.Items = append(res.Items, it)
	}
	return res, nil
}

// groupImpact fills the file, package and test groups of res. An edge is
// written in its source's file, so the file of an affected symbol is the
// file of the edge that reached it.
func groupImpact(res *ImpactResult, reached []impactNode) {
	files := map[string]*FileImpact{}
	pkgs := map[string]*PackageImpact{}
	for i := range reached {
		file := reached[i].via.File
		f := files[file]
		if f == nil {
			f = &FileImpact{File: file, Package: path.Dir(file), Test: IsTestFile(file)}
			files[file] = f
			p := pkgs[f.Package]
			if p == nil {
				p = &PackageImpact{Package: f.Package}
				pkgs[f.Package] = p
			}
			p.Files++
			if f.Test {
				p.TestFiles++
				res.Tests = append(res.Tests, file)
			}
		}
		f.Symbols++
		pkgs[f.Package].Symbols++
	}
	res.FilesTotal, res.PackagesTotal, res.TestsTotal = len(files), len(pkgs), len(res.Tests)
	res.Files = make([]FileImpact, 0, len(files))
	for _, f := range files {
		res.Files = append(res.Files, *f)
	}
	sort.Slice(res.Files, func(i, j int) bool {
		if res.Files[i].Symbols != res.Files[j].Symbols {
			return res.Files[i].Symbols > res.Files[j].Symbols
		}
		return res.Files[i].File < res.Files[j].File
	})
	res.Files = res.Files[:min(len(res.Files), maxGroups)]
	res.Packages = make([]PackageImpact, 0, len(pkgs))
	for _, p := range pkgs {
		res.Packages = append(res.Packages, *p)
	}
	sort.Slice(res.Packages, func(i, j int) bool {
		if res.Packages[i].Symbols != res.Packages[j].Symbols {
			return res.Packages[i].Symbols > res.Packages[j].Symbols
		}
		return res.Packages[i].Package < res.Packages[j].Package
	})
	res.Packages = res.Packages[:min(len(res.Packages), maxGroups)]
	sort.Strings(res.Tests)
	if res.Tests == nil {
		res.Tests = []string{}
	}
	res.Tests = res.Tests[:min(len(res.Tests), maxGroups)]
}

// nameScope says from where a call by name can reach the symbols of that
// name in an impact set: from anywhere, except that an unexported Go
// function or method (lower-case, VisPrivate) can only be called from its
// own package (directory).
type nameScope struct {
	anywhere bool
	dirs     []string
}

func (s *nameScope) add(n *graph.Node) {
	if n.Language == "go" && n.Visibility == graph.VisPrivate && !s.anywhere {
		if d := path.Dir(n.File); !slices.Contains(s.dirs, d) {
			s.dirs = append(s.dirs, d)
		}
		return
	}
	s.anywhere, s.dirs = true, nil
}

func (s *nameScope) reaches(file string) bool {
	return s.anywhere || slices.Contains(s.dirs, path.Dir(file))
}

// firstSites sorts sites by file and line and keeps the first maxSites.
func firstSites(s []Site) []Site {
	sort.Slice(s, func(i, j int) bool {
		if s[i].File != s[j].File {
			return s[i].File < s[j].File
		}
		if s[i].Line != s[j].Line {
			return s[i].Line < s[j].Line
		}
		return s[i].Target < s[j].Target
	})
	return s[:min(len(s), maxSites)]
}

func scopeKey(s Scope) string {
	switch s.Kind {
	case ScopeSymbol:
		return s.node.ID.String()
	case ScopeSymbols:
		h := fnv.New64a()
		for _, id := range s.ids {
			binary.Write(h, binary.LittleEndian, uint64(id))
		}
		return fmt.Sprintf("%s|%x", s.Name, h.Sum64())
	}
	return s.Name
}

// scopeNodes returns the nodes a scope stands for: a symbol and what is
// nested in it, or every node of a file's or package's files.
func (e *Engine) scopeNodes(ctx context.Context, s Scope) ([]graph.NodeID, error) {
	switch s.Kind {
	case ScopeSymbol:
		return e.members(s.node.ID)
	case ScopeSymbols:
		return s.ids, nil
	case ScopeFile, ScopePackage:
		var out []graph.NodeID
		for _, f := range s.Files {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			err := e.g.NodesInFile(f, func(n graph.Node) error { out = append(out, n.ID); return nil })
			if err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("impact: unknown scope kind %q", s.Kind)
}

// ScopeOf makes a symbol scope from a node (for callers that resolved the
// symbol themselves).
func (e *Engine) ScopeOf(n graph.Node) Scope {
	sym := e.symbol(&n)
	return Scope{Kind: ScopeSymbol, Name: n.QualifiedName, Symbol: &sym, node: n}
}

// suffixIndex is every unresolved call, by the last identifier of its
// target, so that impact can find the calls that could mean a name
// however they qualify it (s.st.Get, r.Get, Get).
type suffixIndex struct {
	byName map[string][]usite
}

type usite struct {
	src    graph.NodeID
	line   uint32
	file   string
	target string
}

func lessUsite(a, b *usite) bool {
	if a.file != b.file {
		return a.file < b.file
	}
	if a.line != b.line {
		return a.line < b.line
	}
	return a.target < b.target
}

// namedLookups is the number of names from which impact's completeness
// check reads every unresolved call once into a suffixIndex (kept by the
// Engine) rather than looking each name up in the store.
const namedLookups = 2000

// unresolvedByName returns the Engine's suffixIndex when it is built, or
// when n names are to be looked up and that is cheaper (then it builds
// it); nil when n lookups in the store are cheaper.
func (e *Engine) unresolvedByName(ctx context.Context, n int) (*suffixIndex, error) {
	e.sufMu.Lock()
	sx := e.suffixes
	e.sufMu.Unlock()
	if sx != nil || n < namedLookups {
		return sx, nil
	}
	return e.suffixIndex(ctx)
}

// suffixIndex builds the index with one scan of the unresolved calls, once
// per Engine.
func (e *Engine) suffixIndex(ctx context.Context) (*suffixIndex, error) {
	e.sufMu.Lock()
	defer e.sufMu.Unlock()
	if e.suffixes != nil {
		return e.suffixes, nil
	}
	sx := &suffixIndex{byName: map[string][]usite{}}
	intern := map[string]string{}
	in := func(s string) string {
		if v, ok := intern[s]; ok {
			return v
		}
		intern[s] = s
		return s
	}
	n := 0
	err := e.g.UnresolvedEdges(graph.EdgeCalls, "", func(ed graph.Edge) error {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		n++
		name := graph.TargetName(ed.Target)
		if name == "" {
			return nil
		}
		name = in(name)
		sx.byName[name] = append(sx.byName[name], usite{src: ed.Src, line: ed.Line, file: in(ed.File), target: in(ed.Target)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.suffixes = sx
	return sx, nil
}

// dispatchConfidence is the confidence of a dependency through an
// interface method: the call may dispatch to another implementation.
const dispatchConfidence = 0.5

// countCalls counts the calls edges into id.
func (e *Engine) countCalls(id graph.NodeID) (int, error) {
	n := 0
	err := e.g.InEdges(id, callKinds, func(graph.Edge) error { n++; return nil })
	return n, err
}

// ifaceMethod is an interface method that a method implements, with the
// implements edge of the method's type that says so.
type ifaceMethod struct {
	id  graph.NodeID
	qn  string
	via graph.Edge
}

// ifaceMethods returns the interface methods that method m implements: for
// each interface its type implements (repository interfaces, and library
// ones as external nodes), the interface's method of the same name.
func (e *Engine) ifaceMethods(m *graph.Node) ([]ifaceMethod, error) {
	var out []ifaceMethod
	err := e.g.OutEdges(m.Parent, []graph.EdgeKind{graph.EdgeImplements}, func(ed graph.Edge) error {
		if ed.Dst == 0 {
			return nil
		}
		in, err := e.g.Node(ed.Dst)
		if err != nil {
			return nil // gone
		}
		qn := in.QualifiedName + "." + m.Name
		via := graph.Edge{Kind: graph.EdgeImplements, Src: 0, Dst: m.ID, Target: qn, File: ed.File, Line: ed.Line, Res: ed.Res}
		switch in.Kind {
		case graph.KindExternal:
			id := graph.MakeNodeID(in.File, qn, graph.KindExternal, 0)
			if _, err := e.g.Node(id); err == nil { // called somewhere
				via.Src = id
				out = append(out, ifaceMethod{id, qn, via})
			}
		case graph.KindInterface:
			return e.g.NodesByQualifiedName(qn, func(n graph.Node) error {
				if n.Parent == in.ID {
					via.Src = n.ID
					out = append(out, ifaceMethod{n.ID, qn, via})
				}
				return nil
			})
		}
		return nil
	})
	return out, err
}
