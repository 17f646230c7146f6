package resolve

import (
	"encoding/json"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
)

// Resolution for C#, Ruby, PHP, Kotlin and Swift. Extraction writes their
// names dotted (namespaces, packages and modules prefix qualified names,
// callees are normalised: $this->repo->save is this.repo.save,
// Models::Order.find is Models.Order.find, a?.b!!.c is a.b.c), so one
// binder serves the five:
//
//   - a type name is looked up by qualified name in the scopes the file
//     opens (its namespaces, packages and modules and their parents, C#
//     using namespaces, Kotlin imports, PHP use imports and aliases), then,
//     when the repository defines exactly one type of that simple name,
//     that one; a name that no type of the repository has is a library's
//     (external); Swift names no module in its source, so a Swift type
//     name is looked up in the file's enclosing types, then among the
//     types of that name, those of the file's own module (its target in
//     Package.swift: swift.go) first, then those of the modules it imports;
//   - an unqualified call is a member of the enclosing class (C#, Ruby,
//     Kotlin, Swift; Swift extensions in other files included), then a
//     function of the file's scopes (a Kotlin package: its other files
//     need no import), then of the repository when it has only one of
//     that name; PHP, Ruby, Kotlin and Swift calls to functions that the
//     repository does not define are library functions (external);
//   - x.m() binds through the type of x: this/self (the enclosing class),
//     super/base/parent (its bases), parameters and locals with a declared
//     type or a constructing initialiser (new T(...), T.new), fields
//     (typed declarations, promoted constructor parameters), a type name
//     (static and class methods; T.new is T's constructor);
//   - imports bind to files: PHP through Composer PSR-4 autoload prefixes
//     (composer.json), Ruby require_relative to the file beside, require
//     to a file under lib/ (or the root), a Kotlin import of a class to its
//     file; an import of a namespace, package or Swift module of the
//     repository binds to no one file; anything else is a library's.

// ooIndex holds the types and callables of one language by simple name.
type ooIndex struct {
	types map[string][]graph.NodeID // simple name → types
	qn    map[string][]graph.NodeID // qualified name → types, and top-level or namespace functions
	funcs map[string][]graph.NodeID // simple name → top-level or namespace functions
	meths map[string]bool           // method names defined anywhere
	psr4  []psr4Prefix              // PHP: composer autoload prefixes
	// members holds Swift's callables by qualified name: an extension in
	// another file adds members to a type (Session.request).
	members map[string][]graph.NodeID
	// modules are Swift's: the target of each file (swift.go).
	modules *swiftModules
}

type psr4Prefix struct {
	ns  string // dotted namespace prefix: "App" (App\)
	dir string // repository-relative directory
}

