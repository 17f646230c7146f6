package mcp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdkmcp "github.com/modelcontextprotocol/go-sdk/mcp"
)

// stdioCase is one line of testdata/malformed.json: a line a client may
// send and the reply it must get ("error" with code and raw id, "batch"
// with the raw ids of its errors, "result" with the raw id, or "none").
type stdioCase struct {
	Name     string   `json:"name"`
	Line     string   `json:"line"`
	Reply    string   `json:"reply"`
	Code     int64    `json:"code"`
	ID       string   `json:"id"`
	BatchIDs []string `json:"batch_ids"`
}

func loadStdioCases(t *testing.T) []stdioCase {
	t.Helper()
	b, err := os.ReadFile("testdata/malformed.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []stdioCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

// stdioPeer is a client of a server over StdioTransport on pipes.
type stdioPeer struct {
	t       *testing.T
	in      *io.PipeWriter
	replies chan []byte
	done    chan error
}

// serveStdio runs a server over a StdioTransport on pipes (maxLine 0:
// the default limit) and returns its client end, initialized.
func serveStdio(t *testing.T, maxLine int) *stdioPeer {
	t.Helper()
	s, err := New(Options{Repos: []RepoSpec{{Root: t.TempDir()}}})
	if err != nil {
		t.Fatal(err)
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	p := &stdioPeer{t: t, in: inW, replies: make(chan []byte, 16), done: make(chan error, 1)}
	go func() {
		p.done <- s.Run(ctx, &StdioTransport{Reader: inR, Writer: outW, MaxLineBytes: maxLine})
		outW.Close()
	}()
	go func() {
		br := bufio.NewReader(outR)
		for {
			line, err := br.ReadBytes('\n')
			if err != nil {
				close(p.replies)
				return
			}
			p.replies <- line
		}
	}()
	t.Cleanup(func() {
		inW.Close()
		cancel()
		s.Close()
	})
	init := p.call(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}`)
	if _, ok := init["result"]; !ok {
		t.Fatalf("initialize: %s", mustJSON(init))
	}
	p.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	return p
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func (p *stdioPeer) send(line string) {
	p.t.Helper()
	if _, err := io.WriteString(p.in, line+"\n"); err != nil {
		p.t.Fatalf("write: %v", err)
	}
}

// next returns the next reply line.
func (p *stdioPeer) next() []byte {
	p.t.Helper()
	select {
	case b, ok := <-p.replies:
		if !ok {
			p.t.Fatalf("the server closed stdout (ended with %v)", <-p.done)
		}
		return b
	case <-time.After(20 * time.Second):
		p.t.Fatal("no reply within 20s")
	}
	return nil
}

func (p *stdioPeer) call(line string) map[string]json.RawMessage {
	p.t.Helper()
	p.send(line)
	var m map[string]json.RawMessage
	b := p.next()
	if err := json.Unmarshal(b, &m); err != nil {
		p.t.Fatalf("reply %q: %v", b, err)
	}
	return m
}

// errorCode returns the code of a reply's error (0 when it has none).
func errorCode(m map[string]json.RawMessage) int64 {
	var e struct{ Code int64 }
	if raw, ok := m["error"]; ok && json.Unmarshal(raw, &e) == nil {
		return e.Code
	}
	return 0
}

// runStdioCase sends tc's line, then a ping, and checks both replies:
// the line's as the case says, and the ping's (the session goes on).
func runStdioCase(t *testing.T, p *stdioPeer, tc stdioCase) {
	t.Helper()
	after := fmt.Sprintf(`"after-%s"`, tc.Name)
	p.send(tc.Line)
	p.send(`{"jsonrpc":"2.0","id":` + after + `,"method":"ping"}`)
	var got [][]byte
	sawAfter := false
	want := 1
	if tc.Reply == "none" {
		want = 0
	}
	for !sawAfter || len(got) < want {
		b := p.next()
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) == nil && string(m["id"]) == after {
			if _, ok := m["result"]; !ok {
				t.Fatalf("%s: the ping after it failed: %s", tc.Name, b)
			}
			sawAfter = true
			continue
		}
		got = append(got, b)
	}
	if len(got) != want {
		t.Fatalf("%s: %d replies, want %d: %q", tc.Name, len(got), want, got)
	}
	if want == 0 {
		return
	}
	reply := got[0]
	if tc.Reply == "batch" {
		var arr []map[string]json.RawMessage
		if err := json.Unmarshal(reply, &arr); err != nil {
			t.Fatalf("%s: want an array of errors, got %s", tc.Name, reply)
		}
		if len(arr) != len(tc.BatchIDs) {
			t.Fatalf("%s: %d errors, want %d: %s", tc.Name, len(arr), len(tc.BatchIDs), reply)
		}
		for i, m := range arr {
			if string(m["id"]) != tc.BatchIDs[i] || errorCode(m) != tc.Code || string(m["jsonrpc"]) != `"2.0"` {
				t.Errorf("%s: batch reply %d is %s, want code %d id %s", tc.Name, i, mustJSON(m), tc.Code, tc.BatchIDs[i])
			}
		}
		return
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(reply, &m); err != nil {
		t.Fatalf("%s: reply is not JSON: %q", tc.Name, reply)
	}
	if string(m["jsonrpc"]) != `"2.0"` {
		t.Errorf("%s: reply without jsonrpc 2.0: %s", tc.Name, reply)
	}
	if id, ok := m["id"]; !ok || string(id) != tc.ID {
		t.Errorf("%s: reply id %s, want %s (byte for byte): %s", tc.Name, id, tc.ID, reply)
	}
	switch tc.Reply {
	case "result":
		if _, ok := m["result"]; !ok {
			t.Errorf("%s: want a result, got %s", tc.Name, reply)
		}
	case "error":
		if code := errorCode(m); code != tc.Code {
			t.Errorf("%s: error code %d, want %d: %s", tc.Name, code, tc.Code, reply)
		}
	default:
		t.Fatalf("%s: unknown reply kind %q", tc.Name, tc.Reply)
	}
}

// TestStdioMalformed sends every line of testdata/malformed.json, each
// followed by a ping, to one session: each gets its JSON-RPC reply and
// the session serves on.
func TestStdioMalformed(t *testing.T) {
	p := serveStdio(t, 0)
	cases := loadStdioCases(t)
	cases = append(cases,
		stdioCase{Name: "nested-100000-deep", Line: strings.Repeat("[", 100000) + strings.Repeat("]", 100000), Reply: "error", Code: -32700, ID: "null"},
		stdioCase{Name: "line-of-20MB", Line: `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"` + strings.Repeat("x", 20<<20) + `"}}`, Reply: "error", Code: -32700, ID: "null"},
	)
	for _, tc := range cases {
		runStdioCase(t, p, tc)
	}
	if r := p.call(`{"jsonrpc":"2.0","id":"last","method":"tools/list"}`); string(r["id"]) != `"last"` || r["result"] == nil {
		t.Fatalf("tools/list at the end: %s", mustJSON(r))
	}
	p.in.Close()
	select {
	case err := <-p.done:
		if err != nil && !errors.Is(err, io.EOF) {
			t.Errorf("the session ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("the session did not end at the end of input")
	}
}

// TestStdioLineLimit: a line of exactly the limit is read, one byte more
// is answered with an error naming the limit, and the next line is read.
func TestStdioLineLimit(t *testing.T) {
	const limit = 4096
	p := serveStdio(t, limit)
	msg := func(n int) string {
		head := `{"jsonrpc":"2.0","id":"n","method":"ping","params":{"pad":"`
		tail := `"}}`
		return head + strings.Repeat("p", n-len(head)-len(tail)) + tail
	}
	if r := p.call(msg(limit)); r["result"] == nil || string(r["id"]) != `"n"` {
		t.Fatalf("a line of %d bytes: %s", limit, mustJSON(r))
	}
	r := p.call(msg(limit + 1))
	if errorCode(r) != -32700 || !strings.Contains(string(r["error"]), "4096") {
		t.Fatalf("a line of %d bytes: %s", limit+1, mustJSON(r))
	}
	if r := p.call(`{"jsonrpc":"2.0","id":2,"method":"ping"}`); r["result"] == nil {
		t.Fatalf("ping after an over-long line: %s", mustJSON(r))
	}
	// The last line may lack its newline.
	if _, err := io.WriteString(p.in, `{"jsonrpc":"2.0","id":3,"method":"ping"}`); err != nil {
		t.Fatal(err)
	}
	p.in.Close()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(p.next(), &m); err != nil || string(m["id"]) != "3" {
		t.Fatalf("reply to a last line without newline: %v %s", err, mustJSON(m))
	}
}

// TestStdioCancelMapsID: a notifications/cancelled naming a client's id
// reaches the SDK with the id the transport gave that request; one naming
// no request in flight is dropped (it would cancel another request).
func TestStdioCancelMapsID(t *testing.T) {
	c := newTestConn(io.Discard)
	c.register(json.RawMessage(`"first"`))
	id := c.register(json.RawMessage(`7.9`))
	msg, reply := c.decode(rawLine{data: []byte(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7.9,"reason":"x"}}`)})
	if reply != nil {
		t.Fatalf("reply to a cancellation: %s", reply)
	}
	var params struct{ RequestID json.RawMessage }
	if err := json.Unmarshal(requestParams(t, msg), &params); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprint(id.Raw()); string(params.RequestID) != want {
		t.Errorf("cancelled requestId %s, want %s", params.RequestID, want)
	}
	msg, reply = c.decode(rawLine{data: []byte(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}`)})
	if msg != nil || reply != nil {
		t.Errorf("a cancellation of no request in flight went through: %v %s", msg, reply)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// requestParams returns the params of msg, which must be a request.
func requestParams(t *testing.T, msg jsonrpc.Message) json.RawMessage {
	t.Helper()
	req, ok := msg.(*jsonrpc.Request)
	if !ok {
		t.Fatalf("want a request, got %T", msg)
	}
	return req.Params
}

// newTestConn returns a connection writing to w, with no reader.
func newTestConn(w io.Writer) *stdioConn {
	return &stdioConn{w: w, max: 1 << 20, log: discardLogger(), pending: map[int64]pendingID{}, byRaw: map[string]int64{},
		tokens: map[string]string{}, answered: make(chan struct{}, 1)}
}

// TestStdioProgressToken: a numeric progress token the SDK would alter
// (it keeps tokens as float64) comes back as sent in the progress
// notifications; exact ones and strings are passed through untouched.
func TestStdioProgressToken(t *testing.T) {
	var out strings.Builder
	c := newTestConn(&out)
	ctx := context.Background()
	for _, tok := range []string{`1e20`, `7.9`, `12345678901234567890`, `42`, `"abc"`} {
		out.Reset()
		line := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"index","_meta":{"progressToken":` + tok + `}}}`
		msg, reply := c.decode(rawLine{data: []byte(line)})
		if reply != nil {
			t.Fatalf("%s: %s", tok, reply)
		}
		req := msg.(*jsonrpc.Request)
		var p struct {
			Meta struct {
				ProgressToken any `json:"progressToken"`
			} `json:"_meta"`
		}
		if err := json.Unmarshal(req.Params, &p); err != nil {
			t.Fatal(err)
		}
		// What the SDK's handlers would send back: the token as they hold it.
		note, err := jsonrpc.EncodeMessage(&jsonrpc.Request{Method: "notifications/progress",
			Params: json.RawMessage(`{"progressToken":` + mustJSON(p.Meta.ProgressToken) + `,"progress":1}`)})
		if err != nil {
			t.Fatal(err)
		}
		sent, err := jsonrpc.DecodeMessage(note)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Write(ctx, sent); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Params struct {
				ProgressToken json.RawMessage `json:"progressToken"`
			} `json:"params"`
		}
		if err := json.Unmarshal([]byte(out.String()), &got); err != nil || string(got.Params.ProgressToken) != tok {
			t.Errorf("token %s: progress notification %s (%v)", tok, out.String(), err)
		}
		resp := &jsonrpc.Response{ID: req.ID, Result: json.RawMessage(`{}`)}
		if err := c.Write(ctx, resp); err != nil {
			t.Fatal(err)
		}
		if len(c.tokens) != 0 || len(c.pending) != 0 {
			t.Errorf("token %s: state left after the response: %v %v", tok, c.tokens, c.pending)
		}
	}
}

// BenchmarkStdioTransport measures one tools/list round trip (a 10 KB
// reply) through this transport and through the SDK's IOTransport, to
// show what validating each line and restoring ids costs.
func BenchmarkStdioTransport(b *testing.B) {
	for _, name := range []string{"codegraph", "sdk"} {
		b.Run(name, func(b *testing.B) {
			s, err := New(Options{Repos: []RepoSpec{{Root: b.TempDir()}}})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			inR, inW := io.Pipe()
			outR, outW := io.Pipe()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var t sdkTransport = &StdioTransport{Reader: inR, Writer: outW}
			if name == "sdk" {
				t = &sdkmcp.IOTransport{Reader: inR, Writer: outW}
			}
			go func() { s.Run(ctx, t); outW.Close() }()
			br := bufio.NewReaderSize(outR, 1<<20)
			roundTrip := func(line string) int {
				if _, err := io.WriteString(inW, line+"\n"); err != nil {
					b.Fatal(err)
				}
				reply, err := br.ReadBytes('\n')
				if err != nil {
					b.Fatal(err)
				}
				return len(reply)
			}
			roundTrip(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}`)
			io.WriteString(inW, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n")
			n := 0
			b.ResetTimer()
			for i := range b.N {
				n = roundTrip(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/list"}`, i+1))
			}
			b.StopTimer()
			b.ReportMetric(float64(n), "reply-bytes")
			inW.Close()
		})
	}
}

// sdkTransport is what both transports are to the SDK.
type sdkTransport = sdkmcp.Transport
