package graphexport

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// fixture is the repository fixture (testdata/repo) indexed once for the
// package.
var fixture struct {
	once sync.Once
	dir  string
	st   *store.Store
	q    *query.Engine
	err  error
}

var tmpDirs []string

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.st != nil {
		fixture.st.Close()
	}
	for _, d := range tmpDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// indexTree indexes a copy of src (or src itself when copyIt is false,
// with the store in a temporary directory) and opens it read-only.
func indexTree(src string, copyIt bool) (*store.Store, *query.Engine, error) {
	tmp, err := os.MkdirTemp("", "graphexport-test-")
	if err != nil {
		return nil, nil, err
	}
	tmpDirs = append(tmpDirs, tmp)
	root := src
	if copyIt {
		root = filepath.Join(tmp, "repo")
		if err := os.CopyFS(root, os.DirFS(src)); err != nil {
			return nil, nil, err
		}
	}
	db := filepath.Join(tmp, "db")
	if _, err := index.Run(context.Background(), index.Options{Root: root, DBDir: db, NoSearch: true}); err != nil {
		return nil, nil, fmt.Errorf("index %s: %w", src, err)
	}
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	return st, query.New(st, query.Options{NoSource: true}), nil
}

func fixtureStore(t *testing.T) (*store.Store, *query.Engine) {
	t.Helper()
	fixture.once.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		fixture.st, fixture.q, fixture.err = indexTree(filepath.Join(filepath.Dir(file), "..", "..", "testdata", "repo"), true)
	})
	if fixture.err != nil {
		t.Fatal(fixture.err)
	}
	return fixture.st, fixture.q
}

func mustSelect(t *testing.T, sel Selection) *Graph {
	t.Helper()
	st, q := fixtureStore(t)
	g, err := Select(context.Background(), st, q, sel)
	if err != nil {
		t.Fatalf("Select(%+v): %v", sel, err)
	}
	return g
}

func names(g *Graph) []string {
	var out []string
	for i := range g.Nodes {
		out = append(out, label(&g.Nodes[i]))
	}
	return out
}

func TestSelectRoot(t *testing.T) {
	g := mustSelect(t, Selection{Root: "Server.ServeHTTP", Depth: 1})
	if n := names(g); !slices.Contains(n, "Store.Get") || !slices.Contains(n, "Server.ServeHTTP") {
		t.Errorf("callees of Server.ServeHTTP: %v, want Store.Get among them", n)
	}
	if g.Root == 0 {
		t.Error("root not set")
	}
	for _, e := range g.Edges {
		if e.Kind != graph.EdgeCalls {
			t.Errorf("edge of kind %s, want only calls by default", e.Kind)
		}
	}
	callers := mustSelect(t, Selection{Root: "Store.Get", Direction: Callers})
	if n := names(callers); !slices.Contains(n, "Server.ServeHTTP") || slices.Contains(n, "fmt.Fprintf") {
		t.Errorf("callers of Store.Get: %v", n)
	}
	both := mustSelect(t, Selection{Root: "Store.Get", Direction: Both, Depth: 1})
	if len(both.Nodes) < len(callers.Nodes) {
		t.Errorf("both (%d nodes) has fewer than callers (%d)", len(both.Nodes), len(callers.Nodes))
	}
	if _, err := Select(context.Background(), fixture.st, fixture.q, Selection{Root: "NoSuchSymbolAnywhere"}); !errors.Is(err, query.ErrNotFound) {
		t.Errorf("unknown root: %v, want ErrNotFound", err)
	}
}

