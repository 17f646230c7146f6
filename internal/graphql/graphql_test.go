package graphql

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// fixture is an httptest server of the handler over an indexed copy of
// testdata/repo.
type fixture struct {
	srv  *httptest.Server
	svc  *service.Service
	root string
}

// accessHeader makes the test server run a request with read-only access
// (as the REST server's key middleware does).
const accessHeader = "X-Test-Access"

func newFixture(t testing.TB, opts Options, prepare func(root string)) *fixture {
	t.Helper()
	root := testrepo.Copy(t, "")
	if prepare != nil {
		prepare(root)
	}
	if _, err := index.Run(context.Background(), index.Options{Root: root}); err != nil {
		t.Fatal(err)
	}
	return serve(t, root, opts)
}

// shared is testdata/repo indexed once per test binary (search indexes
// included), for the tests that change neither its files nor its nodes.
// TestMain removes it.
var shared struct {
	once sync.Once
	dir  string
	root string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// sharedFixture serves the shared repository with a service of its own.
func sharedFixture(t testing.TB, opts Options) *fixture {
	t.Helper()
	shared.once.Do(func() {
		if shared.dir, shared.err = os.MkdirTemp("", "codegraph-graphql-"); shared.err != nil {
			return
		}
		shared.root = filepath.Join(shared.dir, "repo")
		if shared.err = os.CopyFS(shared.root, os.DirFS(testrepo.Dir())); shared.err != nil {
			return
		}
		_, shared.err = index.Run(context.Background(), index.Options{Root: shared.root})
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return serve(t, shared.root, opts)
}

// serve starts the handler over the repository at root (indexed or not),
// named shop, and the other repositories given.
func serve(t testing.TB, root string, opts Options, others ...service.RepoSpec) *fixture {
	t.Helper()
	svc, err := service.New(service.Options{Repos: append([]service.RepoSpec{{Name: "shop", Root: root}}, others...)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := svc.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	h := NewHandler(svc, opts)
	mux := http.NewServeMux()
	mux.Handle("/graphql", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(accessHeader) == "ro" {
			r = r.WithContext(service.WithAccess(r.Context(), service.ReadOnly))
		}
		h.ServeHTTP(w, r)
	}))
	mux.Handle("/graphiql", Playground("/graphql"))
	mux.Handle(PlaygroundAssetsPath, PlaygroundAssets())
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		srv.Close()
		svc.Close()
	})
	return &fixture{srv: srv, svc: svc, root: root}
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
	status int
}

func (e gqlError) code() string { s, _ := e.Extensions["code"].(string); return s }

// post sends one operation; header pairs are added to the request.
func (f *fixture) post(t testing.TB, q string, vars map[string]any, header ...string) response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, _ := http.NewRequest("POST", f.srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var r response
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("status %d, body %s: %v", res.StatusCode, b, err)
	}
	r.status = res.StatusCode
	return r
}

// data runs q, fails on any error and decodes data into out.
func (f *fixture) data(t testing.TB, q string, vars map[string]any, out any) {
	t.Helper()
	r := f.post(t, q, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("%s: errors %+v", q, r.Errors)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		t.Fatalf("%s: %v in %s", q, err, r.Data)
	}
}

// wantError runs q and checks it fails with code (and a message holding
// msg).
func (f *fixture) wantError(t testing.TB, q string, vars map[string]any, code, msg string, header ...string) {
	t.Helper()
	r := f.post(t, q, vars, header...)
	if len(r.Errors) == 0 {
		t.Fatalf("%s: no error, data %s", q, r.Data)
	}
	e := r.Errors[0]
	if e.code() != code || !strings.Contains(e.Message, msg) {
		t.Fatalf("%s: error %q code %q, want code %s and %q", q, e.Message, e.code(), code, msg)
	}
}