func (r *resolver) ooIdx(language string) *ooIndex {
	if r.ooIndexes == nil {
		r.ooIndexes = map[string]*ooIndex{}
	}
	if x, ok := r.ooIndexes[language]; ok {
		return x
	}
	x := &ooIndex{types: map[string][]graph.NodeID{}, qn: map[string][]graph.NodeID{}, funcs: map[string][]graph.NodeID{}, meths: map[string]bool{},
		members: map[string][]graph.NodeID{}}
	r.ooIndexes[language] = x
	files := make([]string, 0, 64)
	for f, l := range r.langOf {
		if l == language {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	for _, f := range files {
		ff := r.facts(f)
		for i := range ff.nodes {
			n := &ff.nodes[i]
			switch {
			case n.Kind.IsType() || n.Kind == graph.KindModule:
				x.types[n.Name] = append(x.types[n.Name], n.ID)
				x.qn[n.QualifiedName] = append(x.qn[n.QualifiedName], n.ID)
			case n.Kind == graph.KindFunction:
				if p := ff.byID[n.Parent]; p == nil || p.Kind == graph.KindFile || p.Kind == graph.KindNamespace || p.Kind == graph.KindModule || p.Kind == graph.KindPackage {
					x.funcs[n.Name] = append(x.funcs[n.Name], n.ID)
					x.qn[n.QualifiedName] = append(x.qn[n.QualifiedName], n.ID)
				}
				x.meths[n.Name] = true
			case n.Kind.IsCallable():
				x.meths[n.Name] = true
				if language == lang.Swift {
					x.members[n.QualifiedName] = append(x.members[n.QualifiedName], n.ID)
				}
			}
		}
	}
	switch language {
	case lang.PHP:
		x.psr4 = r.composerPSR4()
	case lang.Swift:
		x.modules = r.swiftPackages(files)
	}
	return x
}

// composerPSR4 reads the autoload and autoload-dev psr-4 maps of the
// composer.json files of the repository (the root's and those of
// directories holding PHP files).
func (r *resolver) composerPSR4() []psr4Prefix {
	var out []psr4Prefix
	seen := map[string]bool{}
	for d := range r.byDir {
		for dir := d; ; dir = path.Dir(dir) {
			if seen[dir] {
				break
			}
			seen[dir] = true
			if r.root != "" {
				if b, err := r.readInput(path.Join(dir, "composer.json")); err == nil {
					out = append(out, parsePSR4(dir, b)...)
				}
			}
			if dir == "." || dir == "/" {
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i].ns) > len(out[j].ns) })
	return out
}

// parsePSR4 reads the psr-4 prefixes of one composer.json in dir.
func parsePSR4(dir string, b []byte) []psr4Prefix {
	var c struct {
		Autoload struct {
			PSR4 map[string]any `json:"psr-4"`
		} `json:"autoload"`
		AutoloadDev struct {
			PSR4 map[string]any `json:"psr-4"`
		} `json:"autoload-dev"`
	}
	if json.Unmarshal(b, &c) != nil {
		return nil
	}
	var out []psr4Prefix
	for _, m := range []map[string]any{c.Autoload.PSR4, c.AutoloadDev.PSR4} {
		for ns, v := range m {
			var dirs []string
			switch t := v.(type) {
			case string:
				dirs = []string{t}
			case []any:
				for _, s := range t {
					if s, ok := s.(string); ok {
						dirs = append(dirs, s)
					}
				}
			}
			for _, d := range dirs {
				out = append(out, psr4Prefix{ns: strings.Trim(strings.ReplaceAll(ns, `\`, "."), "."), dir: path.Join(dir, d)})
			}
		}
	}
	return out
}

// psr4File maps a dotted PHP class name to the file PSR-4 puts it in, when
// that file is indexed; local reports whether a prefix claims the name.
func (r *resolver) psr4File(x *ooIndex, qn string) (file string, local bool) {
	for _, p := range x.psr4 {
		rest, ok := strings.CutPrefix(qn, p.ns+".")
		if p.ns == "" {
			rest, ok = qn, true
		}
		if !ok {
			continue
		}
		f := path.Join(p.dir, strings.ReplaceAll(rest, ".", "/")) + ".php"
		if _, ok := r.langOf[f]; ok {
			return f, true
		}
		if p.ns != "" {
			local = true
		}
	}
	return "", local
}

// ooScopes returns the qualified-name prefixes a simple name is looked up
// in from file, innermost first: the file's namespaces, modules and
// classes and their parents, then the namespaces it imports wholesale
// (C# using), then the global scope "".
func (r *resolver) ooScopes(ff *fileFacts) []string {
	if s, ok := r.ooScopeCache[ff.file]; ok {
		return s
	}
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for i := len(ff.nodes) - 1; i >= 0; i-- {
		n := &ff.nodes[i]
		if n.Kind == graph.KindNamespace || n.Kind == graph.KindModule || n.Kind == graph.KindPackage || n.Kind.IsType() {
			for q := n.QualifiedName; q != ""; {
				add(q)
				j := strings.LastIndexByte(q, '.')
				if j < 0 {
					break
				}
				q = q[:j]
			}
		}
	}
	for _, st := range ff.stars {
		add(st.module)
	}
	add("")
	if r.ooScopeCache == nil {
		r.ooScopeCache = map[string][]string{}
	}
	r.ooScopeCache[ff.file] = out
	return out
}

// ooTypeName finds the type a (possibly dotted) name means in file.
func (r *resolver) ooTypeName(file, name string) typeRes {
	language := r.langOf[file]
	x := r.ooIdx(language)
	ff := r.facts(file)
	name = strings.TrimPrefix(name, ".")
	if name == "" {
		return typeRes{}
	}
	if language == lang.Swift {
		return r.swiftTypeName(x, ff, name)
	}
	one := func(ids []graph.NodeID) (typeRes, bool) {
		var out *graph.Node
		for _, id := range ids {
			n := r.nodeByID(id)
			if n == nil || !(n.Kind.IsType() || n.Kind == graph.KindModule) {
				continue
			}
			if out != nil && out.QualifiedName != n.QualifiedName {
				return typeRes{}, false // two types of that name
			}
			if out == nil || n.Kind == graph.KindClass && out.Kind == graph.KindModule {
				out = n // partial classes, reopened Ruby classes: the first
			}
		}
		return typeRes{node: out}, out != nil
	}
	head, rest, dotted := strings.Cut(name, ".")
	// An import or alias: use App\Models\Order (as O); using O = A.B.Order.
	if imp, ok := ff.imports[head]; ok && imp.name != "" || ok && language == lang.CSharp {
		full := imp.module
		if imp.name != "" {
			full += "." + imp.name
		}
		if dotted {
			full += "." + rest
		}
		if t, ok := one(x.qn[full]); ok {
			return t
		}
		if _, local := r.psr4File(x, full); local {
			return typeRes{}
		}
		mod := imp.module
		if mod == "" {
			mod = full
		}
		return typeRes{extModule: mod, extSym: strings.TrimPrefix(full, mod+".")}
	}
	for _, s := range r.ooScopes(ff) {
		q := name
		if s != "" {
			q = s + "." + name
		}
		if t, ok := one(x.qn[q]); ok {
			return t
		}
	}
	if !dotted || language != lang.PHP {
		last := name[strings.LastIndexByte(name, '.')+1:]
		if ids := x.types[last]; len(ids) > 0 {
			var match []graph.NodeID
			for _, id := range ids {
				if n := r.nodeByID(id); n != nil && (n.QualifiedName == name || strings.HasSuffix(n.QualifiedName, "."+name)) {
					match = append(match, id)
				}
			}
			if t, ok := one(match); ok {
				return t
			}
			return typeRes{} // the repository has that name: ambiguous or out of scope
		}
	}
	if !isUpper(name) {
		return typeRes{}
	}
	// No type of the repository has that name: a library's.
	mod := "global"
	if language == lang.Kotlin {
		mod = "kotlin"
	}
	if language == lang.CSharp || language == lang.Kotlin {
		for _, st := range ff.stars {
			if len(x.qn[st.module]) == 0 && !r.ooNamespace(x, st.module) {
				mod = st.module // the first using of a namespace the repository does not declare
				break
			}
		}
	}
	return typeRes{extModule: mod, extSym: name}
}

// ooNamespace reports whether a namespace is declared in the repository.
func (r *resolver) ooNamespace(x *ooIndex, ns string) bool {
	for q := range x.qn {
		if strings.HasPrefix(q, ns+".") {
			return true
		}
	}
	return false
}

func isUpper(s string) bool { return s != "" && s[0] >= 'A' && s[0] <= 'Z' }

// ooIdent reports whether s is a name part: an identifier, with Ruby's
// trailing ? or !.
func ooIdent(s string) bool {
	return isIdent(strings.TrimRight(s, "?!="))
}

// resolveOO binds one edge of a C#, Ruby or PHP file.
func (r *resolver) resolveOO(e *graph.Edge) ([]graph.NodeID, graph.Resolution) {
	ff := r.facts(e.File)
	language := r.langOf[e.File]
	x := r.ooIdx(language)
	if e.Kind == graph.EdgeImports {
		return r.ooImport(ff, e)
	}
	target := strings.TrimPrefix(e.Target, "new ")
	if (language == lang.Kotlin || language == lang.Swift) && e.Kind == graph.EdgeCalls && strings.Contains(target, "().") {
		return r.ooChain(e, target)
	}
	parts := strings.Split(target, ".")
	for _, p := range parts {
		if !ooIdent(p) {
			return nil, graph.ResUnresolved
		}
	}
	if e.Kind != graph.EdgeCalls {
		t := r.ooTypeName(e.File, target)
		return r.typeTarget(language, t)
	}
	head, last := parts[0], parts[len(parts)-1]
	if len(parts) == 1 {
		if head == "super" && language == lang.Kotlin {
			return r.ooSuperNew(ff, e.Src) // : super(...)
		}
		if head == "super" {
			return r.resolveSuper(ff, e.Src, r.ooConstructorName(language, r.ownerType(ff, e.Src)))
		}
		if language == lang.Kotlin && head == "this" {
			// : this(...) in a secondary constructor calls another
			// constructor, most often the primary one: the class.
			if t := r.ownerType(ff, e.Src); t != nil {
				return []graph.NodeID{t.ID}, graph.ResExact
			}
		}
		if language == lang.Ruby && head == "new" { // new(...) in a class method
			if t := r.ownerType(ff, e.Src); t != nil {
				return r.ooNew(language, typeRes{node: t})
			}
		}
		if language != lang.PHP {
			if ids := r.memberOfEnclosing(ff, e.Src, head); len(ids) > 0 {
				return r.pickGeneric(ids)
			}
		}
		if isUpper(head) || language != lang.Ruby {
			// new Order(...): the constructor, else the class.
			if t := r.ooTypeName(e.File, head); t.node != nil {
				return r.ooNew(language, t)
			} else if t.extSym != "" {
				return []graph.NodeID{r.external(language, t.extModule, t.extSym)}, graph.ResExternal
			}
		}
		if imp, ok := ff.imports[head]; ok && imp.name != "" { // use function A\f
			if ids := x.qn[imp.module+"."+imp.name]; len(ids) > 0 {
				return r.pickGeneric(ids)
			}
		}
		if ids := r.ooFunction(ff, x, head); len(ids) > 0 {
			return r.pickGeneric(ids)
		}
		if ktSwiftLibraryFunctions()[language][head] && len(x.funcs[head]) == 0 {
			// require(...), listOf(...), print(...): not a member of the
			// enclosing class nor a function of the repository.
			return []graph.NodeID{r.external(language, map[string]string{lang.Kotlin: "kotlin", lang.Swift: "Swift"}[language], head)}, graph.ResExternal
		}
		if language != lang.CSharp && !x.meths[head] && len(x.funcs[head]) == 0 && len(x.types[head]) == 0 {
			mod := "builtins"
			switch language {
			case lang.Ruby:
				mod = "Kernel"
			case lang.Kotlin:
				mod = "kotlin"
			case lang.Swift:
				mod = "Swift"
			}
			return []graph.NodeID{r.external(language, mod, head)}, graph.ResExternal
		}
		return nil, graph.ResUnresolved
	}
	switch {
	case head == "super" && len(parts) == 2 && language == lang.Swift && last == "init":
		return r.ooSuperNew(ff, e.Src)
	case head == "super" && len(parts) == 2:
		return r.resolveSuper(ff, e.Src, last)
	case (head == "this" || head == "self") && len(parts) == 2:
		if ids := r.memberOfEnclosing(ff, e.Src, last); len(ids) > 0 {
			return r.pickGeneric(ids)
		}
		if t := r.ownerType(ff, e.Src); t != nil {
			if ids, res := r.classMethod(language, typeRes{node: t}, last); res == graph.ResExternal {
				return ids, res // a method of a library base class
			}
		}
		return nil, graph.ResUnresolved
	}
	if ids, res, ok := r.resolveTyped(ff, e.Src, parts); ok {
		return ids, res
	}
	if t, ok := r.ooFieldReceiver(ff, e.Src, head); ok {
		return r.ooMember(language, t, parts[1:])
	}
	// A type: Helpers.Audit(), Order::find(), Order.new, Models.Order.find.
	for i := len(parts) - 1; i >= 1; i-- {
		t := r.ooTypeName(e.File, strings.Join(parts[:i], "."))
		if t.node == nil && t.extSym == "" {
			continue
		}
		return r.ooMember(language, t, parts[i:])
	}
	return r.inferMethod(ff, e.Src, parts)
}

// maxCallChain bounds the calls of one call chain that are followed.
const maxCallChain = 8

// ooChain binds a call on the result of a call (Kotlin and Swift builders
// and fluent APIs: Moshi.Builder().add(x).build(), repo.find(id)?.total()):
// the inner call is bound first, its result typed (a constructor or type:
// that type; a callable: its declared result type; a library's: a
// library value), then the rest on that type.
func (r *resolver) ooChain(e *graph.Edge, target string) ([]graph.NodeID, graph.Resolution) {
	if strings.Count(target, "().") > maxCallChain {
		return nil, graph.ResUnresolved
	}
	i := strings.LastIndex(target, "().")
	inner := *e
	inner.Target = target[:i]
	rest := strings.Split(target[i+3:], ".")
	for _, p := range rest {
		if !ooIdent(p) {
			return nil, graph.ResUnresolved
		}
	}
	ids, res := r.resolveOO(&inner)
	language := r.langOf[e.File]
	t, ok := r.ooResultType(language, ids, res)
	if !ok || t.node == nil && r.ooIdx(language).meths[rest[len(rest)-1]] {
		// A library's value whose method the repository also defines: a
		// library function may return a repository type (listOf(o).first()).
		return nil, graph.ResUnresolved
	}
	return r.ooMember(language, t, rest)
}

// ooResultType types the value a bound call returns.
func (r *resolver) ooResultType(language string, ids []graph.NodeID, res graph.Resolution) (typeRes, bool) {
	if len(ids) == 0 {
		return typeRes{}, false
	}
	if res == graph.ResExternal {
		for _, ep := range r.exts { // (external nodes are stored once resolution ends)
			if n, ok := ep.nodes[ids[0]]; ok && n.Kind == graph.KindExternal {
				return typeRes{extModule: strings.TrimPrefix(n.File, externalFile(language, "")), extSym: n.Name}, true
			}
		}
		return typeRes{}, false
	}
	var out typeRes
	for k, id := range ids {
		n := r.nodeByID(id)
		if n == nil {
			return typeRes{}, false
		}
		var t typeRes
		switch {
		case n.Kind.IsType():
			t = typeRes{node: n}
		case n.Kind == graph.KindConstructor:
			ff := r.facts(n.File)
			if p := enclosingType(ff, n.Parent); p != nil {
				t = typeRes{node: p}
			}
		case n.Kind.IsCallable():
			rt := resultType(language, n)
			if rt == "" {
				return typeRes{}, false
			}
			ff := r.facts(n.File)
			t, _ = r.bindingType(n.File, r.ownerType(ff, n.ID), varBinding{typ: rt})
		}
		if t.node == nil && t.extSym == "" {
			return typeRes{}, false
		}
		if k > 0 && (t.node != out.node || t.extSym != out.extSym) {
			return typeRes{}, false // overloads returning different types
		}
		out = t
	}
	return out, true
}

// ooMember binds the member chain rest (fields, then a method) on t.
func (r *resolver) ooMember(language string, t typeRes, rest []string) ([]graph.NodeID, graph.Resolution) {
	for _, f := range rest[:len(rest)-1] {
		if t.node == nil {
			return nil, graph.ResUnresolved
		}
		var ok bool
		if t, ok = r.fieldType(t.node, f); !ok {
			return nil, graph.ResUnresolved
		}
	}
	name := rest[len(rest)-1]
	if t.node == nil {
		if t.extSym == "" {
			return nil, graph.ResUnresolved
		}
		return []graph.NodeID{r.external(language, t.extModule, t.extSym+"."+name)}, graph.ResExternal
	}
	if language == lang.Ruby && name == "new" {
		return r.ooNew(language, t)
	}
	return r.classMethod(language, t, name)
}

// ooNew binds a construction of t: its constructor, else the type.
func (r *resolver) ooNew(language string, t typeRes) ([]graph.NodeID, graph.Resolution) {
	if t.node == nil {
		return r.typeTarget(language, t)
	}
	if ids, res := r.classMethod(language, t, r.ooConstructorName(language, t.node)); len(ids) > 0 && res != graph.ResExternal {
		return ids, res
	}
	return []graph.NodeID{t.node.ID}, graph.ResExact
}

// ooSuperNew binds a call of the superclass's constructor (Kotlin
// super(...), Swift super.init(...)): its constructor, else the class
// (Kotlin's primary constructor, Swift's implicit initialiser), else a
// library class's.
func (r *resolver) ooSuperNew(ff *fileFacts, caller graph.NodeID) ([]graph.NodeID, graph.Resolution) {
	t := r.ownerType(ff, caller)
	if t == nil {
		return nil, graph.ResUnresolved
	}
	language := r.langOf[ff.file]
	for _, b := range r.basesOf(t) {
		switch {
		case b.node != nil && b.node.Kind == graph.KindClass:
			return r.ooNew(language, b)
		case b.node == nil && b.extSym != "":
			return []graph.NodeID{r.external(language, b.extModule, b.extSym+"."+r.ooConstructorName(language, nil))}, graph.ResExternal
		}
	}
	return nil, graph.ResUnresolved
}

// ooConstructorName is the name of the constructors of type t.
func (r *resolver) ooConstructorName(language string, t *graph.Node) string {
	switch language {
	case lang.Ruby:
		return "initialize"
	case lang.PHP:
		return "__construct"
	case lang.Kotlin:
		return "constructor"
	case lang.Swift:
		return "init"
	}
	if t == nil {
		return ""
	}
	return t.Name
}

// typeTarget binds a type reference.
func (r *resolver) typeTarget(language string, t typeRes) ([]graph.NodeID, graph.Resolution) {
	switch {
	case t.node != nil:
		return []graph.NodeID{t.node.ID}, graph.ResExact
	case t.extSym != "":
		return []graph.NodeID{r.external(language, t.extModule, t.extSym)}, graph.ResExternal
	}
	return nil, graph.ResUnresolved
}

// ooFieldReceiver types a bare field name used as a receiver (C# _repo.Save()).
func (r *resolver) ooFieldReceiver(ff *fileFacts, caller graph.NodeID, head string) (typeRes, bool) {
	t := r.ownerType(ff, caller)
	if t == nil {
		return typeRes{}, false
	}
	return r.fieldType(t, head)
}

// ooFunction finds a function named name in the file's scopes, else the
// repository's only function of that name.
func (r *resolver) ooFunction(ff *fileFacts, x *ooIndex, name string) []graph.NodeID {
	if ids := withoutScopes(ff, ff.top[name]); len(ids) > 0 {
		return ids
	}
	for _, s := range r.ooScopes(ff) {
		var out []graph.NodeID
		for _, id := range x.funcs[name] {
			if n := r.nodeByID(id); n != nil && n.QualifiedName == strings.TrimPrefix(s+"."+name, ".") {
				out = append(out, id)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	if ids := x.funcs[name]; len(ids) == 1 {
		return ids
	}
	return nil
}

// ooImport binds an import edge to the file it loads, or to a library.
func (r *resolver) ooImport(ff *fileFacts, e *graph.Edge) ([]graph.NodeID, graph.Resolution) {
	language := r.langOf[e.File]
	fileNode := func(f string) []graph.NodeID { return []graph.NodeID{graph.MakeNodeID(f, f, graph.KindFile, 0)} }
	switch language {
	case lang.Ruby:
		if f := r.rubyRequire(e.File, e.Target); f != "" {
			return fileNode(f), graph.ResExact
		}
		if strings.HasPrefix(e.Target, ".") {
			return nil, graph.ResUnresolved
		}
		return []graph.NodeID{r.externalPackage(language, e.Target)}, graph.ResExternal
	case lang.PHP:
		x := r.ooIdx(language)
		local := false
		for i := range ff.nodes { // the classes the use statement on this line names
			n := &ff.nodes[i]
			if n.Kind != graph.KindImport || n.StartLine != e.Line {
				continue
			}
			f, l := r.psr4File(x, n.QualifiedName)
			if f != "" {
				return fileNode(f), graph.ResExact
			}
			if ids := x.qn[n.QualifiedName]; len(ids) > 0 {
				if t := r.nodeByID(ids[0]); t != nil {
					return fileNode(t.File), graph.ResExact
				}
			}
			local = local || l
		}
		if local {
			return nil, graph.ResUnresolved
		}
	case lang.CSharp:
		if r.ooNamespace(r.ooIdx(language), e.Target) || len(r.ooIdx(language).qn[e.Target]) > 0 {
			return nil, graph.ResUnresolved // a namespace of the repository: no one file
		}
	case lang.Kotlin:
		x := r.ooIdx(language)
		target := strings.TrimSuffix(e.Target, ".*")
		if ids := x.qn[target]; len(ids) > 0 { // import a.b.Order, import a.b.helper
			if n := r.nodeByID(ids[0]); n != nil {
				return fileNode(n.File), graph.ResExact
			}
		}
		if r.ooNamespace(x, target) {
			return nil, graph.ResUnresolved // a package of the repository (or a member of one of its classes)
		}
	case lang.Swift:
		if r.ooIdx(language).modules.has(e.Target) {
			return nil, graph.ResUnresolved // a module of the repository: no one file
		}
	}
	return []graph.NodeID{r.externalPackage(language, e.Target)}, graph.ResExternal
}

// rubyRequire maps a require path to an indexed file: ./x beside the
// requiring file, else x under lib/ or the root (of the file's gem: the
// nearest lib/ above it).
func (r *resolver) rubyRequire(from, target string) string {
	t := strings.TrimSuffix(target, ".rb") + ".rb"
	var cands []string
	if strings.HasPrefix(target, ".") {
		cands = append(cands, path.Join(path.Dir(from), t))
	} else {
		for d := path.Dir(from); ; d = path.Dir(d) {
			if path.Base(d) == "lib" {
				cands = append(cands, path.Join(d, t))
			}
			if d == "." || d == "/" {
				break
			}
		}
		cands = append(cands, path.Join("lib", t), t)
	}
	for _, c := range cands {
		if _, ok := r.langOf[c]; ok {
			return c
		}
	}
	return ""
}

// ooDeclText prepares a C# or PHP declaration for the Java rules: no $
// or nullable ?, no C# or PHP modifiers, no property accessors.
func ooDeclText(language, d string) string {
	if i := strings.IndexByte(d, '{'); i > 0 && language == lang.CSharp {
		d = d[:i] // string Name { get; set; }
	}
	if language == lang.PHP {
		d = strings.ReplaceAll(d, "$", "")
		d = strings.ReplaceAll(d, "?", "")
	}
	d = strings.TrimSuffix(strings.TrimSpace(d), ";")
	return stripModifiers(d, "readonly", "this", "ref", "out", "in", "params", "internal", "static", "const",
		"virtual", "override", "abstract", "sealed", "new", "required", "volatile", "unsafe", "extern", "async",
		"public", "private", "protected", "final")
}

// ooLibraryMethods are method names of Ruby's and PHP's core and common
// library types (Object, Kernel, String, Array, Hash, Enumerable, IO, Rack
// and PSR-7 messages, Guzzle clients, Laravel collections): a call of one
// of them on a receiver of unknown type is not inferred (infer.go).
var ooLibraryMethods = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`to_s to_h to_a to_i to_f to_sym to_str to_proc inspect each each_with_index each_pair
	map collect select reject detect find find_all inject reduce sum min max sort sort_by group_by partition zip flatten
	compact uniq first last take drop include? key? has_key? empty? any? all? none? nil? is_a? kind_of? respond_to?
	send public_send call new dup clone freeze frozen? merge merge! update fetch store delete delete_if keys values
	size length count push pop shift unshift concat join split strip chomp gsub sub match scan start_with? end_with?
	upcase downcase capitalize read write close open puts print each_line lines bytes chars encode force_encoding
	instance_variable_get instance_variable_set define_method class_eval instance_eval tap then yield_self
	getBody getHeader getHeaders getHeaderLine withHeader withoutHeader withStatus getStatusCode getMethod getUri
	withBody getContents getSize getQueryParams getParsedBody withAttribute getAttribute handle process request get
	post put patch send sendAsync toArray toJson jsonSerialize getIterator offsetGet offsetSet offsetExists offsetUnset
	current key next rewind valid format getMessage getCode getPrevious getTrace add set has remove all filter
	wait then otherwise resolve reject`) {
		m[w] = true
	}
	return m
})

// ktSwiftLibraryFunctions are the top-level functions of Kotlin's and
// Swift's standard libraries: an unqualified call of one that is no member
// of the enclosing class and no function of the repository is the
// library's, even when some class of the repository has a method of that
// name.
var ktSwiftLibraryFunctions = sync.OnceValue(func() map[string]map[string]bool {
	set := func(words string) map[string]bool {
		m := map[string]bool{}
		for _, w := range strings.Fields(words) {
			m[w] = true
		}
		return m
	}
	return map[string]map[string]bool{
		lang.Kotlin: set(`require requireNotNull check checkNotNull error TODO println print readLine readln
		listOf listOfNotNull mutableListOf arrayListOf emptyList setOf setOfNotNull mutableSetOf hashSetOf linkedSetOf
		sortedSetOf emptySet mapOf mutableMapOf hashMapOf linkedMapOf sortedMapOf emptyMap arrayOf arrayOfNulls
		emptyArray intArrayOf longArrayOf byteArrayOf charArrayOf doubleArrayOf floatArrayOf booleanArrayOf
		shortArrayOf ubyteArrayOf uintArrayOf sequenceOf emptySequence generateSequence sequence iterator lazy
		lazyOf repeat run let also apply with takeIf takeUnless synchronized maxOf minOf buildList buildMap
		buildSet buildString assert runCatching suspendCoroutine suspendCancellableCoroutine coroutineScope
		supervisorScope withContext launch async runBlocking delay yield emptyFlow flowOf flow`),
		lang.Swift: set(`print debugPrint dump fatalError precondition preconditionFailure assert assertionFailure
		min max abs zip stride swap sequence repeatElement numericCast type withExtendedLifetime withUnsafePointer
		withUnsafeMutablePointer withUnsafeBytes withUnsafeMutableBytes withUnsafeTemporaryAllocation
		isKnownUniquelyReferenced unsafeBitCast unsafeDowncast withoutActuallyEscaping autoreleasepool
		withCheckedContinuation withCheckedThrowingContinuation withUnsafeContinuation withUnsafeThrowingContinuation
		withTaskGroup withThrowingTaskGroup withTaskCancellationHandler readLine`),
	}
})
