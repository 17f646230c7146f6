package mcp

import (
	"context"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// TestToolAccess walks every tool with each role: each declares an access
// level, and a caller below it is refused before anything runs (a
// read-only key started a forced re-index through the index tool).
func TestToolAccess(t *testing.T) {
	s, _, _ := sharedSession(t)
	ps := s.params()
	for _, tool := range s.tools {
		if tool.access == 0 {
			t.Errorf("%s declares no access level", tool.name)
		}
		if tool.readOnly != (tool.access == service.ReadOnly) {
			t.Errorf("%s: readOnly hint %v but access %s", tool.name, tool.readOnly, tool.access)
		}
		for _, role := range []service.Access{0, service.ReadOnly, service.ReadWrite, service.Admin} {
			if role >= tool.access && tool.name == "index" {
				continue // allowed: it would re-index (TestIndexTool covers it)
			}
			ctx := service.WithAccess(context.Background(), role)
			req := &mcp.CallToolRequest{Params: &mcp.CallToolParamsRaw{Name: tool.name, Arguments: []byte(`{"force":true}`)}}
			res := s.handle(ctx, tool, ps, req)
			text := ""
			for _, c := range res.Content {
				if tc, ok := c.(*mcp.TextContent); ok {
					text += tc.Text
				}
			}
			refused := res.IsError && strings.Contains(text, "forbidden")
			if refused != (role < tool.access) {
				t.Errorf("%s as %s: refused=%v (%s)", tool.name, role, refused, text)
			}
		}
	}
	if tools := map[string]service.Access{}; true {
		for _, tool := range s.tools {
			tools[tool.name] = tool.access
		}
		if tools["index"] != service.ReadWrite {
			t.Errorf("index needs %s, want write", tools["index"])
		}
	}
}
