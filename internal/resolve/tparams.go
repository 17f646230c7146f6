package resolve

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// Calls through type parameters of generic Go functions. In
//
//	func cachedListResult[P cursorParams](params P) { params.isNil() }
//
// params.isNil() binds to the constraint's method (cursorParams.isNil, as
// a call through an interface does) and to the method of each type
// argument the function is instantiated with where the instantiation can
// be seen: written (F[*X](...)) or inferred from the type of an argument
// passed for a parameter of type P or *P. The compiler's call graph has
// one static call per instance, to that concrete method. A constraint
// whose type set is one type (interface{ *Dog }) binds to that type's
// method. A type argument whose type cannot be told adds nothing: no
// concrete method is guessed.
//
// The instantiation sites are the calls, anywhere in the repository, whose
// target names the function (by its last identifier) and that resolve to
// it (sitesOf): a full run gathers them by one scan of the call edges the
// first time a call through a type parameter is resolved; a targeted run
// reads the calls bound to the function and the calls of its own files
// (extraction stored the written files' edges before resolution). A
// targeted run resolves again the files of the generic functions with
// calls through a type parameter that a written file's call may name or
// that an edge of a rewritten or deleted file was bound to
// (genericDependents), so an instantiation added or removed in another
// file changes their edges as a clean index would.

// tparamMark prefixes the type of a parameter whose type is one of its
// function's type parameters (P or *P): it is not a type of the file, and
// typeOf passes it on to tparamCall.
const tparamMark = "\x00"

// goGenerics is the resolver's state for generic functions.
type goGenerics struct {
	names   map[string]bool                       // generic functions' names (full runs)
	sites   map[string][]graph.Edge               // call edges by the callee's last identifier
	scanned map[string]bool                       // names whose sites are gathered
	insts   map[graph.NodeID]map[string][]typeRef // function → type parameter → type arguments
	// runSites are the call edges of a targeted run's files by their
	// callee's last identifier (sitesOf).
	runSites map[string][]graph.Edge
	// collecting is set while a full run's main scan gathers the sites of
	// the generic functions named in names (collectSite) instead of a
	// second scan of every call edge; a resolution that needs them then
	// sets missed and is done again after the scan (see Run).
	collecting, missed bool
	siteSeen           map[siteKey]bool     // sites gathered so far (collectSite)
	src                map[string]*goSource // parsed source files
}

type goSource struct {
	fset *token.FileSet
	file *ast.File
}

// noteGeneric records the name of a generic function of the repository.
func (r *resolver) noteGeneric(name string) {
	if r.gen.names == nil {
		r.gen.names = map[string]bool{}
	}
	r.gen.names[name] = true
}

// tparamCall binds x.m() where x's type is a type parameter of the calling
// function; ok is false when it is not such a call.
func (r *resolver) tparamCall(ci *callerInfo, fun ast.Expr) ([]graph.NodeID, bool) {
	sel, isSel := fun.(*ast.SelectorExpr)
	if !isSel || ci.tparams == nil {
		return nil, false
	}
	t, ok := r.typeOf(ci, sel.X, 0, 1)
	if !ok || !strings.HasPrefix(t.expr, tparamMark) {
		return nil, false
	}
	name := strings.TrimPrefix(strings.TrimPrefix(t.expr, tparamMark), "*")
	constraint, ok := ci.tparams[name]
	if !ok {
		return nil, true
	}
	method := sel.Sel.Name
	var ids []graph.NodeID
	// The constraint's own method: a named interface, or the named
	// interfaces a literal one embeds (interface{ *T; Params }).
	var named []ast.Expr
	if it, ok := constraint.(*ast.InterfaceType); ok {
		for _, f := range it.Methods.List {
			if len(f.Names) == 0 {
				named = append(named, f.Type)
			}
		}
	} else {
		named = append(named, constraint)
	}
	for _, c := range named {
		switch c.(type) {
		case *ast.Ident, *ast.SelectorExpr, *ast.IndexExpr, *ast.IndexListExpr:
		default:
			continue // *T, ~T, unions
		}
		cref := typeRef{exprString(c), ci.file}
		if _, isTP := ci.tparams[cref.expr]; isTP {
			continue
		}
		ms := r.methodOf(cref, method, 0)
		if len(ms) == 0 {
			if one, ok := r.singleTypeSet(cref); ok {
				ms = r.methodOf(one, method, 0)
			}
		}
		ids = append(ids, ms...)
	}
	for _, arg := range r.typeArgs(ci)[name] {
		ids = append(ids, r.methodOf(arg, method, 0)...)
	}
	return distinct(ids), true
}

