package server

import (
	"encoding/base64"
	"errors"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// nodePage is the answer of GET /nodes.
type nodePage struct {
	Nodes      []nodeJSON `json:"nodes"`
	Count      int        `json:"count"`
	NextCursor string     `json:"next_cursor,omitempty"`
}

// errPageFull stops a scan once a page is full.
var errPageFull = errors.New("page full")

// listNodes lists nodes matching the filters, one page at a time. Pages
// follow id order (or, for one file, source order), and a cursor resumes
// after the last node of the previous page.
func (s *Server) listNodes(w http.ResponseWriter, r *http.Request) error {
	q := params(r)
	kinds := q.nodeKinds("kind")
	langs := q.list("lang")
	globs := append(q.r.URL.Query()["file"], q.r.URL.Query()["path"]...)
	name := strings.TrimSpace(q.str("name"))
	limit := q.limit()
	cursor := q.str("cursor")
	if q.err != nil {
		return q.err
	}
	qh := queryHash(r, "cursor", "limit")
	pos, err := decodePageCursor(cursor, qh)
	if err != nil {
		return err
	}
	sn, release, err := s.snapshot(r)
	if err != nil {
		return err
	}
	defer release()
	st := sn.Store
	keep := nodeFilter(kinds, langs, globs, name)
	page := nodePage{Nodes: make([]nodeJSON, 0, min(limit, 64))}
	var last graph.NodeID
	ctx := r.Context()
	seen := 0
	collect := func(n graph.Node) error {
		if seen++; seen%256 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if !keep(&n) {
			return nil
		}
		if len(page.Nodes) == limit {
			return errPageFull
		}
		page.Nodes = append(page.Nodes, nodeOf(&n))
		last = n.ID
		return nil
	}

	switch {
	case len(globs) == 1 && isPlainPath(globs[0]):
		// One file: source order, resumed by offset.
		off := 0
		err = st.NodesInFile(globs[0], func(n graph.Node) error {
			if !keep(&n) {
				return nil
			}
			if off++; uint64(off) <= pos {
				return nil
			}
			return collect(n)
		})
		if errors.Is(err, errPageFull) {
			err = nil
			page.NextCursor = encodePageCursor(pos+uint64(len(page.Nodes)), qh)
		}
	default:
		// Id order, resumed at the id after the last one.
		from := graph.NodeID(pos)
		scan := func(fn func(graph.Node) error) error { return st.NodesFrom(from, fn) }
		if name != "" {
			scan = func(fn func(graph.Node) error) error { return st.NodesByName(name, skipBelow(from, fn)) }
		} else if len(kinds) == 1 {
			scan = func(fn func(graph.Node) error) error { return st.NodesByKind(kinds[0], skipBelow(from, fn)) }
		}
		err = scan(collect)
		if errors.Is(err, errPageFull) {
			err = nil
			page.NextCursor = encodePageCursor(uint64(last)+1, qh)
		}
	}
	if err != nil {
		return err
	}
	page.Count = len(page.Nodes)
	writeJSON(w, http.StatusOK, page)
	return nil
}

func skipBelow(from graph.NodeID, fn func(graph.Node) error) func(graph.Node) error {
	return func(n graph.Node) error {
		if n.ID < from {
			return nil
		}
		return fn(n)
	}
}

// isPlainPath reports whether a file filter names one file rather than a
// glob.
func isPlainPath(p string) bool { return p != "" && !strings.ContainsAny(p, "*?[!\\") }

// queryHash identifies a request's query parameters (except the given
// ones), so that a cursor is only accepted by the query it came from.
func queryHash(r *http.Request, except ...string) uint32 {
	v := r.URL.Query()
	for _, e := range except {
		v.Del(e)
	}
	h := fnv.New32a()
	h.Write([]byte(r.URL.Path))
	h.Write([]byte{0})
	h.Write([]byte(v.Encode()))
	return h.Sum32()
}

func encodePageCursor(pos uint64, qh uint32) string {
	return base64.RawURLEncoding.EncodeToString([]byte("p1." + strconv.FormatUint(pos, 36) + "." + strconv.FormatUint(uint64(qh), 36)))
}

func decodePageCursor(c string, qh uint32) (uint64, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	parts := strings.Split(string(b), ".")
	if err != nil || len(parts) != 3 || parts[0] != "p1" {
		return 0, badRequest("invalid cursor %q", c)
	}
	pos, err1 := strconv.ParseUint(parts[1], 36, 64)
	h, err2 := strconv.ParseUint(parts[2], 36, 32)
	if err1 != nil || err2 != nil {
		return 0, badRequest("invalid cursor %q", c)
	}
	if uint32(h) != qh {
		return 0, badRequest("the cursor belongs to another query (same filters required)")
	}
	return pos, nil
}

func (s *Server) getNode(w http.ResponseWriter, r *http.Request) error {
	id, err := nodeID(r)
	if err != nil {
		return err
	}
	sn, release, err := s.snapshot(r)
	if err != nil {
		return err
	}
	defer release()
	n, err := sn.Store.Node(id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return notFound("no node %s", id)
		}
		return err
	}
	writeJSON(w, http.StatusOK, nodeOf(&n))
	return nil
}

// edgePage is the answer of GET /nodes/{id}/edges.
type edgePage struct {
	Node       string     `json:"node"`
	Direction  string     `json:"direction"`
	Edges      []edgeJSON `json:"edges"`
	Count      int        `json:"count"`
	NextCursor string     `json:"next_cursor,omitempty"`
}

// nodeEdges lists a node's outgoing and/or incoming edges (outgoing
// first), by kind, one page at a time.
func (s *Server) nodeEdges(w http.ResponseWriter, r *http.Request) error {
	id, err := nodeID(r)
	if err != nil {
		return err
	}
	q := params(r)
	dir := q.str("direction")
	if dir == "" {
		dir = "both"
	}
	if dir != "in" && dir != "out" && dir != "both" {
		q.fail("direction must be in, out or both, got %q", dir)
	}
	kinds := q.edgeKinds("kind")
	limit := q.limit()
	cursor := q.str("cursor")
	if q.err != nil {
		return q.err
	}
	qh := queryHash(r, "cursor", "limit")
	pos, err := decodePageCursor(cursor, qh)
	if err != nil {
		return err
	}
	sn, release, err := s.snapshot(r)
	if err != nil {
		return err
	}
	defer release()
	if _, err := sn.Store.Node(id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return notFound("no node %s", id)
		}
		return err
	}
	page := edgePage{Node: id.String(), Direction: dir, Edges: []edgeJSON{}}
	off := uint64(0)
	collect := func(e graph.Edge) error {
		if off++; off <= pos {
			return nil
		}
		if len(page.Edges) == limit {
			return errPageFull
		}
		page.Edges = append(page.Edges, edgeOf(&e))
		return nil
	}
	if dir != "in" {
		err = sn.Store.OutEdges(id, kinds, collect)
	}
	if err == nil && dir != "out" {
		err = sn.Store.InEdges(id, kinds, collect)
	}
	if errors.Is(err, errPageFull) {
		err = nil
		page.NextCursor = encodePageCursor(pos+uint64(len(page.Edges)), qh)
	}
	if err != nil {
		return err
	}
	page.Count = len(page.Edges)
	writeJSON(w, http.StatusOK, page)
	return nil
}
