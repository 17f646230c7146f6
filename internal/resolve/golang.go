package resolve

import (
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/parse"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// Go resolution works on what extraction stored: packages are directories
// (split by package clause, so foo and foo_test are apart), import aliases
// come from import nodes, receiver and parameter types from signatures
// (parsed with go/parser), field and package-level variable types from
// their declarations. A selector on a value whose type this cannot tell
// stays unresolved.

type goPackage struct {
	dir, name string
	funcs     map[string][]graph.NodeID
	vars      map[string]typeRef
	types     map[string]*goType
	// lazy packages are not loaded whole: each name is looked up in the
	// store's qualified-name index on first use (incremental runs).
	lazy bool
	r    *resolver
	seen map[string]bool
}

type goType struct {
	ids      []graph.NodeID
	methods  map[string][]graph.NodeID
	fields   map[string]typeRef
	embedded []typeRef
	// under is the definition of a type that is neither a struct nor an
	// interface (type nodes []*node, type A = B); alias marks A = B.
	under   typeRef
	alias   bool
	lazy    *goPackage // owner, when members are looked up on demand
	name    string
	seen    map[string]bool
	embDone bool
	// ifaceOwn is a lazily loaded interface's own methods, once read
	// (ifaceOwnMethods): an interface embedded by many is read once.
	ifaceOwn map[string][]graph.NodeID
}

// members of package p with qualified name qn, in p's directory and not in
// a test file. The store's qualified-name index is keyed by directory
// too, so the other packages' nodes of that name (Go qualified names are
// package-relative: "New", "Reader.Read") are not read.
func (p *goPackage) lookup(qn string, fn func(graph.Node)) {
	p.r.st.NodesByQualifiedNameIn(qn, p.dir, func(n graph.Node) error {
		if n.Language != lang.Go || path.Dir(n.File) != p.dir {
			return nil
		}
		if p.name == "" && strings.HasSuffix(n.File, "_test.go") {
			return nil // an imported package: its non-test files
		}
		if p.name != "" {
			// The caller's package, told apart from pkg_test: non-test
			// files all belong to the directory's package, so only test
			// files need their package clause read.
			isTest := strings.HasSuffix(n.File, "_test.go")
			if !isTest && strings.HasSuffix(p.name, "_test") || isTest && p.r.lazyFile(n.File).pkg != p.name {
				return nil
			}
		}
		fn(n)
		return nil
	})
}

// load fills the lazy package's maps for one top-level name.
func (p *goPackage) load(name string) {
	if !p.lazy || p.seen[name] {
		return
	}
	p.seen[name] = true
	p.lookup(name, func(n graph.Node) {
		switch n.Kind {
		case graph.KindFunction:
			p.funcs[name] = append(p.funcs[name], n.ID)
			p.r.nodes[n.ID] = &nodeLite{file: n.File, sig: n.Signature, locals: n.Locals}
		case graph.KindStruct, graph.KindInterface, graph.KindTypeAlias:
			t := p.types[name]
			if t == nil {
				t = &goType{methods: map[string][]graph.NodeID{}, fields: map[string]typeRef{}, lazy: p, name: name, seen: map[string]bool{}}
				p.types[name] = t
			}
			t.ids = append(t.ids, n.ID)
			if n.Kind == graph.KindTypeAlias && t.under.expr == "" {
				t.under.expr, t.alias = typeDef(n.Signature)
				t.under.file = n.File
			}
		case graph.KindVariable, graph.KindConstant:
			if te := varType(n.Signature, n.Name); te != "" {
				p.setVar(name, typeRef{te, n.File})
			}
		}
	})
}

func (p *goPackage) fn(name string) []graph.NodeID { p.load(name); return p.funcs[name] }
func (p *goPackage) typ(name string) *goType       { p.load(name); return p.types[name] }
func (p *goPackage) variable(name string) (typeRef, bool) {
	p.load(name)
	v, ok := p.vars[name]
	return v, ok
}

// setVar records a package variable's type; declarations of one name in
// several files (build variants) that disagree leave it unknown.
func (p *goPackage) setVar(name string, t typeRef) {
	if old, ok := p.vars[name]; ok && old.expr != t.expr {
		t.expr = "?"
	}
	p.vars[name] = t
}

// member loads a lazy type's method or field called name.
func (t *goType) member(name string) {
	if t.lazy == nil || t.seen[name] {
		return
	}
	t.seen[name] = true
	t.lazy.lookup(t.name+"."+name, func(n graph.Node) {
		switch n.Kind {
		case graph.KindMethod:
			t.methods[name] = append(t.methods[name], n.ID)
			t.lazy.r.nodes[n.ID] = &nodeLite{file: n.File, sig: n.Signature, locals: n.Locals}
		case graph.KindField:
			if te := fieldType(n.Signature, name); te != "" {
				t.fields[name] = typeRef{te, n.File}
			}
		}
	})
}

func (t *goType) method(name string) []graph.NodeID { t.member(name); return t.methods[name] }
func (t *goType) field(name string) (typeRef, bool) {
	t.member(name)
	f, ok := t.fields[name]
	return f, ok
}

func (t *goType) embeds() []typeRef {
	if t.lazy != nil && !t.embDone {
		t.embDone = true
		for _, id := range t.ids {
			n, _ := t.lazy.r.node(id)
			add := func(e graph.Edge) error {
				file := e.File
				if n != nil {
					file = n.file
				}
				t.embedded = append(t.embedded, typeRef{e.Target, file})
				return nil
			}
			if es, ok := t.lazy.r.ifaceInherits[id]; ok { // read with the interfaces (indexIfaces)
				for _, e := range es {
					add(e)
				}
				continue
			}
			t.lazy.r.st.OutEdges(id, []graph.EdgeKind{graph.EdgeInherits}, add)
		}
	}
	return t.embedded
}

// typeRef is a type expression as written, with the file it was written
// in (whose imports give its qualifier meaning).
type typeRef struct {
	expr string
	file string
}

type goFile struct {
	pkg     string
	imports map[string]string // local name → import path
}

type callerInfo struct {
	id   graph.NodeID
	file string
	// tparams are the function's type parameters: name → constraint.
	tparams map[string]ast.Expr
	pkg     *goPackage
	gf      *goFile
	vars    map[string]binding // receiver, parameters and results: the whole body
	// decls are the local declarations with their scopes, each parsed
	// when a name it declares is first looked up (most calls never need
	// them).
	decls []scopedDecl
	// pos is the position names are looked up at: 2*line+1 for a use on
	// that line (2*line is before anything the line declares).
	pos int
}

// scopedDecl is one local declaration (see parse/golang.go): written on
// line start, visible on lines from..to.
type scopedDecl struct {
	start, from, to int
	text            string
	parsed          bool
	binds           map[string]binding
	// busy is set while the declaration's right-hand side is typed: it
	// does not see itself (x := x.Clone(), switch x := x.(type)).
	busy bool
}

// lookup returns the binding of a variable name at ci.pos: the innermost
// visible local declaration (the latest-starting scope), else a parameter,
// receiver or result.
func (ci *callerInfo) lookup(name string) (binding, bool) {
	var best *scopedDecl
	var bb binding
	for i := range ci.decls {
		d := &ci.decls[i]
		if ci.pos < 2*d.from+1 || ci.pos > 2*d.to+1 || d.busy {
			continue
		}
		if best != nil && (d.from < best.from || d.from == best.from && d.to > best.to) {
			continue // an outer scope than the one found
		}
		if !declares(d.text, name) {
			continue
		}
		if !d.parsed {
			d.parsed = true
			d.binds = parseLocal(d.text, ci.file, d.start)
			for k, b := range d.binds {
				b.decl = d
				d.binds[k] = b
			}
		}
		if b, ok := d.binds[name]; ok {
			best, bb = d, b
		}
	}
	if best != nil {
		return bb, true
	}
	b, ok := ci.vars[name]
	return b, ok
}

// declares reports whether a local declaration's left-hand side may name
// name: "a, name := ...", "var name T", "var (name = ...)", "for k, name
// := range x {}" (a cheap test before parsing).
func declares(decl, name string) bool {
	lhs := decl
	if i := strings.Index(decl, ":="); i >= 0 {
		lhs = decl[:i]
	} else if strings.HasPrefix(decl, "var") {
		lhs = decl[3:]
	} else {
		return false
	}
	for len(lhs) > 0 {
		i := strings.Index(lhs, name)
		if i < 0 {
			return false
		}
		before := i == 0 || !isIdentByte(lhs[i-1])
		after := i+len(name) == len(lhs) || !isIdentByte(lhs[i+len(name)])
		if before && after {
			return true
		}
		lhs = lhs[i+len(name):]
	}
	return false
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// binding is what is known of a variable: its declared type, or the
// expression it was initialised from (the idx-th value of it, or its
// key or element when rng is set), read at position pos.
type binding struct {
	typ  typeRef
	val  ast.Expr
	idx  int
	rng  rangePart
	pos  int
	decl *scopedDecl // the local declaration, hidden while val is typed
}

// rangePart says which part of a ranged-over value a variable is.
type rangePart uint8

const (
	rangeNone rangePart = iota
	rangeKey
	rangeElem
)

type dirPackages struct {
	byName map[string]*goPackage
	files  map[string]*goFile
}

// preloadGo reads every node in one sequential scan, for a full
// resolution pass (per-file lookups would be random reads).
func (r *resolver) preloadGo() error {
	r.preloaded = map[string][]graph.Node{}
	intern := map[string]string{}
	return r.st.AllNodes(func(n graph.Node) error {
		if n.Language != "" && !strings.HasPrefix(n.File, graph.ExternalPrefix) {
			compactNode(&n, intern)
			r.preloaded[n.File] = append(r.preloaded[n.File], n)
			if n.Kind == graph.KindFunction && n.Language == lang.Go && strings.HasPrefix(n.Signature, "func "+n.Name+"[") {
				r.noteGeneric(n.Name)
			}
		}
		return nil
	})
}

// compactNode drops n's doc comment (not needed here; docs are most of a
// node's bytes) and copies its other strings out of the stored value they
// were decoded from (substrings of it, they would keep the doc alive): its
// file and language from intern (filled as it goes), the rest into one
// new string.
func compactNode(n *graph.Node, intern map[string]string) {
	n.Doc = ""
	for _, p := range []*string{&n.File, &n.Language} {
		if v, ok := intern[*p]; ok {
			*p = v
		} else {
			v = strings.Clone(*p)
			intern[v] = v
			*p = v
		}
	}
	fields := [...]*string{&n.Name, &n.QualifiedName, &n.Signature, &n.Locals}
	size := 0
	for _, p := range fields {
		size += len(*p)
	}
	var b strings.Builder
	b.Grow(size)
	for _, p := range fields {
		b.WriteString(*p)
	}
	all := b.String()
	for _, p := range fields {
		*p, all = all[:len(*p)], all[len(*p):]
	}
}

// node returns what resolution needs of a node, from memory when the
// node's directory has been loaded.
func (r *resolver) node(id graph.NodeID) (*nodeLite, bool) {
	if n, ok := r.nodes[id]; ok {
		return n, true
	}
	n, err := r.st.Node(id)
	if err != nil {
		return nil, false
	}
	nl := &nodeLite{file: n.File, sig: n.Signature, locals: n.Locals}
	r.nodes[id] = nl
	return nl, true
}

// nodeLite is the part of a node resolution keeps in memory.
type nodeLite struct {
	file, sig, locals string
	mkey              string // goMethodKey(sig), on first use
}

// methodKey is goMethodKey of the node's signature, parsed once: a method
// is part of the method set of its type and of every type that embeds it.
func (n *nodeLite) methodKey() string {
	if n.mkey == "" {
		n.mkey = goMethodKey(n.sig)
	}
	return n.mkey
}

func (r *resolver) goDir(dir string) *dirPackages {
	if dp, ok := r.dirs[dir]; ok {
		return dp
	}
	dp := &dirPackages{byName: map[string]*goPackage{}, files: map[string]*goFile{}}
	r.dirs[dir] = dp
	if r.goTypeNames == nil {
		r.goTypeNames, r.pkgClauses = map[graph.NodeID]goTypeName{}, map[string][]pkgClause{}
	}
	// The embedded types of the directory's structs and interfaces, read
	// with one iterator after the loop (an iterator per type cost a
	// standard library resolution over a second) and appended in the
	// order the types were met.
	type embedsOf struct {
		t    *goType
		id   graph.NodeID
		file string
	}
	var embeds []embedsOf
	defer func() {
		if len(embeds) == 0 {
			return
		}
		ids := make([]graph.NodeID, len(embeds))
		for i, x := range embeds {
			ids[i] = x.id
		}
		targets := make([][]string, len(embeds))
		r.st.OutEdgesMany(ids, []graph.EdgeKind{graph.EdgeInherits}, func(i int, e graph.Edge) error {
			targets[i] = append(targets[i], e.Target)
			return nil
		})
		for i, x := range embeds {
			for _, tg := range targets[i] {
				x.t.embedded = append(x.t.embedded, typeRef{tg, x.file})
			}
		}
	}()
	for _, m := range r.byDir[dir] {
		if m.Language != lang.Go {
			continue
		}
		var nodes []graph.Node
		if r.preloaded != nil {
			nodes = r.preloaded[m.Path]
			delete(r.preloaded, m.Path)
		} else if err := r.st.NodesInFile(m.Path, func(n graph.Node) error { nodes = append(nodes, n); return nil }); err != nil {
			continue
		}
		for i := range nodes {
			n := &nodes[i]
			// Callables and variables, and the other nodes edges leave
			// from (types, fields, constants, the file node): caller
			// reads every source's node, from the store when it is not
			// here (0.8 s of point reads on the Go standard library).
			if n.Kind != graph.KindPackage && n.Kind != graph.KindImport {
				r.nodes[n.ID] = &nodeLite{file: n.File, sig: n.Signature, locals: n.Locals}
			}
		}
		gf := &goFile{imports: map[string]string{}}
		var pkgs []pkgClause
		for _, n := range nodes {
			switch n.Kind {
			case graph.KindPackage:
				gf.pkg = n.Name
				pkgs = append(pkgs, pkgClause{n.ID, n.Name})
			case graph.KindImport:
				gf.imports[r.importName(n)] = n.QualifiedName
			}
		}
		dp.files[m.Path] = gf
		r.pkgClauses[m.Path] = pkgs
		p := dp.byName[gf.pkg]
		if p == nil {
			p = &goPackage{dir: dir, name: gf.pkg, funcs: map[string][]graph.NodeID{}, vars: map[string]typeRef{}, types: map[string]*goType{}}
			dp.byName[gf.pkg] = p
		}
		typ := func(name string) *goType {
			t := p.types[name]
			if t == nil {
				t = &goType{methods: map[string][]graph.NodeID{}, fields: map[string]typeRef{}}
				p.types[name] = t
			}
			return t
		}
		for _, n := range nodes {
			qn := n.QualifiedName
			switch n.Kind {
			case graph.KindFunction:
				if qn == n.Name {
					p.funcs[n.Name] = append(p.funcs[n.Name], n.ID)
				}
			case graph.KindMethod:
				if recv, name, ok := strings.Cut(qn, "."); ok && !strings.Contains(name, ".") {
					t := typ(recv)
					t.methods[name] = append(t.methods[name], n.ID)
				}
			case graph.KindStruct, graph.KindInterface, graph.KindTypeAlias:
				if qn == n.Name {
					t := typ(n.Name)
					t.ids = append(t.ids, n.ID)
					if n.Kind == graph.KindTypeAlias && t.under.expr == "" {
						t.under.expr, t.alias = typeDef(n.Signature)
						t.under.file = m.Path
					}
					if n.Kind == graph.KindStruct || n.Kind == graph.KindInterface {
						embeds = append(embeds, embedsOf{t: t, id: n.ID, file: m.Path})
					}
					if n.Kind != graph.KindInterface {
						r.goTypeNames[n.ID] = goTypeName{name: n.Name, file: m.Path}
					}
				}
			case graph.KindField:
				if owner, name, ok := strings.Cut(qn, "."); ok && !strings.Contains(name, ".") {
					if te := fieldType(n.Signature, name); te != "" {
						typ(owner).fields[name] = typeRef{te, m.Path}
					}
				}
			case graph.KindVariable, graph.KindConstant: // const Legacy Scheme = 1 is typed too
				if qn == n.Name {
					if te := varType(n.Signature, n.Name); te != "" {
						p.setVar(n.Name, typeRef{te, m.Path})
					}
				}
			}
		}
	}
	return dp
}

// pkgClause is a package node of a loaded Go file (resolveGoImport
// reads it instead of the file's nodes).
type pkgClause struct {
	id   graph.NodeID
	name string
}

// goTypeName is the name and file of a loaded directory's top-level
// concrete type (resolveGoSatisfies reads it instead of the node).
type goTypeName struct{ name, file string }

// importDir maps an import path to a repository directory, through the
// go.mod files found (and a vendor directory beside them).
func (r *resolver) importDir(ip string) (string, bool) {
	if d, ok := r.importDirs[ip]; ok {
		return d.dir, d.ok
	}
	dir, ok := r.findImportDir(ip)
	if r.importDirs == nil {
		r.importDirs = map[string]importDir{}
	}
	r.importDirs[ip] = importDir{dir, ok}
	return dir, ok
}

// importDir is a cached answer of findImportDir (the modules and the
// file list do not change during a run; a Go stdlib resolution asked it
// hundreds of thousands of times).
type importDir struct {
	dir string
	ok  bool
}

func (r *resolver) findImportDir(ip string) (string, bool) {
	for _, m := range r.modules {
		var rel string
		switch {
		case ip == m.path:
			rel = ""
		case strings.HasPrefix(ip, m.path+"/"):
			rel = ip[len(m.path)+1:]
		case m.path == "std" || m.path == "cmd" && strings.HasPrefix(ip, "cmd/"):
			// The standard library's modules: import paths are
			// directories below GOROOT/src.
			if m.path == "cmd" {
				rel = ip[len("cmd/"):]
			} else if !strings.Contains(strings.SplitN(ip, "/", 2)[0], ".") {
				rel = ip
			} else {
				if d := path.Join(m.dir, "vendor", ip); len(r.byDir[d]) > 0 {
					return d, true
				}
				continue
			}
		default:
			if d := path.Join(m.dir, "vendor", ip); len(r.byDir[d]) > 0 {
				return d, true
			}
			continue
		}
		d := path.Join(m.dir, rel)
		if len(r.byDir[d]) > 0 {
			return d, true
		}
	}
	return "", false
}

// lazyPackage returns the package of dir called name ("" for the package
// an import names: the non-test files), looked up name by name.
func (r *resolver) lazyPackage(dir, name string) *goPackage {
	key := dir + "\x00" + name
	if p, ok := r.lazyPkgs[key]; ok {
		return p
	}
	p := &goPackage{dir: dir, name: name, funcs: map[string][]graph.NodeID{}, vars: map[string]typeRef{}, types: map[string]*goType{}, lazy: true, r: r, seen: map[string]bool{}}
	r.lazyPkgs[key] = p
	return p
}

// lazyFile reads one file's package name and imports: from its facts
// when they are read (the files the run resolves), otherwise from its file
// index entries and its import nodes alone (the files of the types and
// interfaces a targeted run looks at: reading all their nodes was a fifth
// of a targeted run's CPU on the Go standard library).
func (r *resolver) lazyFile(file string) *goFile {
	if gf, ok := r.lazyFiles[file]; ok {
		return gf
	}
	gf := &goFile{imports: map[string]string{}}
	r.lazyFiles[file] = gf
	if ff, ok := r.fileFacts[file]; ok {
		for _, n := range ff.nodes {
			switch n.Kind {
			case graph.KindPackage:
				gf.pkg = n.Name
			case graph.KindImport:
				gf.imports[r.importName(n)] = n.QualifiedName
			}
		}
		return gf
	}
	var imports []graph.NodeID
	r.st.FileEntries([]string{file}, func(_ int, e store.FileEntry) error {
		switch e.Kind {
		case graph.KindPackage:
			gf.pkg = e.Name
		case graph.KindImport:
			imports = append(imports, e.ID)
		}
		return nil
	})
	for _, id := range imports {
		if n, err := r.st.Node(id); err == nil {
			gf.imports[r.importName(n)] = n.QualifiedName
		}
	}
	return gf
}

// importedPackage returns the (non-test) package an import path names.
func (r *resolver) importedPackage(ip string) *goPackage {
	dir, ok := r.importDir(ip)
	if !ok {
		return nil
	}
	if _, loaded := r.dirs[dir]; !loaded && r.preloaded == nil {
		return r.lazyPackage(dir, "")
	}
	dp := r.goDir(dir)
	var best *goPackage
	for name, p := range dp.byName {
		if strings.HasSuffix(name, "_test") || name == "main" && len(dp.byName) > 1 {
			continue
		}
		best = p
	}
	return best
}

// maxCallers is how many callers' parsed parameters and local
// declarations dropCallers lets the resolver keep.
var maxCallers = 4096

// dropCallers forgets the callers the resolver has parsed once there are
// more than maxCallers of them. The scans visit each source's edges
// together, so a caller is needed again only when it calls a generic
// function whose instantiations are collected (tparams.go), and caller
// rebuilds it the same. Kept for a whole pass over the Go standard
// library, they were about a third of its peak heap (BENCHMARKS.md).
func (r *resolver) dropCallers() {
	if len(r.callers) > maxCallers {
		r.callers = map[graph.NodeID]*callerInfo{}
	}
}

func (r *resolver) caller(id graph.NodeID, file string) *callerInfo {
	if ci, ok := r.callers[id]; ok {
		return ci
	}
	ci := &callerInfo{id: id, file: file, vars: map[string]binding{}}
	if r.preloaded != nil {
		dp := r.goDir(path.Dir(file))
		if ci.gf = dp.files[file]; ci.gf != nil {
			ci.pkg = dp.byName[ci.gf.pkg]
		}
	} else {
		// Incremental: look names up in the index instead of loading the
		// caller's whole package.
		ci.gf = r.lazyFile(file)
		ci.pkg = r.lazyPackage(path.Dir(file), ci.gf.pkg)
	}
	r.callers[id] = ci
	n, ok := r.node(id)
	if !ok {
		return ci
	}
	if fd := parseSignature(n.sig); fd != nil {
		if tp := fd.Type.TypeParams; tp != nil {
			ci.tparams = map[string]ast.Expr{}
			for _, fld := range tp.List {
				for _, nm := range fld.Names {
					ci.tparams[nm.Name] = fld.Type
				}
			}
		}
		add := func(fl *ast.FieldList) {
			if fl == nil {
				return
			}
			for _, fld := range fl.List {
				te := exprString(fld.Type)
				if _, ok := ci.tparams[strings.TrimPrefix(te, "*")]; ok {
					te = tparamMark + te // not a type of the file (tparams.go)
				}
				for _, nm := range fld.Names {
					ci.vars[nm.Name] = binding{typ: typeRef{te, file}}
				}
			}
		}
		add(fd.Recv)
		add(fd.Type.Params)
		add(fd.Type.Results)
	}
	if n.locals != "" {
		for _, l := range strings.Split(n.locals, "\x00") {
			ci.decls = append(ci.decls, scopeOf(l))
		}
	}
	return ci
}

// scopeOf splits a stored local declaration "S:F:E|decl"; one without a
// scope is visible throughout the function.
func scopeOf(l string) scopedDecl {
	d := scopedDecl{text: l, to: math.MaxInt32}
	head, text, ok := strings.Cut(l, "|")
	if !ok {
		return d
	}
	f := strings.Split(head, ":")
	if len(f) != 3 {
		return d
	}
	var v [3]int
	for i := range f {
		n, err := strconv.Atoi(f[i])
		if err != nil {
			return d
		}
		v[i] = n
	}
	return scopedDecl{start: v[0], from: v[1], to: v[2], text: text}
}

// parseLocal returns the variables a local declaration written on line
// introduces.
func parseLocal(decl, file string, line int) map[string]binding {
	out := map[string]binding{}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc _() {\n"+decl+"\n}", parser.SkipObjectResolution)
	if err != nil || len(f.Decls) == 0 {
		return out
	}
	fd, ok := f.Decls[0].(*ast.FuncDecl)
	if !ok || fd.Body == nil || len(fd.Body.List) == 0 {
		return out
	}
	pos := 2*line + 1
	set := func(name string, b binding) {
		if _, seen := out[name]; !seen && name != "_" {
			b.pos = pos
			out[name] = b
		}
	}
	switch st := fd.Body.List[0].(type) {
	case *ast.AssignStmt:
		for i, lhs := range st.Lhs {
			id, ok := lhs.(*ast.Ident)
			if !ok {
				continue
			}
			switch {
			case len(st.Rhs) == len(st.Lhs):
				set(id.Name, binding{val: st.Rhs[i]})
			case len(st.Rhs) == 1:
				set(id.Name, binding{val: st.Rhs[0], idx: i})
			}
		}
	case *ast.RangeStmt:
		if id, ok := st.Key.(*ast.Ident); ok {
			set(id.Name, binding{val: st.X, rng: rangeKey})
		}
		if id, ok := st.Value.(*ast.Ident); ok {
			set(id.Name, binding{val: st.X, rng: rangeElem})
		}
	case *ast.DeclStmt:
		gd, ok := st.Decl.(*ast.GenDecl)
		if !ok {
			return out
		}
		for _, spec := range gd.Specs {
			vs, ok := spec.(*ast.ValueSpec)
			if !ok {
				continue
			}
			for i, nm := range vs.Names {
				switch {
				case vs.Type != nil:
					set(nm.Name, binding{typ: typeRef{exprString(vs.Type), file}})
				case len(vs.Values) == len(vs.Names):
					set(nm.Name, binding{val: vs.Values[i]})
				case len(vs.Values) == 1:
					set(nm.Name, binding{val: vs.Values[0], idx: i})
				}
			}
		}
	}
	return out
}

// parseSignature parses a Go function or method signature as stored on a
// node ("func (s *S) M(a int) error", or an interface method "M() error").
func parseSignature(sig string) *ast.FuncDecl {
	if sig == "" || strings.HasSuffix(sig, "…") {
		return nil
	}
	if !strings.HasPrefix(sig, "func") {
		sig = "func " + sig
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+sig+" {}", parser.SkipObjectResolution)
	if err != nil || len(f.Decls) == 0 {
		return nil
	}
	fd, _ := f.Decls[0].(*ast.FuncDecl)
	return fd
}

// results returns the result types of a function node.
func (r *resolver) results(id graph.NodeID) []typeRef {
	if rs, ok := r.resultCache[id]; ok {
		return rs
	}
	var rs []typeRef
	if n, ok := r.node(id); ok {
		if fd := parseSignature(n.sig); fd != nil && fd.Type.Results != nil {
			for _, fld := range fd.Type.Results.List {
				te := exprString(fld.Type)
				for range max(1, len(fld.Names)) {
					rs = append(rs, typeRef{te, n.file})
				}
			}
		}
	}
	r.resultCache[id] = rs
	return rs
}

// resolveGo resolves a call, inherits or implements edge of a Go file.
func (r *resolver) resolveGo(e *graph.Edge) ([]graph.NodeID, graph.Resolution) {
	if e.Kind == graph.EdgeImports {
		return r.resolveGoImport(e.Target)
	}
	if e.Kind == graph.EdgeImplements && e.Target == parse.GoSatisfies {
		return r.resolveGoSatisfies(e)
	}
	if e.Kind != graph.EdgeCalls {
		p, t := r.lookupType(typeRef{e.Target, e.File})
		if t != nil && len(t.ids) > 0 {
			return r.pick(e.File, t.ids)
		}
		if p == nil {
			if id, ok := r.externalType(e.Target, e.File); ok {
				return []graph.NodeID{id}, graph.ResExternal
			}
		}
		if e.Kind == graph.EdgeReferences {
			return r.resolveGoValue(e)
		}
		return nil, graph.ResUnresolved
	}
	ci := r.caller(e.Src, e.File)
	if ci.pkg == nil {
		return nil, graph.ResUnresolved
	}
	fun, err := parseTarget(e.Target)
	if err != nil {
		return nil, graph.ResUnresolved
	}
	ci.pos = 2*int(e.Line) + 1
	if ids, ok := r.tparamCall(ci, fun); ok {
		if len(ids) == 0 {
			return nil, graph.ResUnresolved
		}
		return ids, graph.ResExact
	}
	ids := r.callees(ci, fun, 0)
	if len(ids) == 1 && r.isExternal(ids[0]) {
		return ids, graph.ResExternal
	}
	return r.pick(e.File, ids)
}

// parseTarget parses a reference's target expression. Most are dotted
// identifiers (f, pkg.F, s.field.Method), built here without go/parser,
// whose scanner and parser cost 5% of a standard library resolution; the
// rest (calls through index expressions, conversions, literals) are
// parsed. Both give the same tree apart from positions, which no caller
// reads.
func parseTarget(s string) (ast.Expr, error) {
	var x ast.Expr
	for part := range strings.SplitSeq(s, ".") {
		if !token.IsIdentifier(part) {
			return parser.ParseExpr(s)
		}
		if id := ast.NewIdent(part); x == nil {
			x = id
		} else {
			x = &ast.SelectorExpr{X: x, Sel: id}
		}
	}
	if x == nil {
		return parser.ParseExpr(s)
	}
	return x, nil
}

// resolveGoValue binds a function or method used as a value (mx.routeHTTP
// passed as a handler) like a call; values of libraries are left alone
// (os.Stdout is not a function, and the library cannot tell).
func (r *resolver) resolveGoValue(e *graph.Edge) ([]graph.NodeID, graph.Resolution) {
	fun, err := parseTarget(e.Target)
	if err != nil {
		return nil, graph.ResUnresolved
	}
	switch fun.(type) {
	case *ast.Ident, *ast.SelectorExpr:
	default:
		return nil, graph.ResUnresolved
	}
	ci := r.caller(e.Src, e.File)
	if ci.pkg == nil {
		return nil, graph.ResUnresolved
	}
	ci.pos = 2*int(e.Line) + 1
	if sel, ok := fun.(*ast.SelectorExpr); ok {
		if id, ok := sel.X.(*ast.Ident); ok {
			if ip, ok := ci.gf.imports[id.Name]; ok {
				if _, local := ci.lookup(id.Name); !local && r.importedPackage(ip) == nil {
					return nil, graph.ResUnresolved // a library's: no external node for it
				}
			}
		}
	}
	ids := r.callees(ci, fun, 0)
	if len(ids) == 0 || r.isExternal(ids[0]) {
		return nil, graph.ResUnresolved
	}
	return r.pick(e.File, ids)
}

// callees returns the functions or methods a callee expression names.
func (r *resolver) callees(ci *callerInfo, fun ast.Expr, depth int) []graph.NodeID {
	if depth > 8 {
		return nil
	}
	switch x := fun.(type) {
	case *ast.ParenExpr:
		return r.callees(ci, x.X, depth+1)
	case *ast.IndexExpr:
		return r.callees(ci, x.X, depth+1) // F[T](...)
	case *ast.IndexListExpr:
		return r.callees(ci, x.X, depth+1)
	case *ast.Ident:
		if _, local := ci.lookup(x.Name); local {
			return nil // a function value
		}
		return ci.pkg.fn(x.Name)
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok {
			if _, local := ci.lookup(id.Name); !local {
				if ip, ok := ci.gf.imports[id.Name]; ok {
					if p := r.importedPackage(ip); p != nil {
						return p.fn(x.Sel.Name)
					}
					if ip == "C" || !isExported(x.Sel.Name) {
						return nil // cgo, or not a callable library symbol
					}
					return []graph.NodeID{r.external(lang.Go, ip, x.Sel.Name)}
				}
			}
		}
		t, ok := r.typeOf(ci, x.X, 0, depth+1)
		if !ok {
			return nil
		}
		if ids := r.methodOf(t, x.Sel.Name, 0); len(ids) > 0 {
			return ids
		}
		if id, ok := r.stdIfaceMethod(t, x.Sel.Name); ok {
			return []graph.NodeID{id} // dynamic dispatch through a standard interface
		}
		return nil
	}
	return nil
}

// typeOf infers the type of an expression in the caller's scope (the
// idx-th value for a multi-value call).
func (r *resolver) typeOf(ci *callerInfo, x ast.Expr, idx, depth int) (typeRef, bool) {
	if depth > 8 {
		return typeRef{}, false
	}
	switch x := x.(type) {
	case *ast.ParenExpr:
		return r.typeOf(ci, x.X, idx, depth+1)
	case *ast.StarExpr:
		return r.typeOf(ci, x.X, idx, depth+1)
	case *ast.UnaryExpr:
		switch x.Op {
		case token.AND:
			return r.typeOf(ci, x.X, idx, depth+1)
		case token.ARROW: // <-ch
			if t, ok := r.typeOf(ci, x.X, 0, depth+1); ok && idx == 0 {
				return r.elemOf(t, rangeElem, depth+1)
			}
		}
	case *ast.IndexExpr: // s[i], m[k]
		if t, ok := r.typeOf(ci, x.X, 0, depth+1); ok && idx == 0 {
			return r.elemOf(t, rangeElem, depth+1)
		}
	case *ast.CompositeLit:
		if x.Type != nil {
			return typeRef{exprString(x.Type), ci.file}, true
		}
	case *ast.TypeAssertExpr:
		if x.Type != nil {
			return typeRef{exprString(x.Type), ci.file}, true
		}
	case *ast.FuncLit:
		return typeRef{exprString(x.Type), ci.file}, true
	case *ast.Ident:
		if b, ok := ci.lookup(x.Name); ok {
			if b.typ.expr != "" {
				return b.typ, true
			}
			if b.val != nil {
				saved := ci.pos
				ci.pos = b.pos
				if b.decl != nil {
					b.decl.busy = true
				}
				t, ok := r.typeOf(ci, b.val, b.idx, depth+1)
				if b.decl != nil {
					b.decl.busy = false
				}
				ci.pos = saved
				if ok && b.rng != rangeNone {
					return r.elemOf(t, b.rng, depth+1)
				}
				return t, ok
			}
			return typeRef{}, false
		}
		if v, ok := ci.pkg.variable(x.Name); ok {
			return r.pkgVarType(v, depth)
		}
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok {
			if _, local := ci.lookup(id.Name); !local {
				if ip, ok := ci.gf.imports[id.Name]; ok {
					if p := r.importedPackage(ip); p != nil {
						if v, ok := p.variable(x.Sel.Name); ok {
							return r.pkgVarType(v, depth)
						}
						return typeRef{}, false
					}
					return typeRef{}, false
				}
			}
		}
		t, ok := r.typeOf(ci, x.X, 0, depth+1)
		if !ok {
			return typeRef{}, false
		}
		return r.fieldOf(t, x.Sel.Name, 0)
	case *ast.CallExpr:
		return r.callResult(ci, x, idx, depth+1)
	}
	return typeRef{}, false
}

// callResult infers the idx-th result type of a call, a conversion, or the
// builtins new and make.
func (r *resolver) callResult(ci *callerInfo, call *ast.CallExpr, idx, depth int) (typeRef, bool) {
	if id, ok := call.Fun.(*ast.Ident); ok {
		if _, local := ci.lookup(id.Name); !local {
			switch {
			case (id.Name == "new" || id.Name == "make") && len(call.Args) > 0:
				return typeRef{exprString(call.Args[0]), ci.file}, true
			case ci.pkg.typ(id.Name) != nil:
				// conversion T(x); call targets drop their arguments
				// (LabelSet(m).Equal(o) is the target "LabelSet().Equal")
				return typeRef{id.Name, ci.file}, true
			}
		}
	}
	if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
		if id, ok := sel.X.(*ast.Ident); ok {
			if _, local := ci.lookup(id.Name); !local {
				if ip, ok := ci.gf.imports[id.Name]; ok {
					if p := r.importedPackage(ip); p != nil {
						if p.typ(sel.Sel.Name) != nil {
							return typeRef{id.Name + "." + sel.Sel.Name, ci.file}, true
						}
					}
				}
			}
		}
	}
	ids := r.callees(ci, call.Fun, depth)
	if len(ids) == 0 {
		// a variable of function type: f := func() *T {...}; f()
		if t, ok := r.typeOf(ci, call.Fun, 0, depth+1); ok && idx == 0 {
			if res, ok := strings.CutPrefix(t.expr, "func() "); ok {
				return typeRef{res, t.file}, true
			}
		}
		return typeRef{}, false
	}
	rs := r.results(ids[0])
	if idx < len(rs) {
		return rs[idx], true
	}
	return typeRef{}, false
}

// lookupType finds the package and type a type expression names.
func (r *resolver) lookupType(tr typeRef) (*goPackage, *goType) {
	qual, name := splitTypeExpr(tr.expr)
	if name == "" {
		return nil, nil
	}
	if r.ifaceDeps != nil {
		r.ifaceDeps.dirs[path.Dir(tr.file)] = true
	}
	gf, own := r.goFileOf(tr.file, qual == "")
	if gf == nil {
		return nil, nil
	}
	p := own
	if qual != "" {
		if ip, ok := gf.imports[qual]; ok {
			p = r.importedPackage(ip)
			if r.ifaceDeps != nil {
				if dir, ok := r.importDir(ip); ok {
					r.ifaceDeps.dirs[dir] = true
				} else {
					r.ifaceDeps.volatile = true
				}
			}
		}
	}
	if p == nil {
		return nil, nil
	}
	return p, p.typ(name)
}

// goFileOf returns a Go file's package clause and imports and, if pkg is
// set, the package it belongs to.
func (r *resolver) goFileOf(file string, pkg bool) (*goFile, *goPackage) {
	dir := path.Dir(file)
	if dp, loaded := r.dirs[dir]; loaded || r.preloaded != nil {
		dp = r.goDir(dir)
		gf := dp.files[file]
		if gf == nil || !pkg {
			return gf, nil
		}
		return gf, dp.byName[gf.pkg]
	}
	// A file of a package loaded lazily: read just its package clause and
	// imports.
	gf := r.lazyFile(file)
	if !pkg {
		return gf, nil
	}
	return gf, r.lazyPackage(dir, gf.pkg)
}

// externalType binds a type written as pkg.Name, where pkg is an import
// from outside the repository, to that library's external node.
func (r *resolver) externalType(expr, file string) (graph.NodeID, bool) {
	qual, name := splitTypeExpr(expr)
	if qual == "" || !isExported(name) {
		return 0, false
	}
	gf, _ := r.goFileOf(file, false)
	if gf == nil {
		return 0, false
	}
	ip, ok := gf.imports[qual]
	if !ok || ip == "C" {
		return 0, false
	}
	if _, inRepo := r.importDir(ip); inRepo {
		return 0, false
	}
	return r.external(lang.Go, ip, name), true
}

func (r *resolver) fieldOf(tr typeRef, field string, depth int) (typeRef, bool) {
	if depth > 4 {
		return typeRef{}, false
	}
	_, t := r.lookupType(tr)
	if t == nil {
		return typeRef{}, false
	}
	if f, ok := t.field(field); ok {
		return f, true
	}
	if t.under.expr != "" {
		return r.fieldOf(t.under, field, depth+1) // type A = B, type A B
	}
	for _, emb := range t.embeds() {
		if _, n := splitTypeExpr(emb.expr); n == field {
			return emb, true // the embedded field itself
		}
		if f, ok := r.fieldOf(emb, field, depth+1); ok {
			return f, true
		}
	}
	return typeRef{}, false
}

func (r *resolver) methodOf(tr typeRef, method string, depth int) []graph.NodeID {
	if depth > 4 {
		return nil
	}
	_, t := r.lookupType(tr)
	if t == nil {
		return nil
	}
	if ids := t.method(method); len(ids) > 0 {
		return ids
	}
	if t.alias {
		return r.methodOf(t.under, method, depth+1)
	}
	for _, emb := range t.embeds() {
		if ids := r.methodOf(emb, method, depth+1); len(ids) > 0 {
			return ids
		}
	}
	return nil
}

// pick turns candidates into a resolution: one is exact; several (build
// variants of one function, such as foo_linux.go and foo_windows.go) are
// narrowed to the caller's own file, then to files whose GOOS/GOARCH
// suffix is compatible with the caller's, and are ambiguous if several
// remain.
func (r *resolver) pick(from string, ids []graph.NodeID) ([]graph.NodeID, graph.Resolution) {
	switch len(ids) {
	case 0:
		return nil, graph.ResUnresolved
	case 1:
		return ids, graph.ResExact
	}
	var same, compatible []graph.NodeID
	fromTags := buildTags(from)
	for _, id := range ids {
		n, ok := r.node(id)
		if !ok {
			continue
		}
		if n.file == from {
			same = append(same, id)
		}
		if tagsCompatible(fromTags, buildTags(n.file)) {
			compatible = append(compatible, id)
		}
	}
	for _, set := range [][]graph.NodeID{same, compatible} {
		if len(set) == 1 {
			return set, graph.ResExact
		}
	}
	if len(compatible) > 1 {
		return compatible, graph.ResAmbiguous
	}
	return ids, graph.ResAmbiguous
}

var knownOS = map[string]bool{"aix": true, "android": true, "darwin": true, "dragonfly": true, "freebsd": true, "hurd": true, "illumos": true, "ios": true, "js": true, "linux": true, "nacl": true, "netbsd": true, "openbsd": true, "plan9": true, "solaris": true, "wasip1": true, "windows": true, "zos": true}
var knownArch = map[string]bool{"386": true, "amd64": true, "arm": true, "arm64": true, "loong64": true, "mips": true, "mipsle": true, "mips64": true, "mips64le": true, "ppc64": true, "ppc64le": true, "riscv64": true, "s390x": true, "wasm": true, "sparc64": true}

// buildTags returns the GOOS and GOARCH a file name restricts it to.
func buildTags(file string) (tags [2]string) {
	base := strings.TrimSuffix(path.Base(file), ".go")
	base = strings.TrimSuffix(base, "_test")
	parts := strings.Split(base, "_")
	if n := len(parts); n >= 2 {
		last := parts[n-1]
		if knownArch[last] {
			tags[1] = last
			if n >= 3 && knownOS[parts[n-2]] {
				tags[0] = parts[n-2]
			}
		} else if knownOS[last] {
			tags[0] = last
		}
	}
	return tags
}

func tagsCompatible(a, b [2]string) bool {
	for i := range a {
		if a[i] != "" && b[i] != "" && a[i] != b[i] {
			return false
		}
	}
	return true
}

// splitTypeExpr reduces a type expression to its qualifier and type name:
// "*store.Store" → ("store", "Store"), "Server[T]" → ("", "Server"). Types
// that have no methods of their own (maps, slices, funcs, channels) give "".
func splitTypeExpr(s string) (qual, name string) {
	s = strings.TrimSpace(s)
	for strings.HasPrefix(s, "*") || strings.HasPrefix(s, "(") {
		s = strings.TrimPrefix(strings.TrimPrefix(s, "*"), "(")
	}
	s = strings.TrimSuffix(s, ")")
	if strings.HasPrefix(s, "map[") {
		return "", ""
	}
	if i := strings.IndexByte(s, '['); i > 0 {
		s = s[:i]
	}
	if strings.ContainsAny(s, " []{}()*,") || s == "" {
		return "", ""
	}
	if q, n, ok := strings.Cut(s, "."); ok {
		return q, n
	}
	return "", s
}

func isExported(name string) bool { return name != "" && name[0] >= 'A' && name[0] <= 'Z' }

func isIdent(s string) bool { return parse.IsGoIdent(s) }

// fieldType extracts the type of field name from a field declaration's
// signature ("a, b int", "conn *Conn `json:\"c\"`").
func fieldType(sig, name string) string {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\ntype _ struct {\n"+sig+"\n}", parser.SkipObjectResolution)
	if err != nil {
		return ""
	}
	var out string
	ast.Inspect(f, func(n ast.Node) bool {
		if fld, ok := n.(*ast.Field); ok {
			for _, nm := range fld.Names {
				if nm.Name == name {
					out = exprString(fld.Type)
				}
			}
		}
		return out == ""
	})
	return out
}

// typeDef parses a type declaration's signature ("nodes []*node",
// "A = B") into the type it defines a name for.
func typeDef(sig string) (string, bool) {
	if sig == "" || strings.HasSuffix(sig, "…") {
		return "", false
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\ntype "+sig, parser.SkipObjectResolution)
	if err != nil || len(f.Decls) == 0 {
		return "", false
	}
	gd, ok := f.Decls[0].(*ast.GenDecl)
	if !ok || len(gd.Specs) == 0 {
		return "", false
	}
	ts, ok := gd.Specs[0].(*ast.TypeSpec)
	if !ok {
		return "", false
	}
	e := exprString(ts.Type)
	if e == "?" {
		return "", false
	}
	return e, ts.Assign.IsValid()
}

// varType extracts the type of a package-level variable from its spec
// ("x T", "x = &T{...}", "x = T{...}").
func varType(sig, name string) string {
	if _, rest, ok := strings.Cut(sig, " = sync.OnceValue(func() "); ok && strings.HasPrefix(sig, name+" ") {
		// var engine = sync.OnceValue(func() *T {...}): a func() *T
		// (signatures stop before a body's brace)
		if res, _, _ := strings.Cut(rest, "{"); strings.TrimSpace(res) != "" && !strings.ContainsAny(res, "(){}") {
			return "func() " + strings.TrimSpace(res)
		}
	}
	if strings.HasSuffix(sig, "…") {
		return ""
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nvar "+sig, parser.SkipObjectResolution)
	if err != nil || len(f.Decls) == 0 {
		return ""
	}
	gd, ok := f.Decls[0].(*ast.GenDecl)
	if !ok || len(gd.Specs) == 0 {
		return ""
	}
	vs := gd.Specs[0].(*ast.ValueSpec)
	if vs.Type != nil {
		return exprString(vs.Type)
	}
	for i, nm := range vs.Names {
		if nm.Name != name || i >= len(vs.Values) {
			continue
		}
		v := vs.Values[i]
		if u, ok := v.(*ast.UnaryExpr); ok && u.Op == token.AND {
			v = u.X
		}
		if cl, ok := v.(*ast.CompositeLit); ok && cl.Type != nil {
			return exprString(cl.Type)
		}
		if _, lit := v.(*ast.BasicLit); !lit && len(vs.Names) == 1 {
			// var std = New(), var DefaultServeMux = &defaultServeMux:
			// typed from the initialiser when used (see pkgVarType).
			if e := sig[strings.Index(sig, "=")+1:]; len(e) <= 200 {
				return "=" + strings.TrimSpace(e)
			}
		}
	}
	return ""
}

// pkgVarType returns the type of a package-level variable: as declared,
// or (written "=init") the type of its initialiser, read in its file's
// scope.
func (r *resolver) pkgVarType(v typeRef, depth int) (typeRef, bool) {
	init, ok := strings.CutPrefix(v.expr, "=")
	if !ok {
		return v, true
	}
	x, err := parser.ParseExpr(init)
	if err != nil || depth > 8 {
		return typeRef{}, false
	}
	gf, p := r.goFileOf(v.file, true)
	if gf == nil || p == nil {
		return typeRef{}, false
	}
	ci := &callerInfo{file: v.file, pkg: p, gf: gf, vars: map[string]binding{}}
	return r.typeOf(ci, x, 0, depth+1)
}

// importName is the name a file knows an import by: its alias, else the
// package clause of the imported package when it is in the repository,
// else the name extraction assumed from the path.
func (r *resolver) importName(n graph.Node) string {
	if n.Signature != "" || n.Name == "_" || n.Name == "." {
		return n.Name
	}
	dir, ok := r.importDir(n.QualifiedName)
	if !ok {
		return n.Name
	}
	if name, ok := r.dirPkgName[dir]; ok {
		if name == "" {
			return n.Name
		}
		return name
	}
	name := ""
	for _, m := range r.byDir[dir] { // path order
		if m.Language != lang.Go || strings.HasSuffix(m.Path, "_test.go") {
			continue
		}
		if pkg := r.pkgClause(m.Path); pkg != "main" {
			name = pkg
		}
		if name != "" {
			break
		}
	}
	r.dirPkgName[dir] = name
	if name == "" {
		return n.Name
	}
	return name
}

// pkgClause returns a Go file's package name (its first package node's):
// from its nodes when they are read, else from its file index entries.
func (r *resolver) pkgClause(file string) string {
	var nodes []graph.Node
	if ns, ok := r.preloaded[file]; ok {
		nodes = ns
	} else if ff, ok := r.fileFacts[file]; ok {
		nodes = ff.nodes
	} else {
		name := ""
		r.st.FileEntries([]string{file}, func(_ int, e store.FileEntry) error {
			if e.Kind == graph.KindPackage && name == "" {
				name = e.Name
			}
			return nil
		})
		return name
	}
	for _, n := range nodes {
		if n.Kind == graph.KindPackage {
			return n.Name
		}
	}
	return ""
}

func exprString(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.StarExpr:
		return "*" + exprString(x.X)
	case *ast.SelectorExpr:
		return exprString(x.X) + "." + x.Sel.Name
	case *ast.IndexExpr:
		return exprString(x.X) + "[_]"
	case *ast.IndexListExpr:
		return exprString(x.X) + "[_]"
	case *ast.ParenExpr:
		return exprString(x.X)
	case *ast.ArrayType: // kept for the element type of range, index and receive
		return "[]" + exprString(x.Elt)
	case *ast.MapType:
		return "map[" + exprString(x.Key) + "]" + exprString(x.Value)
	case *ast.ChanType:
		return "chan " + exprString(x.Value)
	case *ast.Ellipsis:
		return "[]" + exprString(x.Elt)
	case *ast.FuncType: // kept for calls of function values: its one result
		if x.Results != nil && len(x.Results.List) == 1 && len(x.Results.List[0].Names) <= 1 {
			return "func() " + exprString(x.Results.List[0].Type)
		}
	}
	return "?" // func, struct, interface: no named methods
}

// elemOf returns the key or element type of a slice, array, map or
// channel type (or of a named type defined as one).
func (r *resolver) elemOf(t typeRef, part rangePart, depth int) (typeRef, bool) {
	e := strings.TrimSpace(t.expr)
	for range 4 {
		if !strings.HasPrefix(e, "[") && !strings.HasPrefix(e, "map[") && !strings.HasPrefix(e, "chan ") && !strings.HasPrefix(e, "*[") {
			// a named type: its definition
			_, gt := r.lookupType(typeRef{e, t.file})
			if gt == nil || gt.under.expr == "" {
				return typeRef{}, false
			}
			t = gt.under
			e = strings.TrimSpace(t.expr)
			continue
		}
		break
	}
	e = strings.TrimPrefix(e, "*") // range over *[N]T
	switch {
	case strings.HasPrefix(e, "map["):
		end := matchBracket(e, 3)
		if end < 0 {
			return typeRef{}, false
		}
		if part == rangeKey {
			return typeRef{e[4:end], t.file}, true
		}
		return typeRef{e[end+1:], t.file}, true
	case strings.HasPrefix(e, "["):
		end := matchBracket(e, 0)
		if end < 0 || part == rangeKey {
			return typeRef{}, false // the key of a slice is an int
		}
		return typeRef{e[end+1:], t.file}, true
	case strings.HasPrefix(e, "chan "): // for v := range ch: v (the "key") is the element
		return typeRef{strings.TrimSpace(e[len("chan "):]), t.file}, true
	}
	return typeRef{}, false
}

// matchBracket returns the index of the ] closing the [ at open.
func matchBracket(s string, open int) int {
	n := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '[':
			n++
		case ']':
			n--
			if n == 0 {
				return i
			}
		}
	}
	return -1
}

