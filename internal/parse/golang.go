package parse

import (
	"strconv"
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// Go's local declarations carry their block scope, so that resolution can
// follow Go's shadowing rules: each is stored as "S:F:E|decl", where S is
// the line the declaration starts on (its right-hand side is read in the
// scope before it), F the first line the names are visible on and E the
// last line of the enclosing block. decl is Go source: a short variable
// declaration, a var declaration, "for k, v := range x {}" or a receive
// ("v, ok := <-ch"). Parameters of function literals and the variable of
// each clause of a type switch become "var x T" declarations scoped to the
// literal's body or the clause.

// goLocals turns one @local capture of a Go file into scoped declarations.
func (e *extraction) goLocals(n *sitter.Node) []localDecl {
	switch n.Kind() {
	case "parameter_list": // a function literal's parameters
		fl := e.parentOfLocal(n)
		if fl == nil || fl.Kind() != "func_literal" {
			return nil
		}
		body := fl.ChildByFieldName("body")
		if body == nil {
			return nil
		}
		from := bodyFrom(body)
		var out []localDecl
		for i := uint(0); i < n.NamedChildCount(); i++ {
			p := n.NamedChild(i)
			typ := p.ChildByFieldName("type")
			if typ == nil {
				continue
			}
			t := e.text(typ)
			if p.Kind() == "variadic_parameter_declaration" {
				t = "[]" + t
			}
			var names []string
			for j := uint(0); j < p.NamedChildCount(); j++ {
				if c := p.NamedChild(j); c.Kind() == "identifier" {
					names = append(names, e.text(c))
				}
			}
			if len(names) == 0 || strings.ContainsAny(t, "\n") {
				continue
			}
			out = append(out, e.goScoped(n, from, body, "var "+strings.Join(names, ", ")+" "+t))
		}
		return out
	case "range_clause":
		fs := e.parentOfLocal(n)
		if fs == nil || n.ChildByFieldName("left") == nil {
			return nil
		}
		body := fs.ChildByFieldName("body")
		if body == nil {
			return nil
		}
		return []localDecl{e.goScoped(n, bodyFrom(body), fs, "for "+e.elided(n)+" {}")}
	case "type_switch_statement":
		alias := n.ChildByFieldName("alias")
		value := n.ChildByFieldName("value")
		if alias == nil || value == nil {
			return nil
		}
		name := e.text(alias)
		if !IsGoIdent(name) {
			return nil
		}
		var out []localDecl
		for i := uint(0); i < n.NamedChildCount(); i++ {
			c := n.NamedChild(i)
			var decl string
			switch c.Kind() {
			case "type_case":
				var types []string
				for j := uint(0); j < c.NamedChildCount(); j++ {
					if t := c.NamedChild(j); t.Kind() != "statement_list" && t.Kind() != "comment" {
						types = append(types, e.text(t))
					}
				}
				if len(types) == 1 && types[0] != "nil" {
					decl = "var " + name + " " + types[0]
				} else {
					decl = name + " := " + e.elided(value)
				}
			case "default_case":
				decl = name + " := " + e.elided(value)
			default:
				continue
			}
			out = append(out, e.goScoped(c, int(startPoint(c).Row)+1, c, decl))
		}
		return out
	case "receive_statement": // case v := <-ch: in a select
		cc := e.parentOfLocal(n)
		if cc == nil || n.ChildByFieldName("left") == nil {
			return nil
		}
		return []localDecl{e.goScoped(n, int(n.EndPosition().Row)+1, cc, e.elided(n))}
	case "short_var_declaration", "var_declaration":
		p := e.parentOfLocal(n)
		if p == nil {
			return nil
		}
		from := int(n.EndPosition().Row) + 1
		scope := p
		if p.Kind() == "statement_list" {
			from++ // visible from the next statement on
			if gp := e.nav.parent(p); gp != nil {
				scope = gp
			}
		}
		return []localDecl{e.goScoped(n, from, scope, e.elided(n))}
	}
	return nil
}

// parentOfLocal returns the parent of n, the @local capture being read:
// the node its pattern captured as @local.parent, else looked up.
func (e *extraction) parentOfLocal(n *sitter.Node) *sitter.Node {
	if e.localParent != nil {
		return e.localParent
	}
	return e.nav.parent(n)
}

// goScoped formats a declaration written at decl, visible from line from to
// the end of scope.
func (e *extraction) goScoped(decl *sitter.Node, from int, scope *sitter.Node, text string) localDecl {
	start := int(startPoint(decl).Row) + 1
	end := int(scope.EndPosition().Row) + 1
	return localDecl{start: startByte(decl), text: strconv.Itoa(start) + ":" + strconv.Itoa(max(from, start)) + ":" + strconv.Itoa(end) + "|" + text}
}

// bodyFrom is the first line on which the statements of a block can use
// what its header declares: the line after the brace of a block that spans
// lines (so a call on the header line, r.Route("/", func(r Router) {, is
// not in the literal's scope), else the block's own line.
func bodyFrom(body *sitter.Node) int {
	s, t := int(startPoint(body).Row)+1, int(body.EndPosition().Row)+1
	if t > s {
		return s + 1
	}
	return s
}

// elided returns a node's text with the bodies of composite literals and
// function literals replaced by {} and comments dropped: `s := &Server{...}`
// and a commented var ( ... ) block keep what resolution needs in a few
// bytes.
func (e *extraction) elided(n *sitter.Node) string {
	if n.EndByte()-startByte(n) <= 80 {
		return e.text(n)
	}
	var b strings.Builder
	at := startByte(n)
	var walk func(c, parent *sitter.Node)
	walk = func(c, parent *sitter.Node) {
		k := c.Kind()
		if k == "literal_value" || k == "block" && parent != nil && parent.Kind() == "func_literal" {
			b.Write(e.src[at:startByte(c)])
			b.WriteString("{}")
			at = c.EndByte()
			return
		}
		if k == "comment" {
			b.Write(e.src[at:startByte(c)])
			if strings.HasPrefix(e.text(c), "//") {
				b.WriteString("\n") // keeps the line break a line comment ends with
			}
			at = c.EndByte()
			return
		}
		for i := uint(0); i < c.NamedChildCount(); i++ {
			walk(c.NamedChild(i), c)
		}
	}
	var parent *sitter.Node
	if n.Kind() == "block" {
		parent = e.nav.parent(n)
	}
	walk(n, parent)
	b.Write(e.src[at:n.EndByte()])
	// Squeeze each line's blanks and drop empty lines; line breaks stay
	// (they end statements and specs: var ( a T \n b = f() )).
	var out []string
	for _, line := range strings.Split(b.String(), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			out = append(out, strings.Join(f, " "))
		}
	}
	return strings.Join(out, "\n")
}

