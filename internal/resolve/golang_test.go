package resolve_test

import (
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// callSites returns "file:line target -> dst qualified name (resolution)"
// for every call edge of the index at db, keyed by "file:line target".
func callSites(t *testing.T, db string) map[string]string {
	return edgeSites(t, db, graph.EdgeCalls)
}

// edgeSites is callSites for edges of another kind.
func edgeSites(t *testing.T, db string, kind graph.EdgeKind) map[string]string {
	t.Helper()
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	out := map[string]string{}
	if err := st.AllEdges(func(e graph.Edge) error {
		if e.Kind != kind {
			return nil
		}
		k := fmt.Sprintf("%s:%d %s", e.File, e.Line, e.Target)
		if e.Dst == 0 {
			out[k] = "unresolved"
			return nil
		}
		dst, err := st.Node(e.Dst)
		if err != nil {
			return err
		}
		out[k] = fmt.Sprintf("%s:%s %s", dst.File, dst.QualifiedName, e.Res)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGoScopes pins Go calls whose receivers need block scoping, import
// names of /vN paths and package clauses, and the types of range, receive,
// type-switch, closure-parameter and composite-literal variables.
func TestGoScopes(t *testing.T) {
	dir, _ := filepath.Abs("testdata/goscope")
	db := indexDir(t, dir)
	got := callSites(t, db)
	want := map[string]string{
		// import "example.com/router/v5/router" is package chi
		"app/app.go:15 chi.NewRouter": "router.go:NewRouter exact",
		// shadowing: the closure parameter, not the outer *chi.Mux
		"app/app.go:16 r.Route": "router.go:Mux.Route exact",
		"app/app.go:17 r.Get":   "router.go:Router.Get exact",
		"app/app.go:19 r.Get":   "router.go:Mux.Get exact",
		"app/app.go:21 r.Get":   "router.go:Cache.Get exact",
		// a package clause that differs from its directory
		"app/app.go:23 util.Clean": "internal/xutil/util.go:Clean exact",
		// the result of a call
		"app/app.go:24 router().Get": "router.go:Mux.Get exact",
		// range over a slice and a map, index of a defined slice type
		"app/app.go:31 req.Do":   "router.go:Request.Do exact",
		"app/app.go:34 req.Do":   "router.go:Request.Do exact",
		"app/app.go:38 rs[i].Do": "router.go:Request.Do exact",
		// receive from a typed channel
		"app/app.go:42 req.Do": "router.go:Request.Do exact",
		// type-switch clauses
		"app/app.go:46 v.Get": "router.go:Cache.Get exact",
		"app/app.go:48 v.Get": "router.go:Mux.Get exact",
		// a long composite literal, a type assertion
		"app/app.go:58 s.Get":               "router.go:Mux.Get exact",
		"app/app.go:59 x.(*chi.Request).Do": "router.go:Request.Do exact",
		// values of function type, nested ranges
		"app/app.go:68 once().Get": "router.go:Mux.Get exact",
		"app/app.go:70 f().Get":    "router.go:Cache.Get exact",
		"app/app.go:73 req.Do":     "router.go:Request.Do exact",
		// a commented var block; a package variable pointing at another
		"app/app.go:95 m.Get":          "router.go:Mux.Get exact",
		"app/app.go:96 c.Get":          "router.go:Cache.Get exact",
		"app/app.go:97 DefaultMux.Get": "router.go:Mux.Get exact",
		// declared with another type in each build variant: not guessed
		"app/app.go:76 variant.Get": "unresolved",
		// shadowing inside the package
		"router.go:64 r.Get": "router.go:Router.Get exact",
		"router.go:67 r.Get": "router.go:Cache.Get exact",
		// an external module's .vN path is named without its version
		"app/app.go:25 yaml.Marshal": "@external:go/gopkg.in/yaml.v3:gopkg.in/yaml.v3.Marshal external",
		// a method promoted through an embedded struct
		"router.go:58 m.respond": "router.go:base.respond exact",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %q, want %q", k, got[k], w)
		}
	}
	// Functions used as values: references bound like calls; a parameter
	// (fn) is not recorded.
	refs := edgeSites(t, db, graph.EdgeReferences)
	for k, w := range map[string]string{
		"router.go:78 m.routeHTTP": "router.go:Mux.routeHTTP exact",
		"router.go:79 m.routeHTTP": "router.go:Mux.routeHTTP exact",
		"router.go:79 shadow":      "router.go:shadow exact",
		"router.go:79 fn":          "",
	} {
		if refs[k] != w {
			t.Errorf("reference %s: got %q, want %q", k, refs[k], w)
		}
	}
}

// TestGoImplements: concrete types implement the repository's interfaces
// and the standard ones whose method sets they cover, by signature.
func TestGoImplements(t *testing.T) {
	dir, _ := filepath.Abs("testdata/goscope")
	got := implementsEdges(t, indexDir(t, dir))
	want := map[string]bool{
		"Mux -> Router exact":           true,
		"Cache -> Router exact":         true, // Get(string), as Router's
		"Request -> fmt.Stringer exact": true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("implements = %v, want %v", got, want)
	}
}

// TestGoEmbeddedIfaces: an interface whose method set comes only from
// embedded interfaces (recursively, standard composite ones included) is
// implemented, and a method called through one binds to the interface
// method that declares it.
func TestGoEmbeddedIfaces(t *testing.T) {
	dir, _ := filepath.Abs("testdata/goiface")
	db := indexDir(t, dir)
	got := implementsEdges(t, db)
	want := map[string]bool{
		"File -> Reader exact": true, "File -> Writer exact": true,
		"File -> ReadWriter exact": true, "File -> Nested exact": true, "File -> Conn exact": true,
		"File -> io.Reader exact": true, "File -> io.Writer exact": true, "File -> io.Closer exact": true,
		"ReadOnly -> Reader exact": true, "ReadOnly -> io.Reader exact": true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("implements = %v, want %v", got, want)
	}
	calls := callSites(t, db)
	for k, w := range map[string]string{
		"file.go:17 rw.Read": "stream/stream.go:Reader.Read exact",
		"file.go:18 c.Close": "@external:go/io:io.Closer.Close external",
	} {
		if calls[k] != w {
			t.Errorf("%s: got %q, want %q", k, calls[k], w)
		}
	}
}

// implementsEdges lists the bound implements edges of the index at db as
// "Type -> Interface resolution".
func implementsEdges(t *testing.T, db string) map[string]bool {
	t.Helper()
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got := map[string]bool{}
	if err := st.AllEdges(func(e graph.Edge) error {
		if e.Kind != graph.EdgeImplements || e.Dst == 0 {
			return nil
		}
		src, _ := st.Node(e.Src)
		dst, _ := st.Node(e.Dst)
		got[src.QualifiedName+" -> "+dst.QualifiedName+" "+e.Res.String()] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestGoModuleAbove indexes a directory inside a module: its import paths
// are the module path and the directory's place below go.mod.
func TestGoModuleAbove(t *testing.T) {
	dir, _ := filepath.Abs("testdata/goabove/tool/internal")
	got := callSites(t, indexDir(t, dir))
	if k, w := "a/a.go:6 b.Help", "b/b.go:Help exact"; got[k] != w {
		t.Errorf("%s: got %q, want %q", k, got[k], w)
	}
}