// singleTypeSet returns the one type of a constraint interface whose type
// set is one type (type onlyDog interface{ *Dog }): an interface with no
// method and no embedded interface that mentions exactly one type, bound.
func (r *resolver) singleTypeSet(cref typeRef) (typeRef, bool) {
	_, t := r.lookupType(cref)
	if t == nil || len(t.ids) != 1 {
		return typeRef{}, false
	}
	id := t.ids[0]
	n, err := r.st.Node(id)
	if err != nil || n.Kind != graph.KindInterface {
		return typeRef{}, false
	}
	var one graph.NodeID
	count, other := 0, false
	if err := r.st.OutEdges(id, []graph.EdgeKind{graph.EdgeReferences, graph.EdgeInherits, graph.EdgeContains, graph.EdgeDefines}, func(e graph.Edge) error {
		switch {
		case e.Kind == graph.EdgeReferences && e.Dst != 0:
			if e.Dst != one {
				count++
				one = e.Dst
			}
		case e.Kind == graph.EdgeReferences:
			// an unbound name: a type parameter or a library type
			other = true
		default:
			other = true // a method or an embedded interface
		}
		return nil
	}); err != nil || other || count != 1 {
		return typeRef{}, false
	}
	d, err := r.st.Node(one)
	if err != nil || d.Kind == graph.KindInterface || !d.Kind.IsType() || d.Language != lang.Go {
		return typeRef{}, false
	}
	return typeRef{d.Name, d.File}, true
}

// typeArgs returns the type arguments the caller (a generic function) is
// seen instantiated with, by type parameter.
func (r *resolver) typeArgs(ci *callerInfo) map[string][]typeRef {
	if m, ok := r.gen.insts[ci.id]; ok {
		return m
	}
	if r.gen.insts == nil {
		r.gen.insts = map[graph.NodeID]map[string][]typeRef{}
	}
	m := map[string][]typeRef{}
	r.gen.insts[ci.id] = m // a recursive instantiation sees none
	n, ok := r.node(ci.id)
	if !ok {
		return m
	}
	fd := parseSignature(n.sig)
	if fd == nil || fd.Type.TypeParams == nil || fd.Recv != nil {
		return m
	}
	var order []string
	for _, f := range fd.Type.TypeParams.List {
		for _, nm := range f.Names {
			order = append(order, nm.Name)
		}
	}
	add := func(p string, t typeRef) {
		if t.expr == "" || strings.HasPrefix(t.expr, tparamMark) || strings.Contains(t.expr, "?") {
			return
		}
		if !slices.Contains(m[p], t) {
			m[p] = append(m[p], t)
		}
	}
	sites := r.sitesOf(ci.id, fd.Name.Name)
	if r.gen.missed {
		delete(r.gen.insts, ci.id) // not known yet: asked again after the scan
		return m
	}
	for _, site := range sites {
		ci2 := r.caller(site.Src, site.File)
		if ci2.pkg == nil {
			continue
		}
		fun, err := parseTarget(site.Target)
		if err != nil {
			continue
		}
		saved := ci2.pos
		ci2.pos = 2*int(site.Line) + 1
		ids := distinct(r.callees(ci2, fun, 0))
		if len(ids) != 1 || ids[0] != ci.id {
			ci2.pos = saved
			continue
		}
		// Written type arguments, in order.
		var written []ast.Expr
		switch x := fun.(type) {
		case *ast.IndexExpr:
			written = []ast.Expr{x.Index}
		case *ast.IndexListExpr:
			written = x.Indices
		}
		for i, w := range written {
			if i < len(order) {
				add(order[i], typeRef{exprString(w), site.File})
			}
		}
		// Inferred from the arguments, for the parameters not written.
		if len(written) < len(order) {
			for _, call := range r.callsAt(site.File, int(site.Line), fun) {
				r.inferTypeArgs(ci2, fd, order[len(written):], call, add)
			}
		}
		ci2.pos = saved
	}
	return m
}

