package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// TestMCPStdio speaks JSON-RPC to `codegraph mcp --db` over its stdin and
// stdout: initialize, list the tools, call one.
func TestMCPStdio(t *testing.T) {
	repo := indexedRepo(t)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan int, 1)
	var stderr strings.Builder
	go func() {
		done <- Main(ctx, []string{"mcp", "--db", repo + "/.codegraph", "--no-index"}, inR, outW, &stderr)
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	lines.Buffer(nil, 1<<20)
	send := func(msg string) map[string]any {
		t.Helper()
		if _, err := io.WriteString(inW, msg+"\n"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(msg, `"id"`) {
			return nil
		}
		for lines.Scan() {
			var m map[string]any
			if err := json.Unmarshal(lines.Bytes(), &m); err != nil {
				t.Fatalf("stdout is not JSON-RPC: %q", lines.Text())
			}
			if m["id"] != nil {
				return m
			}
		}
		t.Fatalf("no answer to %s (stderr: %s)", msg, stderr.String())
		return nil
	}
	init := send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}`)
	if res, _ := init["result"].(map[string]any); res == nil || !strings.Contains(res["instructions"].(string), "impact_analysis") {
		t.Fatalf("initialize: %v", init)
	}
	send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	list := send(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	if tools := list["result"].(map[string]any)["tools"].([]any); len(tools) != 16 { // detect_changes is the 16th
		t.Errorf("tools/list: %d tools", len(tools))
	}
	call := send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_callers","arguments":{"symbol":"Store.Get"}}}`)
	b, _ := json.Marshal(call)
	if !strings.Contains(string(b), "Server.ServeHTTP") {
		t.Errorf("get_callers: %s", b)
	}
	inW.Close()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d: %s", code, stderr.String())
		}
	case <-ctx.Done():
		t.Fatal("codegraph mcp did not exit when stdin closed")
	}
}

func TestMCPFlags(t *testing.T) {
	wd, _ := os.Getwd()
	for _, args := range [][]string{
		{"mcp", "--repo", "noequals"},
		{"mcp", "--repo", "=path"},
		{"mcp", "--repo", "a=" + wd, "--db", "x"},
	} {
		_, errs, code := run(t, args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errs)
		}
	}
	_, errs, code := run(t, "mcp", "--repo", "a="+wd, "--repo", "a="+wd)
	if code == 0 || !strings.Contains(errs, "given twice") {
		t.Errorf("duplicate repo name: exit %d: %s", code, errs)
	}
}
