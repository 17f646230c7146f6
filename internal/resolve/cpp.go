package resolve

import (
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
)

// Resolution for C and C++. A file sees its own definitions and those of
// the headers it includes (transitively, bounded); a function declared in
// a visible header binds to its definition in whichever translation unit
// holds it (static functions are file-local). C++ names are looked up
// through the caller's enclosing classes (and their bases, across files),
// its enclosing namespaces, and the using-directives, using-declarations
// and namespace aliases the file sees. Member calls bind through the
// declared type of the receiver (parameter, local, field, this); a
// receiver of unknown type stays unresolved. Known C library functions and
// std:: names bind to external nodes.

// cppIndex holds the repository-wide facts of C and C++ files, built on the
// first C/C++ edge of a run.
type cppIndex struct {
	byBase map[string][]string  // base name → C/C++ files
	defs   map[string][]*cppDef // qualified name → definitions
	ids    map[graph.NodeID]*cppDef
	incl   map[string][]string // file → included repository files
	reach  map[string]map[string]bool
	scope  map[string]*cppScope // file → visible using-directives and aliases
	bases  map[string][]string  // class qualified name → base class qualified names
	retTy  map[graph.NodeID]string
}

// cppDef is one definition of a qualified name.
type cppDef struct {
	id     graph.NodeID
	node   *graph.Node
	file   string
	decl   bool // a declaration without a body (prototype, in-class member declaration)
	static bool // visible only where it is declared (static function, macro)
}

// cppScope is what a file's using-directives and namespace aliases add to
// name lookup.
type cppScope struct {
	namespaces []string          // using namespace a::b → "a.b"
	names      map[string]string // using a::b; / namespace x = a::b → "b"/"x" → "a.b"
}

// maxIncludeReach bounds the files one translation unit is taken to see.
const maxIncludeReach = 4096

func isCFamily(language string) bool { return language == lang.C || language == lang.CPP }

func (r *resolver) cppIdx() *cppIndex {
	if r.cpp != nil {
		return r.cpp
	}
	x := &cppIndex{byBase: map[string][]string{}, defs: map[string][]*cppDef{}, ids: map[graph.NodeID]*cppDef{}, incl: map[string][]string{},
		reach: map[string]map[string]bool{}, scope: map[string]*cppScope{}, bases: map[string][]string{}, retTy: map[graph.NodeID]string{}}
	r.cpp = x
	var files []string
	for f, l := range r.langOf {
		if isCFamily(l) {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	for _, f := range files {
		x.byBase[path.Base(f)] = append(x.byBase[path.Base(f)], f)
		ff := r.facts(f)
		for i := range ff.nodes {
			n := &ff.nodes[i]
			if !(n.Kind.IsCallable() || n.Kind.IsType() || n.Kind == graph.KindNamespace || n.Kind == graph.KindMacro ||
				n.Kind == graph.KindTypeAlias || n.Kind == graph.KindField || n.Kind == graph.KindVariable) {
				continue
			}
			d := &cppDef{id: n.ID, node: n, file: f}
			if n.Kind.IsCallable() {
				d.decl = strings.HasSuffix(n.Signature, ";")
				d.static = n.Kind == graph.KindFunction && hasWord(cppSigHead(n.Signature, n.Name), "static")
			}
			if n.Kind == graph.KindMacro {
				d.static = true
			}
			x.defs[n.QualifiedName] = append(x.defs[n.QualifiedName], d)
			if n.Kind == graph.KindMacro && n.QualifiedName != n.Name {
				// A macro ignores the namespace its #define sits in.
				x.defs[n.Name] = append(x.defs[n.Name], d)
			}
			x.ids[n.ID] = d
		}
	}
	return x
}

// cppSigHead returns the part of a signature before the callable's name.
func cppSigHead(sig, name string) string {
	if i := strings.Index(sig, name+"("); i >= 0 {
		return sig[:i]
	}
	return sig
}

func hasWord(s, w string) bool {
	for _, f := range strings.FieldsFunc(s, func(c rune) bool {
		return !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
	}) {
		if f == w {
			return true
		}
	}
	return false
}

// resolveCpp resolves one edge of a C or C++ file.
func (r *resolver) resolveCpp(e *graph.Edge) ([]graph.NodeID, graph.Resolution) {
	x := r.cppIdx()
	ff := r.facts(e.File)
	switch e.Kind {
	case graph.EdgeImports:
		return r.cppImport(x, ff, e)
	case graph.EdgeInherits, graph.EdgeImplements:
		c := r.cppCtx(x, ff, e)
		c.scopes = c.scopes[1:] // a base is named in the scope enclosing the class
		if len(c.scopes) == 0 {
			c.scopes = []string{""}
		}
		name := cppName(e.Target)
		if name == "" {
			return nil, graph.ResUnresolved
		}
		if ids, res := r.cppLookup(c, name, isTypeDef); len(ids) > 0 {
			return ids, res
		}
		if ns, rest, ok := strings.Cut(name, "."); ok && ns == "std" {
			return []graph.NodeID{r.external(lang.CPP, "std", rest)}, graph.ResExternal
		}
		return nil, graph.ResUnresolved
	case graph.EdgeCalls:
		return r.cppCall(x, r.cppCtx(x, ff, e), e.Target)
	case graph.EdgeReferences:
		// A type named where it is used: the user's scopes, then std.
		name := cppName(e.Target)
		if name == "" {
			return nil, graph.ResUnresolved
		}
		if ids, res := r.cppLookup(r.cppCtx(x, ff, e), name, isTypeDef); len(ids) > 0 {
			return ids, res
		}
		return nil, graph.ResUnresolved
	}
	return nil, graph.ResUnresolved
}

// cppCtx is where a name is looked up: the file, the caller and its
// enclosing scopes, innermost first ("" for the global scope last).
type cppCtxt struct {
	x      *cppIndex
	file   string
	lang   string
	caller *graph.Node
	scopes []string
	class  string // innermost enclosing class, "" if none
	depth  int    // guards recursion through initialisers and return types
}

func (r *resolver) cppCtx(x *cppIndex, ff *fileFacts, e *graph.Edge) *cppCtxt {
	c := &cppCtxt{x: x, file: e.File, lang: r.langOf[e.File], caller: ff.byID[e.Src]}
	qn := ""
	if c.caller != nil && c.caller.Kind != graph.KindFile {
		qn = c.caller.QualifiedName
	}
	for qn != "" {
		i := strings.LastIndexByte(qn, '.')
		if i < 0 {
			break
		}
		qn = qn[:i]
		c.scopes = append(c.scopes, qn)
		if c.class == "" && x.isType(qn) {
			c.class = qn
		}
	}
	if c.caller != nil && (c.caller.Kind.IsType() || c.caller.Kind == graph.KindNamespace) {
		c.scopes = append([]string{c.caller.QualifiedName}, c.scopes...)
	}
	c.scopes = append(c.scopes, "")
	return c
}

func (x *cppIndex) isType(qn string) bool {
	for _, d := range x.defs[qn] {
		if d.node.Kind.IsType() {
			return true
		}
	}
	return false
}

func isTypeDef(d *cppDef) bool { return d.node.Kind.IsType() }

func isCallTarget(d *cppDef) bool {
	k := d.node.Kind
	return k.IsCallable() && k != graph.KindField || k.IsType() || k == graph.KindMacro
}

// cppName normalises a name as written (::ns::Widget<T>, a::b) into a
// dotted qualified name without template arguments ("" if it is not one).
func cppName(s string) string {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "new "), "::")
	s = stripTemplateArgs(s)
	s = strings.ReplaceAll(s, "::", ".")
	for _, p := range strings.Split(s, ".") {
		if !isIdent(p) && !(strings.HasPrefix(p, "~") && isIdent(p[1:])) {
			return ""
		}
	}
	return s
}

