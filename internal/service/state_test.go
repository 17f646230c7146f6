package service

import (
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
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
