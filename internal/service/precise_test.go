package service

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/jobs"
	"github.com/codegraph-dev/codegraph/internal/precise"
)

// TestPreciseJob checks that an index job, and a watched update, queue a
// precise job that leaves the Go edges precise, visible to the next
// snapshot.
func TestPreciseJob(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	for _, watched := range []bool{false, true} {
		t.Run(map[bool]string{false: "index job", true: "watched"}[watched], func(t *testing.T) {
			root := t.TempDir()
			write := func(name, src string) {
				t.Helper()
				if err := os.WriteFile(filepath.Join(root, name), []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write("go.mod", "module example.com/m\n\ngo 1.22\n")
			write("a.go", "package m\n\ntype I interface{ M() }\n\ntype T struct{}\n\nfunc (T) M() {}\n\nfunc Call(i I) { i.M() }\n")
			s, err := New(Options{Repos: []RepoSpec{{Root: root}}, Precise: true, Watch: watched, AutoIndex: watched})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			r, _ := s.Repo("")
			if !watched {
				if j, err := s.Jobs().Wait(context.Background(), r.Index(false).ID); err != nil || j.State != jobs.Succeeded {
					t.Fatalf("index job %+v, %v", j, err)
				}
			}
			deadline := time.Now().Add(60 * time.Second)
			var pj jobs.Job
			for {
				var ok bool
				if pj, ok = r.PreciseJob(); ok && pj.State.Terminal() {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no precise job finished: %+v", pj)
				}
				time.Sleep(50 * time.Millisecond)
			}
			if pj.State != jobs.Succeeded || pj.Kind != "precise" {
				t.Fatalf("precise job %+v", pj)
			}
			if st, ok := pj.Result.(*precise.State); !ok || st.Last.Precise != 1 {
				t.Fatalf("result %#v", pj.Result)
			}
			sn, release, err := r.Acquire()
			if err != nil {
				t.Fatal(err)
			}
			defer release()
			var res []string
			if err := sn.Store.AllEdges(func(e graph.Edge) error {
				if e.Kind == graph.EdgeCalls {
					res = append(res, e.Res.String())
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(res, ","); !strings.Contains(got, "precise") || !strings.Contains(got, "dynamic") {
				t.Errorf("calls edges after the precise job: %s", got)
			}
		})
	}
}
