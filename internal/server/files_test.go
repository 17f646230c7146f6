package server

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// plantSecrets adds to an indexed repository what an attacker would try
// to read through the parse doors: a secret, links to it and out of the
// root, and a FIFO (which blocked a reader forever).
func plantSecrets(t *testing.T, root string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(root, ".env"), []byte("AWS_SECRET=hunter2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "x.go"), []byte("package hunter2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, dest := range map[string]string{"leak.py": ".env", "out.go": filepath.Join(outside, "x.go"), "outrel.go": "../../../../../../../../" + filepath.Join(outside, "x.go")} {
		if err := os.Symlink(dest, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(root, "fifo.go"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestParseFilePolicy: POST /parse refuses secrets (also through a
// link), paths and links out of the root, and FIFOs, without blocking.
func TestParseFilePolicy(t *testing.T) {
	svc, root := fixtureService(t)
	plantSecrets(t, root)
	_, ts := newTestServer(t, Options{Service: svc})
	for _, tc := range []struct {
		path   string
		status int
		code   string
	}{
		{".env", 403, codeForbidden},
		{"leak.py", 403, codeForbidden},
		{"out.go", 403, codeForbidden},
		{"outrel.go", 403, codeForbidden},
		{"../etc/passwd", 400, codeBadRequest},
		{"fifo.go", 400, codeBadRequest},
	} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			status, _, body := call(t, ts, "POST", "/parse", `{"path":"`+tc.path+`"}`)
			if status != tc.status || !strings.Contains(string(body), tc.code) || strings.Contains(string(body), "hunter2") {
				t.Errorf("%s: %d %s, want %d %s", tc.path, status, body, tc.status, tc.code)
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no answer in 10 s", tc.path)
		}
	}
}

// TestParseBounds: /parse refuses a snippet larger than the input bound
// and an answer with more nodes than the output bound, with a clear
// error instead of a response hundreds of times the input.
func TestParseBounds(t *testing.T) {
	// The node bomb takes seconds to extract under -race; a loaded
	// machine must not turn the refusal this test wants into a timeout.
	_, root := sharedService(t)
	svc, err := service.New(service.Options{Repos: []service.RepoSpec{{Name: "fixture", Root: root}}, ParseTimeout: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	_, ts := newTestServer(t, Options{MaxBodyBytes: 64 << 20, Service: svc})
	big := strings.Repeat("x", 2<<20)
	status, _, body := call(t, ts, "POST", "/parse", `{"content":"`+big+`","language":"python"}`)
	if status != 413 || !strings.Contains(string(body), "smaller part") {
		t.Errorf("2 MiB snippet: %d %.200s", status, body)
	}
	// ~320 KB of one-line functions: within the input bound, more nodes
	// and edges than an answer holds.
	var b strings.Builder
	for i := 0; b.Len() < 320<<10; i++ {
		b.WriteString("def f")
		b.WriteString(strings.Repeat("a", i%7))
		b.WriteString("(): g()\\n")
	}
	status, _, body = call(t, ts, "POST", "/parse", `{"content":"`+b.String()+`","language":"python"}`)
	if status != 413 || !strings.Contains(string(body), "nodes and edges") {
		t.Errorf("node bomb: %d %.200s", status, body)
	}
}
