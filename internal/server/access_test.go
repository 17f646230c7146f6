package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/codegraph-dev/codegraph/internal/graphql"
	cgmcp "github.com/codegraph-dev/codegraph/internal/mcp"
	"github.com/codegraph-dev/codegraph/internal/service"
)

const adminKey = "admin-key-0123456789"

// roleServer serves the fixture with a key per role and the real MCP and
// GraphQL front doors mounted, as codegraph serve does.
func roleServer(t *testing.T, mopts cgmcp.Options) (*Server, *httptest.Server) {
	s, ts, _ := roleServerMCP(t, mopts)
	return s, ts
}

func roleServerMCP(t *testing.T, mopts cgmcp.Options) (*Server, *httptest.Server, *cgmcp.Server) {
	t.Helper()
	svc, _ := fixtureService(t)
	mopts.Service = svc
	m, err := cgmcp.New(mopts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	s, ts := newTestServer(t, Options{Service: svc,
		Keys:         []Key{{Name: "rw", Key: rwKey, Scope: "rw"}, {Name: "ro", Key: roKey, Scope: "ro"}, {Name: "admin", Key: adminKey, Scope: "admin"}},
		Mount:        map[string]http.Handler{"/mcp": m.Handler(), "/graphql": graphql.NewHandler(svc, graphql.Options{})},
		StreamMounts: []string{"/mcp", "/graphql"}})
	return s, ts, m
}

// TestEveryDoorAccess walks every REST route, GraphQL root field and MCP
// tool with each role (no key, read, write, admin) over the wire: each
// declares the access it needs, and a caller below it is refused (401
// without a key, else 403 or a forbidden tool error) before anything runs;
// the others get past the check (the requests carry bad input, so nothing
// is changed).
func TestEveryDoorAccess(t *testing.T) {
	s, ts, m := roleServerMCP(t, cgmcp.Options{})
	keys := map[service.Access]string{ScopeRead: roKey, ScopeReadWrite: rwKey, ScopeAdmin: adminKey}
	roles := []service.Access{0, ScopeRead, ScopeReadWrite, ScopeAdmin}
	// What each door must need: the writes and the admin operation by
	// name, reads otherwise (a lowered declaration fails here).
	want := map[string]service.Access{
		"GET /health/live": 0, "GET /health/ready": 0,
		"POST /nodes": ScopeReadWrite, "PUT /nodes/{id}": ScopeReadWrite, "PATCH /nodes/{id}": ScopeReadWrite,
		"DELETE /nodes/{id}": ScopeReadWrite, "POST /index": ScopeReadWrite, "DELETE /jobs/{id}": ScopeReadWrite,
		"GraphQL Mutation.createNode": ScopeReadWrite, "GraphQL Mutation.updateNode": ScopeReadWrite,
		"GraphQL Mutation.deleteNode": ScopeReadWrite, "GraphQL Mutation.parseProject": ScopeReadWrite,
		"GraphQL Mutation.rebuildIndex": ScopeAdmin,
		"MCP index":                     ScopeReadWrite,
		// versions are written beside the index (versions.go)
		"POST /versions": ScopeReadWrite, "GraphQL Mutation.createVersion": ScopeReadWrite,
		"DELETE /versions/{name}": ScopeReadWrite,
	}
	// Transactions exist to write (transactions.go): every route of them.
	for _, rt := range s.routes {
		if strings.HasPrefix(rt.Path, "/transactions") {
			want[rt.Method+" "+rt.Path] = ScopeReadWrite
		}
	}
	refused := func(door string, role, need service.Access, status int, body []byte, denied bool) {
		t.Helper()
		w, ok := want[door]
		if !ok {
			w = ScopeRead
		}
		if need != w {
			t.Errorf("%s declares %s, want %s", door, need, w)
		}
		switch {
		case need == 0 && denied, role == 0 && need > 0 && status != 401,
			role > 0 && role < need && !denied, role >= need && denied:
			t.Errorf("%s as %s (needs %s): %d %.300s", door, role, need, status, body)
		}
	}
	for _, rt := range s.routes {
		path := strings.ReplaceAll(rt.Path, "{id}", "0000000000000001")
		for _, role := range roles {
			var hdr []string
			if role != 0 {
				hdr = []string{"X-API-Key", keys[role]}
			}
			body := ""
			if rt.Method != "GET" && rt.Method != "DELETE" {
				body = `{"bogus":1}`
			}
			if rt.Path == "/jobs/{id}" && rt.Method == "DELETE" {
				path = "/jobs/no-such-job"
			}
			if rt.Path == "/events" {
				path = "/events?limit=0" // bad input: a valid request streams until the client leaves
			}
			status, _, b := call(t, ts, rt.Method, path, body, hdr...)
			refused(rt.Method+" "+rt.Path, role, rt.Scope, status, b, status == 401 || status == 403)
		}
	}
	ops := graphql.OperationAccess()
	if len(ops) == 0 {
		t.Fatal("no GraphQL operations")
	}
	for field, need := range ops {
		object, name, _ := strings.Cut(field, ".")
		doc := map[string]string{"Query": "query", "Mutation": "mutation", "Subscription": "subscription"}[object] + " { " + name + " }"
		for _, role := range roles {
			var hdr []string
			if role != 0 {
				hdr = []string{"X-API-Key", keys[role]}
			}
			status, _, b := call(t, ts, "POST", "/graphql", `{"query":"`+doc+`"}`, hdr...)
			refused("GraphQL "+field, role, need, status, b, status == 401 || strings.Contains(string(b), `"FORBIDDEN"`))
		}
	}
	tools := m.ToolAccess()
	if len(tools) == 0 {
		t.Fatal("no MCP tools")
	}
	sessions := map[service.Access]*mcp.ClientSession{}
	for _, role := range roles[1:] {
		cs, err := mcpClient(t, ts, keys[role])
		if err != nil {
			t.Fatal(err)
		}
		sessions[role] = cs
	}
	if status, _, _ := call(t, ts, "POST", "/mcp", `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`); status != 401 {
		t.Errorf("MCP without a key: %d", status)
	}
	for name, need := range tools {
		for _, role := range roles[1:] {
			res, err := sessions[role].CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: map[string]any{"bogus": 1}})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			text := res.Content[0].(*mcp.TextContent).Text
			refused("MCP "+name, role, need, 200, []byte(text), res.IsError && strings.Contains(text, "forbidden"))
		}
	}
}

