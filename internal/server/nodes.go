package server

import (
	"encoding/base64"
	"errors"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// nodePage is the answer of GET /nodes.
type nodePage struct {
	Nodes      []nodeJSON `json:"nodes"`
	Count      int        `json:"count"`
	NextCursor string     `json:"next_cursor,omitempty"`
}

// listNodes lists nodes matching the filters, one page at a time, through
// the service's one listing operation (id order; the cursor resumes after
// the last node of the previous page).
func (s *Server) listNodes(w http.ResponseWriter, r *http.Request) error {
	q := params(r)
	f := service.NodeFilter{Kinds: q.nodeKinds("kind"), Langs: q.list("lang"),
		Paths: append(q.r.URL.Query()["file"], q.r.URL.Query()["path"]...), Name: strings.TrimSpace(q.str("name"))}
	limit := q.limit()
	cursor := q.str("cursor")
	if q.err != nil {
		return q.err
	}
	sn, release, err := s.snapshot(r)
	if err != nil {
		return err
	}
	defer release()
	list, err := sn.ListNodes(r.Context(), service.ListRequest{Filter: f, Limit: limit, Cursor: cursor})
	if err != nil {
		return err
	}
	page := nodePage{Nodes: make([]nodeJSON, 0, len(list.Nodes)), NextCursor: list.NextCursor}
	for i := range list.Nodes {
		page.Nodes = append(page.Nodes, nodeOf(&list.Nodes[i]))
	}
	page.Count = len(page.Nodes)
	writeJSON(w, http.StatusOK, page)
	return nil
}

// errPageFull stops a scan once a page is full.
var errPageFull = errors.New("page full")

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
	n, err := sn.Node(id)
	if err != nil {
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
	if _, err := sn.Node(id); err != nil {
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
