package precise

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"path"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// fileIndex is the nodes of one indexed file, for finding the innermost
// definition around an offset and a definition by name and line.
type fileIndex struct {
	nodes   []graph.Node // by StartByte, then widest first
	byID    map[graph.NodeID]int
	byName  map[string][]int
	imports []int        // import nodes
	file    graph.NodeID // the file node
	pkg     graph.NodeID // the package clause node
}

// nodesOf returns the index of an indexed file (nil when it is not indexed).
func (p *pass) nodesOf(rel string) *fileIndex {
	if fi, ok := p.fileNodes[rel]; ok {
		return fi
	}
	var nodes []graph.Node
	if err := p.st.NodesInFile(rel, func(n graph.Node) error {
		n.Doc, n.Locals, n.Signature = "", "", ""
		nodes = append(nodes, n)
		return nil
	}); err != nil || len(nodes) == 0 {
		p.fileNodes[rel] = nil
		return nil
	}
	sort.SliceStable(nodes, func(i, j int) bool {
		if nodes[i].StartByte != nodes[j].StartByte {
			return nodes[i].StartByte < nodes[j].StartByte
		}
		return nodes[i].EndByte > nodes[j].EndByte
	})
	fi := &fileIndex{nodes: nodes, byID: make(map[graph.NodeID]int, len(nodes)), byName: map[string][]int{}}
	for i, n := range nodes {
		fi.byID[n.ID] = i
		fi.byName[n.Name] = append(fi.byName[n.Name], i)
		switch n.Kind {
		case graph.KindFile:
			fi.file = n.ID
		case graph.KindPackage:
			fi.pkg = n.ID
		case graph.KindImport:
			fi.imports = append(fi.imports, i)
		}
	}
	p.fileNodes[rel] = fi
	return fi
}

// enclosing returns the innermost node whose bytes hold off (the file node
// when no definition does): the node extraction attaches a reference at
// off to.
func (fi *fileIndex) enclosing(off int) graph.NodeID {
	// Definitions nest, so of the nodes that start at or before off, the
	// last one that holds off is the innermost.
	o := uint32(off)
	for i := sort.Search(len(fi.nodes), func(i int) bool { return fi.nodes[i].StartByte > o }) - 1; i >= 0; i-- {
		n := &fi.nodes[i]
		if o < n.EndByte && n.Kind != graph.KindFile && n.Kind != graph.KindPackage && n.Kind != graph.KindImport {
			return n.ID
		}
	}
	return fi.file
}

// definition returns the node named name, of a kind accepted by ok, whose
// lines hold line (the smallest such).
func (fi *fileIndex) definition(name string, line int, ok func(graph.NodeKind) bool) graph.NodeID {
	var best *graph.Node
	for _, i := range fi.byName[name] {
		n := &fi.nodes[i]
		if !ok(n.Kind) || int(n.StartLine) > line || line > int(n.EndLine) {
			continue
		}
		if best == nil || n.EndLine-n.StartLine < best.EndLine-best.StartLine {
			best = n
		}
	}
	if best == nil {
		return 0
	}
	return best.ID
}

func isCallableKind(k graph.NodeKind) bool { return k.IsCallable() }
func isTypeKind(k graph.NodeKind) bool     { return k.IsType() }

// ref is a destination found by the type checker, bound to a node when
// the pass writes (under the writer, which may have changed the nodes
// since): a library's external node (id), the package clause of a
// repository directory, or the definition named name whose lines hold
// line in a repository file.
type ref struct {
	id   graph.NodeID
	kind refKind
	file string // repository file; the directory for refPackage
	name string
	line int
}

type refKind uint8

const (
	refNone refKind = iota
	refID
	refCallable
	refType
	refPackage
)

// objRef returns the ref of a function or type object: the repository's
// definition, an external node for a library's, or the zero ref.
func (p *pass) objRef(obj types.Object) ref {
	if r, ok := p.objRefs[obj]; ok {
		return r
	}
	r := p.findObjRef(obj)
	p.objRefs[obj] = r
	return r
}

