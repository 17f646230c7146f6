package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// malformedCase is one line of internal/mcp/testdata/malformed.json (see
// the stdio transport's own test there for the meaning of its fields).
type malformedCase struct {
	Name     string   `json:"name"`
	Line     string   `json:"line"`
	Reply    string   `json:"reply"`
	Code     int64    `json:"code"`
	ID       string   `json:"id"`
	BatchIDs []string `json:"batch_ids"`
}

// TestStdioMalformedLines runs the codegraph binary's `mcp` as a client
// would, sends it every malformed line of the shared fixture (and a 20 MB
// line), each followed by a ping, and checks that each gets its JSON-RPC
// reply (ids byte for byte), that the ping is answered, and that the
// process exits 0 only when its input ends.
func TestStdioMalformedLines(t *testing.T) {
	needBinary(t)
	b, err := os.ReadFile(filepath.Join("..", "testdata", "malformed.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []malformedCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	cases = append(cases, malformedCase{Name: "line-of-20MB", Line: `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"` + strings.Repeat("x", 20<<20) + `"}}`,
		Reply: "error", Code: -32700, ID: "null"})

	cmd := exec.Command(binary, "mcp", "--no-index")
	cmd.Dir = fixture(t)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-exited })
	replies := make(chan []byte, 16)
	go func() {
		br := bufio.NewReader(stdout)
		for {
			line, err := br.ReadBytes('\n')
			if err != nil {
				close(replies)
				return
			}
			replies <- line
		}
	}()
	send := func(line string) {
		t.Helper()
		if _, err := io.WriteString(stdin, line+"\n"); err != nil {
			t.Fatalf("write to codegraph mcp: %v (stderr: %s)", err, stderr.String())
		}
	}
	next := func() map[string]json.RawMessage {
		t.Helper()
		select {
		case b, ok := <-replies:
			if !ok {
				<-exited
				t.Fatalf("codegraph mcp closed its stdout: %v (stderr: %s)", waitErr, stderr.String())
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(b, &m); err != nil {
				var arr []json.RawMessage
				if json.Unmarshal(b, &arr) != nil {
					t.Fatalf("stdout line is not JSON: %q", b)
				}
				return map[string]json.RawMessage{"batch": b}
			}
			return m
		case <-time.After(30 * time.Second):
			t.Fatalf("no reply within 30s (stderr: %s)", stderr.String())
		}
		return nil
	}
	code := func(m map[string]json.RawMessage) int64 {
		var e struct{ Code int64 }
		json.Unmarshal(m["error"], &e)
		return e.Code
	}

	send(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}`)
	if r := next(); r["result"] == nil {
		t.Fatalf("initialize: %v", r)
	}
	send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	for _, tc := range cases {
		after := fmt.Sprintf(`"after-%s"`, tc.Name)
		send(tc.Line)
		send(`{"jsonrpc":"2.0","id":` + after + `,"method":"ping"}`)
		var got []map[string]json.RawMessage
		want := 1
		if tc.Reply == "none" {
			want = 0
		}
		for sawAfter := false; !sawAfter || len(got) < want; {
			r := next()
			if string(r["id"]) == after && r["result"] != nil {
				sawAfter = true
				continue
			}
			got = append(got, r)
		}
		if len(got) != want {
			t.Errorf("%s: %d replies, want %d", tc.Name, len(got), want)
			continue
		}
		if want == 0 {
			continue
		}
		r := got[0]
		switch tc.Reply {
		case "batch":
			var arr []map[string]json.RawMessage
			json.Unmarshal(r["batch"], &arr)
			if len(arr) != len(tc.BatchIDs) {
				t.Errorf("%s: %d batch replies, want %d", tc.Name, len(arr), len(tc.BatchIDs))
				continue
			}
			for i, e := range arr {
				if string(e["id"]) != tc.BatchIDs[i] || code(e) != tc.Code {
					t.Errorf("%s: batch reply %d: id %s code %d, want %s %d", tc.Name, i, e["id"], code(e), tc.BatchIDs[i], tc.Code)
				}
			}
		case "result":
			if string(r["id"]) != tc.ID || r["result"] == nil {
				t.Errorf("%s: reply id %s (result %s), want id %s and a result", tc.Name, r["id"], r["result"], tc.ID)
			}
		case "error":
			if string(r["id"]) != tc.ID || code(r) != tc.Code {
				t.Errorf("%s: reply id %s code %d, want id %s code %d", tc.Name, r["id"], code(r), tc.ID, tc.Code)
			}
		}
	}
	send(`{"jsonrpc":"2.0","id":"last","method":"tools/list"}`)
	if r := next(); string(r["id"]) != `"last"` || r["result"] == nil {
		t.Fatalf("tools/list after the malformed lines: %v", r)
	}
	stdin.Close()
	select {
	case <-exited:
		if waitErr != nil {
			t.Errorf("codegraph mcp: %v (stderr: %s)", waitErr, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Error("codegraph mcp did not exit when its input ended")
	}
}
