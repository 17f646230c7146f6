package jobs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

func wait(t *testing.T, q *Queue, id string) Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	j, err := q.Wait(ctx, id)
	if err != nil {
		t.Fatalf("wait %s: %v", id, err)
	}
	return j
}

func TestLifecycle(t *testing.T) {
	q := New(Options{})
	defer q.Close()
	j := q.Submit("index", "repo", func(ctx context.Context, report func(Progress)) (any, error) {
		report(Progress{Phase: "parse", Done: 1, Total: 4})
		return map[string]int{"files": 4}, nil
	})
	if j.State != Queued || j.ID == "" || j.Kind != "index" || j.Repo != "repo" {
		t.Fatalf("submitted: %+v", j)
	}
	done := wait(t, q, j.ID)
	if done.State != Succeeded || done.Progress.Percent != 100 || done.Progress.Done != 4 || done.Started.IsZero() || done.Ended.Before(done.Started) {
		t.Fatalf("finished: %+v", done)
	}
	if done.Result.(map[string]int)["files"] != 4 {
		t.Fatalf("result: %v", done.Result)
	}
	fail := q.Submit("index", "", func(context.Context, func(Progress)) (any, error) { return nil, errors.New("boom") })
	if j := wait(t, q, fail.ID); j.State != Failed || j.Error != "boom" {
		t.Fatalf("failed job: %+v", j)
	}
	pan := q.Submit("index", "", func(context.Context, func(Progress)) (any, error) { panic("oops") })
	if j := wait(t, q, pan.ID); j.State != Failed || j.Error != "internal error: oops" {
		t.Fatalf("panicking job: %+v", j)
	}
	if l := q.List(); len(l) != 3 || l[0].ID != pan.ID || l[2].ID != j.ID {
		t.Fatalf("list not newest first: %+v", l)
	}
	if _, ok := q.Get("nope"); ok {
		t.Fatal("Get of unknown id")
	}
	if err := q.Cancel("nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("cancel unknown: %v", err)
	}
	if err := q.Cancel(j.ID); !errors.Is(err, ErrFinished) {
		t.Fatalf("cancel finished: %v", err)
	}
}

