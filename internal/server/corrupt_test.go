package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadyReportsDamage damages a search index file under a running
// server: /health/ready answers 503 naming the file and `codegraph index
// --rebuild`, and a search that reads it is 503 with the same reason.
func TestReadyReportsDamage(t *testing.T) {
	svc, root := fixtureService(t)
	_, ts := newTestServer(t, Options{Service: svc})
	if status, _, body := call(t, ts, "GET", "/health/ready", ""); status != 200 {
		t.Fatalf("ready before the damage: %d %s", status, body)
	}
	lex, _ := filepath.Glob(filepath.Join(root, ".codegraph", "search", "lexical", "base-*.lex"))
	if len(lex) != 1 {
		t.Fatalf("lexical base files: %v", lex)
	}
	if err := os.Truncate(lex[0], 100); err != nil {
		t.Fatal(err)
	}
	status, _, body := call(t, ts, "GET", "/health/ready", "")
	if status != 503 || !strings.Contains(string(body), `"not_ready"`) || !strings.Contains(string(body), `"search":"damaged"`) ||
		!strings.Contains(string(body), filepath.Base(lex[0])) || !strings.Contains(string(body), "codegraph index --rebuild") {
		t.Fatalf("ready after the damage: %d %s", status, body)
	}
	status, _, body = call(t, ts, "GET", "/search?q=config&mode=lexical", "")
	if status != 503 || !strings.Contains(string(body), filepath.Base(lex[0])) || !strings.Contains(string(body), "--rebuild") {
		t.Errorf("search over the damaged index: %d %s", status, body)
	}
}