func (p *pass) findObjRef(obj types.Object) ref {
	kind := refType
	if _, ok := obj.(*types.Func); ok {
		kind = refCallable
	}
	if obj.Pkg() == nil { // the universe: error.Error
		if f, ok := obj.(*types.Func); ok && f.Name() == "Error" {
			return ref{kind: refID, id: p.external("builtin", "error.Error")}
		}
		return ref{}
	}
	if obj.Pos().IsValid() {
		pos := p.fset.PositionFor(obj.Pos(), false)
		rel, ok := p.rel(pos.Filename)
		if !ok {
			// A file cgo wrote (in the build cache) says with //line
			// directives which file of the tree it came from.
			pos = p.fset.PositionFor(obj.Pos(), true)
			rel, ok = p.rel(pos.Filename)
		}
		if ok {
			if _, indexed := p.hashes[rel]; !indexed {
				return ref{}
			}
			return ref{kind: kind, file: rel, name: obj.Name(), line: pos.Line}
		}
	}
	sym := obj.Name()
	if f, ok := obj.(*types.Func); ok {
		recv := f.Signature().Recv()
		if recv != nil {
			r := recvName(recv.Type())
			if r == "" {
				return ref{}
			}
			sym = r + "." + sym
		}
	}
	return ref{kind: refID, id: p.external(obj.Pkg().Path(), sym)}
}

// bindRef returns the node a ref stands for in the store as it is now (0
// when there is none); ok is false when the ref's file changed since the
// pass started (the type checker's line no longer says where the
// definition is).
func (p *pass) bindRef(r ref) (graph.NodeID, bool) {
	switch r.kind {
	case refNone:
		return 0, true
	case refID:
		return r.id, true
	case refPackage:
		return p.packageClause(r.file)
	}
	if !p.current(r.file) {
		return 0, false
	}
	fi := p.nodesOf(r.file)
	if fi == nil {
		return 0, true
	}
	ok := isTypeKind
	if r.kind == refCallable {
		ok = isCallableKind
	}
	return fi.definition(r.name, r.line, ok), true
}

// current reports whether a repository file still has the content it had
// when the pass started.
func (p *pass) current(rel string) bool {
	h, ok := p.hashes[rel]
	if !ok {
		return false
	}
	return p.now[rel] == h
}

// recvName is the name of a method's receiver type: "T" for T, *T and T[P].
func recvName(t types.Type) string {
	if ptr, ok := t.(*types.Pointer); ok {
		t = ptr.Elem()
	}
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		return t.Obj().Name()
	}
	return ""
}

// external returns the id of the external node of symbol in pkgPath,
// recording it to be written (as resolve names them).
func (p *pass) external(pkgPath, symbol string) graph.NodeID {
	file := graph.ExternalPrefix + lang.Go + "/" + pkgPath
	qn := pkgPath + "." + symbol
	id := graph.MakeNodeID(file, qn, graph.KindExternal, 0)
	p.addExternal(file, lang.Go, pkgPath, graph.Node{ID: id, Kind: graph.KindExternal, Name: symbol, QualifiedName: qn,
		Language: lang.Go, File: file, StartLine: 1, EndLine: 1, Parent: graph.MakeNodeID(file, pkgPath, graph.KindPackage, 0)})
	return id
}

// externalPackage returns the id of a library's package node.
func (p *pass) externalPackage(pkgPath string) graph.NodeID {
	file := graph.ExternalPrefix + lang.Go + "/" + pkgPath
	p.addExternal(file, lang.Go, pkgPath, graph.Node{})
	return graph.MakeNodeID(file, pkgPath, graph.KindPackage, 0)
}

func (p *pass) addExternal(file, language, pkgPath string, n graph.Node) {
	m := p.exts[file]
	if m == nil {
		m = map[graph.NodeID]graph.Node{}
		pid := graph.MakeNodeID(file, pkgPath, graph.KindPackage, 0)
		m[pid] = graph.Node{ID: pid, Kind: graph.KindPackage, Name: path.Base(pkgPath), QualifiedName: pkgPath,
			Language: language, File: file, StartLine: 1, EndLine: 1}
		p.exts[file] = m
	}
	if n.ID != 0 {
		m[n.ID] = n
	}
}

