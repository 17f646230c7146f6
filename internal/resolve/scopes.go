package resolve

import (
	"strconv"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
)

// Scope and construction rules shared by Python, JavaScript/TypeScript and
// Rust (resolveGeneric calls them):
//
//   - A name is looked up in the functions that enclose the caller first,
//     innermost first: a function or class declared inside a function
//     (function getSizing() {} in error(), class Index: inside a test
//     function) shadows any top-level or imported one of that name.
//   - TS/JS namespaces are scopes of the file (ns.f(), util.assertNever()
//     through an import of util).
//   - new C() in TS/JS binds to the constructor that runs: C's own, else the
//     nearest base class's; C itself when no class on the way declares one.
//     super(...) binds to the base class's constructor.
//   - A default import (import f from "./x") called as f() binds to the
//     module's default export.

// enclosingScopeLookup finds name declared directly inside one of the
// callables enclosing caller (innermost first).
func (r *resolver) enclosingScopeLookup(ff *fileFacts, caller graph.NodeID, name string, types bool) []graph.NodeID {
	for n := enclosingCallable(ff, caller); n != nil; n = enclosingCallable(ff, n.Parent) {
		var out []graph.NodeID
		for _, id := range ff.byQN[n.QualifiedName+"."+name] {
			if d := ff.byID[id]; d != nil && d.Parent == n.ID && (d.Kind.IsCallable() || types && d.Kind.IsType()) {
				out = append(out, id)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// isScopeNode reports whether a top-level node is a namespace whose
// members are reached as ns.member.
func isScopeNode(n *graph.Node) bool {
	return n != nil && n.Kind == graph.KindNamespace
}

// withoutScopes drops namespace nodes from candidates of a call (a
// function merged with a namespace of the same name is the function).
func withoutScopes(ff *fileFacts, ids []graph.NodeID) []graph.NodeID {
	for _, id := range ids {
		if isScopeNode(ff.byID[id]) {
			out := make([]graph.NodeID, 0, len(ids))
			for _, id := range ids {
				if !isScopeNode(ff.byID[id]) {
					out = append(out, id)
				}
			}
			return out
		}
	}
	return ids
}

// constructorOf returns the constructor that new t() runs in TS/JS: t's
// own, else the nearest base class's; nil when none is declared in the
// repository.
func (r *resolver) constructorOf(t *graph.Node) []graph.NodeID {
	ids, res := r.classMethod(t.Language, typeRes{node: t}, "constructor")
	if res == graph.ResExternal || len(ids) == 0 {
		return nil
	}
	return lastOverload(r, ids)
}

// lastOverload keeps, of TypeScript overloads (same owner and name), the
// implementation: the last one written.
func lastOverload(r *resolver, ids []graph.NodeID) []graph.NodeID {
	if len(ids) < 2 {
		return ids
	}
	var best *graph.Node
	for _, id := range ids {
		n := r.nodeByID(id)
		if n == nil || n.Language != lang.TypeScript || !n.Kind.IsCallable() {
			return ids
		}
		if best != nil && (n.Parent != best.Parent || n.Name != best.Name || n.File != best.File) {
			return ids
		}
		if best == nil || n.StartLine > best.StartLine {
			best = n
		}
	}
	return []graph.NodeID{best.ID}
}

// jsCallTarget maps what a TS/JS call resolved to onto what runs: a class
// to its constructor, overloads to their implementation.
func (r *resolver) jsCallTarget(ids []graph.NodeID, res graph.Resolution) ([]graph.NodeID, graph.Resolution) {
	if res != graph.ResExact && res != graph.ResAmbiguous && res != graph.ResInferred {
		return ids, res
	}
	if res == graph.ResAmbiguous {
		if one := lastOverload(r, ids); len(one) == 1 {
			ids, res = one, graph.ResExact
		}
	}
	if len(ids) != 1 {
		return ids, res
	}
	if n := r.nodeByID(ids[0]); n != nil && n.Kind == graph.KindClass {
		if c := r.constructorOf(n); len(c) == 1 {
			return c, res
		}
	}
	return ids, res
}

// resolveSuperCall binds super(...) in a TS/JS constructor to the base
// class's constructor (the class when the base declares none).
func (r *resolver) resolveSuperCall(ff *fileFacts, caller graph.NodeID) ([]graph.NodeID, graph.Resolution) {
	t := r.ownerType(ff, caller)
	if t == nil {
		return nil, graph.ResUnresolved
	}
	for _, b := range r.basesOf(t) {
		if b.node == nil {
			if b.extSym != "" {
				return []graph.NodeID{r.external(r.langOf[ff.file], b.extModule, b.extSym+".constructor")}, graph.ResExternal
			}
			continue
		}
		if b.node.Kind != graph.KindClass {
			continue
		}
		if c := r.constructorOf(b.node); len(c) > 0 {
			return r.pickGeneric(c)
		}
		return []graph.NodeID{b.node.ID}, graph.ResExact
	}
	return nil, graph.ResUnresolved
}

// defaultExport finds what a module file exports as default: a definition
// named default (export default function () {}), or one whose declaration
// is written export default (export default class Foo {}).
func (r *resolver) defaultExport(file string) []graph.NodeID {
	ff := r.facts(file)
	if ids := ff.top["default"]; len(ids) > 0 {
		return ids
	}
	fileID := graph.MakeNodeID(file, file, graph.KindFile, 0)
	for i := range ff.nodes {
		n := &ff.nodes[i]
		if n.Parent == fileID && (n.Kind.IsCallable() || n.Kind.IsType()) && strings.HasPrefix(n.Signature, "export default ") {
			return []graph.NodeID{n.ID}
		}
	}
	if imp, ok := ff.imports["default"]; ok && imp.name != "" { // export { x as default } from "./y"
		return r.exported(file, "default", 0, nil)
	}
	return nil
}

// jsPlainTarget drops optional chaining and non-null assertions from a
// callee: x?.m → x.m, a!.b.m → a.b.m.
func jsPlainTarget(t string) string {
	if !strings.ContainsAny(t, "?!") {
		return t
	}
	t = strings.ReplaceAll(t, "?.", ".")
	t = strings.ReplaceAll(t, "!.", ".")
	return t
}

// maxChain bounds the calls of a chain followed (a().b().c()).
const maxChain = 4

// resolveChain binds recv().m, where recv is itself a call, to the method m
// of the declared result type of what recv calls.
func (r *resolver) resolveChain(ff *fileFacts, e *graph.Edge) ([]graph.NodeID, graph.Resolution) {
	t, ok := r.chainType(ff, e, e.Target[:strings.LastIndex(e.Target, "().")], 0)
	if !ok {
		return nil, graph.ResUnresolved
	}
	name := e.Target[strings.LastIndex(e.Target, "().")+3:]
	if !isIdent(name) {
		return nil, graph.ResUnresolved
	}
	if t.node == nil {
		return []graph.NodeID{r.external(r.langOf[ff.file], t.extModule, t.extSym+"."+name)}, graph.ResExternal
	}
	return r.classMethod(r.langOf[ff.file], t, name)
}

// chainType returns the declared result type of the call callee() made
// from e's source.
func (r *resolver) chainType(ff *fileFacts, e *graph.Edge, callee string, depth int) (typeRes, bool) {
	if depth >= maxChain || callee == "" || strings.HasPrefix(callee, "new") && !isIdent(callee) {
		return typeRes{}, false
	}
	sub := *e
	sub.Target = callee
	ids, res := r.resolveGeneric(&sub)
	if res == graph.ResExternal || len(ids) != 1 {
		return typeRes{}, false
	}
	fn := r.nodeByID(ids[0])
	if fn != nil && fn.Kind.IsType() && fn.Language == lang.Python {
		return typeRes{node: fn}, true // Foo().m(): Foo constructs a Foo
	}
	if fn == nil || !fn.Kind.IsCallable() {
		return typeRes{}, false
	}
	if fn.Kind == graph.KindConstructor {
		if t := r.ownerOf(fn); t != nil {
			return typeRes{node: t}, true
		}
		return typeRes{}, false
	}
	rt := resultType(fn.Language, fn)
	if rt == "" {
		return typeRes{}, false
	}
	owner := r.ownerOf(fn)
	if rt == "this" && owner != nil {
		return typeRes{node: owner}, true
	}
	return r.bindingType(fn.File, owner, varBinding{typ: rt})
}

// ownerOf returns the type a member is declared in (nil for a function).
func (r *resolver) ownerOf(n *graph.Node) *graph.Node {
	return enclosingType(r.facts(n.File), n.ID)
}

// parseCallbackLocal reads extraction's "ARG PARAM NAME CALLEE" for a
// parameter of a function passed as an argument.
func parseCallbackLocal(s string) (string, varBinding) {
	f := strings.SplitN(s, " ", 4)
	if len(f) < 4 || !isIdent(f[2]) {
		return "", varBinding{}
	}
	return f[2], varBinding{cb: f[0] + " " + f[1] + " " + f[3]}
}

// callbackParamType types the parameter of a function passed as an
// argument (operate((source, subscriber) => ...)) from the signature of
// the callee: its ARG-th parameter's function type, that type's PARAM-th
// parameter (a leading this: parameter skipped on both levels).
func (r *resolver) callbackParamType(ff *fileFacts, caller graph.NodeID, cb string) (typeRes, bool) {
	f := strings.SplitN(cb, " ", 3)
	if len(f) < 3 {
		return typeRes{}, false
	}
	arg, param := atoiOr(f[0], -1), atoiOr(f[1], -1)
	callee := f[2]
	if arg < 0 || param < 0 {
		return typeRes{}, false
	}
	// The callee may itself be called on a callback parameter
	// (schema.refine((schema) => ...)): a parameter being typed is not
	// typed again.
	key := strconv.FormatUint(uint64(caller), 16) + " " + cb
	if r.cbBusy[key] {
		return typeRes{}, false
	}
	if r.cbBusy == nil {
		r.cbBusy = map[string]bool{}
	}
	r.cbBusy[key] = true
	defer delete(r.cbBusy, key)
	e := graph.Edge{Kind: graph.EdgeCalls, Src: caller, Target: strings.TrimPrefix(callee, "new "), File: ff.file}
	ids, res := r.resolveGeneric(&e)
	if res == graph.ResExternal || len(ids) != 1 {
		return typeRes{}, false
	}
	fn := r.nodeByID(ids[0])
	if fn == nil || !fn.Kind.IsCallable() {
		return typeRes{}, false
	}
	ft := nthParamType(fn.Language, paramList(fn.Signature, fn.Name), arg)
	ft = strings.TrimSpace(ft)
	if !strings.HasPrefix(ft, "(") {
		return typeRes{}, false // a named function type or none: not followed
	}
	end := matchClose(ft, 0, '(', ')')
	if end < 0 || !strings.HasPrefix(strings.TrimSpace(ft[end+1:]), "=>") {
		return typeRes{}, false
	}
	pt := nthParamType(fn.Language, ft[1:end], param)
	if pt == "" {
		return typeRes{}, false
	}
	return r.bindingType(fn.File, r.ownerOf(fn), varBinding{typ: pt})
}

// nthParamType returns the declared type of the n-th parameter of a
// parameter list, not counting a this: parameter.
func nthParamType(language, params string, n int) string {
	i := 0
	for _, p := range splitTop(params, ',') {
		name, typ := parseParam(language, p)
		if name == "this" {
			continue
		}
		if i == n {
			return typ
		}
		i++
	}
	return ""
}

func atoiOr(s string, def int) int {
	n := 0
	if s == "" {
		return def
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return def
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// ownMembers keeps, of the definitions whose qualified name puts them in
// t, those declared in t itself when there are any: in TS, an interface's
// method and a function of an object literal assigned to a constant of
// the same name (const T = make((inst) => ({ m() {} }))) share T.m.
func (r *resolver) ownMembers(t *graph.Node, ids []graph.NodeID) []graph.NodeID {
	if len(ids) < 2 {
		return ids
	}
	var own []graph.NodeID
	for _, id := range ids {
		if n := r.nodeByID(id); n != nil && n.Parent == t.ID {
			own = append(own, id)
		}
	}
	if len(own) == 0 {
		return ids
	}
	return own
}

// enclosingScopeType resolves a type name used by type t (a base class)
// in the functions enclosing t, innermost first.
func (r *resolver) enclosingScopeType(t *graph.Node, name string) (typeRes, bool) {
	if !isIdent(name) || t.Language == lang.Java || t.Language == lang.CPP {
		return typeRes{}, false
	}
	ff := r.facts(t.File)
	for _, id := range r.enclosingScopeLookup(ff, t.ID, name, true) {
		if n := ff.byID[id]; n != nil && n.Kind.IsType() && n.ID != t.ID {
			return typeRes{node: n}, true
		}
	}
	return typeRes{}, false
}

// resolveValue binds a name used as a value (a handler or callback passed
// as an argument: addEventListener("x", this.onX), map(self.handle, xs),
// items.map(parseItem)) like a call, to functions and methods of the
// repository only: a variable, a library's function or anything unknown
// leaves the reference unresolved.
func (r *resolver) resolveValue(e *graph.Edge) ([]graph.NodeID, graph.Resolution) {
	if isIdent(e.Target) && r.isParamOrLocal(r.facts(e.File), e.Src, e.Target) {
		return nil, graph.ResUnresolved // a parameter or local of that name shadows any function
	}
	call := *e
	call.Kind = graph.EdgeCalls
	ids, res := r.resolveGeneric(&call)
	if res != graph.ResExact && res != graph.ResAmbiguous {
		return nil, graph.ResUnresolved
	}
	for _, id := range ids {
		if n := r.nodeByID(id); n == nil || !n.Kind.IsCallable() || n.Kind == graph.KindConstructor {
			return nil, graph.ResUnresolved
		}
	}
	return ids, res
}

// isParamOrLocal reports whether name is a parameter (typed or not) or a
// kept local of a callable enclosing caller.
func (r *resolver) isParamOrLocal(ff *fileFacts, caller graph.NodeID, name string) bool {
	for n := enclosingCallable(ff, caller); n != nil; n = enclosingCallable(ff, n.Parent) {
		if _, ok := r.callerVars(n)[name]; ok {
			return true
		}
		for _, p := range splitTop(paramList(n.Signature, n.Name), ',') {
			p = strings.TrimLeft(strings.TrimSpace(p), "*.")
			if i := strings.IndexAny(p, ":=?"); i >= 0 {
				p = p[:i]
			}
			f := strings.Fields(p)
			if len(f) > 0 && f[len(f)-1] == name {
				return true
			}
		}
	}
	return false
}
