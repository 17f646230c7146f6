package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// parseRequest is the body of POST /parse: a file of the repository
// (path), or a snippet (content) with its language or a path to detect
// the language from.
type parseRequest struct {
	Path     string `json:"path,omitempty"`
	Content  string `json:"content,omitempty"`
	Language string `json:"language,omitempty"`
}

// parseResponse is what POST /parse extracted (nothing is stored).
type parseResponse struct {
	File         string     `json:"file"`
	Language     string     `json:"language"`
	Nodes        []nodeJSON `json:"nodes"`
	Edges        []edgeJSON `json:"edges"`
	SyntaxErrors int        `json:"syntax_errors"`
	FirstError   string     `json:"first_error,omitempty"`
}

func (s *Server) parse(w http.ResponseWriter, r *http.Request) error {
	var body parseRequest
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	repo, err := s.repo(r)
	if err != nil {
		return err
	}
	res, err := repo.Parse(r.Context(), service.ParseRequest{Path: body.Path, Content: body.Content, Language: body.Language})
	if err != nil {
		return err
	}
	out := parseResponse{File: res.File, Language: res.Language, Nodes: make([]nodeJSON, len(res.Nodes)),
		Edges: make([]edgeJSON, len(res.Edges)), SyntaxErrors: res.SyntaxErrors, FirstError: res.FirstError}
	for i := range res.Nodes {
		out.Nodes[i] = nodeOf(&res.Nodes[i])
	}
	for i := range res.Edges {
		out.Edges[i] = edgeOf(&res.Edges[i])
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return err
	}
	if buf.Len() > service.MaxParseAnswerBytes {
		return service.Errorf(service.CodeTooLarge, "the answer for %s would be %d bytes, more than %d: parse a smaller part", res.File, buf.Len(), service.MaxParseAnswerBytes)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// nodeJSON is a node as the API gives it.
type nodeJSON struct {
	ID            string `json:"id"`
	Kind          string `json:"kind"`
	Name          string `json:"name"`
	QualifiedName string `json:"qualified_name"`
	Language      string `json:"language,omitempty"`
	File          string `json:"file"`
	Line          uint32 `json:"line"`
	EndLine       uint32 `json:"end_line"`
	StartByte     uint32 `json:"start_byte"`
	EndByte       uint32 `json:"end_byte"`
	Signature     string `json:"signature,omitempty"`
	Doc           string `json:"doc,omitempty"`
	Visibility    string `json:"visibility,omitempty"`
	Parent        string `json:"parent,omitempty"`
	// API is set on nodes created through the API (stored in synthetic
	// files under graph.APIPrefix); only those can be updated or deleted.
	API bool `json:"api,omitempty"`
}

func nodeOf(n *graph.Node) nodeJSON {
	j := nodeJSON{ID: n.ID.String(), Kind: n.Kind.String(), Name: n.Name, QualifiedName: n.QualifiedName,
		Language: n.Language, File: n.File, Line: n.StartLine, EndLine: n.EndLine, StartByte: n.StartByte,
		EndByte: n.EndByte, Signature: n.Signature, Doc: n.Doc, API: strings.HasPrefix(n.File, graph.APIPrefix)}
	if n.Visibility != graph.VisUnknown {
		j.Visibility = n.Visibility.String()
	}
	if n.Parent != 0 {
		j.Parent = n.Parent.String()
	}
	return j
}