// writeExternals stores the external nodes the pass's edges point at that
// the store lacks.
func (p *pass) writeExternals() error {
	b := p.st.NewBatch()
	defer b.Close()
	for file, want := range p.exts {
		have := map[graph.NodeID]graph.Node{}
		if err := p.st.NodesInFile(file, func(n graph.Node) error { have[n.ID] = n; return nil }); err != nil {
			return err
		}
		missing := false
		for id, n := range want {
			if _, ok := have[id]; !ok {
				have[id] = n
				missing = true
			}
		}
		if !missing {
			continue
		}
		nodes := make([]graph.Node, 0, len(have))
		var edges []graph.Edge
		for _, n := range have {
			nodes = append(nodes, n)
			if n.Kind == graph.KindExternal {
				edges = append(edges, graph.Edge{Kind: graph.EdgeContains, Src: n.Parent, Dst: n.ID, File: file, Line: 1, Res: graph.ResSyntax})
			}
		}
		if err := b.ReplaceFile(store.FileMeta{Path: file, Language: "external"}, nodes, edges); err != nil {
			return err
		}
	}
	p.exts = map[string]map[graph.NodeID]graph.Node{}
	return b.Commit(false)
}

// fact is what the type checker says about one reference.
type fact struct {
	src    graph.NodeID
	kind   graph.EdgeKind
	line   uint32
	name   string // the last identifier, what extraction's target ends with
	target string // the expression as written
	dsts   []graph.NodeID
	dyn    []graph.NodeID // dynamic-call candidates
	used   bool
}

type factKey struct {
	src  graph.NodeID
	kind graph.EdgeKind
	name string
}

// rawFact is what the type checker says about one reference, before it
// is bound to the store's nodes: the byte offset of the reference in its
// file and the refs of its destinations.
type rawFact struct {
	off    int
	line   uint32
	kind   graph.EdgeKind
	name   string
	target string
	dsts   []ref
	dyn    []ref
}

