package resolve

import (
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
)

// Receiver types for Python, JavaScript/TypeScript, Java and Rust. A call
// x.m() binds to the method m of x's class (or of its bases, across files)
// when x's type is written down: a parameter annotation (p: Widget, Widget
// w, w: &Widget), a local declaration kept by extraction in Node.Locals
// (x = Foo(), const x = new Foo(), Foo x = ..., let x = Foo::new()), or a
// field or attribute of the enclosing class (self.repo = Repo(), private
// repo: Repo). Nothing is re-parsed: signatures and local declarations are
// read as text. A receiver whose type is unknown stays unresolved.

// typeRes is a resolved type: a class node of the repository, or a
// library's type (ext* set) whose methods are external symbols.
type typeRes struct {
	node              *graph.Node
	extModule, extSym string
}

// varBinding is what the text says of a variable: its declared type, or
// the callee whose result initialises it (Foo() , Foo::new()).
type varBinding struct {
	typ  string // type expression as written
	call string // callee of the initialiser
	cb   string // parameter of a function passed as an argument: "ARG PARAM CALLEE" (scopes.go)
}

// maxBaseDepth bounds walks up the inheritance graph (and breaks cycles).
const maxBaseDepth = 12

// callerVars returns the variables of a callable with a known type or
// initialiser: its parameters, then its local declarations (a local
// declared twice with different bindings is dropped).
func (r *resolver) callerVars(n *graph.Node) map[string]varBinding {
	if v, ok := r.genVars[n.ID]; ok {
		return v
	}
	vars := map[string]varBinding{}
	if r.genVars == nil {
		r.genVars = map[graph.NodeID]map[string]varBinding{}
	}
	r.genVars[n.ID] = vars
	language := n.Language
	for _, p := range splitTop(paramList(n.Signature, n.Name), ',') {
		if name, typ := parseParam(language, p); name != "" && typ != "" {
			vars[name] = varBinding{typ: typ}
		}
	}
	conflict := map[string]bool{}
	for _, l := range strings.Split(n.Locals, "\x00") {
		name, b := parseDecl(language, l)
		if name == "" || conflict[name] {
			continue
		}
		if old, ok := vars[name]; ok && old != b {
			if old.typ != "" && b.typ == "" {
				continue // a declared parameter type wins over a reassignment
			}
			delete(vars, name)
			conflict[name] = true
			continue
		}
		vars[name] = b
	}
	return vars
}

// paramList returns the text between the parentheses that follow name in
// a signature ("" when there are none).
func paramList(sig, name string) string {
	i := 0
	for {
		j := strings.Index(sig[i:], name)
		if j < 0 || name == "" {
			return ""
		}
		k := i + j + len(name)
		if k < len(sig) && sig[k] == '<' { // fn put<V: Serialize>(
			if e := matchClose(sig, k, '<', '>'); e > 0 {
				k = e + 1
			}
		}
		if k < len(sig) && sig[k] == '(' && (i+j == 0 || !isIdentByte(sig[i+j-1])) {
			if e := matchClose(sig, k, '(', ')'); e > 0 {
				return sig[k+1 : e]
			}
			return sig[k+1:] // cut signature: take what is there
		}
		i = k
	}
}

// afterParams returns the trimmed text after the parameter list that
// follows name in a signature.
func afterParams(sig, name string) string {
	i := strings.Index(sig, name)
	if i < 0 {
		return ""
	}
	k := i + len(name)
	if k < len(sig) && sig[k] == '<' {
		if e := matchClose(sig, k, '<', '>'); e > 0 {
			k = e + 1
		}
	}
	if k >= len(sig) || sig[k] != '(' {
		return ""
	}
	e := matchClose(sig, k, '(', ')')
	if e < 0 {
		return ""
	}
	return strings.TrimSpace(sig[e+1:])
}

