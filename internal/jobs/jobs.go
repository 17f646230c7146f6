// Package jobs runs background work (index runs, rebuilds) inside a
// process: a queue with bounded concurrency, job ids and states, progress
// reports that every front end reads the same way (the CLI progress bar, MCP
// progress notifications, the HTTP API's SSE events and the GraphQL
// parseProgress subscription), cancellation through context, and an
// optional persisted history.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"
)

// State is where a job is in its life.
type State string

// Job states. Succeeded, Failed and Cancelled are terminal.
const (
	Queued    State = "queued"
	Running   State = "running"
	Succeeded State = "succeeded"
	Failed    State = "failed"
	Cancelled State = "cancelled"
)

// Terminal reports whether s is a final state.
func (s State) Terminal() bool { return s == Succeeded || s == Failed || s == Cancelled }

// Progress is how far a running job is.
type Progress struct {
	Phase   string  `json:"phase,omitempty"` // e.g. "walk", "parse", "resolve", "search"
	Done    int     `json:"done"`
	Total   int     `json:"total"`
	Percent int     `json:"percent"`
	Rate    float64 `json:"rate,omitempty"`        // items per second in the current phase
	ETA     float64 `json:"eta_seconds,omitempty"` // estimated seconds left in the current phase
	Message string  `json:"message,omitempty"`
}

// Job is a snapshot of one job.
type Job struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	Repo     string    `json:"repo,omitempty"`
	State    State     `json:"state"`
	Progress Progress  `json:"progress"`
	Created  time.Time `json:"created"`
	Started  time.Time `json:"started,omitzero"`
	Ended    time.Time `json:"ended,omitzero"`
	Error    string    `json:"error,omitempty"`
	// Result is what the job returned on success (JSON-encodable).
	Result any `json:"result,omitempty"`
}

// Func is the work of a job. It must return soon after ctx is cancelled and
// may call report as often as it likes (the queue computes Rate and ETA
// when the function leaves them zero).
type Func func(ctx context.Context, report func(Progress)) (any, error)

// History persists finished jobs, so that a restarted process can still
// answer for them.
type History interface {
	SaveJob(Job) error
	LoadJobs() ([]Job, error)
}

// Options configure a Queue.
type Options struct {
	// Workers is how many jobs run at once; 0 means 1.
	Workers int
	// Keep is how many finished jobs are remembered; 0 means 200.
	Keep int
	// History, when set, receives each finished job and provides the
	// history at start.
	History History
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
}

// Errors returned by the queue.
var (
	ErrNotFound = errors.New("no such job")
	ErrFinished = errors.New("job already finished")
	ErrClosed   = errors.New("job queue closed")
)

// Queue runs jobs in the background. Its methods are safe for concurrent
// use.
type Queue struct {
	opts   Options
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	running int      // jobs holding a worker slot
	waiting []waiter // queued jobs, oldest first
	seq     uint64
	jobs    map[string]*entry
	order   []string // ids, oldest first
	subs    map[int]*sub
	nextID  int
	closed  bool
}

type waiter struct {
	ctx context.Context
	e   *entry
	fn  Func
}

type entry struct {
	job    Job
	cancel context.CancelFunc
	done   chan struct{}
	// rate estimation: the phase's first report.
	phase     string
	phaseAt   time.Time
	phaseDone int
}

type sub struct {
	id string // "" = every job
	// pending holds the latest undelivered state per job when the
	// channel is full (slow readers see the newest state, not every one).
	pending map[string]Job
	order   []string
	wake    chan struct{}
}

