package resolve

import (
	"testing"

	"github.com/codegraph-dev/codegraph/internal/lang"
)

// TestNameTables checks the name tables, built on first use, on entries of
// each: the same table every call, and the entries resolution relies on.
func TestNameTables(t *testing.T) {
	if a, b := libcHeader(), libcHeader(); len(a) == 0 || len(a) != len(b) {
		t.Fatalf("libcHeader: %d then %d entries", len(a), len(b))
	}
	for name, header := range map[string]string{"printf": "stdio.h", "malloc": "stdlib.h", "memcpy": "string.h", "pthread_create": "pthread.h", "open": "fcntl.h"} {
		if got := libcHeader()[name]; got != header {
			t.Errorf("libcHeader()[%q] = %q, want %q", name, got, header)
		}
	}
	for _, h := range []string{"stdio.h", "pthread.h", "stdint.h", "fenv.h"} {
		if !libcHeaders()[h] {
			t.Errorf("libcHeaders()[%q] = false", h)
		}
	}
	if libcHeaders()["vector"] {
		t.Error(`libcHeaders()["vector"] = true`)
	}
	checkSet := func(table string, set map[string]bool, in []string, out []string) {
		t.Helper()
		for _, w := range in {
			if !set[w] {
				t.Errorf("%s[%q] = false", table, w)
			}
		}
		for _, w := range out {
			if set[w] {
				t.Errorf("%s[%q] = true", table, w)
			}
		}
	}
	checkSet("stdFuncs", stdFuncs(), []string{"make_pair", "sort", "visit"}, []string{"printf", "Vec"})
	checkSet("pyBuiltins", pyBuiltins(), []string{"len", "__import__", "EncodingWarning", "abs"}, []string{"parseInt", "describe"})
	checkSet("jsGlobals", jsGlobals(), []string{"parseInt", "Array", "structuredClone"}, []string{"len", "describe"})
	checkSet("libraryMethods", libraryMethods(), []string{"append", "startswith"}, []string{"resolveGo"})
	checkSet("ooLibraryMethods", ooLibraryMethods(), []string{"to_s", "getBody", "respond_to?"}, []string{"resolveGo"})
	checkSet("ktSwiftLibraryFunctions[Kotlin]", ktSwiftLibraryFunctions()[lang.Kotlin], []string{"listOf", "println"}, []string{"resolveGo"})
	for in, want := range map[string]string{"Env* const": "Env", "const std::vector<Foo *> &": "std::vector<Foo>", "struct stat *": "stat"} {
		if got := cppTypeText(in); got != want {
			t.Errorf("cppTypeText(%q) = %q, want %q", in, got, want)
		}
	}
}