// stripTemplateArgs removes balanced <...> groups.
func stripTemplateArgs(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '<':
			depth++
		case c == '>' && depth > 0:
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// templateArg returns the first template argument of a type ("" if none).
func templateArg(s string) string {
	i := strings.IndexByte(s, '<')
	if i < 0 {
		return ""
	}
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '<':
			depth++
		case '>':
			depth--
			if depth == 0 {
				return strings.TrimSpace(s[i+1 : j])
			}
		case ',':
			if depth == 1 {
				return strings.TrimSpace(s[i+1 : j])
			}
		}
	}
	return ""
}

// cppCall resolves a callee as written.
func (r *resolver) cppCall(x *cppIndex, c *cppCtxt, target string) ([]graph.NodeID, graph.Resolution) {
	target = strings.TrimPrefix(target, "new ")
	if strings.Contains(target, "->") || strings.Contains(target, ".") {
		return r.cppMemberCall(c, target)
	}
	name := cppName(target)
	if name == "" {
		return nil, graph.ResUnresolved
	}
	qualified := strings.Contains(name, ".")
	if !qualified && c.class != "" {
		// An unqualified call in a member means a member first.
		if ids := r.cppMembers(c, c.class, name, 0); len(ids) > 0 {
			return r.pickGeneric(ids)
		}
	}
	if ids, res := r.cppLookup(c, name, isCallTarget); len(ids) > 0 {
		if d := x.ids[ids[0]]; d != nil && d.node.Kind.IsType() && sameQN(x, ids) {
			// Widget(...), new Widget, Widget w(...): its constructors.
			var ctors []graph.NodeID
			for _, id := range r.cppMembers(c, d.node.QualifiedName, d.node.Name, 8) {
				if x.ids[id].node.Kind == graph.KindConstructor {
					ctors = append(ctors, id)
				}
			}
			if len(ctors) > 0 {
				ids, res = r.pickGeneric(ctors)
			}
		}
		return ids, res
	}
	first, rest, _ := strings.Cut(name, ".")
	if qualified && first == "std" {
		return []graph.NodeID{r.external(lang.CPP, "std", rest)}, graph.ResExternal
	}
	if !qualified {
		if h, ok := libcHeader()[name]; ok {
			return []graph.NodeID{r.external(lang.C, h, name)}, graph.ResExternal
		}
		if c.lang == lang.CPP && (stdAlways[name] || stdFuncs()[name] && r.cppUsesStd(c)) {
			return []graph.NodeID{r.external(lang.CPP, "std", name)}, graph.ResExternal
		}
	}
	return nil, graph.ResUnresolved
}

