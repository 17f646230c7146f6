package mcp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// fixtureRepo returns a copy of testdata/repo, indexed.
func fixtureRepo(t testing.TB) string {
	t.Helper()
	repo := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	if _, err := index.Run(context.Background(), index.Options{Root: repo}); err != nil {
		t.Fatal(err)
	}
	return repo
}

// connect starts a server over opts and a client session to it over the
// in-memory transport, waiting until the server's first freshness check
// settled.
func connect(t testing.TB, opts Options, copts *mcp.ClientOptions) (*Server, *mcp.ClientSession) {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, ct := mcp.NewInMemoryTransports()
	ss, err := s.MCP().Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, copts)
	cs, err := client.Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cs.Close()
		ss.Wait()
		s.Close()
	})
	wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := s.waitIdle(wctx); err != nil {
		t.Fatal(err)
	}
	return s, cs
}

// shared is one indexed copy of testdata/repo for the whole test binary,
// for the tests that neither edit its files nor write nodes (an index run
// over it that finds nothing changed is fine): indexing it, search
// indexes and embedding model included, is most of a fixture's cost.
var shared struct {
	once sync.Once
	dir  string // removed by TestMain
	repo string
	err  error
}

// sharedSession is a new server and session over the shared repository.
func sharedSession(t testing.TB) (*Server, *mcp.ClientSession, string) {
	t.Helper()
	shared.once.Do(func() {
		if shared.dir, shared.err = os.MkdirTemp("", "codegraph-mcp-"); shared.err != nil {
			return
		}
		shared.repo = filepath.Join(shared.dir, "repo")
		if shared.err = os.CopyFS(shared.repo, os.DirFS(filepath.Join("..", "..", "testdata", "repo"))); shared.err != nil {
			return
		}
		_, shared.err = index.Run(context.Background(), index.Options{Root: shared.repo})
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	s, cs := connect(t, Options{Repos: []RepoSpec{{Root: shared.repo}}}, nil)
	return s, cs, shared.repo
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// fixtureSession is a new server and session over a copy of its own
// (for tests that change the repository or its index).
func fixtureSession(t testing.TB) (*Server, *mcp.ClientSession, string) {
	t.Helper()
	repo := fixtureRepo(t)
	s, cs := connect(t, Options{Repos: []RepoSpec{{Root: repo}}}, nil)
	return s, cs, repo
}

// callTool calls a tool and returns its text and structured answer.
func callTool(t testing.TB, cs *mcp.ClientSession, name string, args map[string]any) (string, map[string]any, bool) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s(%v): protocol error: %v", name, args, err)
	}
	var text strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			text.WriteString(tc.Text)
		}
	}
	var out map[string]any
	if res.StructuredContent != nil {
		b, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("%s: structured content: %v", name, err)
		}
	}
	return text.String(), out, res.IsError
}

func mustCall(t testing.TB, cs *mcp.ClientSession, name string, args map[string]any) (string, map[string]any) {
	t.Helper()
	text, out, isErr := callTool(t, cs, name, args)
	if isErr {
		t.Fatalf("%s(%v): tool error: %s", name, args, text)
	}
	if out["index_state"] == nil {
		t.Fatalf("%s: no index_state in %v", name, out)
	}
	return text, out
}

func TestListToolsSchemas(t *testing.T) {
	_, cs, _ := sharedSession(t)
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"search_code", "get_symbol", "find_references", "get_callers", "get_callees", "get_dependencies", "get_dependents",
		"impact_analysis", "find_path", "file_outline", "repo_overview", "read_code", "export_graph", "detect_changes", "index_status", "index"}
	var got []string
	for _, tool := range res.Tools {
		got = append(got, tool.Name)
		if tool.Description == "" || tool.InputSchema == nil || tool.OutputSchema == nil {
			t.Errorf("%s: description, input or output schema missing", tool.Name)
		}
		// Every schema must be a valid JSON schema.
		for _, sch := range []any{tool.InputSchema, tool.OutputSchema} {
			b, _ := json.Marshal(sch)
			var js jsonschema.Schema
			if err := json.Unmarshal(b, &js); err != nil {
				t.Errorf("%s: schema does not parse: %v", tool.Name, err)
			} else if _, err := js.Resolve(nil); err != nil {
				t.Errorf("%s: schema does not resolve: %v", tool.Name, err)
			}
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("tools = %v, want %v", got, want)
	}
	// The budget of the whole tool list: bytes/4 as tokens.
	b, _ := json.Marshal(res.Tools)
	tok := tokens(len(b))
	t.Logf("tool list: %d tools, %d bytes of JSON, ~%d tokens (bytes/4)", len(res.Tools), len(b), tok)
	if tok > 3000 {
		t.Errorf("tool list costs ~%d tokens, want under 3000", tok)
	}
}

