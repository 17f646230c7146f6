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
	t.Helper()
	svc, _ := fixtureService(t)
	mopts.Service = svc
	m, err := cgmcp.New(mopts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return newTestServer(t, Options{Service: svc,
		Keys:         []Key{{Name: "rw", Key: rwKey, Scope: "rw"}, {Name: "ro", Key: roKey, Scope: "ro"}, {Name: "admin", Key: adminKey, Scope: "admin"}},
		Mount:        map[string]http.Handler{"/mcp": m.Handler(), "/graphql": graphql.NewHandler(svc, graphql.Options{})},
		StreamMounts: []string{"/mcp", "/graphql"}})
}

// TestRouteAccess walks every REST route with each role: a route answers
// 401 without a key, 403 to a key below the access it declares, and
// something else (it runs) to the others.
func TestRouteAccess(t *testing.T) {
	s, ts := roleServer(t, cgmcp.Options{})
	keys := map[service.Access]string{ScopeRead: roKey, ScopeReadWrite: rwKey, ScopeAdmin: adminKey}
	for _, rt := range s.routes {
		path := strings.ReplaceAll(rt.Path, "{id}", "0000000000000001")
		for _, role := range []service.Access{0, ScopeRead, ScopeReadWrite, ScopeAdmin} {
			if rt.Path == "/index" && role >= rt.Scope {
				continue // would start index jobs; TestIndexJob covers it
			}
			var hdr []string
			if role != 0 {
				hdr = []string{"X-API-Key", keys[role]}
			}
			body := ""
			if rt.Method != "GET" && rt.Method != "DELETE" {
				body = "{}"
			}
			status, _, b := call(t, ts, rt.Method, path, body, hdr...)
			switch {
			case rt.Scope == 0:
				if status == 401 || status == 403 {
					t.Errorf("%s %s as %s: %d", rt.Method, rt.Path, role, status)
				}
			case role == 0:
				if status != 401 {
					t.Errorf("%s %s without a key: %d, want 401", rt.Method, rt.Path, status)
				}
			case role < rt.Scope:
				if status != 403 {
					t.Errorf("%s %s as %s: %d, want 403: %s", rt.Method, rt.Path, role, status, b)
				}
			default:
				if status == 401 || status == 403 {
					t.Errorf("%s %s as %s: %d: %s", rt.Method, rt.Path, role, status, b)
				}
			}
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
