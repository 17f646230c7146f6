package service_test

// The same cases through every front door (CLI, REST, GraphQL, MCP), over
// one fixture index built once for the package's tests.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/codegraph-dev/codegraph/internal/cli"
	"github.com/codegraph-dev/codegraph/internal/graphql"
	"github.com/codegraph-dev/codegraph/internal/index"
	cgmcp "github.com/codegraph-dev/codegraph/internal/mcp"
	"github.com/codegraph-dev/codegraph/internal/server"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// doors is the fixture every door serves: an indexed copy of
// testdata/repo, a service over it, and a client of each door.
type doors struct {
	root string
	svc  *service.Service
	rest *httptest.Server
	gql  *httptest.Server
	mcp  *mcp.ClientSession
}

var (
	doorsOnce sync.Once
	doorsFix  *doors
	doorsErr  error
)

// fixtureDoors builds the fixture once per test binary; it lives until
// the process ends (the temporary directory is removed by TestMain).
func fixtureDoors(t *testing.T) *doors {
	t.Helper()
	doorsOnce.Do(func() { doorsFix, doorsErr = buildDoors() })
	if doorsErr != nil {
		t.Fatal(doorsErr)
	}
	return doorsFix
}

var doorsTmp string

func TestMain(m *testing.M) {
	code := m.Run()
	if doorsFix != nil {
		doorsFix.mcp.Close()
		doorsFix.rest.Close()
		doorsFix.gql.Close()
		doorsFix.svc.Close()
	}
	if doorsTmp != "" {
		os.RemoveAll(doorsTmp)
	}
	os.Exit(code)
}

func buildDoors() (*doors, error) {
	tmp, err := os.MkdirTemp("", "codegraph-doors-")
	if err != nil {
		return nil, err
	}
	doorsTmp = tmp
	root := filepath.Join(tmp, "repo")
	if err := os.CopyFS(root, os.DirFS(filepath.Join("..", "..", "testdata", "repo"))); err != nil {
		return nil, err
	}
	// A secret beside the sources: every door refuses to read it.
	if err := os.WriteFile(filepath.Join(root, ".env"), []byte("TOKEN=hunter2\n"), 0o600); err != nil {
		return nil, err
	}
	ctx := context.Background()
	if _, err := index.Run(ctx, index.Options{Root: root}); err != nil {
		return nil, err
	}
	svc, err := service.New(service.Options{Repos: []service.RepoSpec{{Name: "fixture", Root: root}}})
	if err != nil {
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := svc.WaitIdle(wctx); err != nil {
		return nil, err
	}
	d := &doors{root: root, svc: svc}
	srv, err := server.New(server.Options{Service: svc})
	if err != nil {
		return nil, err
	}
	d.rest = httptest.NewServer(srv.Handler())
	d.gql = httptest.NewServer(graphql.NewHandler(svc, graphql.Options{}))
	ms, err := cgmcp.New(cgmcp.Options{Service: svc})
	if err != nil {
		return nil, err
	}
	st, ct := mcp.NewInMemoryTransports()
	if _, err := ms.MCP().Connect(ctx, st, nil); err != nil {
		return nil, err
	}
	d.mcp, err = mcp.NewClient(&mcp.Implementation{Name: "doors", Version: "1"}, nil).Connect(ctx, ct, nil)
	return d, err
}

// cli runs the command line against the fixture's store.
func (d *doors) cli(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	args = append(args, "--db", filepath.Join(d.root, ".codegraph"))
	code := cli.Main(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// get calls a REST route and decodes its JSON answer.
func (d *doors) get(t *testing.T, path string, q url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(d.rest.URL + path + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, b)
	}
	return resp.StatusCode, out
}

// graphql runs one operation and returns its data and errors.
func (d *doors) graphql(t *testing.T, query string, vars map[string]any) (map[string]any, []map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(d.gql.URL, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data   map[string]any   `json:"data"`
		Errors []map[string]any `json:"errors"`
	}
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("graphql: %v\n%s", err, b)
	}
	return out.Data, out.Errors
}

// tool calls an MCP tool and returns its structured answer.
func (d *doors) tool(t *testing.T, name string, args map[string]any) (map[string]any, string, bool) {
	t.Helper()
	res, err := d.mcp.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var text strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			text.WriteString(tc.Text)
		}
	}
	var out map[string]any
	b, _ := json.Marshal(res.StructuredContent)
	_ = json.Unmarshal(b, &out)
	return out, text.String(), res.IsError
}

// files returns the "file" fields of a list of hits or nodes.
func files(list any) []string {
	var out []string
	items, _ := list.([]any)
	for _, it := range items {
		m, _ := it.(map[string]any)
		if f, ok := m["file"].(string); ok {
			out = append(out, f)
		} else if f, ok := m["filePath"].(string); ok {
			out = append(out, f)
		}
	}
	return out
}