// resolveGoImport binds an import path to the package it names: the
// package clause node of the package's first file (a package has no node
// of its own), or the library's package node outside the repository.
func (r *resolver) resolveGoImport(ip string) ([]graph.NodeID, graph.Resolution) {
	if ip == "C" {
		return nil, graph.ResUnresolved
	}
	dir, ok := r.importDir(ip)
	if !ok {
		return []graph.NodeID{r.externalPackage(lang.Go, ip)}, graph.ResExternal
	}
	if id, ok := r.pkgNode[dir]; ok {
		return []graph.NodeID{id}, graph.ResExact
	}
	var id graph.NodeID
	for _, m := range r.byDir[dir] { // path order
		if m.Language != lang.Go || strings.HasSuffix(m.Path, "_test.go") {
			continue
		}
		pkgs, loaded := r.pkgClauses[m.Path]
		if !loaded {
			for _, n := range r.fileNodes(m.Path) {
				if n.Kind == graph.KindPackage {
					pkgs = append(pkgs, pkgClause{n.ID, n.Name})
				}
			}
		}
		for _, pc := range pkgs {
			if pc.name != "main" || len(r.byDir[dir]) == 1 {
				id = pc.id
				break
			}
		}
		if id != 0 {
			break
		}
	}
	r.pkgNode[dir] = id
	if id == 0 {
		return nil, graph.ResUnresolved
	}
	return []graph.NodeID{id}, graph.ResExact
}

// fileNodes returns a file's nodes (from the preloaded set or the store).
func (r *resolver) fileNodes(file string) []graph.Node {
	if r.preloaded != nil {
		if ns, ok := r.preloaded[file]; ok {
			return ns
		}
	}
	return r.facts(file).nodes
}
