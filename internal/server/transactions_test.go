package server

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestTransactions runs a transaction through REST: begin, create and
// patch inside it (invisible outside until commit), commit; a second one
// that conflicts with a commit made after it began answers 409 and writes
// nothing; rollback; another caller cannot reach a transaction.
func TestTransactions(t *testing.T) {
	_, ts := newTestServer(t, Options{Keys: []Key{{Name: "w", Key: rwKey, Scope: "rw"}, {Name: "w2", Key: "rw-key-other1", Scope: "rw"},
		{Name: "r", Key: roKey, Scope: "ro"}}})
	rw := []string{"Authorization", "Bearer " + rwKey}
	rw2 := []string{"Authorization", "Bearer rw-key-other1"}
	ro := []string{"X-API-Key", roKey}
	begin := func(hdr ...string) string {
		t.Helper()
		status, h, body := call(t, ts, "POST", "/transactions", "", hdr...)
		if status != 201 {
			t.Fatalf("begin: %d %s", status, body)
		}
		var tx struct {
			ID    string `json:"id"`
			State string `json:"state"`
		}
		if err := json.Unmarshal(body, &tx); err != nil || tx.ID == "" || tx.State != "open" || h.Get("Location") != "/transactions/"+tx.ID {
			t.Fatalf("begin answered %s (%v)", body, err)
		}
		return tx.ID
	}
	if status, _, body := call(t, ts, "POST", "/transactions", "", ro...); status != 403 {
		t.Errorf("read-only begin: %d %s", status, body)
	}

	tx := begin(rw...)
	status, hdr, body := call(t, ts, "POST", "/transactions/"+tx+"/nodes", `{"kind":"function","name":"Planned","file":"plan"}`, rw...)
	if status != 201 {
		t.Fatalf("create in tx: %d %s", status, body)
	}
	var n nodeJSON
	_ = json.Unmarshal(body, &n)
	if hdr.Get("Location") != "/transactions/"+tx+"/nodes/"+n.ID {
		t.Errorf("Location %q", hdr.Get("Location"))
	}
	if status, _, body := call(t, ts, "PATCH", "/transactions/"+tx+"/nodes/"+n.ID, `{"doc":"later"}`, rw...); status != 200 || !strings.Contains(string(body), `"doc":"later"`) {
		t.Fatalf("patch in tx: %d %s", status, body)
	}
	if status, _, body := call(t, ts, "GET", "/transactions/"+tx+"/nodes/"+n.ID, "", rw...); status != 200 || !strings.Contains(string(body), `"doc":"later"`) {
		t.Errorf("read in tx: %d %s", status, body)
	}
	if status, _, _ := call(t, ts, "GET", "/nodes/"+n.ID, "", ro...); status != 404 {
		t.Errorf("uncommitted node visible outside: %d", status)
	}
	if status, _, body := call(t, ts, "GET", "/transactions/"+tx+"/nodes/"+n.ID, "", rw2...); status != 404 {
		t.Errorf("another caller reads the transaction: %d %s", status, body)
	}
	if status, _, body := call(t, ts, "GET", "/transactions/"+tx+"/nodes", "", rw...); status != 200 || !strings.Contains(string(body), `"count":1`) {
		t.Errorf("list in tx: %d %s", status, body)
	}
	status, _, body = call(t, ts, "POST", "/transactions/"+tx+"/commit", "", rw...)
	if status != 200 || !strings.Contains(string(body), `"committed":true`) || !strings.Contains(string(body), `"created":1`) || !strings.Contains(string(body), `"updated":1`) {
		t.Fatalf("commit: %d %s", status, body)
	}
	if status, _, body := call(t, ts, "GET", "/nodes/"+n.ID, "", ro...); status != 200 || !strings.Contains(string(body), `"doc":"later"`) {
		t.Errorf("committed node: %d %s", status, body)
	}
	if status, _, _ := call(t, ts, "POST", "/transactions/"+tx+"/commit", "", rw...); status != 404 {
		t.Errorf("second commit: %d", status)
	}

	// A conflicting commit: 409, nothing written.
	tx = begin(rw...)
	if status, _, body := call(t, ts, "PATCH", "/transactions/"+tx+"/nodes/"+n.ID, `{"doc":"mine"}`, rw...); status != 200 {
		t.Fatalf("patch: %d %s", status, body)
	}
	status, _, body = call(t, ts, "POST", "/transactions/"+tx+"/nodes", `{"kind":"function","name":"AlsoMine","file":"plan"}`, rw...)
	var also nodeJSON
	_ = json.Unmarshal(body, &also)
	if status, _, body := call(t, ts, "PATCH", "/nodes/"+n.ID, `{"doc":"theirs"}`, rw2...); status != 200 {
		t.Fatalf("concurrent patch: %d %s", status, body)
	}
	status, _, body = call(t, ts, "POST", "/transactions/"+tx+"/commit", "", rw...)
	if status != 409 || errorCode(t, body) != "conflict" {
		t.Errorf("conflicting commit: %d %s", status, body)
	}
	if status, _, _ := call(t, ts, "GET", "/nodes/"+also.ID, "", ro...); status != 404 {
		t.Errorf("a conflicting commit wrote: %d", status)
	}
	if _, _, body := call(t, ts, "GET", "/nodes/"+n.ID, "", ro...); !strings.Contains(string(body), `"doc":"theirs"`) {
		t.Errorf("after the conflict: %s", body)
	}

	// Rollback.
	tx = begin(rw...)
	call(t, ts, "DELETE", "/transactions/"+tx+"/nodes/"+n.ID, "", rw...)
	if status, _, body := call(t, ts, "DELETE", "/transactions/"+tx, "", rw...); status != 204 {
		t.Errorf("rollback: %d %s", status, body)
	}
	if status, _, _ := call(t, ts, "GET", "/nodes/"+n.ID, "", ro...); status != 200 {
		t.Errorf("rolled back delete applied: %d", status)
	}
	// Source-derived nodes stay read-only inside a transaction too.
	tx = begin(rw...)
	derived := nodeIDByName(t, ts, "Get", "pkg/store/store.go", ro...)
	if status, _, body := call(t, ts, "PATCH", "/transactions/"+tx+"/nodes/"+derived, `{"doc":"x"}`, rw...); status != 409 {
		t.Errorf("patch of a derived node in tx: %d %s", status, body)
	}
	if status, _, body := call(t, ts, "GET", "/transactions/nope/nodes", "", rw...); status != 404 {
		t.Errorf("unknown transaction: %d %s", status, body)
	}
}