// matchClose returns the index of the bracket closing the one at open.
func matchClose(s string, open int, o, c byte) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case o:
			depth++
		case c:
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// splitTop splits s at sep outside brackets and strings.
func splitTop(s string, sep byte) []string {
	var out []string
	depth := 0
	start := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '(' || c == '[' || c == '{' || c == '<':
			depth++
		case c == ')' || c == ']' || c == '}' || c == '>':
			if c != '>' || i == 0 || s[i-1] != '=' && s[i-1] != '-' { // => and -> are not brackets
				depth--
			}
		case c == sep && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// parseParam reads one parameter: its name and declared type.
func parseParam(language, p string) (name, typ string) {
	p = strings.TrimSpace(p)
	switch language {
	case lang.Kotlin, lang.Swift:
		// order: Order, vararg ids: Int, val repo: Repo (Kotlin); _ order:
		// Order, from start: Int, x: inout Point (Swift).
		name, typ = parseParam(lang.TypeScript, p)
		return name, ktSwiftType(typ)
	case lang.CSharp, lang.PHP:
		// Order o, this Order o, ref int x (C#); ?Order $o = null,
		// private Log $log (PHP): the Java rule on the text without $, ?.
		p = ooDeclText(language, p)
		language = lang.Java
	case lang.Python, lang.JavaScript, lang.TypeScript, lang.Rust:
		if language == lang.Python {
			p = strings.TrimLeft(p, "*")
		}
		if eq := indexTop(p, '='); eq >= 0 {
			p = p[:eq]
		}
		n, t, ok := strings.Cut(p, ":")
		if !ok {
			return "", ""
		}
		f := strings.Fields(n)
		if len(f) == 0 {
			return "", ""
		}
		name = strings.TrimSuffix(f[len(f)-1], "?") // private readonly http?, mut w
		return name, strings.TrimSpace(t)
	case lang.Java:
		if eq := strings.IndexByte(p, '='); eq >= 0 {
			p = p[:eq]
		}
		f := fieldsNoAnnotations(p)
		if len(f) < 2 {
			return "", ""
		}
		return f[len(f)-1], strings.Join(f[:len(f)-1], " ")
	}
	return "", ""
}

// indexTop finds c outside brackets.
func indexTop(s string, c byte) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[', '{', '<':
			depth++
		case ')', ']', '}', '>':
			if s[i] != '>' || i == 0 || s[i-1] != '=' && s[i-1] != '-' {
				depth--
			}
		case c:
			if depth == 0 && (c != '=' || (i+1 >= len(s) || s[i+1] != '=' && s[i+1] != '>') && (i == 0 || !strings.ContainsRune("=!<>", rune(s[i-1])))) {
				return i
			}
		}
	}
	return -1
}

