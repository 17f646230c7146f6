package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/codegraph-dev/codegraph/internal/search"
)

// searchResponse is the answer of /search, /vector/search and
// /nodes/{id}/similar: the hits carry the same fields as
// `codegraph search --json`.
type searchResponse struct {
	Mode      search.Mode  `json:"mode"`
	Hits      []search.Hit `json:"hits"`
	Total     int          `json:"total"`
	Truncated bool         `json:"truncated,omitempty"`
	Note      string       `json:"note,omitempty"`
	TookMS    float64      `json:"took_ms"`
}

func toSearchResponse(res *search.Response) searchResponse {
	hits := res.Hits
	if hits == nil {
		hits = []search.Hit{}
	}
	return searchResponse{Mode: res.Mode, Hits: hits, Total: res.Total, Truncated: res.Truncated, Note: res.Note,
		TookMS: float64(res.Took.Microseconds()) / 1000}
}

// filters reads the search filters shared by the search routes.
func (q *qparams) filters() search.Request {
	req := search.Request{Langs: q.list("lang"), Kinds: q.list("kind"), Paths: q.r.URL.Query()["path"],
		Limit: q.intIn("limit", 10, 1, maxLimit), Threshold: q.float("threshold")}
	for _, k := range req.Kinds {
		if _, ok := parseNodeKind(k); !ok {
			q.fail("unknown kind %q (want one of %s)", k, nodeKindNames())
		}
	}
	return req
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	q := params(r)
	text := q.required("q")
	mode, err := search.ParseMode(strings.TrimSpace(q.str("mode")))
	if q.str("mode") == "" {
		mode, err = search.Hybrid, nil
	}
	if err != nil {
		q.fail("%v", err)
	}
	req := q.filters()
	req.Query, req.Mode, req.IgnoreCase = text, mode, q.boolean("ignore_case")
	if q.err != nil {
		return q.err
	}
	sn, release, err := s.snapshot(r)
	if err != nil {
		return err
	}
	defer release()
	key := cacheKey{snap: sn, req: canonicalQuery(r)}
	if v, ok := s.cache.get(key); ok {
		s.metrics.cache.WithLabelValues("hit").Inc()
		w.Header().Set("X-Cache", "hit")
		writeJSON(w, http.StatusOK, v)
		return nil
	}
	if s.cache != nil {
		s.metrics.cache.WithLabelValues("miss").Inc()
	}
	start := time.Now()
	res, err := sn.Searcher().Search(r.Context(), req)
	if err != nil {
		return err
	}
	s.metrics.search.WithLabelValues(string(mode)).Observe(time.Since(start).Seconds())
	out := toSearchResponse(res)
	s.cache.put(key, out)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// canonicalQuery identifies a GET request's answer: its path and sorted
// query parameters.
func canonicalQuery(r *http.Request) string {
	return r.URL.Path + "?" + r.URL.Query().Encode()
}

// vectorRequest is the body of POST /vector/search.
type vectorRequest struct {
	Vector    []float32 `json:"vector"`
	Limit     int       `json:"limit,omitempty"`
	Langs     []string  `json:"lang,omitempty"`
	Kinds     []string  `json:"kind,omitempty"`
	Paths     []string  `json:"path,omitempty"`
	Threshold float64   `json:"threshold,omitempty"`
}

func (s *Server) vectorSearch(w http.ResponseWriter, r *http.Request) error {
	var body vectorRequest
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if len(body.Vector) == 0 {
		return badRequest("vector is required: an array of numbers of the index's dimension")
	}
	if body.Limit == 0 {
		body.Limit = 10
	}
	if body.Limit < 1 || body.Limit > maxLimit {
		return badRequest("limit must be between 1 and %d", maxLimit)
	}
	for _, k := range body.Kinds {
		if _, ok := parseNodeKind(k); !ok {
			return badRequest("unknown kind %q (want one of %s)", k, nodeKindNames())
		}
	}
	sn, release, err := s.snapshot(r)
	if err != nil {
		return err
	}
	defer release()
	start := time.Now()
	res, err := sn.Searcher().SearchVector(r.Context(), body.Vector, search.Request{Langs: body.Langs, Kinds: body.Kinds,
		Paths: body.Paths, Limit: body.Limit, Threshold: body.Threshold})
	if err != nil {
		return err
	}
	s.metrics.search.WithLabelValues("vector").Observe(time.Since(start).Seconds())
	writeJSON(w, http.StatusOK, toSearchResponse(res))
	return nil
}

func (s *Server) similar(w http.ResponseWriter, r *http.Request) error {
	id, err := nodeID(r)
	if err != nil {
		return err
	}
	q := params(r)
	req := q.filters()
	if q.err != nil {
		return q.err
	}
	sn, release, err := s.snapshot(r)
	if err != nil {
		return err
	}
	defer release()
	start := time.Now()
	res, err := sn.Searcher().Similar(r.Context(), id, req)
	if err != nil {
		return err
	}
	s.metrics.search.WithLabelValues("similar").Observe(time.Since(start).Seconds())
	writeJSON(w, http.StatusOK, toSearchResponse(res))
	return nil
}