// New returns a running queue.
func New(opts Options) *Queue {
	if opts.Workers <= 0 {
		opts.Workers = 1
	}
	if opts.Keep <= 0 {
		opts.Keep = 200
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	q := &Queue{opts: opts, ctx: ctx, cancel: cancel, jobs: map[string]*entry{}, subs: map[int]*sub{}}
	if opts.History != nil {
		old, err := opts.History.LoadJobs()
		if err != nil {
			opts.Logger.Warn("jobs: load history", "err", err)
		}
		slices.SortFunc(old, func(a, b Job) int { return a.Created.Compare(b.Created) })
		for _, j := range old {
			if !j.State.Terminal() {
				// The process that ran it is gone.
				j.State, j.Error = Failed, "interrupted: the process running it stopped"
				if j.Ended.IsZero() {
					j.Ended = j.Created
				}
			}
			if _, dup := q.jobs[j.ID]; dup || j.ID == "" {
				continue
			}
			done := make(chan struct{})
			close(done)
			q.jobs[j.ID] = &entry{job: j, done: done}
			q.order = append(q.order, j.ID)
			if n, err := strconv.ParseUint(j.ID[max(0, len(j.ID)-8):], 16, 64); err == nil && n > q.seq {
				q.seq = n
			}
		}
		q.trimLocked()
	}
	return q
}

// newID returns a job id: a time prefix (sortable, unique across restarts)
// and a sequence number.
func (q *Queue) newID(now time.Time) string {
	q.seq++
	return fmt.Sprintf("j%x-%08x", now.Unix(), q.seq)
}

// Submit queues fn as a job of the given kind for repo and returns its
// initial snapshot. A closed queue returns a job that failed at once.
func (q *Queue) Submit(kind, repo string, fn Func) Job {
	now := time.Now()
	q.mu.Lock()
	id := q.newID(now)
	ctx, cancel := context.WithCancel(q.ctx)
	e := &entry{job: Job{ID: id, Kind: kind, Repo: repo, State: Queued, Created: now}, cancel: cancel, done: make(chan struct{})}
	q.jobs[id] = e
	q.order = append(q.order, id)
	if q.closed {
		e.job.State, e.job.Error, e.job.Ended = Failed, ErrClosed.Error(), now
		close(e.done)
		cancel()
		j := e.job
		q.mu.Unlock()
		return j
	}
	j := e.job
	q.wg.Add(1)
	start := q.running < q.opts.Workers
	if start {
		q.running++
	} else {
		q.waiting = append(q.waiting, waiter{ctx, e, fn})
	}
	q.mu.Unlock()
	q.publish(j)
	if start {
		go q.run(ctx, e, fn)
	}
	return j
}

func (q *Queue) run(ctx context.Context, e *entry, fn Func) {
	defer q.wg.Done()
	defer q.next()
	defer e.cancel()
	if ctx.Err() != nil {
		q.finish(e, nil, ctx.Err())
		return
	}
	q.update(e, func(j *Job) { j.State, j.Started = Running, time.Now() })
	res, err := q.call(ctx, e, fn)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	q.finish(e, res, err)
}

// next starts the oldest waiting job in the slot a finished job left, or
// frees the slot.
func (q *Queue) next() {
	q.mu.Lock()
	if len(q.waiting) == 0 {
		q.running--
		q.mu.Unlock()
		return
	}
	w := q.waiting[0]
	q.waiting = q.waiting[1:]
	q.mu.Unlock()
	go q.run(w.ctx, w.e, w.fn)
}

// call runs fn, turning a panic into an error.
func (q *Queue) call(ctx context.Context, e *entry, fn Func) (res any, err error) {
	defer func() {
		if p := recover(); p != nil {
			q.opts.Logger.Error("jobs: job panicked", "id", e.job.ID, "panic", p)
			err = fmt.Errorf("internal error: %v", p)
		}
	}()
	return fn(ctx, func(p Progress) { q.report(e, p) })
}

func (q *Queue) report(e *entry, p Progress) {
	now := time.Now()
	q.update(e, func(j *Job) {
		if p.Phase != e.phase || e.phaseAt.IsZero() || p.Done < e.phaseDone {
			e.phase, e.phaseAt, e.phaseDone = p.Phase, now, p.Done
		}
		if p.Total > 0 && p.Percent == 0 {
			p.Percent = min(100, 100*p.Done/p.Total)
		}
		if el := now.Sub(e.phaseAt).Seconds(); p.Rate == 0 && el >= 0.2 && p.Done > e.phaseDone {
			p.Rate = float64(p.Done-e.phaseDone) / el
		}
		if p.ETA == 0 && p.Rate > 0 && p.Total > p.Done {
			p.ETA = math.Round(float64(p.Total-p.Done)/p.Rate*10) / 10
		}
		j.Progress = p
	})
}

func (q *Queue) finish(e *entry, res any, err error) {
	q.update(e, func(j *Job) {
		j.Ended = time.Now()
		switch {
		case err == nil:
			j.State, j.Result = Succeeded, res
			if j.Progress.Total > 0 {
				j.Progress.Done = j.Progress.Total
			}
			j.Progress.Percent, j.Progress.ETA = 100, 0
		case errors.Is(err, context.Canceled):
			j.State, j.Error = Cancelled, "cancelled"
		default:
			j.State, j.Error = Failed, err.Error()
		}
	})
	q.mu.Lock()
	close(e.done)
	j := e.job
	q.trimLocked()
	q.mu.Unlock()
	if h := q.opts.History; h != nil {
		if err := h.SaveJob(j); err != nil {
			q.opts.Logger.Warn("jobs: save history", "id", j.ID, "err", err)
		}
	}
}

// update applies fn to e's job under the lock and publishes the result.
func (q *Queue) update(e *entry, fn func(*Job)) {
	q.mu.Lock()
	fn(&e.job)
	j := e.job
	q.mu.Unlock()
	q.publish(j)
}

// trimLocked forgets the oldest finished jobs beyond Keep.
func (q *Queue) trimLocked() {
	finished := 0
	for _, id := range q.order {
		if q.jobs[id].job.State.Terminal() {
			finished++
		}
	}
	if finished <= q.opts.Keep {
		return
	}
	drop := finished - q.opts.Keep
	kept := q.order[:0]
	for _, id := range q.order {
		if drop > 0 && q.jobs[id].job.State.Terminal() {
			delete(q.jobs, id)
			drop--
			continue
		}
		kept = append(kept, id)
	}
	q.order = kept
}

// Get returns the job with the given id.
func (q *Queue) Get(id string) (Job, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	e, ok := q.jobs[id]
	if !ok {
		return Job{}, false
	}
	return e.job, true
}

// List returns the jobs the queue knows, newest first.
func (q *Queue) List() []Job {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]Job, 0, len(q.order))
	for i := len(q.order) - 1; i >= 0; i-- {
		out = append(out, q.jobs[q.order[i]].job)
	}
	return out
}