// cppUsesStd reports whether the file sees `using namespace std`.
func (r *resolver) cppUsesStd(c *cppCtxt) bool {
	for _, ns := range r.cppScopeOf(c.x, c.file).namespaces {
		if ns == "std" {
			return true
		}
	}
	return false
}

// cppLookup finds name (dotted, possibly qualified) from the context's
// scopes, then through the file's using-declarations and -directives.
// Definitions visible through the file's includes win; a prototype binds
// to its definitions wherever they are.
func (r *resolver) cppLookup(c *cppCtxt, name string, keep func(*cppDef) bool) ([]graph.NodeID, graph.Resolution) {
	sc := r.cppScopeOf(c.x, c.file)
	first, rest, qualified := strings.Cut(name, ".")
	var tries []string
	for _, s := range c.scopes {
		tries = append(tries, joinDot(s, name))
	}
	if full, ok := sc.names[first]; ok {
		if qualified {
			tries = append(tries, full+"."+rest)
		} else {
			tries = append(tries, full)
		}
	}
	for _, ns := range sc.namespaces {
		tries = append(tries, ns+"."+name)
	}
	var fallback []*cppDef
	for _, qn := range tries {
		defs := c.x.defs[qn]
		var cand []*cppDef
		for _, d := range defs {
			if keep(d) {
				cand = append(cand, d)
			}
		}
		if len(cand) == 0 {
			continue
		}
		if ids := r.cppVisible(c, cand); len(ids) > 0 {
			return r.pickGeneric(ids)
		}
		if fallback == nil {
			fallback = cand
		}
	}
	if len(fallback) == 0 {
		return nil, graph.ResUnresolved
	}
	// Nothing of that name is visible through the includes (an include
	// path we could not follow, an implicit declaration): a unique
	// definition with external linkage is the likely one.
	var out []graph.NodeID
	for _, d := range fallback {
		if !d.static && !d.decl {
			out = append(out, d.id)
		}
	}
	if len(out) == 0 {
		for _, d := range fallback {
			if !d.static {
				out = append(out, d.id)
			}
		}
	}
	switch {
	case len(out) == 1:
		return out, graph.ResInferred
	case len(out) > 1 && c.lang == lang.C && !qualified:
		return out, graph.ResAmbiguous
	}
	return nil, graph.ResUnresolved
}

