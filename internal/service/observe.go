package service

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
)

// RunReport describes one finished index run, for metrics.
type RunReport struct {
	Repo string
	// Kind is "index" (an index job or the watcher's first run) or
	// "watch" (a watched update of changed files).
	Kind string
	// Duration is the whole run's; for a watched update, from the hand-off
	// of the batch of changes to the end of the run (the update lag).
	Duration time.Duration
	// Resolve is the time resolution took (zero when it did not run).
	Resolve time.Duration
	// Files counts the files added, changed and deleted.
	Files int
	// Err is the run's error (nil on success; cancelled runs are not reported).
	Err error
}

// Observer receives what operators measure: finished index runs and MCP
// tool calls. Its methods are called synchronously and must return
// quickly (record a figure, nothing more).
type Observer interface {
	IndexRun(RunReport)
	ToolCall(tool string, d time.Duration, failed bool)
}

// observers is the set of observers of one service.
type observers struct {
	mu   sync.Mutex
	next int
	m    map[int]Observer
}

// Observe adds o to the service's observers and returns the function that
// removes it.
func (s *Service) Observe(o Observer) (remove func()) {
	s.obs.mu.Lock()
	defer s.obs.mu.Unlock()
	if s.obs.m == nil {
		s.obs.m = map[int]Observer{}
	}
	id := s.obs.next
	s.obs.next++
	s.obs.m[id] = o
	return func() {
		s.obs.mu.Lock()
		delete(s.obs.m, id)
		s.obs.mu.Unlock()
	}
}

func (s *Service) each(fn func(Observer)) {
	s.obs.mu.Lock()
	list := make([]Observer, 0, len(s.obs.m))
	for _, o := range s.obs.m {
		list = append(list, o)
	}
	s.obs.mu.Unlock()
	for _, o := range list {
		fn(o)
	}
}

// ToolCalled reports one MCP tool call to the observers.
func (s *Service) ToolCalled(tool string, d time.Duration, failed bool) {
	s.each(func(o Observer) { o.ToolCall(tool, d, failed) })
}

// reportRun reports a finished index run to the observers; a cancelled
// run is not reported (it measures nothing).
func (r *Repo) reportRun(kind string, sum *index.Summary, d time.Duration, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	rep := RunReport{Repo: r.name, Kind: kind, Duration: d, Err: err}
	if sum != nil {
		if rep.Duration == 0 {
			rep.Duration = sum.Duration
		}
		rep.Files = sum.Added + sum.Changed + sum.Deleted
		if sum.Resolve != nil {
			rep.Resolve = sum.Resolve.Duration
		}
	}
	r.svc.each(func(o Observer) { o.IndexRun(rep) })
}
