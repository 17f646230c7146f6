package mcp

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// A client subscribed to a file resource hears when a watched edit
// changes that file, and not when another file changes.
func TestResourceUpdatedOnWatchedEdit(t *testing.T) {
	repo := fixtureRepo(t)
	svc, err := service.New(service.Options{Repos: []service.RepoSpec{{Root: repo}}, Watch: true, WatchCommand: "codegraph test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	r, _ := svc.Repo("")
	for deadline := time.Now().Add(30 * time.Second); r.State().Status != service.StatusReady; time.Sleep(20 * time.Millisecond) {
		if !r.Watching() || time.Now().After(deadline) {
			t.Fatalf("watcher not ready: %s", r.State())
		}
	}
	updated := make(chan string, 10)
	s, cs := connect(t, Options{Service: svc}, &mcp.ClientOptions{
		ResourceUpdatedHandler: func(_ context.Context, req *mcp.ResourceUpdatedNotificationRequest) { updated <- req.Params.URI }})
	ctx := context.Background()
	if caps := cs.InitializeResult().Capabilities; caps.Resources == nil || !caps.Resources.Subscribe {
		t.Fatalf("resource subscriptions not advertised: %+v", caps.Resources)
	}
	server := fileURIPrefix + "pkg/server/server.go"
	for _, uri := range []string{server, fileURIPrefix + "pkg/store/store.go"} {
		if err := cs.Subscribe(ctx, &mcp.SubscribeParams{URI: uri}); err != nil {
			t.Fatalf("subscribe %s: %v", uri, err)
		}
	}
	// Under the stateless protocol (SEP-2575) the client's Subscribe
	// returns before the server has handled it: wait for the server.
	_ = cs.Subscribe(ctx, &mcp.SubscribeParams{URI: "file:///etc/passwd"})
	subscribed := func() map[string]int {
		s.subs.mu.Lock()
		defer s.subs.mu.Unlock()
		return maps.Clone(s.subs.uris)
	}
	for deadline := time.Now().Add(10 * time.Second); len(subscribed()) < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("subscriptions: %v", subscribed())
		}
	}
	time.Sleep(50 * time.Millisecond) // the third one
	if got := subscribed(); len(got) != 2 || got["file:///etc/passwd"] != 0 {
		t.Errorf("subscriptions %v: a resource codegraph does not serve was accepted", got)
	}
	src := filepath.Join(repo, "pkg", "server", "server.go")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, append(b, "\nfunc Health() bool { return true }\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case uri := <-updated:
		if uri != server {
			t.Errorf("notified %s, want %s", uri, server)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no notifications/resources/updated within 20 s")
	}
	// After unsubscribing, the next edit is not announced.
	if err := cs.Unsubscribe(ctx, &mcp.UnsubscribeParams{URI: server}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, b, 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case uri := <-updated:
		t.Errorf("notified %s after unsubscribing", uri)
	case <-time.After(time.Second):
	}
}