func joinDot(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// cppVisible returns the definitions of cand (all of one qualified name)
// that the file can mean: its own definition, else the definitions of a
// name declared in a header it includes (in any translation unit, unless
// static), else the visible declarations.
func (r *resolver) cppVisible(c *cppCtxt, cand []*cppDef) []graph.NodeID {
	reach := r.cppReach(c.x, c.file)
	var own, visDefs, visDecls, globalDefs []graph.NodeID
	visible := false
	for _, d := range cand {
		in := reach[d.file]
		if in {
			visible = true
		}
		switch {
		case d.file == c.file && !d.decl:
			own = append(own, d.id)
		case in && !d.decl:
			visDefs = append(visDefs, d.id)
		case in:
			visDecls = append(visDecls, d.id)
		case !d.decl && !d.static:
			globalDefs = append(globalDefs, d.id)
		}
	}
	switch {
	case !visible:
		return nil
	case len(own) > 0:
		return own
	case len(visDefs) > 0:
		return visDefs
	case len(globalDefs) > 0:
		return globalDefs
	}
	return visDecls
}

// cppMembers finds member name of class qn (and of its bases), preferring
// definitions (out of line, in any file) to in-class declarations.
func (r *resolver) cppMembers(c *cppCtxt, class, name string, depth int) []graph.NodeID {
	if depth > 8 {
		return nil
	}
	var defs, decls []graph.NodeID
	for _, d := range c.x.defs[class+"."+name] {
		if !isCallTarget(d) || d.static && d.file != c.file {
			continue
		}
		if d.decl {
			decls = append(decls, d.id)
		} else {
			defs = append(defs, d.id)
		}
	}
	if len(defs) > 0 {
		return defs
	}
	if len(decls) > 0 {
		return decls
	}
	for _, b := range r.cppBases(c, class) {
		if ids := r.cppMembers(c, b, name, depth+1); len(ids) > 0 {
			return ids
		}
	}
	return nil
}

// cppField finds the data member name of class qn (and of its bases).
func (r *resolver) cppField(c *cppCtxt, class, name string, depth int) *cppDef {
	if depth > 8 {
		return nil
	}
	for _, d := range c.x.defs[class+"."+name] {
		if d.node.Kind == graph.KindField || d.node.Kind == graph.KindVariable || d.node.Kind == graph.KindConstant {
			return d
		}
	}
	for _, b := range r.cppBases(c, class) {
		if d := r.cppField(c, b, name, depth+1); d != nil {
			return d
		}
	}
	return nil
}

// cppBases returns the qualified names of the repository classes class
// derives from (read from its inherits edges, as written).
func (r *resolver) cppBases(c *cppCtxt, class string) []string {
	if bs, ok := c.x.bases[class]; ok {
		return bs
	}
	c.x.bases[class] = nil // cycles
	var out []string
	for _, d := range c.x.defs[class] {
		if !d.node.Kind.IsType() {
			continue
		}
		var targets []string
		r.st.OutEdges(d.id, []graph.EdgeKind{graph.EdgeInherits}, func(e graph.Edge) error {
			targets = append(targets, e.Target)
			return nil
		})
		bc := &cppCtxt{x: c.x, file: d.file, lang: r.langOf[d.file], depth: c.depth}
		for s := class; ; {
			i := strings.LastIndexByte(s, '.')
			if i < 0 {
				break
			}
			s = s[:i]
			bc.scopes = append(bc.scopes, s)
		}
		bc.scopes = append(bc.scopes, "")
		for _, t := range targets {
			name := cppName(t)
			if name == "" {
				continue
			}
			ids, _ := r.cppLookup(bc, name, isTypeDef)
			for _, id := range ids {
				if n, ok := r.cppNode(id); ok && !contains(out, n.QualifiedName) && n.QualifiedName != class {
					out = append(out, n.QualifiedName)
				}
			}
		}
	}
	c.x.bases[class] = out
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// cppNode returns a C/C++ node by id from the loaded facts.
func (r *resolver) cppNode(id graph.NodeID) (*graph.Node, bool) {
	d, ok := r.cpp.ids[id]
	if !ok {
		return nil, false
	}
	return d.node, true
}

// ---------------------------------------------------------------- includes

// cppImport binds an #include to the included file (or a library header's
// external package node) and a using-declaration or namespace alias to
// what it names.
func (r *resolver) cppImport(x *cppIndex, ff *fileFacts, e *graph.Edge) ([]graph.NodeID, graph.Resolution) {
	sig := ""
	for i := range ff.nodes {
		n := &ff.nodes[i]
		if n.Kind == graph.KindImport && n.QualifiedName == e.Target && n.StartLine == e.Line {
			sig = n.Signature
			break
		}
	}
	if sig != "" || r.langOf[e.File] == lang.C {
		files := r.cppIncludeFiles(x, e.File, e.Target, !strings.HasPrefix(sig, "<"))
		if len(files) > 0 {
			ids := make([]graph.NodeID, len(files))
			for i, f := range files {
				ids[i] = graph.MakeNodeID(f, f, graph.KindFile, 0)
			}
			return r.pickGeneric(ids)
		}
		if strings.HasPrefix(sig, "<") {
			return []graph.NodeID{r.externalPackage(headerLang(r.langOf[e.File], e.Target), e.Target)}, graph.ResExternal
		}
		return nil, graph.ResUnresolved // a quoted header that is not in the repository (generated)
	}
	name := cppName(e.Target)
	if name == "" {
		return nil, graph.ResUnresolved
	}
	var cand []*cppDef
	for _, d := range x.defs[name] {
		if d.node.Kind == graph.KindNamespace || isCallTarget(d) {
			cand = append(cand, d)
		}
	}
	if len(cand) > 0 {
		reach := r.cppReach(x, e.File)
		var vis, all []graph.NodeID
		for _, d := range cand {
			all = append(all, d.id)
			if reach[d.file] {
				vis = append(vis, d.id)
			}
		}
		if len(vis) > 0 {
			return r.pickGeneric(vis)
		}
		return r.pickGeneric(all)
	}
	if first, _, _ := strings.Cut(name, "."); first == "std" {
		return []graph.NodeID{r.externalPackage(lang.CPP, "std")}, graph.ResExternal
	}
	return nil, graph.ResUnresolved
}

// headerLang is the language a library header's external package is
// filed under: C library headers are C's, whoever includes them.
func headerLang(fileLang, header string) string {
	if libcHeaders()[header] {
		return lang.C
	}
	return fileLang
}

// cppIncludeFiles maps an included path to repository files: relative to
// the including file's directory first (quoted includes), else every file
// whose path ends with it, nearest to the including file first.
func (r *resolver) cppIncludeFiles(x *cppIndex, from, inc string, quoted bool) []string {
	p := path.Clean(inc)
	if quoted {
		if rel := path.Join(path.Dir(from), p); isCFamily(r.langOf[rel]) {
			return []string{rel}
		}
	}
	for strings.HasPrefix(p, "../") {
		p = p[3:]
	}
	var out []string
	best := -1
	for _, f := range x.byBase[path.Base(p)] {
		if f != p && !strings.HasSuffix(f, "/"+p) || f == from {
			continue
		}
		n := commonDirLen(from, f)
		switch {
		case n > best:
			best, out = n, []string{f}
		case n == best:
			out = append(out, f)
		}
	}
	return out
}

// commonDirLen counts the leading directories two paths share.
func commonDirLen(a, b string) int {
	as, bs := strings.Split(path.Dir(a), "/"), strings.Split(path.Dir(b), "/")
	n := 0
	for n < len(as) && n < len(bs) && as[n] == bs[n] {
		n++
	}
	return n
}

// cppIncludes returns the repository files a file includes directly.
func (r *resolver) cppIncludes(x *cppIndex, file string) []string {
	if inc, ok := x.incl[file]; ok {
		return inc
	}
	var out []string
	for _, n := range r.facts(file).nodes {
		if n.Kind != graph.KindImport || n.Signature == "" && r.langOf[file] != lang.C {
			continue
		}
		out = append(out, r.cppIncludeFiles(x, file, n.QualifiedName, !strings.HasPrefix(n.Signature, "<"))...)
	}
	x.incl[file] = out
	return out
}

// cppReach returns the files a file sees: itself and what it includes,
// transitively (bounded).
func (r *resolver) cppReach(x *cppIndex, file string) map[string]bool {
	if s, ok := x.reach[file]; ok {
		return s
	}
	seen := map[string]bool{file: true}
	queue := []string{file}
	for len(queue) > 0 && len(seen) < maxIncludeReach {
		f := queue[0]
		queue = queue[1:]
		for _, g := range r.cppIncludes(x, f) {
			if !seen[g] {
				seen[g] = true
				queue = append(queue, g)
			}
		}
	}
	x.reach[file] = seen
	return seen
}

// cppScopeOf collects the using-directives, using-declarations and
// namespace aliases of a file and of the headers it sees.
func (r *resolver) cppScopeOf(x *cppIndex, file string) *cppScope {
	if s, ok := x.scope[file]; ok {
		return s
	}
	s := &cppScope{names: map[string]string{}}
	x.scope[file] = s
	if r.langOf[file] != lang.CPP {
		return s
	}
	reach := r.cppReach(x, file)
	files := make([]string, 0, len(reach))
	for f := range reach {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		if r.langOf[f] != lang.CPP {
			continue
		}
		for _, n := range r.facts(f).nodes {
			if n.Kind != graph.KindImport || n.Signature != "" {
				continue
			}
			full := cppName(n.QualifiedName)
			if full == "" {
				continue
			}
			last := full[strings.LastIndexByte(full, '.')+1:]
			if n.Name == last {
				// using namespace a::b; and using a::b; look the same here.
				if !contains(s.namespaces, full) {
					s.namespaces = append(s.namespaces, full)
				}
			}
			if _, ok := s.names[n.Name]; !ok && n.Name != full {
				s.names[n.Name] = full
			}
		}
	}
	return s
}

// ---------------------------------------------------------------- member calls

// cppType is what is known of an expression's type: a repository class,
// or a standard-library type, and the text it was written as.
type cppType struct {
	class string // qualified name of a repository type
	std   string // std type name ("vector")
	smart bool   // a std smart pointer to class
}

var smartPointers = map[string]bool{"unique_ptr": true, "shared_ptr": true, "weak_ptr": true, "auto_ptr": true}

// smartPointerMethods are the members a smart pointer itself has.
var smartPointerMethods = map[string]bool{"reset": true, "get": true, "release": true, "swap": true, "use_count": true,
	"lock": true, "expired": true, "owner_before": true, "get_deleter": true}

// cppMemberCall resolves recv.m(), recv->m(), this->m(), a.b.m() and
// f().m() through the declared type of the receiver.
func (r *resolver) cppMemberCall(c *cppCtxt, target string) ([]graph.NodeID, graph.Resolution) {
	segs, seps := splitMember(target)
	if len(segs) < 2 {
		return nil, graph.ResUnresolved
	}
	last := segs[len(segs)-1]
	if !isIdent(last) {
		return nil, graph.ResUnresolved
	}
	t := r.cppChainType(c, segs[:len(segs)-1], seps)
	if t.smart && seps[len(segs)-2] == "." {
		if smartPointerMethods[last] {
			return []graph.NodeID{r.external(lang.CPP, "std", "shared_ptr."+last)}, graph.ResExternal
		}
		return nil, graph.ResUnresolved
	}
	switch {
	case t.class != "":
		if ids := r.cppMembers(c, t.class, last, 0); len(ids) > 0 {
			if len(ids) == 1 {
				return ids, graph.ResExact
			}
			return ids, graph.ResAmbiguous
		}
	case t.std != "":
		return []graph.NodeID{r.external(lang.CPP, "std", t.std+"."+last)}, graph.ResExternal
	}
	return nil, graph.ResUnresolved
}

// splitMember splits a.b->c().d into segments and the separator after each.
func splitMember(s string) (segs, seps []string) {
	depth := 0
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '<', '[':
			depth++
		case ')', ']':
			depth--
		case '>':
			if depth > 0 && (i == 0 || s[i-1] != '-') {
				depth--
			}
		case '.':
			if depth == 0 {
				segs, seps = append(segs, s[start:i]), append(seps, ".")
				start = i + 1
			}
		case '-':
			if depth == 0 && i+1 < len(s) && s[i+1] == '>' {
				segs, seps = append(segs, s[start:i]), append(seps, "->")
				start = i + 2
				i++
			}
		}
	}
	return append(segs, s[start:]), seps
}

