package server

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graphql"
	cgmcp "github.com/codegraph-dev/codegraph/internal/mcp"
)

func readAudit(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

// TestAuditLog: a refused request, a write and an admin action each give
// one line with who, what and the outcome, and no credential or body.
func TestAuditLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	svc, _ := fixtureService(t)
	m, err := cgmcp.New(cgmcp.Options{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	tools := m.ToolAccess()
	s, ts := newTestServer(t, Options{Service: svc, Audit: &AuditOptions{Path: path},
		ToolAccess:   func(name string) Scope { return tools[name] },
		Keys:         []Key{{Name: "ro", Key: roKey, Scope: "ro"}, {Name: "rw", Key: rwKey, Scope: "rw"}, {Name: "admin", Key: adminKey, Scope: "admin"}},
		Mount:        map[string]http.Handler{"/graphql": graphql.NewHandler(svc, graphql.Options{}), "/mcp": m.Handler()},
		StreamMounts: []string{"/mcp"}})
	_ = s
	secretBody := `{"kind":"function","name":"TopSecretBody","file":"x.go","line":1}`
	st1, h1, _ := call(t, ts, "POST", "/nodes?repo=fixture", secretBody, "X-API-Key", roKey) // refused
	st2, h2, _ := call(t, ts, "POST", "/nodes?repo=fixture", secretBody, "X-API-Key", rwKey) // write
	st3, h3, _ := call(t, ts, "POST", "/graphql", `{"query":"mutation Rebuild { rebuildIndex(repo: \"fixture\") { id } }","operationName":"Rebuild"}`, "X-API-Key", adminKey)
	st4, _, _ := call(t, ts, "GET", "/nodes?limit=1", "", "X-API-Key", rwKey) // a read: not logged
	st5, h5, _ := call(t, ts, "GET", "/nodes?limit=1", "", "X-API-Key", "wrong-key-0000000")
	// An MCP tool that writes, called in a session: one line naming the tool.
	mcpHdr := []string{"X-API-Key", rwKey, "Accept", "application/json, text/event-stream"}
	_, hi, _ := call(t, ts, "POST", "/mcp", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`, mcpHdr...)
	mcpHdr = append(mcpHdr, "Mcp-Session-Id", hi.Get("Mcp-Session-Id"))
	call(t, ts, "POST", "/mcp", `{"jsonrpc":"2.0","method":"notifications/initialized"}`, mcpHdr...)
	call(t, ts, "POST", "/mcp", `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"search_code","arguments":{"query":"x"}}}`, mcpHdr...)
	st6, h6, _ := call(t, ts, "POST", "/mcp", `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"index","arguments":{"repo":"fixture"}}}`, mcpHdr...)
	if st1 != 403 || st2 != 201 || st4 != 200 || st5 != 401 {
		t.Fatalf("statuses %d %d %d %d", st1, st2, st4, st5)
	}
	lines := readAudit(t, path)
	if len(lines) != 5 {
		t.Fatalf("%d audit lines, want 5: %v", len(lines), lines)
	}
	want := []struct {
		action, subject, method, path, op string
		status                            int
		id                                string
	}{
		{"refused", "key:ro", "POST", "/nodes", "", 403, h1.Get("X-Request-ID")},
		{"write", "key:rw", "POST", "/nodes", "", 201, h2.Get("X-Request-ID")},
		{"admin", "key:admin", "POST", "/graphql", "Rebuild", st3, h3.Get("X-Request-ID")},
		{"refused", "", "GET", "/nodes", "", 401, h5.Get("X-Request-ID")},
		{"write", "key:rw", "POST", "/mcp", "index", st6, h6.Get("X-Request-ID")},
	}
	for i, w := range want {
		l := lines[i]
		for _, f := range []string{"time", "subject", "remote", "method", "path", "status", "request_id"} {
			if _, ok := l[f]; !ok {
				t.Errorf("line %d has no %s: %v", i, f, l)
			}
		}
		got := fmt.Sprint(l["action"], "|", l["subject"], "|", l["method"], "|", l["path"], "|", l["operation"], "|", l["status"], "|", l["request_id"])
		exp := fmt.Sprint(w.action, "|", w.subject, "|", w.method, "|", w.path, "|", map[bool]any{true: nil, false: w.op}[w.op == ""], "|", w.status, "|", w.id)
		if got != exp {
			t.Errorf("line %d: %s, want %s", i, got, exp)
		}
	}
	// The repository, from the query string (REST), an argument (GraphQL)
	// or the tool's arguments (MCP).
	for _, i := range []int{0, 2, 4} {
		if lines[i]["repo"] != "fixture" {
			t.Errorf("line %d: repo %v, want fixture", i, lines[i]["repo"])
		}
	}
	raw, _ := os.ReadFile(path)
	for _, secret := range []string{roKey, rwKey, adminKey, "wrong-key-0000000", "TopSecretBody"} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("audit log holds %q", secret)
		}
	}
}

func TestAuditRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	a, err := openAudit(AuditOptions{Path: path, MaxSize: 300, Keep: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.close() })
	for i := range 20 {
		if err := a.write(auditRecord{Action: "write", Path: fmt.Sprintf("/nodes/%d", i), Status: 201}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{path, path + ".1", path + ".2"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Size() > 300 {
			t.Errorf("%s is %d bytes, over 300", p, st.Size())
		}
	}
	if _, err := os.Stat(path + ".3"); err == nil {
		t.Error("more than Keep rotated files")
	}
	last := readAudit(t, path)
	if len(last) == 0 || last[len(last)-1]["path"] != "/nodes/19" {
		t.Errorf("newest record not in the current file: %v", last)
	}
}