// validateOutput checks a structured answer against the tool's output
// schema.
func validateOutput(t *testing.T, cs *mcp.ClientSession, name string, out map[string]any) {
	t.Helper()
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range res.Tools {
		if tool.Name != name {
			continue
		}
		b, _ := json.Marshal(tool.OutputSchema)
		var js jsonschema.Schema
		if err := json.Unmarshal(b, &js); err != nil {
			t.Fatal(err)
		}
		rs, err := js.Resolve(nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := rs.Validate(out); err != nil {
			t.Errorf("%s: answer does not match its output schema: %v", name, err)
		}
		return
	}
	t.Fatalf("no tool %s", name)
}

func TestTools(t *testing.T) {
	_, cs, _ := sharedSession(t)
	cases := []struct {
		tool string
		args map[string]any
		want []string // substrings of the text answer
		// check inspects the structured answer.
		check func(t *testing.T, out map[string]any)
	}{
		{"get_symbol", map[string]any{"symbol": "Store.Get"}, []string{"pkg/store/store.go:24 method Store.Get", "func (s *Store) Get(id string) (Order, error)", "returns the order"},
			func(t *testing.T, out map[string]any) {
				if out["body"] != nil {
					t.Errorf("body without include_body: %v", out["body"])
				}
			}},
		{"get_symbol", map[string]any{"symbol": "Store.Get", "include_body": true}, []string{"o, ok := s.orders[id]"},
			func(t *testing.T, out map[string]any) {
				if !strings.Contains(out["body"].(string), "return o, nil") {
					t.Errorf("body = %q", out["body"])
				}
			}},
		{"get_symbol", map[string]any{"symbol": "Store"}, []string{"members", "Store.orders"}, nil},
		{"get_symbol", map[string]any{"symbol": "pkg/store/store.go:24"}, []string{"method Store.Get"}, nil},
		{"get_symbol", map[string]any{"symbol": "./pkg/store/store.go:Store.Get"}, []string{"method Store.Get"}, nil},
		{"find_references", map[string]any{"symbol": "Store.Get"}, []string{"pkg/server/server.go", "calls"},
			func(t *testing.T, out map[string]any) {
				if out["total"].(float64) < 1 {
					t.Errorf("total = %v", out["total"])
				}
			}},
		{"find_references", map[string]any{"symbol": "Order", "kinds": []string{"references"}}, []string{"references to"}, nil},
		{"get_callers", map[string]any{"symbol": "Store.Get"}, []string{"callers of", "Server.ServeHTTP"}, nil},
		{"get_callers", map[string]any{"symbol": "Store.Get", "depth": 3}, []string{"Server.ServeHTTP"}, nil},
		{"get_callees", map[string]any{"symbol": "Server.ServeHTTP"}, []string{"Store.Get"}, nil},
		// Empty answers still match their schemas (lists are [], not null).
		{"get_callers", map[string]any{"symbol": "Store.Put"}, []string{"callers of", ": 0"}, nil},
		{"get_callees", map[string]any{"symbol": "Store.Put"}, []string{"callees of"}, nil},
		{"find_references", map[string]any{"symbol": "Store.Put", "kinds": []string{"calls"}}, []string{"references to"}, nil},
		{"get_dependents", map[string]any{"target": "tools"}, []string{"dependents of package tools"}, nil},
		{"impact_analysis", map[string]any{"target": "tools/report.py"}, []string{"impact of file tools/report.py"}, nil},
		{"file_outline", map[string]any{"path": "web/money.ts"}, []string{"web/money.ts"}, nil},
		{"get_dependencies", map[string]any{"target": "pkg/server"}, []string{"dependencies of package pkg/server", "pkg/store"}, nil},
		{"get_dependencies", map[string]any{"target": "pkg/server/server.go"}, []string{"file pkg/server/server.go"}, nil},
		{"get_dependents", map[string]any{"target": "pkg/store", "depth": 2}, []string{"dependents of package pkg/store", "pkg/server"}, nil},
		{"impact_analysis", map[string]any{"target": "Store.Get"}, []string{"impact of symbol Store.Get", "Server.ServeHTTP"},
			func(t *testing.T, out map[string]any) {
				if _, ok := out["complete"].(bool); !ok {
					t.Errorf("complete missing: %v", out)
				}
			}},
		{"find_path", map[string]any{"from": "Server.ServeHTTP", "to": "Store.Get"}, []string{"path of 1 steps", "calls at pkg/server/server.go"},
			func(t *testing.T, out map[string]any) {
				if out["found"] != true {
					t.Errorf("found = %v", out["found"])
				}
			}},
		{"find_path", map[string]any{"from": "Store.Get", "to": "Server.ServeHTTP"}, []string{"no path"}, nil},
		{"file_outline", map[string]any{"path": "pkg/store/store.go"}, []string{"pkg/store/store.go (go)", "Store.Get", "  24 method Store.Get"}, nil},
		{"repo_overview", map[string]any{}, []string{"pkg/store", "languages (go 2, python 1, typescript 2)", "pkg/server -> pkg/store"}, nil},
		{"read_code", map[string]any{"path": "pkg/store/store.go", "start_line": 24, "end_line": 26}, []string{"   24  func (s *Store) Get", "   26  \tif !ok {"},
			func(t *testing.T, out map[string]any) {
				if out["start_line"].(float64) != 24 || out["end_line"].(float64) != 26 || out["truncated"] != nil {
					t.Errorf("read_code = %v", out)
				}
			}},
		{"index_status", map[string]any{}, []string{"index ready", "go 2"}, nil},
		{"index", map[string]any{}, []string{"indexed 7 files", "0 added, 0 changed"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.tool, func(t *testing.T) {
			text, out := mustCall(t, cs, tc.tool, tc.args)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("%s(%v): text lacks %q:\n%s", tc.tool, tc.args, w, text)
				}
			}
			if !strings.Contains(text, "[index: ") {
				t.Errorf("text lacks the index state:\n%s", text)
			}
			if out["index_state"] != "ready" {
				t.Errorf("index_state = %v", out["index_state"])
			}
			validateOutput(t, cs, tc.tool, out)
			if tc.check != nil {
				tc.check(t, out)
			}
		})
	}
}

