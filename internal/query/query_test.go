package query

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

var bg = context.Background()

func TestResolve(t *testing.T) {
	f := shop(t)
	for _, tc := range []struct {
		spec string
		want []string // qualified names; nil with err
		err  error
	}{
		{spec: "Store.Get", want: []string{"Store.Get"}},
		{spec: "Get", want: []string{"Cache.Get", "Store.Get"}}, // bare name: both, by file
		{spec: "Fill", want: []string{"Fill"}},
		{spec: "store.Store.Get", want: []string{"Store.Get"}},    // package-qualified
		{spec: "cache.Cache.Get", want: []string{"Cache.Get"}},    // package-qualified
		{spec: "server/server.Run", want: []string{"Run"}},        // directory-qualified
		{spec: "store/store.go:Get", want: []string{"Store.Get"}}, // FILE:NAME
		{spec: "fmt.Println", want: []string{"fmt.Println"}},      // a library symbol
		{spec: "http.Get", want: []string{"net/http.Get"}},        // by its package's name
		{spec: "store/store.go:Store.Put", want: []string{"Store.Put"}},
		{spec: "store/store.go:10", want: []string{"Store.Get"}}, // FILE:LINE
		{spec: "store/store.go:5", want: []string{"Store.m"}},    // innermost
		{spec: "store/store.go:4", want: []string{"Store"}},
		{spec: "store/store.go:2", want: []string{"store/store.go"}}, // no definition: the file
		{spec: "store/store.go:1", want: []string{"store/store.go"}}, // package clauses do not count
		{spec: "store/store.go", want: []string{"store/store.go"}},
		{spec: "store/store.go:99", err: ErrNotFound},
		{spec: "nope/file.go:3", err: ErrNotFound},
		{spec: "Nope", err: ErrNotFound},
		{spec: "Nope.Get", err: ErrNotFound},
		{spec: "", err: ErrNotFound},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			ms, err := f.e.Resolve(bg, tc.spec)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range ms {
				got = append(got, m.QualifiedName)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	// By id.
	id := f.n("Store.Put")
	ms, err := f.e.Resolve(bg, id.String())
	if err != nil || len(ms) != 1 || ms[0].ID != id {
		t.Errorf("by id: %v %v", ms, err)
	}
	// Imports do not compete with the definition they import.
	if ms, err := f.e.Resolve(bg, "example.com/store"); err != nil || len(ms) != 1 || ms[0].Kind != graph.KindImport {
		t.Errorf("import alone: %v %v", ms, err)
	}
}

func TestResolveOneAmbiguous(t *testing.T) {
	f := shop(t)
	_, err := f.e.ResolveOne(bg, "Get")
	var amb *AmbiguousError
	if !errors.As(err, &amb) || !errors.Is(err, ErrAmbiguous) {
		t.Fatalf("err = %v, want an AmbiguousError", err)
	}
	if amb.Total != 2 || len(amb.Candidates) != 2 {
		t.Fatalf("candidates = %+v", amb)
	}
	c := amb.Candidates[0]
	if c.ID != f.n("Cache.Get").String() || c.Kind != "method" || c.File != "cache/cache.go" || c.Line != 5 {
		t.Errorf("first candidate = %+v", c)
	}
	if !strings.Contains(err.Error(), `"Get" is ambiguous: 2 symbols`) {
		t.Errorf("message %q", err)
	}
	// Not found: suggestions by name ignoring case.
	_, err = f.e.ResolveOne(bg, "get")
	var nf *NotFoundError
	if !errors.As(err, &nf) || len(nf.Suggestions) != 2 || !strings.Contains(err.Error(), "did you mean") {
		t.Errorf("not found: %v", err)
	}
}

func TestResolveScope(t *testing.T) {
	f := shop(t)
	for _, tc := range []struct {
		spec, kind, name string
		files            int
	}{
		{"store/store.go", "file", "store/store.go", 1},
		{"server", "package", "server", 2},
		{"server/", "package", "server", 2},
		{"store", "package", "store", 1}, // a directory before a symbol
		{"Store.Get", "symbol", "Store.Get", 0},
		{"main", "symbol", "main", 0}, // the function, not the package node
		{".", "package", ".", 0},
	} {
		s, err := f.e.ResolveScope(bg, tc.spec)
		if tc.spec == "." {
			// No files at the root of the fixture: "." is not a package.
			if err == nil {
				t.Errorf("%q: got %+v, want an error", tc.spec, s)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.spec, err)
			continue
		}
		if string(s.Kind) != tc.kind || s.Name != tc.name || len(s.Files) != tc.files {
			t.Errorf("%q: got %s %s %v", tc.spec, s.Kind, s.Name, s.Files)
		}
	}
}

func TestDef(t *testing.T) {
	f := shop(t)
	d, err := f.e.Def(bg, f.n("Store.Get"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Signature != "func (s *Store) Get(k string) int" || d.Doc != "Get returns the value of k." || d.Line != 9 || d.EndLine != 11 {
		t.Errorf("def = %+v", d)
	}
	if d.Code != "func (s *Store) Get(k string) int {\n\treturn s.lookup(k)\n}" || d.CodeTruncated {
		t.Errorf("code = %q", d.Code)
	}
	if d.Snippet != "func (s *Store) Get(k string) int {\n\treturn s.lookup(k)\n}" {
		t.Errorf("snippet = %q", d.Snippet)
	}
	if d.Parent == nil || d.Parent.QualifiedName != "Store" {
		t.Errorf("parent = %+v", d.Parent)
	}
	d, err = f.e.Def(bg, f.n("Store"))
	if err != nil {
		t.Fatal(err)
	}
	var members []string
	for _, m := range d.Members {
		members = append(members, m.QualifiedName)
	}
	if !reflect.DeepEqual(members, []string{"Store.m", "Store.Get", "Store.lookup", "Store.Put"}) || d.MembersTotal != 4 {
		t.Errorf("members = %v", members)
	}
	if _, err := f.e.Def(bg, 12345); err == nil {
		t.Error("def of a missing node: no error")
	}
}

func TestRefs(t *testing.T) {
	f := shop(t)
	r, err := f.e.Refs(bg, f.n("Store.Get"), RefsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type ref struct {
		kind, file string
		line       uint32
		from, text string
	}
	var got []ref
	for _, it := range r.Items {
		got = append(got, ref{it.Kind, it.File, it.Line, it.Source.QualifiedName, it.Text})
	}
	want := []ref{
		{"calls", "cache/cache.go", 8, "Fill", `return c.Get("k")`},
		{"calls", "server/server.go", 11, "Server.Handle", "return s.st.Get(k) + helper()"},
		{"contains", "store/store.go", 9, "Store", "func (s *Store) Get(k string) int {"},
		{"defines", "store/store.go", 9, "Store", "func (s *Store) Get(k string) int {"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("refs:\n got %v\nwant %v", got, want)
	}
	if r.Total != 4 || r.ByKind["calls"] != 2 || r.Items[0].Resolution != "ambiguous" || r.Items[0].Confidence != 0.5 {
		t.Errorf("refs = %+v", r)
	}
	r, err = f.e.Refs(bg, f.n("Store.Get"), RefsOptions{Kinds: []graph.EdgeKind{graph.EdgeCalls}})
	if err != nil || r.Total != 2 {
		t.Errorf("calls only: %+v %v", r, err)
	}
	// Reading the source degrades: a deleted file gives no text, a
	// changed one neither (its lines may have moved).
	if err := os.Remove(filepath.Join(f.root, "cache/cache.go")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.root, "server/server.go"), []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := New(f.st, Options{})
	r, err = e.Refs(bg, f.n("Store.Get"), RefsOptions{Kinds: []graph.EdgeKind{graph.EdgeCalls}})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range r.Items {
		if it.Text != "" || it.Source.Snippet != it.Source.Signature {
			t.Errorf("stale source used: %+v", it)
		}
	}
}

// callTree renders a calls result as "depth:name" in list order.
func callTree(r *CallsResult) []string {
	var out []string
	for _, it := range r.Items {
		name := it.Target
		if it.Symbol != nil {
			name = it.Symbol.QualifiedName
		}
		out = append(out, strings.Repeat(" ", it.Depth-1)+name)
	}
	return out
}

func TestCallersCallees(t *testing.T) {
	f := shop(t)
	for _, tc := range []struct {
		name    string
		callees bool
		root    string
		depth   int
		want    []string
	}{
		{"callers depth 1", false, "Store.Get", 1, []string{"Fill", "Server.Handle"}},
		{"callers depth 2", false, "Store.Get", 2, []string{"Fill", "Server.Handle", " Run", " TestHandle"}},
		// main reaches Store.Get through Run at depth 3; TestHandle calls
		// Run too but is already listed at depth 2.
		{"callers depth 3", false, "Store.Get", 3, []string{"Fill", "Server.Handle", " Run", "  main", " TestHandle"}},
		{"callers depth 9", false, "Store.Get", 9, []string{"Fill", "Server.Handle", " Run", "  main", " TestHandle"}},
		{"callers of nothing", false, "main", 3, nil},
		{"callees depth 1", true, "Run", 1, []string{"Server.Handle"}},
		{"callees depth 2", true, "Run", 2, []string{"Server.Handle", " s.log.Printf", " Store.Get", " helper"}},
		{"callees depth 3", true, "Run", 3, []string{"Server.Handle", " s.log.Printf", " Store.Get", "  Store.lookup", " helper"}},
		{"callees external", true, "main", 1, []string{"fmt.Println", "Run"}},
		{"callees unresolved", true, "Server.Handle", 1, []string{"s.log.Printf", "Store.Get", "helper"}},
		// Cycles in the call graph end the walk.
		{"recursion", false, "Rec", 10, nil},
		{"recursion callees", true, "Rec", 10, nil},
		{"mutual", false, "Ping", 10, []string{"Pong"}},
		{"mutual callees", true, "Ping", 10, []string{"Pong"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := CallsOptions{Depth: tc.depth}
			var r *CallsResult
			var err error
			if tc.callees {
				r, err = f.e.Callees(bg, f.n(tc.root), opts)
			} else {
				r, err = f.e.Callers(bg, f.n(tc.root), opts)
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := callTree(r); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if r.Total != len(tc.want) || r.NextCursor != "" || r.Root.QualifiedName != tc.root {
				t.Errorf("total %d next %q root %s", r.Total, r.NextCursor, r.Root.QualifiedName)
			}
		})
	}
	// Items carry the call site, resolution and parent.
	r, err := f.e.Callers(bg, f.n("Store.Get"), CallsOptions{Depth: 2})
	if err != nil {
		t.Fatal(err)
	}
	fill, handle, run := r.Items[0], r.Items[1], r.Items[2]
	if fill.Via.Resolution != "ambiguous" || fill.Via.Candidates != 2 || fill.Via.Line != 8 || fill.Parent != f.n("Store.Get").String() {
		t.Errorf("fill = %+v", fill)
	}
	if handle.Via.File != "server/server.go" || handle.Via.Line != 11 || handle.Via.Confidence != 1 || handle.Sites != 1 {
		t.Errorf("handle = %+v", handle)
	}
	if run.Parent != f.n("Server.Handle").String() || run.Via.Line != 16 || run.Symbol.Snippet != "func Run() {\n\ts := &Server{}\n\ts.Handle(\"x\")\n…" {
		t.Errorf("run = %+v %q", run, run.Symbol.Snippet)
	}
	r, err = f.e.Callees(bg, f.n("Server.Handle"), CallsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if it := r.Items[0]; it.Symbol != nil || it.Target != "s.log.Printf" || it.Via.Resolution != "unresolved" || it.Via.Confidence != 0 {
		t.Errorf("unresolved callee = %+v", it)
	}
	if it := r.Items[2]; it.Symbol.QualifiedName != "helper" || it.Via.Resolution != "inferred" || it.Via.Confidence != 0.7 {
		t.Errorf("inferred callee = %+v", it)
	}
}

func TestPagination(t *testing.T) {
	f := shop(t)
	full, err := f.e.Callers(bg, f.n("Store.Get"), CallsOptions{Depth: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{1, 2, 3, 5, 100} {
		var got []CallItem
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("cursor does not advance")
			}
			r, err := f.e.Callers(bg, f.n("Store.Get"), CallsOptions{Depth: 3, Page: Page{Limit: limit, Cursor: cursor}})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Items) > limit || r.Total != full.Total {
				t.Fatalf("limit %d: %d items, total %d", limit, len(r.Items), r.Total)
			}
			got = append(got, r.Items...)
			if r.NextCursor == "" {
				break
			}
			cursor = r.NextCursor
		}
		if !reflect.DeepEqual(got, full.Items) {
			t.Errorf("limit %d: pages differ from the full list", limit)
		}
	}
	// A cursor is tied to its query.
	r, _ := f.e.Callers(bg, f.n("Store.Get"), CallsOptions{Depth: 3, Page: Page{Limit: 1}})
	for _, bad := range []func() error{
		func() error {
			_, err := f.e.Callers(bg, f.n("Store.Get"), CallsOptions{Depth: 2, Page: Page{Cursor: r.NextCursor}})
			return err
		},
		func() error {
			_, err := f.e.Callees(bg, f.n("Store.Get"), CallsOptions{Depth: 3, Page: Page{Cursor: r.NextCursor}})
			return err
		},
		func() error {
			_, err := f.e.Callers(bg, f.n("Store.Get"), CallsOptions{Depth: 3, Page: Page{Cursor: "garbage!"}})
			return err
		},
		func() error {
			_, err := f.e.Refs(bg, f.n("Store.Get"), RefsOptions{Page: Page{Cursor: r.NextCursor}})
			return err
		},
	} {
		if err := bad(); !errors.Is(err, ErrBadCursor) {
			t.Errorf("err = %v, want ErrBadCursor", err)
		}
	}
	// Refs and hubs page too.
	var refs []Ref
	for cursor := ""; ; {
		r, err := f.e.Refs(bg, f.n("Store.Get"), RefsOptions{Page: Page{Limit: 3, Cursor: cursor}})
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r.Items...)
		if cursor = r.NextCursor; cursor == "" {
			break
		}
	}
	if len(refs) != 4 {
		t.Errorf("refs over pages: %d", len(refs))
	}
}

func TestDeps(t *testing.T) {
	f := shop(t)
	for _, tc := range []struct {
		name    string
		spec    string
		depth   int
		reverse bool
		want    []string // "depth kind name edges"
	}{
		{"symbol", "Server.Handle", 1, false, []string{
			"1 unresolved s.log.Printf 1", "1 symbol Store.Get 1", "1 symbol helper 1"}},
		// A type stands for its members: Server.st references Store, and
		// Handle's calls count for Server.
		{"type", "Server", 1, false, []string{
			"1 symbol Store 1", "1 unresolved s.log.Printf 1", "1 symbol Store.Get 1", "1 symbol helper 1"}},
		{"symbol depth 2", "Server.Handle", 2, false, []string{
			"1 unresolved s.log.Printf 1", "1 symbol Store.Get 1", "2 symbol Store.lookup 1", "1 symbol helper 1"}},
		{"symbol reverse", "Store.Get", 1, true, []string{"1 symbol Fill 1", "1 symbol Server.Handle 1"}},
		{"file", "server/server.go", 1, false, []string{"1 file store/store.go 4"}},
		{"file with a library", "app/main.go", 1, false, []string{"1 external go/fmt 1", "1 file server/server.go 1"}},
		{"file reverse", "store/store.go", 1, true, []string{"1 file cache/cache.go 1", "1 file server/server.go 4"}},
		{"package", "server", 1, false, []string{"1 package store 4"}},
		{"package reverse", "store", 1, true, []string{"1 package cache 1", "1 package server 4"}},
		{"package reverse depth 2", "store", 2, true, []string{
			"1 package cache 1", "1 package server 4", "2 package app 1"}},
		{"package cycle", "a", 5, false, []string{"1 package b 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := f.e.ResolveScope(bg, tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			r, err := f.e.Deps(bg, s, DepsOptions{Depth: tc.depth, Reverse: tc.reverse})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range r.Items {
				got = append(got, strings.Join([]string{itoa(it.Depth), it.Kind, it.Name, itoa(it.Edges)}, " "))
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
	// Edge kinds of a file dependency.
	s, _ := f.e.ResolveScope(bg, "server/server.go")
	r, err := f.e.Deps(bg, s, DepsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Unresolved != 1 { // s.log.Printf
		t.Errorf("unresolved = %d", r.Unresolved)
	}
	if k := r.Items[0].EdgeKinds; !reflect.DeepEqual(k, []string{"imports", "calls", "references"}) {
		t.Errorf("kinds = %v", k)
	}
	if v := r.Items[0].Via; v.File != "server/server.go" || v.Line != 3 || v.Kind != "imports" {
		t.Errorf("via = %+v", v)
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestPath(t *testing.T) {
	f := shop(t)
	for _, tc := range []struct {
		from, to string
		want     []string
		depth    int
	}{
		{"main", "Store.lookup", []string{"main", "Run", "Server.Handle", "Store.Get", "Store.lookup"}, 0},
		{"TestHandle", "Store.Get", []string{"TestHandle", "Server.Handle", "Store.Get"}, 0}, // the shorter way
		{"Store.Get", "main", nil, 0},                                                             // edges have a direction
		{"main", "Store.lookup", nil, 3},                                                          // too far
		{"Ping", "Ping", []string{"Ping"}, 0},                                                     // empty path
		{"Ping", "Pong", []string{"Ping", "Pong"}, 0},                                             // through a cycle
		{"A", "B", []string{"A", "B"}, 0},                                                         // across packages
		{"Server.st", "Store", []string{"Server.st", "Store"}, 0},                                 // references
		{"server/server.go", "store/store.go", []string{"server/server.go", "store/store.go"}, 0}, // imports
	} {
		r, err := f.e.Path(bg, f.n(tc.from), f.n(tc.to), PathOptions{MaxDepth: tc.depth})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range r.Steps {
			got = append(got, s.Symbol.QualifiedName)
		}
		if !reflect.DeepEqual(got, tc.want) || r.Found != (tc.want != nil) || (r.Found && r.Length != len(tc.want)-1) {
			t.Errorf("%s → %s: got %v (found %v, length %d), want %v", tc.from, tc.to, got, r.Found, r.Length, tc.want)
		}
		for i, s := range r.Steps {
			if (i == 0) != (s.Via == nil) || (s.Via != nil && s.Via.To != s.Symbol.ID) {
				t.Errorf("%s → %s: step %d via %+v", tc.from, tc.to, i, s.Via)
			}
		}
	}
}

func TestImpact(t *testing.T) {
	f := shop(t)
	scope := func(spec string) Scope {
		s, err := f.e.ResolveScope(bg, spec)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	r, err := f.e.Impact(bg, scope("Store.Get"), ImpactOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range r.Items {
		got = append(got, itoa(it.Depth)+" "+it.Symbol.QualifiedName)
	}
	want := []string{"1 Fill", "1 Server.Handle", "2 Run", "2 TestHandle", "3 main"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("items = %v, want %v", got, want)
	}
	// x.y.Get in other/other.go could call Store.Get; c.Get in Fill is
	// ambiguous: the impact is a lower bound.
	if r.Complete || r.Unresolved.Count != 1 || r.Unresolved.Sites[0] != (Site{File: "other/other.go", Line: 4, Target: "x.y.Get", From: f.n("Other").String(), Name: "Get"}) {
		t.Errorf("unresolved = %+v complete %v", r.Unresolved, r.Complete)
	}
	if r.Ambiguous.Count != 1 || r.Ambiguous.Sites[0].File != "cache/cache.go" || r.Ambiguous.Sites[0].Line != 8 {
		t.Errorf("ambiguous = %+v", r.Ambiguous)
	}
	if r.Items[0].Confidence != 0.5 || r.Items[1].Confidence != 1 {
		t.Errorf("confidence = %v %v", r.Items[0].Confidence, r.Items[1].Confidence)
	}
	wantFiles := []FileImpact{
		{File: "server/server.go", Package: "server", Symbols: 2},
		{File: "app/main.go", Package: "app", Symbols: 1},
		{File: "cache/cache.go", Package: "cache", Symbols: 1},
		{File: "server/server_test.go", Package: "server", Symbols: 1, Test: true},
	}
	if !reflect.DeepEqual(r.Files, wantFiles) || r.FilesTotal != 4 {
		t.Errorf("files = %+v", r.Files)
	}
	if len(r.Packages) != 3 || r.Packages[0] != (PackageImpact{Package: "server", Files: 2, Symbols: 3, TestFiles: 1}) {
		t.Errorf("packages = %+v", r.Packages)
	}
	if !reflect.DeepEqual(r.Tests, []string{"server/server_test.go"}) || !r.Items[3].Test {
		t.Errorf("tests = %v", r.Tests)
	}

	// helper is only called from Handle, and no unresolved call could
	// mean anything in its impact set: complete.
	r, err = f.e.Impact(bg, scope("helper"), ImpactOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Complete || r.Total != 4 || r.Items[0].Confidence != 0.7 {
		t.Errorf("helper: complete %v total %d items %+v unresolved %+v", r.Complete, r.Total, r.Items, r.Unresolved)
	}
	// lookup is unexported: x.lookup in another package cannot call it,
	// x.y.Get (calling Store.Get, which calls lookup) can.
	r, err = f.e.Impact(bg, scope("Store.lookup"), ImpactOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Unresolved.Count != 1 || r.Unresolved.Sites[0].Target != "x.y.Get" {
		t.Errorf("lookup: unresolved = %+v", r.Unresolved)
	}
	// Depth limits.
	r, err = f.e.Impact(bg, scope("helper"), ImpactOptions{Depth: 1})
	if err != nil || r.Total != 1 {
		t.Errorf("depth 1: %+v %v", r, err)
	}
	// Cycles end.
	r, err = f.e.Impact(bg, scope("Ping"), ImpactOptions{Depth: 50})
	if err != nil || r.Total != 1 || r.Items[0].Symbol.QualifiedName != "Pong" || !r.Complete {
		t.Errorf("cycle: %+v %v", r, err)
	}
	// A file: everything depending on any of its symbols, the server file
	// itself (through its import) included.
	r, err = f.e.Impact(bg, scope("store/store.go"), ImpactOptions{Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, it := range r.Items {
		got = append(got, it.Symbol.QualifiedName)
	}
	if want := []string{"Fill", "server/server.go", "Server.st", "Server.Handle"}; !reflect.DeepEqual(got, want) {
		t.Errorf("file impact = %v, want %v", got, want)
	}
	// Pagination keeps the groups.
	r, err = f.e.Impact(bg, scope("Store.Get"), ImpactOptions{Page: Page{Limit: 2}})
	if err != nil || len(r.Items) != 2 || r.NextCursor == "" || r.FilesTotal != 4 {
		t.Fatalf("page 1: %+v %v", r, err)
	}
	r2, err := f.e.Impact(bg, scope("Store.Get"), ImpactOptions{Page: Page{Limit: 10, Cursor: r.NextCursor}})
	if err != nil || len(r2.Items) != 3 || r2.Items[0].Symbol.QualifiedName != "Run" || r2.NextCursor != "" {
		t.Errorf("page 2: %+v %v", r2, err)
	}
}

func TestImpactTruncated(t *testing.T) {
	f := shop(t)
	e := New(f.st, Options{MaxNodes: 2})
	s, _ := e.ResolveScope(bg, "helper")
	r, err := e.Impact(bg, s, ImpactOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Truncated || r.Complete || r.Total != 2 {
		t.Errorf("truncated impact: %+v", r)
	}
	c, err := e.Callers(bg, f.n("Store.Get"), CallsOptions{Depth: 5})
	if err != nil || !c.Truncated || c.Total != 1 {
		t.Errorf("truncated callers: %+v %v", c, err)
	}
}

func TestCycles(t *testing.T) {
	f := shop(t)
	r, err := f.e.Cycles(bg, CyclesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 1 || len(r.Cycles) != 1 {
		t.Fatalf("cycles = %+v", r)
	}
	c := r.Cycles[0]
	if !reflect.DeepEqual(c.Packages, []string{"a", "b"}) || !reflect.DeepEqual(c.Loop, []string{"a", "b", "a"}) || c.EdgesTotal != 2 {
		t.Errorf("cycle = %+v", c)
	}
	if e := c.Edges[0]; e.Calls != 1 || e.Sample.Line != 3 {
		t.Errorf("edge = %+v", e)
	}

	// A test of store that runs the server closes a cycle only through a
	// test file: left out unless asked for.
	p := "store/store_ext_test.go"
	src := "package store_test\n\nfunc TestStore(t *testing.T) { server.Run() }\n"
	fid := graph.MakeNodeID(p, p, graph.KindFile, 0)
	tid := graph.MakeNodeID(p, "TestStore", graph.KindFunction, 0)
	b := f.st.NewBatch()
	defer b.Close()
	err = b.ReplaceFile(storeMeta(p, "go", src), []graph.Node{
		{ID: fid, Kind: graph.KindFile, Name: "store_ext_test.go", QualifiedName: p, File: p, Language: "go", StartLine: 1, EndLine: 3},
		{ID: tid, Kind: graph.KindFunction, Name: "TestStore", QualifiedName: "TestStore", File: p, Language: "go", StartLine: 3, EndLine: 3, Parent: fid},
	}, []graph.Edge{{Kind: graph.EdgeCalls, Src: tid, Dst: f.n("Run"), Target: "server.Run", File: p, Line: 3, Res: graph.ResExact}})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(false); err != nil {
		t.Fatal(err)
	}
	e := New(f.st, Options{})
	if r, err := e.Cycles(bg, CyclesOptions{}); err != nil || r.Total != 1 {
		t.Errorf("without tests: %+v %v", r, err)
	}
	r, err = e.Cycles(bg, CyclesOptions{Tests: true})
	if err != nil || r.Total != 2 || !reflect.DeepEqual(r.Cycles[1].Loop, []string{"server", "store", "server"}) {
		t.Errorf("with tests: %+v %v", r, err)
	}

	// A Go generator (package main) in store/ that calls Run is a unit of
	// its own: no cycle between store and server.
	p = "store/gen.go"
	src = "//go:build ignore\n\npackage main\n\nfunc main() { server.Run() }\n"
	fid = graph.MakeNodeID(p, p, graph.KindFile, 0)
	mid := graph.MakeNodeID(p, "main", graph.KindFunction, 0)
	err = b.ReplaceFile(storeMeta(p, "go", src), []graph.Node{
		{ID: fid, Kind: graph.KindFile, Name: "gen.go", QualifiedName: p, File: p, Language: "go", StartLine: 1, EndLine: 5},
		{ID: graph.MakeNodeID(p, "main", graph.KindPackage, 0), Kind: graph.KindPackage, Name: "main", QualifiedName: "main", File: p, Language: "go", StartLine: 3, EndLine: 3, Parent: fid},
		{ID: mid, Kind: graph.KindFunction, Name: "main", QualifiedName: "main", File: p, Language: "go", StartLine: 5, EndLine: 5, Parent: fid},
	}, []graph.Edge{{Kind: graph.EdgeCalls, Src: mid, Dst: f.n("Run"), Target: "server.Run", File: p, Line: 5, Res: graph.ResExact}})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(false); err != nil {
		t.Fatal(err)
	}
	e = New(f.st, Options{})
	if r, err := e.Cycles(bg, CyclesOptions{}); err != nil || r.Total != 1 {
		t.Errorf("with a generator: %+v %v", r, err)
	}
	o, err := e.Overview(bg, OverviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range o.Dependencies {
		found = found || d.From == "store [main]" && d.To == "server"
	}
	if !found {
		t.Errorf("dependencies = %+v", o.Dependencies)
	}
}

func TestTarjan(t *testing.T) {
	for _, tc := range []struct {
		adj  [][]int32
		want [][]int32 // components with more than one vertex, sorted
	}{
		{[][]int32{{1}, {2}, {0}}, [][]int32{{0, 1, 2}}},
		{[][]int32{{1}, {2}, {}}, nil},
		{[][]int32{{0}}, nil}, // a self loop is not a cycle between packages
		{[][]int32{{1}, {0}, {3}, {2, 4}, {}}, [][]int32{{0, 1}, {2, 3}}},
		{[][]int32{{1, 2}, {0}, {3}, {2}}, [][]int32{{0, 1}, {2, 3}}},
	} {
		var got [][]int32
		for _, c := range tarjan(tc.adj) {
			if len(c) > 1 {
				slices.Sort(c)
				got = append(got, c)
			}
		}
		slices.SortFunc(got, func(a, b []int32) int { return int(a[0] - b[0]) })
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("tarjan(%v) = %v, want %v", tc.adj, got, tc.want)
		}
	}
	// A long chain: no recursion limit.
	n := 200000
	adj := make([][]int32, n)
	for i := range n {
		adj[i] = []int32{int32((i + 1) % n)}
	}
	if c := tarjan(adj); len(c) != 1 || len(c[0]) != n {
		t.Errorf("ring: %d components", len(c))
	}
}

func TestHubs(t *testing.T) {
	f := shop(t)
	r, err := f.e.Hubs(bg, HubsOptions{Page: Page{Limit: 2}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range r.Items {
		got = append(got, h.Symbol.QualifiedName+" "+itoa(h.FanIn))
	}
	slices.Sort(got)
	if !reflect.DeepEqual(got, []string{"Run 2", "Server.Handle 2"}) || r.NextCursor == "" {
		t.Errorf("by fan-in: %v", got)
	}
	r, err = f.e.Hubs(bg, HubsOptions{By: ByFanOut, Page: Page{Limit: 3}})
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, h := range r.Items {
		got = append(got, h.Symbol.QualifiedName+" "+itoa(h.FanOut))
	}
	slices.Sort(got)
	if !reflect.DeepEqual(got, []string{"Server.Handle 2", "TestHandle 2", "main 2"}) {
		t.Errorf("by fan-out: %v", got)
	}
	// Ambiguous calls count only as possible callers.
	all, err := f.e.Hubs(bg, HubsOptions{Page: Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range all.Items {
		if h.Symbol.QualifiedName == "Store.Get" && (h.FanIn != 1 || h.PossibleIn != 1) {
			t.Errorf("Store.Get = %+v", h)
		}
		if h.Symbol.Kind == "external" {
			t.Errorf("library symbol listed by default: %+v", h)
		}
	}
	ext, err := f.e.Hubs(bg, HubsOptions{External: true, Page: Page{Limit: 100}})
	if err != nil || ext.Total != all.Total+1 {
		t.Errorf("with libraries: %d hubs, want %d (%v)", ext.Total, all.Total+1, err)
	}
	if _, err := f.e.Hubs(bg, HubsOptions{By: "sideways"}); err == nil {
		t.Error("unknown order: no error")
	}
}

func TestOutline(t *testing.T) {
	f := shop(t)
	r, err := f.e.Outline(bg, "store/store.go", OutlineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	var walk func(items []*OutlineItem, depth int)
	walk = func(items []*OutlineItem, depth int) {
		for _, it := range items {
			lines = append(lines, strings.Repeat(" ", depth)+it.Kind+" "+it.QualifiedName)
			walk(it.Children, depth+1)
		}
	}
	walk(r.Items, 0)
	want := []string{"package store", "struct Store", " field Store.m", " method Store.Get", " method Store.lookup", " method Store.Put", "function helper"}
	if !reflect.DeepEqual(lines, want) || r.Total != 3 || r.Symbols != 7 || r.Language != "go" {
		t.Errorf("outline:\n%s", strings.Join(lines, "\n"))
	}
	// Imports only when asked for.
	r, _ = f.e.Outline(bg, "server/server.go", OutlineOptions{})
	r2, _ := f.e.Outline(bg, "server/server.go", OutlineOptions{Imports: true})
	if r.Symbols != 4 || r2.Symbols != 5 {
		t.Errorf("imports: %d %d", r.Symbols, r2.Symbols)
	}
	// Pages are top-level items.
	r, _ = f.e.Outline(bg, "store/store.go", OutlineOptions{Page: Page{Limit: 2}})
	if len(r.Items) != 2 || len(r.Items[1].Children) != 4 || r.NextCursor == "" {
		t.Errorf("page: %+v", r)
	}
	if _, err := f.e.Outline(bg, "nope.go", OutlineOptions{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing file: %v", err)
	}
}

func TestOverview(t *testing.T) {
	f := shop(t)
	// A Python script with a main guard, and an index.ts.
	for p, src := range map[string]string{"tools/run.py": "if __name__ == \"__main__\":\n    pass\n", "web/index.ts": "export {}\n"} {
		b := f.st.NewBatch()
		lang := "python"
		if strings.HasSuffix(p, ".ts") {
			lang = "typescript"
		}
		fid := graph.MakeNodeID(p, p, graph.KindFile, 0)
		if err := b.ReplaceFile(storeMeta(p, lang, src), []graph.Node{{ID: fid, Kind: graph.KindFile, Name: filepath.Base(p), QualifiedName: p, File: p, Language: lang, StartLine: 1, EndLine: 2}}, nil); err != nil {
			t.Fatal(err)
		}
		if err := b.Commit(false); err != nil {
			t.Fatal(err)
		}
		b.Close()
		os.MkdirAll(filepath.Join(f.root, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(f.root, p), []byte(src), 0o644)
	}
	e := New(f.st, Options{})
	r, err := e.Overview(bg, OverviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []string
	for _, p := range r.Packages {
		pkgs = append(pkgs, p.Package)
	}
	if !reflect.DeepEqual(pkgs, []string{"a", "app", "b", "cache", "loop", "other", "server", "store", "tools", "web"}) || r.Files != 11 || r.Libraries != 2 {
		t.Errorf("packages = %v, files %d", pkgs, r.Files)
	}
	for _, p := range r.Packages {
		if p.Package == "server" && (p.Files != 2 || !reflect.DeepEqual(p.DependsOn, []string{"store"}) || p.Dependents != 1 || !reflect.DeepEqual(p.Languages, []string{"go"})) {
			t.Errorf("server = %+v", p)
		}
	}
	var entries []string
	for _, ep := range r.EntryPoints {
		entries = append(entries, ep.Kind+" "+ep.File)
	}
	want := []string{"main package app/main.go", "main function app/main.go", "main guard tools/run.py", "main file web/index.ts"}
	if !reflect.DeepEqual(entries, want) {
		t.Errorf("entry points = %q", entries)
	}
	var deps []string
	for _, d := range r.Dependencies {
		deps = append(deps, d.From+"→"+d.To)
	}
	slices.Sort(deps)
	if !reflect.DeepEqual(deps, []string{"app→server", "a→b", "b→a", "server→store"}) {
		t.Errorf("dependencies = %v", deps)
	}
	if len(r.Hubs) == 0 || r.Hubs[0].FanIn != 2 {
		t.Errorf("hubs = %+v", r.Hubs)
	}
	// Packages page.
	r, err = e.Overview(bg, OverviewOptions{Page: Page{Limit: 4}})
	if err != nil || len(r.Packages) != 4 || r.PackagesTotal != 10 || r.NextCursor == "" {
		t.Errorf("page: %+v %v", r, err)
	}
}

func TestCancellation(t *testing.T) {
	f := shop(t)
	ctx, cancel := context.WithCancel(bg)
	cancel()
	e := New(f.st, Options{})
	scope, err := e.ResolveScope(bg, "Store.Get")
	if err != nil {
		t.Fatal(err)
	}
	for name, run := range map[string]func() error{
		"resolve":  func() error { _, err := e.Resolve(ctx, "Store.Get"); return err },
		"callers":  func() error { _, err := e.Callers(ctx, f.n("Store.Get"), CallsOptions{Depth: 3}); return err },
		"callees":  func() error { _, err := e.Callees(ctx, f.n("Run"), CallsOptions{Depth: 3}); return err },
		"deps":     func() error { _, err := e.Deps(ctx, scope, DepsOptions{Depth: 3}); return err },
		"impact":   func() error { _, err := e.Impact(ctx, scope, ImpactOptions{}); return err },
		"path":     func() error { _, err := e.Path(ctx, f.n("main"), f.n("Store.Get"), PathOptions{}); return err },
		"hubs":     func() error { _, err := e.Hubs(ctx, HubsOptions{}); return err },
		"cycles":   func() error { _, err := e.Cycles(ctx, CyclesOptions{}); return err },
		"overview": func() error { _, err := e.Overview(ctx, OverviewOptions{}); return err },
		"outline":  func() error { _, err := e.Outline(ctx, "store/store.go", OutlineOptions{}); return err },
	} {
		if err := run(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v, want context.Canceled", name, err)
		}
	}
	// A cancelled whole-graph scan is not cached.
	if _, err := e.Hubs(bg, HubsOptions{}); err != nil {
		t.Errorf("after cancel: %v", err)
	}
}

func TestLastIdent(t *testing.T) {
	for in, want := range map[string]string{
		"s.st.Get":                    "Get",
		"r.URL.Query().Get":           "Get",
		"Get":                         "Get",
		"fmt.Println":                 "Println",
		"std::vector<int>::push_back": "push_back",
		"println!":                    "println",
		"this.items.push":             "push",
		"new Foo":                     "Foo",
		"a->b":                        "b",
		"$el.on":                      "on",
		"":                            "",
		"()":                          "",
	} {
		if got := graph.TargetName(in); got != want {
			t.Errorf("TargetName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsTestFile(t *testing.T) {
	for p, want := range map[string]bool{
		"pkg/server_test.go":           true,
		"pkg/server.go":                false,
		"tools/test_report.py":         true,
		"tools/report_test.py":         true,
		"tools/conftest.py":            true,
		"tools/report.py":              false,
		"web/cart.test.ts":             true,
		"web/cart.spec.tsx":            true,
		"web/cart.ts":                  false,
		"src/test/java/a/FooTest.java": true,
		"src/main/java/a/Foo.java":     false,
		"src/main/java/a/FooTest.java": true,
		"tests/integration.rs":         true,
		"web/__tests__/cart.js":        true,
		"testdata/x.go":                false,
		"latest/x.go":                  false,
	} {
		if got := IsTestFile(p); got != want {
			t.Errorf("IsTestFile(%q) = %v", p, got)
		}
	}
}

func TestFilePath(t *testing.T) {
	f := shop(t)
	for _, tc := range []struct{ in, wd, want string }{
		{"store/store.go", "/elsewhere", "store/store.go"},
		{"store.go", filepath.Join(f.root, "store"), "store/store.go"},
		{"../server/server.go", filepath.Join(f.root, "store"), "server/server.go"},
		{filepath.Join(f.root, "app", "main.go"), "", "app/main.go"},
		{"./store/", f.root, "store"},
		{"nope.go", "/elsewhere", "nope.go"},
	} {
		if got := f.e.FilePath(tc.in, tc.wd); got != tc.want {
			t.Errorf("FilePath(%q, %q) = %q, want %q", tc.in, tc.wd, got, tc.want)
		}
	}
}

// TestParallelTraversal checks that concurrent level expansion gives the
// same answers as a sequential one, on a graph wide enough to use it: a
// root called by 60 functions in 6 files, each called by 3 others.
func TestParallelTraversal(t *testing.T) {
	var files []fileSpec
	var edges []edgeSpec
	files = append(files, fileSpec{path: "root/root.go", lang: "go", src: "package root\n\nfunc Root() {}\n",
		defs: []defSpec{{kind: kFunc, qn: "Root", start: 3, end: 3, sig: "func Root()"}}})
	for f := range 6 {
		var src strings.Builder
		src.WriteString("package p\n")
		var defs []defSpec
		for i := range 10 {
			name := "F" + itoa(f) + "_" + itoa(i)
			src.WriteString("func " + name + "() { root.Root() }\n")
			defs = append(defs, defSpec{kind: kFunc, qn: name, start: i + 2, end: i + 2, sig: "func " + name + "()"})
			edges = append(edges, edgeSpec{kind: eCalls, from: name, to: "Root", target: "root.Root", line: i + 2, res: rExact})
			for j := range 3 {
				caller := "G" + itoa(f) + "_" + itoa(i) + "_" + itoa(j)
				src.WriteString("func " + caller + "() { " + name + "() }\n")
				line := 12 + i*3 + j
				defs = append(defs, defSpec{kind: kFunc, qn: caller, start: line, end: line})
				edges = append(edges, edgeSpec{kind: eCalls, from: caller, to: name, target: name, line: line, res: rExact})
			}
		}
		files = append(files, fileSpec{path: "p" + itoa(f) + "/p.go", lang: "go", src: src.String(), defs: defs})
	}
	f := buildFixture(t, files, edges)
	seq, par := New(f.st, Options{Workers: 1}), New(f.st, Options{Workers: 4})
	root := f.n("Root")
	scope := par.ScopeOf(f.node["Root"])
	for name, run := range map[string]func(e *Engine) (any, error){
		"callers": func(e *Engine) (any, error) {
			return e.Callers(bg, root, CallsOptions{Depth: 3, Page: Page{Limit: 1000}})
		},
		"impact": func(e *Engine) (any, error) { return e.Impact(bg, scope, ImpactOptions{Page: Page{Limit: 1000}}) },
		"deps": func(e *Engine) (any, error) {
			return e.Deps(bg, scope, DepsOptions{Depth: 3, Reverse: true, Page: Page{Limit: 1000}})
		},
		"path": func(e *Engine) (any, error) { return e.Path(bg, f.n("G5_9_2"), root, PathOptions{}) },
	} {
		a, err := run(seq)
		if err != nil {
			t.Fatal(err)
		}
		b, err := run(par)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: sequential and parallel results differ", name)
		}
	}
	r, err := par.Callers(bg, root, CallsOptions{Depth: 2, Page: Page{Limit: 1000}})
	if err != nil || r.Total != 240 {
		t.Errorf("callers depth 2: %d, %v", r.Total, err)
	}
	// The tree lists each caller after the function it calls.
	if r.Items[0].Depth != 1 || r.Items[1].Depth != 2 || r.Items[1].Parent != r.Items[0].Symbol.ID {
		t.Errorf("order: %+v %+v", r.Items[0], r.Items[1])
	}
}
