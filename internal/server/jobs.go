package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/codegraph-dev/codegraph/internal/jobs"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// indexRequest is the (optional) body of POST /index.
type indexRequest struct {
	// Force rebuilds from scratch instead of updating incrementally.
	Force bool `json:"force,omitempty"`
}

func (s *Server) startIndex(w http.ResponseWriter, r *http.Request) error {
	var body indexRequest
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &body); err != nil {
			return err
		}
	}
	q := params(r)
	if q.boolean("force") {
		body.Force = true
	}
	if q.err != nil {
		return q.err
	}
	repo, err := s.repo(r)
	if err != nil {
		return err
	}
	job := repo.Index(body.Force)
	w.Header().Set("Location", "/jobs/"+job.ID)
	writeJSON(w, http.StatusAccepted, job)
	return nil
}

// jobList is the answer of GET /jobs.
type jobList struct {
	Jobs       []jobs.Job `json:"jobs"`
	Total      int        `json:"total"`
	NextCursor string     `json:"next_cursor,omitempty"`
}

func (s *Server) listJobs(w http.ResponseWriter, r *http.Request) error {
	q := params(r)
	limit := q.limit()
	state := q.str("state")
	repoName := q.str("repo")
	cursor := q.str("cursor")
	if q.err != nil {
		return q.err
	}
	all := s.svc.Jobs().List() // newest first
	var sel []jobs.Job
	for _, j := range all {
		if (state == "" || string(j.State) == state) && (repoName == "" || j.Repo == repoName) && service.Visible(r.Context(), j.Repo) {
			sel = append(sel, j)
		}
	}
	start := 0
	if cursor != "" {
		// The cursor is the id of the last job of the previous page: ids
		// are stable while jobs are added at the front.
		start = -1
		for i, j := range sel {
			if j.ID == cursor {
				start = i + 1
				break
			}
		}
		if start < 0 {
			return badRequest("invalid cursor %q (the job it names is gone: list again)", cursor)
		}
	}
	end := min(start+limit, len(sel))
	out := jobList{Jobs: sel[start:end], Total: len(sel)}
	if out.Jobs == nil {
		out.Jobs = []jobs.Job{}
	}
	if end < len(sel) && end > start {
		out.NextCursor = sel[end-1].ID
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request) error {
	j, ok := s.svc.Jobs().Get(r.PathValue("id"))
	if !ok || !service.Visible(r.Context(), j.Repo) {
		return notFound("no job %q", r.PathValue("id"))
	}
	writeJSON(w, http.StatusOK, j)
	return nil
}

func (s *Server) cancelJob(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if j, ok := s.svc.Jobs().Get(id); ok {
		if !service.Visible(r.Context(), j.Repo) {
			return notFound("no job %q", id)
		}
		if _, err := s.svc.RepoFor(r.Context(), j.Repo, service.ReadWrite); err != nil {
			return err
		}
	}
	err := s.svc.Jobs().Cancel(id)
	switch {
	case errors.Is(err, jobs.ErrNotFound):
		return notFound("no job %q", id)
	case errors.Is(err, jobs.ErrFinished):
		return &apiError{Status: http.StatusConflict, Code: codeConflict, Message: fmt.Sprintf("job %s has already finished", id)}
	case err != nil:
		return err
	}
	j, _ := s.svc.Jobs().Get(id)
	writeJSON(w, http.StatusAccepted, j)
	return nil
}

// jobEvents streams a job's progress as server-sent events: a "progress"
// event with the job for each change (the current state first), then a
// final "done" event with its terminal state, then the stream closes.
// Comments keep idle connections alive.
func (s *Server) jobEvents(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if j, ok := s.svc.Jobs().Get(id); !ok || !service.Visible(r.Context(), j.Repo) {
		return notFound("no job %q", id)
	}
	ch, cancel := s.svc.Jobs().Subscribe(id)
	defer cancel()
	rc := startSSE(w)
	tick := time.NewTicker(s.opts.SSEHeartbeat)
	defer tick.Stop()
	seq := 0
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-s.streamsCtx.Done():
			return nil
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return nil
			}
			if rc.Flush() != nil {
				return nil
			}
		case j, ok := <-ch:
			if !ok {
				return nil
			}
			seq++
			event := "progress"
			if j.State.Terminal() {
				event = "done"
			}
			b, _ := json.Marshal(j)
			if _, err := fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", seq, event, b); err != nil {
				return nil
			}
			if rc.Flush() != nil {
				return nil
			}
			if j.State.Terminal() {
				return nil
			}
		}
	}
}

// startSSE starts a server-sent event stream: no write deadline (the
// stream outlives the server's write timeout), the event-stream headers
// (no caching, no proxy buffering), 200 sent at once. It returns the
// controller that flushes each event.
func startSSE(w http.ResponseWriter) *http.ResponseController {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	_ = rc.Flush()
	return rc
}
