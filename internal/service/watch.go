package service

import (
	"context"
	"errors"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/jobs"
	"github.com/codegraph-dev/codegraph/internal/watch"
)

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

// startWatch opens the repository's writer and watches its tree in the
// background. It returns false when it cannot (the index is locked by
// another process, say); the repository then works as without Watch.
func (r *Repo) startWatch(command string) bool {
	w, err := watch.New(watch.Options{
		Index: index.Options{Root: r.root, DBDir: r.db, ReuseOptions: true, Search: r.searchCfg, Logger: r.log,
			Progress: r.watchProgress, Changes: MaxEventLimit, RecordChanges: r.svc.bus.listened},
		Command:  command,
		Logger:   r.log,
		OnUpdate: r.watchUpdate,
	})
	if err != nil {
		r.log.Warn("service: not watching; the index is updated by index jobs instead", "repo", r.name, "err", err)
		return false
	}
	r.mu.Lock()
	r.w = w
	r.state = State{Status: StatusBuilding, Phase: "start"}
	r.mu.Unlock()
	r.goBackground(func(ctx context.Context) {
		if err := w.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			r.log.Error("service: watcher stopped", "repo", r.name, "err", err)
			r.setState(State{Status: StatusFailed, Err: "watcher stopped: " + err.Error()})
		}
		r.mu.Lock()
		r.w = nil
		r.mu.Unlock()
		if err := w.Close(); err != nil {
			r.log.Warn("service: close the watcher's store", "repo", r.name, "err", err)
		}
	})
	return true
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
// is reopened before the update's events are published, so that a
// subscriber that queries on an event sees the update.
func (r *Repo) watchUpdate(u watch.Update) {
	r.reportRun(watchRunKind(u.Reason), u.Summary, u.Duration, u.Err)
	source := SourceWatch
	if watchRunKind(u.Reason) == "index" {
		source = SourceIndex
	}
	r.afterWatchedRun(u)
	r.publishRun(source, u.Reason, u.Summary, u.Duration, u.Err)
}

// afterWatchedRun sets the state after a watcher's run and reopens the
// snapshot.
func (r *Repo) afterWatchedRun(u watch.Update) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if u.Err != nil && !errors.Is(u.Err, context.Canceled) {
		r.state = State{Status: StatusFailed, Err: u.Err.Error()}
		return
	}
	r.state = State{Status: StatusReady}
	r.checkedAt = time.Now()
	if err := r.reopenLocked(dirFingerprint(r.db)); err != nil {
		r.log.Debug("service: reopen after a watched update", "err", err)
	}
	if u.Files() > 0 || u.Reason == "start" {
		r.schedulePreciseLocked()
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
