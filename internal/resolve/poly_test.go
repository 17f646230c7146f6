package resolve_test

import (
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// TestTSPackageScopes pins TypeScript rules on a package that imports its
// own entry points: "mylib/core" through package.json exports (a source
// condition first), "mylib" through a build path mapped back to src/, and
// "mylib/v3" as a plain string target; a namespace's member
// (util.assertNever); new C() bound to the constructor that runs (the
// class's own, else the base class's) and super(...) to the base's; a local
// typed by its initialiser's declared result type, also through a
// namespace import (core.factory()); a default import called; a function
// declared inside the caller shadowing the top-level one of that name.
// Traps: s.parse() (parse is a library method name, so only the type can
// bind it); helper() in other() is the top-level helper.
func TestTSPackageScopes(t *testing.T) {
	got := edgeMap(t, "testdata/poly/ts", graph.EdgeCalls)
	want := map[string]string{
		"src/core/index.ts:Own.constructor super":  "src/core/index.ts:Base.constructor exact",
		"src/core/index.ts:factory Parser":         "src/core/index.ts:Parser exact", // no constructor anywhere: the class
		"src/core/index.ts:util.assertNever Error": "@external:typescript/globalThis:globalThis.Error external",
		"test/use.test.ts:other helper":            "test/use.test.ts:helper exact",
		"test/use.test.ts:run Own":                 "src/core/index.ts:Own.constructor exact",
		"test/use.test.ts:run Parser":              "src/core/index.ts:Parser exact",
		"test/use.test.ts:run Sub":                 "src/core/index.ts:Base.constructor exact",
		"test/use.test.ts:run core.factory":        "src/core/index.ts:factory exact",
		"test/use.test.ts:run factory":             "src/core/index.ts:factory exact",
		"test/use.test.ts:run helper":              "test/use.test.ts:run.helper exact",
		"test/use.test.ts:run make":                "src/make.ts:makeThing exact",
		"test/use.test.ts:run p.parse":             "src/core/index.ts:Parser.parse exact",
		"test/use.test.ts:run s.parse":             "src/core/index.ts:Parser.parse exact",
		"test/use.test.ts:run newSub().size":       "unresolved", // a chain from new: not followed
		"test/use.test.ts:run three":               "src/v3/index.ts:three exact",
		"test/use.test.ts:run util.assertNever":    "src/core/index.ts:util.assertNever exact",
		// Parameters of functions passed as arguments, typed from the
		// callee's signature (a this: parameter skipped); chains through
		// declared result types; optional chaining; super.m().
		"src/core/index.ts:operate Stream":               "src/core/index.ts:Stream.constructor exact",
		"test/use.test.ts:Derived.next super.next":       "src/core/index.ts:Sink.next exact",
		"test/use.test.ts:flow Stream":                   "src/core/index.ts:Stream.constructor exact",
		"test/use.test.ts:flow [1,2].map":                "unresolved",
		"test/use.test.ts:flow factory":                  "src/core/index.ts:factory exact",
		"test/use.test.ts:flow factory().parse":          "src/core/index.ts:Parser.parse exact",
		"test/use.test.ts:flow operate":                  "src/core/index.ts:operate exact",
		"test/use.test.ts:flow sink.next":                "src/core/index.ts:Sink.next exact",
		"test/use.test.ts:flow source.subscribe":         "src/core/index.ts:Stream.subscribe exact",
		"test/use.test.ts:flow source?.pipe":             "src/core/index.ts:Stream.pipe exact",
		"test/use.test.ts:flow source?.pipe().subscribe": "src/core/index.ts:Stream.subscribe exact",
		"test/use.test.ts:flow sub.next":                 "src/core/index.ts:Sink.next exact",
		// A named function expression passed as an argument is a function
		// of its own (JavaScript names it).
		"test/use.test.ts:Widget.bind el.addEventListener": "unresolved",
		"test/use.test.ts:mapAll xs.map":                   "unresolved",
		"test/use.test.ts:withCleanup list.push":           "unresolved",
		"test/use.test.ts:withCleanup.cleanup helper":      "test/use.test.ts:helper exact",
	}
	checkExact(t, got, want)
}

// TestJavaDeclaredPackages pins Java packages as declared: a test class in
// src/test/java/x uses Owner of src/main/java/x (same package, another
// source root) and not y.Owner; a class whose file does not sit under its
// package's directories is found by its declaration, through a single
// import and a star import; an import whose path also ends the path of a
// copy of the package under a prefix binds to the package it names.
func TestJavaDeclaredPackages(t *testing.T) {
	got := edgeMap(t, "testdata/poly/java", graph.EdgeCalls)
	want := map[string]string{
		"src/main/java/x/Owner.java:Owner.of Owner":                                         "src/main/java/x/Owner.java:Owner exact",
		"src/test/java/x/OwnerTests.java:OwnerTests.names Owner":                            "src/main/java/x/Owner.java:Owner exact",
		"src/test/java/x/OwnerTests.java:OwnerTests.names Owner.of":                         "src/main/java/x/Owner.java:Owner.of exact",
		"src/test/java/x/OwnerTests.java:OwnerTests.names o.name":                           "src/main/java/x/Owner.java:Owner.name exact",
		"src/main/java/app/PetClinicApplication.java:PetClinicApplication.main Helper.help": "src/main/java/legacy/Helper.java:Helper.help exact",
		"src/main/java/app/Stars.java:Stars.run Helper.help":                                "src/main/java/legacy/Helper.java:Helper.help exact",
		// org/xml/sax/SAXBad.java is also the end of jdk/internal/org/xml/sax/SAXBad.java's path
		"src/main/java/app/UsesSax.java:UsesSax.run SAXBad.fail": "src/main/java/org/xml/sax/SAXBad.java:SAXBad.fail exact",
		"src/main/java/app/UsesSax.java:UsesSax.run SAXBad":      "src/main/java/org/xml/sax/SAXBad.java:SAXBad exact",
	}
	checkExact(t, got, want)
}

// TestRustWorkspaceCrates pins the crates of a Cargo workspace as local:
// use axum::Router in an example crate binds to the Router that axum's
// lib.rs re-exports, axum::serve and axum::routing::Router::new paths bind
// into the crate, a member named axum-core is axum_core in code, and
// crate::helper() is this crate's. Trap: tokio (not in the repository)
// stays external.
func TestRustWorkspaceCrates(t *testing.T) {
	got := edgeMap(t, "testdata/poly/rust", graph.EdgeCalls)
	want := map[string]string{
		"axum/src/routing/mod.rs:Router.new Vec::new":                "@external:rust/std::vec:std::vec.Vec.new external", // the prelude
		"examples/hello/src/main.rs:main Router::new":                "axum/src/routing/mod.rs:Router.new exact",
		"examples/hello/src/main.rs:main app.route":                  "axum/src/routing/mod.rs:Router.route exact",
		"examples/hello/src/main.rs:main axum::serve":                "axum/src/lib.rs:serve exact",
		"examples/hello/src/main.rs:main axum::routing::Router::new": "axum/src/routing/mod.rs:Router.new exact",
		"examples/hello/src/main.rs:main axum_core::body":            "axum-core/src/lib.rs:body exact",
		"examples/hello/src/main.rs:main TcpListener::bind":          "@external:rust/tokio::net:tokio::net.TcpListener.bind external",
		"examples/hello/src/main.rs:main helper":                     "examples/hello/src/main.rs:helper exact",
		"examples/hello/src/main.rs:main crate::helper":              "examples/hello/src/main.rs:helper exact",
	}
	checkExact(t, got, want)
}

// TestRustPrelude: calls on the types of Rust's standard prelude (Vec,
// String, Box, Default) and the prelude's drop bind to external std nodes
// when the file neither defines nor imports the name; a type of the
// crate with a prelude name wins.
func TestRustPrelude(t *testing.T) {
	got := edgeMap(t, "testdata/poly/rustprelude", graph.EdgeCalls)
	want := map[string]string{
		"src/lib.rs:Stack.new Vec::new":         "@external:rust/std::vec:std::vec.Vec.new external",
		"src/lib.rs:Stack.push self.items.push": "@external:rust/std::vec:std::vec.Vec.push external",
		"src/lib.rs:make String::from":          "@external:rust/std::string:std::string.String.from external",
		"src/lib.rs:make v.len":                 "@external:rust/std::vec:std::vec.Vec.len external",
		"src/lib.rs:make name.len":              "@external:rust/std::string:std::string.String.len external",
		"src/lib.rs:make drop":                  "@external:rust/std::mem:std::mem.drop external",
		"src/lib.rs:make Default::default":      "@external:rust/std::default:std::default.Default.default external",
		"src/lib.rs:make Box::new":              "@external:rust/std::boxed:std::boxed.Box.new external",
		"src/lib.rs:local r.ok":                 "src/lib.rs:Result.ok exact",
	}
	checkExact(t, got, want)
}

// TestPythonModuleScopes pins Python module-level variables typed by their
// annotation or initialiser (a library class constructed, a function's
// declared result type), in their module and imported into another;
// return-type annotations followed through chains (make().repo().find());
// and class names resolved in the enclosing function first: BetterIndex
// inside test_better_index extends the Index of that function, the one in
// test_other the module's.
func TestPythonModuleScopes(t *testing.T) {
	got := edgeMap(t, "testdata/poly/py", graph.EdgeCalls, graph.EdgeInherits)
	want := map[string]string{
		"web/ctx.py:AppContext.repo Repo":                                  "web/ctx.py:Repo exact",
		"web/ctx.py:make_context AppContext":                               "web/ctx.py:AppContext exact",
		"web/app.py:app Flask":                                             "@external:python/flask:flask.Flask external",
		"web/app.py:app_ctx make_context":                                  "web/ctx.py:make_context exact",
		"web/app.py:current make_context":                                  "web/ctx.py:make_context exact",
		"web/app.py:boot app.run":                                          "@external:python/flask:flask.Flask.run external",
		"web/app.py:boot app_ctx.push":                                     "web/ctx.py:AppContext.push exact",
		"web/app.py:boot current.push":                                     "web/ctx.py:AppContext.push exact",
		"web/app.py:boot make_context":                                     "web/ctx.py:make_context exact",
		"web/app.py:boot make_context().repo":                              "web/ctx.py:AppContext.repo exact",
		"web/app.py:boot make_context().repo().find":                       "web/ctx.py:Repo.find exact",
		"web/app.py:start threading.Thread":                                "@external:python/threading:threading.Thread external",
		"web/app.py:Worker.run_all map":                                    "@external:python/builtins:builtins.map external",
		"web/app.py:Worker.run_all list":                                   "@external:python/builtins:builtins.list external",
		"web/views.py:index app.route":                                     "@external:python/flask:flask.Flask.route external",
		"web/views.py:index app_ctx.push":                                  "web/ctx.py:AppContext.push exact",
		"web/views.py:index app_ctx.repo":                                  "web/ctx.py:AppContext.repo exact",
		"web/views.py:index app_ctx.repo().find":                           "web/ctx.py:Repo.find exact",
		"inherits tests/test_index.py:test_better_index.BetterIndex Index": "tests/test_index.py:test_better_index.Index exact",
		"inherits tests/test_index.py:test_other.BetterIndex Index":        "tests/test_index.py:Index exact",
		"tests/test_index.py:test_better_index BetterIndex":                "tests/test_index.py:test_better_index.BetterIndex exact",
		"tests/test_index.py:test_better_index BetterIndex().run":          "tests/test_index.py:test_better_index.BetterIndex.run exact",
		"tests/test_index.py:test_better_index.BetterIndex.run self.build": "tests/test_index.py:test_better_index.Index.build exact",
		"tests/test_index.py:test_other BetterIndex":                       "tests/test_index.py:test_other.BetterIndex exact",
		"tests/test_index.py:test_other BetterIndex().build":               "tests/test_index.py:Index.build exact",
	}
	checkExact(t, got, want)
}

// TestFunctionValues pins references edges for functions passed as values
// (TS: this.onClick to addEventListener, an imported function to map;
// Python: self.handle to map, a function as a keyword argument). Traps: a
// parameter named like an imported function (three) or a module variable
// (current) is a variable, not a reference to the function; plain
// variables passed as arguments (xs) make no edge at all.
func TestFunctionValues(t *testing.T) {
	for _, c := range []struct {
		dir     string
		want    map[string]string
		missing []string
	}{
		{"testdata/poly/ts", map[string]string{
			"references test/use.test.ts:Widget.bind this.onClick": "test/use.test.ts:Widget.onClick exact",
			"references test/use.test.ts:mapAll factory":           "src/core/index.ts:factory exact",
			"references test/use.test.ts:flow three":               "src/v3/index.ts:three exact",
			"references test/use.test.ts:mapAll three":             "unresolved",
		}, []string{"references test/use.test.ts:mapAll xs"}},
		{"testdata/poly/py", map[string]string{
			"references web/app.py:Worker.run_all self.handle": "web/app.py:Worker.handle exact",
			"references web/app.py:start boot":                 "web/app.py:boot exact",
		}, []string{"references web/app.py:Worker.run_all xs", "references web/app.py:start current"}},
	} {
		got := edgeMap(t, c.dir, graph.EdgeReferences)
		checkCalls(t, got, c.want)
		for _, k := range c.missing {
			if v, ok := got[k]; ok {
				t.Errorf("%s: unexpected edge → %q", k, v)
			}
		}
	}
}

// TestGoConversionsAndConstants: a conversion's result has the converted
// type even though call targets drop their arguments (Set(m).Equal(...) is
// "Set().Equal"), and constants declared with a type or a conversion
// (const Legacy Scheme = 7, const Strict = Scheme(8)) type the calls on
// them and the variables they initialise (var Default = Legacy), and so
// does a constant whose type its const group implies (UTF8 after
// "Unset Scheme = iota"; Bit1 after an untyped "Bit0 = 1 << iota" has none). Calls with explicit
// type arguments (orZero[Name](p), pair[int, string](1)), which the grammar
// reads as conversions or instantiations, are calls.
func TestGoConversionsAndConstants(t *testing.T) {
	got := edgeMap(t, "testdata/goconv", graph.EdgeCalls)
	want := map[string]string{
		"conv.go:Metric.Equal Set().Equal": "conv.go:Set.Equal exact",
		"conv.go:check Name().OK":          "conv.go:Name.OK exact",
		"conv.go:shadowed Set().OK":        "conv.go:Name.OK exact", // the parameter's func() Name
		"conv.go:Name.Legacy Legacy.Valid": "conv.go:Scheme.Valid exact",
		"conv.go:Name.Strict Strict.Valid": "conv.go:Scheme.Valid exact",
		"conv.go:Name.OK Default.Valid":    "conv.go:Scheme.Valid exact",
		"conv.go:Name.UTF8 UTF8.Valid":     "conv.go:Scheme.Valid exact", // typed by its group
		"conv.go:Name.Bit Bit1.Valid":      "unresolved",                 // untyped group
		"conv.go:generic orZero[Name]":     "conv.go:orZero exact",       // parsed as a conversion
		"conv.go:generic pair[int,string]": "conv.go:pair exact",
		// conversions and builtins are calls of nothing in the graph
		"conv.go:Metric.Equal Set":   "unresolved",
		"conv.go:check Name":         "unresolved",
		"conv.go:shadowed Set":       "unresolved",
		"conv.go:Strict Scheme":      "unresolved",
		"conv.go:Set.Equal len":      "unresolved",
		"conv.go:Name.OK string":     "unresolved",
		"conv.go:Name.Legacy string": "unresolved",
		"conv.go:Name.Strict string": "unresolved",
		"conv.go:Name.UTF8 string":   "unresolved",
		"conv.go:Name.Bit string":    "unresolved",
	}
	checkExact(t, got, want)
}
