package resolve

import (
	"path"
	"sort"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
)

// Resolution for Python, JavaScript/TypeScript, Java and Rust (and, by the
// same-file and self/this rules only, C++): a name is looked up in the
// caller's enclosing classes and their bases (self.m, this.m, an
// unqualified Java call), then the file's own top-level definitions, then
// the names the file imports, mapped to the module file they come from
// (jsmodules.go for tsconfig paths) and followed through re-exports. A
// call on a receiver whose type is written down (a typed parameter, local
// or field) binds to the method of that type (types.go); on a receiver of
// unknown type it stays unresolved, or, for the dynamic languages, is
// inferred when the repository has only one method of that name (infer.go).

type fileFacts struct {
	file    string
	nodes   []graph.Node
	byID    map[graph.NodeID]*graph.Node
	byQN    map[string][]graph.NodeID // callables and types by qualified name
	top     map[string][]graph.NodeID // top-level definitions by name
	imports map[string]importFact     // local name → what it imports
	fields  map[string]*graph.Node    // fields by qualified name
	types   map[string][]graph.NodeID // every type of the file (nested too) by name
	stars   []importFact              // export * from "m", from m import *
}

type importFact struct {
	module string // module as written: "os.path", "./money", ".models"
	name   string // imported name ("" for a whole module)
}

func (r *resolver) facts(file string) *fileFacts {
	if ff, ok := r.fileFacts[file]; ok {
		return ff
	}
	ff := &fileFacts{file: file, byID: map[graph.NodeID]*graph.Node{}, byQN: map[string][]graph.NodeID{},
		top: map[string][]graph.NodeID{}, imports: map[string]importFact{}, fields: map[string]*graph.Node{}, types: map[string][]graph.NodeID{}}
	r.fileFacts[file] = ff
	if ns, ok := r.preloaded[file]; ok && r.langOf[file] != lang.Go {
		ff.nodes = ns
		delete(r.preloaded, file)
	} else {
		r.st.NodesInFile(file, func(n graph.Node) error { ff.nodes = append(ff.nodes, n); return nil })
	}
	fileID := graph.MakeNodeID(file, file, graph.KindFile, 0)
	language := r.langOf[file]
	for i := range ff.nodes {
		n := &ff.nodes[i]
		ff.byID[n.ID] = n
		if n.Kind.IsCallable() || n.Kind.IsType() {
			ff.byQN[n.QualifiedName] = append(ff.byQN[n.QualifiedName], n.ID)
		}
		if n.Kind.IsType() {
			ff.types[n.Name] = append(ff.types[n.Name], n.ID)
		}
		switch {
		case n.Kind == graph.KindImport && n.Name == "*":
			imp := splitImport(language, n.QualifiedName, n.Name)
			imp.name = ""
			ff.stars = append(ff.stars, imp)
		case n.Kind == graph.KindImport:
			ff.imports[n.Name] = splitImport(language, n.QualifiedName, n.Name)
		case n.Kind == graph.KindField:
			if _, ok := ff.fields[n.QualifiedName]; !ok {
				ff.fields[n.QualifiedName] = n
			}
		case n.Parent == fileID && (n.Kind.IsCallable() || n.Kind.IsType() || isScopeNode(n)):
			ff.top[n.Name] = append(ff.top[n.Name], n.ID)
		}
	}
	return ff
}

// splitImport recovers module and imported name from an import node's
// qualified name with the language's rule ("pkg.mod.name" in Python,
// "./x:name" in JS/TS); by default the whole name is the module.
func splitImport(language, qn, local string) importFact {
	if lr := languageRules[language]; lr != nil && lr.splitImport != nil {
		return lr.splitImport(qn, local)
	}
	return importFact{module: qn}
}

// jsSplitImport: "./x:name" imports name from ./x.
func jsSplitImport(qn, _ string) importFact {
	if m, n, ok := strings.Cut(qn, ":"); ok {
		return importFact{module: m, name: n}
	}
	return importFact{module: qn}
}

// rustSplitImport: use crate::store::Store binds Store (or an alias) from
// the module crate::store; use a::b::{self} binds the module b itself.
func rustSplitImport(qn, _ string) importFact {
	if i := strings.LastIndex(qn, "::"); i > 0 {
		if last := qn[i+2:]; last != "self" {
			return importFact{module: qn[:i], name: last}
		}
		return importFact{module: qn[:i]}
	}
	return importFact{module: qn}
}

