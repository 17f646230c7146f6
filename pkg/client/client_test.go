package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/server"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
	"github.com/codegraph-dev/codegraph/pkg/client"
)

const (
	rwKey = "client-rw-key-0123456789"
	roKey = "client-ro-key-0123456789"
)

// baseURL is the server every test talks to: the REST API over an indexed
// copy of testdata/repo, built once in TestMain.
var baseURL string

// svc is the service behind baseURL.
var svc *service.Service

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "codegraph-client-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	stop, err := startServer(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "start server:", err)
		return 1
	}
	defer stop()
	return m.Run()
}

// startServer indexes a copy of the fixture repository under dir and
// serves it with a read-write and a read-only key.
func startServer(dir string) (func(), error) {
	root := filepath.Join(dir, "repo")
	err := os.CopyFS(root, os.DirFS(testrepo.Dir()))
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	if _, err = index.Run(ctx, index.Options{Root: root}); err != nil {
		return nil, err
	}
	svc, err = service.New(service.Options{Repos: []service.RepoSpec{{Name: "fixture", Root: root}}})
	if err != nil {
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := svc.WaitIdle(wctx); err != nil {
		svc.Close()
		return nil, err
	}
	keys, err := server.ParseKeys(rwKey + ":rw," + roKey + ":ro")
	if err != nil {
		svc.Close()
		return nil, err
	}
	s, err := server.New(server.Options{Service: svc, Keys: keys})
	if err != nil {
		svc.Close()
		return nil, err
	}
	ts := httptest.NewServer(s.Handler())
	baseURL = ts.URL
	return func() {
		ts.Close()
		s.Close()
		svc.Close()
	}, nil
}

func newClient(t *testing.T, opts ...client.Option) *client.Client {
	t.Helper()
	if len(opts) == 0 {
		opts = []client.Option{client.WithAPIKey(roKey)}
	}
	c, err := client.New(baseURL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestNewRejectsBadURLs(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "localhost:8080", "ftp://x", "http://", "://"} {
		if _, err := client.New(u); err == nil {
			t.Errorf("New(%q) succeeded", u)
		}
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	res, err := c.Search(ctx(t), "Store", &client.SearchOptions{Limit: 3, Kinds: []string{"struct"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].Name != "Store" || res.Hits[0].Kind != "struct" {
		t.Fatalf("hits = %+v, want Store first", res.Hits)
	}
	if len(res.Hits) > 3 || res.Hits[0].Score <= 0 || res.Hits[0].File != "pkg/store/store.go" {
		t.Fatalf("hit = %+v", res.Hits[0])
	}
	ex, err := c.Search(ctx(t), "s.st.Get(", &client.SearchOptions{Mode: "exact"})
	if err != nil {
		t.Fatal(err)
	}
	if ex.Mode != "exact" || len(ex.Hits) != 1 || ex.Hits[0].File != "pkg/server/server.go" {
		t.Fatalf("exact search = %+v", ex)
	}
	if _, err := c.Search(ctx(t), " ", nil); err == nil {
		t.Fatal("empty query accepted")
	}
	_, err = c.Search(ctx(t), "x", &client.SearchOptions{Mode: "nonsense"})
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 400 || ae.Code != "bad_request" || !errors.Is(err, client.ErrBadRequest) {
		t.Fatalf("bad mode: err = %#v", err)
	}
}

func TestCallersCalleesDef(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	res, err := c.Callers(ctx(t), "Store.Get", 1)
	if err != nil {
		t.Fatal(err)
	}
	if res.Root.QualifiedName != "Store.Get" || res.Direction != "callers" || res.Total != 1 || len(res.Items) != 1 {
		t.Fatalf("callers = %+v", res)
	}
	it := res.Items[0]
	if it.Symbol == nil || it.Symbol.QualifiedName != "Server.ServeHTTP" || it.Via == nil || it.Via.Kind != "calls" || it.Via.Line != 21 {
		t.Fatalf("caller = %+v", it)
	}
	ce, err := c.Callees(ctx(t), "Server.ServeHTTP", 1)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range ce.Items {
		found = found || it.Symbol != nil && it.Symbol.ID == res.Root.ID
	}
	if !found {
		t.Fatalf("callees of ServeHTTP lack Store.Get: %+v", ce.Items)
	}
	def, err := c.Def(ctx(t), "pkg/store/store.go:Get")
	if err != nil {
		t.Fatal(err)
	}
	if def.ID != res.Root.ID || def.Line != 24 {
		t.Fatalf("def = %+v", def)
	}
	refs, err := c.Refs(ctx(t), def.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if refs.Count != 1 || refs.Edges[0].Kind != "calls" || refs.Edges[0].From != it.Symbol.ID {
		t.Fatalf("refs = %+v", refs)
	}
}

func TestTypedErrors(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	_, err := c.Callers(ctx(t), "NoSuchSymbolAnywhere", 1)
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 404 || ae.Code != "not_found" || !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("unknown symbol: %#v", err)
	}
	if errors.Is(err, client.ErrConflict) || errors.Is(err, client.ErrServer) {
		t.Fatal("404 matches the wrong sentinels")
	}
	_, err = c.Node(ctx(t), "00000000deadbeef")
	if !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("unknown node: %v", err)
	}
	anon := newClient(t, client.WithUserAgent("test"))
	_, err = anon.Search(ctx(t), "Store", nil)
	if !errors.As(err, &ae) || ae.StatusCode != 401 || !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("no key: %#v", err)
	}
	bad := newClient(t, client.WithBearerToken("wrong-key-0123456789"))
	if _, err := bad.Search(ctx(t), "Store", nil); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("wrong bearer: %v", err)
	}
	bearer := newClient(t, client.WithBearerToken(roKey))
	if _, err := bearer.Search(ctx(t), "Store", nil); err != nil {
		t.Fatalf("bearer key: %v", err)
	}
	// A read-only key may not write.
	_, err = c.CreateNode(ctx(t), client.NodeInput{Kind: "function", Name: "ro"})
	if !errors.As(err, &ae) || ae.StatusCode != 403 || !errors.Is(err, client.ErrForbidden) {
		t.Fatalf("write with ro key: %#v", err)
	}
	// An unknown repository.
	if _, err := c.Repo("nope").Search(ctx(t), "Store", nil); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("unknown repo: %v", err)
	}
	if _, err := c.Repo("fixture").Search(ctx(t), "Store", nil); err != nil {
		t.Fatalf("named repo: %v", err)
	}
}

// The tests that write are not parallel: the server refuses a write while
// another one is in progress (409, service.ErrBusy).

func TestAmbiguousCandidates(t *testing.T) {
	c := newClient(t)
	// A node created through the API with the same name as a source
	// function makes the bare name ambiguous.
	w := newClient(t, client.WithAPIKey(rwKey))
	n, err := w.CreateNode(ctx(t), client.NodeInput{Kind: "function", Name: "NewServer", File: "ambiguous/x.go", Language: "go"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.DeleteNode(context.Background(), n.ID); err != nil {
			t.Error(err)
		}
	})
	_, err = c.Callers(ctx(t), "NewServer", 1)
	var ae *client.APIError
	if !errors.As(err, &ae) || !errors.Is(err, client.ErrAmbiguous) || !errors.Is(err, client.ErrConflict) {
		t.Fatalf("ambiguous: %#v", err)
	}
	cands := ae.Candidates()
	if len(cands) < 2 {
		t.Fatalf("candidates = %+v (details %s)", cands, ae.Details)
	}
	ids := map[string]bool{}
	for _, s := range cands {
		ids[s.ID] = true
	}
	if !ids[n.ID] {
		t.Fatalf("candidates %+v lack the API node %s", cands, n.ID)
	}
}

func TestNodesAndEdges(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	page, err := c.Nodes(ctx(t), client.NodeFilter{Kinds: []string{"function", "method"}, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if page.Count != 2 || len(page.Nodes) != 2 || page.NextCursor == "" {
		t.Fatalf("page 1 = %+v", page)
	}
	seen := map[string]bool{}
	total := 0
	for cursor := ""; ; {
		p, err := c.Nodes(ctx(t), client.NodeFilter{Kinds: []string{"function", "method"}, Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range p.Nodes {
			if seen[n.ID] {
				t.Fatalf("node %s listed twice", n.ID)
			}
			if n.Kind != "function" && n.Kind != "method" {
				t.Fatalf("kind filter ignored: %+v", n)
			}
			seen[n.ID] = true
			total++
		}
		if p.NextCursor == "" {
			break
		}
		cursor = p.NextCursor
	}
	streamed := 0
	err = c.StreamNodes(ctx(t), client.StreamFilter{Kinds: []string{"function", "method"}}, func(n client.Node) error {
		if !seen[n.ID] {
			return fmt.Errorf("streamed node %s not listed", n.ID)
		}
		streamed++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if streamed != total || total < 5 {
		t.Fatalf("streamed %d nodes, listed %d", streamed, total)
	}
	n, err := c.Node(ctx(t), page.Nodes[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if *n != page.Nodes[0] {
		t.Fatalf("node = %+v, listed %+v", n, page.Nodes[0])
	}
	def, err := c.Def(ctx(t), "Server.ServeHTTP")
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Edges(ctx(t), def.ID, &client.EdgeOptions{Direction: "out", Kinds: []string{"calls"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.Direction != "out" || out.Count == 0 {
		t.Fatalf("edges = %+v", out)
	}
	for _, e := range out.Edges {
		if e.Kind != "calls" || e.From != def.ID {
			t.Fatalf("edge = %+v", e)
		}
	}
	stop := errors.New("stop")
	n2 := 0
	err = c.StreamEdges(ctx(t), client.StreamFilter{Kinds: []string{"calls"}, Resolved: true}, func(e client.Edge) error {
		if e.To == "" || e.Kind != "calls" {
			return fmt.Errorf("edge %+v", e)
		}
		if n2++; n2 == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("StreamEdges: %v", err)
	}
}

func TestGraphQueries(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	deps, err := c.Dependencies(ctx(t), "Store.Get", &client.GraphOptions{Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, it := range deps.Items {
		names[it.Name] = true
	}
	if !names["Order"] || deps.Scope.Symbol == nil || deps.Scope.Symbol.QualifiedName != "Store.Get" {
		t.Fatalf("dependencies = %+v", deps)
	}
	dents, err := c.Dependents(ctx(t), "Order", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !dents.Reverse || dents.Total == 0 {
		t.Fatalf("dependents = %+v", dents)
	}
	p, err := c.Path(ctx(t), "Server.ServeHTTP", "Store.Get", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Found || p.Length != 1 || len(p.Steps) != 2 || p.Steps[1].Via == nil || p.Steps[1].Symbol.QualifiedName != "Store.Get" {
		t.Fatalf("path = %+v", p)
	}
	im, err := c.Impact(ctx(t), "Store.Get", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !im.Complete || im.Total != 1 || len(im.Items) != 1 || im.Items[0].Symbol.QualifiedName != "Server.ServeHTTP" ||
		len(im.Files) != 1 || im.Files[0].File != "pkg/server/server.go" || len(im.Packages) != 1 || im.Unresolved.Count != 0 || im.Scope.Kind != "symbol" {
		t.Fatalf("impact = %+v", im)
	}
	mm, err := c.Export(ctx(t), client.ExportOptions{Root: "Store.Get", Direction: "callers", Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(mm), "flowchart") || !strings.Contains(string(mm), "ServeHTTP") {
		t.Fatalf("mermaid export:\n%s", mm)
	}
	js, err := c.Export(ctx(t), client.ExportOptions{Format: "json", Root: "Store.Get", Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Root  string            `json:"root"`
		Nodes []json.RawMessage `json:"nodes"`
	}
	if err := json.Unmarshal(js, &g); err != nil || g.Root == "" || len(g.Nodes) == 0 {
		t.Fatalf("json export: %v\n%s", err, js)
	}
	if _, err := c.Export(ctx(t), client.ExportOptions{Format: "png"}); !errors.Is(err, client.ErrBadRequest) {
		t.Fatalf("bad format: %v", err)
	}
}

func TestSearchVariants(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	def, err := c.Def(ctx(t), "Store.Get")
	if err != nil {
		t.Fatal(err)
	}
	sim, err := c.Similar(ctx(t), def.ID, &client.SearchOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(sim.Hits) == 0 || len(sim.Hits) > 2 {
		t.Fatalf("similar = %+v", sim)
	}
	for _, h := range sim.Hits {
		if h.ID == def.ID {
			t.Fatalf("a node is similar to itself: %+v", sim)
		}
	}
	_, err = c.VectorSearch(ctx(t), client.VectorQuery{Vector: []float32{1, 2, 3}})
	if !errors.Is(err, client.ErrBadRequest) {
		t.Fatalf("vector of the wrong dimension: %v", err)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	res, err := c.Parse(ctx(t), client.ParseRequest{Content: "def f():\n    g()\n", Language: "python"})
	if err != nil {
		t.Fatal(err)
	}
	hasF, hasCall := false, false
	for _, n := range res.Nodes {
		hasF = hasF || n.Name == "f" && n.Kind == "function"
	}
	for _, e := range res.Edges {
		hasCall = hasCall || e.Kind == "calls" && e.Target == "g"
	}
	if res.Language != "python" || !hasF || !hasCall || res.SyntaxErrors != 0 {
		t.Fatalf("parse = %+v", res)
	}
	file, err := c.Parse(ctx(t), client.ParseRequest{Path: "pkg/store/store.go"})
	if err != nil {
		t.Fatal(err)
	}
	if file.File != "pkg/store/store.go" || len(file.Nodes) == 0 {
		t.Fatalf("parse file = %+v", file)
	}
	if _, err := c.Parse(ctx(t), client.ParseRequest{Path: ".env"}); !errors.Is(err, client.ErrForbidden) {
		t.Fatalf("parse .env: %v", err)
	}
}

func TestWriteNodes(t *testing.T) {
	w := newClient(t, client.WithAPIKey(rwKey))
	n, err := w.CreateNode(ctx(t), client.NodeInput{Kind: "function", Name: "clientMade", File: "api/client.go", Language: "go", Line: 3, EndLine: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !n.API || n.Name != "clientMade" || n.ID == "" {
		t.Fatalf("created %+v", n)
	}
	got, err := w.Node(ctx(t), n.ID)
	if err != nil || got.Name != "clientMade" {
		t.Fatalf("read back %+v: %v", got, err)
	}
	doc := "patched"
	p, err := w.PatchNode(ctx(t), n.ID, client.NodePatch{Doc: &doc})
	if err != nil || p.Doc != "patched" || p.Name != "clientMade" {
		t.Fatalf("patch: %+v %v", p, err)
	}
	r, err := w.ReplaceNode(ctx(t), n.ID, client.NodeReplace{Name: "clientMade2"})
	if err != nil || r.Name != "clientMade2" || r.Doc != "" {
		t.Fatalf("replace: %+v %v", r, err)
	}
	if err := w.DeleteNode(ctx(t), n.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Node(ctx(t), n.ID); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("deleted node: %v", err)
	}
	def, err := w.Def(ctx(t), "Store.Get")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.DeleteNode(ctx(t), def.ID); !errors.Is(err, client.ErrConflict) {
		t.Fatalf("delete a source node: %v", err)
	}
}

func TestHealthJobsMetrics(t *testing.T) {
	// Not parallel: it runs an index job, which the other tests need not see.
	c := newClient(t)
	if err := c.Live(ctx(t)); err != nil {
		t.Fatal(err)
	}
	rd, err := c.Ready(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if rd.Status != "ready" || len(rd.Repos) != 1 || rd.Repos[0].Name != "fixture" || !rd.Repos[0].Ready {
		t.Fatalf("ready = %+v", rd)
	}
	if _, err := c.Index(ctx(t), false); !errors.Is(err, client.ErrForbidden) {
		t.Fatalf("index with a read-only key: %v", err)
	}
	w := newClient(t, client.WithAPIKey(rwKey))
	j, err := w.Index(ctx(t), false)
	if err != nil {
		t.Fatal(err)
	}
	if j.ID == "" || j.Kind != "index" || j.Repo != "fixture" {
		t.Fatalf("job = %+v", j)
	}
	updates := 0
	done, err := c.WaitJob(ctx(t), j.ID, func(*client.Job) { updates++ })
	if err != nil {
		t.Fatal(err)
	}
	if done.State != "succeeded" || !done.Done() || len(done.Result) == 0 {
		t.Fatalf("job ended %+v", done)
	}
	// Let whatever the job set off settle before the parallel tests write.
	if err := svc.WaitIdle(ctx(t)); err != nil {
		t.Fatal(err)
	}
	got, err := c.Job(ctx(t), j.ID)
	if err != nil || got.State != "succeeded" || got.Ended == nil {
		t.Fatalf("job = %+v, %v", got, err)
	}
	page, err := c.Jobs(ctx(t), client.JobFilter{State: "succeeded"})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total == 0 || page.Jobs[0].State != "succeeded" {
		t.Fatalf("jobs = %+v", page)
	}
	if _, err := w.CancelJob(ctx(t), j.ID); !errors.Is(err, client.ErrConflict) {
		t.Fatalf("cancel an ended job: %v", err)
	}
	if _, err := c.Job(ctx(t), "no-such-job"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("unknown job: %v", err)
	}
	m, err := c.Metrics(ctx(t))
	if err != nil || !strings.Contains(m, "codegraph_http_requests_total") {
		t.Fatalf("metrics: %v\n%.300s", err, m)
	}
	doc, err := c.OpenAPI(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		OpenAPI string `json:"openapi"`
	}
	if json.Unmarshal(doc, &d) != nil || d.OpenAPI == "" {
		t.Fatalf("openapi: %.200s", doc)
	}
}

// TestNotReady checks Ready against a server whose repository has no
// index: the readiness comes back with ErrUnavailable.
func TestNotReady(t *testing.T) {
	t.Parallel()
	svc, err := service.New(service.Options{Repos: []service.RepoSpec{{Name: "empty", Root: t.TempDir()}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	s, err := server.New(server.Options{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); s.Close() })
	c, err := client.New(ts.URL, client.WithHTTPClient(&http.Client{Timeout: 10 * time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	rd, err := c.Ready(ctx(t))
	var ae *client.APIError
	if !errors.As(err, &ae) || !errors.Is(err, client.ErrUnavailable) || ae.StatusCode != 503 || ae.RetryAfter <= 0 {
		t.Fatalf("not ready: %#v", err)
	}
	if rd == nil || rd.Status != "not_ready" || len(rd.Repos) != 1 || rd.Repos[0].Ready || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("readiness = %+v, err %v", rd, err)
	}
	if _, err := c.Search(ctx(t), "x", nil); !errors.Is(err, client.ErrUnavailable) {
		t.Fatalf("search without an index: %v", err)
	}
}

// TestStandardLibraryOnly checks that the package imports nothing outside
// the standard library: users import it from outside the module, where
// internal/ packages are out of reach.
func TestStandardLibraryOnly(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range af.Imports {
			p := strings.Trim(im.Path.Value, `"`)
			if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ".") {
				t.Errorf("%s imports %s: the client must use the standard library only", f, p)
			}
		}
	}
}