func TestToolErrors(t *testing.T) {
	repo := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	// A second Get makes the bare name ambiguous.
	if err := os.MkdirAll(filepath.Join(repo, "pkg", "cache"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "pkg", "cache", "cache.go"), []byte("package cache\n\ntype Cache struct{}\n\nfunc (c *Cache) Get(k string) string { return k }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := index.Run(context.Background(), index.Options{Root: repo}); err != nil {
		t.Fatal(err)
	}
	_, cs := connect(t, Options{Repos: []RepoSpec{{Root: repo}}}, nil)
	cases := []struct {
		tool string
		args map[string]any
		want string
	}{
		{"get_symbol", map[string]any{}, `missing required argument "symbol"`},
		{"get_symbol", map[string]any{"symbol": ""}, `missing required argument "symbol"`},
		{"get_symbol", map[string]any{"symbol": 42}, "argument symbol must be of type string"},
		{"get_symbol", map[string]any{"symbol": "Store.Get", "bogus": 1}, `unknown argument "bogus"`},
		{"get_symbol", map[string]any{"symbol": "NoSuchThing"}, "not found"},
		{"get_symbol", map[string]any{"symbol": "Get"}, "ambiguous"},
		{"get_symbol", map[string]any{"symbol": "get"}, "similar symbols (pass an id)"},
		{"get_callers", map[string]any{"symbol": "Store.Get", "depth": 0}, ""}, // 0 means the default
		{"get_callers", map[string]any{"symbol": "Store.Get", "depth": 65}, "depth must be between 1 and 64"},
		{"get_callers", map[string]any{"symbol": "Store.Get", "cursor": "garbage"}, "invalid cursor"},
		{"get_callers", map[string]any{"symbol": "Store.Get", "max_tokens": 10}, "max_tokens must be between"},
		{"get_callers", map[string]any{"symbol": "Store.Get", "max_tokens": 499}, "max_tokens must be between"},
		{"find_references", map[string]any{"symbol": "Store.Get", "kinds": []string{"eats"}}, `unknown kind "eats"`},
		{"read_code", map[string]any{"path": "../../etc/passwd"}, "outside the indexed repository"},
		{"read_code", map[string]any{"path": "/etc/passwd"}, "outside the indexed repository"},
		{"read_code", map[string]any{"path": ".env"}, "not an indexed source file"},
		{"read_code", map[string]any{"path": "pkg/store/store.go", "start_line": 1000}, "past the end"},
		{"read_code", map[string]any{"path": "pkg/store/store.go", "start_line": 10, "end_line": 5}, "before start_line"},
		{"file_outline", map[string]any{"path": "nope.go"}, "not an indexed source file"},
		{"get_dependencies", map[string]any{"target": "/etc"}, "outside the indexed repository"},
		{"get_symbol", map[string]any{"symbol": "/etc/passwd:1"}, "outside the indexed repository"},
		{"find_path", map[string]any{"from": "Store.Get"}, `missing required argument "to"`},
		{"find_path", map[string]any{"from": "Nope", "to": "Store.Get"}, "from: "},
		{"get_symbol", map[string]any{"symbol": "Store.Get", "repo": "other"}, `unknown argument "repo"`},
	}
	for _, tc := range cases {
		text, _, isErr := callTool(t, cs, tc.tool, tc.args)
		if tc.want == "" {
			if isErr {
				t.Errorf("%s(%v): unexpected error %s", tc.tool, tc.args, text)
			}
			continue
		}
		if !isErr {
			t.Errorf("%s(%v): no error; got %s", tc.tool, tc.args, text)
			continue
		}
		if !strings.Contains(text, tc.want) {
			t.Errorf("%s(%v): error %q lacks %q", tc.tool, tc.args, text, tc.want)
		}
	}
	// An ambiguous name lists ids that work.
	text, _, _ := callTool(t, cs, "get_symbol", map[string]any{"symbol": "Get"})
	var id string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "- ") {
			id = strings.Fields(l)[1]
			break
		}
	}
	if id == "" {
		t.Fatalf("no candidate id in %q", text)
	}
	mustCall(t, cs, "get_symbol", map[string]any{"symbol": id})
}