// IsGoIdent reports whether s is a Go identifier (letters, digits and
// underscores, not starting with a digit; any non-ASCII rune counts as a
// letter).
func IsGoIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c > 0x7f || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}

// goValueFilter drops value references that cannot name a function, with
// what the file itself declares: fields that are not also method names,
// package-level variables and constants of the file, and CONSTANT_LIKE
// names; and the enclosing function's parameters and locals.
type goValueFilter struct {
	fields, methods, values map[string]bool
	locals                  map[*graph.Node]map[string]bool // localNames, by function
}

func newGoValueFilter(res *Result) *goValueFilter {
	f := &goValueFilter{fields: map[string]bool{}, methods: map[string]bool{}, values: map[string]bool{}}
	for i := range res.Nodes {
		n := &res.Nodes[i]
		switch n.Kind {
		case graph.KindField:
			f.fields[n.Name] = true
		case graph.KindMethod:
			f.methods[n.Name] = true
		case graph.KindVariable, graph.KindConstant:
			f.values[n.Name] = true
		}
	}
	return f
}

func (f *goValueFilter) keep(fn *graph.Node, target string) bool {
	last := target[strings.LastIndexByte(target, '.')+1:]
	if constantLike(last) {
		return false
	}
	if last == target { // a bare identifier
		return !f.values[target] && (fn == nil || !f.isLocal(fn, target))
	}
	return !f.fields[last] || f.methods[last]
}