func TestSelectFilters(t *testing.T) {
	g := mustSelect(t, Selection{Path: "pkg/store"})
	if len(g.Nodes) == 0 {
		t.Fatal("--path pkg/store selected nothing")
	}
	for _, n := range g.Nodes {
		if !strings.HasPrefix(n.File, "pkg/store/") {
			t.Errorf("--path pkg/store kept %s", n.File)
		}
	}
	g = mustSelect(t, Selection{Path: "**/*.ts"})
	for _, n := range g.Nodes {
		if !strings.HasSuffix(n.File, ".ts") {
			t.Errorf("--path **/*.ts kept %s", n.File)
		}
	}
	if len(g.Nodes) == 0 {
		t.Error("--path **/*.ts selected nothing")
	}
	g = mustSelect(t, Selection{Package: "server"})
	for _, n := range g.Nodes {
		if filepath.Dir(n.File) != "pkg/server" {
			t.Errorf("--package server kept %s", n.File)
		}
	}
	g = mustSelect(t, Selection{Kinds: []graph.EdgeKind{graph.EdgeImports}})
	if len(g.Edges) == 0 {
		t.Error("no imports edges")
	}
	touched := map[graph.NodeID]bool{}
	for _, e := range g.Edges {
		touched[e.Src], touched[e.Dst] = true, true
	}
	if len(touched) != len(g.Nodes) {
		t.Errorf("--kind imports: %d nodes, %d touched by an edge", len(g.Nodes), len(touched))
	}
	idx := g.index()
	for _, e := range g.Edges {
		if e.Kind != graph.EdgeImports {
			t.Errorf("kept a %s edge", e.Kind)
		}
		if _, ok := idx[e.Src]; !ok {
			t.Errorf("edge from a node not selected")
		}
		if _, ok := idx[e.Dst]; !ok {
			t.Errorf("edge to a node not selected")
		}
	}
}

func TestSelectLimits(t *testing.T) {
	st, q := fixtureStore(t)
	ctx := context.Background()
	_, err := Select(ctx, st, q, Selection{MaxNodes: 3})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "--root") || !strings.HasPrefix(err.Error(), "graph too large") {
		t.Errorf("whole graph over the cap: %v, want ErrTooLarge suggesting a selection", err)
	}
	for _, sel := range []Selection{{Depth: 2}, {Root: "x", Depth: MaxDepth + 1}, {MaxNodes: -1}} {
		if _, err := Select(ctx, st, q, sel); !errors.Is(err, ErrInvalid) {
			t.Errorf("Select(%+v): %v, want ErrInvalid", sel, err)
		}
	}
	if _, err := ParseKinds("calls,nope"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseKinds: %v", err)
	}
	if k, err := ParseKinds("calls, imports,calls"); err != nil || len(k) != 2 {
		t.Errorf("ParseKinds = %v, %v", k, err)
	}
	if _, err := ParseFormat("png"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseFormat(png): %v", err)
	}
	if _, err := ParseDirection("up"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseDirection(up): %v", err)
	}
}

