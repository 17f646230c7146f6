package graphql

import (
	"strings"
	"testing"
)

// TestRequestTransaction: the node mutations of one request are one
// transaction: a later one sees an earlier one's node, and when one fails
// none is written.
func TestRequestTransaction(t *testing.T) {
	f := newFixture(t, Options{}, nil)
	// All or nothing: the second mutation fails, the first is not written.
	r := f.post(t, `mutation { a: createNode(input: {nodeType: CLASS, name: "TxFirst"}) { id }
	  b: createNode(input: {nodeType: FILE, name: "bad"}) { id } }`, nil)
	if len(r.Errors) < 2 || string(r.Data) != "null" {
		t.Fatalf("a failing request answered data %s errors %+v", r.Data, r.Errors)
	}
	if last := r.Errors[len(r.Errors)-1]; last.code() != "ROLLED_BACK" || !strings.Contains(last.Message, "rolled back") {
		t.Errorf("last error %+v", last)
	}
	var found struct {
		Nodes struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	count := func(name string) int {
		t.Helper()
		f.data(t, `{ nodes(filter: {name: "`+name+`"}) { edges { node { id } } } }`, nil, &found)
		return len(found.Nodes.Edges)
	}
	if n := count("TxFirst"); n != 0 {
		t.Fatalf("a rolled back request wrote %d nodes", n)
	}

	// A later mutation sees what an earlier one created (inside the
	// transaction); all are written at the end.
	var d struct {
		A struct{ ID string }
		B struct{ ID, Doc string }
		C bool
	}
	r = f.post(t, `mutation { a: createNode(input: {nodeType: CLASS, name: "TxOne"}) { id }
	  b: createNode(input: {nodeType: CLASS, name: "TxTwo"}) { id doc } }`, nil)
	if len(r.Errors) != 0 {
		t.Fatalf("errors %+v", r.Errors)
	}
	if n := count("TxOne"); n != 1 {
		t.Fatalf("committed request: %d TxOne nodes", n)
	}
	if n := count("TxTwo"); n != 1 {
		t.Fatalf("committed request: %d TxTwo nodes", n)
	}
	two := found.Nodes.Edges[0].Node.ID
	f.data(t, `mutation($id: ID!) { b: updateNode(id: $id, input: {doc: "first"}) { id doc }
	  c: deleteNode(id: $id) }`, map[string]any{"id": two}, &d)
	if d.B.Doc != "first" || !d.C {
		t.Errorf("update then delete in one request: %+v", d)
	}
	if n := count("TxTwo"); n != 0 {
		t.Errorf("deleted in the request's transaction, still %d", n)
	}
}
