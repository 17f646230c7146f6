package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/service"
)

func TestNodeSourceRoute(t *testing.T) {
	_, ts := sharedTestServer(t, Options{Keys: []Key{{Name: "ro", Key: "read-only-key-1", Scope: "ro"}}})
	auth := []string{"X-API-Key", "read-only-key-1"}
	id := nodeIDByName(t, ts, "Get", "pkg/store/store.go", auth...)
	code, _, body := call(t, ts, "GET", "/nodes/"+id+"/source", "", auth...)
	if code != http.StatusOK {
		t.Fatalf("GET /nodes/%s/source: %d %s", id, code, body)
	}
	var src service.SymbolSource
	if err := json.Unmarshal(body, &src); err != nil {
		t.Fatal(err)
	}
	if src.File != "pkg/store/store.go" || src.Line != 24 || src.EndLine != 30 || len(src.Lines) != 7 ||
		!strings.HasPrefix(src.Lines[0], "func (s *Store) Get(") {
		t.Errorf("source of Store.Get: %+v", src)
	}
	for _, c := range []struct {
		path string
		code int
		hdr  []string
	}{
		{"/nodes/" + id + "/source", http.StatusUnauthorized, nil},
		{"/nodes/zz/source", http.StatusBadRequest, auth},
		{"/nodes/00000000000000ff/source", http.StatusNotFound, auth},
		{"/nodes/" + id + "/source?repo=nope", http.StatusNotFound, auth},
	} {
		if code, _, body := call(t, ts, "GET", c.path, "", c.hdr...); code != c.code {
			t.Errorf("GET %s: %d, want %d: %s", c.path, code, c.code, body)
		}
	}
}

func TestPackageMapRoute(t *testing.T) {
	_, ts := sharedTestServer(t, Options{})
	code, _, body := call(t, ts, "GET", "/graph/map", "")
	if code != http.StatusOK {
		t.Fatalf("GET /graph/map: %d %s", code, body)
	}
	var m service.PackageMap
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	pkgs := map[string]bool{}
	for _, p := range m.Packages {
		pkgs[p.Package] = p.Files > 0 && p.Nodes > 0
	}
	if !pkgs["pkg/server"] || !pkgs["pkg/store"] {
		t.Errorf("packages %v: want pkg/server and pkg/store with files and nodes", pkgs)
	}
	found := false
	for _, d := range m.Dependencies {
		found = found || d.From == "pkg/server" && d.To == "pkg/store"
	}
	if !found {
		t.Errorf("no dependency pkg/server → pkg/store in %+v", m.Dependencies)
	}
	if m.Cycles == nil || m.Hubs == nil {
		t.Errorf("cycles and hubs are lists, even empty: %s", body)
	}
}
