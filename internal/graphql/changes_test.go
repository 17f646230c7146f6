package graphql

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// watchedFixture serves an indexed copy of the fixture, named shop, kept
// up to date by a file watcher.
func watchedFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	root := testrepo.Copy(t, "")
	if _, err := index.Run(context.Background(), index.Options{Root: root, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	svc, err := service.New(service.Options{Repos: []service.RepoSpec{{Name: "shop", Root: root}}, Watch: true, WatchCommand: "codegraph test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	r, _ := svc.Repo("shop")
	for deadline := time.Now().Add(30 * time.Second); r.State().Status != service.StatusReady; time.Sleep(20 * time.Millisecond) {
		if !r.Watching() || time.Now().After(deadline) {
			t.Fatalf("watcher not ready: %s", r.State())
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/graphql", NewHandler(svc, opts))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &fixture{srv: srv, svc: svc, root: root}
}

// Subscriptions follow the code: a watched edit reaches graphChanges (node
// events, then the summary) and nodeCreated, through their filters.
func TestGraphChangesFromWatcher(t *testing.T) {
	opts, registered := subscriptions(t)
	f := watchedFixture(t, opts)
	c, _, err := f.dial(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.subscribe("changes", `subscription { graphChanges(filter: {paths: ["pkg/server/**"]}) {
		type repo source at node { id nodeType name qualifiedName filePath language line }
		summary { seq reason filesChanged nodesAdded nodesUpdated nodesRemoved edgesAdded events truncated durationMs } } }`, nil)
	c.subscribe("created", `subscription { nodeCreated(filter: {nodeTypes: [FUNCTION]}) { name filePath createdByApi repo } }`, nil)
	c.subscribe("store", `subscription { graphChanges(repo: "shop", filter: {paths: ["pkg/store/**"]}, types: [CREATED, UPDATED, DELETED]) { type node { name } } }`, nil)
	c.subscribe("summaries", `subscription { graphChanges(types: [SUMMARY]) { type summary { filesChanged events } } }`, nil)
	registered(4)

	src := filepath.Join(f.root, "pkg", "server", "server.go")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, append(b, "\n// Health reports liveness.\nfunc Health() bool { return true }\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	saved := time.Now()
	type change struct {
		Type, Repo, Source string
		Node               *struct {
			ID, NodeType, Name, QualifiedName, FilePath, Language string
			Line                                                  int
		}
		Summary *struct {
			Seq, FilesChanged, NodesAdded, NodesUpdated, NodesRemoved, EdgesAdded, Events int
			Reason                                                                        string
			Truncated                                                                     bool
			DurationMs                                                                    float64
		}
	}
	var got []string
	var sum change
	for {
		var d struct{ GraphChanges change }
		c.data(c.nextFor("changes"), &d)
		ch := d.GraphChanges
		if ch.Type == "SUMMARY" {
			sum = ch
			break
		}
		if ch.Repo != "shop" || ch.Source != "watch" || ch.Node == nil || ch.Node.FilePath != "pkg/server/server.go" {
			t.Errorf("change %+v", ch)
			continue
		}
		got = append(got, ch.Type+" "+ch.Node.NodeType+" "+ch.Node.QualifiedName)
	}
	t.Logf("save -> summary over graphql-ws: %s", time.Since(saved))
	slices.Sort(got)
	if want := []string{"CREATED FUNCTION Health", "UPDATED FILE pkg/server/server.go"}; !slices.Equal(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
	if s := sum.Summary; s == nil || s.FilesChanged != 1 || s.NodesAdded != 1 || s.Events != 2 || s.Reason != "change" || s.Truncated || s.Seq == 0 {
		t.Errorf("summary %+v", sum.Summary)
	}
	var created struct {
		NodeCreated struct {
			Name, FilePath, Repo string
			CreatedByAPI         bool `json:"createdByApi"`
		}
	}
	c.data(c.nextFor("created"), &created)
	if n := created.NodeCreated; n.Name != "Health" || n.FilePath != "pkg/server/server.go" || n.CreatedByAPI || n.Repo != "shop" {
		t.Errorf("nodeCreated %+v", n)
	}
	var sums struct {
		GraphChanges struct {
			Type    string
			Summary struct{ FilesChanged, Events int }
		}
	}
	c.data(c.nextFor("summaries"), &sums)
	if s := sums.GraphChanges; s.Type != "SUMMARY" || s.Summary.FilesChanged != 1 || s.Summary.Events != 0 {
		t.Errorf("summaries only: %+v", s)
	}
	// The pkg/store subscriber heard nothing of the pkg/server edit.
	for _, m := range c.pending {
		if m.ID == "store" {
			t.Errorf("path filter let through %s", m.Payload)
		}
	}
	// Bad filters are refused.
	c.subscribe("bad", `subscription { graphChanges(filter: {languages: ["klingon"]}) { type } }`, nil)
	if m := c.nextFor("bad"); !strings.Contains(string(m.Payload), "unknown language") {
		t.Errorf("bad language: %s %s", m.Type, m.Payload)
	}
}
