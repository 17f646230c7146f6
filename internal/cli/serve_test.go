package cli

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestServeRefusesOpenNetwork: a non-loopback address without keys is
// refused unless --insecure.
func TestServeRefusesOpenNetwork(t *testing.T) {
	t.Setenv("CODEGRAPH_API_KEYS", "")
	repo := indexedRepo(t)
	var stderr strings.Builder
	code := Main(context.Background(), []string{"serve", "--db", repo + "/.codegraph", "--addr", "0.0.0.0:0"}, strings.NewReader(""), io.Discard, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "without API keys") {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	code = Main(context.Background(), []string{"serve", "--db", repo + "/.codegraph", "--config", "/nonexistent.json"}, strings.NewReader(""), io.Discard, &stderr)
	if code != 2 {
		t.Fatalf("missing config: exit %d", code)
	}
}

// TestServeGracefulShutdown: a request in flight when the server is told
// to stop still gets its answer, and the server then returns cleanly.
func TestServeGracefulShutdown(t *testing.T) {
	started := make(chan struct{})
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "finished")
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveUntilSignal(ctx, hs, ln, discardLogger(), defaultShutdownGrace, nil) }()
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- string(b)
	}()
	<-started
	cancel() // as SIGTERM would
	if body := <-got; body != "finished" {
		t.Fatalf("in-flight request got %q", body)
	}
	if err := <-done; err != nil {
		t.Fatalf("serve returned %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/"); err == nil {
		t.Fatal("server still accepts connections after shutdown")
	}
}

// TestServeEndpoints runs `codegraph serve` in process on a loopback port
// and calls REST and MCP through it.
func TestServeEndpoints(t *testing.T) {
	t.Setenv("CODEGRAPH_API_KEYS", "test-key-123456:ro")
	repo := indexedRepo(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stderr syncBuffer
	go func() {
		done <- Main(ctx, []string{"serve", "--db", repo + "/.codegraph", "--addr", addr, "--no-index", "-q"}, strings.NewReader(""), io.Discard, &stderr)
	}()
	get := func(path, key string) (int, string) {
		req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
		if key != "" {
			req.Header.Set("X-API-Key", key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if code, _ := get("/health/ready", ""); code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready after 30 s: %s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code, body := get("/graph/callers?symbol=Store.Get", "test-key-123456"); code != 200 || !strings.Contains(body, "ServeHTTP") {
		t.Fatalf("callers: %d %s", code, body)
	}
	if code, _ := get("/graph/callers?symbol=Store.Get", ""); code != 401 {
		t.Fatalf("no key: %d", code)
	}
	// GraphiQL's page and files need no key (they hold no data; its user
	// enters the key in the page's headers editor); /graphql does.
	code, page := get("/graphiql", "")
	if code != 200 || !strings.Contains(page, "/graphiql/assets/graphiql-") {
		t.Fatalf("/graphiql without a key: %d %.300s", code, page)
	}
	if code, body := get("/graphiql/assets/react-18.2.0.production.min.js", ""); code != 200 || len(body) < 1000 {
		t.Fatalf("GraphiQL's react without a key: %d, %d bytes", code, len(body))
	}
	if code, _ := get("/graphql?query=%7B__typename%7D", ""); code != 401 {
		t.Fatalf("/graphql without a key: %d", code)
	}
	// So do the dashboard's page and files (the page asks for the key);
	// its data does not, and / is the page only.
	if code, page := get("/", ""); code != 200 || !strings.Contains(page, "/dashboard/assets/app.js?v=") {
		t.Fatalf("the dashboard without a key: %d %.300s", code, page)
	}
	if code, body := get("/dashboard/assets/style.css", ""); code != 200 || !strings.Contains(body, "--fg") {
		t.Fatalf("the dashboard's style sheet without a key: %d %.100s", code, body)
	}
	if code, _ := get("/graph/map", ""); code != 401 {
		t.Fatalf("/graph/map without a key: %d", code)
	}
	if code, body := get("/no/such/route", "test-key-123456"); code != 404 || !strings.Contains(body, "no route") {
		t.Fatalf("an unknown path: %d %s", code, body)
	}
	req, _ := http.NewRequest("POST", "http://"+addr+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer test-key-123456")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "codegraph") || resp.Header.Get("Mcp-Session-Id") == "" {
		t.Fatalf("mcp initialize: %d %v %s", resp.StatusCode, resp.Header, b)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// syncBuffer is a strings.Builder safe for a writer and a reader in
// different goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
