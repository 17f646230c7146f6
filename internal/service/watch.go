package service

import (
	"context"
	"errors"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/jobs"
	"github.com/codegraph-dev/codegraph/internal/watch"
)

// WatchOptions tune the file watchers of a Service (Options.Watch).
type WatchOptions struct {
	// Debounce, MaxDelay and PollInterval are the watcher's (watch.Options;
	// 0: its defaults).
	Debounce, MaxDelay, PollInterval time.Duration
	// NoSearch leaves the search indexes alone (only the graph is
	// updated).
	NoSearch bool
	// OnUpdate, when set, is called after each of a watcher's runs, once
	// the service has taken it in (the state set, the snapshot reopened,
	// the events published), from the watcher's goroutine (one at a
	// time).
	OnUpdate func(*Repo, watch.Update)
	// Required makes New and AddRepo fail when a repository's watcher
	// cannot start (its index is locked by another process, say), instead
	// of serving the repository without one: for `codegraph watch`, whose
	// whole point is the watcher.
	Required bool
}

// watcher returns the repository's file watcher (nil when it is not
// watched).
func (r *Repo) watcher() *watch.Watcher {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.w
}

// Watching reports whether a file watcher keeps the repository's index up
// to date.
func (r *Repo) Watching() bool { return r.watcher() != nil }

// WatchDone returns a channel closed when the repository's watcher has
// stopped (the service closed, or an error ended it: WatchErr says
// which), nil when the repository was never watched.
func (r *Repo) WatchDone() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.wdone
}

// WatchErr returns the error that stopped the repository's watcher: nil
// while it runs and when it was stopped by Close.
func (r *Repo) WatchErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.werr
}

// startWatch opens the repository's writer and watches its tree in the
// background. It returns the error of opening the writer (the index is
// locked by another process, say).
func (r *Repo) startWatch() error {
	wo := r.svc.opts.Watcher
	w, err := watch.New(watch.Options{
		Index: index.Options{Root: r.root, DBDir: r.db, ReuseOptions: true, NoSearch: wo.NoSearch, Search: r.searchCfg, Logger: r.log,
			Progress: r.watchProgress, Changes: MaxEventLimit, RecordChanges: r.svc.bus.listened},
		Debounce:     wo.Debounce,
		MaxDelay:     wo.MaxDelay,
		PollInterval: wo.PollInterval,
		Command:      r.svc.opts.WatchCommand,
		Logger:       r.log,
		OnUpdate:     r.watchUpdate,
	})
	if err != nil {
		return err
	}
	done := make(chan struct{})
	r.mu.Lock()
	r.w, r.wdone, r.werr = w, done, nil
	r.state = State{Status: StatusBuilding, Phase: "start"}
	r.mu.Unlock()
	r.goBackground(func(ctx context.Context) {
		err := w.Run(ctx)
		if errors.Is(err, context.Canceled) {
			err = nil
		}
		if err != nil {
			if wo.Required {
				// The owner reports it (WatchErr).
				r.log.Debug("service: watcher stopped", "repo", r.name, "err", err)
			} else {
				r.log.Error("service: watcher stopped", "repo", r.name, "err", err)
			}
			r.setState(State{Status: StatusFailed, Err: "watcher stopped: " + err.Error()})
		}
		r.mu.Lock()
		r.w = nil
		r.mu.Unlock()
		if cerr := w.Close(); cerr != nil {
			r.log.Warn("service: close the watcher's store", "repo", r.name, "err", cerr)
			if err == nil {
				err = cerr
			}
		}
		r.mu.Lock()
		r.werr = err
		r.mu.Unlock()
		close(done)
	})
	return nil
}

// watchProgress follows the watcher's runs (the first reconciliation, and
// index jobs that go through it).
func (r *Repo) watchProgress(p index.Progress) {
	pc := Percent(p)
	r.mu.Lock()
	report := r.report
	if p.Phase != "done" && (p.Total > 20 || report != nil) {
		// Small batches do not flicker the state through "building".
		r.state = State{Status: StatusBuilding, Percent: pc, Phase: p.Phase}
	}
	r.mu.Unlock()
	if report != nil {
		report(jobs.Progress{Phase: p.Phase, Done: p.Done, Total: p.Total, Percent: pc})
	}
}

// watchUpdate is called after each of the watcher's runs. The snapshot
// is reopened before the update's events are published and before
// WatchOptions.OnUpdate, so that a subscriber that queries on an event,
// or a client that queries once the update is reported, sees the update.
// The precise pass it calls for is queued last.
func (r *Repo) watchUpdate(u watch.Update) {
	r.reportRun(watchRunKind(u.Reason), u.Summary, u.Duration, u.Err)
	source := SourceWatch
	if watchRunKind(u.Reason) == "index" {
		source = SourceIndex
	}
	precise := r.afterWatchedRun(u)
	r.publishRun(source, u.Reason, u.Summary, u.Duration, u.Err)
	if f := r.svc.opts.Watcher.OnUpdate; f != nil {
		f(r, u)
	}
	if precise {
		r.schedulePrecise()
	}
}

// afterWatchedRun sets the state after a watcher's run and reopens the
// snapshot. It reports whether the run calls for a precise pass.
func (r *Repo) afterWatchedRun(u watch.Update) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if u.Err != nil && !errors.Is(u.Err, context.Canceled) {
		r.state = State{Status: StatusFailed, Err: u.Err.Error()}
		return false
	}
	r.state = State{Status: StatusReady}
	r.checkedAt = time.Now()
	r.refreshLocked("after a watched update")
	return u.Err == nil && (u.Files() > 0 || u.Reason == "start")
}

// refreshLocked reopens the snapshot after this process's writer
// committed, when one is open: with none, the next Acquire opens one
// (so an idle watcher that nobody queries holds no read-only copy of the
// store). r.mu is held.
func (r *Repo) refreshLocked(why string) {
	if r.snap == nil {
		return
	}
	if err := r.reopenLocked(dirFingerprint(r.db)); err != nil {
		r.log.Debug("service: reopen "+why, "err", err)
	}
}

// watchRunKind is the RunReport kind of a watcher's run: its first run
// and index requests are index runs, the rest watched updates.
func watchRunKind(reason string) string {
	if reason == "start" || reason == "index" {
		return "index"
	}
	return "watch"
}