// fieldsNoAnnotations splits Java declaration text into words, without
// annotations and modifiers.
func fieldsNoAnnotations(s string) []string {
	var out []string
	depth := 0
	cur := strings.Builder{}
	flush := func() {
		if w := cur.String(); w != "" {
			switch w {
			case "final", "public", "private", "protected", "static", "transient", "volatile":
			default:
				if !strings.HasPrefix(w, "@") {
					out = append(out, w)
				}
			}
		}
		cur.Reset()
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '<' || c == '(':
			depth++
			cur.WriteByte(c)
		case c == '>' || c == ')':
			depth--
			cur.WriteByte(c)
		case (c == ' ' || c == '\t' || c == '\n') && depth == 0:
			flush()
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return out
}

// parseDecl reads a local declaration (or a field's declaration text) as
// kept by extraction: the variable's name and what it is bound to.
func parseDecl(language, d string) (string, varBinding) {
	d = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(d), ";"))
	if d == "" {
		return "", varBinding{}
	}
	if rest, ok := strings.CutPrefix(d, "@cb "); ok && (language == lang.JavaScript || language == lang.TypeScript) {
		return parseCallbackLocal(rest)
	}
	switch language {
	case lang.Kotlin, lang.Swift:
		// val o: Order = ..., private val repo: Repo, let o = Order(...),
		// var x = try Foo(): the TypeScript rule (name: type = value).
		for _, p := range []string{"try? ", "try! ", "try "} {
			if i := strings.Index(d, "= "+p); i >= 0 {
				d = d[:i+2] + d[i+2+len(p):]
			}
		}
		name, b := parseDecl(lang.TypeScript, d)
		b.typ = ktSwiftType(b.typ)
		return name, b
	case lang.CSharp: // Order o = ..., var o = new Order(...), private readonly Repo _repo;
		return parseDecl(lang.Java, ooDeclText(language, d))
	case lang.PHP:
		d = ooDeclText(language, d)
		if indexTop(d, '=') >= 0 && len(strings.Fields(d[:indexTop(d, '=')])) == 1 {
			return parseDecl(lang.Python, d) // $o = new Order(...)
		}
		return parseDecl(lang.Java, d) // private Repo $repo;
	case lang.Ruby: // o = Order.new(...): a new Order
		name, b := parseDecl(lang.Python, d)
		if t, ok := strings.CutSuffix(b.call, ".new"); ok {
			b.call = "new " + t
		}
		return name, b
	case lang.Python, lang.JavaScript, lang.TypeScript, lang.Rust:
		if language == lang.Rust {
			d = strings.TrimPrefix(d, "let ")
			d = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(d), "mut "))
		}
		left, right := d, ""
		if eq := indexTop(d, '='); eq >= 0 {
			left, right = d[:eq], strings.TrimSpace(d[eq+1:])
		}
		name, typ, _ := strings.Cut(left, ":")
		f := strings.Fields(name)
		if len(f) == 0 {
			return "", varBinding{}
		}
		name = strings.TrimSuffix(strings.TrimPrefix(f[len(f)-1], "#"), "?")
		name = strings.TrimPrefix(strings.TrimPrefix(name, "self."), "this.")
		if !isIdent(name) {
			return "", varBinding{}
		}
		if t := strings.TrimSpace(typ); t != "" {
			return name, varBinding{typ: t}
		}
		return name, varBinding{call: initCallee(language, right)}
	case lang.Java:
		left, right := d, ""
		if eq := indexTop(d, '='); eq >= 0 {
			left, right = d[:eq], strings.TrimSpace(d[eq+1:])
		}
		f := fieldsNoAnnotations(left)
		if len(f) < 2 || len(splitTop(left, ',')) > 1 {
			return "", varBinding{}
		}
		name, typ := f[len(f)-1], strings.Join(f[:len(f)-1], " ")
		if !isIdent(name) {
			return "", varBinding{}
		}
		if typ == "var" {
			return name, varBinding{call: initCallee(language, right)}
		}
		return name, varBinding{typ: typ}
	}
	return "", varBinding{}
}

// initCallee returns the callee of an initialiser that constructs or calls
// something named: new Foo(...) → "new Foo", Foo(...) → "Foo",
// Foo::new(...)? → "Foo::new", Foo { .. } → "Foo{}", await f() → "f".
func initCallee(language, v string) string {
	v = strings.TrimSpace(v)
	v = strings.TrimPrefix(v, "await ")
	if language == lang.Rust {
		v = strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(v, "?")), ".unwrap()")
		v = strings.TrimPrefix(v, "&")
	}
	isNew := strings.HasPrefix(v, "new ")
	if isNew {
		v = strings.TrimSpace(v[4:])
	}
	end := 0
	for end < len(v) && (isIdentByte(v[end]) || v[end] == '.' || v[end] == ':' || v[end] == '$') {
		end++
	}
	callee := v[:end]
	rest := strings.TrimSpace(v[end:])
	if language == lang.Rust && strings.HasPrefix(rest, "{") {
		return callee + "{}"
	}
	if g := strings.IndexByte(rest, '('); g > 0 && (rest[0] == '<' || rest[0] == '[') { // new Foo<T>(), Foo[int]()
		rest = rest[g:]
	}
	if callee == "" || !strings.HasPrefix(rest, "(") {
		return ""
	}
	if e := matchClose(rest, 0, '(', ')'); e >= 0 && strings.TrimSpace(rest[e+1:]) != "" {
		return "" // Foo(x).bar(): the type of a chain is not followed
	} // (no closing parenthesis: a declaration cut at its first line)
	if isNew {
		return "new " + callee
	}
	return callee
}