// TestNDJSONContract pins the fields other tools read.
func TestNDJSONContract(t *testing.T) {
	st, _ := fixtureStore(t)
	var buf bytes.Buffer
	if err := StreamNDJSON(context.Background(), st, &buf); err != nil {
		t.Fatal(err)
	}
	nodeKeys := []string{"type", "id", "kind", "name", "qualified_name", "file", "line", "end_line", "language"}
	edgeKeys := []string{"type", "kind", "src", "dst", "file", "line", "resolution"}
	seen := map[string]int{}
	dec := json.NewDecoder(&buf)
	for {
		var m map[string]any
		if err := dec.Decode(&m); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		typ, _ := m["type"].(string)
		if typ == "node" && seen["edge"] > 0 {
			t.Fatal("a node after an edge")
		}
		seen[typ]++
		want := map[string][]string{"node": nodeKeys, "edge": edgeKeys}[typ]
		if want == nil {
			t.Fatalf("record of type %q", typ)
		}
		for _, k := range want {
			if _, ok := m[k]; !ok {
				t.Fatalf("%s record without %q: %v", typ, k, m)
			}
		}
	}
	if seen["node"] == 0 || seen["edge"] == 0 {
		t.Errorf("records: %v", seen)
	}
	// The selected form writes the same records.
	g := mustSelect(t, Selection{Path: "pkg"})
	buf.Reset()
	if err := WriteNDJSON(&buf, g); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(buf.String(), "\n"); lines != len(g.Nodes)+len(g.Edges) {
		t.Errorf("%d lines for %d nodes + %d edges", lines, len(g.Nodes), len(g.Edges))
	}
	buf.Reset()
	if err := WriteJSON(&buf, g); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Nodes []NodeRecord `json:"nodes"`
		Edges []EdgeRecord `json:"edges"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil || len(doc.Nodes) != len(g.Nodes) || len(doc.Edges) != len(g.Edges) {
		t.Errorf("json: %v, %d nodes %d edges", err, len(doc.Nodes), len(doc.Edges))
	}
}

// hostile is a graph whose names need escaping in every format.
func hostile() *Graph {
	names := []string{
		`say "hi"`, `back\slash\n`, "two\nlines", "ünïcødé.函数", `a<b>&c`, "end", "graph", "style",
		"x#35;y", "pipe|bracket[]{}()", "semi;colon", "`tick`", "-->", "tab\tand\x01ctl", "subgraph", "click",
	}
	g := &Graph{}
	for i, n := range names {
		g.Nodes = append(g.Nodes, graph.Node{ID: graph.NodeID(1000 + i), Kind: graph.KindFunction, Name: n,
			QualifiedName: n, File: "dir/" + n + ".go", StartLine: uint32(i + 1), Language: "go"})
	}
	res := []graph.Resolution{graph.ResExact, graph.ResInferred, graph.ResAmbiguous, graph.ResExternal, graph.ResSyntax}
	for i := range names {
		j := (i*7 + 3) % len(names)
		g.Edges = append(g.Edges, graph.Edge{Kind: graph.EdgeCalls, Src: g.Nodes[i].ID, Dst: g.Nodes[j].ID,
			File: g.Nodes[i].File, Line: uint32(i), Res: res[i%len(res)]})
	}
	g.Edges = append(g.Edges, graph.Edge{Kind: graph.EdgeCalls, Src: g.Nodes[1].ID, Dst: g.Nodes[0].ID, Res: graph.ResExact},
		graph.Edge{Kind: graph.EdgeCalls, Src: g.Nodes[1].ID, Dst: g.Nodes[0].ID, Line: 9, Res: graph.ResAmbiguous})
	slices.SortFunc(g.Edges, func(a, b graph.Edge) int {
		return cmp.Or(cmp.Compare(a.Src, b.Src), cmp.Compare(a.Dst, b.Dst), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Line, b.Line))
	})
	g.Root = g.Nodes[0].ID
	return g
}

func render(t *testing.T, f Format, g *Graph) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, f, g); err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	return buf.Bytes()
}

// checkDOT parses out back and checks it describes g.
func checkDOT(t *testing.T, out []byte, g *Graph, exactLabels bool) {
	t.Helper()
	d, err := parseDOT(string(out))
	if err != nil {
		t.Fatalf("DOT does not parse: %v\n%s", err, out)
	}
	if !d.directed {
		t.Error("not a digraph")
	}
	drawn := g.drawnEdges()
	if len(d.nodes) != len(g.Nodes) || len(d.edges) != len(drawn) {
		t.Fatalf("DOT has %d nodes, %d edges; want %d, %d", len(d.nodes), len(d.edges), len(g.Nodes), len(drawn))
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		attrs, ok := d.nodes[n.ID.String()]
		if !ok {
			t.Fatalf("node %s missing", n.ID)
		}
		want := label(n)
		if !exactLabels {
			continue
		}
		want = strings.Map(func(r rune) rune {
			if r == '\r' {
				return -1
			}
			if r != '\n' && (r < 0x20 || r == 0x7f) {
				return ' '
			}
			return r
		}, want)
		if got := dotLabel(attrs["label"]); got != want {
			t.Errorf("label %q read back as %q", want, got)
		}
	}
	for i, e := range d.edges {
		if _, ok := d.nodes[e.src]; !ok {
			t.Errorf("edge %d from undeclared %s", i, e.src)
		}
		if e.attrs["resolution"] != drawn[i].Res.String() || e.attrs["style"] == "" || e.attrs["color"] == "" {
			t.Errorf("edge %d attributes %v", i, e.attrs)
		}
	}
}

var (
	mermaidNode   = regexp.MustCompile(`^  ([A-Za-z0-9_]+)\["([^"]*)"\]$`)
	mermaidEdge   = regexp.MustCompile(`^  ([A-Za-z0-9_]+) (-->|-\.->)\|([a-z_]+)\| ([A-Za-z0-9_]+)$`)
	mermaidLink   = regexp.MustCompile(`^  linkStyle ([0-9]+(?:,[0-9]+)*) stroke:#[0-9a-f]{6}$`)
	mermaidEntity = regexp.MustCompile(`#[0-9]+;`)
	mermaidRest   = regexp.MustCompile(`^  (classDef root stroke-width:3px|class [A-Za-z0-9_]+ root)$`)
	// Words Mermaid's flowchart grammar reserves; an id spelled so breaks it.
	mermaidReserved = []string{"end", "graph", "flowchart", "subgraph", "style", "linkStyle", "classDef", "class", "click", "call", "href", "default", "direction", "o", "x"}
)