// factsOf collects the type checker's calls, references, implements and
// imports facts of one type-checked file. It reads nothing from the store:
// the pass binds them under the writer (bindFacts).
func (p *pass) factsOf(pkg *packages.Package, f *ast.File) []rawFact {
	info := pkg.TypesInfo
	tf := p.fset.File(f.FileStart)
	var facts []rawFact
	add := func(pos token.Pos, kind graph.EdgeKind, name, target string, dsts, dyn []ref) {
		facts = append(facts, rawFact{off: tf.Offset(pos), line: uint32(tf.Line(pos)), kind: kind, name: name, target: target, dsts: dsts, dyn: dyn})
	}

	// Imports.
	for _, spec := range f.Imports {
		ip := strings.Trim(spec.Path.Value, "`\"")
		if ip == "C" {
			continue
		}
		if imp := pkg.Imports[ip]; imp != nil {
			add(spec.Path.Pos(), graph.EdgeImports, ip, ip, []ref{p.packageRef(imp)}, nil)
		}
	}

	// The callee of each call: its identifier.
	callee := map[*ast.Ident]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			fun := ast.Unparen(call.Fun)
			switch x := fun.(type) {
			case *ast.IndexExpr:
				fun = x.X
			case *ast.IndexListExpr:
				fun = x.X
			}
			switch x := ast.Unparen(fun).(type) {
			case *ast.Ident:
				callee[x] = true
			case *ast.SelectorExpr:
				callee[x.Sel] = true
			}
		}
		return true
	})
	// The expression text of selectors, by their selected identifier.
	selText := map[*ast.Ident]*ast.SelectorExpr{}
	ast.Inspect(f, func(n ast.Node) bool {
		if s, ok := n.(*ast.SelectorExpr); ok {
			selText[s.Sel] = s
		}
		return true
	})
	for id, obj := range info.Uses {
		if id.Pos() < f.FileStart || id.Pos() >= f.FileEnd {
			continue
		}
		target := id.Name
		if s := selText[id]; s != nil {
			target = types.ExprString(s)
		}
		switch o := obj.(type) {
		case *types.Func:
			o = o.Origin()
			dst := p.objRef(o)
			if dst.kind == refNone {
				continue
			}
			kind := graph.EdgeReferences
			if callee[id] {
				kind = graph.EdgeCalls
			}
			var dyn []ref
			if kind == graph.EdgeCalls {
				if recv := o.Signature().Recv(); recv != nil && types.IsInterface(recv.Type()) {
					rt := recv.Type()
					if s := selText[id]; s != nil {
						if sel := info.Selections[s]; sel != nil && types.IsInterface(sel.Recv()) {
							rt = sel.Recv()
						}
					}
					dyn = p.impls.candidates(rt, o.Name())
				}
			}
			add(id.Pos(), kind, id.Name, target, []ref{dst}, dyn)
		case *types.TypeName:
			if o.Pkg() == nil {
				continue // int, error, any
			}
			if _, ok := o.Type().(*types.TypeParam); ok {
				continue
			}
			dst := p.objRef(o)
			if dst.kind == refNone {
				continue
			}
			add(id.Pos(), graph.EdgeReferences, id.Name, target, []ref{dst}, nil)
		}
	}

	// Implements: each package-level type of the file and the interfaces
	// it satisfies.
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, s := range gd.Specs {
			ts := s.(*ast.TypeSpec)
			tn, ok := info.Defs[ts.Name].(*types.TypeName)
			if !ok || tn.IsAlias() || types.IsInterface(tn.Type()) {
				continue
			}
			if named, ok := tn.Type().(*types.Named); !ok || named.TypeParams().Len() > 0 {
				continue
			}
			if ifs := p.impls.satisfied(tn.Type()); len(ifs) > 0 {
				add(ts.Name.Pos(), graph.EdgeImplements, satisfies, satisfies, ifs, nil)
			}
		}
	}
	return facts
}

// bindFacts binds a file's raw facts to the store's nodes as they are now;
// ok is false when a file they point into changed since the pass started.
func (p *pass) bindFacts(fi *fileIndex, raws []rawFact) (facts map[factKey][]*fact, ok bool) {
	facts = map[factKey][]*fact{}
	bind := func(rs []ref) ([]graph.NodeID, bool) {
		out := make([]graph.NodeID, 0, len(rs))
		for _, r := range rs {
			id, ok := p.bindRef(r)
			if !ok {
				return nil, false
			}
			if id != 0 {
				out = append(out, id)
			}
		}
		return out, true
	}
	for _, rf := range raws {
		dsts, ok := bind(rf.dsts)
		if !ok {
			return nil, false
		}
		dyn, ok := bind(rf.dyn)
		if !ok {
			return nil, false
		}
		if len(dsts) == 0 {
			continue
		}
		src := fi.enclosing(rf.off)
		if rf.kind == graph.EdgeImports {
			src = fi.file
		}
		k := factKey{src, rf.kind, rf.name}
		merged := false
		for _, fc := range facts[k] {
			if fc.line == rf.line && fc.target == rf.target {
				fc.dsts = append(fc.dsts, dsts...)
				fc.dyn = append(fc.dyn, dyn...)
				merged = true
				break
			}
		}
		if !merged {
			facts[k] = append(facts[k], &fact{src: src, kind: rf.kind, line: rf.line, name: rf.name, target: rf.target, dsts: dsts, dyn: dyn})
		}
	}
	return facts, true
}

