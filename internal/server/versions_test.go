package server

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// GET /diff, GET and POST /versions over testdata/history's git
// repository.
func TestDiffAndVersionsRoutes(t *testing.T) {
	root := testrepo.GitHistory(t, filepath.Join("..", "..", "testdata", "history"))
	if _, err := index.Run(context.Background(), index.Options{Root: root, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	svc, err := service.New(service.Options{Repos: []service.RepoSpec{{Name: "h", Root: root}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := svc.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	_, ts := newTestServer(t, Options{Service: svc})

	code, _, body := call(t, ts, "GET", "/diff?from=v1&to=v2", "")
	if code != http.StatusOK {
		t.Fatalf("GET /diff: %d %s", code, body)
	}
	var d struct {
		From, To string
		Symbols  []struct{ Change, QualifiedName string }
		Calls    struct{ Added, Removed []struct{ Src, Dst string } }
		Impacted []struct {
			QualifiedName string `json:"qualified_name"`
			Via           string
		}
		Complete bool
		Tests    []string
	}
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Symbols) != 5 || len(d.Calls.Added) != 1 || len(d.Impacted) != 2 || !d.Complete || len(d.Tests) != 1 {
		t.Errorf("diff v1 v2: %s", body)
	}
	// The working tree (v2, indexed) against v1 is the same change.
	if code, _, body := call(t, ts, "GET", "/diff?from=v1", ""); code != http.StatusOK || decode(t, body)["to"] != "worktree" {
		t.Errorf("GET /diff?from=v1: %d %s", code, body)
	}
	if code, _, body := call(t, ts, "GET", "/diff?from=nosuch", ""); code != http.StatusBadRequest {
		t.Errorf("unknown revision: %d %s", code, body)
	}
	// A file changed since the index: 409, saying what to run.
	if err := os.WriteFile(filepath.Join(root, "app.go"), []byte("package main\n\nfunc wrap() int { return 0 }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, body := call(t, ts, "GET", "/diff", ""); code != http.StatusConflict {
		t.Errorf("stale index: %d %s", code, body)
	}

	code, _, body = call(t, ts, "POST", "/versions", `{"rev":"v1","tag":"first"}`)
	if code != http.StatusCreated && code != http.StatusOK { // /diff made it already
		t.Fatalf("POST /versions: %d %s", code, body)
	}
	if tags, _ := decode(t, body)["tags"].([]any); len(tags) != 1 || tags[0] != "first" {
		t.Errorf("POST /versions: %s", body)
	}
	if code, _, body := call(t, ts, "POST", "/versions", `{"tag":"x"}`); code != http.StatusBadRequest {
		t.Errorf("POST /versions without rev: %d %s", code, body)
	}
	code, _, body = call(t, ts, "GET", "/versions", "")
	var list struct {
		Versions []struct {
			Commit string
			Tags   []string
		}
	}
	if err := json.Unmarshal(body, &list); code != http.StatusOK || err != nil || len(list.Versions) != 2 {
		t.Errorf("GET /versions: %d %s", code, body)
	}
	code, _, body = call(t, ts, "DELETE", "/versions/first", "")
	if code != http.StatusOK || !strings.Contains(string(body), `"first"`) {
		t.Errorf("DELETE /versions/first: %d %s", code, body)
	}
	if code, _, body := call(t, ts, "DELETE", "/versions/first", ""); code != http.StatusNotFound {
		t.Errorf("second DELETE /versions/first: %d %s", code, body)
	}
	code, _, body = call(t, ts, "GET", "/versions", "")
	if err := json.Unmarshal(body, &list); code != http.StatusOK || err != nil || len(list.Versions) != 1 {
		t.Errorf("GET /versions after the delete: %d %s", code, body)
	}
}