// typeName reduces a type expression to the dotted name of the type whose
// methods a value of it has: &mut Widget → Widget, Optional[Repo] → Repo,
// Repo | None → Repo, Box<Repo> → Repo, List<Foo> → List, Foo[] → "".
func typeName(language, t string) string {
	t = strings.TrimSpace(t)
	t = strings.Trim(t, "\"'")
	for {
		old := t
		t = strings.TrimSpace(t)
		t = strings.TrimPrefix(t, "&")
		if strings.HasPrefix(t, "'") { // &'a T
			if i := strings.IndexByte(t, ' '); i > 0 {
				t = t[i+1:]
			}
		}
		for _, p := range []string{"mut ", "dyn ", "impl ", "readonly ", "final "} {
			t = strings.TrimPrefix(t, p)
		}
		if parts := splitTop(t, '|'); len(parts) > 1 {
			var keep []string
			for _, p := range parts {
				switch strings.TrimSpace(p) {
				case "None", "null", "undefined":
				default:
					keep = append(keep, p)
				}
			}
			if len(keep) != 1 {
				return ""
			}
			t = keep[0]
		}
		for _, w := range []string{"Optional[", "typing.Optional[", "t.Optional[", "Box<", "Rc<", "Arc<", "RefCell<", "Readonly<"} {
			if strings.HasPrefix(t, w) && (strings.HasSuffix(t, "]") || strings.HasSuffix(t, ">")) {
				t = t[len(w) : len(t)-1]
			}
		}
		if t == old {
			break
		}
	}
	if strings.HasSuffix(t, "[]") || strings.HasSuffix(t, "...") {
		return ""
	}
	if i := strings.IndexAny(t, "<["); i >= 0 {
		t = t[:i]
	}
	t = strings.ReplaceAll(strings.TrimSpace(t), "::", ".")
	for _, p := range strings.Split(t, ".") {
		if !isIdent(p) {
			return ""
		}
	}
	return t
}

// enclosingType returns the type a callable (or any node) sits in.
func enclosingType(ff *fileFacts, id graph.NodeID) *graph.Node {
	n := ff.byID[id]
	for n != nil && !n.Kind.IsType() {
		n = ff.byID[n.Parent]
	}
	return n
}

// ownerType returns the type whose member caller is: the enclosing type
// node, or for a Rust impl block in a file without the type's definition
// (impl Circle in ops.rs), the type its name resolves to there.
func (r *resolver) ownerType(ff *fileFacts, caller graph.NodeID) *graph.Node {
	if t := enclosingType(ff, caller); t != nil {
		return t
	}
	n := enclosingCallable(ff, caller)
	for n != nil && n.Kind != graph.KindMethod {
		n = enclosingCallable(ff, n.Parent)
	}
	if n == nil || n.Language != lang.Rust && n.Language != lang.Swift {
		return nil // (Swift: a method of an extension of a type of another file)
	}
	owner := strings.TrimSuffix(n.QualifiedName, "."+n.Name)
	if owner == n.QualifiedName {
		return nil
	}
	if i := strings.LastIndexByte(owner, '.'); i >= 0 {
		owner = owner[i+1:]
	}
	if t, ok := r.resolveTypeName(ff.file, owner); ok && t.node != nil {
		return t.node
	}
	return nil
}

// enclosingCallable returns the innermost callable holding id (itself
// included).
func enclosingCallable(ff *fileFacts, id graph.NodeID) *graph.Node {
	n := ff.byID[id]
	for n != nil && !n.Kind.IsCallable() {
		n = ff.byID[n.Parent]
	}
	return n
}

// resolveTypeName finds the type a name means in file: a type of the file,
// of the same Java package, or an imported one (followed through
// re-exports); mod.Type through an imported module.
func (r *resolver) resolveTypeName(file, name string) (typeRes, bool) {
	if name == "" {
		return typeRes{}, false
	}
	key := file + "\x00" + name
	if t, ok := r.typeNames[key]; ok {
		return t, t.node != nil || t.extSym != ""
	}
	t := r.lookupTypeName(file, name)
	if r.typeNames == nil {
		r.typeNames = map[string]typeRes{}
	}
	r.typeNames[key] = t
	return t, t.node != nil || t.extSym != ""
}