// cppChainType types the receiver chain segs (all but the member called).
func (r *resolver) cppChainType(c *cppCtxt, segs, seps []string) cppType {
	if c.depth > 6 {
		return cppType{}
	}
	c.depth++
	defer func() { c.depth-- }()
	var t cppType
	head := segs[0]
	switch {
	case head == "this" || head == "(*this)":
		t = cppType{class: c.class}
	case strings.HasSuffix(head, "()"):
		t = r.cppCallType(c, strings.TrimSuffix(head, "()"))
	case isIdent(head):
		t = r.cppVarType(c, head)
	default:
		return cppType{}
	}
	for i := 1; i < len(segs); i++ {
		if t.class == "" || t.smart && seps[i-1] == "." {
			return cppType{}
		}
		s := segs[i]
		if m, ok := strings.CutSuffix(s, "()"); ok && isIdent(m) {
			ids := r.cppMembers(c, t.class, m, 0)
			if len(ids) == 0 {
				return cppType{}
			}
			t = r.cppReturnType(c, ids[0])
			continue
		}
		if !isIdent(s) {
			return cppType{}
		}
		f := r.cppField(c, t.class, s, 0)
		if f == nil {
			return cppType{}
		}
		typ, _, ok := declType(f.node.Signature, f.node.Name)
		if !ok {
			return cppType{}
		}
		t = r.cppTypeOf(r.cppCtxFor(c, f), typ)
	}
	return t
}