func TestSymlinkOutsideRootRefused(t *testing.T) {
	repo := fixtureRepo(t)
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.go"), []byte("package x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(repo, "link")); err != nil {
		t.Skip("no symlinks:", err)
	}
	for _, p := range []string{"link/secret.go", "link", filepath.Join(outside, "secret.go")} {
		if _, err := safeRel(repo, p); err == nil {
			t.Errorf("safeRel(%q) accepted a path outside the root", p)
		}
	}
	for _, p := range []string{"pkg/store/store.go", "./pkg/store/store.go", filepath.Join(repo, "pkg", "store", "store.go"), "."} {
		if _, err := safeRel(repo, p); err != nil {
			t.Errorf("safeRel(%q): %v", p, err)
		}
	}
}

func TestBudgetAndCursor(t *testing.T) {
	repo := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	var src strings.Builder
	src.WriteString("package store\n")
	for i := 2; i <= 300; i++ {
		fmt.Fprintf(&src, "var v%d = %d // line %d of a long file\n", i, i, i)
	}
	if err := os.WriteFile(filepath.Join(repo, "pkg", "store", "big.go"), []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := index.Run(context.Background(), index.Options{Root: repo}); err != nil {
		t.Fatal(err)
	}
	_, cs := connect(t, Options{Repos: []RepoSpec{{Root: repo}}}, nil)
	// A 300-line read with a budget that holds only some lines pages
	// through the whole range, each answer within budget.
	var lines []string
	const budget = minMaxTokens
	args := map[string]any{"path": "pkg/store/big.go", "start_line": 1, "end_line": 300, "max_tokens": budget}
	for page := 0; ; page++ {
		if page > 40 {
			t.Fatal("no end to the pages")
		}
		text, out := mustCall(t, cs, "read_code", args)
		b, _ := json.Marshal(out)
		if tokens(len(b)) > budget || tokens(len(text)) > budget {
			t.Errorf("page %d: %d JSON / %d text tokens, over the budget of %d", page, tokens(len(b)), tokens(len(text)), budget)
		}
		if code, _ := out["code"].(string); code != "" {
			lines = append(lines, strings.Split(code, "\n")...)
		}
		if out["truncated"] != true {
			if out["next_cursor"] != nil {
				t.Errorf("next_cursor without truncated: %v", out)
			}
			break
		}
		args["cursor"] = out["next_cursor"]
	}
	if len(lines) != 300 || lines[299] != "var v300 = 300 // line 300 of a long file" {
		t.Errorf("read %d lines over the pages, want 300", len(lines))
	}
	// A cursor given to another call is refused.
	_, out := mustCall(t, cs, "read_code", map[string]any{"path": "pkg/store/big.go", "max_tokens": budget})
	text, _, isErr := callTool(t, cs, "read_code", map[string]any{"path": "pkg/server/server.go", "max_tokens": budget, "cursor": out["next_cursor"]})
	if !isErr || !strings.Contains(text, "belongs to another call") {
		t.Errorf("cursor of another call: %v %s", isErr, text)
	}
}

func TestResources(t *testing.T) {
	_, cs, _ := sharedSession(t)
	ctx := context.Background()
	tl, err := cs.ListResourceTemplates(ctx, nil)
	if err != nil || len(tl.ResourceTemplates) != 2 {
		t.Fatalf("templates: %v %v", tl, err)
	}
	r, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "codegraph://file/pkg/store/store.go"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Contents[0].Text, "func (s *Store) Get") {
		t.Errorf("file resource: %q", r.Contents[0].Text)
	}
	for _, uri := range []string{"codegraph://file/../../etc/passwd", "codegraph://file/%2e%2e/%2e%2e/etc/passwd", "codegraph://file//etc/passwd", "codegraph://file/.env"} {
		if r, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: uri}); err == nil {
			t.Errorf("%s: read %q", uri, r.Contents[0].Text)
		}
	}
	_, out := mustCall(t, cs, "get_symbol", map[string]any{"symbol": "Store.Get"})
	id := out["symbol"].(map[string]any)["id"].(string)
	r, err = cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "codegraph://symbol/" + id})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Contents[0].Text, "return o, nil") {
		t.Errorf("symbol resource: %q", r.Contents[0].Text)
	}
	if _, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "codegraph://symbol/0000000000000000"}); err == nil {
		t.Error("unknown symbol id read")
	}
}