func (r *resolver) lookupTypeName(file, name string) typeRes {
	language := r.langOf[file]
	if lr := languageRules[language]; lr != nil && lr.typeName != nil {
		return lr.typeName(r, file, name)
	}
	ff := r.facts(file)
	parts := strings.Split(name, ".")
	pick := func(ids []graph.NodeID) typeRes {
		var out *graph.Node
		for _, id := range ids {
			if n := r.nodeByID(id); n != nil && n.Kind.IsType() {
				if out != nil {
					return typeRes{} // ambiguous
				}
				out = n
			}
		}
		return typeRes{node: out}
	}
	if len(parts) == 1 {
		if ids := ff.top[name]; len(ids) > 0 {
			return pick(ids)
		}
		if ids := ff.types[name]; len(ids) > 0 {
			return pick(ids) // a nested type of this file (Outer.Inner named Inner)
		}
		if language == lang.Java {
			if ids := r.samePackageType(file, name); len(ids) > 0 {
				return pick(ids)
			}
			if ids := r.javaStarImportType(ff, name); len(ids) > 0 {
				return pick(ids)
			}
		}
		imp, ok := ff.imports[name]
		if !ok || imp.name == "" {
			if mod, pre := rustPrelude[name]; pre && !ok && language == lang.Rust {
				return typeRes{extModule: mod, extSym: name} // Vec, String, Option, Box: the standard prelude
			}
			return typeRes{}
		}
		ids, res := r.fromModule(file, language, imp, imp.name)
		if res == graph.ResExternal {
			return typeRes{extModule: imp.module, extSym: imp.name}
		}
		return pick(ids)
	}
	// Outer.Inner of this file, or mod.Type of an imported module.
	if ids := ff.top[parts[0]]; len(ids) == 1 {
		if n := ff.byID[ids[0]]; n != nil && n.Kind.IsType() {
			return pick(r.members(file, n.QualifiedName+"."+strings.Join(parts[1:len(parts)-1], "."), parts[len(parts)-1]))
		}
	}
	if len(parts) == 2 {
		if imp, ok := ff.imports[parts[0]]; ok {
			if imp.name == "" {
				ids, res := r.fromModule(file, language, imp, parts[1])
				if res == graph.ResExternal {
					return typeRes{extModule: imp.module, extSym: parts[1]}
				}
				return pick(ids)
			}
			if language == lang.Python { // from pkg import mod; mod.Type
				sub := imp.module + "." + imp.name
				if strings.HasSuffix(imp.module, ".") {
					sub = imp.module + imp.name
				}
				if files := r.moduleFiles(file, language, sub); len(files) > 0 {
					return pick(r.exported(files[0], parts[1], 0, nil))
				}
			}
		}
	}
	if language == lang.Java && len(parts) > 2 { // a.b.Foo fully qualified
		for _, f := range r.javaFiles(name) {
			return pick(r.facts(f).top[parts[len(parts)-1]])
		}
	}
	return typeRes{}
}

// nodeByID returns a repository node through its file's facts.
func (r *resolver) nodeByID(id graph.NodeID) *graph.Node {
	if n, ok := r.nodeCache[id]; ok {
		return n
	}
	var out *graph.Node
	if n, err := r.st.Node(id); err == nil {
		out = r.facts(n.File).byID[id]
	}
	if r.nodeCache == nil {
		r.nodeCache = map[graph.NodeID]*graph.Node{}
	}
	r.nodeCache[id] = out
	return out
}

// basesOf returns the classes, interfaces and traits t extends or
// implements, resolved in t's file.
func (r *resolver) basesOf(t *graph.Node) []typeRes {
	if b, ok := r.baseCache[t.ID]; ok {
		return b
	}
	var out []typeRes
	var targets []string
	r.st.OutEdges(t.ID, []graph.EdgeKind{graph.EdgeInherits, graph.EdgeImplements}, func(e graph.Edge) error {
		targets = append(targets, e.Target)
		return nil
	})
	for _, tg := range targets {
		if b, ok := r.enclosingScopeType(t, typeName(t.Language, tg)); ok { // class Sub(Base) inside a function (scopes.go)
			out = append(out, b)
			continue
		}
		if b, ok := r.resolveTypeName(t.File, typeName(t.Language, tg)); ok && b.node != t {
			out = append(out, b)
		}
	}
	if r.baseCache == nil {
		r.baseCache = map[graph.NodeID][]typeRes{}
	}
	r.baseCache[t.ID] = out
	return out
}