// packageRef returns the ref of the node standing for an imported
// package: the package clause of its directory when the repository holds
// it, else the library's external package node.
func (p *pass) packageRef(imp *packages.Package) ref {
	for _, f := range imp.GoFiles {
		rel, ok := p.rel(f)
		if !ok {
			break
		}
		dir := path.Dir(rel)
		if len(p.dirs[dir]) == 0 {
			break
		}
		return ref{kind: refPackage, file: dir}
	}
	return ref{kind: refID, id: p.externalPackage(imp.PkgPath)}
}

// packageClause returns the package clause node of the first non-test file
// of a repository directory.
func (p *pass) packageClause(dir string) (graph.NodeID, bool) {
	files := p.dirs[dir]
	paths := make([]string, 0, len(files))
	for _, g := range files {
		if !strings.HasSuffix(g.path, "_test.go") {
			paths = append(paths, g.path)
		}
	}
	slices.Sort(paths)
	for _, q := range paths {
		if !p.current(q) {
			return 0, false
		}
		if fi := p.nodesOf(q); fi != nil && fi.pkg != 0 {
			return fi.pkg, true
		}
	}
	return 0, true
}

// lastName is the identifier an extracted target ends with: "Get" for
// "s.store.Get" and "New[int]".
func lastName(target string) string {
	t := target
	if i := strings.IndexByte(t, '['); i > 0 {
		t = t[:i]
	}
	t = strings.TrimSuffix(t, "()")
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		t = t[i+1:]
	}
	return t
}