// cppCtxFor returns a lookup context at a definition (its file and
// enclosing scopes), to read the types its text names.
func (r *resolver) cppCtxFor(c *cppCtxt, d *cppDef) *cppCtxt {
	n := &cppCtxt{x: c.x, file: d.file, lang: r.langOf[d.file], caller: d.node, depth: c.depth}
	for qn := d.node.QualifiedName; ; {
		i := strings.LastIndexByte(qn, '.')
		if i < 0 {
			break
		}
		qn = qn[:i]
		n.scopes = append(n.scopes, qn)
		if n.class == "" && c.x.isType(qn) {
			n.class = qn
		}
	}
	n.scopes = append(n.scopes, "")
	return n
}

// cppCallType types the value of a call: a constructor (Widget(...)) or a
// function with a declared return type.
func (r *resolver) cppCallType(c *cppCtxt, callee string) cppType {
	name := cppName(callee)
	if name == "" {
		return cppType{}
	}
	if base := name[strings.LastIndexByte(name, '.')+1:]; base == "make_unique" || base == "make_shared" {
		t := r.cppTypeOf(c, templateArg(callee))
		t.smart = t.class != ""
		return t
	}
	ids, res := r.cppCall(c.x, c, callee)
	if len(ids) == 0 || res == graph.ResExternal {
		return cppType{}
	}
	d := c.x.ids[ids[0]]
	if d == nil {
		return cppType{}
	}
	switch {
	case d.node.Kind.IsType():
		return cppType{class: d.node.QualifiedName}
	case d.node.Kind == graph.KindConstructor:
		return cppType{class: d.node.QualifiedName[:max(0, len(d.node.QualifiedName)-len(d.node.Name)-1)]}
	}
	return r.cppReturnType(c, ids[0])
}

// cppReturnType reads a callable's return type from its signature.
func (r *resolver) cppReturnType(c *cppCtxt, id graph.NodeID) cppType {
	d := c.x.ids[id]
	if d == nil || !d.node.Kind.IsCallable() {
		return cppType{}
	}
	sig := d.node.Signature
	i := strings.Index(sig, d.node.Name+"(")
	if i < 0 {
		return cppType{}
	}
	head := strings.TrimSpace(sig[:i])
	// out of line: "Widget &Canvas::get(" → drop the class qualifier
	for strings.HasSuffix(head, "::") {
		head = strings.TrimSuffix(head, "::")
		j := strings.LastIndexAny(head, " \t*&")
		head = head[:j+1]
	}
	if strings.HasPrefix(head, "template") {
		if j := strings.IndexByte(head, '<'); j >= 0 {
			depth := 0
			for k := j; k < len(head); k++ {
				if head[k] == '<' {
					depth++
				} else if head[k] == '>' {
					depth--
					if depth == 0 {
						head = head[k+1:]
						break
					}
				}
			}
		}
	}
	return r.cppTypeOf(r.cppCtxFor(c, d), head)
}

// cppVarType types a variable named in a callable: a local, a parameter, a
// field of the enclosing class or a variable of an enclosing scope.
func (r *resolver) cppVarType(c *cppCtxt, name string) cppType {
	if c.caller != nil && c.caller.Kind.IsCallable() {
		if c.caller.Locals != "" {
			locals := strings.Split(c.caller.Locals, "\x00")
			for i := len(locals) - 1; i >= 0; i-- { // the nearest declaration wins
				if typ, init, ok := declType(locals[i], name); ok {
					return r.cppDeclared(c, typ, init)
				}
			}
		}
		if typ, ok := paramType(c.caller.Signature, c.caller.Name, name); ok {
			return r.cppTypeOf(c, typ)
		}
	}
	if c.class != "" {
		if f := r.cppField(c, c.class, name, 0); f != nil {
			if typ, init, ok := declType(f.node.Signature, f.node.Name); ok {
				return r.cppDeclared(r.cppCtxFor(c, f), typ, init)
			}
			return cppType{}
		}
	}
	for _, s := range c.scopes {
		// Several variables of one name (declarations in macro-defined
		// bodies, TEST(...) { ... }, land in the namespace): only when
		// they agree is the type known.
		var found cppType
		seen := false
		for _, d := range c.x.defs[joinDot(s, name)] {
			if k := d.node.Kind; (k == graph.KindVariable || k == graph.KindConstant) && r.cppReach(c.x, c.file)[d.file] {
				typ, init, ok := declType(d.node.Signature, d.node.Name)
				if !ok {
					return cppType{}
				}
				t := r.cppDeclared(r.cppCtxFor(c, d), typ, init)
				if seen && t != found {
					return cppType{}
				}
				found, seen = t, true
			}
		}
		if seen {
			return found
		}
	}
	return cppType{}
}