// classMethod finds method name on t or, breadth first, on its bases; a
// method of a library base is an external symbol of language.
func (r *resolver) classMethod(language string, t typeRes, name string) ([]graph.NodeID, graph.Resolution) {
	seen := map[graph.NodeID]bool{}
	level := []typeRes{t}
	var ext *typeRes
	for depth := 0; depth < maxBaseDepth && len(level) > 0; depth++ {
		var next []typeRes
		for i := range level {
			c := level[i]
			if c.node == nil {
				if c.extSym != "" && ext == nil {
					ext = &level[i]
				}
				continue
			}
			if seen[c.node.ID] {
				continue
			}
			seen[c.node.ID] = true
			ids := r.ownMembers(c.node, r.members(c.node.File, c.node.QualifiedName, name))
			if len(ids) == 0 && c.node.Language == lang.Rust {
				ids = r.rustImplMethods(c.node, name)
			}
			if len(ids) == 0 && c.node.Language == lang.Swift {
				ids = r.swiftExtensionMembers(c.node, name)
			}
			if depth > 0 && len(ids) > 0 && c.node.Name == name {
				ids = nil // constructors are not inherited: new Base() in a subclass names the class
			}
			if len(ids) > 0 {
				return r.pickGeneric(ids)
			}
			next = append(next, r.basesOf(c.node)...)
		}
		level = next
	}
	if ext != nil {
		return []graph.NodeID{r.external(language, ext.extModule, ext.extSym+"."+name)}, graph.ResExternal
	}
	return nil, graph.ResUnresolved
}

// fieldType returns the type of attribute name of class t (or of its
// bases): from the field's declaration text, or for self.x = x in a
// constructor, from the constructor's parameter.
func (r *resolver) fieldType(t *graph.Node, name string) (typeRes, bool) {
	seen := map[graph.NodeID]bool{}
	level := []*graph.Node{t}
	for depth := 0; depth < maxBaseDepth && len(level) > 0; depth++ {
		var next []*graph.Node
		for _, c := range level {
			if seen[c.ID] {
				continue
			}
			seen[c.ID] = true
			ff := r.facts(c.File)
			if f := ff.fields[c.QualifiedName+"."+name]; f != nil {
				return r.fieldDeclType(ff, c, f)
			}
			for _, b := range r.basesOf(c) {
				if b.node != nil {
					next = append(next, b.node)
				}
			}
		}
		level = next
	}
	return typeRes{}, false
}

func (r *resolver) fieldDeclType(ff *fileFacts, class, f *graph.Node) (typeRes, bool) {
	sig := f.Signature
	language := f.Language
	switch language {
	case lang.TypeScript, lang.JavaScript:
		sig = stripModifiers(sig, "private", "public", "protected", "readonly", "static", "declare", "override", "abstract", "accessor")
	case lang.Rust:
		sig = strings.TrimSpace(sig)
		if strings.HasPrefix(sig, "pub(") {
			if i := strings.IndexByte(sig, ')'); i > 0 {
				sig = sig[i+1:]
			}
		}
		sig = stripModifiers(sig, "pub")
	}
	_, b := parseDecl(language, sig)
	if b.typ == "" && b.call == "" && language == lang.Python {
		// self.repo = repo in __init__: the constructor parameter's type.
		if _, v, ok := strings.Cut(sig, "="); ok && isIdent(strings.TrimSpace(v)) {
			for _, id := range ff.byQN[class.QualifiedName+".__init__"] {
				if ctor := ff.byID[id]; ctor != nil {
					b = r.callerVars(ctor)[strings.TrimSpace(v)]
				}
			}
		}
	}
	if language == lang.TypeScript && b.typ == "" && b.call == "" {
		// constructor(private repo: Repo): the field's text is the parameter.
		if n, t := parseParam(language, sig); n != "" {
			b.typ = t
		}
	}
	return r.bindingType(f.File, class, b)
}

func stripModifiers(s string, mods ...string) string {
	s = strings.TrimSpace(s)
	for changed := true; changed; {
		changed = false
		for _, m := range mods {
			if strings.HasPrefix(s, m+" ") {
				s = strings.TrimSpace(s[len(m)+1:])
				changed = true
			}
		}
	}
	return s
}