// mcpClient connects to /mcp with an API key.
func mcpClient(t *testing.T, ts *httptest.Server, key string) (*mcp.ClientSession, error) {
	t.Helper()
	hc := &http.Client{Transport: keyTransport{key: key}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "t"}, nil).Connect(context.Background(),
		&mcp.StreamableClientTransport{Endpoint: ts.URL + "/mcp", HTTPClient: hc, MaxRetries: -1}, nil)
	if err == nil {
		t.Cleanup(func() { cs.Close() })
	}
	return cs, err
}

type keyTransport struct{ key string }

func (k keyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-API-Key", k.key)
	return http.DefaultTransport.RoundTrip(r)
}

// TestMCPIndexNeedsWrite: over /mcp, a read-only key may query but not
// call the index tool (it started a forced re-index); a read-write key
// may. GraphQL's rebuildIndex needs an admin key.
func TestMCPIndexNeedsWrite(t *testing.T) {
	srv, ts := roleServer(t, cgmcp.Options{})
	ctx := context.Background()
	ro, err := mcpClient(t, ts, roKey)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ro.CallTool(ctx, &mcp.CallToolParams{Name: "index", Arguments: map[string]any{"force": true}})
	if err != nil || !res.IsError || !strings.Contains(res.Content[0].(*mcp.TextContent).Text, "forbidden") {
		t.Fatalf("read-only index: %+v, %v", res, err)
	}
	res, err = ro.CallTool(ctx, &mcp.CallToolParams{Name: "index_status"})
	if err != nil || res.IsError {
		t.Fatalf("read-only index_status: %+v, %v", res, err)
	}
	rw, err := mcpClient(t, ts, rwKey)
	if err != nil {
		t.Fatal(err)
	}
	res, err = rw.CallTool(ctx, &mcp.CallToolParams{Name: "index"})
	if err != nil || res.IsError {
		t.Fatalf("read-write index: %+v, %v", res, err)
	}
	q := `{"query":"mutation { rebuildIndex(type: LEXICAL) { taskId } }"}`
	for key, want := range map[string]string{roKey: "FORBIDDEN", rwKey: "FORBIDDEN", adminKey: "taskId"} {
		_, _, b := call(t, ts, "POST", "/graphql", q, "X-API-Key", key)
		if !strings.Contains(string(b), want) {
			t.Errorf("rebuildIndex with %s: %s, want %s", key, b, want)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	_ = srv.svc.WaitIdle(ctx)
}

// initialize opens a session with a raw initialize POST and returns its
// status and session id.
func initialize(t *testing.T, ts *httptest.Server, key string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", ts.URL+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("X-API-Key", key)
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	return res.StatusCode, res.Header.Get("Mcp-Session-Id")
}

// TestMCPSessionsBounded: MCP sessions over HTTP are capped per caller,
// bound to it (another key cannot use them) and closed when idle (10,000
// initialize calls used to leave 10,000 goroutines behind for good).
func TestMCPSessionsBounded(t *testing.T) {
	_, ts := roleServer(t, cgmcp.Options{MaxSessions: 3, SessionIdle: 500 * time.Millisecond})
	base := runtime.NumGoroutine()
	var ids []string
	for i := range 3 {
		status, id := initialize(t, ts, roKey)
		if status != 200 || id == "" {
			t.Fatalf("session %d: %d %q", i, status, id)
		}
		ids = append(ids, id)
	}
	if status, _ := initialize(t, ts, roKey); status != http.StatusTooManyRequests {
		t.Errorf("fourth session of one key: %d, want 429", status)
	}
	if status, _ := initialize(t, ts, rwKey); status != 200 {
		t.Errorf("another key's first session: %d", status)
	}
	// Another key cannot use ro's session.
	req, _ := http.NewRequest("POST", ts.URL+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Session-Id", ids[0])
	req.Header.Set("X-API-Key", rwKey)
	if res, err := ts.Client().Do(req); err != nil || res.StatusCode != 404 {
		t.Errorf("another key on ro's session: %v %v, want 404", res.StatusCode, err)
	} else {
		res.Body.Close()
	}
	// Idle sessions close: the key may open new ones and the goroutines
	// are gone.
	deadline := time.Now().Add(10 * time.Second)
	for {
		time.Sleep(200 * time.Millisecond)
		if status, _ := initialize(t, ts, roKey); status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("idle sessions never closed")
		}
	}
	for range 50 {
		initialize(t, ts, adminKey)
	}
	time.Sleep(1500 * time.Millisecond)
	if n := runtime.NumGoroutine(); n > base+20 {
		t.Errorf("%d goroutines after the sessions went idle, %d before", n, base)
	}
}