// apply rewrites the file's edges of the pass's kinds with facts.
func (p *pass) apply(fi *fileIndex, rel string, facts map[factKey][]*fact) (int, error) {
	ids := make([]graph.NodeID, len(fi.nodes))
	for i, n := range fi.nodes {
		ids[i] = n.ID
	}
	slices.Sort(ids)
	var edges []graph.Edge
	if err := p.st.OutEdgesMany(ids, kinds, func(_ int, e graph.Edge) error {
		edges = append(edges, e)
		return nil
	}); err != nil {
		return 0, err
	}
	b := p.st.NewBatch()
	defer b.Close()
	count := 0
	err := edgeGroups(edges, func(grp []graph.Edge) error {
		e := grp[0]
		name := lastName(e.Target)
		if e.Kind == graph.EdgeImports || e.Kind == graph.EdgeImplements {
			name = e.Target
		}
		fc := match(facts[factKey{e.Src, e.Kind, name}], e)
		if fc == nil {
			// The compiler binds nothing here (a builtin, a function
			// value, a conversion): no guess stays bound.
			unbound, err := unbind(b, grp)
			if unbound {
				p.stats.Unbound++
			}
			return err
		}
		fc.used = true
		n, dyn, rewritten, err := rebind(b, grp, fc)
		count += n
		p.stats.Dynamic += dyn
		if rewritten {
			p.stats.Rewritten++
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	// What extraction did not see.
	for _, fs := range facts {
		for _, fc := range fs {
			if fc.used {
				continue
			}
			n, dyn, err := addFact(b, fc, rel)
			if err != nil {
				return 0, err
			}
			count += n
			p.stats.Added++
			p.stats.Dynamic += dyn
		}
	}
	return count, b.Commit(false)
}

// match picks the fact an extracted edge stands for: the one on its line
// (with the same text, if several), else the nearest unused one within
// three lines (extraction places a call split over lines at its start).
func match(fs []*fact, e graph.Edge) *fact {
	var best *fact
	bestD := 4
	for _, fc := range fs {
		d := int(fc.line) - int(e.Line)
		if d < 0 {
			d = -d
		}
		if d == 0 && fc.target == e.Target {
			return fc
		}
		if d < bestD || d == bestD && best != nil && best.used && !fc.used {
			best, bestD = fc, d
		}
	}
	return best
}

// distinct sorts ids and drops zeros and repeats.
func distinct(ids []graph.NodeID) []graph.NodeID {
	out := slices.DeleteFunc(slices.Clone(ids), func(id graph.NodeID) bool { return id == 0 })
	slices.Sort(out)
	return slices.Compact(out)
}

// same reports whether a stored group already holds exactly dsts (precise)
// and dyn (dynamic).
func same(grp []graph.Edge, dsts, dyn []graph.NodeID) bool {
	if len(grp) != len(dsts)+len(dyn) {
		return false
	}
	for _, e := range grp {
		var in []graph.NodeID
		switch e.Res {
		case graph.ResPrecise:
			in = dsts
		case graph.ResDynamic:
			in = dyn
		default:
			return false
		}
		if _, ok := slices.BinarySearch(in, e.Dst); !ok {
			return false
		}
	}
	return true
}

// implIndex answers which of the repository's types implement an
// interface, among the types of one load (its packages and what they
// import).
type implIndex struct {
	p        *pass
	byMethod map[string][]*types.Named // concrete repository types by method name
	ifaces   []*types.Named            // the repository's interfaces, and a few standard ones
	cands    typeutil.Map              // interface → method name → candidate refs
}

// stdIfaces are the standard interfaces a type's implements edge names
// besides the repository's (as the heuristic resolver's list).
var stdIfaces = map[string][]string{
	"fmt": {"Stringer"}, "io": {"Reader", "Writer", "Closer"}, "net/http": {"Handler"},
	"sort": {"Interface"}, "context": {"Context"},
}

func newImplIndex(p *pass, roots []*packages.Package) *implIndex {
	ix := &implIndex{p: p, byMethod: map[string][]*types.Named{}}
	seen := map[*types.Package]bool{}
	var visit func(tp *types.Package)
	visit = func(tp *types.Package) {
		if tp == nil || seen[tp] {
			return
		}
		seen[tp] = true
		names := stdIfaces[tp.Path()]
		scope := tp.Scope()
		for _, name := range scope.Names() {
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() {
				continue
			}
			named, ok := tn.Type().(*types.Named)
			if !ok || named.TypeParams().Len() > 0 {
				continue
			}
			inRepo := false
			if tn.Pos().IsValid() {
				_, inRepo = p.rel(p.fset.PositionFor(tn.Pos(), false).Filename)
			}
			if types.IsInterface(named) {
				if (inRepo || slices.Contains(names, name)) && named.Underlying().(*types.Interface).NumMethods() > 0 {
					ix.ifaces = append(ix.ifaces, named)
				}
				continue
			}
			if !inRepo {
				continue
			}
			ms := types.NewMethodSet(types.NewPointer(named))
			for i := 0; i < ms.Len(); i++ {
				n := ms.At(i).Obj().Name()
				ix.byMethod[n] = append(ix.byMethod[n], named)
			}
		}
		for _, imp := range tp.Imports() {
			visit(imp)
		}
	}
	for _, r := range roots {
		visit(r.Types)
	}
	return ix
}

// implements reports whether t or *t implements iface.
func implements(t types.Type, iface *types.Interface) bool {
	return types.Implements(t, iface) || types.Implements(types.NewPointer(t), iface)
}

// candidates returns the methods named method of the repository's types
// that implement the interface type it.
func (ix *implIndex) candidates(it types.Type, method string) []ref {
	iface, ok := it.Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	var byName map[string][]ref
	if v := ix.cands.At(it); v != nil {
		byName = v.(map[string][]ref)
	} else {
		byName = map[string][]ref{}
		ix.cands.Set(it, byName)
	}
	if out, ok := byName[method]; ok {
		return out
	}
	var out []ref
	for _, t := range ix.byMethod[method] {
		if !implements(t, iface) {
			continue
		}
		obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(t), true, t.Obj().Pkg(), method)
		if f, ok := obj.(*types.Func); ok {
			if r := ix.p.objRef(f.Origin()); r.kind != refNone {
				out = append(out, r)
			}
		}
	}
	byName[method] = out
	return out
}

// satisfied returns the nodes of the interfaces t (or *t) implements.
func (ix *implIndex) satisfied(t types.Type) []ref {
	var out []ref
	ms := types.NewMethodSet(types.NewPointer(t))
	if ms.Len() == 0 {
		return nil
	}
	for _, in := range ix.ifaces {
		iface := in.Underlying().(*types.Interface)
		if iface.NumMethods() > ms.Len() || ms.Lookup(iface.Method(0).Pkg(), iface.Method(0).Name()) == nil {
			continue
		}
		if types.Identical(in, t) || !implements(t, iface) {
			continue
		}
		if r := ix.p.objRef(in.Obj()); r.kind != refNone {
			out = append(out, r)
		}
	}
	if implements(t, types.Universe.Lookup("error").Type().Underlying().(*types.Interface)) {
		out = append(out, ref{kind: refID, id: ix.p.external("builtin", "error")})
	}
	return out
}

// edgeGroups sorts edges by source, kind, line and target and calls fn
// with each group of one source, kind, target and line (the extracted
// edges one fact stands for).
func edgeGroups(edges []graph.Edge, fn func(grp []graph.Edge) error) error {
	slices.SortStableFunc(edges, func(a, b graph.Edge) int {
		if c := cmp.Compare(a.Src, b.Src); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Line, b.Line); c != 0 {
			return c
		}
		return strings.Compare(a.Target, b.Target)
	})
	for i := 0; i < len(edges); {
		j := i + 1
		for j < len(edges) && edges[j].Src == edges[i].Src && edges[j].Kind == edges[i].Kind && edges[j].Line == edges[i].Line && edges[j].Target == edges[i].Target {
			j++
		}
		if err := fn(edges[i:j]); err != nil {
			return err
		}
		i = j
	}
	return nil
}

// unbind unresolves the group's bound edges; it reports whether one was.
func unbind(b *store.Batch, grp []graph.Edge) (bool, error) {
	bound := false
	for _, o := range grp {
		if o.Dst != 0 {
			bound = true
			if err := b.UnresolveEdge(o); err != nil {
				return bound, err
			}
		}
	}
	return bound, nil
}

// targets returns the fact's distinct destinations and its dynamic-call
// candidates that are not destinations.
func (fc *fact) targets() (dsts, dyn []graph.NodeID) {
	dsts, dyn = distinct(fc.dsts), distinct(fc.dyn)
	dyn = slices.DeleteFunc(dyn, func(id graph.NodeID) bool { _, ok := slices.BinarySearch(dsts, id); return ok })
	return dsts, dyn
}

// rebind binds the group to the fact's destinations (precise) and
// candidates (dynamic), unless it is bound so already. It returns the
// number of edges the group then stands for, how many are dynamic, and
// whether it was rewritten.
func rebind(b *store.Batch, grp []graph.Edge, fc *fact) (n, dynamic int, rewritten bool, err error) {
	dsts, dyn := fc.targets()
	n, dynamic = len(dsts)+len(dyn), len(dyn)
	if same(grp, dsts, dyn) {
		return n, dynamic, false, nil
	}
	if _, err := unbind(b, grp); err != nil {
		return n, dynamic, false, err
	}
	u := grp[0]
	u.Dst, u.Res, u.Candidates = 0, graph.ResUnresolved, 0
	return n, dynamic, true, writeFact(b, u, dsts, dyn)
}

// addFact writes a fact that no extracted edge stands for as a new edge of
// the file rel. It returns the number of edges written, and how many are
// dynamic.
func addFact(b *store.Batch, fc *fact, rel string) (n, dynamic int, err error) {
	dsts, dyn := fc.targets()
	u := graph.Edge{Kind: fc.kind, Src: fc.src, Target: fc.target, File: rel, Line: fc.line}
	return len(dsts) + len(dyn), len(dyn), writeFact(b, u, dsts, dyn)
}

// writeFact binds the unresolved edge u to dsts (precise) and dyn
// (dynamic).
func writeFact(b *store.Batch, u graph.Edge, dsts, dyn []graph.NodeID) error {
	if err := b.ResolveEdge(u, dsts, graph.ResPrecise); err != nil {
		return err
	}
	if len(dyn) > 0 {
		return b.ResolveEdge(u, dyn, graph.ResDynamic)
	}
	return nil
}
