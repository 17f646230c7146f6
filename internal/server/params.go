package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// List bounds: every list answer has a limit and a cursor.
const (
	defaultLimit = 50
	maxLimit     = 1000
)

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// writeJSON answers v as JSON with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// decodeJSON reads the request body into v: one JSON value, no unknown
// fields, within the server's body size limit.
func decodeJSON(r *http.Request, v any) error {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return badRequest("a JSON body is required")
	}
	// A JSON body must say so: a browser sends text/plain or a form
	// cross-origin without a preflight, so refusing them closes that CSRF
	// path (media types compare without regard to case).
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return &apiError{Status: http.StatusUnsupportedMediaType, Code: codeBadRequest, Message: "Content-Type must be application/json"}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		if errors.Is(err, io.EOF) {
			return badRequest("a JSON body is required")
		}
		return badRequest("invalid JSON body: %v", err)
	}
	if dec.More() {
		return badRequest("invalid JSON body: more than one value")
	}
	return nil
}

// query reads the URL query parameters of one request, collecting the
// first error so that handlers read all their parameters and check once.
type qparams struct {
	r   *http.Request
	err error
}

func params(r *http.Request) *qparams { return &qparams{r: r} }

func (q *qparams) fail(format string, args ...any) {
	if q.err == nil {
		q.err = badRequest(format, args...)
	}
}

func (q *qparams) str(name string) string { return q.r.URL.Query().Get(name) }

// list reads a repeated or comma-separated parameter.
func (q *qparams) list(name string) []string {
	var out []string
	for _, v := range q.r.URL.Query()[name] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func (q *qparams) intIn(name string, def, lo, hi int) int {
	s := q.str(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		q.fail("%s must be an integer between %d and %d, got %q", name, lo, hi, s)
		return def
	}
	return n
}

func (q *qparams) float(name string) float64 {
	s := q.str(name)
	if s == "" {
		return 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		q.fail("%s must be a number, got %q", name, s)
	}
	return f
}

func (q *qparams) boolean(name string) bool {
	s := q.str(name)
	if s == "" {
		return false
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		q.fail("%s must be true or false, got %q", name, s)
	}
	return b
}

func (q *qparams) limit() int { return q.intIn("limit", defaultLimit, 1, maxLimit) }

// required reads a parameter that must be present.
func (q *qparams) required(name string) string {
	s := strings.TrimSpace(q.str(name))
	if s == "" {
		q.fail("query parameter %s is required", name)
	}
	return s
}

// edgeKinds reads a kind filter of edge kinds.
func (q *qparams) edgeKinds(name string) []graph.EdgeKind {
	var out []graph.EdgeKind
	for _, s := range q.list(name) {
		k, ok := graph.ParseEdgeKind(s)
		if !ok {
			q.fail("unknown edge kind %q (want one of %s)", s, edgeKindNames())
			continue
		}
		out = append(out, k)
	}
	return out
}

// nodeKinds reads a kind filter of node kinds.
func (q *qparams) nodeKinds(name string) []graph.NodeKind {
	var out []graph.NodeKind
	for _, s := range q.list(name) {
		k, ok := parseNodeKind(s)
		if !ok {
			q.fail("unknown node kind %q (want one of %s)", s, nodeKindNames())
			continue
		}
		out = append(out, k)
	}
	return out
}

func edgeKindNames() string {
	var names []string
	for _, k := range graph.EdgeKinds() {
		names = append(names, k.String())
	}
	return strings.Join(names, ", ")
}

func nodeKindNames() string {
	var names []string
	for _, k := range graph.NodeKinds() {
		names = append(names, k.String())
	}
	return strings.Join(names, ", ")
}

// nodeID reads the {id} path value.
func nodeID(r *http.Request) (graph.NodeID, error) {
	s := r.PathValue("id")
	id, err := graph.ParseNodeID(s)
	if err != nil || id.IsZero() {
		return 0, badRequest("%q is not a node id (16 hex digits)", s)
	}
	return id, nil
}

// parseNodeKind reads a node kind name, ignoring case.
func parseNodeKind(s string) (graph.NodeKind, bool) {
	return graph.ParseNodeKind(strings.ToLower(strings.TrimSpace(s)))
}
