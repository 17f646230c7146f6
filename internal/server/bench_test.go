package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// benchServer serves the index in $SERVER_BENCH_DB (bench/http.sh builds
// one of the Go standard library at /tmp/cg-http-bench/gosrc.codegraph),
// or skips.
func benchServer(b *testing.B) (*Server, []string) {
	b.Helper()
	db := os.Getenv("SERVER_BENCH_DB")
	if db == "" {
		b.Skip("set SERVER_BENCH_DB to an index directory (bench/http.sh builds one)")
	}
	svc, err := service.New(service.Options{Repos: []service.RepoSpec{{Root: filepath.Dir(db), DB: db}}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { svc.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := svc.WaitIdle(ctx); err != nil {
		b.Fatal(err)
	}
	s, err := New(Options{Service: svc, RateLimit: -1, SearchCache: -1}) // every search computed
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	repo, _ := svc.Repo("")
	sn, release, err := repo.Acquire()
	if err != nil {
		b.Fatal(err)
	}
	defer release()
	var ids []string
	_ = sn.Store.NodesByKind(graph.KindFunction, func(n graph.Node) error {
		if len(ids) < 2000 {
			ids = append(ids, n.ID.String())
		}
		return nil
	})
	return s, ids
}

func serveBench(b *testing.B, h http.Handler, path string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	if rec.Code != 200 {
		b.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
	}
}

func BenchmarkNodeLookup(b *testing.B) {
	s, ids := benchServer(b)
	h := s.Handler()
	i := 0
	for b.Loop() {
		serveBench(b, h, "/nodes/"+ids[i%len(ids)])
		i++
	}
}

func BenchmarkSearchHybrid(b *testing.B) {
	s, _ := benchServer(b)
	h := s.Handler()
	queries := []string{"parse+http+request+headers", "read+file+into+memory", "format+float+with+precision", "sort+slice+of+strings", "gzip+compress+writer"}
	serveBench(b, h, "/search?q=warm")
	i := 0
	for b.Loop() {
		serveBench(b, h, "/search?q="+queries[i%len(queries)]+"&limit=10")
		i++
	}
}