// bindingType turns a variable binding into a type, in file (self is the
// enclosing class, for Rust's Self).
func (r *resolver) bindingType(file string, self *graph.Node, b varBinding) (typeRes, bool) {
	language := r.langOf[file]
	if b.typ != "" {
		tn := typeName(language, b.typ)
		if tn == "Self" && self != nil {
			return typeRes{node: self}, true
		}
		return r.resolveTypeName(file, tn)
	}
	if b.call == "" {
		return typeRes{}, false
	}
	callee := b.call
	if strings.HasPrefix(callee, "new ") {
		return r.resolveTypeName(file, strings.ReplaceAll(callee[4:], "::", "."))
	}
	if strings.HasSuffix(callee, "{}") { // Rust struct literal
		return r.resolveTypeName(file, strings.ReplaceAll(strings.TrimSuffix(callee, "{}"), "::", "."))
	}
	callee = strings.ReplaceAll(callee, "::", ".")
	if language != lang.Rust {
		// Python: Foo() constructs Foo.
		if t, ok := r.resolveTypeName(file, callee); ok {
			return t, true
		}
	}
	// A function or associated function: its declared result type.
	i := strings.LastIndexByte(callee, '.')
	var fns []graph.NodeID
	var owner *graph.Node
	if i < 0 {
		fns = r.facts(file).top[callee]
		if len(fns) == 0 {
			if imp, ok := r.facts(file).imports[callee]; ok && imp.name != "" {
				fns, _ = r.fromModule(file, language, imp, imp.name)
			}
		}
	} else if imp, ok := r.facts(file).imports[callee[:i]]; ok && imp.name == "" && language != lang.Rust && language != lang.Java {
		fns, _ = r.fromModule(file, language, imp, callee[i+1:]) // import * as mod; mod.f()
	} else {
		t, ok := r.resolveTypeName(file, callee[:i])
		if !ok || t.node == nil {
			return typeRes{}, false
		}
		owner = t.node
		fns = r.members(owner.File, owner.QualifiedName, callee[i+1:])
	}
	if len(fns) != 1 {
		return typeRes{}, false
	}
	fn := r.nodeByID(fns[0])
	if fn == nil || !fn.Kind.IsCallable() {
		return typeRes{}, false
	}
	rt := resultType(language, fn)
	if rt == "" {
		return typeRes{}, false
	}
	if language == lang.Rust {
		for _, w := range []string{"Result<", "Option<", "io::Result<"} { // Foo::open()? / .unwrap()
			if strings.HasPrefix(rt, w) && strings.HasSuffix(rt, ">") {
				rt = strings.TrimSpace(splitTop(rt[len(w):len(rt)-1], ',')[0])
			}
		}
	}
	return r.bindingType(fn.File, owner, varBinding{typ: rt})
}

// resultType returns the declared result type of a callable's signature.
func resultType(language string, fn *graph.Node) string {
	sig := fn.Signature
	switch language {
	case lang.Python, lang.Rust:
		if i := strings.LastIndex(sig, "->"); i >= 0 {
			t := strings.TrimSpace(sig[i+2:])
			if j := strings.Index(t, " where "); j >= 0 {
				t = t[:j]
			}
			return t
		}
	case lang.TypeScript:
		if rest := afterParams(sig, fn.Name); strings.HasPrefix(rest, ":") {
			return strings.TrimSpace(rest[1:])
		}
	case lang.PHP:
		if rest := afterParams(sig, fn.Name); strings.HasPrefix(rest, ":") {
			return strings.TrimPrefix(strings.TrimSpace(rest[1:]), "?")
		}
	case lang.Kotlin: // fun find(id: Int): Order?
		if rest := afterParams(sig, fn.Name); strings.HasPrefix(rest, ":") {
			return ktSwiftType(rest[1:])
		}
	case lang.Swift: // func find(id: Int) throws -> Order?
		if i := strings.LastIndex(sig, "->"); i >= 0 {
			t := strings.TrimSpace(sig[i+2:])
			if j := strings.Index(t, " where "); j >= 0 {
				t = t[:j]
			}
			return ktSwiftType(t)
		}
	case lang.Java, lang.CSharp:
		i := strings.Index(sig, " "+fn.Name+"(")
		if i < 0 {
			return ""
		}
		f := fieldsNoAnnotations(sig[:i])
		if len(f) == 0 {
			return ""
		}
		if t := f[len(f)-1]; t != "void" && !strings.HasPrefix(t, "<") {
			return t
		}
	}
	return ""
}