// javaSplitImport: import a.b.Foo binds Foo from the class file
// a/b/Foo.java.
func javaSplitImport(qn, local string) importFact {
	if i := strings.LastIndexByte(qn, '.'); i > 0 && qn[i+1:] == local {
		return importFact{module: qn[:i], name: local}
	}
	return importFact{module: qn}
}

// pySplitImport: "import a.b" binds a; "from a import b" stores a.b;
// relative ".x" / "..x.y" keep their dots.
func pySplitImport(qn, local string) importFact {
	if i := strings.LastIndexByte(qn, '.'); i >= 0 && qn[i+1:] == local && i > 0 && strings.Trim(qn[:i], ".") != "" {
		return importFact{module: qn[:i], name: local}
	}
	if i := strings.LastIndexByte(qn, '.'); i >= 0 && strings.HasPrefix(qn, ".") && qn[i+1:] == local {
		return importFact{module: qn[:i+1], name: local}
	}
	return importFact{module: qn}
}

// resolveGeneric resolves calls and base-class names of the languages
// without a resolver of their own.
func (r *resolver) resolveGeneric(e *graph.Edge) (ids []graph.NodeID, res graph.Resolution) {
	ff := r.facts(e.File)
	language := r.langOf[e.File]
	if e.Kind == graph.EdgeImports {
		return r.resolveModuleImport(e.File, language, e.Target)
	}
	if e.Kind == graph.EdgeReferences && (language == lang.Python || language == lang.JavaScript || language == lang.TypeScript) {
		if isIdent(e.Target) && r.isParamOrLocal(ff, e.Src, e.Target) {
			return nil, graph.ResUnresolved // a parameter or local of that name shadows the file's names
		}
		defer func() {
			if res == graph.ResUnresolved {
				ids, res = r.resolveValue(e) // a function passed as a value (scopes.go)
			}
		}()
	}
	if e.Kind == graph.EdgeCalls && (language == lang.JavaScript || language == lang.TypeScript) {
		defer func() { ids, res = r.jsCallTarget(ids, res) }() // new C(): its constructor (scopes.go)
		if e.Target == "super" {
			return r.resolveSuperCall(ff, e.Src)
		}
		if t := jsPlainTarget(e.Target); t != e.Target { // x?.m(), x!.m()
			e2 := *e
			e2.Target = t
			return r.resolveGeneric(&e2)
		}
		if strings.Contains(e.Target, "().") {
			return r.resolveChain(ff, e) // f().m(), x.f().m()
		}
	}
	target := strings.TrimPrefix(e.Target, "new ")
	if language == lang.Rust || language == lang.CPP {
		target = strings.TrimSuffix(strings.ReplaceAll(strings.TrimPrefix(target, "::"), "::", "."), "!")
		target = strings.TrimPrefix(target, "Self.") // Self::new() in an impl
		if strings.HasPrefix(e.Target, "Self::") {
			if ids := r.memberOfEnclosing(ff, e.Src, target); len(ids) > 0 {
				return r.pickGeneric(ids)
			}
			return nil, graph.ResUnresolved
		}
	}
	if language == lang.Python && e.Kind == graph.EdgeCalls && strings.Contains(target, "().") && !strings.HasPrefix(target, "super().") {
		return r.resolveChain(ff, e) // make().run(): make's declared result type (scopes.go)
	}
	if language == lang.Python && e.Kind == graph.EdgeCalls && strings.HasPrefix(target, "super().") {
		if name := target[len("super()."):]; isIdent(name) {
			return r.resolveSuper(ff, e.Src, name)
		}
	}
	parts := strings.Split(target, ".")
	for _, p := range parts {
		if !isIdent(p) {
			return nil, graph.ResUnresolved
		}
	}
	head := parts[0]
	typed := e.Kind == graph.EdgeCalls && len(parts) >= 2 && language != lang.CPP
	if typed && head == "super" && len(parts) == 2 && (language == lang.Java || language == lang.TypeScript || language == lang.JavaScript) {
		return r.resolveSuper(ff, e.Src, parts[1])
	}
	if typed && (len(parts) > 2 || !isSelfName(head)) {
		// A receiver whose type is written down: a parameter, a local, a
		// field chain (self.repo.find).
		if ids, res, ok := r.resolveTyped(ff, e.Src, parts); ok {
			return ids, res
		}
	}
	if typed {
		defer func() {
			if res == graph.ResUnresolved {
				ids, res = r.inferMethod(ff, e.Src, parts)
			}
		}()
	}
	if len(parts) == 1 {
		if language != lang.Java && language != lang.CPP {
			// A function or class declared in an enclosing function (scopes.go).
			if ids := r.enclosingScopeLookup(ff, e.Src, head, true); len(ids) > 0 {
				return r.pickGeneric(ids)
			}
		}
		if language == lang.Java || language == lang.CPP {
			// An unqualified call in a method means a member first.
			if ids := r.memberOfEnclosing(ff, e.Src, head); len(ids) > 0 {
				return r.pickGeneric(ids)
			}
		}
		if ids := withoutScopes(ff, ff.top[head]); len(ids) > 0 {
			return r.pickGeneric(ids)
		}
		if ids := ff.types[head]; len(ids) > 0 && (e.Kind == graph.EdgeInherits || e.Kind == graph.EdgeImplements || language == lang.Java) {
			return r.pickGeneric(ids) // a nested type of this file: extends View, new Node(...)
		}
		if language == lang.Java {
			// A class of the same package (new Foo(), Foo(...)).
			if ids := r.samePackageType(e.File, head); len(ids) > 0 {
				return r.pickGeneric(ids)
			}
			if ids := r.javaStarImportType(ff, head); len(ids) > 0 {
				return r.pickGeneric(ids) // import a.b.*
			}
		}
		if imp, ok := ff.imports[head]; ok && imp.name != "" {
			return r.fromModule(e.File, language, imp, imp.name)
		} else if ok && (language == lang.JavaScript || language == lang.TypeScript) && r.moduleFiles(e.File, language, imp.module) != nil {
			// import f from "./x"; f(): x's default export.
			return r.pickGeneric(r.defaultExport(r.moduleFiles(e.File, language, imp.module)[0]))
		} else if ok && (language == lang.JavaScript || language == lang.TypeScript) && !strings.HasPrefix(imp.module, ".") &&
			!strings.HasPrefix(imp.module, "/") && len(r.moduleFiles(e.File, language, imp.module)) == 0 {
			// const express = require("express"); express(): the package's default export.
			return []graph.NodeID{r.external(language, imp.module, "default")}, graph.ResExternal
		} else if !ok && e.Kind == graph.EdgeCalls {
			switch {
			case language == lang.Python && pyBuiltins()[head]:
				return []graph.NodeID{r.external(language, "builtins", head)}, graph.ResExternal
			case (language == lang.JavaScript || language == lang.TypeScript) && jsGlobals()[head]:
				return []graph.NodeID{r.external(language, "globalThis", head)}, graph.ResExternal
			case language == lang.Rust && head == "drop" && e.Kind == graph.EdgeCalls:
				return []graph.NodeID{r.external(language, "std::mem", head)}, graph.ResExternal // the prelude's drop
			}
		}
		return nil, graph.ResUnresolved
	}
	if len(parts) == 2 && e.Kind == graph.EdgeCalls && (head == "self" || head == "this" || head == "cls") {
		if ids := r.memberOfEnclosing(ff, e.Src, parts[1]); len(ids) > 0 {
			return r.pickGeneric(ids)
		}
		return nil, graph.ResUnresolved
	}
	if language == lang.Rust && e.Kind == graph.EdgeCalls && strings.Contains(e.Target, "::") {
		// crate::a::f(), axum::serve(), other_crate::Type::new(): a path
		// into this crate or a crate of the repository (rustcrates.go).
		if ids, res, ok := r.resolveRustPath(e.File, strings.Split(strings.TrimSuffix(strings.TrimPrefix(e.Target, "::"), "!"), "::")); ok {
			return ids, res
		}
	}
	if len(parts) == 2 {
		// Class.method of this file, or module.func / Class.method of an
		// imported name.
		if ids := ff.top[head]; len(ids) == 1 {
			if n := ff.byID[ids[0]]; n != nil && (n.Kind.IsType() || isScopeNode(n)) {
				if ids := r.members(e.File, n.QualifiedName, parts[1]); len(ids) > 0 {
					return r.pickGeneric(ids)
				}
			}
			return nil, graph.ResUnresolved
		}
		if imp, ok := ff.imports[head]; ok {
			if imp.name == "" { // import mod; mod.f()
				return r.fromModule(e.File, language, imp, parts[1])
			}
			// from pkg import mod; mod.f()
			if language == lang.Python || language == lang.Rust {
				sub := imp.module + "." + imp.name
				if strings.HasSuffix(imp.module, ".") {
					sub = imp.module + imp.name
				}
				if language == lang.Rust {
					sub = imp.module + "::" + imp.name // use crate::util; util::f()
				}
				if files := r.moduleFiles(e.File, language, sub); len(files) > 0 {
					return r.pickGeneric(r.facts(files[0]).top[parts[1]])
				}
			}
			if language == lang.JavaScript || language == lang.TypeScript {
				// import { ns } from "./barrel" where the barrel has
				// export * as ns from "./x": ns.f() is x's f.
				if f := r.namespaceReexport(e.File, imp, 0); f != "" {
					return r.pickGeneric(r.exported(f, parts[1], 0, nil))
				}
			}
			// from m import Class; Class.method()
			module := imp.module
			if language == lang.Java {
				module += "." + imp.name
			}
			if len(r.moduleFiles(e.File, language, module)) == 0 {
				// A library class: Class.method is an external symbol.
				if strings.HasPrefix(imp.module, ".") || language == lang.Rust && (isRustLocalPath(imp.module) || r.isRustLocalCrate(imp.module)) {
					return nil, graph.ResUnresolved
				}
				return []graph.NodeID{r.external(language, imp.module, imp.name+"."+parts[1])}, graph.ResExternal
			}
			ids, res := r.fromModule(e.File, language, imp, imp.name)
			if res == graph.ResExact && len(ids) == 1 {
				if n, err := r.st.Node(ids[0]); err == nil && (n.Kind.IsType() || isScopeNode(&n)) {
					if m := r.members(n.File, n.QualifiedName, parts[1]); len(m) > 0 {
						return r.pickGeneric(m)
					}
				}
			}
			return nil, graph.ResUnresolved
		}
		if language == lang.Java && e.Kind == graph.EdgeCalls {
			// Type.staticMethod() on a class of the package or of a star import.
			if t, ok := r.resolveTypeName(e.File, head); ok && t.node != nil {
				return r.classMethod(language, t, parts[1])
			}
		}
		if language == lang.Rust {
			// mod util; util::f(): a child module of this file.
			if files := r.moduleFiles(e.File, language, "self::"+head); len(files) > 0 {
				return r.pickGeneric(r.facts(files[0]).top[parts[1]])
			}
			// Vec::new(), Box::new(), Default::default(): a type of the
			// standard prelude that the file neither defines nor imports.
			if t, ok := r.resolveTypeName(e.File, head); ok && t.node == nil && rustPrelude[head] == t.extModule {
				return []graph.NodeID{r.external(language, t.extModule, head+"."+parts[1])}, graph.ResExternal
			}
		}
	}
	return nil, graph.ResUnresolved
}