// nodeID finds the id of the node with a qualified name.
func (f *fixture) nodeID(t testing.TB, qn string) string {
	t.Helper()
	var d struct {
		Nodes struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	f.data(t, `query($qn: String) { nodes(filter: {qualifiedName: $qn}) { edges { node { id } } } }`, map[string]any{"qn": qn}, &d)
	if len(d.Nodes.Edges) != 1 {
		t.Fatalf("%d nodes named %s", len(d.Nodes.Edges), qn)
	}
	return d.Nodes.Edges[0].Node.ID
}

func TestNodeAndFields(t *testing.T) {
	f := sharedFixture(t, Options{})
	id := f.nodeID(t, "Store.Get")
	var d struct {
		Node struct {
			ID, Repo, NodeType, Kind, Name, QualifiedName, FilePath string
			LineNumber, EndLine                                     int
			Language, Signature, Doc, Visibility                    string
			CreatedByAPI                                            bool `json:"createdByApi"`
			Metadata                                                map[string]any
			Parent                                                  struct{ QualifiedName string }
			Out                                                     []struct {
				Type, TargetName, Resolution string
				Target                       *struct{ QualifiedName string }
				Source                       struct{ ID string }
			}
			In []struct {
				Type   string
				Source struct{ QualifiedName string }
			}
			Both []struct {
				Source struct{ ID string }
			}
			All []struct {
				Source struct{ ID string }
			}
			Callers struct {
				Total int
				Items []struct {
					Depth int
					Node  struct{ QualifiedName string }
					Via   struct{ Type, FilePath string }
				}
			}
			Callees struct{ Total int }
			Impact  struct {
				Complete bool
				Total    int
				Items    []struct {
					Node struct{ QualifiedName string }
				}
				Files []struct{ FilePath string }
			}
		}
		Missing *struct{ ID string }
	}
	f.data(t, `query($id: ID!) {
	  node(id: $id) {
	    id repo nodeType kind name qualifiedName filePath lineNumber endLine language signature doc visibility createdByApi metadata
	    parent { qualifiedName }
	    out: relationships { type targetName resolution target { qualifiedName } source { id } }
	    in: relationships(direction: INCOMING) { type source { qualifiedName } }
	    both: relationships(direction: BOTH, first: 2) { source { id } }
	    all: relationships(direction: BOTH) { source { id } }
	    callers(depth: 2) { total items { depth node { qualifiedName } via { type filePath } } }
	    callees { total }
	    impact { complete total items { node { qualifiedName } } files { filePath } }
	  }
	  missing: node(id: "0000000000000001") { id }
	}`, map[string]any{"id": id}, &d)
	n := d.Node
	if n.ID != id || n.Repo != "shop" || n.NodeType != "METHOD" || n.Kind != "method" || n.Name != "Get" || n.FilePath != "pkg/store/store.go" ||
		n.LineNumber != 24 || n.EndLine < 24 || n.Language != "go" || !strings.Contains(n.Signature, "func (s *Store) Get") ||
		!strings.Contains(n.Doc, "returns the order") || n.Visibility != "public" || n.CreatedByAPI || n.Metadata["startByte"] == nil {
		t.Errorf("node fields: %+v", n)
	}
	if n.Parent.QualifiedName != "Store" {
		t.Errorf("parent %+v", n.Parent)
	}
	if len(n.Out) == 0 {
		t.Error("no outgoing relationships")
	}
	for _, r := range n.Out {
		if r.Source.ID != id {
			t.Errorf("outgoing relationship from %s", r.Source.ID)
		}
	}
	foundCaller := false
	for _, r := range n.In {
		if r.Type == "CALLS" && r.Source.QualifiedName == "Server.ServeHTTP" {
			foundCaller = true
		}
	}
	if len(n.Both) != 2 || len(n.All) != len(n.Out)+len(n.In) || n.All[0].Source.ID != id || n.All[len(n.All)-1].Source.ID == id {
		t.Errorf("BOTH: first 2 gave %d, all gave %d of %d+%d, outgoing first", len(n.Both), len(n.All), len(n.Out), len(n.In))
	}
	if !foundCaller {
		t.Errorf("incoming relationships %+v lack the call from Server.ServeHTTP", n.In)
	}
	if n.Callers.Total == 0 || n.Callers.Items[0].Node.QualifiedName != "Server.ServeHTTP" || n.Callers.Items[0].Via.Type != "CALLS" {
		t.Errorf("callers %+v", n.Callers)
	}
	if n.Impact.Total == 0 || len(n.Impact.Files) == 0 {
		t.Errorf("impact %+v", n.Impact)
	}
	if d.Missing != nil {
		t.Errorf("missing node = %+v, want null", d.Missing)
	}
}

func TestNodesPagination(t *testing.T) {
	f := sharedFixture(t, Options{})
	type page struct {
		Nodes struct {
			Edges []struct {
				Cursor string
				Node   struct{ ID, NodeType, FilePath string }
			}
			PageInfo struct {
				HasNextPage, HasPreviousPage bool
				EndCursor                    *string
			}
		}
	}
	q := `query($f: NodeFilter, $p: Pagination) { nodes(filter: $f, pagination: $p) {
	  edges { cursor node { id nodeType filePath } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`
	// Walk all functions and methods two at a time; compare with one page.
	filter := map[string]any{"nodeTypes": []string{"METHOD", "FUNCTION"}}
	var all page
	f.data(t, q, map[string]any{"f": filter, "p": map[string]any{"first": 1000}}, &all)
	if len(all.Nodes.Edges) < 5 || all.Nodes.PageInfo.HasNextPage {
		t.Fatalf("one page: %d nodes, more %v", len(all.Nodes.Edges), all.Nodes.PageInfo.HasNextPage)
	}
	var walked []string
	var after any
	for i := 0; ; i++ {
		var p page
		f.data(t, q, map[string]any{"f": filter, "p": map[string]any{"first": 2, "after": after}}, &p)
		if (i > 0) != p.Nodes.PageInfo.HasPreviousPage {
			t.Errorf("page %d: hasPreviousPage %v", i, p.Nodes.PageInfo.HasPreviousPage)
		}
		for _, e := range p.Nodes.Edges {
			if e.Node.NodeType != "METHOD" && e.Node.NodeType != "FUNCTION" {
				t.Errorf("filter let %s through", e.Node.NodeType)
			}
			walked = append(walked, e.Node.ID)
		}
		if !p.Nodes.PageInfo.HasNextPage {
			break
		}
		after = *p.Nodes.PageInfo.EndCursor
	}
	if len(walked) != len(all.Nodes.Edges) {
		t.Fatalf("paged %d nodes, one page has %d", len(walked), len(all.Nodes.Edges))
	}
	for i, e := range all.Nodes.Edges {
		if walked[i] != e.Node.ID {
			t.Fatalf("page order differs at %d", i)
		}
	}
	// Other filters.
	var byFile page
	f.data(t, q, map[string]any{"f": map[string]any{"filePath": "pkg/store/store.go"}}, &byFile)
	var prefix page
	f.data(t, q, map[string]any{"f": map[string]any{"pathPrefix": "web/", "language": "typescript"}}, &prefix)
	if len(byFile.Nodes.Edges) == 0 || len(prefix.Nodes.Edges) == 0 {
		t.Fatalf("file filter %d nodes, prefix filter %d", len(byFile.Nodes.Edges), len(prefix.Nodes.Edges))
	}
	for _, e := range prefix.Nodes.Edges {
		if !strings.HasPrefix(e.Node.FilePath, "web/") {
			t.Errorf("prefix filter let %s through", e.Node.FilePath)
		}
	}
	// A cursor of another filter, a malformed one, a bound out of range.
	f.wantError(t, q, map[string]any{"f": map[string]any{"name": "Get"}, "p": map[string]any{"after": after}}, codeBadInput, "another filter")
	f.wantError(t, q, map[string]any{"p": map[string]any{"after": "!!"}}, codeBadInput, "invalid cursor")
	f.wantError(t, q, map[string]any{"p": map[string]any{"first": 5000}}, codeBadInput, "first must be between 1 and 1000")
	f.wantError(t, q, map[string]any{"f": map[string]any{"nodeTypes": []string{"GADGET"}}}, "GRAPHQL_VALIDATION_FAILED", "GADGET")
}

func TestSearch(t *testing.T) {
	f := sharedFixture(t, Options{})
	type result struct {
		Search struct {
			Mode  string
			Total int
			Hits  []struct {
				Score  float64
				Column *int
				Text   *string
				Node   struct{ QualifiedName, NodeType string }
			}
		}
	}
	q := `query($q: String!, $o: SearchOptions) { search(query: $q, options: $o) { mode total hits { score column text node { qualifiedName nodeType } } } }`
	for _, mode := range []string{"HYBRID", "LEXICAL", "SEMANTIC"} {
		var r result
		f.data(t, q, map[string]any{"q": "order store get", "o": map[string]any{"mode": mode, "limit": 5}}, &r)
		if r.Search.Mode != mode || len(r.Search.Hits) == 0 || len(r.Search.Hits) > 5 {
			t.Errorf("%s: %+v", mode, r.Search)
		}
	}
	var lex result
	f.data(t, q, map[string]any{"q": "order", "o": map[string]any{"mode": "LEXICAL", "nodeTypes": []string{"METHOD"}}}, &lex)
	for _, h := range lex.Search.Hits {
		if h.Node.NodeType != "METHOD" {
			t.Errorf("kind filter let %+v through", h)
		}
	}
	var rx result
	f.data(t, q, map[string]any{"q": `func \(s \*Store\) Ge.`, "o": map[string]any{"mode": "REGEX"}}, &rx)
	if len(rx.Search.Hits) != 1 || rx.Search.Hits[0].Node.QualifiedName != "Store.Get" || rx.Search.Hits[0].Column == nil || rx.Search.Hits[0].Text == nil {
		t.Errorf("regex: %+v", rx.Search)
	}
	f.wantError(t, q, map[string]any{"q": "(", "o": map[string]any{"mode": "REGEX"}}, service.CodeBadRegex.GraphQLCode(), "missing closing")
	f.wantError(t, q, map[string]any{"q": "  "}, codeBadInput, "query is empty")
	f.wantError(t, q, map[string]any{"q": "x", "o": map[string]any{"limit": 0}}, codeBadInput, "limit")

	var sim struct {
		SimilarNodes []struct {
			Score float64
			Node  struct{ ID, QualifiedName string }
		}
	}
	id := f.nodeID(t, "Store.Get")
	f.data(t, `query($id: ID!) { similarNodes(nodeId: $id, limit: 3) { score node { id qualifiedName } } }`, map[string]any{"id": id}, &sim)
	if len(sim.SimilarNodes) == 0 || len(sim.SimilarNodes) > 3 {
		t.Fatalf("similar: %+v", sim)
	}
	for _, m := range sim.SimilarNodes {
		if m.Node.ID == id {
			t.Error("a node is listed as similar to itself")
		}
	}
	f.wantError(t, `{ similarNodes(nodeId: "0000000000000001") { score } }`, nil, codeNotFound, "not found")
}

func TestDependencies(t *testing.T) {
	f := sharedFixture(t, Options{})
	type deps struct {
		Total, Depth int
		NextCursor   *string
		Items        []struct {
			Depth             int
			Kind, Name        string
			RelationshipTypes []string
			Node              *struct{ QualifiedName string }
			Via               struct{ Type string }
		}
		Nodes []struct{ QualifiedName string }
	}
	var d struct{ Dependencies, Dependents deps }
	serve := f.nodeID(t, "Server.ServeHTTP")
	get := f.nodeID(t, "Store.Get")
	f.data(t, `query($a: ID!, $b: ID!) {
	  dependencies(nodeId: $a, depth: 2) { total nextCursor items { depth kind name relationshipTypes node { qualifiedName } via { type } } nodes { qualifiedName } }
	  dependents(nodeId: $b) { total items { kind name node { qualifiedName } via { type } } nodes { qualifiedName } }
	}`, map[string]any{"a": serve, "b": get}, &d)
	has := func(ds deps, qn string) bool {
		for _, n := range ds.Nodes {
			if n.QualifiedName == qn {
				return true
			}
		}
		return false
	}
	if !has(d.Dependencies, "Store.Get") {
		t.Errorf("dependencies of Server.ServeHTTP: %+v", d.Dependencies)
	}
	if !has(d.Dependents, "Server.ServeHTTP") {
		t.Errorf("dependents of Store.Get: %+v", d.Dependents)
	}
	// Pages of one item at a time cover the whole list.
	total, seen := d.Dependencies.Total, 0
	var after any
	for {
		var p struct{ Dependencies deps }
		f.data(t, `query($a: ID!, $c: String) { dependencies(nodeId: $a, depth: 2, first: 1, after: $c) { nextCursor items { name } } }`,
			map[string]any{"a": serve, "c": after}, &p)
		seen += len(p.Dependencies.Items)
		if p.Dependencies.NextCursor == nil {
			break
		}
		after = *p.Dependencies.NextCursor
	}
	if seen != total {
		t.Errorf("pages listed %d items of %d", seen, total)
	}
	f.wantError(t, `query($a: ID!) { dependencies(nodeId: $a, depth: 99) { total } }`, map[string]any{"a": serve}, codeBadInput, "depth")
	f.wantError(t, `{ dependents(nodeId: "nothex") { total } }`, nil, codeBadInput, "invalid node id")
	f.wantError(t, `{ dependents(nodeId: "0000000000000001") { total } }`, nil, codeNotFound, "not found")
	f.wantError(t, `query($a: ID!) { dependencies(nodeId: $a, after: "bogus") { total } }`, map[string]any{"a": serve}, codeBadInput, "cursor")
}

func TestParseFile(t *testing.T) {
	f := newFixture(t, Options{}, nil)
	type parsed struct {
		ParseFile struct {
			Path, Language string
			SyntaxErrors   int
			Nodes          []struct{ ID, NodeType, QualifiedName string }
			Edges          []struct{ Type, SourceID, TargetName string }
		}
	}
	q := `mutation($in: ParseFileInput!) { parseFile(input: $in) { path language syntaxErrors nodes { id nodeType qualifiedName } edges { type sourceId targetName } } }`
	var p parsed
	f.data(t, q, map[string]any{"in": map[string]any{"path": "snippets/a.py", "content": "class A:\n    def run(self):\n        helper()\n"}}, &p)
	r := p.ParseFile
	if r.Language != "python" || r.SyntaxErrors != 0 || len(r.Nodes) < 3 || r.Nodes[0].NodeType != "FILE" {
		t.Fatalf("snippet: %+v", r)
	}
	calls := false
	for _, e := range r.Edges {
		calls = calls || e.Type == "CALLS" && e.TargetName == "helper"
	}
	if !calls {
		t.Errorf("no call to helper in %+v", r.Edges)
	}
	var fromRepo parsed
	f.data(t, q, map[string]any{"in": map[string]any{"path": "pkg/store/store.go"}}, &fromRepo)
	if fromRepo.ParseFile.Language != "go" || len(fromRepo.ParseFile.Nodes) < 5 {
		t.Errorf("repository file: %+v", fromRepo.ParseFile)
	}
	// The parse stored nothing: the snippet's class is not in the graph.
	var none struct{ Nodes struct{ Edges []any } }
	f.data(t, `{ nodes(filter: {filePath: "snippets/a.py"}) { edges { cursor } } }`, nil, &none)
	if len(none.Nodes.Edges) != 0 {
		t.Error("parseFile stored its nodes")
	}
	var ts parsed
	f.data(t, q, map[string]any{"in": map[string]any{"path": "x", "content": "let a: number = 1;", "language": "typescript"}}, &ts)
	if ts.ParseFile.Language != "typescript" {
		t.Errorf("language override: %+v", ts.ParseFile)
	}
	f.wantError(t, q, map[string]any{"in": map[string]any{"path": "../outside.go"}}, codeBadInput, "relative to the repository root")
	f.wantError(t, q, map[string]any{"in": map[string]any{"path": "/etc/passwd"}}, codeBadInput, "relative to the repository root")
	f.wantError(t, q, map[string]any{"in": map[string]any{"path": "pkg/none.go"}}, codeNotFound, "not found")
	f.wantError(t, q, map[string]any{"in": map[string]any{"path": "pkg"}}, codeBadInput, "directory")
	f.wantError(t, q, map[string]any{"in": map[string]any{"path": "photo.png", "content": "hello"}}, codeBadInput, "cannot tell the language")
	f.wantError(t, q, map[string]any{"in": map[string]any{"path": "a.go", "content": "x", "language": "cobol"}}, codeBadInput, "unknown language")
	// A symlink out of the repository is refused.
	if err := os.Symlink("/etc/hostname", filepath.Join(f.root, "link.go")); err == nil {
		f.wantError(t, q, map[string]any{"in": map[string]any{"path": "link.go"}}, codeForbidden, "link.go")
	}
}

func TestNodeMutations(t *testing.T) {
	f := newFixture(t, Options{}, nil)
	type node struct {
		ID, NodeType, Name, QualifiedName, FilePath, Signature string
		Doc                                                    *string
		CreatedByAPI                                           bool `json:"createdByApi"`
		LineNumber, EndLine                                    int
	}
	const fields = `id nodeType name qualifiedName filePath signature doc createdByApi lineNumber endLine`
	var c struct{ CreateNode node }
	f.data(t, `mutation { createNode(input: {nodeType: CLASS, name: "Billing", qualifiedName: "svc.Billing", signature: "class Billing",
	  doc: "Bills orders.", filePath: "services", lineNumber: 3, endLine: 9}) { `+fields+` } }`, nil, &c)
	n := c.CreateNode
	if n.NodeType != "CLASS" || n.QualifiedName != "svc.Billing" || n.FilePath != graph.APIPrefix+"services" || !n.CreatedByAPI ||
		n.LineNumber != 3 || n.EndLine != 9 {
		t.Fatalf("created %+v", n)
	}
	var got struct{ Node *node }
	f.data(t, `query($id: ID!) { node(id: $id) { `+fields+` } }`, map[string]any{"id": n.ID}, &got)
	if got.Node == nil || got.Node.Name != "Billing" {
		t.Fatalf("created node reads back as %+v", got.Node)
	}
	var u struct{ UpdateNode node }
	f.data(t, `mutation($id: ID!) { updateNode(id: $id, input: {doc: "Bills and refunds.", lineNumber: 4}) { `+fields+` } }`, map[string]any{"id": n.ID}, &u)
	if u.UpdateNode.ID != n.ID || *u.UpdateNode.Doc != "Bills and refunds." || u.UpdateNode.Name != "Billing" || u.UpdateNode.LineNumber != 4 {
		t.Errorf("updated %+v", u.UpdateNode)
	}
	var del struct{ DeleteNode bool }
	f.data(t, `mutation($id: ID!) { deleteNode(id: $id) }`, map[string]any{"id": n.ID}, &del)
	if !del.DeleteNode {
		t.Error("deleteNode returned false")
	}
	got.Node = nil
	f.data(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": n.ID}, &got)
	if got.Node != nil {
		t.Error("deleted node still reads")
	}

	derived := f.nodeID(t, "Store.Get")
	f.wantError(t, `mutation($id: ID!) { updateNode(id: $id, input: {doc: "x"}) { id } }`, map[string]any{"id": derived}, codeConflict, "edit the source file")
	f.wantError(t, `mutation($id: ID!) { deleteNode(id: $id) }`, map[string]any{"id": derived}, codeConflict, "derived")
	f.wantError(t, `mutation { deleteNode(id: "0000000000000001") }`, nil, codeNotFound, "not found")
	f.wantError(t, `mutation { createNode(input: {nodeType: FILE, name: "x"}) { id } }`, nil, codeBadInput, "kind")
	f.wantError(t, `mutation { createNode(input: {nodeType: CLASS, name: " "}) { id } }`, nil, codeBadInput, "name is required")
	f.wantError(t, `mutation { createNode(input: {nodeType: CLASS, name: "A", filePath: "../x"}) { id } }`, nil, codeBadInput, "clean")
	f.wantError(t, `mutation { createNode(input: {nodeType: CLASS, name: "A"}, repo: "other") { id } }`, nil, codeNotFound, "unknown repository")
	f.wantError(t, `mutation { updateNode(id: "xyz", input: {}) { id } }`, nil, codeBadInput, "invalid node id")

	// Read-only callers may read but not write.
	ro := []string{accessHeader, "ro"}
	f.wantError(t, `mutation { createNode(input: {nodeType: CLASS, name: "A"}) { id } }`, nil, codeForbidden, "read-only", ro...)
	f.wantError(t, `mutation { deleteNode(id: "0000000000000001") }`, nil, codeForbidden, "read-only", ro...)
	f.wantError(t, `mutation { updateNode(id: "0000000000000001", input: {}) { id } }`, nil, codeForbidden, "read-only", ro...)
	f.wantError(t, `mutation { parseProject { taskId } }`, nil, codeForbidden, "read-only", ro...)
	f.wantError(t, `mutation { rebuildIndex(type: ALL) { taskId } }`, nil, codeForbidden, "read-only", ro...)
	if r := f.post(t, `{ repos { name } }`, nil, ro...); len(r.Errors) != 0 {
		t.Errorf("read-only query: %+v", r.Errors)
	}
	if r := f.post(t, `mutation { parseFile(input: {path: "a.go", content: "package a"}) { path } }`, nil, ro...); len(r.Errors) != 0 {
		t.Errorf("read-only parseFile (stores nothing): %+v", r.Errors)
	}
}

func TestJobs(t *testing.T) {
	f := newFixture(t, Options{}, nil)
	var p struct {
		ParseProject struct {
			TaskID string
			Job    struct{ ID, Kind, Repo, State string }
		}
	}
	f.data(t, `mutation { parseProject(input: {force: true}) { taskId job { id kind repo state } } }`, nil, &p)
	if p.ParseProject.TaskID == "" || p.ParseProject.Job.ID != p.ParseProject.TaskID || p.ParseProject.Job.Kind != "index" || p.ParseProject.Job.Repo != "shop" {
		t.Fatalf("parseProject: %+v", p)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := f.svc.Jobs().Wait(ctx, p.ParseProject.TaskID); err != nil {
		t.Fatal(err)
	}
	var j struct {
		Job *struct {
			State    string
			Progress struct{ Percent int }
			Ended    *string
		}
		Jobs  []struct{ ID string }
		Repos []struct{ Name, Status string }
		None  *struct{ ID string }
	}
	f.data(t, `query($id: ID!) { job(id: $id) { state progress { percent } ended } jobs(first: 5) { id } repos { name status } none: job(id: "nope") { id } }`,
		map[string]any{"id": p.ParseProject.TaskID}, &j)
	if j.Job == nil || j.Job.State != "SUCCEEDED" || j.Job.Ended == nil || len(j.Jobs) == 0 || j.Jobs[0].ID != p.ParseProject.TaskID ||
		len(j.Repos) != 1 || j.Repos[0].Name != "shop" || j.None != nil {
		t.Fatalf("job: %+v", j)
	}

	var rb struct {
		RebuildIndex struct {
			TaskID, Type string
		}
	}
	f.data(t, `mutation { rebuildIndex(type: LEXICAL) { taskId type } }`, nil, &rb)
	if rb.RebuildIndex.Type != "LEXICAL" {
		t.Fatalf("rebuildIndex: %+v", rb)
	}
	job, err := f.svc.Jobs().Wait(ctx, rb.RebuildIndex.TaskID)
	if err != nil || job.State != "succeeded" {
		t.Fatalf("rebuild job %+v: %v", job, err)
	}
	if _, err := os.Stat(filepath.Join(f.root, index.DefaultDirName, "search", "state.json")); err != nil {
		t.Fatalf("search state after the rebuild: %v", err)
	}
	var s struct{ Search struct{ Hits []any } }
	f.data(t, `{ search(query: "order", options: {mode: LEXICAL}) { hits { score } } }`, nil, &s)
	if len(s.Search.Hits) == 0 {
		t.Error("no search hits after the rebuild")
	}
}

func TestErrorsAndLimits(t *testing.T) {
	f := newFixture(t, Options{MaxDepth: 6, MaxComplexity: 3000}, nil)
	f.wantError(t, `{ node(id: "zz") { id } }`, nil, codeBadInput, "invalid node id")
	f.wantError(t, `{ node(id: "0000000000000001", repo: "nope") { id } }`, nil, codeNotFound, "unknown repository")
	f.wantError(t, `{ nodes { edges { node { relationships(first: 0) { type } } } } }`, nil, codeBadInput, "first")
	f.wantError(t, `{ nodes(pagination: {first: 2}) { edges { node { callers(depth: 0) { total } } } } }`, nil, codeBadInput, "depth")
	f.wantError(t, `{ nosuchfield }`, nil, "GRAPHQL_VALIDATION_FAILED", "nosuchfield")
	f.wantError(t, `{ node(id: `, nil, "GRAPHQL_PARSE_FAILED", "")

	deep := `{ nodes { edges { node { parent { parent { parent { parent { name } } } } } } } }`
	f.wantError(t, deep, nil, codeDepthLimit, "exceeds the limit of 6")
	// Fragments count where they are spread.
	frag := `fragment P on Node { parent { parent { parent { parent { name } } } } } { nodes { edges { node { ...P } } } }`
	f.wantError(t, frag, nil, codeDepthLimit, "depth 8")
	f.wantError(t, `{ nodes(pagination: {first: 1000}) { edges { node { relationships(first: 1000) { target { name } } } } } }`, nil,
		codeComplexityLimit, "exceeds the limit of 3000")
	if r := f.post(t, `{ nodes(pagination: {first: 10}) { edges { node { name relationships(first: 10) { type } } } } }`, nil); len(r.Errors) != 0 {
		t.Errorf("query within the limits: %+v", r.Errors)
	}
	// Introspection is on and not bounded by the depth limit.
	var in struct {
		Schema struct {
			QueryType struct{ Name string }
			Types     []struct{ Name string }
		} `json:"__schema"`
	}
	f.data(t, `{ __schema { queryType { name } types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }`, nil, &in)
	if in.Schema.QueryType.Name != "Query" || len(in.Schema.Types) < 20 {
		t.Errorf("introspection: %+v", in.Schema.QueryType)
	}

	// GET runs queries, not mutations.
	res, err := http.Get(f.srv.URL + "/graphql?query=" + url.QueryEscape(`{ repos { name } }`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), `"shop"`) {
		t.Errorf("GET: %d %s", res.StatusCode, b)
	}
	res, err = http.Get(f.srv.URL + "/graphql?query=" + url.QueryEscape(`mutation { deleteNode(id: "0000000000000001") }`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), "GET requests only allow query operations") {
		t.Errorf("GET mutation: %d %s", res.StatusCode, b)
	}
	// A body over the limit is refused.
	big := strings.Repeat(" ", 2<<20)
	res, err = http.Post(f.srv.URL+"/graphql", "application/json", strings.NewReader(`{"query": "{ repos { name } }`+big+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB body: status %d", res.StatusCode)
	}
	// GraphiQL.
	res, err = http.Get(f.srv.URL + "/graphiql")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), "graphiql") || !strings.Contains(string(b), "/graphql") {
		t.Errorf("graphiql: %d %.200s", res.StatusCode, b)
	}
}

func TestNoIndex(t *testing.T) {
	f := serve(t, testrepo.Copy(t, ""), Options{})
	f.wantError(t, `{ nodes { edges { cursor } } }`, nil, codeUnavailable, "parseProject")
	r := f.post(t, `{ nodes { edges { cursor } } }`, nil)
	if r.Errors[0].Extensions["status"] != float64(503) {
		t.Errorf("status extension %v", r.Errors[0].Extensions)
	}
}

// countingReader counts the batched reads the loader makes.
type countingReader struct {
	reader
	nodes, in, out atomic.Int64
}

func (c *countingReader) NodesByID(ids []graph.NodeID, out []graph.Node) error {
	c.nodes.Add(1)
	return c.reader.NodesByID(ids, out)
}

func (c *countingReader) InEdgesMany(ids []graph.NodeID, kinds []graph.EdgeKind, fn func(int, graph.Edge) error) error {
	c.in.Add(1)
	return c.reader.InEdgesMany(ids, kinds, fn)
}

func (c *countingReader) OutEdgesMany(ids []graph.NodeID, kinds []graph.EdgeKind, fn func(int, graph.Edge) error) error {
	c.out.Add(1)
	return c.reader.OutEdgesMany(ids, kinds, fn)
}

// genFile writes a Go file of n functions, each calling the next.
func genFile(root string, n int) {
	var b strings.Builder
	b.WriteString("package gen\n")
	for i := range n {
		fmt.Fprintf(&b, "\n// F%d calls F%d.\nfunc F%d() { F%d() }\n", i, (i+1)%n, i, (i+1)%n)
	}
	os.MkdirAll(filepath.Join(root, "gen"), 0o755)
	if err := os.WriteFile(filepath.Join(root, "gen", "gen.go"), []byte(b.String()), 0o644); err != nil {
		panic(err)
	}
}

// TestBatchedLoads checks that the relationships of 50 nodes, with their
// sources and targets, cost a few batched store reads, not one per node.
func TestBatchedLoads(t *testing.T) {
	var mu sync.Mutex
	var counters []*countingReader
	opts := Options{loaderWait: 50 * time.Millisecond, loaderQuiet: 5 * time.Millisecond, wrapReader: func(r reader) reader {
		c := &countingReader{reader: r}
		mu.Lock()
		counters = append(counters, c)
		mu.Unlock()
		return c
	}}
	f := newFixture(t, opts, func(root string) { genFile(root, 60) })
	var d struct {
		Nodes struct {
			Edges []struct {
				Node struct {
					Name string
					Out  []struct {
						Type   string
						Target *struct{ Name string }
					}
					In []struct {
						Source struct{ Name string }
					}
				}
			}
		}
	}
	f.data(t, `{ nodes(filter: {filePath: "gen/gen.go", nodeTypes: [FUNCTION]}, pagination: {first: 50}) { edges { node {
	  name
	  out: relationships(kinds: [CALLS]) { type target { name } }
	  in: relationships(kinds: [CALLS], direction: INCOMING) { source { name } }
	} } } }`, nil, &d)
	if len(d.Nodes.Edges) != 50 {
		t.Fatalf("%d nodes", len(d.Nodes.Edges))
	}
	for _, e := range d.Nodes.Edges {
		n := e.Node
		if len(n.Out) != 1 || n.Out[0].Target == nil || len(n.In) != 1 {
			t.Fatalf("%s: out %+v in %+v", n.Name, n.Out, n.In)
		}
		var i int
		fmt.Sscanf(n.Name, "F%d", &i)
		if n.Out[0].Target.Name != fmt.Sprintf("F%d", (i+1)%60) || n.In[0].Source.Name != fmt.Sprintf("F%d", (i+59)%60) {
			t.Errorf("%s: calls %s, called by %s", n.Name, n.Out[0].Target.Name, n.In[0].Source.Name)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(counters) != 1 {
		t.Fatalf("%d loaders for one response", len(counters))
	}
	c := counters[0]
	nodes, in, out := c.nodes.Load(), c.in.Load(), c.out.Load()
	t.Logf("store reads for 50 nodes: NodesByID %d, InEdgesMany %d, OutEdgesMany %d", nodes, in, out)
	// One of each per level in the ideal case; a loaded machine (the race
	// detector, other jobs) may split a level into a few batches. One read
	// per node would be 150 (50 of each): fail well before that.
	if out > 5 || in > 5 || nodes > 6 || nodes+in+out > 12 {
		t.Errorf("store reads: NodesByID %d, InEdgesMany %d, OutEdgesMany %d; want at most 6, 5, 5 and 12 in all (one per node would be 50 each)", nodes, in, out)
	}
}

// TestSearchUnavailable: an index built without search, or without
// vectors, says so with UNAVAILABLE.
func TestSearchUnavailable(t *testing.T) {
	root := testrepo.Copy(t, "")
	if _, err := index.Run(context.Background(), index.Options{Root: root, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	f := serve(t, root, Options{})
	f.wantError(t, `{ search(query: "order") { total } }`, nil, codeUnavailable, "no search index")
	id := f.nodeID(t, "Store.Get")
	f.wantError(t, `query($id: ID!) { similarNodes(nodeId: $id) { score } }`, map[string]any{"id": id}, codeUnavailable, "no search index")

	root = testrepo.Copy(t, "")
	if _, err := index.Run(context.Background(), index.Options{Root: root, Search: search.Config{NoVectors: true}}); err != nil {
		t.Fatal(err)
	}
	g := serve(t, root, Options{})
	g.wantError(t, `{ search(query: "order", options: {mode: SEMANTIC}) { total } }`, nil, codeUnavailable, "semantic search is off")
	var d struct{ Search struct{ Hits []any } }
	g.data(t, `{ search(query: "order") { hits { score } } }`, nil, &d)
	if len(d.Search.Hits) == 0 {
		t.Error("hybrid search without vectors found nothing")
	}
}

// TestRepos: the repo argument selects a repository; events carry theirs.
func TestRepos(t *testing.T) {
	other := testrepo.Copy(t, "")
	genFile(other, 3)
	if _, err := index.Run(context.Background(), index.Options{Root: other, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	root := testrepo.Copy(t, "")
	if _, err := index.Run(context.Background(), index.Options{Root: root, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	opts, registered := subscriptions(t)
	f := serve(t, root, opts, service.RepoSpec{Name: "gen", Root: other})
	var d struct {
		Repos   []struct{ Name string }
		Default struct{ Edges []any }
		Gen     struct {
			Edges []struct {
				Node struct {
					ID, Repo string
					Out      []struct{ Target struct{ Name, Repo string } }
				}
			}
		}
	}
	f.data(t, `{ repos { name }
	  default: nodes(filter: {filePath: "gen/gen.go"}) { edges { cursor } }
	  gen: nodes(filter: {name: "F0"}, repo: "gen") { edges { node { id repo out: relationships(kinds: [CALLS]) { target { name repo } } } } } }`, nil, &d)
	if len(d.Repos) != 2 || len(d.Default.Edges) != 0 || len(d.Gen.Edges) != 1 {
		t.Fatalf("repos %+v, default %d nodes, gen %d", d.Repos, len(d.Default.Edges), len(d.Gen.Edges))
	}
	g := d.Gen.Edges[0].Node
	if g.Repo != "gen" || len(g.Out) != 1 || g.Out[0].Target.Name != "F1" || g.Out[0].Target.Repo != "gen" {
		t.Errorf("gen node %+v", g)
	}
	var n struct{ Shop, Gen *struct{ Repo string } }
	f.data(t, `query($id: ID!) { shop: node(id: $id) { repo } gen: node(id: $id, repo: "gen") { repo } }`, map[string]any{"id": g.ID}, &n)
	if n.Shop != nil || n.Gen == nil || n.Gen.Repo != "gen" {
		t.Errorf("node by repo: %+v", n)
	}

	// nodeCreated(repo) sees only that repository's nodes.
	c, _, err := f.dial(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.subscribe("s", `subscription { nodeCreated(repo: "gen") { name repo } }`, nil)
	registered(1)
	f.data(t, `mutation { createNode(input: {nodeType: CLASS, name: "InShop"}) { id } }`, nil, &struct{}{})
	f.data(t, `mutation { createNode(input: {nodeType: CLASS, name: "InGen"}, repo: "gen") { id } }`, nil, &struct{}{})
	var ev struct{ NodeCreated struct{ Name, Repo string } }
	c.data(c.nextFor("s"), &ev)
	if ev.NodeCreated.Name != "InGen" || ev.NodeCreated.Repo != "gen" {
		t.Errorf("nodeCreated(repo: gen) got %+v", ev)
	}
}