// receiverType finds the type of the receiver head written in a call from
// caller: self/this/cls (the enclosing class), a parameter or local of the
// enclosing callables, or (Java) a field of the enclosing class.
func (r *resolver) receiverType(ff *fileFacts, caller graph.NodeID, head string) (typeRes, bool) {
	language := r.langOf[ff.file]
	switch head {
	case "self", "this", "cls", "Self":
		if t := r.ownerType(ff, caller); t != nil {
			return typeRes{node: t}, true
		}
		return typeRes{}, false
	}
	for n := enclosingCallable(ff, caller); n != nil; {
		if b, ok := r.callerVars(n)[head]; ok {
			if b.cb != "" {
				return r.callbackParamType(ff, n.ID, b.cb)
			}
			return r.bindingType(ff.file, enclosingType(ff, n.ID), b)
		}
		n = enclosingCallable(ff, n.Parent)
	}
	if language == lang.Java {
		if t := enclosingType(ff, caller); t != nil {
			if ft, ok := r.fieldType(t, head); ok {
				return ft, true
			}
		}
	}
	return r.moduleVarType(ff.file, head, 0) // modvars.go
}

// resolveTyped binds a call receiver.field…method() through the types of
// the receiver and of each field on the way; ok is false when the
// receiver's type is not known.
func (r *resolver) resolveTyped(ff *fileFacts, caller graph.NodeID, parts []string) ([]graph.NodeID, graph.Resolution, bool) {
	t, ok := r.receiverType(ff, caller, parts[0])
	if !ok {
		return nil, graph.ResUnresolved, false
	}
	for _, f := range parts[1 : len(parts)-1] {
		if t.node == nil {
			return nil, graph.ResUnresolved, true // a field of a library type
		}
		if t, ok = r.fieldType(t.node, f); !ok {
			return nil, graph.ResUnresolved, true
		}
	}
	name := parts[len(parts)-1]
	if t.node == nil {
		return []graph.NodeID{r.external(r.langOf[ff.file], t.extModule, t.extSym+"."+name)}, graph.ResExternal, true
	}
	ids, res := r.classMethod(r.langOf[ff.file], t, name)
	return ids, res, true
}

// resolveSuper binds super.m() (Java), super().m() / super(C, self).m()
// (Python): m on a base of the enclosing class.
func (r *resolver) resolveSuper(ff *fileFacts, caller graph.NodeID, name string) ([]graph.NodeID, graph.Resolution) {
	t := r.ownerType(ff, caller)
	if t == nil {
		return nil, graph.ResUnresolved
	}
	for _, b := range r.basesOf(t) {
		if b.node == nil {
			if b.extSym != "" {
				return []graph.NodeID{r.external(r.langOf[ff.file], b.extModule, b.extSym+"."+name)}, graph.ResExternal
			}
			continue
		}
		if ids, res := r.classMethod(r.langOf[ff.file], b, name); len(ids) > 0 {
			return ids, res
		}
	}
	return nil, graph.ResUnresolved
}

// rustImplMethods finds method name of Rust type t defined in an impl
// block of another file of the same crate (impl Store in store/ops.rs).
func (r *resolver) rustImplMethods(t *graph.Node, name string) []graph.NodeID {
	crate := rustCrateSrc(t.File)
	var out []graph.NodeID
	r.st.NodesByQualifiedName(t.Name+"."+name, func(n graph.Node) error {
		if n.Language == lang.Rust && n.File != t.File && n.Kind.IsCallable() && rustCrateSrc(n.File) == crate {
			out = append(out, n.ID)
		}
		return nil
	})
	return out
}

// ktSwiftType normalises a Kotlin or Swift type as declared: Order? and
// Order! are Order, inout Point is Point.
func ktSwiftType(t string) string {
	t = strings.TrimSpace(t)
	t = strings.TrimPrefix(t, "inout ")
	return strings.TrimRight(t, "?!")
}