// inferTypeArgs unifies the types of a call's arguments with the generic
// function's parameters of type P or *P, for the type parameters in open.
func (r *resolver) inferTypeArgs(ci *callerInfo, fd *ast.FuncDecl, open []string, call *ast.CallExpr, add func(string, typeRef)) {
	if call.Ellipsis.IsValid() {
		return
	}
	i := 0
	for _, f := range fd.Type.Params.List {
		for range max(1, len(f.Names)) {
			if i >= len(call.Args) {
				return
			}
			arg := call.Args[i]
			i++
			pt, ptr := f.Type, false
			if s, ok := pt.(*ast.StarExpr); ok {
				pt, ptr = s.X, true
			}
			id, ok := pt.(*ast.Ident)
			if !ok || !slices.Contains(open, id.Name) {
				continue
			}
			t, ok := r.typeOf(ci, arg, 0, 1)
			if !ok {
				continue
			}
			if ptr {
				// *P from an argument of type *X: P is X (typeOf drops
				// the & of &X{}, which method lookup does not need).
				t.expr = strings.TrimPrefix(t.expr, "*")
			}
			add(id.Name, t)
		}
	}
}

// sitesOf returns the Go call edges that may be calls of the generic
// function id, named name: in a full run, every call edge whose callee's
// last identifier is name (one scan of the call edges finds every generic
// function's); in a targeted run, the call edges bound to id before the
// run and the call edges of the run's files whose callee's last
// identifier is name (runSites). A call of a file the run does not look at
// resolves as it did before the run (that is what makes it a dependent
// otherwise), so it is a call of id exactly when it is bound to id: the
// scan of every call edge of the store (0.8 s of CPU of a targeted run on
// the Go standard library, once per generic function) finds nothing more.
func (r *resolver) sitesOf(id graph.NodeID, name string) []graph.Edge {
	if r.runFiles == nil {
		if r.gen.collecting {
			r.gen.missed = true // the main scan has not seen every site yet
			return nil
		}
		return r.scanSites(name)
	}
	var out []graph.Edge
	seen := map[siteKey]bool{}
	keep := func(e graph.Edge) {
		if r.langOf[e.File] != lang.Go {
			return
		}
		k := siteKey{e.Src, e.Line, e.Target}
		if seen[k] {
			return // another destination of the same call
		}
		seen[k] = true
		e.Dst, e.Res, e.Candidates = 0, graph.ResUnresolved, 0
		out = append(out, e)
	}
	_ = r.st.InEdges(id, []graph.EdgeKind{graph.EdgeCalls}, func(e graph.Edge) error {
		keep(e)
		return nil
	})
	for _, e := range r.runSites()[name] {
		keep(e)
	}
	return out
}

// siteKey is a call site: a call edge's source, line and target.
type siteKey struct {
	src    graph.NodeID
	line   uint32
	target string
}

// runSites returns the call edges of a targeted run's files, by their
// callee's last identifier.
func (r *resolver) runSites() map[string][]graph.Edge {
	g := &r.gen
	if g.runSites != nil {
		return g.runSites
	}
	g.runSites = map[string][]graph.Edge{}
	var ids []graph.NodeID
	_ = r.st.NodeIDsInFiles(r.runFiles, func(_ int, id graph.NodeID) error { ids = append(ids, id); return nil })
	slices.Sort(ids)
	ids = slices.Compact(ids)
	_ = r.st.OutEdgesMany(ids, []graph.EdgeKind{graph.EdgeCalls}, func(_ int, e graph.Edge) error {
		base := calleeBase(e.Target)
		g.runSites[base] = append(g.runSites[base], e)
		return nil
	})
	return g.runSites
}