// cppDeclared types a declared variable: its type, or for auto its
// initialiser.
func (r *resolver) cppDeclared(c *cppCtxt, typ, init string) cppType {
	if base := cppTypeText(typ); base == "auto" || base == "decltype(auto)" {
		return r.cppInitType(c, init)
	}
	return r.cppTypeOf(c, typ)
}

// cppInitType types an initialiser expression.
func (r *resolver) cppInitType(c *cppCtxt, init string) cppType {
	init = strings.TrimSpace(init)
	init = strings.TrimLeft(init, "&*")
	if strings.HasPrefix(init, "@elem ") { // for (auto x : range)
		return r.cppElemType(c, strings.TrimPrefix(init, "@elem "))
	}
	if rest, ok := strings.CutPrefix(init, "new "); ok {
		if i := strings.IndexAny(rest, "({["); i >= 0 {
			rest = rest[:i]
		}
		return r.cppTypeOf(c, rest)
	}
	for _, cast := range []string{"static_cast<", "dynamic_cast<", "reinterpret_cast<", "const_cast<"} {
		if strings.HasPrefix(init, cast) {
			return r.cppTypeOf(c, templateArg(init))
		}
	}
	if init == "" || init[0] == '(' || init[0] == '"' {
		return cppType{}
	}
	// callee(args), Type{args}, recv.m(args), or a variable
	if i := strings.IndexAny(init, "({"); i > 0 && strings.HasSuffix(init, string(closer(init[i]))) && matching(init, i) == len(init)-1 {
		callee := init[:i]
		if strings.Contains(callee, ".") || strings.Contains(callee, "->") {
			segs, seps := splitMember(cleanCallText(init))
			return r.cppChainType(c, segs, seps)
		}
		return r.cppCallType(c, callee)
	}
	if isIdent(init) {
		return r.cppVarType(c, init)
	}
	if strings.Contains(init, ".") || strings.Contains(init, "->") {
		segs, seps := splitMember(cleanCallText(init))
		return r.cppChainType(c, segs, seps)
	}
	return cppType{}
}

// cleanCallText collapses argument lists to "()" as extraction does for
// call targets.
func cleanCallText(s string) string {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '(':
			if depth == 0 {
				b.WriteByte('(')
			}
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				b.WriteByte(')')
			}
		case depth == 0 && c != ' ' && c != '\t' && c != '\n':
			b.WriteByte(c)
		}
	}
	return b.String()
}

func closer(c byte) byte {
	if c == '{' {
		return '}'
	}
	return ')'
}