func isSelfName(s string) bool {
	return s == "self" || s == "this" || s == "cls"
}

// namespaceReexport returns the module file that an imported name stands
// for when the module re-exports a whole module under it (export * as ns
// from "./x", or import * as ns from "./x"; export { ns }), following
// chains of re-exports; "" when the name is not a namespace.
func (r *resolver) namespaceReexport(from string, imp importFact, depth int) string {
	if depth >= maxReexport || imp.name == "" {
		return ""
	}
	language := r.langOf[from]
	for _, f := range r.moduleFiles(from, language, imp.module) {
		next, ok := r.facts(f).imports[imp.name]
		if !ok {
			return ""
		}
		if next.name == "" {
			if files := r.moduleFiles(f, language, next.module); len(files) > 0 {
				return files[0]
			}
			return ""
		}
		return r.namespaceReexport(f, next, depth+1)
	}
	return ""
}

// maxReexport bounds a chain of re-exports (and breaks cycles).
const maxReexport = 8

// exported finds name as the module file exports it: a top-level
// definition, a name the file imports and so re-exports (export { a } from
// "./x", from .models import User in an __init__.py), or a name of a module
// it re-exports wholesale (export * from "./x", from .x import *). Chains
// are followed up to maxReexport files; a re-export from a library gives
// its external node.
func (r *resolver) exported(file, name string, depth int, seen map[string]bool) []graph.NodeID {
	ff := r.facts(file)
	if ids := ff.top[name]; len(ids) > 0 {
		return ids
	}
	language := r.langOf[file]
	if depth >= maxReexport || language != lang.Python && language != lang.JavaScript && language != lang.TypeScript && language != lang.Rust {
		return nil
	}
	if seen == nil {
		seen = map[string]bool{}
	}
	if seen[file] {
		return nil
	}
	seen[file] = true
	if imp, ok := ff.imports[name]; ok && imp.name != "" {
		files := r.moduleFiles(file, language, imp.module)
		for _, f := range files {
			return r.exported(f, imp.name, depth+1, seen)
		}
		if !strings.HasPrefix(imp.module, ".") && imp.module != "" && !(language == lang.Rust && (isRustLocalPath(imp.module) || r.isRustLocalCrate(imp.module))) {
			return []graph.NodeID{r.external(language, imp.module, imp.name)}
		}
		return nil
	}
	for _, st := range ff.stars {
		for _, f := range r.moduleFiles(file, language, st.module) {
			if ids := r.exported(f, name, depth+1, seen); len(ids) > 0 {
				return ids
			}
		}
	}
	return nil
}

