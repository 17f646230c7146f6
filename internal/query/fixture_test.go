package query

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// The test fixture is a small repository whose graph is written by hand
// (no parser, no resolver): sources on disk, nodes with their lines, and
// edges resolved as a resolver would resolve them, so that every query
// sees resolved, inferred, ambiguous, external and unresolved edges.

type defSpec struct {
	key        string // name in fixture.id; default qn
	kind       graph.NodeKind
	qn         string
	start, end int
	parent     string // key of the parent; "" for the file
	sig, doc   string
}

type fileSpec struct {
	path, lang string
	src        string
	defs       []defSpec
}

type edgeSpec struct {
	kind     graph.EdgeKind
	from, to string // keys; to "" for an unresolved edge
	target   string
	line     int
	res      graph.Resolution
	cands    []string // for ambiguous edges: the candidates' keys
}

type fixture struct {
	t    testing.TB
	st   *store.Store
	e    *Engine
	root string
	id   map[string]graph.NodeID
	node map[string]graph.Node
}

func (f *fixture) n(key string) graph.NodeID {
	f.t.Helper()
	id, ok := f.id[key]
	if !ok {
		f.t.Fatalf("fixture has no %q", key)
	}
	return id
}

// buildFixture writes files (sources under a temporary root, and their
// graph into a new store) and returns an engine over it.
func buildFixture(t testing.TB, files []fileSpec, edges []edgeSpec) *fixture {
	t.Helper()
	root := t.TempDir()
	st, err := store.Open(filepath.Join(root, ".codegraph"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, st: st, root: root, id: map[string]graph.NodeID{}, node: map[string]graph.Node{}}
	nodes := map[string][]graph.Node{}
	for _, fs := range files {
		src := strings.TrimPrefix(fs.src, "\n")
		lines := strings.Count(src, "\n")
		fid := graph.MakeNodeID(fs.path, fs.path, graph.KindFile, 0)
		fn := graph.Node{ID: fid, Kind: graph.KindFile, Name: filepath.Base(fs.path), QualifiedName: fs.path,
			Language: fs.lang, File: fs.path, StartLine: 1, EndLine: uint32(lines), EndByte: uint32(len(src))}
		f.id[fs.path], f.node[fs.path] = fid, fn
		nodes[fs.path] = append(nodes[fs.path], fn)
		for _, d := range fs.defs {
			key := d.key
			if key == "" {
				key = d.qn
			}
			name := d.qn[strings.LastIndexByte(d.qn, '.')+1:]
			n := graph.Node{ID: graph.MakeNodeID(fs.path, d.qn, d.kind, 0), Kind: d.kind, Name: name, QualifiedName: d.qn,
				Language: fs.lang, File: fs.path, StartLine: uint32(d.start), EndLine: uint32(d.end),
				StartByte: uint32(lineOffset(src, d.start)), EndByte: uint32(lineOffset(src, d.end+1)),
				Signature: d.sig, Doc: d.doc, Visibility: graph.VisPublic, Parent: fid}
			if fs.lang == "go" && name[0] >= 'a' && name[0] <= 'z' {
				n.Visibility = graph.VisPrivate
			}
			if d.parent != "" {
				n.Parent = f.id[d.parent]
			}
			if _, dup := f.id[key]; dup {
				t.Fatalf("fixture key %q twice", key)
			}
			f.id[key], f.node[key] = n.ID, n
			nodes[fs.path] = append(nodes[fs.path], n)
		}
		if fs.lang == "external" {
			continue // a library: no source
		}
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(fs.path)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, fs.path), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Syntax edges from the parent links, then the given ones.
	fileEdges := map[string][]graph.Edge{}
	for path, ns := range nodes {
		for _, n := range ns {
			if n.Parent == 0 {
				continue
			}
			fileEdges[path] = append(fileEdges[path], graph.Edge{Kind: graph.EdgeContains, Src: n.Parent, Dst: n.ID,
				Target: n.Name, File: path, Line: n.StartLine, Res: graph.ResSyntax})
			if p := f.byID(n.Parent); p.Kind.IsType() {
				fileEdges[path] = append(fileEdges[path], graph.Edge{Kind: graph.EdgeDefines, Src: n.Parent, Dst: n.ID,
					Target: n.Name, File: path, Line: n.StartLine, Res: graph.ResSyntax})
			}
		}
	}
	var ambiguous []edgeSpec
	for _, es := range edges {
		src := f.node[es.from]
		ed := graph.Edge{Kind: es.kind, Src: f.n(es.from), Target: es.target, File: src.File, Line: uint32(es.line), Res: es.res}
		if es.to != "" {
			ed.Dst = f.n(es.to)
		}
		if es.res == graph.ResAmbiguous {
			ed.Res = graph.ResUnresolved
			ambiguous = append(ambiguous, es)
		}
		fileEdges[src.File] = append(fileEdges[src.File], ed)
	}
	b := st.NewBatch()
	defer b.Close()
	for _, fs := range files {
		src := strings.TrimPrefix(fs.src, "\n")
		meta := store.FileMeta{Path: fs.path, Language: fs.lang, Size: int64(len(src)), Hash: graph.HashBytes([]byte(src)), ExtractorVersion: 1}
		if err := b.ReplaceFile(meta, nodes[fs.path], fileEdges[fs.path]); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.SetMeta(MetaRoot, []byte(root)); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(false); err != nil {
		t.Fatal(err)
	}
	for _, es := range ambiguous {
		src := f.node[es.from]
		ed := graph.Edge{Kind: es.kind, Src: src.ID, Target: es.target, File: src.File, Line: uint32(es.line)}
		var dsts []graph.NodeID
		for _, c := range es.cands {
			dsts = append(dsts, f.n(c))
		}
		if err := b.ResolveEdge(ed, dsts, graph.ResAmbiguous); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(false); err != nil {
		t.Fatal(err)
	}
	f.e = New(st, Options{})
	return f
}

func (f *fixture) byID(id graph.NodeID) graph.Node {
	for _, n := range f.node {
		if n.ID == id {
			return n
		}
	}
	return graph.Node{}
}

// lineOffset returns the byte offset of line n (1-based) of src.
func lineOffset(src string, n int) int {
	off := 0
	for l := 1; l < n; l++ {
		i := strings.IndexByte(src[off:], '\n')
		if i < 0 {
			return len(src)
		}
		off += i + 1
	}
	return off
}

const (
	kFunc   = graph.KindFunction
	kMethod = graph.KindMethod
	eCalls  = graph.EdgeCalls
	rExact  = graph.ResExact
)

// shop is the shared fixture: a store, a server using it, a test, a main
// program, a cache with a second Get, an unresolved x.y.Get, recursion and
// a mutual call cycle, and a package cycle between a/ and b/.
func shop(t testing.TB) *fixture {
	files := []fileSpec{
		{path: "store/store.go", lang: "go", src: `
package store

// Store holds orders.
type Store struct {
	m map[string]int
}

// Get returns the value of k.
func (s *Store) Get(k string) int {
	return s.lookup(k)
}

func (s *Store) lookup(k string) int { return s.m[k] }

func (s *Store) Put(k string, v int) { s.m[k] = v }

func helper() int { return 1 }
`, defs: []defSpec{
			{key: "pkg:store", kind: graph.KindPackage, qn: "store", start: 1, end: 1, sig: "package store"},
			{kind: graph.KindStruct, qn: "Store", start: 4, end: 6, sig: "Store struct", doc: "Store holds orders."},
			{kind: graph.KindField, qn: "Store.m", start: 5, end: 5, parent: "Store", sig: "m map[string]int"},
			{kind: kMethod, qn: "Store.Get", start: 9, end: 11, parent: "Store", sig: "func (s *Store) Get(k string) int", doc: "Get returns the value of k."},
			{kind: kMethod, qn: "Store.lookup", start: 13, end: 13, parent: "Store", sig: "func (s *Store) lookup(k string) int"},
			{kind: kMethod, qn: "Store.Put", start: 15, end: 15, parent: "Store", sig: "func (s *Store) Put(k string, v int)"},
			{kind: kFunc, qn: "helper", start: 17, end: 17, sig: "func helper() int"},
		}},
		{path: "server/server.go", lang: "go", src: `
package server

import "example.com/store"

type Server struct {
	st *store.Store
}

func (s *Server) Handle(k string) int {
	s.log.Printf("get %s", k)
	return s.st.Get(k) + helper()
}

func Run() {
	s := &Server{}
	s.Handle("x")
}
`, defs: []defSpec{
			{key: "imp:store", kind: graph.KindImport, qn: "example.com/store", start: 3, end: 3},
			{kind: graph.KindStruct, qn: "Server", start: 5, end: 7, sig: "Server struct"},
			{kind: graph.KindField, qn: "Server.st", start: 6, end: 6, parent: "Server", sig: "st *store.Store"},
			{kind: kMethod, qn: "Server.Handle", start: 9, end: 12, parent: "Server", sig: "func (s *Server) Handle(k string) int"},
			{kind: kFunc, qn: "Run", start: 14, end: 17, sig: "func Run()"},
		}},
		{path: "server/server_test.go", lang: "go", src: `
package server

func TestHandle(t *testing.T) {
	Run()
	(&Server{}).Handle("k")
}
`, defs: []defSpec{
			{kind: kFunc, qn: "TestHandle", start: 3, end: 6, sig: "func TestHandle(t *testing.T)"},
		}},
		{path: "app/main.go", lang: "go", src: `
package main

func main() {
	fmt.Println("start")
	server.Run()
}
`, defs: []defSpec{
			{key: "pkg:main", kind: graph.KindPackage, qn: "main", start: 1, end: 1, sig: "package main"},
			{kind: kFunc, qn: "main", start: 3, end: 6, sig: "func main()"},
		}},
		{path: "cache/cache.go", lang: "go", src: `
package cache

type Cache struct{}

func (c *Cache) Get(k string) int { return 0 }

func Fill(c any) int {
	return c.Get("k")
}
`, defs: []defSpec{
			{kind: graph.KindStruct, qn: "Cache", start: 3, end: 3, sig: "Cache struct"},
			{kind: kMethod, qn: "Cache.Get", start: 5, end: 5, parent: "Cache", sig: "func (c *Cache) Get(k string) int"},
			{kind: kFunc, qn: "Fill", start: 7, end: 9, sig: "func Fill(c any) int"},
		}},
		{path: "other/other.go", lang: "go", src: `
package other

func Other(x T) int {
	return x.y.Get("k")
}
`, defs: []defSpec{
			{kind: kFunc, qn: "Other", start: 3, end: 5, sig: "func Other(x T) int"},
		}},
		{path: "loop/loop.go", lang: "go", src: `
package loop

func Rec(n int) int { return Rec(n - 1) }

func Ping() { Pong() }

func Pong() { Ping() }
`, defs: []defSpec{
			{kind: kFunc, qn: "Rec", start: 3, end: 3, sig: "func Rec(n int) int"},
			{kind: kFunc, qn: "Ping", start: 5, end: 5, sig: "func Ping()"},
			{kind: kFunc, qn: "Pong", start: 7, end: 7, sig: "func Pong()"},
		}},
		{path: graph.ExternalPrefix + "go/fmt", lang: "external", defs: []defSpec{
			{key: "pkg:fmt", kind: graph.KindPackage, qn: "fmt", start: 1, end: 1},
			{kind: graph.KindExternal, qn: "fmt.Println", start: 1, end: 1, parent: "pkg:fmt"},
		}},
		{path: graph.ExternalPrefix + "go/net/http", lang: "external", defs: []defSpec{
			{key: "pkg:net/http", kind: graph.KindPackage, qn: "net/http", start: 1, end: 1},
			{kind: graph.KindExternal, qn: "net/http.Get", start: 1, end: 1, parent: "pkg:net/http"},
		}},
		{path: "a/a.go", lang: "go", src: `
package a

func A() { b.B() }
`, defs: []defSpec{{kind: kFunc, qn: "A", start: 3, end: 3, sig: "func A()"}}},
		{path: "b/b.go", lang: "go", src: `
package b

func B() { a.A() }
`, defs: []defSpec{{kind: kFunc, qn: "B", start: 3, end: 3, sig: "func B()"}}},
	}
	edges := []edgeSpec{
		{kind: eCalls, from: "Store.Get", to: "Store.lookup", target: "s.lookup", line: 10, res: rExact},
		{kind: graph.EdgeImports, from: "server/server.go", to: "store/store.go", target: "example.com/store", line: 3, res: rExact},
		{kind: graph.EdgeReferences, from: "Server.st", to: "Store", target: "store.Store", line: 6, res: rExact},
		{kind: eCalls, from: "Server.Handle", target: "s.log.Printf", line: 10},
		{kind: eCalls, from: "Server.Handle", to: "Store.Get", target: "s.st.Get", line: 11, res: rExact},
		{kind: eCalls, from: "Server.Handle", to: "helper", target: "helper", line: 11, res: graph.ResInferred},
		{kind: eCalls, from: "Run", to: "Server.Handle", target: "s.Handle", line: 16, res: rExact},
		{kind: eCalls, from: "TestHandle", to: "Run", target: "Run", line: 4, res: rExact},
		{kind: eCalls, from: "TestHandle", to: "Server.Handle", target: "(&Server{}).Handle", line: 5, res: rExact},
		{kind: eCalls, from: "main", to: "fmt.Println", target: "fmt.Println", line: 4, res: graph.ResExternal},
		{kind: eCalls, from: "main", to: "Run", target: "server.Run", line: 5, res: rExact},
		{kind: eCalls, from: "Fill", target: "c.Get", line: 8, res: graph.ResAmbiguous, cands: []string{"Store.Get", "Cache.Get"}},
		{kind: eCalls, from: "Other", target: "x.y.Get", line: 4},
		{kind: eCalls, from: "Other", target: "x.lookup", line: 4},
		{kind: eCalls, from: "Rec", to: "Rec", target: "Rec", line: 3, res: rExact},
		{kind: eCalls, from: "Ping", to: "Pong", target: "Pong", line: 5, res: rExact},
		{kind: eCalls, from: "Pong", to: "Ping", target: "Ping", line: 7, res: rExact},
		{kind: eCalls, from: "A", to: "B", target: "b.B", line: 3, res: rExact},
		{kind: eCalls, from: "B", to: "A", target: "a.A", line: 3, res: rExact},
	}
	return buildFixture(t, files, edges)
}

func storeMeta(path, lang, src string) store.FileMeta {
	return store.FileMeta{Path: path, Language: lang, Size: int64(len(src)), Hash: graph.HashBytes([]byte(src)), ExtractorVersion: 1}
}