func TestInstructions(t *testing.T) {
	_, cs, _ := sharedSession(t)
	ins := cs.InitializeResult().Instructions
	for _, w := range []string{"impact_analysis", "next_cursor", "index_state"} {
		if !strings.Contains(ins, w) {
			t.Errorf("instructions lack %q", w)
		}
	}
}

func TestMultipleRepos(t *testing.T) {
	a, b := fixtureRepo(t), fixtureRepo(t)
	if err := os.WriteFile(filepath.Join(b, "extra.py"), []byte("def only_in_b():\n    return 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := index.Run(context.Background(), index.Options{Root: b}); err != nil {
		t.Fatal(err)
	}
	_, cs := connect(t, Options{Repos: []RepoSpec{{Name: "a", Root: a}, {Name: "b", Root: b}}}, nil)
	tl, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(tl.Tools)
	t.Logf("tool list with two repositories: %d bytes, ~%d tokens", len(js), tokens(len(js)))
	// 3000 for one repository (TestListToolsSchemas); the repo argument
	// repeated on each of the 16 tools (detect_changes the last added) costs
	// ~150 more.
	if tokens(len(js)) > 3150 {
		t.Errorf("tool list with a repo argument costs ~%d tokens", tokens(len(js)))
	}
	if _, _, isErr := callTool(t, cs, "get_symbol", map[string]any{"symbol": "only_in_b"}); !isErr {
		t.Error("only_in_b found in the default repository a")
	}
	mustCall(t, cs, "get_symbol", map[string]any{"symbol": "only_in_b", "repo": "b"})
	text, _, isErr := callTool(t, cs, "get_symbol", map[string]any{"symbol": "x", "repo": "c"})
	if !isErr || !strings.Contains(text, "unknown repo") {
		t.Errorf("unknown repo: %s", text)
	}
	r, err := cs.ReadResource(context.Background(), &mcp.ReadResourceParams{URI: "codegraph://file/b/extra.py"})
	if err != nil || !strings.Contains(r.Contents[0].Text, "only_in_b") {
		t.Errorf("file resource in repo b: %v %v", r, err)
	}
	text, out := mustCall(t, cs, "index_status", map[string]any{"repo": "b"})
	if len(out["repos"].([]any)) != 2 {
		t.Errorf("index_status repos: %s", text)
	}
}

// TestBackgroundIndex starts a server on a repository without an index:
// it answers at once, builds the index in the background, reports
// progress, and then answers from it; a changed file makes it stale and
// the index tool updates it with progress notifications.
func TestBackgroundIndex(t *testing.T) {
	repo := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	var mu sync.Mutex
	var progress []float64
	copts := &mcp.ClientOptions{ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
		mu.Lock()
		progress = append(progress, req.Params.Progress)
		mu.Unlock()
	}}
	s, cs := connect(t, Options{Repos: []RepoSpec{{Root: repo}}, AutoIndex: true}, copts)
	text, out := mustCall(t, cs, "get_symbol", map[string]any{"symbol": "Store.Get"})
	if out["index_state"] != "ready" {
		t.Errorf("after the background build: %s", text)
	}
	// A new file: the next check finds the index stale.
	if err := os.WriteFile(filepath.Join(repo, "pkg", "store", "more.go"), []byte("package store\n\nfunc More() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := s.repos[0]
	r.SetAutoIndex(false)
	r.Check(context.Background())
	if st := r.State(); st.Status != service.StatusStale || st.Changed != 1 {
		t.Errorf("state after a new file = %+v", st)
	}
	_, out = mustCall(t, cs, "index_status", nil)
	if !strings.HasPrefix(out["index_state"].(string), "stale since") {
		t.Errorf("index_state = %v", out["index_state"])
	}
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "index", Arguments: map[string]any{}, Meta: mcp.Meta{"progressToken": "tok"}})
	if err != nil || res.IsError {
		t.Fatalf("index: %v %v", err, res)
	}
	_, out = mustCall(t, cs, "get_symbol", map[string]any{"symbol": "More"})
	if out["index_state"] != "ready" {
		t.Errorf("after index: %v", out["index_state"])
	}
	// Notifications are handled asynchronously: wait for the last one.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		done := len(progress) > 0 && progress[len(progress)-1] == 100
		got := append([]float64(nil), progress...)
		mu.Unlock()
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("progress notifications = %v, want them to end at 100", got)
		}
	}
}