// scanSites returns the Go call edges whose callee's last identifier is
// name, from a scan of every call edge of the store.
func (r *resolver) scanSites(name string) []graph.Edge {
	g := &r.gen
	if g.scanned[name] {
		return g.sites[name]
	}
	if g.scanned == nil {
		g.scanned, g.sites = map[string]bool{}, map[string][]graph.Edge{}
	}
	want := map[string]bool{name: true}
	if g.names[name] {
		want = g.names // a full run: every generic function's sites in one scan
	}
	for n := range want {
		g.scanned[n] = true
	}
	seen := map[siteKey]bool{}
	_ = r.st.AllEdgesOfKinds([]graph.EdgeKind{graph.EdgeCalls}, func(e graph.Edge) error {
		if r.langOf[e.File] == lang.Go {
			g.addSite(want, seen, e)
		}
		return nil
	})
	return g.sites[name]
}

// addSite adds e, a Go call edge, unbound to g.sites under its callee's
// last identifier when want holds that identifier and seen does not hold
// the call yet (another destination of a call is the same site).
func (g *goGenerics) addSite(want map[string]bool, seen map[siteKey]bool, e graph.Edge) {
	base := calleeBase(e.Target)
	if !want[base] {
		return
	}
	k := siteKey{e.Src, e.Line, e.Target}
	if seen[k] {
		return
	}
	seen[k] = true
	e.Dst, e.Res = 0, graph.ResUnresolved
	if g.sites == nil {
		g.sites = map[string][]graph.Edge{}
	}
	g.sites[base] = append(g.sites[base], e)
}

// collectSite gathers e, an edge of a full run's main scan, as scanSites
// would: the Go call edges whose callee's last identifier names a generic
// function of the repository.
func (r *resolver) collectSite(e graph.Edge) {
	g := &r.gen
	if e.Kind != graph.EdgeCalls || len(g.names) == 0 || r.langOf[e.File] != lang.Go {
		return
	}
	if g.siteSeen == nil {
		g.siteSeen = map[siteKey]bool{}
	}
	g.addSite(g.names, g.siteSeen, e)
}

// endCollect ends a full run's main scan: the sites of every generic
// function named in names are known (scanSites answers from them).
func (r *resolver) endCollect() {
	g := &r.gen
	g.collecting, g.missed, g.siteSeen = false, false, nil
	if g.scanned == nil {
		g.scanned = map[string]bool{}
	}
	if g.sites == nil {
		g.sites = map[string][]graph.Edge{}
	}
	for n := range g.names {
		g.scanned[n] = true
	}
}

// calleeBase returns the last identifier of a call target: "Greet" for
// Greet, zoo.Greet and zoo.Greet[*zoo.Cat].
func calleeBase(target string) string {
	if i := strings.IndexByte(target, '['); i >= 0 {
		target = target[:i]
	}
	if i := strings.LastIndexByte(target, '.'); i >= 0 {
		target = target[i+1:]
	}
	return target
}