// memberOfEnclosing finds method name in the class enclosing caller or
// in the classes it inherits from (across files, through imports).
func (r *resolver) memberOfEnclosing(ff *fileFacts, caller graph.NodeID, name string) []graph.NodeID {
	t := r.ownerType(ff, caller)
	if t == nil {
		return nil
	}
	ids, res := r.classMethod(r.langOf[ff.file], typeRes{node: t}, name)
	if res == graph.ResExternal {
		return nil
	}
	return ids
}

// members returns the callables named name defined directly in the type
// with qualified name owner in file.
func (r *resolver) members(file, owner, name string) []graph.NodeID {
	return r.facts(file).byQN[owner+"."+name]
}

// fromModule finds name defined at the top level of the module an import
// names, or an external-symbol node when the module is not in the
// repository.
func (r *resolver) fromModule(from, language string, imp importFact, name string) ([]graph.NodeID, graph.Resolution) {
	module := imp.module
	if language == lang.Java && imp.name != "" {
		module += "." + imp.name // the class file
	}
	for _, f := range r.moduleFiles(from, language, module) {
		if ids := r.exported(f, name, 0, nil); len(ids) > 0 {
			if r.isExternal(ids[0]) {
				return ids[:1], graph.ResExternal
			}
			return r.pickGeneric(ids)
		}
		return nil, graph.ResUnresolved
	}
	if strings.HasPrefix(imp.module, ".") || imp.module == "" || language == lang.Rust && (isRustLocalPath(imp.module) || r.isRustLocalCrate(imp.module)) {
		return nil, graph.ResUnresolved // relative, but not found here
	}
	return []graph.NodeID{r.external(language, imp.module, name)}, graph.ResExternal
}