// checkMermaid checks out against the basic rules of Mermaid's flowchart
// grammar.
func checkMermaid(t *testing.T, out []byte, g *Graph) []string {
	t.Helper()
	var labels []string
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if !regexp.MustCompile(`^(flowchart|graph) (TB|TD|BT|RL|LR)$`).MatchString(lines[0]) {
		t.Fatalf("header %q", lines[0])
	}
	ids := map[string]bool{}
	edges := 0
	for _, l := range lines[1:] {
		if m := mermaidNode.FindStringSubmatch(l); m != nil {
			if ids[m[1]] {
				t.Errorf("node %s declared twice", m[1])
			}
			if slices.Contains(mermaidReserved, m[1]) {
				t.Errorf("reserved id %s", m[1])
			}
			ids[m[1]] = true
			if strings.ContainsAny(m[2], "<>`\n|") {
				t.Errorf("label %q has characters Mermaid reads as markup", m[2])
			}
			labels = append(labels, mermaidEntity.ReplaceAllStringFunc(m[2], func(e string) string {
				n, _ := strconv.Atoi(e[1 : len(e)-1])
				return string(rune(n))
			}))
			continue
		}
		if m := mermaidEdge.FindStringSubmatch(l); m != nil {
			if !ids[m[1]] || !ids[m[4]] {
				t.Errorf("edge %q between undeclared nodes", l)
			}
			edges++
			continue
		}
		if m := mermaidLink.FindStringSubmatch(l); m != nil {
			for _, s := range strings.Split(m[1], ",") {
				if i, _ := strconv.Atoi(s); i >= len(g.drawnEdges()) {
					t.Errorf("linkStyle of edge %d of %d", i, len(g.drawnEdges()))
				}
			}
			continue
		}
		if mermaidRest.MatchString(l) {
			continue
		}
		t.Errorf("line %q breaks the grammar", l)
	}
	if len(ids) != len(g.Nodes) || edges != len(g.drawnEdges()) {
		t.Errorf("mermaid: %d nodes, %d edges; want %d, %d", len(ids), edges, len(g.Nodes), len(g.drawnEdges()))
	}
	return labels
}

// The GraphML schema's element structure
// (http://graphml.graphdrawing.org/xmlns/1.0/graphml-structure.xsd).
type gmlIn struct {
	XMLName xml.Name `xml:"http://graphml.graphdrawing.org/xmlns graphml"`
	Keys    []struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
		Type string `xml:"attr.type,attr"`
	} `xml:"key"`
	Graphs []struct {
		ID          string `xml:"id,attr"`
		EdgeDefault string `xml:"edgedefault,attr"`
		Nodes       []struct {
			ID   string    `xml:"id,attr"`
			Data []gmlData `xml:"data"`
		} `xml:"node"`
		Edges []struct {
			ID     string    `xml:"id,attr"`
			Source string    `xml:"source,attr"`
			Target string    `xml:"target,attr"`
			Data   []gmlData `xml:"data"`
		} `xml:"edge"`
	} `xml:"graph"`
}

