package server

import (
	"encoding/json"
	"strings"
	"testing"
)

const (
	rwKey = "rw-key-123456"
	roKey = "ro-key-123456"
)

// TestNodeCRUD creates, reads, replaces, patches and deletes a node
// through the API, and checks the refusals: source-derived nodes (409),
// read-only keys (403), bad bodies (400), unknown nodes (404).
func TestNodeCRUD(t *testing.T) {
	_, ts := newTestServer(t, Options{Keys: []Key{{Name: "w", Key: rwKey, Scope: "rw"}, {Name: "r", Key: roKey, Scope: "ro"}}})
	rw := []string{"Authorization", "Bearer " + rwKey}
	ro := []string{"X-API-Key", roKey}

	status, hdr, body := call(t, ts, "POST", "/nodes", `{"kind":"function","name":"Planned","file":"design/plan.go","signature":"func Planned()","line":3}`, rw...)
	if status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	var n nodeJSON
	if err := json.Unmarshal(body, &n); err != nil {
		t.Fatal(err)
	}
	if !n.API || n.Name != "Planned" || hdr.Get("Location") != "/nodes/"+n.ID {
		t.Fatalf("create answered %+v, Location %q", n, hdr.Get("Location"))
	}
	status, _, body = call(t, ts, "GET", "/nodes/"+n.ID, "", ro...)
	if status != 200 || !strings.Contains(string(body), `"Planned"`) {
		t.Fatalf("get created: %d %s", status, body)
	}
	status, _, body = call(t, ts, "GET", "/nodes?name=Planned", "", ro...)
	if status != 200 || !strings.Contains(string(body), n.ID) {
		t.Fatalf("list created: %d %s", status, body)
	}
	status, _, body = call(t, ts, "PATCH", "/nodes/"+n.ID, `{"doc":"planned work"}`, rw...)
	if status != 200 || !strings.Contains(string(body), `"doc":"planned work"`) || !strings.Contains(string(body), `"signature":"func Planned()"`) {
		t.Fatalf("patch: %d %s", status, body)
	}
	status, _, body = call(t, ts, "PUT", "/nodes/"+n.ID, `{"name":"Planned2"}`, rw...)
	if status != 200 || !strings.Contains(string(body), `"name":"Planned2"`) || strings.Contains(string(body), "planned work") {
		t.Fatalf("put: %d %s", status, body)
	}
	var put nodeJSON
	_ = json.Unmarshal(body, &put)

	derived := nodeIDByName(t, ts, "Get", "pkg/store/store.go", ro...)
	for _, c := range []struct {
		method, path, body string
		hdr                []string
		status             int
		code               string
	}{
		{"POST", "/nodes", `{"kind":"function","name":"X"}`, ro, 403, codeForbidden},
		{"POST", "/nodes", `{"kind":"function","name":"X"}`, nil, 401, codeUnauthorized},
		{"POST", "/nodes", `{"kind":"function","name":"X"}`, []string{"Authorization", "Bearer wrong-key-000"}, 401, codeUnauthorized},
		{"POST", "/nodes", `{"kind":"function","name":"X"}`, []string{"Authorization", "Basic abc"}, 401, codeUnauthorized},
		{"POST", "/nodes", `{"kind":"gizmo","name":"X"}`, rw, 400, codeBadRequest},
		{"POST", "/nodes", `{"kind":"function"}`, rw, 400, codeBadRequest},
		{"POST", "/nodes", `{"kind":"function","name":"X","id":"1"}`, rw, 400, codeBadRequest},
		{"POST", "/nodes", ``, rw, 400, codeBadRequest},
		{"PATCH", "/nodes/" + derived, `{"doc":"x"}`, rw, 409, codeConflict},
		{"PUT", "/nodes/" + derived, `{"name":"x"}`, rw, 409, codeConflict},
		{"DELETE", "/nodes/" + derived, ``, rw, 409, codeConflict},
		{"PATCH", "/nodes/" + put.ID, `{"doc":"x"}`, ro, 403, codeForbidden},
		{"PUT", "/nodes/" + put.ID, `{"doc":"x"}`, rw, 400, codeBadRequest},
		{"PATCH", "/nodes/0000000000000001", `{"doc":"x"}`, rw, 404, codeNotFound},
		{"DELETE", "/nodes/0000000000000001", ``, rw, 404, codeNotFound},
		{"DELETE", "/nodes/zz", ``, rw, 400, codeBadRequest},
	} {
		status, _, body := call(t, ts, c.method, c.path, c.body, c.hdr...)
		if status != c.status || errorCode(t, body) != c.code {
			t.Errorf("%s %s %s: %d %s, want %d %s", c.method, c.path, c.body, status, body, c.status, c.code)
		}
	}
	status, _, body = call(t, ts, "DELETE", "/nodes/"+put.ID, "", rw...)
	if status != 204 {
		t.Fatalf("delete: %d %s", status, body)
	}
	status, _, _ = call(t, ts, "GET", "/nodes/"+put.ID, "", ro...)
	if status != 404 {
		t.Fatalf("get deleted: %d", status)
	}
}
