package server

import (
	"bufio"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// Streams write one JSON object per line from a store snapshot, in id
// order. Memory stays constant (one item at a time through a 32 KiB
// buffer); the writer blocks when the client reads slowly (TCP
// back-pressure), and the scan stops at the next item when the client
// goes away.
const (
	streamFlushItems = 512
	streamFlushEvery = 200 * time.Millisecond
)

// errStreamStop ends a scan early (client gone or limit reached).
var errStreamStop = errors.New("stream stopped")

// ndjson is a line writer for one stream.
type ndjson struct {
	w     http.ResponseWriter
	rc    *http.ResponseController
	bw    *bufio.Writer
	enc   *json.Encoder
	n     int
	last  time.Time
	limit int
}

func newNDJSON(w http.ResponseWriter, limit int) *ndjson {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{})
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 32<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &ndjson{w: w, rc: rc, bw: bw, enc: enc, last: time.Now(), limit: limit}
}

// write encodes v as one line, flushing every few hundred items or
// fractions of a second.
func (s *ndjson) write(r *http.Request, v any) error {
	if s.limit > 0 && s.n >= s.limit {
		return errStreamStop
	}
	if s.n%64 == 0 && r.Context().Err() != nil {
		return errStreamStop
	}
	if err := s.enc.Encode(v); err != nil {
		return errStreamStop
	}
	s.n++
	if s.n%streamFlushItems == 0 || time.Since(s.last) >= streamFlushEvery {
		return s.flush()
	}
	return nil
}

func (s *ndjson) flush() error {
	s.last = time.Now()
	if err := s.bw.Flush(); err != nil {
		return errStreamStop
	}
	if err := s.rc.Flush(); err != nil {
		return errStreamStop
	}
	return nil
}

func (s *Server) streamNodes(w http.ResponseWriter, r *http.Request) error {
	q := params(r)
	kinds := q.nodeKinds("kind")
	langs := q.list("lang")
	globs := append(q.r.URL.Query()["file"], q.r.URL.Query()["path"]...)
	limit := q.intIn("limit", 0, 0, 1<<30)
	if q.err != nil {
		return q.err
	}
	keep, err := service.NodeFilter{Kinds: kinds, Langs: langs, Paths: globs}.Matcher()
	if err != nil {
		return err
	}
	sn, release, err := s.snapshot(r)
	if err != nil {
		return err
	}
	defer release()
	out := newNDJSON(w, limit)
	counter := s.metrics.streamed.WithLabelValues("nodes")
	err = sn.Store.AllNodes(func(n graph.Node) error {
		if !keep(&n) {
			return nil
		}
		counter.Inc()
		return out.write(r, nodeOf(&n))
	})
	if err != nil && !errors.Is(err, errStreamStop) {
		s.log.Warn("node stream failed", "err", err)
	}
	_ = out.flush()
	return nil
}

func (s *Server) streamEdges(w http.ResponseWriter, r *http.Request) error {
	q := params(r)
	kinds := q.edgeKinds("kind")
	resolvedOnly := q.boolean("resolved")
	limit := q.intIn("limit", 0, 0, 1<<30)
	if q.err != nil {
		return q.err
	}
	sn, release, err := s.snapshot(r)
	if err != nil {
		return err
	}
	defer release()
	var want uint64
	for _, k := range kinds {
		want |= 1 << k
	}
	out := newNDJSON(w, limit)
	counter := s.metrics.streamed.WithLabelValues("edges")
	err = sn.Store.AllEdges(func(e graph.Edge) error {
		if want != 0 && want&(1<<e.Kind) == 0 {
			return nil
		}
		if resolvedOnly && e.Dst == 0 {
			return nil
		}
		counter.Inc()
		return out.write(r, edgeOf(&e))
	})
	if err != nil && !errors.Is(err, errStreamStop) {
		s.log.Warn("edge stream failed", "err", err)
	}
	_ = out.flush()
	return nil
}