// moduleFiles maps a module as written in an import to indexed files,
// with the language's rule (none: no files).
func (r *resolver) moduleFiles(from, language, module string) []string {
	if lr := languageRules[language]; lr != nil && lr.moduleFiles != nil {
		return lr.moduleFiles(r, from, module)
	}
	return nil
}

// pyModuleFiles maps a Python module (a.b, .x, ..y) to a/b.py or
// a/b/__init__.py under the source roots or the importing package.
func pyModuleFiles(r *resolver, from, module string) []string {
	rel := module
	base := ""
	if strings.HasPrefix(rel, ".") {
		up := len(rel) - len(strings.TrimLeft(rel, "."))
		base = path.Dir(from)
		for i := 1; i < up; i++ {
			base = path.Dir(base)
		}
		rel = rel[up:]
	}
	p := strings.ReplaceAll(rel, ".", "/")
	var cands []string
	for _, root := range r.pyRoots(base) {
		cands = append(cands, path.Join(root, p)+".py", path.Join(root, p, "__init__.py"))
	}
	return r.indexed(cands)
}

// indexed returns the candidate paths that are indexed files.
func (r *resolver) indexed(cands []string) []string {
	var out []string
	for _, c := range cands {
		if _, ok := r.langOf[c]; ok {
			out = append(out, c)
		}
	}
	return out
}

// pyRoots are the directories an absolute Python import is resolved
// against: the repository root and a src/ directory (or base for a
// relative import).
func (r *resolver) pyRoots(base string) []string {
	if base != "" {
		return []string{base}
	}
	return []string{".", "src", "lib"}
}

func (r *resolver) pickGeneric(ids []graph.NodeID) ([]graph.NodeID, graph.Resolution) {
	switch len(ids) {
	case 0:
		return nil, graph.ResUnresolved
	case 1:
		return ids, graph.ResExact
	}
	return ids, graph.ResAmbiguous
}

