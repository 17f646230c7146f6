package graphql

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/server"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// TestMountedInServer runs the handler as codegraph serve mounts it: under
// the REST server's API keys, limits and middleware, with WebSocket
// upgrades passing through.
func TestMountedInServer(t *testing.T) {
	root := testrepo.Copy(t, "")
	if _, err := index.Run(context.Background(), index.Options{Root: root, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	svc, err := service.New(service.Options{Repos: []service.RepoSpec{{Name: "shop", Root: root}}})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := svc.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	opts, registered := subscriptions(t)
	srv, err := server.New(server.Options{Service: svc,
		Keys:         []server.Key{{Name: "reader", Key: "read-key-123", Scope: "ro"}, {Name: "writer", Key: "write-key-123", Scope: "rw"}},
		Mount:        map[string]http.Handler{"/graphql": NewHandler(svc, opts), "/graphiql": Playground("/graphql"), PlaygroundAssetsPath: PlaygroundAssets()},
		StreamMounts: []string{"/graphql"}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	f := &fixture{srv: ts, svc: svc, root: root}
	rw := []string{"Authorization", "Bearer write-key-123"}
	ro := []string{"X-API-Key", "read-key-123"}

	if r := f.post(t, `{ repos { name } }`, nil); r.status != http.StatusUnauthorized {
		t.Errorf("no key: status %d", r.status)
	}
	if r := f.post(t, `{ repos { name } }`, nil, ro...); r.status != 200 || len(r.Errors) != 0 {
		t.Errorf("read key: %d %+v", r.status, r.Errors)
	}
	f.wantError(t, `mutation { createNode(input: {nodeType: CLASS, name: "A"}) { id } }`, nil, codeForbidden, "read-only", ro...)

	c, _, err := f.dial(t, http.Header{"Authorization": {"Bearer write-key-123"}})
	if err != nil {
		t.Fatal(err)
	}
	c.subscribe("s", `subscription { nodeCreated { name } }`, nil)
	registered(1)
	if r := f.post(t, `mutation { createNode(input: {nodeType: CLASS, name: "ViaServer"}) { id } }`, nil, rw...); len(r.Errors) != 0 {
		t.Fatalf("write key: %+v", r.Errors)
	}
	var ev struct{ NodeCreated struct{ Name string } }
	c.data(c.nextFor("s"), &ev)
	if ev.NodeCreated.Name != "ViaServer" {
		t.Errorf("event %+v", ev)
	}
	if _, res, err := f.dial(t, nil); err == nil || res == nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("WebSocket without a key: %v %v", res, err)
	}
}
