package resolve_test

import (
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// edgeMap indexes dir and returns every edge of the given kinds as
// "src-file:src-qn target" → "dst-file:dst-qn res" ("unresolved" without a
// destination), so that a test can compare the whole set.
func edgeMap(t *testing.T, dir string, kinds ...graph.EdgeKind) map[string]string {
	t.Helper()
	got := map[string]string{}
	indexedEdges(t, dir, kinds, func(e graph.Edge, src graph.Node, dst *graph.Node) {
		k := src.File + ":" + src.QualifiedName + " " + e.Target
		if e.Kind != graph.EdgeCalls {
			k = e.Kind.String() + " " + k
		}
		if dst == nil {
			got[k] = "unresolved"
			return
		}
		v := dst.File + ":" + dst.QualifiedName + " " + e.Res.String()
		if old, ok := got[k]; ok && old != v {
			v = old + " | " + v // ambiguous: every candidate
		}
		got[k] = v
	})
	return got
}

// TestTypeScriptResolution pins every call edge of a TypeScript project
// (and of a CommonJS file beside it, and of a package with its own
// tsconfig: the nearest one applies)
// with a tsconfig (extends chain, baseUrl, wildcard and multi-target paths),
// a barrel (export *, export { a as b } from) re-exported again under
// another name, typed parameters, fields (declared and constructor
// parameter properties) and locals. Traps: Jest's global describe must not
// bind to the repository's describe; other.add() on an untyped parameter
// must not bind to Wallet.add or Other.add, while other.checkout() is
// inferred to the only checkout method.
func TestTypeScriptResolution(t *testing.T) {
	got := edgeMap(t, "testdata/dyn/ts", graph.EdgeCalls, graph.EdgeInherits, graph.EdgeImplements)
	want := map[string]string{
		"src/app.test.ts:src/app.test.ts describe":      "unresolved",
		"src/app.test.ts:src/app.test.ts expect":        "unresolved",
		"src/app.test.ts:src/app.test.ts it":            "unresolved",
		"src/app.test.ts:src/app.test.ts expect().toBe": "unresolved", // a method of a call result: the callee as written
		"src/app.ts:Cart.checkout Purse":                "src/lib/money.ts:Wallet exact",
		"src/app.ts:Cart.checkout _.map":                "@external:typescript/lodash:lodash.map external",
		"src/app.ts:Cart.checkout fmt":                  "src/lib/format.ts:format exact",
		"packages/ui/src/page.ts:page button":           "packages/ui/src/button.ts:button exact",                    // the nearest tsconfig's paths, relative to it
		"packages/ui/src/page.ts:page money":            "@external:typescript/@lib/money:@lib/money.money external", // the root's paths do not apply here
		"src/app.ts:Cart.checkout fmtns.format":         "src/lib/format.ts:format exact",                            // export * as fmtns in the barrel
		"src/app.ts:Cart.checkout money":                "src/lib/money.ts:money exact",
		"src/app.ts:Cart.checkout other.add":            "unresolved",
		"src/app.ts:Cart.checkout other.checkout":       "src/app.ts:Cart.checkout inferred", // the only checkout
		"src/app.ts:Cart.checkout p.total":              "src/lib/money.ts:Wallet.total exact",
		"src/app.ts:Cart.checkout this.purse.add":       "src/lib/money.ts:Wallet.add exact",
		"src/app.ts:Cart.checkout this.wallet.total":    "src/lib/money.ts:Wallet.total exact",
		"src/app.ts:Cart.checkout w.add":                "src/lib/money.ts:Wallet.add exact",
		"src/app.ts:Cart.constructor Wallet":            "src/lib/money.ts:Wallet exact",
		"src/legacy.js:pay express":                     "@external:javascript/express:express.default external", // CommonJS package: its default export
		"src/legacy.js:pay lib.money":                   "src/lib/money.ts:money exact",                          // require("./lib"): the barrel index
		"src/legacy.js:pay parseInt":                    "@external:javascript/globalThis:globalThis.parseInt external",
		"src/legacy.js:pay money":                       "src/lib/money.ts:money exact",
		"src/lib/money.ts:Wallet.total this.add":        "src/lib/money.ts:Wallet.add exact",
		"src/lib/money.ts:money (cents/100).toFixed":    "unresolved",
	}
	checkExact(t, got, want)
}

// TestPythonResolution pins Python calls and bases: a class re-exported by
// a package __init__, a base class in another module (self.log, super()),
// attributes typed by a constructor parameter and by mod.Class(), a local
// from a constructor call, cls.m(). Trap: data.find() on an untyped
// parameter must not bind to Repo.find or Other.find (find is a library
// name); data.refresh_token() is inferred (the repository's only one), but
// not json.refresh_token() (an imported module's).
func TestPythonResolution(t *testing.T) {
	got := edgeMap(t, "testdata/dyn/py", graph.EdgeCalls, graph.EdgeInherits, graph.EdgeImplements)
	want := map[string]string{
		"inherits pkg/users.py:Users Service":       "pkg/base.py:Service exact",
		"pkg/users.py:Users.__init__ repomod.Repo":  "pkg/repo.py:Repo exact",
		"pkg/users.py:Users.build classmethod":      "@external:python/builtins:builtins.classmethod external",
		"pkg/users.py:Users.get Repo":               "pkg/repo.py:Repo exact",
		"pkg/users.py:Users.get data.refresh_token": "pkg/repo.py:Repo.refresh_token inferred",           // the only refresh_token
		"pkg/users.py:Users.get json.refresh_token": "@external:python/json:json.refresh_token external", // a module's, never inferred
		"pkg/users.py:Users.get data.find":          "unresolved",
		"pkg/users.py:Users.get json.dumps":         "@external:python/json:json.dumps external",
		"pkg/users.py:Users.get r.save":             "pkg/repo.py:Repo.save exact",
		"pkg/users.py:Users.get self.cache.save":    "pkg/repo.py:Repo.save exact",
		"pkg/users.py:Users.get self.log":           "pkg/base.py:Service.log exact",
		"pkg/users.py:Users.get self.repo.find":     "pkg/repo.py:Repo.find exact",
		"pkg/users.py:Users.get super":              "@external:python/builtins:builtins.super external",
		"pkg/users.py:Users.get super().run":        "pkg/base.py:Service.run exact",
		"pkg/users.py:Users.make classmethod":       "@external:python/builtins:builtins.classmethod external",
		"pkg/users.py:Users.make cls.build":         "pkg/users.py:Users.build exact",
	}
	checkExact(t, got, want)
}

// TestJavaResolution pins Java calls across packages: typed parameters,
// fields, var locals, methods inherited from a superclass in another file,
// super.m(), static calls on imported classes, same-package classes, and
// the extends/implements edges. Traps: other.area() on an Object must not
// bind to Helper.area or Circle.area; an inherited call in a nested class
// binds to its nested base class's method, not to the interface's.
func TestJavaResolution(t *testing.T) {
	got := edgeMap(t, "testdata/dyn/java", graph.EdgeCalls, graph.EdgeInherits, graph.EdgeImplements)
	want := map[string]string{
		"com/acme/app/Main.java:Main.c Circle":                     "com/acme/core/Circle.java:Circle exact",
		"com/acme/app/Main.java:Main.run Base.of":                  "com/acme/core/Base.java:Base.of exact",
		"com/acme/app/Main.java:Main.run Circle":                   "com/acme/core/Circle.java:Circle exact",
		"com/acme/app/Main.java:Main.run Helper":                   "com/acme/app/Helper.java:Helper exact",
		"com/acme/app/Main.java:Main.run c.draw":                   "com/acme/core/Circle.java:Circle.draw exact",
		"com/acme/app/Main.java:Main.run h.help":                   "com/acme/app/Helper.java:Helper.help exact",
		"com/acme/app/Main.java:Main.run other.area":               "unresolved",
		"com/acme/app/Main.java:Main.run p.area":                   "com/acme/core/Circle.java:Circle.area exact",
		"com/acme/app/Main.java:Main.run p.log":                    "com/acme/core/Base.java:Base.log exact",
		"com/acme/app/Main.java:Main.run q.draw":                   "com/acme/core/Circle.java:Circle.draw exact",
		"com/acme/core/Circle.java:Circle.draw log":                "com/acme/core/Base.java:Base.log exact",
		"com/acme/core/Circle.java:Circle.draw super.log":          "com/acme/core/Base.java:Base.log exact",
		"com/acme/core/Views.java:Views.Keys.check has":            "com/acme/core/Views.java:Views.View.has exact", // the nested base's, not Container's
		"implements com/acme/core/Views.java:Views.Keys Container": "com/acme/core/Container.java:Container exact",
		"implements com/acme/core/Views.java:Views.View Container": "com/acme/core/Container.java:Container exact",
		"inherits com/acme/core/Views.java:Views.Keys View":        "com/acme/core/Views.java:Views.View exact",
		"com/acme/core/BigBox.java:BigBox.inner Box":               "com/acme/core/Box.java:Box exact", // the class: constructors are not inherited
		"inherits com/acme/core/BigBox.java:BigBox Box":            "com/acme/core/Box.java:Box exact",
		"implements com/acme/core/Base.java:Base Shape":            "com/acme/core/Shape.java:Shape exact",
		"inherits com/acme/core/Circle.java:Circle Base":           "com/acme/core/Base.java:Base exact",
	}
	checkExact(t, got, want)
}

// TestRustResolution pins Rust calls on values of known type: let with a
// type or an associated constructor returning Self, trait-impl methods,
// trait default methods, Trait::m(x), &dyn Trait parameters, inherent
// methods, methods of an impl block in another file (and self in it).
// Trap: c.radius() must bind to Circle's radius, not Square's.
func TestRustResolution(t *testing.T) {
	got := edgeMap(t, "testdata/dyn/rust", graph.EdgeCalls, graph.EdgeInherits, graph.EdgeImplements)
	want := map[string]string{
		"implements src/shapes.rs:Circle Shape": "src/shapes.rs:Shape exact",
		"src/lib.rs:grow c.scaled":              "src/ops.rs:Circle.scaled exact", // impl Circle in another file
		"src/ops.rs:Circle.scaled Circle::new":  "src/shapes.rs:Circle.new exact",
		"src/ops.rs:Circle.scaled self.radius":  "src/shapes.rs:Circle.radius exact", // self of an impl away from the struct
		"src/lib.rs:run Circle::new":            "src/shapes.rs:Circle.new exact",
		"src/lib.rs:run Shape::area":            "src/shapes.rs:Shape.area exact",
		"src/lib.rs:run c.radius":               "src/shapes.rs:Circle.radius exact",
		"src/lib.rs:run d.describe":             "src/shapes.rs:Shape.describe exact",
		"src/lib.rs:run e.area":                 "src/shapes.rs:Circle.area exact",
		"src/lib.rs:run other.area":             "src/shapes.rs:Shape.area exact",
		"src/shapes.rs:Shape.describe area":     "unresolved",
	}
	checkExact(t, got, want)
}