// callsAt returns the call expressions of file on line whose callee is fun.
func (r *resolver) callsAt(file string, line int, fun ast.Expr) []*ast.CallExpr {
	src := r.goSourceOf(file)
	if src == nil {
		return nil
	}
	want := exprString(fun)
	var out []*ast.CallExpr
	ast.Inspect(src.file, func(n ast.Node) bool {
		if n == nil {
			return false
		}
		if src.fset.Position(n.Pos()).Line > line || src.fset.Position(n.End()).Line < line {
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok && src.fset.Position(call.Lparen).Line == line && exprString(call.Fun) == want {
			out = append(out, call)
		}
		return true
	})
	return out
}

// goSourceOf parses a Go file of the repository (nil if it cannot be read).
func (r *resolver) goSourceOf(file string) *goSource {
	if s, ok := r.gen.src[file]; ok {
		return s
	}
	if r.gen.src == nil {
		r.gen.src = map[string]*goSource{}
	}
	var s *goSource
	if r.root != "" {
		if b, err := r.readInput(file); err == nil {
			fset := token.NewFileSet()
			if f, err := parser.ParseFile(fset, file, b, parser.SkipObjectResolution); err == nil {
				s = &goSource{fset: fset, file: f}
			}
		}
	}
	r.gen.src[file] = s
	return s
}

// genericDependents calls add with the file of each Go generic function
// with a call through a type parameter whose instantiations the run may
// have changed: the functions a call edge of opts.Files may name (by the
// callee's last identifier; the edges are the new ones, stored before the
// run) and those an edge of a rewritten or deleted file was bound to
// before the run (opts.Orphans, which hold the old edges' destinations).
func genericDependents(st *store.Store, opts Options, add func(string)) error {
	seen := map[graph.NodeID]bool{}
	check := func(n graph.Node) error {
		if seen[n.ID] {
			return nil
		}
		seen[n.ID] = true
		if n.Language != lang.Go || n.Kind != graph.KindFunction {
			return nil
		}
		ok, err := callsThroughTypeParam(st, n)
		if ok {
			add(n.File)
		}
		return err
	}
	names := map[string]bool{}
	var ids []graph.NodeID
	if err := st.NodeIDsInFiles(opts.Files, func(_ int, id graph.NodeID) error { ids = append(ids, id); return nil }); err != nil {
		return err
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if err := st.OutEdgesMany(ids, []graph.EdgeKind{graph.EdgeCalls}, func(_ int, e graph.Edge) error {
		if strings.HasSuffix(e.File, ".go") {
			names[calleeBase(e.Target)] = true
		}
		return nil
	}); err != nil {
		return err
	}
	// A Go function's qualified name is its name (package-relative, and
	// only methods qualify theirs): the nodes of that qualified name are
	// the functions of the name without the methods and fields that share
	// it, which are most of the nodes of a name such as Len or String.
	for name := range names {
		if name == "" {
			continue
		}
		if err := st.NodesByQualifiedName(name, check); err != nil {
			return err
		}
	}
	for _, id := range opts.Orphans {
		if seen[id] {
			continue
		}
		n, err := st.Node(id)
		if errors.Is(err, store.ErrNotFound) {
			continue // a node of a rewritten or deleted file
		} else if err != nil {
			return err
		}
		if err := check(n); err != nil {
			return err
		}
	}
	return nil
}

// callsThroughTypeParam reports whether the generic function n has a call
// through a parameter whose type is one of its type parameters (p.m() for
// p of type P or *P), the calls tparamCall binds by instantiation.
func callsThroughTypeParam(st *store.Store, n graph.Node) (bool, error) {
	fd := parseSignature(n.Signature)
	if fd == nil || fd.Recv != nil || fd.Type.TypeParams == nil || fd.Type.Params == nil {
		return false, nil
	}
	tps := map[string]bool{}
	for _, f := range fd.Type.TypeParams.List {
		for _, nm := range f.Names {
			tps[nm.Name] = true
		}
	}
	var prefixes []string
	for _, f := range fd.Type.Params.List {
		t := f.Type
		if s, ok := t.(*ast.StarExpr); ok {
			t = s.X
		}
		if id, ok := t.(*ast.Ident); ok && tps[id.Name] {
			for _, nm := range f.Names {
				prefixes = append(prefixes, nm.Name+".")
			}
		}
	}
	if len(prefixes) == 0 {
		return false, nil
	}
	found := errors.New("found")
	err := st.OutEdges(n.ID, []graph.EdgeKind{graph.EdgeCalls}, func(e graph.Edge) error {
		for _, p := range prefixes {
			if strings.HasPrefix(e.Target, p) {
				return found
			}
		}
		return nil
	})
	if err == found {
		return true, nil
	}
	return false, err
}