// TestEveryAnswerWithinBudget calls every tool with the smallest budget:
// neither the text nor the structured answer may exceed it.
func TestEveryAnswerWithinBudget(t *testing.T) {
	_, cs, _ := sharedSession(t)
	calls := []struct {
		tool string
		args map[string]any
	}{
		{"get_symbol", map[string]any{"symbol": "Store", "include_body": true}},
		{"find_references", map[string]any{"symbol": "Order"}},
		{"get_callers", map[string]any{"symbol": "Store.Get", "depth": 5}},
		{"get_callees", map[string]any{"symbol": "Server.ServeHTTP", "depth": 5}},
		{"get_dependencies", map[string]any{"target": "pkg", "depth": 5}},
		{"get_dependents", map[string]any{"target": "pkg/store", "depth": 5}},
		{"impact_analysis", map[string]any{"target": "pkg/store"}},
		{"find_path", map[string]any{"from": "Server.ServeHTTP", "to": "Store.Get"}},
		{"file_outline", map[string]any{"path": "pkg/store/store.go"}},
		{"repo_overview", map[string]any{}},
		{"read_code", map[string]any{"path": "pkg/store/store.go"}},
		{"index_status", map[string]any{}},
	}
	for _, c := range calls {
		c.args["max_tokens"] = minMaxTokens
		if c.tool == "index_status" {
			delete(c.args, "max_tokens")
		}
		text, out := mustCall(t, cs, c.tool, c.args)
		b, _ := json.Marshal(out)
		if tokens(len(b)) > minMaxTokens || tokens(len(text)) > minMaxTokens {
			t.Errorf("%s: %d JSON / %d text tokens, over %d:\n%s", c.tool, tokens(len(b)), tokens(len(text)), minMaxTokens, text)
		}
	}
}

