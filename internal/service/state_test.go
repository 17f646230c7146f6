package service

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

func TestStateString(t *testing.T) {
	since := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	cases := []struct {
		s    State
		want string
	}{
		{State{Status: StatusReady}, "ready"},
		{State{Status: StatusReady, Err: "not verified against the source: context deadline exceeded"}, "ready (not verified against the source: context deadline exceeded)"},
		{State{Status: StatusChecking}, "ready (freshness check running)"},
		{State{Status: StatusBuilding, Percent: 42}, "building 42%"},
		{State{Status: StatusBuilding, Other: "pid 7"}, "building (by another codegraph process, pid 7)"},
		{State{Status: StatusStale, Since: since, Changed: 3}, "stale since 2026-01-02T15:04:05Z (3 files changed; call the index tool to update)"},
		{State{Status: StatusStale, Since: since, Other: "pid 7"}, "stale since 2026-01-02T15:04:05Z (another codegraph process, pid 7, holds the index and is not updating it)"},
		{State{Status: StatusMissing}, "missing (no index yet; call the index tool)"},
		{State{Status: StatusFailed, Err: "disk full"}, "failed (disk full)"},
		{State{Status: StatusStale, Since: since, Err: "the last index run did not finish"}, "stale (the last index run did not finish)"},
	}
	for _, c := range cases {
		if got := c.s.String(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.s, got, c.want)
		}
	}
}

func TestPercent(t *testing.T) {
	cases := []struct {
		p    index.Progress
		want int
	}{
		{index.Progress{Phase: "walk"}, 0},
		{index.Progress{Phase: "parse"}, 5},
		{index.Progress{Phase: "parse", Total: 100, Done: 50}, 47},
		{index.Progress{Phase: "parse", Total: 100, Done: 100}, 90},
		{index.Progress{Phase: "finish"}, 90},
		{index.Progress{Phase: "resolve"}, 93},
		{index.Progress{Phase: "compact"}, 97},
		{index.Progress{Phase: "done"}, 100},
	}
	last := -1
	for _, c := range cases {
		got := Percent(c.p)
		if got != c.want {
			t.Errorf("Percent(%+v) = %d, want %d", c.p, got, c.want)
		}
		if got < last {
			t.Errorf("percent went back from %d to %d at %+v", last, got, c.p)
		}
		last = got
	}
}

// An index whose last run did not finish is not reported ready (its
// search indexes or resolution may be partial); with AutoIndex a job
// completes it.
func TestIncompleteIndexNotReady(t *testing.T) {
	for _, auto := range []bool{false, true} {
		root := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
		if _, err := index.Run(context.Background(), index.Options{Root: root, NoSearch: true}); err != nil {
			t.Fatal(err)
		}
		st, err := store.Open(index.DBDirFor(root), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		b := st.NewBatch()
		b.SetMeta(index.MetaRun, []byte(`{"gen":9,"complete":false}`))
		if err := b.Commit(true); err != nil {
			t.Fatal(err)
		}
		b.Close()
		st.Close()
		s, err := New(Options{Repos: []RepoSpec{{Root: root}}, AutoIndex: auto})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		if err := s.WaitIdle(ctx); err != nil {
			t.Fatal(err)
		}
		cancel()
		r, err := s.Repo("")
		if err != nil {
			t.Fatal(err)
		}
		state := r.State()
		if auto {
			if state.Status != StatusReady {
				t.Errorf("auto: state %s after the completing job", state)
			}
		} else if state.Status == StatusReady || !strings.Contains(state.String(), "did not finish") {
			t.Errorf("state %q for an incomplete index", state)
		}
		s.Close()
	}
}