// javaFiles returns the indexed files that hold class a.b.Foo
// (…/a/b/Foo.java, whatever the source root).
func (r *resolver) javaFiles(class string) []string {
	if r.javaByBase == nil {
		r.javaByBase = map[string][]string{}
		for f, l := range r.langOf {
			if l == lang.Java {
				r.javaByBase[path.Base(f)] = append(r.javaByBase[path.Base(f)], f)
			}
		}
		for _, fs := range r.javaByBase {
			sort.Strings(fs) // langOf is a map: path order, not its order
		}
	}
	suffix := strings.ReplaceAll(class, ".", "/") + ".java"
	var out []string
	for _, f := range r.javaByBase[path.Base(suffix)] {
		if f == suffix || strings.HasSuffix(f, "/"+suffix) {
			out = append(out, f)
		}
	}
	if len(out) > 1 {
		// The path is under more than one root, as when a package is
		// copied under a prefix (the JDK's java.base/jdk/internal/org/xml/sax
		// beside java.xml/org/xml/sax): the files that declare the class's
		// package are the class's.
		if i := strings.LastIndexByte(class, '.'); i > 0 {
			x := r.javaIndex()
			var same []string
			for _, f := range out {
				if p, ok := x.pkgOf[f]; ok && p == class[:i] {
					same = append(same, f)
				}
			}
			if len(same) > 0 {
				out = same
			}
		}
	}
	if len(out) == 0 {
		if i := strings.LastIndexByte(class, '.'); i > 0 {
			return r.javaClassFiles(class[:i], class[i+1:]) // by declared package (java.go)
		}
	}
	return out
}

// samePackageType finds a top-level type named name in another file of
// the caller's Java package: the files that declare the same package
// (src/main/java/x and src/test/java/x alike; java.go).
func (r *resolver) samePackageType(from, name string) []graph.NodeID {
	types := r.javaPackageTypes(r.javaPackageKey(from), r.javaPackageFiles(from))
	var out []graph.NodeID
	for _, id := range types[name] {
		if n, ok := r.nodes[id]; !ok || n.file != from {
			out = append(out, id)
		}
	}
	return out
}

// resolveModuleImport binds an imports edge to the file node of the module
// it names, or to a library's package node.
func (r *resolver) resolveModuleImport(from, language, module string) ([]graph.NodeID, graph.Resolution) {
	switch language {
	case lang.Python, lang.JavaScript, lang.TypeScript, lang.Java:
	default:
		return nil, graph.ResUnresolved // C/C++ includes, Rust paths: not yet
	}
	if files := r.moduleFiles(from, language, module); len(files) > 0 {
		return []graph.NodeID{graph.MakeNodeID(files[0], files[0], graph.KindFile, 0)}, graph.ResExact
	}
	if strings.HasPrefix(module, ".") || module == "" || language == lang.Java && strings.HasSuffix(module, "*") {
		return nil, graph.ResUnresolved
	}
	return []graph.NodeID{r.externalPackage(language, module)}, graph.ResExternal
}

// rustModuleFiles maps a module path (crate::a::b, super::a, self::a) to
// the files that can hold it (a/b.rs or a/b/mod.rs), relative to the crate's
// src directory or to the current module's directory.
func (r *resolver) rustModuleFiles(from, module string) []string {
	segs := strings.Split(module, "::")
	var base string
	switch segs[0] {
	case "crate":
		base = rustCrateSrc(from)
		segs = segs[1:]
	case "self", "super":
		base = path.Dir(from)
		if n := path.Base(from); n != "mod.rs" && n != "lib.rs" && n != "main.rs" {
			base = path.Join(base, strings.TrimSuffix(n, ".rs")) // a.rs's children live in a/
		}
		for len(segs) > 0 && (segs[0] == "self" || segs[0] == "super") {
			if segs[0] == "super" {
				base = path.Dir(base)
			}
			segs = segs[1:]
		}
	default:
		if files, ok := r.rustCrateModuleFiles(segs); ok {
			return files // a crate of the repository (rustcrates.go)
		}
		if isIdent(segs[0]) && len(segs) <= 8 {
			return r.rustModuleFiles(from, "self::"+module) // use routing::Router in lib.rs: a child module
		}
		return nil
	}
	if len(segs) == 0 {
		return nil
	}
	p := path.Join(append([]string{base}, segs...)...)
	return []string{p + ".rs", path.Join(p, "mod.rs")}
}

// rustCrateSrc finds the src directory of the crate holding file.
func rustCrateSrc(file string) string {
	for d := path.Dir(file); ; d = path.Dir(d) {
		if path.Base(d) == "src" {
			return d
		}
		if d == "." || d == "/" {
			return "src"
		}
	}
}

func isRustLocalPath(module string) bool {
	first, _, _ := strings.Cut(module, "::")
	return first == "crate" || first == "self" || first == "super"
}