func TestCancelAndConcurrency(t *testing.T) {
	q := New(Options{Workers: 1})
	defer q.Close()
	var running, most atomic.Int32
	started := make(chan struct{}, 3)
	block := func(ctx context.Context, _ func(Progress)) (any, error) {
		n := running.Add(1)
		defer running.Add(-1)
		if n > most.Load() {
			most.Store(n)
		}
		started <- struct{}{}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	a := q.Submit("index", "", block)
	b := q.Submit("index", "", block)
	<-started
	if j, _ := q.Get(b.ID); j.State != Queued {
		t.Fatalf("second job should wait for the only worker: %+v", j)
	}
	// Cancelling a queued job never runs it.
	if err := q.Cancel(b.ID); err != nil {
		t.Fatal(err)
	}
	if j := wait(t, q, b.ID); j.State != Cancelled || !j.Started.IsZero() {
		t.Fatalf("cancelled queued job: %+v", j)
	}
	if err := q.Cancel(a.ID); err != nil {
		t.Fatal(err)
	}
	if j := wait(t, q, a.ID); j.State != Cancelled {
		t.Fatalf("cancelled running job: %+v", j)
	}
	if most.Load() != 1 {
		t.Fatalf("%d jobs ran at once with one worker", most.Load())
	}
}

func TestSubscribe(t *testing.T) {
	q := New(Options{})
	defer q.Close()
	all, stopAll := q.Subscribe("")
	defer stopAll()
	step := make(chan struct{})
	j := q.Submit("index", "r", func(ctx context.Context, report func(Progress)) (any, error) {
		for i := 1; i <= 3; i++ {
			<-step
			report(Progress{Phase: "parse", Done: i, Total: 3})
		}
		return nil, nil
	})
	one, stop := q.Subscribe(j.ID)
	defer stop()
	for range 3 {
		step <- struct{}{}
	}
	var states []State
	last := Progress{}
	for got := range one {
		if got.ID != j.ID {
			t.Fatalf("foreign job %s", got.ID)
		}
		states = append(states, got.State)
		if got.Progress.Done < last.Done {
			t.Fatalf("progress went back: %+v after %+v", got.Progress, last)
		}
		last = got.Progress
	}
	if len(states) == 0 || states[len(states)-1] != Succeeded {
		t.Fatalf("states seen: %v", states)
	}
	// The all-jobs channel saw it too, ending in Succeeded.
	deadline := time.After(5 * time.Second)
	for {
		select {
		case got := <-all:
			if got.ID == j.ID && got.State == Succeeded {
				goto unknown
			}
		case <-deadline:
			t.Fatal("all-jobs subscriber did not see the job finish")
		}
	}
unknown:
	ch, _ := q.Subscribe("nope")
	if _, ok := <-ch; ok {
		t.Fatal("subscription to an unknown job delivered something")
	}
	// A subscription to a finished job gets its final state and closes.
	ch, _ = q.Subscribe(j.ID)
	if got := <-ch; got.State != Succeeded {
		t.Fatalf("finished job: %+v", got)
	}
	if _, ok := <-ch; ok {
		t.Fatal("channel of a finished job stays open")
	}
}

func TestRateAndETA(t *testing.T) {
	q := New(Options{})
	defer q.Close()
	idc := make(chan string, 1)
	seen := make(chan Progress, 1)
	j := q.Submit("index", "", func(ctx context.Context, report func(Progress)) (any, error) {
		id := <-idc
		report(Progress{Phase: "parse", Done: 0, Total: 100})
		time.Sleep(300 * time.Millisecond)
		report(Progress{Phase: "parse", Done: 30, Total: 100})
		g, _ := q.Get(id)
		seen <- g.Progress
		return nil, nil
	})
	idc <- j.ID
	p := <-seen
	if p.Percent != 30 || p.Rate <= 0 || p.Rate > 200 || p.ETA <= 0 {
		t.Fatalf("progress: %+v", p)
	}
}

func TestHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobs.jsonl")
	h := &FileHistory{Path: path, Keep: 3}
	q := New(Options{History: h})
	var ids []string
	for i := range 8 {
		j := q.Submit("index", "r", func(context.Context, func(Progress)) (any, error) {
			if i == 7 {
				return nil, errors.New("bad")
			}
			return i, nil
		})
		wait(t, q, j.ID)
		ids = append(ids, j.ID)
	}
	q.Close()
	// A torn last line (a crash mid-append) is skipped.
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"id":"j1-00`)
	f.Close()
	q2 := New(Options{History: &FileHistory{Path: path, Keep: 3}})
	defer q2.Close()
	l := q2.List()
	if len(l) != 3 || l[0].ID != ids[7] || l[0].State != Failed || l[0].Error != "bad" || l[2].ID != ids[5] {
		t.Fatalf("history after restart: %+v", l)
	}
	// New ids do not collide with the loaded ones.
	j := q2.Submit("index", "r", func(context.Context, func(Progress)) (any, error) { return nil, nil })
	for _, id := range ids {
		if id == j.ID {
			t.Fatalf("id %s reused", id)
		}
	}
}

func TestInterruptedJobInHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobs.jsonl")
	h := NewFileHistory(path)
	if err := h.SaveJob(Job{ID: "j1-00000001", Kind: "index", State: Running, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	q := New(Options{History: NewFileHistory(path)})
	defer q.Close()
	j, ok := q.Get("j1-00000001")
	if !ok || j.State != Failed || j.Error == "" {
		t.Fatalf("interrupted job: %+v", j)
	}
}

func TestClosedQueue(t *testing.T) {
	q := New(Options{})
	q.Close()
	j := q.Submit("index", "", func(context.Context, func(Progress)) (any, error) { return nil, nil })
	if j.State != Failed || j.Error != ErrClosed.Error() {
		t.Fatalf("job on a closed queue: %+v", j)
	}
}

// TestStop: Stop cancels the running and the queued jobs at once and
// refuses new ones, without waiting for the running function to return.
func TestStop(t *testing.T) {
	q := New(Options{Workers: 1})
	defer q.Close()
	release := make(chan struct{})
	started := make(chan struct{})
	slow := q.Submit("index", "", func(ctx context.Context, _ func(Progress)) (any, error) {
		close(started)
		<-ctx.Done()
		<-release // a function that takes a while to notice
		return nil, ctx.Err()
	})
	queued := q.Submit("index", "", func(context.Context, func(Progress)) (any, error) { return nil, nil })
	<-started
	stopped := make(chan struct{})
	go func() { q.Stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("Stop waited for the running job")
	}
	if j := wait(t, q, queued.ID); j.State != Cancelled || !j.Started.IsZero() {
		t.Fatalf("queued job after Stop: %+v", j)
	}
	if j := q.Submit("index", "", func(context.Context, func(Progress)) (any, error) { return nil, nil }); j.State != Failed {
		t.Fatalf("job submitted after Stop: %+v", j)
	}
	close(release)
	if j := wait(t, q, slow.ID); j.State != Cancelled {
		t.Fatalf("running job after Stop: %+v", j)
	}
}