// TestDoorsSearchExcludeOnlyPath: an exclude-only path filter selects
// every file but those it names, through every door (it selected nothing).
func TestDoorsSearchExcludeOnlyPath(t *testing.T) {
	d := fixtureDoors(t)
	check := func(door string, got []string) {
		t.Helper()
		if len(got) == 0 {
			t.Errorf("%s: --path '!pkg/**' found nothing", door)
		}
		for _, f := range got {
			if strings.HasPrefix(f, "pkg/") {
				t.Errorf("%s: hit in excluded %s", door, f)
			}
		}
	}
	out, errs, code := d.cli(t, "search", "--mode", "exact", "--json", "--limit", "50", "--path", "!pkg/**", "return")
	if code != 0 {
		t.Fatalf("cli: exit %d: %s", code, errs)
	}
	var hits []any
	if err := json.Unmarshal([]byte(out), &hits); err != nil {
		t.Fatalf("cli: %v\n%s", err, out)
	}
	check("cli", files(hits))

	code, body := d.get(t, "/search", url.Values{"q": {"return"}, "mode": {"exact"}, "limit": {"50"}, "path": {"!pkg/**"}})
	if code != 200 {
		t.Fatalf("rest: %d %v", code, body)
	}
	check("rest", files(body["hits"]))

	data, gerrs := d.graphql(t, `query($p:[String!]){search(query:"return",options:{mode:EXACT,limit:50,paths:$p}){hits{node{filePath}}}}`,
		map[string]any{"p": []string{"!pkg/**"}})
	if len(gerrs) > 0 {
		t.Fatalf("graphql: %v", gerrs)
	}
	var gfiles []any
	for _, h := range data["search"].(map[string]any)["hits"].([]any) {
		gfiles = append(gfiles, h.(map[string]any)["node"])
	}
	check("graphql", files(gfiles))

	res, text, isErr := d.tool(t, "search_code", map[string]any{"query": "return", "mode": "exact", "limit": 50, "path_glob": "!pkg/**"})
	if isErr {
		t.Fatalf("mcp: %s", text)
	}
	var mfiles []string
	for _, it := range res["items"].([]any) {
		m := it.(map[string]any)
		if at, ok := m["at"].(string); ok {
			mfiles = append(mfiles, at[:strings.LastIndexByte(at, ':')])
		}
	}
	check("mcp", mfiles)
}

// TestDoorsListNodes: the same node listing (kinds, an exclude-only path
// filter, pages of 2 resumed by cursor) through the CLI, REST and
// GraphQL gives the same nodes.
func TestDoorsListNodes(t *testing.T) {
	d := fixtureDoors(t)
	sorted := func(ids []string) string { slices.Sort(ids); return strings.Join(ids, ",") }

	// CLI: pages of 2 by --cursor; it says when it truncated.
	var cliIDs []string
	cursor := ""
	for pages := 0; ; pages++ {
		args := []string{"symbols", "--kind", "function,method", "--file", "!pkg/**", "--limit", "2", "--json"}
		if cursor != "" {
			args = append(args, "--cursor", cursor)
		}
		out, errs, code := d.cli(t, args...)
		if code != 0 {
			t.Fatalf("cli: exit %d: %s", code, errs)
		}
		var page []map[string]any
		if err := json.Unmarshal([]byte(out), &page); err != nil {
			t.Fatalf("cli: %v\n%s", err, out)
		}
		for _, n := range page {
			cliIDs = append(cliIDs, n["id"].(string))
			if strings.HasPrefix(n["file"].(string), "pkg/") {
				t.Errorf("cli: %v in an excluded file", n)
			}
		}
		i := strings.Index(errs, "--cursor ")
		if i < 0 {
			break
		}
		cursor = strings.Fields(errs[i+len("--cursor "):])[0]
		if pages > 50 {
			t.Fatal("cli: pages never end")
		}
	}
	if len(cliIDs) < 3 {
		t.Fatalf("cli: %d nodes, want several pages", len(cliIDs))
	}

	var restIDs []string
	cursor = ""
	for {
		q := url.Values{"kind": {"function", "method"}, "path": {"!pkg/**"}, "limit": {"2"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		code, body := d.get(t, "/nodes", q)
		if code != 200 {
			t.Fatalf("rest: %d %v", code, body)
		}
		for _, n := range body["nodes"].([]any) {
			restIDs = append(restIDs, n.(map[string]any)["id"].(string))
		}
		if cursor, _ = body["next_cursor"].(string); cursor == "" {
			break
		}
	}

	var gqlIDs []string
	var after any
	for {
		data, errs := d.graphql(t, `query($a:String){nodes(filter:{nodeTypes:[FUNCTION,METHOD]},pagination:{first:2,after:$a}){edges{node{id filePath}} pageInfo{hasNextPage endCursor}}}`,
			map[string]any{"a": after})
		if len(errs) > 0 {
			t.Fatalf("graphql: %v", errs)
		}
		conn := data["nodes"].(map[string]any)
		for _, e := range conn["edges"].([]any) {
			n := e.(map[string]any)["node"].(map[string]any)
			if !strings.HasPrefix(n["filePath"].(string), "pkg/") { // GraphQL has no exclude filter
				gqlIDs = append(gqlIDs, n["id"].(string))
			}
		}
		pi := conn["pageInfo"].(map[string]any)
		if pi["hasNextPage"] != true {
			break
		}
		after = pi["endCursor"]
	}
	want := sorted(restIDs)
	if got := sorted(cliIDs); got != want {
		t.Errorf("cli gives %s, rest %s", got, want)
	}
	if got := sorted(gqlIDs); got != want {
		t.Errorf("graphql gives %s, rest %s", got, want)
	}
}
