package resolve

import (
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