// TestStreamableHTTP serves the same tools over the streamable HTTP
// transport, to two clients at once.
func TestStreamableHTTP(t *testing.T) {
	s, _, _ := sharedSession(t)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	ctx := context.Background()
	for i := range 2 {
		cs, err := mcp.NewClient(&mcp.Implementation{Name: "http"}, nil).Connect(ctx, &mcp.StreamableClientTransport{Endpoint: ts.URL}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer cs.Close()
		text, _ := mustCall(t, cs, "get_callers", map[string]any{"symbol": "Store.Get"})
		if !strings.Contains(text, "Server.ServeHTTP") {
			t.Errorf("client %d over HTTP: %s", i, text)
		}
	}
}

func TestAbsolutePathsInsideRoot(t *testing.T) {
	_, cs, repo := sharedSession(t)
	abs := filepath.Join(repo, "pkg", "store", "store.go")
	text, _ := mustCall(t, cs, "get_symbol", map[string]any{"symbol": abs + ":24"})
	if !strings.Contains(text, "method Store.Get") {
		t.Errorf("get_symbol by absolute FILE:LINE: %s", text)
	}
	mustCall(t, cs, "file_outline", map[string]any{"path": abs})
	mustCall(t, cs, "read_code", map[string]any{"path": abs, "start_line": 1, "end_line": 2})
	text, _ = mustCall(t, cs, "get_dependencies", map[string]any{"target": filepath.Join(repo, "pkg", "server")})
	if !strings.Contains(text, "package pkg/server") {
		t.Errorf("get_dependencies by absolute directory: %s", text)
	}
}

// TestContinuationPages pages through an impact and an overview with a
// small budget: later pages do not repeat the groups of the first, and
// together the pages list every item once.
func TestContinuationPages(t *testing.T) {
	repo := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	var many strings.Builder
	many.WriteString("package store\n")
	for i := range 150 {
		fmt.Fprintf(&many, "\n// Use%d makes a store.\nfunc Use%d() *Store { return New() }\n", i, i)
	}
	write := func(rel, src string) {
		t.Helper()
		p := filepath.Join(repo, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("pkg/store/many.go", many.String())
	for i := range 30 {
		write(fmt.Sprintf("pkg/gen/p%d/p.go", i), fmt.Sprintf("package p%d\n\nimport \"example.com/shop/pkg/store\"\n\n// F makes a store.\nfunc F() { store.New() }\n", i))
	}
	if _, err := index.Run(context.Background(), index.Options{Root: repo}); err != nil {
		t.Fatal(err)
	}
	_, cs := connect(t, Options{Repos: []RepoSpec{{Root: repo}}}, nil)
	for _, tc := range []struct {
		tool, list string
		args       map[string]any
	}{
		{"impact_analysis", "items", map[string]any{"target": "pkg/store", "max_tokens": minMaxTokens}},
		{"repo_overview", "packages", map[string]any{"max_tokens": minMaxTokens}},
		{"file_outline", "items", map[string]any{"path": "pkg/store/many.go", "max_tokens": minMaxTokens}},
		{"get_callers", "items", map[string]any{"symbol": "New", "max_tokens": minMaxTokens}},
	} {
		seen := map[string]bool{}
		total, pages := -1, 0
		for page := 0; ; page++ {
			pages++
			if page > 50 {
				t.Fatalf("%s: no end to the pages", tc.tool)
			}
			_, out := mustCall(t, cs, tc.tool, tc.args)
			items, _ := out[tc.list].([]any)
			for _, it := range items {
				b, _ := json.Marshal(it)
				if seen[string(b)] {
					t.Errorf("%s: %s listed twice", tc.tool, b)
				}
				seen[string(b)] = true
			}
			if page == 0 {
				switch tc.tool {
				case "impact_analysis":
					total = int(out["total"].(float64))
				case "repo_overview":
					total = int(out["packages_total"].(float64))
				case "file_outline", "get_callers":
					total = int(out["total"].(float64))
				}
			} else if tc.tool == "repo_overview" && len(out["hubs"].([]any)) > 0 {
				t.Errorf("repo_overview page %d repeats the hubs", page)
			}
			if out["truncated"] != true {
				break
			}
			tc.args["cursor"] = out["next_cursor"]
		}
		if len(seen) != total {
			t.Errorf("%s: %d items over the pages, want %d", tc.tool, len(seen), total)
		}
		t.Logf("%s: %d items in %d pages", tc.tool, total, pages)
	}
}

// TestLockedByIdleWriter: another process holds the writer lock and
// writes nothing (a watcher, say). The index tool says so instead of
// failing or waiting forever, and the run gives up, leaving the state
// stale with the holder named.
func TestLockedByIdleWriter(t *testing.T) {
	repo := fixtureRepo(t)
	w, err := store.Open(filepath.Join(repo, ".codegraph"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	s, cs := connect(t, Options{Repos: []RepoSpec{{Root: repo}}}, nil)
	r := s.repos[0]
	r.SetLockedRetry(20*time.Millisecond, 3)
	text, _ := mustCall(t, cs, "index", nil)
	if !strings.Contains(text, "another codegraph process") || !strings.Contains(text, fmt.Sprintf("pid %d", os.Getpid())) {
		t.Errorf("index while locked: %s", text)
	}
	if strings.Contains(text, "`codegraph") {
		t.Errorf("index while locked names a command of the command line: %s", text)
	}
	if err := s.waitIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := r.State(); st.Status != service.StatusStale || st.Other == "" {
		t.Errorf("state after giving up = %+v", st)
	}
	// Answers still come from the snapshot.
	_, out := mustCall(t, cs, "get_symbol", map[string]any{"symbol": "Store.Get"})
	if !strings.Contains(out["index_state"].(string), "holds the index") {
		t.Errorf("index_state = %v", out["index_state"])
	}
}

func TestSearchCode(t *testing.T) {
	_, cs, _ := sharedSession(t)
	text, out := mustCall(t, cs, "search_code", map[string]any{"query": "Store.Get"})
	validateOutput(t, cs, "search_code", out)
	items, _ := out["items"].([]any)
	if len(items) == 0 || items[0].(map[string]any)["name"] != "Store.Get" || !strings.Contains(text, "pkg/store/store.go:24") {
		t.Fatalf("search_code Store.Get: %s", text)
	}
	_, out = mustCall(t, cs, "search_code", map[string]any{"query": "this.items.push", "mode": "exact"})
	items, _ = out["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["line"] == nil {
		t.Errorf("exact: %v", out)
	}
	_, out = mustCall(t, cs, "search_code", map[string]any{"query": "add", "lang": "python", "kind": "method", "limit": 3})
	for _, it := range out["items"].([]any) {
		if at := it.(map[string]any)["at"].(string); !strings.HasSuffix(strings.Split(at, ":")[0], ".py") {
			t.Errorf("lang python gave %s", at)
		}
	}
	for _, bad := range []map[string]any{
		{},
		{"query": "x", "mode": "fuzzy"},
		{"query": "(", "mode": "regex"},
		{"query": "x", "limit": 1000},
		{"query": "x", "kind": "gizmo"},
	} {
		if text, _, isErr := callTool(t, cs, "search_code", bad); !isErr {
			t.Errorf("search_code(%v) succeeded: %s", bad, text)
		}
	}
}

// TestToolAnnotationsAndDescriptions: read-only tools are marked
// idempotent, every argument of every tool says what it is for, and list
// arguments have one form.
func TestToolAnnotationsAndDescriptions(t *testing.T) {
	_, cs, _ := sharedSession(t)
	lists := listArgs()
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range res.Tools {
		if a := tool.Annotations; a == nil || a.ReadOnlyHint && !a.IdempotentHint {
			t.Errorf("%s: read-only but not idempotent (%+v)", tool.Name, a)
		}
		b, _ := json.Marshal(tool.InputSchema)
		var sch struct {
			Properties map[string]map[string]any `json:"properties"`
		}
		_ = json.Unmarshal(b, &sch)
		for name, p := range sch.Properties {
			if d, _ := p["description"].(string); d == "" && name != "repo" {
				t.Errorf("%s: argument %s has no description", tool.Name, name)
			}
			// A list filter (a strList argument: kinds, kind, lang) is
			// advertised in one form everywhere: an array of strings.
			if lists[name] {
				items, _ := p["items"].(map[string]any)
				if p["type"] != "array" || items["type"] != "string" {
					t.Errorf("%s: list argument %s is advertised as %v, want an array of strings", tool.Name, name, p)
				}
			}
		}
	}
	if len(lists) < 3 {
		t.Errorf("list arguments %v: kinds, kind and lang are strLists", lists)
	}
}

// listArgs are the json names of the strList arguments.
func listArgs() map[string]bool {
	out := map[string]bool{}
	at := reflect.TypeFor[args]()
	for i := range at.NumField() {
		f := at.Field(i)
		if f.Type == reflect.TypeFor[strList]() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			out[name] = true
		}
	}
	return out
}