// constantLike reports whether a name is spelt as Go spells constants and
// errno values, never functions: O_RDONLY, EINVAL, SIGTERM.
func constantLike(s string) bool {
	if len(s) < 2 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// isLocal reports whether a value reference written in fn names one of
// fn's parameters or locals (or is predeclared): those are variables, not
// functions, and are not recorded. A selector (x.f) is kept: a method
// value on a local is what the reference is for.
func (f *goValueFilter) isLocal(fn *graph.Node, target string) bool {
	if !IsGoIdent(target) {
		return false
	}
	switch target {
	case "nil", "true", "false", "iota", "_":
		return true
	}
	return f.localNames(fn)[target]
}

// localNames returns the identifiers of fn's signature from its first
// parenthesis on (receiver, parameters, named results; a type word too,
// rarely) and of the left-hand sides of its locals, listed once per
// function (asked for each of its value references, splitting its locals
// every time was quadratic in large functions).
func (f *goValueFilter) localNames(fn *graph.Node) map[string]bool {
	if m, ok := f.locals[fn]; ok {
		return m
	}
	m := map[string]bool{}
	if sig := fn.Signature; sig != "" {
		if i := strings.IndexByte(sig, '('); i >= 0 {
			addWords(m, sig[i:])
		}
	}
	if fn.Locals != "" {
		for l := range strings.SplitSeq(fn.Locals, "\x00") {
			if _, decl, ok := strings.Cut(l, "|"); ok {
				l = decl
			}
			lhs := l
			if i := strings.Index(l, ":="); i >= 0 {
				lhs = l[:i]
			} else if i := strings.Index(l, "="); i >= 0 {
				lhs = l[:i]
			}
			addWords(m, lhs)
		}
	}
	if f.locals == nil {
		f.locals = map[*graph.Node]map[string]bool{}
	}
	f.locals[fn] = m
	return m
}

// addWords adds the whole identifiers of s (maximal runs of identifier
// bytes: wordIn's words) to m.
func addWords(m map[string]bool, s string) {
	for i := 0; i < len(s); {
		if !identByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && identByte(s[j]) {
			j++
		}
		m[s[i:j]] = true
		i = j
	}
}

func identByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// GoSatisfies is the target of the implements edge extraction gives every
// top-level Go type that is not an interface: resolution binds it to the
// interfaces whose method sets the type's methods (in any file of its
// package) satisfy.
const GoSatisfies = "(method set)"

func goSatisfies(res *Result) {
	for i := range res.Nodes {
		n := &res.Nodes[i]
		if (n.Kind == graph.KindStruct || n.Kind == graph.KindTypeAlias) && n.QualifiedName == n.Name && !strings.Contains(n.Signature, "=") {
			res.Edges = append(res.Edges, graph.Edge{Kind: graph.EdgeImplements, Src: n.ID, Target: GoSatisfies, File: n.File, Line: n.StartLine})
		}
	}
}

// goConstType gives a Go constant that omits its expression list the type
// of the list it repeats (the last spec of its group with one: Go's
// implicit repetition), so "B" after "A T = iota" is signed "B T". An
// untyped repeated list (A = 1 << iota) adds nothing.
func (e *extraction) goConstType(d *def, sig string) string {
	n := d.node
	if d.kind != graph.KindConstant || n.Kind() != "const_spec" || n.ChildByFieldName("value") != nil || n.ChildByFieldName("type") != nil {
		return sig
	}
	if t := e.repeatedConstType(&n); t != "" && !strings.HasSuffix(sig, "…") {
		return sig + " " + strings.Join(strings.Fields(t), " ")
	}
	return sig
}

// repeatedConstType returns the type text of the expression list the
// const spec n (which has none) repeats, "" when that list is untyped or
// there is none. The answer for each spec is kept: the specs of a group
// are asked in order, so each walks back one spec instead of to the
// group's last list (a group of thousands of iota constants was
// quadratic: 2.7 s of a standard library index).
func (e *extraction) repeatedConstType(n *sitter.Node) string {
	if t, ok := e.constTypes[n.Id()]; ok {
		return t
	}
	t := ""
walk:
	for p := e.nav.prevNamedSibling(n); p != nil; p = e.nav.prevNamedSibling(p) {
		switch p.Kind() {
		case "comment":
			continue
		case "const_spec":
			if known, ok := e.constTypes[p.Id()]; ok {
				t = known // p repeats the same list as n
				break walk
			}
			if p.ChildByFieldName("value") == nil {
				continue
			}
			if ty := p.ChildByFieldName("type"); ty != nil {
				t = e.text(ty)
			}
		}
		break
	}
	if e.constTypes == nil {
		e.constTypes = map[uintptr]string{}
	}
	e.constTypes[n.Id()] = t
	return t
}
