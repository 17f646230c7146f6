package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/codegraph-dev/codegraph/internal/jobs"
	"github.com/codegraph-dev/codegraph/internal/precise"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// The precise tier runs after the heuristic graph is written: each index
// job and each watched update that changed files queues one "precise" job
// per repository on the service's job queue (at most one queued at a
// time: a job queued while one runs re-checks whatever changed since).
// The pass checks only the packages whose files changed and their
// importers, and holds the repository's writer only while it writes (not
// while it type-checks).

// schedulePrecise queues a precise job for r unless one is already queued
// (Options.Precise off: nothing).
func (r *Repo) schedulePrecise() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.schedulePreciseLocked()
}

// schedulePreciseLocked is schedulePrecise with r.mu held.
func (r *Repo) schedulePreciseLocked() {
	if !r.svc.opts.Precise {
		return
	}
	if r.preciseJob != "" {
		if j, ok := r.jobs.Get(r.preciseJob); ok && j.State == jobs.Queued {
			return
		}
	}
	j := r.jobs.Submit("precise", r.name, func(ctx context.Context, report func(jobs.Progress)) (any, error) {
		r.bg.Add(1)
		defer r.bg.Done()
		state, err := r.runPrecise(ctx, report)
		if f := r.svc.opts.OnPrecise; f != nil && (err == nil || ctx.Err() == nil) {
			f(r, state, err)
		}
		return state, err
	})
	r.preciseJob = j.ID
}

// PreciseJob returns the repository's current or last precise job.
func (r *Repo) PreciseJob() (jobs.Job, bool) {
	r.mu.Lock()
	id := r.preciseJob
	r.mu.Unlock()
	if id == "" {
		return jobs.Job{}, false
	}
	return r.jobs.Get(id)
}

// runPrecise is the work of a precise job: through the watcher's writer
// when the repository is watched, else through a writer opened for it.
func (r *Repo) runPrecise(ctx context.Context, report func(jobs.Progress)) (*precise.State, error) {
	opts := precise.Options{Root: r.root, Logger: r.log, Progress: func(done, total int) {
		pc := 0
		if total > 0 {
			pc = 100 * done / total
		}
		report(jobs.Progress{Phase: "precise", Done: done, Total: total, Percent: pc})
	}}
	report(jobs.Progress{Phase: "precise", Message: "type-checking the changed Go packages"})
	// The pass takes the writer only to read its state and to write each
	// batch's edges; node writes and index updates go on while it
	// type-checks.
	write := func(fn func(*store.Store) error) error {
		if w := r.watcher(); w != nil {
			return w.Updater().Write(fn)
		}
		r.wmu.Lock()
		defer r.wmu.Unlock()
		st, err := store.Open(r.db, store.Options{Logger: r.log})
		if err != nil {
			return err
		}
		return errors.Join(fn(st), st.Close())
	}
	state, err := precise.RunGoShared(ctx, write, opts)
	if err != nil {
		return nil, fmt.Errorf("precise: %w", err)
	}
	r.mu.Lock()
	r.refreshLocked("after the precise pass")
	r.mu.Unlock()
	return state, nil
}
