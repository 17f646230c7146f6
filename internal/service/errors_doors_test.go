package service_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// TestDoorsErrors runs the same failing requests through every front door
// (CLI, REST, GraphQL, MCP) and checks that each answers with the same
// category of the service's taxonomy, in its own form: the CLI's exit
// status, REST's status and error code, GraphQL's "code" and "status"
// extensions, and the category leading an MCP tool error. A door without
// the operation is left out of the case (its field is empty).
func TestDoorsErrors(t *testing.T) {
	d := fixtureDoors(t)
	type restCall struct{ method, path, body string }
	cases := []struct {
		name    string
		want    service.Code
		cli     []string
		rest    restCall
		graphql string
		mcp     string
		mcpArgs map[string]any
		// Each door's message holds this (the taxonomy's details agree).
		msg string
	}{
		{name: "bad regex", want: service.CodeBadRegex,
			cli:     []string{"search", "--mode", "regex", "(unclosed"},
			rest:    restCall{"GET", "/search?mode=regex&q=(unclosed", ""},
			graphql: `{search(query:"(unclosed",options:{mode:REGEX}){total}}`,
			mcp:     "search_code", mcpArgs: map[string]any{"query": "(unclosed", "mode": "regex"},
			msg: "missing closing )"},
		{name: "bad cursor", want: service.CodeInvalid,
			cli:     []string{"symbols", "--cursor", "zzz"},
			rest:    restCall{"GET", "/nodes?cursor=zzz", ""},
			graphql: `{nodes(pagination:{after:"zzz"}){pageInfo{hasNextPage}}}`,
			mcp:     "get_callers", mcpArgs: map[string]any{"symbol": "Store.Get", "cursor": "zzz"},
			msg: "cursor"},
		{name: "unknown language", want: service.CodeInvalid,
			cli:     []string{"symbols", "--lang", "klingon"},
			rest:    restCall{"GET", "/nodes?lang=klingon", ""},
			graphql: `{nodes(filter:{language:"klingon"}){pageInfo{hasNextPage}}}`,
			msg:     "klingon"},
		{name: "symbol not found", want: service.CodeNotFound,
			cli:  []string{"callers", "NoSuchSymbolAnywhere"},
			rest: restCall{"GET", "/graph/callers?symbol=NoSuchSymbolAnywhere", ""},
			mcp:  "get_callers", mcpArgs: map[string]any{"symbol": "NoSuchSymbolAnywhere"},
			msg: "NoSuchSymbolAnywhere"},
		{name: "ambiguous symbol", want: service.CodeAmbiguous,
			cli:  []string{"callers", "add"},
			rest: restCall{"GET", "/graph/callers?symbol=add", ""},
			mcp:  "get_callers", mcpArgs: map[string]any{"symbol": "add"},
			msg: "add"},
		{name: "unknown repository", want: service.CodeNotFound,
			rest:    restCall{"GET", "/nodes?repo=nope", ""},
			graphql: `{nodes(repo:"nope"){pageInfo{hasNextPage}}}`,
			msg:     "nope"},
		{name: "secret file", want: service.CodeForbidden,
			rest:    restCall{"POST", "/parse", `{"path":".env"}`},
			graphql: `mutation{parseFile(input:{path:".env",language:"python"}){path}}`,
			msg:     ".env"},
		{name: "path out of the root", want: service.CodeInvalid,
			rest:    restCall{"POST", "/parse", `{"path":"../outside.go"}`},
			graphql: `mutation{parseFile(input:{path:"../outside.go"}){path}}`,
			mcp:     "read_code", mcpArgs: map[string]any{"path": "../outside.go"},
			msg: "outside.go"},
		{name: "unknown parse language", want: service.CodeInvalid,
			rest:    restCall{"POST", "/parse", `{"content":"x","language":"klingon"}`},
			graphql: `mutation{parseFile(input:{path:"a.txt",content:"x",language:"klingon"}){path}}`,
			msg:     "klingon"},
		{name: "depth out of range", want: service.CodeInvalid,
			cli:  []string{"callers", "--depth", "99", "Store.Get"},
			rest: restCall{"GET", "/graph/callers?symbol=Store.Get&depth=99", ""},
			mcp:  "get_callers", mcpArgs: map[string]any{"symbol": "Store.Get", "depth": 99},
			msg: "depth"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.cli != nil {
				out, errs, code := d.cli(t, tc.cli...)
				if code != tc.want.ExitCode() {
					t.Errorf("cli %v: exit %d, want %d (%s)\n%s%s", tc.cli, code, tc.want.ExitCode(), tc.want, out, errs)
				}
				if !strings.Contains(errs, tc.msg) {
					t.Errorf("cli %v: %q lacks %q", tc.cli, errs, tc.msg)
				}
			}
			if tc.rest.path != "" {
				req, err := http.NewRequest(tc.rest.method, d.rest.URL+tc.rest.path, strings.NewReader(tc.rest.body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				var body struct {
					Error struct{ Code, Message string }
				}
				_ = json.Unmarshal(b, &body)
				if resp.StatusCode != tc.want.HTTPStatus() || body.Error.Code != tc.want.String() {
					t.Errorf("rest %s %s: %d %s, want %d %s", tc.rest.method, tc.rest.path, resp.StatusCode, b, tc.want.HTTPStatus(), tc.want)
				}
				if !strings.Contains(body.Error.Message, tc.msg) {
					t.Errorf("rest %s: %q lacks %q", tc.rest.path, body.Error.Message, tc.msg)
				}
			}
			if tc.graphql != "" {
				_, errs := d.graphql(t, tc.graphql, nil)
				if len(errs) == 0 {
					t.Fatalf("graphql %s: no error", tc.graphql)
				}
				ext, _ := errs[0]["extensions"].(map[string]any)
				if ext["code"] != tc.want.GraphQLCode() || ext["status"] != float64(tc.want.HTTPStatus()) {
					t.Errorf("graphql %s: %v, want code %s status %d", tc.graphql, errs[0], tc.want.GraphQLCode(), tc.want.HTTPStatus())
				}
				if msg, _ := errs[0]["message"].(string); !strings.Contains(msg, tc.msg) {
					t.Errorf("graphql %s: %q lacks %q", tc.graphql, msg, tc.msg)
				}
			}
			if tc.mcp != "" {
				_, text, isErr := d.tool(t, tc.mcp, tc.mcpArgs)
				prefix := strings.ReplaceAll(tc.want.String(), "_", " ") + ": "
				if !isErr || !strings.HasPrefix(text, prefix) {
					t.Errorf("mcp %s %v: error %v %q, want it to start with %q", tc.mcp, tc.mcpArgs, isErr, text, prefix)
				}
				if !strings.Contains(text, tc.msg) {
					t.Errorf("mcp %s: %q lacks %q", tc.mcp, text, tc.msg)
				}
			}
		})
	}
}
