package resolve_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// indexedEdges indexes the fixture dir and calls fn with each edge of the
// given kinds and its source node (dst is nil while unresolved), in the
// store's order.
func indexedEdges(t *testing.T, dir string, kinds []graph.EdgeKind, fn func(e graph.Edge, src graph.Node, dst *graph.Node)) {
	t.Helper()
	abs, _ := filepath.Abs(dir)
	db := indexDir(t, abs)
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.AllEdges(func(e graph.Edge) error {
		if !slices.Contains(kinds, e.Kind) {
			return nil
		}
		src, _ := st.Node(e.Src)
		if e.Dst == 0 {
			fn(e, src, nil)
			return nil
		}
		dst, _ := st.Node(e.Dst)
		fn(e, src, &dst)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// edgeSet indexes the fixture dir and maps "Src.Qualified target" to the
// sorted destinations of its edges of the given kinds ("file:Qualified",
// " ~" ambiguous, " ?" inferred, or "unresolved").
func edgeSet(t *testing.T, dir string, kinds ...graph.EdgeKind) map[string]string {
	t.Helper()
	sets := map[string][]string{}
	indexedEdges(t, dir, kinds, func(e graph.Edge, src graph.Node, dst *graph.Node) {
		k := src.QualifiedName + " " + e.Target
		if dst == nil {
			sets[k] = append(sets[k], "unresolved")
			return
		}
		v := dst.File + ":" + dst.QualifiedName
		switch e.Res {
		case graph.ResAmbiguous:
			v += " ~"
		case graph.ResInferred:
			v += " ?"
		}
		sets[k] = append(sets[k], v)
	})
	got := map[string]string{}
	for k, vs := range sets {
		sort.Strings(vs)
		got[k] = strings.Join(vs, " | ")
	}
	return got
}

// checkExact fails on every missing, wrong and unexpected edge.
func checkExact(t *testing.T, got, want map[string]string) {
	t.Helper()
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %q, want %q", k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected edge %s → %q", k, g)
		}
	}
	if t.Failed() {
		var lines []string
		for k, g := range got {
			lines = append(lines, fmt.Sprintf("%q: %q,", k, g))
		}
		sort.Strings(lines)
		t.Log("got:\n" + strings.Join(lines, "\n"))
	}
}

// TestCppCalls pins every call and inherits edge of a small C++ project:
// out-of-line members across files, this->, unqualified members and
// inherited ones, receivers typed by parameter, local (constructor, new,
// make_unique, for-range), field and return type, namespaces (nested,
// using-declaration, alias), constructors, std externals. audio::Player's
// draw is the trap: a receiver of unknown type (unknown.draw) stays
// unresolved rather than binding to either same-named method.
func TestCppCalls(t *testing.T) {
	got := edgeSet(t, "testdata/cpp", graph.EdgeCalls, graph.EdgeInherits)
	want := map[string]string{
		"Canvas.add s->draw":                "src/shape.cpp:gfx.Shape.draw",
		"Canvas.add shapes_.push_back":      "@external:cpp/std:std.vector.push_back",
		"Canvas.render focus_->grow":        "src/shape.cpp:gfx.Circle.grow",
		"Canvas.render focus_->self":        "src/shape.cpp:gfx.Circle.self",
		"Canvas.render focus_->self().area": "src/shape.cpp:gfx.Circle.area",
		"Canvas.render player_.play":        "src/player.cpp:audio.Player.play",
		"Canvas.render backup_->draw":       "src/player.cpp:audio.Player.draw",
		"Canvas.render s->draw":             "src/shape.cpp:gfx.Shape.draw",
		"audio.Player.draw play":            "src/player.cpp:audio.Player.play",
		"gfx.Circle Shape":                  "include/gfx/shape.hpp:gfx.Shape",
		"gfx.Circle.area util::square":      "src/shape.cpp:gfx.util.square",
		"gfx.Circle.grow this->draw":        "src/shape.cpp:gfx.Shape.draw",
		"gfx.Shape.draw area":               "include/gfx/shape.hpp:gfx.Shape.area",
		"gfx.Shape.draw log":                "src/shape.cpp:gfx.Shape.log",
		"gfx.Shape.draw std::printf":        "@external:cpp/std:std.printf",
		"gfx.Shape.log std::puts":           "@external:cpp/std:std.puts",
		"gfx.total s->area":                 "include/gfx/shape.hpp:gfx.Shape.area",
		"main c.add":                        "src/canvas.cpp:Canvas.add",
		"main circle.area":                  "src/shape.cpp:gfx.Circle.area",
		"main g::total":                     "src/shape.cpp:gfx.total",
		"main gfx::Circle":                  "src/shape.cpp:gfx.Circle.Circle | src/shape.cpp:gfx.Circle.Circle",
		"main make_unique":                  "@external:cpp/std:std.make_unique",
		"main mystery":                      "src/main.cpp:mystery",
		"main mystery()->draw":              "src/shape.cpp:gfx.Shape.draw",
		"main p->grow":                      "src/shape.cpp:gfx.Circle.grow",
		"main player.draw":                  "src/player.cpp:audio.Player.draw",
		"main raw->draw":                    "src/shape.cpp:gfx.Shape.draw",
		"main square":                       "src/shape.cpp:gfx.util.square",
		"main unknown.draw":                 "unresolved",
	}
	checkExact(t, got, want)
}