// checkGraphML decodes out into the GraphML structure and checks the
// schema's constraints: key ids unique with a valid domain and type, one
// graph with edgedefault, node ids unique, edge endpoints defined, data
// only of keys declared for their element.
func checkGraphML(t *testing.T, out []byte, g *Graph) map[string]map[string]string {
	t.Helper()
	var doc gmlIn
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("GraphML does not decode: %v", err)
	}
	keyFor := map[string]string{}
	for _, k := range doc.Keys {
		if _, dup := keyFor[k.ID]; dup || k.ID == "" {
			t.Errorf("key id %q duplicated or empty", k.ID)
		}
		if !slices.Contains([]string{"node", "edge", "graph", "all"}, k.For) ||
			!slices.Contains([]string{"boolean", "int", "long", "float", "double", "string"}, k.Type) {
			t.Errorf("key %+v", k)
		}
		keyFor[k.ID] = k.For
	}
	if len(doc.Graphs) != 1 || !slices.Contains([]string{"directed", "undirected"}, doc.Graphs[0].EdgeDefault) {
		t.Fatalf("graphs: %+v", doc.Graphs)
	}
	gr := doc.Graphs[0]
	nodes := map[string]map[string]string{}
	checkData := func(el string, data []gmlData) map[string]string {
		m := map[string]string{}
		for _, d := range data {
			if f, ok := keyFor[d.Key]; !ok || (f != el && f != "all") {
				t.Errorf("%s data of key %q not declared for it", el, d.Key)
			}
			m[d.Key] = d.Value
		}
		return m
	}
	for _, n := range gr.Nodes {
		if _, dup := nodes[n.ID]; dup || n.ID == "" {
			t.Errorf("node id %q duplicated or empty", n.ID)
		}
		nodes[n.ID] = checkData("node", n.Data)
	}
	eids := map[string]bool{}
	for _, e := range gr.Edges {
		if eids[e.ID] {
			t.Errorf("edge id %q duplicated", e.ID)
		}
		eids[e.ID] = true
		if nodes[e.Source] == nil || nodes[e.Target] == nil {
			t.Errorf("edge %s: endpoint undefined", e.ID)
		}
		checkData("edge", e.Data)
	}
	if len(nodes) != len(g.Nodes) || len(eids) != len(g.Edges) {
		t.Errorf("graphml: %d nodes, %d edges; want %d, %d", len(nodes), len(eids), len(g.Nodes), len(g.Edges))
	}
	return nodes
}

// checkSVG checks out is well-formed XML with one data-node-id element
// per node.
func checkSVG(t *testing.T, out []byte, g *Graph) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(out))
	ids := map[string]int{}
	first := true
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if first && (se.Name.Local != "svg" || se.Name.Space != "http://www.w3.org/2000/svg") {
				t.Fatalf("root element %v", se.Name)
			}
			first = false
			for _, a := range se.Attr {
				if a.Name.Local == "data-node-id" {
					ids[a.Value]++
				}
			}
		}
	}
	for i := range g.Nodes {
		if c := ids[g.Nodes[i].ID.String()]; c != 1 {
			t.Errorf("node %s has %d elements", g.Nodes[i].ID, c)
		}
	}
	if len(ids) != len(g.Nodes) {
		t.Errorf("%d node elements for %d nodes", len(ids), len(g.Nodes))
	}
}

func TestEscaping(t *testing.T) {
	g := hostile()
	checkDOT(t, render(t, DOT, g), g, true)
	for i, l := range checkMermaid(t, render(t, Mermaid, g), g) {
		want := strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return ' '
			}
			return r
		}, g.Nodes[i].Name)
		if l != want {
			t.Errorf("Mermaid label %q read back as %q", want, l)
		}
	}
	nodes := checkGraphML(t, render(t, GraphML, g), g)
	for i := range g.Nodes {
		n := &g.Nodes[i]
		want := strings.Map(func(r rune) rune {
			if r < 0x20 && r != '\n' && r != '\t' {
				return '\uFFFD'
			}
			return r
		}, n.Name)
		if got := nodes[n.ID.String()]["name"]; got != want {
			t.Errorf("GraphML name %q read back as %q", want, got)
		}
	}
	checkSVG(t, render(t, SVG, g), g)
	// An empty graph is still a valid document in every format.
	empty := &Graph{}
	checkDOT(t, render(t, DOT, empty), empty, true)
	checkMermaid(t, render(t, Mermaid, empty), empty)
	checkGraphML(t, render(t, GraphML, empty), empty)
	checkSVG(t, render(t, SVG, empty), empty)
}