// Cancel asks a queued or running job to stop. It returns at once; the job
// reaches Cancelled when its function returns.
func (q *Queue) Cancel(id string) error {
	q.mu.Lock()
	e, ok := q.jobs[id]
	var st State
	if ok {
		st = e.job.State
	}
	q.mu.Unlock()
	switch {
	case !ok:
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	case st.Terminal():
		return fmt.Errorf("%w: %s is %s", ErrFinished, id, st)
	}
	e.cancel()
	q.mu.Lock()
	for i, w := range q.waiting {
		if w.e == e {
			// Never started: it ends here, without taking a slot.
			q.waiting = slices.Delete(q.waiting, i, i+1)
			q.mu.Unlock()
			q.finish(e, nil, context.Canceled)
			q.wg.Done()
			return nil
		}
	}
	q.mu.Unlock()
	return nil
}

// Wait blocks until the job finishes or ctx is done and returns its last
// snapshot.
func (q *Queue) Wait(ctx context.Context, id string) (Job, error) {
	q.mu.Lock()
	e, ok := q.jobs[id]
	q.mu.Unlock()
	if !ok {
		return Job{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	select {
	case <-e.done:
	case <-ctx.Done():
		j, _ := q.Get(id)
		return j, ctx.Err()
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return e.job, nil
}

// Subscribe returns a channel of job snapshots: for id "" every change of
// every job, otherwise the job's current state first, then each change,
// and the channel is closed after its terminal state. A slow reader sees
// the newest state of each job rather than every intermediate one. Call
// the returned function to stop; it closes the channel if still open.
func (q *Queue) Subscribe(id string) (<-chan Job, func()) {
	s := &sub{id: id, pending: map[string]Job{}, wake: make(chan struct{}, 1)}
	q.mu.Lock()
	key := q.nextID
	q.nextID++
	q.subs[key] = s
	var first *Job
	if id != "" {
		if e, ok := q.jobs[id]; ok {
			j := e.job
			first = &j
		}
	}
	q.mu.Unlock()
	out := make(chan Job, 16)
	stop := make(chan struct{})
	var once sync.Once
	cancel := func() {
		once.Do(func() {
			q.mu.Lock()
			delete(q.subs, key)
			q.mu.Unlock()
			close(stop)
		})
	}
	go func() {
		defer close(out)
		if id != "" && first == nil {
			// Unknown job: nothing will ever arrive.
			cancel()
			return
		}
		if first != nil {
			select {
			case out <- *first:
			case <-stop:
				return
			}
			if first.State.Terminal() {
				cancel()
				return
			}
		}
		for {
			q.mu.Lock()
			var next *Job
			if len(s.order) > 0 {
				jid := s.order[0]
				s.order = s.order[1:]
				j := s.pending[jid]
				delete(s.pending, jid)
				next = &j
			}
			q.mu.Unlock()
			if next == nil {
				select {
				case <-s.wake:
					continue
				case <-stop:
					return
				}
			}
			select {
			case out <- *next:
			case <-stop:
				return
			}
			if id != "" && next.State.Terminal() {
				cancel()
				return
			}
		}
	}()
	return out, cancel
}

// publish hands j to the subscribers.
func (q *Queue) publish(j Job) {
	q.mu.Lock()
	for _, s := range q.subs {
		if s.id != "" && s.id != j.ID {
			continue
		}
		if _, ok := s.pending[j.ID]; !ok {
			s.order = append(s.order, j.ID)
		}
		s.pending[j.ID] = j
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
	q.mu.Unlock()
}

// Close cancels every job, waits for their functions to return and refuses
// new ones.
func (q *Queue) Close() {
	q.Stop()
	q.wg.Wait()
}

// Stop refuses new jobs and cancels every queued and running one, without
// waiting for their functions to return: a server told to shut down calls
// it at once, so that its jobs stop while it finishes in-flight requests,
// and Close later waits for them.
func (q *Queue) Stop() {
	q.mu.Lock()
	q.closed = true
	waiting := q.waiting
	q.waiting = nil
	q.mu.Unlock()
	q.cancel()
	for _, w := range waiting {
		q.finish(w.e, nil, context.Canceled)
		q.wg.Done()
	}
}