// matching returns the index of the bracket closing the one at i, or -1.
func matching(s string, i int) int {
	open, cl := s[i], closer(s[i])
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case open:
			depth++
		case cl:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// cppElemType types the element of a range (for (auto &x : items)) from the
// first template argument of the range's declared type.
func (r *resolver) cppElemType(c *cppCtxt, rng string) cppType {
	rng = strings.TrimSpace(rng)
	var typ string
	var ctx = c
	switch {
	case isIdent(rng) && c.caller != nil:
		if c.caller.Locals != "" {
			for _, l := range strings.Split(c.caller.Locals, "\x00") {
				if t, _, ok := declType(l, rng); ok {
					typ = t
				}
			}
		}
		if typ == "" {
			typ, _ = paramType(c.caller.Signature, c.caller.Name, rng)
		}
		if typ == "" && c.class != "" {
			if f := r.cppField(c, c.class, rng, 0); f != nil {
				typ, _, _ = declType(f.node.Signature, f.node.Name)
				ctx = r.cppCtxFor(c, f)
			}
		}
	}
	if arg := templateArg(typ); arg != "" {
		return r.cppTypeOf(ctx, arg)
	}
	return cppType{}
}

// cppTypeOf maps a type as written (const gfx::Widget &, std::vector<X>,
// std::unique_ptr<Widget>) to what it names.
func (r *resolver) cppTypeOf(c *cppCtxt, typ string) cppType {
	typ = cppTypeText(typ)
	if strings.HasPrefix(typ, "[[") {
		if i := strings.Index(typ, "]]"); i >= 0 {
			typ = strings.TrimSpace(typ[i+2:])
		}
	}
	name := cppName(typ)
	if name == "" || name == "auto" {
		return cppType{}
	}
	first, rest, qualified := strings.Cut(name, ".")
	if first == "std" && qualified {
		if smartPointers[rest] {
			t := r.cppTypeOf(c, templateArg(typ))
			if t.class == "" {
				return cppType{}
			}
			t.smart = true
			return t
		}
		return cppType{std: rest}
	}
	if !qualified && smartPointers[name] && r.cppUsesStd(c) {
		t := r.cppTypeOf(c, templateArg(typ))
		t.smart = t.class != ""
		return t
	}
	ids, res := r.cppLookup(c, name, func(d *cppDef) bool { return d.node.Kind.IsType() || d.node.Kind == graph.KindTypeAlias })
	if len(ids) == 0 || res == graph.ResAmbiguous && !sameQN(c.x, ids) {
		return cppType{}
	}
	d := c.x.ids[ids[0]]
	if d.node.Kind == graph.KindTypeAlias {
		if c.depth > 6 {
			return cppType{}
		}
		c.depth++
		defer func() { c.depth-- }()
		if aliased := aliasTarget(d.node.Signature, d.node.Name); aliased != "" {
			return r.cppTypeOf(r.cppCtxFor(c, d), aliased)
		}
		return cppType{}
	}
	return cppType{class: d.node.QualifiedName}
}

var cppQualifiers = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\b(const|volatile|struct|class|union|enum|typename|static|inline|virtual|constexpr|explicit|mutable|extern|register)\b|[*&]`)
})

// cppTypeText drops qualifiers, pointers and references from a type as
// written: "Env* const" → "Env", "const std::vector<Foo *> &" →
// "std::vector<Foo>".
func cppTypeText(typ string) string {
	typ = strings.Join(strings.Fields(cppQualifiers().ReplaceAllString(typ, " ")), " ")
	return strings.NewReplacer(" ::", "::", ":: ", "::", " <", "<", "< ", "<", " >", ">", "> ", ">").Replace(typ)
}

func sameQN(x *cppIndex, ids []graph.NodeID) bool {
	for _, id := range ids[1:] {
		if x.ids[id].node.QualifiedName != x.ids[ids[0]].node.QualifiedName {
			return false
		}
	}
	return true
}

// aliasTarget reads the aliased type of "using X = T;" or "typedef T X;".
func aliasTarget(sig, name string) string {
	sig = strings.TrimSuffix(strings.TrimSpace(sig), ";")
	if i := strings.Index(sig, "using "+name); i >= 0 {
		if _, t, ok := strings.Cut(sig[i:], "="); ok {
			return strings.TrimSpace(t)
		}
		return ""
	}
	if t, ok := strings.CutPrefix(sig, "typedef "); ok && strings.HasSuffix(t, name) {
		return strings.TrimSpace(strings.TrimSuffix(t, name))
	}
	return ""
}

// declType finds the declarator name in a declaration's text ("Widget w;",
// "Widget *a, b(1);", "auto p = make();", "for (auto &s : shapes)") and
// returns its type as written and its initialiser ("" if none).
func declType(text, name string) (typ, init string, ok bool) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "for") {
		open := strings.IndexByte(text, '(')
		if open < 0 {
			return "", "", false
		}
		end := matching(text, open)
		if end < 0 {
			return "", "", false
		}
		head := text[open+1 : end]
		parts := cppSplitTop(head, ':')
		if len(parts) != 2 {
			return "", "", false
		}
		t, n := splitDeclarator(parts[0])
		if n != name {
			return "", "", false
		}
		if strings.Contains(t, "auto") {
			return "auto", "@elem " + strings.TrimSpace(parts[1]), true
		}
		return t, "", true
	}
	text = strings.TrimSuffix(text, ";")
	parts := cppSplitTop(text, ',')
	var baseType string
	for i, p := range parts {
		decl, val := p, ""
		if j := topIndexAny(p, "=({"); j >= 0 {
			decl = p[:j]
			if p[j] == '=' {
				val = p[j+1:]
			}
		}
		t, n := splitDeclarator(decl)
		if i == 0 {
			baseType = strings.TrimRight(t, "*& ")
		} else {
			t = baseType + " " + t
		}
		if n == name {
			return strings.TrimSpace(t), strings.TrimSpace(val), true
		}
	}
	return "", "", false
}

// splitDeclarator splits "const Widget *p" into ("const Widget *", "p").
func splitDeclarator(s string) (typ, name string) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '['); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	i := len(s)
	for i > 0 && isIdentByte(s[i-1]) {
		i--
	}
	return strings.TrimSpace(s[:i]), s[i:]
}

// cppSplitTop splits s at sep outside brackets (a "::" is not a ":").
func cppSplitTop(s string, sep byte) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '{', '[', '<':
			depth++
		case ')', '}', ']', '>':
			if depth > 0 {
				depth--
			}
		case sep:
			if depth == 0 && !(sep == ':' && (i+1 < len(s) && s[i+1] == ':' || i > 0 && s[i-1] == ':')) {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// topIndexAny returns the first index of any of chars outside <...>.
func topIndexAny(s, chars string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '<':
			depth++
		case s[i] == '>' && depth > 0:
			depth--
		case depth == 0 && strings.IndexByte(chars, s[i]) >= 0:
			return i
		}
	}
	return -1
}

// paramType finds parameter param's type in a callable's signature.
func paramType(sig, fname, param string) (string, bool) {
	i := strings.Index(sig, fname+"(")
	if i < 0 {
		return "", false
	}
	open := i + len(fname)
	end := matching(sig, open)
	if end < 0 {
		return "", false
	}
	for _, p := range cppSplitTop(sig[open+1:end], ',') {
		if j := topIndexAny(p, "="); j >= 0 {
			p = p[:j]
		}
		t, n := splitDeclarator(p)
		if n == param && t != "" {
			return t, true
		}
	}
	return "", false
}