// TestCCalls pins the C rules: a prototype in an included header binds
// to the definition in another translation unit; static functions are
// file-local (two files define a static hash; main sees neither); a
// forward declaration binds to the definition below it; libc calls bind to
// external header nodes; a function with no visible declaration binds to
// the one definition of its name, as inferred.
func TestCCalls(t *testing.T) {
	got := edgeSet(t, "testdata/c", graph.EdgeCalls)
	want := map[string]string{
		"hash strlen":       "@external:c/string.h:string.h.strlen",
		"main free":         "@external:c/stdlib.h:stdlib.h.free",
		"main frobnicate":   "unresolved",
		"main hash":         "unresolved",
		"main malloc":       "@external:c/stdlib.h:stdlib.h.malloc",
		"main store_dump":   "src/store.c:store_dump",
		"main store_get":    "src/store.c:store_get",
		"main store_put":    "src/store.c:store_put",
		"main util_sum":     "src/util.c:util_sum ?",
		"store_dump printf": "@external:c/stdio.h:stdio.h.printf",
		"store_get hash":    "src/store.c:hash",
		"store_put hash":    "src/store.c:hash",
		"store_put memset":  "@external:c/string.h:string.h.memset",
		"util_sum hash":     "src/util.c:hash",
		"util_sum twice":    "src/util.c:twice",
	}
	checkExact(t, got, want)
}

// TestCReferences pins type references: a typedef of a header binds
// exactly where the header is included.
func TestCReferences(t *testing.T) {
	got := edgeSet(t, "testdata/c", graph.EdgeReferences)
	want := map[string]string{
		// the prototype in the header and the definition in store.c
		"entry_value entry":     "include/store.h:entry | include/store.h:entry",
		"include/store.h entry": "include/store.h:entry", // typedef struct entry {...} entry
	}
	checkExact(t, got, want)
}

// TestCppIncludes pins include resolution (relative to the including file,
// then by path suffix: include/ directories), library headers as external
// packages, a missing quoted header left unresolved, and using-declarations
// and namespace aliases bound to what they name.
func TestCppIncludes(t *testing.T) {
	got := edgeSet(t, "testdata/cpp", graph.EdgeImports)
	want := map[string]string{
		"include/gfx/shape.hpp string":    "@external:cpp/string:string",
		"include/gfx/shape.hpp vector":    "@external:cpp/vector:vector",
		"src/canvas.cpp canvas.hpp":       "src/canvas.hpp:src/canvas.hpp",
		"src/canvas.cpp gfx":              "include/gfx/shape.hpp:gfx",
		"src/canvas.hpp audio/player.hpp": "include/audio/player.hpp:include/audio/player.hpp",
		"src/canvas.hpp gfx/shape.hpp":    "include/gfx/shape.hpp:include/gfx/shape.hpp",
		"src/canvas.hpp vector":           "@external:cpp/vector:vector",
		"src/main.cpp audio/player.hpp":   "include/audio/player.hpp:include/audio/player.hpp",
		"src/main.cpp canvas.hpp":         "src/canvas.hpp:src/canvas.hpp",
		"src/main.cpp generated/config.h": "unresolved",
		"src/main.cpp gfx":                "include/gfx/shape.hpp:gfx",
		"src/main.cpp gfx/shape.hpp":      "include/gfx/shape.hpp:include/gfx/shape.hpp",
		"src/main.cpp gfx::util::square":  "include/gfx/shape.hpp:gfx.util.square",
		"src/main.cpp memory":             "@external:cpp/memory:memory",
		"src/player.cpp audio/player.hpp": "include/audio/player.hpp:include/audio/player.hpp",
		"src/shape.cpp cstdio":            "@external:cpp/cstdio:cstdio",
		"src/shape.cpp gfx/shape.hpp":     "include/gfx/shape.hpp:include/gfx/shape.hpp",
	}
	checkExact(t, got, want)
}

// BenchmarkCppIndex indexes and resolves the C++ fixture.
func BenchmarkCppIndex(b *testing.B) {
	abs, _ := filepath.Abs("testdata/cpp")
	for b.Loop() {
		if _, err := index.Run(context.Background(), index.Options{Root: abs, DBDir: b.TempDir()}); err != nil {
			b.Fatal(err)
		}
	}
}
