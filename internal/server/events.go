package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// changeEventJSON is the data of a node event on GET /events.
type changeEventJSON struct {
	Type   string    `json:"type"`
	Repo   string    `json:"repo"`
	Source string    `json:"source"`
	Node   nodeJSON  `json:"node"`
	At     time.Time `json:"at"`
}

// summaryEventJSON is the data of a summary event on GET /events.
type summaryEventJSON struct {
	Type string `json:"type"` // "summary"
	service.UpdateSummary
}

// changeEvents streams the changes of the graphs the caller may see (or of
// ?repo=) as server-sent events: "created", "updated" and "deleted" node
// events selected by path, kind and lang, each update's followed by its
// "summary". The repository is resolved here, not by handle: without
// ?repo= the stream follows every repository the caller may see.
func (s *Server) changeEvents(w http.ResponseWriter, r *http.Request) error {
	q := params(r)
	f := service.EventFilter{Repo: q.str("repo"), Limit: q.intIn("limit", service.DefaultEventLimit, 1, service.MaxEventLimit),
		Nodes: service.NodeFilter{Kinds: q.nodeKinds("kind"), Langs: q.list("lang"), Paths: append(q.r.URL.Query()["file"], q.r.URL.Query()["path"]...)}}
	types := q.list("type")
	if q.err != nil {
		return q.err
	}
	if len(types) > 0 {
		summaries := false
		for _, t := range types {
			switch t {
			case "summary":
				summaries = true
			case service.EventCreated, service.EventUpdated, service.EventDeleted:
				f.Types = append(f.Types, t)
			default:
				return badRequest("unknown event type %q (created, updated, deleted, summary)", t)
			}
		}
		f.NoSummaries = !summaries
		f.NoEvents = len(f.Types) == 0
	}
	ch, err := s.svc.Changes(r.Context(), f)
	if err != nil {
		return err
	}
	rc := startSSE(w)
	tick := time.NewTicker(s.opts.SSEHeartbeat)
	defer tick.Stop()
	write := func(event string, v any) bool {
		b, err := json.Marshal(v)
		if err != nil {
			return false
		}
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
			return false
		}
		return true
	}
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-s.streamsCtx.Done():
			return nil
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil || rc.Flush() != nil {
				return nil
			}
		case c, ok := <-ch:
			if !ok {
				return nil
			}
			if c.Summary != nil {
				if !write("summary", summaryEventJSON{Type: "summary", UpdateSummary: *c.Summary}) {
					return nil
				}
			} else {
				e := c.Event
				if !write(e.Type, changeEventJSON{Type: e.Type, Repo: e.Repo, Source: e.Source, Node: nodeOf(&e.Node), At: e.At}) {
					return nil
				}
			}
			// Flush once the burst is written (a summary ends each update).
			if len(ch) == 0 && rc.Flush() != nil {
				return nil
			}
		}
	}
}

// isChangeStream reports the route that resolves its repository itself.
func isChangeStream(path string) bool { return strings.TrimSuffix(path, "/") == "/events" }
