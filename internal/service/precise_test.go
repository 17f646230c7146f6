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

// TestPreciseJobLetsWritesIn checks that a precise pass does not hold the
// writer while it type-checks: a node write through the service succeeds
// while the go command the pass runs is held up, and the pass then
// finishes with precise edges.
func TestPreciseJobLetsWritesIn(t *testing.T) {
	realGo, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	// A go command that waits for a file before running the real one.
	bin := t.TempDir()
	started, release := filepath.Join(bin, "started"), filepath.Join(bin, "release")
	script := "#!/bin/sh\ntouch '" + started + "'\nwhile [ ! -e '" + release + "' ]; do sleep 0.02; done\nexec '" + realGo + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	for _, watched := range []bool{false, true} {
		t.Run(map[bool]string{false: "index job", true: "watched"}[watched], func(t *testing.T) {
			os.Remove(started)
			os.Remove(release)
			root := t.TempDir()
			for name, src := range map[string]string{
				"go.mod": "module example.com/m\n\ngo 1.22\n",
				"a.go":   "package m\n\ntype I interface{ M() }\n\ntype T struct{}\n\nfunc (T) M() {}\n\nfunc Call(i I) { i.M() }\n",
			} {
				if err := os.WriteFile(filepath.Join(root, name), []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s, err := New(Options{Repos: []RepoSpec{{Root: root}}, Precise: true, Watch: watched, AutoIndex: watched})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.WriteFile(release, nil, 0o644); s.Close() })
			r, _ := s.Repo("")
			if !watched {
				if j, err := s.Jobs().Wait(context.Background(), r.Index(false).ID); err != nil || j.State != jobs.Succeeded {
					t.Fatalf("index job %+v, %v", j, err)
				}
			}
			deadline := time.Now().Add(60 * time.Second)
			for {
				if _, err := os.Stat(started); err == nil {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the precise pass never ran the go command")
				}
				time.Sleep(20 * time.Millisecond)
			}
			if pj, ok := r.PreciseJob(); !ok || pj.State != jobs.Running {
				t.Fatalf("precise job %+v", pj)
			}
			done := make(chan error, 1)
			go func() {
				_, err := r.CreateNode(context.Background(), NodeInput{Kind: "function", Name: "Planned", File: "notes/design"})
				done <- err
			}()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("a node write while the precise pass type-checks: %v", err)
				}
			case <-time.After(10 * time.Second):
				os.WriteFile(release, nil, 0o644)
				<-done
				t.Fatal("a node write waited for the precise pass to type-check")
			}
			if err := os.WriteFile(release, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			var pj jobs.Job
			for {
				var ok bool
				if pj, ok = r.PreciseJob(); ok && pj.State.Terminal() {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the precise job did not finish: %+v", pj)
				}
				time.Sleep(20 * time.Millisecond)
			}
			if st, ok := pj.Result.(*precise.State); pj.State != jobs.Succeeded || !ok || st.Last.Precise != 1 {
				t.Fatalf("precise job %+v", pj)
			}
		})
	}
}
