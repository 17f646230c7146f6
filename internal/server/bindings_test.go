package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/codegraph-dev/codegraph/internal/graphql"
	"github.com/codegraph-dev/codegraph/internal/index"
	cgmcp "github.com/codegraph-dev/codegraph/internal/mcp"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// Keys of the role-binding tests.
const (
	aliceKey = "alice-key-0123456789" // read on "one"
	bobKey   = "bob-key-0123456789"   // write on "two", read on every repository
	eveKey   = "eve-key-0123456789"   // no binding
)

// bindingServer serves two repositories, "one" and "two" (the fixture;
// "two" with one more function), with role bindings, and the MCP and
// GraphQL front doors mounted as serve mounts them.
func bindingServer(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	src := filepath.Join("..", "..", "testdata", "repo")
	first, second := testrepo.Copy(t, src), testrepo.Copy(t, src)
	if err := os.WriteFile(filepath.Join(second, "pkg", "store", "extra.go"), []byte("package store\n\nfunc OnlyInSecond() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{first, second} {
		if _, err := index.Run(context.Background(), index.Options{Root: r, NoSearch: true}); err != nil {
			t.Fatal(err)
		}
	}
	svc, err := service.New(service.Options{Repos: []service.RepoSpec{{Name: "one", Root: first}, {Name: "two", Root: second}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	m, err := cgmcp.New(cgmcp.Options{Service: svc, HideRepoNames: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	s, ts := newTestServer(t, Options{Service: svc,
		Keys: []Key{{Name: "alice", Key: aliceKey, Scope: "admin"}, {Name: "bob", Key: bobKey, Scope: "rw"}, {Name: "eve", Key: eveKey, Scope: "admin"}},
		RoleBindings: []RoleBinding{
			{Subjects: []string{"key:alice"}, Role: "read", Repos: []string{"one"}},
			{Subjects: []string{"key:bob"}, Role: "admin", Repos: []string{"two"}},
			{Subjects: []string{"key:bob"}, Role: "read", Repos: []string{"*"}},
		},
		Mount:        map[string]http.Handler{"/mcp": m.Handler(), "/graphql": graphql.NewHandler(svc, graphql.Options{})},
		StreamMounts: []string{"/mcp", "/graphql"}})
	return s, ts
}

// TestRoleBindings checks per-repository authorization through REST,
// GraphQL and MCP: a repository an identity has no role on answers 404
// and is absent from lists; a role below the route's need answers 403;
// a binding never gives more than the key's own scope.
func TestRoleBindings(t *testing.T) {
	s, ts := bindingServer(t)
	get := func(key, path string) (int, []byte) {
		t.Helper()
		status, _, body := call(t, ts, "GET", path, "", "X-API-Key", key)
		return status, body
	}
	for _, c := range []struct {
		key, method, path string
		want              int
	}{
		{aliceKey, "GET", "/nodes?name=Open&repo=one", 200},
		{aliceKey, "GET", "/nodes?name=Open&repo=two", 404},         // no role: not found
		{aliceKey, "GET", "/nodes?name=Open&repo=three", 404},       // unknown: the same answer
		{aliceKey, "GET", "/nodes?name=OnlyInSecond", 200},          // default: the first it sees
		{aliceKey, "POST", "/index?repo=one", 403},                  // read role, the key is admin
		{bobKey, "GET", "/nodes?name=Open&repo=one", 200},           // "*"
		{bobKey, "DELETE", "/nodes/0123456789abcdef?repo=one", 403}, // read on one
		{eveKey, "GET", "/nodes?name=Open&repo=one", 403},           // no binding at all
		{aliceKey, "GET", "/metrics", 403},                          // names every repository
		{bobKey, "GET", "/metrics", 200},
		{"", "GET", "/nodes?name=Open&repo=one", 401},
	} {
		status, _, body := call(t, ts, c.method, c.path, "", "X-API-Key", c.key)
		if status != c.want {
			t.Errorf("%s %s as %q: %d %s, want %d", c.method, c.path, c.key, status, body, c.want)
		}
		if status == 404 && strings.Contains(string(body), `"two"`) && !strings.Contains(c.path, "repo=two") {
			t.Errorf("%s %s: a 404 names a repository the caller may not see: %s", c.method, c.path, body)
		}
	}
	// Alice's default repository is "one": OnlyInSecond is not there.
	if _, body := get(aliceKey, "/nodes?name=OnlyInSecond"); strings.Contains(string(body), "OnlyInSecond") {
		t.Errorf("alice's default repository answered from two: %s", body)
	}
	// Bob writes on two (admin role, capped at his key's rw).
	status, _, body := call(t, ts, "POST", "/index?repo=two", "", "X-API-Key", bobKey, "Content-Type", "application/json")
	if status != http.StatusAccepted {
		t.Fatalf("bob POST /index?repo=two: %d %s", status, body)
	}
	var job struct{ ID string }
	json.Unmarshal(body, &job)
	// Alice does not see bob's job on two, in the list or by id.
	if _, body := get(aliceKey, "/jobs"); strings.Contains(string(body), job.ID) {
		t.Errorf("alice's /jobs lists a job on two: %s", body)
	}
	if status, body := get(aliceKey, "/jobs/"+job.ID); status != 404 {
		t.Errorf("alice GET /jobs/%s: %d %s, want 404", job.ID, status, body)
	}
	if status, body := get(bobKey, "/jobs/"+job.ID); status != 200 {
		t.Errorf("bob GET /jobs/%s: %d %s", job.ID, status, body)
	}
	// The readiness probe names only what the caller may see.
	if _, body := get("", "/health/ready"); strings.Contains(string(body), `"one"`) || strings.Contains(string(body), `"two"`) {
		t.Errorf("unauthenticated /health/ready names repositories: %s", body)
	}

	// GraphQL: repos lists what the caller sees; another repository is
	// unknown.
	gql := func(key, q string) string {
		t.Helper()
		b, _ := json.Marshal(map[string]string{"query": q})
		_, _, body := call(t, ts, "POST", "/graphql", string(b), "X-API-Key", key, "Content-Type", "application/json")
		return string(body)
	}
	if body := gql(aliceKey, `{ repos { name } }`); !strings.Contains(body, `"one"`) || strings.Contains(body, `"two"`) {
		t.Errorf("alice GraphQL repos: %s", body)
	}
	if body := gql(bobKey, `{ repos { name } }`); !strings.Contains(body, `"one"`) || !strings.Contains(body, `"two"`) {
		t.Errorf("bob GraphQL repos: %s", body)
	}
	if body := gql(aliceKey, `{ nodes(filter: {name: "Open"}, repo: "two") { pageInfo { hasNextPage } } }`); !strings.Contains(body, "unknown repository") {
		t.Errorf("alice GraphQL nodes on two: %s", body)
	}
	if body := gql(bobKey, `mutation { deleteNode(id: "0123456789abcdef", repo: "one") }`); !strings.Contains(body, "forbidden") {
		t.Errorf("bob GraphQL deleteNode on one (read role): %s", body)
	}

	// MCP: the tool schemas name no repository; a call on one the caller
	// may not see is refused as unknown.
	cs, err := mcpClient(t, ts, aliceKey)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	tools, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(tools)
	if strings.Contains(string(raw), `"two"`) {
		t.Errorf("MCP tool list names a repository: %.300s", raw)
	}
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "search_code", Arguments: map[string]any{"query": "Open", "repo": "two"}})
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := json.Marshal(res.Content); !res.IsError || !strings.Contains(string(out), "unknown repo") || strings.Contains(string(out), "one, two") {
		t.Errorf("alice MCP search_code on two: error %v %s", res.IsError, out)
	}
	_ = s
}

// TestReloadCredentials rotates keys without a restart: a new key works
// after Reload, the removed one is refused, and a reload that would
// leave the server open is refused and keeps the keys in force.
func TestReloadCredentials(t *testing.T) {
	s, ts := sharedTestServer(t, Options{Keys: []Key{{Name: "old", Key: "old-key-0123456789", Scope: "ro"}}})
	get := func(key string) int {
		status, _, _ := call(t, ts, "GET", "/nodes?name=Open", "", "X-API-Key", key)
		return status
	}
	if get("old-key-0123456789") != 200 || get("new-key-0123456789") != 401 {
		t.Fatal("before the reload")
	}
	if err := s.Reload([]Key{{Name: "new", Key: "new-key-0123456789", Scope: "ro"}}, nil); err != nil {
		t.Fatal(err)
	}
	if got := get("new-key-0123456789"); got != 200 {
		t.Errorf("new key after the reload: %d", got)
	}
	if got := get("old-key-0123456789"); got != 401 {
		t.Errorf("old key after the reload: %d, want 401", got)
	}
	if err := s.Reload(nil, nil); err == nil {
		t.Error("a reload without keys (the server would be open) was accepted")
	}
	if err := s.Reload([]Key{{Name: "short", Key: "short", Scope: "ro"}}, nil); err == nil {
		t.Error("a reload with an invalid key was accepted")
	}
	if got := get("new-key-0123456789"); got != 200 {
		t.Errorf("after refused reloads the key in force stopped working: %d", got)
	}
	if err := s.Reload([]Key{{Name: "new", Key: "new-key-0123456789", Scope: "ro"}}, []RoleBinding{{Subjects: []string{"nobody"}, Role: "read", Repos: []string{"*"}}}); err == nil {
		t.Error("a binding with a malformed subject was accepted")
	}
}

// TestBindingGrants checks how bindings combine: the highest role of the
// matching bindings per repository, "*" subjects and repositories, and
// JWT groups.
func TestBindingGrants(t *testing.T) {
	b, err := newBindings([]RoleBinding{
		{Subjects: []string{"group:devs"}, Role: "write", Repos: []string{"api"}},
		{Subjects: []string{"jwt:carol"}, Role: "admin", Repos: []string{"web"}},
		{Subjects: []string{"*"}, Role: "read", Repos: []string{"docs"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	g := b.grants(identity{Name: "jwt:carol", Groups: []string{"devs"}, Authenticated: true})
	for repo, want := range map[string]service.Access{"api": service.ReadWrite, "web": service.Admin, "docs": service.ReadOnly, "other": 0} {
		if got := g.On(repo); got != want {
			t.Errorf("carol on %s: %v, want %v", repo, got, want)
		}
	}
	for _, bad := range []RoleBinding{
		{Subjects: []string{"key:x"}, Role: "owner", Repos: []string{"*"}},
		{Subjects: nil, Role: "read", Repos: []string{"*"}},
		{Subjects: []string{"key:x"}, Role: "read"},
		{Subjects: []string{"user:x"}, Role: "read", Repos: []string{"*"}},
	} {
		if _, err := newBindings([]RoleBinding{bad}); err == nil {
			t.Errorf("binding %+v accepted", bad)
		}
	}
}
