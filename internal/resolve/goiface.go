package resolve

import (
	"go/ast"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// Go interfaces are satisfied implicitly: extraction gives every top-level
// concrete type an implements edge to parse.GoSatisfies, and resolution
// binds it to the interfaces whose method sets the type's methods (its own,
// in any file of its package, and those promoted from embedded types)
// cover, compared by name and by parameter and result types with package
// qualifiers dropped. Interfaces are the repository's (found through the
// names of the type's methods, so an interface with no method of its own is
// not) and a few of the standard library's that repositories commonly
// satisfy, bound to their external nodes.

// goIface is an interface's method set: name → normalised signature.
type goIface struct {
	id      graph.NodeID
	methods map[string]string
}

// stdIface is a standard interface, by import path and name, with its
// method set as goMethodKey writes it.
type stdIface struct {
	pkg, name string
	methods   map[string]string
	// composite interfaces (io.ReadWriteCloser) are made of embedded
	// ones of the same package: types get no implements edge to them
	// (they have the edges to their parts), and a method called through
	// one binds to the part that declares it (io.Closer.Close), as the
	// compiler's method object is the part's.
	composite bool
}

// stdIfaces are the standard interfaces that types get implements edges
// to, then composite ones known for their method sets (embedded in the
// repository's interfaces, or the type of a value a method is called on).
var stdIfaces = []stdIface{
	{pkg: "builtin", name: "error", methods: map[string]string{"Error": "()string"}},
	{pkg: "fmt", name: "Stringer", methods: map[string]string{"String": "()string"}},
	{pkg: "io", name: "Reader", methods: map[string]string{"Read": "([]byte)int,error"}},
	{pkg: "io", name: "Writer", methods: map[string]string{"Write": "([]byte)int,error"}},
	{pkg: "io", name: "Closer", methods: map[string]string{"Close": "()error"}},
	{pkg: "net/http", name: "Handler", methods: map[string]string{"ServeHTTP": "(ResponseWriter,*Request)"}},
	{pkg: "sort", name: "Interface", methods: map[string]string{"Len": "()int", "Less": "(int,int)bool", "Swap": "(int,int)"}},
	{pkg: "context", name: "Context", methods: map[string]string{"Deadline": "()Time,bool", "Done": "()chan ?", "Err": "()error", "Value": "(?)?"}},
	{pkg: "io", name: "ReadWriter", composite: true, methods: map[string]string{"Read": "([]byte)int,error", "Write": "([]byte)int,error"}},
	{pkg: "io", name: "ReadCloser", composite: true, methods: map[string]string{"Read": "([]byte)int,error", "Close": "()error"}},
	{pkg: "io", name: "WriteCloser", composite: true, methods: map[string]string{"Write": "([]byte)int,error", "Close": "()error"}},
	{pkg: "io", name: "ReadWriteCloser", composite: true, methods: map[string]string{"Read": "([]byte)int,error", "Write": "([]byte)int,error", "Close": "()error"}},
}

// resolveGoSatisfies binds a type's implements edge to the interfaces it
// satisfies.
func (r *resolver) resolveGoSatisfies(e *graph.Edge) ([]graph.NodeID, graph.Resolution) {
	// The type's directory is loaded first (in a full run): the name is
	// then known without reading the node.
	gf, p := r.goFileOf(e.File, true)
	tn, ok := r.goTypeNames[e.Src]
	if !ok {
		n, err := r.st.Node(e.Src)
		if err != nil {
			return nil, graph.ResUnresolved
		}
		tn = goTypeName{name: n.Name, file: n.File}
	}
	if tn.file != e.File {
		gf, p = r.goFileOf(tn.file, true)
	}
	if gf == nil || p == nil {
		return nil, graph.ResUnresolved
	}
	ms := r.goMethodSet(typeRef{tn.name, tn.file}, 0)
	if len(ms) == 0 {
		return nil, graph.ResUnresolved
	}
	var out []graph.NodeID
	seen := map[graph.NodeID]bool{}
	names := make([]string, 0, len(ms))
	for name := range ms {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, in := range r.ifacesWith(name) {
			if seen[in.id] {
				continue
			}
			seen[in.id] = true
			if satisfies(ms, in.methods) {
				out = append(out, in.id)
			}
		}
	}
	for _, si := range stdIfaces {
		if si.composite {
			continue
		}
		if _, inRepo := r.importDir(si.pkg); inRepo {
			continue // the repository is that library: its interfaces are found above
		}
		if satisfies(ms, si.methods) {
			out = append(out, r.external(lang.Go, si.pkg, si.name))
		}
	}
	if len(out) == 0 {
		return nil, graph.ResUnresolved
	}
	return out, graph.ResExact
}

func satisfies(ms, iface map[string]string) bool {
	if len(iface) == 0 {
		return false
	}
	for name, sig := range iface {
		if ms[name] != sig {
			return false
		}
	}
	return true
}

// goMethodSet returns the methods of a named type with their normalised
// signatures, its embedded types' promoted methods included.
func (r *resolver) goMethodSet(tr typeRef, depth int) map[string]string {
	if depth > 3 {
		return nil
	}
	p, t := r.lookupType(tr)
	if t == nil || p == nil {
		return nil
	}
	out := map[string]string{}
	for _, emb := range t.embeds() {
		for k, v := range r.goMethodSet(emb, depth+1) {
			out[k] = v
		}
	}
	for name, ids := range r.typeMethods(p, t) {
		if len(ids) == 0 {
			continue
		}
		if n, ok := r.node(ids[0]); ok {
			out[name] = n.methodKey()
		}
	}
	return out
}

// typeMethods lists all the methods of a type. A lazily loaded package's
// type only knows those looked up: all of them are then read from the
// file index entries of its directory (dirMethods), not by loading the
// directory whole (goDir reads every node of it: a targeted run checks
// each type of a changed package, and of the packages they embed types
// of, against the interfaces, and those loads were a third of a targeted
// run's CPU on the Go standard library).
func (r *resolver) typeMethods(p *goPackage, t *goType) map[string][]graph.NodeID {
	if t.lazy == nil {
		return t.methods
	}
	dm := r.dirMethods(p.dir)
	for _, name := range dm.pkgs {
		if name == p.name || p.name == "" && !strings.HasSuffix(name, "_test") {
			if ms, ok := dm.types[name][t.name]; ok {
				return ms
			}
		}
	}
	return t.methods
}

// dirMethodSets are the methods of a directory's Go types, by package
// clause and type name, as goDir would load them.
type dirMethodSets struct {
	pkgs  []string                                        // package clauses, sorted
	types map[string]map[string]map[string][]graph.NodeID // package → type → method → ids
}

// dirMethods reads the methods of dir's Go types from the file index
// entries of its files (kind, name and qualified name: no node is read).
// A type is known to a package as goDir knows it: declared there, or the
// receiver of a method or the owner of a field there.
func (r *resolver) dirMethods(dir string) *dirMethodSets {
	if dm, ok := r.dirMethodSets[dir]; ok {
		return dm
	}
	if r.dirMethodSets == nil {
		r.dirMethodSets = map[string]*dirMethodSets{}
	}
	dm := &dirMethodSets{types: map[string]map[string]map[string][]graph.NodeID{}}
	r.dirMethodSets[dir] = dm
	var paths []string
	for _, m := range r.byDir[dir] {
		if m.Language == lang.Go {
			paths = append(paths, m.Path)
		}
	}
	entries := make([][]store.FileEntry, len(paths))
	if err := r.st.FileEntries(paths, func(i int, e store.FileEntry) error {
		entries[i] = append(entries[i], e)
		return nil
	}); err != nil {
		return dm
	}
	for _, es := range entries { // path order, as goDir reads them
		pkg := ""
		for _, e := range es {
			if e.Kind == graph.KindPackage {
				pkg = e.Name
			}
		}
		types := dm.types[pkg]
		if types == nil {
			types = map[string]map[string][]graph.NodeID{}
			dm.types[pkg] = types
			dm.pkgs = append(dm.pkgs, pkg)
		}
		typ := func(name string) map[string][]graph.NodeID {
			ms := types[name]
			if ms == nil {
				ms = map[string][]graph.NodeID{}
				types[name] = ms
			}
			return ms
		}
		for _, e := range es {
			qn := e.QualifiedName
			switch e.Kind {
			case graph.KindMethod:
				if recv, name, ok := strings.Cut(qn, "."); ok && !strings.Contains(name, ".") {
					ms := typ(recv)
					ms[name] = append(ms[name], e.ID)
				}
			case graph.KindField:
				if owner, name, ok := strings.Cut(qn, "."); ok && !strings.Contains(name, ".") {
					typ(owner)
				}
			case graph.KindStruct, graph.KindInterface, graph.KindTypeAlias:
				if qn == e.Name {
					typ(e.Name)
				}
			}
		}
	}
	sort.Strings(dm.pkgs)
	return dm
}

// ifacesWith returns the repository's Go interfaces whose method sets
// have a method called name: those that declare it, and those that get
// it from embedded interfaces only. They come from the interface table
// (ifacetable.go): stored by the run that last changed it, brought up to
// date for the directories this run writes, or worked out whole.
func (r *resolver) ifacesWith(name string) []*goIface {
	if r.ifaceByMethod == nil {
		r.loadIfaceTable()
	}
	return r.ifaceByMethod[name]
}

// ifaceDecl is a method an interface of the repository declares.
type ifaceDecl struct {
	id, parent  graph.NodeID // the method, its interface
	file, iname string       // where, and the interface's name
}

// ifaceCands reads the repository's non-test Go interfaces.
func (r *resolver) ifaceCands() []graph.Node {
	var cands []graph.Node
	r.st.NodesByKind(graph.KindInterface, func(n graph.Node) error {
		if n.Language == lang.Go && !strings.HasSuffix(n.File, "_test.go") {
			cands = append(cands, n)
		}
		return nil
	})
	return cands
}

// indexIfaces works out the table entries of the Go interfaces cands:
// the methods each declares (an interface is listed under their names),
// and for those that declare no method of their own but embed others
// (type ReadWriter interface { Reader; Writer }), the names of their
// method sets; each with its method set and the directories that set was
// read from.
func (r *resolver) indexIfaces(cands []graph.Node) map[graph.NodeID]*ifaceEntry {
	if r.ifaces == nil {
		r.ifaces = map[graph.NodeID]*goIface{}
	}
	out := map[graph.NodeID]*ifaceEntry{}
	// Their methods with two iterators (contains and defines edges, then
	// the method nodes) rather than an iterator and a point read each.
	ids := make([]graph.NodeID, len(cands))
	for i, n := range cands {
		ids[i] = n.ID
	}
	// Their embedded types' edges with them, which goType.embeds then
	// need not read one interface at a time; and their nodes, which
	// resolution reads through r.node.
	own := make([][]graph.NodeID, len(cands))
	if r.ifaceInherits == nil {
		r.ifaceInherits = make(map[graph.NodeID][]graph.Edge, len(cands))
	}
	for _, n := range cands {
		r.ifaceInherits[n.ID] = nil
		if _, ok := r.nodes[n.ID]; !ok {
			r.nodes[n.ID] = &nodeLite{file: n.File, sig: n.Signature, locals: n.Locals}
		}
	}
	r.st.OutEdgesMany(ids, []graph.EdgeKind{graph.EdgeContains, graph.EdgeDefines, graph.EdgeInherits}, func(i int, e graph.Edge) error {
		if e.Kind == graph.EdgeInherits {
			r.ifaceInherits[ids[i]] = append(r.ifaceInherits[ids[i]], e)
		} else {
			own[i] = append(own[i], e.Dst)
		}
		return nil
	})
	var mids []graph.NodeID
	for i := range own {
		slices.Sort(own[i])
		own[i] = slices.Compact(own[i])
		mids = append(mids, own[i]...)
	}
	methods := make([]graph.Node, len(mids))
	r.st.NodesByID(mids, methods)
	entry := func(id graph.NodeID, file, iname string) *ifaceEntry {
		if e, ok := out[id]; ok {
			return e
		}
		e := &ifaceEntry{id: id, file: file}
		deps := &ifaceDeps{dirs: map[string]bool{}}
		r.ifaceDeps = deps
		in := r.computeIface(id, file, iname)
		r.ifaceDeps = nil
		r.ifaces[id] = in
		if in != nil {
			e.methods = in.methods
		}
		e.deps = slices.Sorted(maps.Keys(deps.dirs))
		e.volatile = deps.volatile
		out[id] = e
		return e
	}
	// An interface that declares no method and embeds nothing has an
	// empty method set, and so no entry in embOnly, unless another
	// declaration of its name in its directory (a build variant) gives it
	// some: goIfaceOf, which loads the name's package, is spared the
	// others (a third of the standard library's interfaces: constraints,
	// markers).
	empty := func(n graph.Node) bool {
		if len(r.ifaceInherits[n.ID]) > 0 {
			return false
		}
		alone := true
		r.st.NodeIDsByQualifiedNameIn(n.Name, path.Dir(n.File), func(id graph.NodeID) error {
			if id != n.ID {
				alone = false
			}
			return nil
		})
		return alone
	}
	next := 0
	for i, n := range cands {
		if len(own[i]) == 0 {
			if empty(n) {
				r.ifaces[n.ID] = nil // as goIfaceOf leaves it
				out[n.ID] = &ifaceEntry{id: n.ID, file: n.File}
				continue
			}
			e := entry(n.ID, n.File, n.Name)
			e.names = slices.Sorted(maps.Keys(e.methods))
			continue
		}
		for _, m := range methods[next : next+len(own[i])] {
			if m.ID == 0 || m.Kind != graph.KindMethod || m.Language != lang.Go || m.Parent == 0 || strings.HasSuffix(m.File, "_test.go") {
				continue
			}
			iname, _, ok := strings.Cut(m.QualifiedName, ".")
			if !ok {
				continue
			}
			e := entry(m.Parent, m.File, iname)
			if !slices.Contains(e.names, m.Name) {
				e.names = append(e.names, m.Name)
			}
		}
		if _, ok := out[n.ID]; !ok {
			// Declares no method the table lists it under: kept so that
			// a change of its directory works it out again.
			out[n.ID] = &ifaceEntry{id: n.ID, file: n.File}
		}
		next += len(own[i])
	}
	for _, e := range out {
		slices.Sort(e.names)
	}
	return out
}

// goIfaceOf returns the method set of the interface with node id named
// iname (nil if it is not an interface), found in file.
func (r *resolver) goIfaceOf(id graph.NodeID, file, iname string) *goIface {
	if in, ok := r.ifaces[id]; ok {
		return in
	}
	in := r.computeIface(id, file, iname)
	r.ifaces[id] = in
	return in
}

// computeIface works out goIfaceOf's answer.
func (r *resolver) computeIface(id graph.NodeID, file, iname string) *goIface {
	if _, known := r.ifaceInherits[id]; !known { // else an interface read by indexIfaces
		if n, err := r.st.Node(id); err != nil || n.Kind != graph.KindInterface {
			return nil
		}
	}
	_, t := r.lookupType(typeRef{iname, file})
	if t == nil || len(t.ids) == 0 {
		return nil
	}
	isIface := false
	for _, tid := range t.ids {
		if tid == id {
			isIface = true
		}
	}
	if !isIface {
		return nil
	}
	ms := r.goIfaceMethods(typeRef{iname, file}, 0)
	if len(ms) == 0 {
		return nil
	}
	return &goIface{id: id, methods: ms}
}

// goIfaceMethods returns an interface's method set, embedded interfaces
// included; nil when part of it is unknown (an embedded interface of a
// library other than the standard ones, a type constraint).
func (r *resolver) goIfaceMethods(tr typeRef, depth int) map[string]string {
	if depth > 4 {
		return nil
	}
	p, t := r.lookupType(tr)
	if t == nil {
		qual, name := splitTypeExpr(tr.expr)
		if gf, _ := r.goFileOf(tr.file, false); gf != nil && qual != "" {
			for _, si := range stdIfaces {
				if si.pkg == gf.imports[qual] && si.name == name {
					return si.methods
				}
			}
		}
		return nil
	}
	out := map[string]string{}
	for _, emb := range t.embeds() {
		ms := r.goIfaceMethods(emb, depth+1)
		if ms == nil {
			return nil
		}
		for k, v := range ms {
			out[k] = v
		}
	}
	for name, ids := range r.ifaceOwnMethods(p, t) {
		if len(ids) > 0 {
			if n, ok := r.node(ids[0]); ok {
				out[name] = n.methodKey()
			}
		}
	}
	return out
}

// ifaceOwnMethods lists the methods an interface type declares. Those of
// a lazily loaded package's interface are read through its nodes'
// contains edges (an interface's methods are all in its body) instead of
// loading its directory whole as typeMethods does: a targeted run checks
// a changed type against every interface declaring one of its methods'
// names, and loading each one's directory cost a targeted run on the Go
// standard library about 1.5 s of its 3.3 s of CPU.
func (r *resolver) ifaceOwnMethods(p *goPackage, t *goType) map[string][]graph.NodeID {
	if t.lazy == nil || len(t.ids) == 0 {
		return r.typeMethods(p, t)
	}
	if t.ifaceOwn != nil {
		return t.ifaceOwn
	}
	var ids []graph.NodeID
	for _, id := range t.ids {
		if n, err := r.st.Node(id); err != nil || n.Kind != graph.KindInterface {
			return r.typeMethods(p, t) // not an interface: its methods are outside it
		}
		r.st.OutEdges(id, []graph.EdgeKind{graph.EdgeContains, graph.EdgeDefines}, func(e graph.Edge) error {
			ids = append(ids, e.Dst)
			return nil
		})
	}
	out := map[string][]graph.NodeID{}
	for _, id := range ids {
		n, err := r.st.Node(id)
		if err != nil || n.Kind != graph.KindMethod || n.Language != lang.Go || !strings.HasPrefix(n.QualifiedName, t.name+".") {
			continue
		}
		if _, ok := r.nodes[n.ID]; !ok {
			r.nodes[n.ID] = &nodeLite{file: n.File, sig: n.Signature, locals: n.Locals}
		}
		if !slices.Contains(out[n.Name], n.ID) {
			out[n.Name] = append(out[n.Name], n.ID)
		}
	}
	t.ifaceOwn = out
	return out
}

// goMethodKey normalises a method signature to its parameter and result
// types without names or package qualifiers: "func (s *S) Read(p []byte)
// (n int, err error)" and "Read(b []byte) (int, error)" are both
// "([]byte)int,error".
func goMethodKey(sig string) string {
	fd := parseSignature(sig)
	if fd == nil {
		return "?" + sig // unparsable: matches only itself
	}
	types := func(fl *ast.FieldList) []string {
		var out []string
		if fl == nil {
			return nil
		}
		for _, f := range fl.List {
			t := unqualify(exprString(f.Type))
			for range max(1, len(f.Names)) {
				out = append(out, t)
			}
		}
		return out
	}
	return "(" + strings.Join(types(fd.Type.Params), ",") + ")" + strings.Join(types(fd.Type.Results), ",")
}

// unqualify drops package qualifiers from a type expression and spells
// interface{} and any alike: "*http.Request" → "*Request".
func unqualify(t string) string {
	if t == "any" {
		return "?"
	}
	var b strings.Builder
	start := 0
	for i := 0; i < len(t); i++ {
		if t[i] == '.' {
			j := i
			for j > start && isIdentByte(t[j-1]) {
				j--
			}
			b.WriteString(t[start:j])
			start = i + 1
		}
	}
	b.WriteString(t[start:])
	return b.String()
}

// stdIfaceMethod binds a method called on a value of one of the standard
// interfaces (h.ServeHTTP(w, r) with h an http.Handler, err.Error()), or
// of a repository interface that embeds one (type Conn interface {
// io.ReadWriteCloser }), to the external node of the standard interface
// method that declares it, where impact and callers find the calls that
// may dispatch to an implementation.
func (r *resolver) stdIfaceMethod(t typeRef, method string) (graph.NodeID, bool) {
	return r.stdIfaceMethodDepth(t, method, 0)
}

func (r *resolver) stdIfaceMethodDepth(t typeRef, method string, depth int) (graph.NodeID, bool) {
	if depth > 4 {
		return 0, false
	}
	if _, rt := r.lookupType(t); rt != nil {
		for _, emb := range rt.embeds() {
			if id, ok := r.stdIfaceMethodDepth(emb, method, depth+1); ok {
				return id, true
			}
		}
		return 0, false
	}
	qual, name := splitTypeExpr(t.expr)
	pkg := "builtin"
	if qual != "" {
		gf, _ := r.goFileOf(t.file, false)
		if gf == nil {
			return 0, false
		}
		pkg = gf.imports[qual]
	}
	for _, si := range stdIfaces {
		if si.pkg != pkg || si.name != name {
			continue
		}
		if _, ok := si.methods[method]; !ok {
			return 0, false
		}
		if _, inRepo := r.importDir(pkg); inRepo {
			return 0, false
		}
		if si.composite {
			for _, part := range stdIfaces {
				if _, ok := part.methods[method]; ok && !part.composite && part.pkg == pkg {
					name = part.name
					break
				}
			}
		}
		return r.external(lang.Go, pkg, name+"."+method), true
	}
	return 0, false
}