func TestFormatsOnFixture(t *testing.T) {
	for _, sel := range []Selection{
		{},
		{Root: "Server.ServeHTTP", Depth: 3, Direction: Both},
		{Kinds: []graph.EdgeKind{graph.EdgeImports, graph.EdgeCalls}, Path: "pkg/**"},
	} {
		g := mustSelect(t, sel)
		if len(g.Nodes) == 0 {
			t.Fatalf("%+v: empty", sel)
		}
		checkDOT(t, render(t, DOT, g), g, true)
		checkMermaid(t, render(t, Mermaid, g), g)
		checkGraphML(t, render(t, GraphML, g), g)
		checkSVG(t, render(t, SVG, g), g)
	}
}

// crossings counts edge crossings between adjacent layers.
func crossings(lay layout, edges [][2]int) int {
	pos := map[int]int{}
	for _, row := range lay.order {
		for i, v := range row {
			pos[v] = i
		}
	}
	type seg struct{ l, a, b int }
	var segs []seg
	for _, e := range edges {
		s, d := e[0], e[1]
		if lay.layer[s] > lay.layer[d] {
			s, d = d, s
		}
		if lay.layer[d] == lay.layer[s]+1 {
			segs = append(segs, seg{lay.layer[s], pos[s], pos[d]})
		}
	}
	c := 0
	for i := range segs {
		for j := i + 1; j < len(segs); j++ {
			x, y := segs[i], segs[j]
			if x.l == y.l && (x.a-y.a)*(x.b-y.b) < 0 {
				c++
			}
		}
	}
	return c
}

func TestLayered(t *testing.T) {
	// A cycle 0->1->2->0 and a chain: every edge but the one that closes
	// the cycle goes down at least one layer.
	edges := [][2]int{{0, 1}, {1, 2}, {2, 0}, {2, 3}, {3, 4}, {0, 4}, {5, 5}}
	lay := layered(6, edges)
	up := 0
	for _, e := range edges {
		if e[0] == e[1] {
			continue
		}
		if lay.layer[e[1]] <= lay.layer[e[0]] {
			up++
		}
	}
	if up != 1 {
		t.Errorf("%d edges not pointing down, want 1 (the back edge): layers %v", up, lay.layer)
	}
	if lay.layer[4] != 4 { // longest path 0-1-2-3-4
		t.Errorf("layer of 4 = %d, want 4", lay.layer[4])
	}
	// Two crossed pairs: barycenter ordering uncrosses them.
	// Layer 0: 0 1 2 3; layer 1: 4 5 6 7 with 0->7, 1->6, 2->5, 3->4.
	edges = [][2]int{{0, 7}, {1, 6}, {2, 5}, {3, 4}}
	lay = layered(8, edges)
	if c := crossings(lay, edges); c != 0 {
		t.Errorf("%d crossings after ordering: %v", c, lay.order)
	}
}

// TestNetHTTP exports the callers of a net/http function from an index of
// the standard library's net/http and checks every format.
func TestNetHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes net/http")
	}
	src := filepath.Join(runtime.GOROOT(), "src", "net", "http")
	if _, err := os.Stat(src); err != nil {
		t.Skip("no Go source:", err)
	}
	st, q, err := indexTree(src, false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	g, err := Select(ctx, st, q, Selection{Root: "Error", Direction: Callers, Depth: 2, Path: "*.go", MaxNodes: DefaultDrawMax})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Nodes) < 10 || len(g.Edges) < 10 {
		t.Fatalf("callers of http.Error: %d nodes, %d edges", len(g.Nodes), len(g.Edges))
	}
	if n := names(g); !slices.Contains(n, "NotFound") {
		t.Errorf("callers of http.Error lack NotFound: %v", n)
	}
	checkDOT(t, render(t, DOT, g), g, true)
	checkMermaid(t, render(t, Mermaid, g), g)
	checkGraphML(t, render(t, GraphML, g), g)
	checkSVG(t, render(t, SVG, g), g)
	// The whole index is over the drawing cap, with a clear error.
	if _, err := Select(ctx, st, q, Selection{MaxNodes: DefaultDrawMax}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("whole net/http under the cap: %v", err)
	}
}
