package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/parse"
	"github.com/codegraph-dev/codegraph/internal/repofile"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// parsers is a bounded pool of tree-sitter parsers (C objects: they are
// closed with the server, never left to the garbage collector). Its size
// also bounds the parses running at once to the CPUs.
type parsers struct {
	x    *parse.Extractor
	pool chan *parse.Parser
	made chan struct{} // one token per parser that may still be made
}

func newParsers() *parsers {
	n := runtime.GOMAXPROCS(0)
	p := &parsers{x: parse.NewExtractor(), pool: make(chan *parse.Parser, n), made: make(chan struct{}, n)}
	for range n {
		p.made <- struct{}{}
	}
	return p
}

func (p *parsers) get(ctx context.Context) (*parse.Parser, error) {
	select {
	case ps := <-p.pool:
		return ps, nil
	default:
	}
	select {
	case ps := <-p.pool:
		return ps, nil
	case <-p.made:
		return p.x.NewParser(parse.Options{Timeout: 10 * time.Second}), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *parsers) put(ps *parse.Parser) { p.pool <- ps }

// close releases the pooled parsers and the extractor. Parses must have
// ended.
func (p *parsers) close() {
	for {
		select {
		case ps := <-p.pool:
			ps.Close()
		default:
			p.x.Close()
			return
		}
	}
}

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
	rel := ""
	if strings.TrimSpace(body.Path) != "" {
		var err error
		if rel, err = repofile.Clean(body.Path); err != nil || strings.HasPrefix(rel, "@") {
			return badRequest("path %q must be relative to the repository root, without ..", body.Path)
		}
	}
	src := []byte(body.Content)
	if len(src) > service.MaxParseBytes {
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: codeTooLarge,
			Message: sprintf("content is %d bytes, more than the %d bytes /parse accepts: send a smaller part", len(src), service.MaxParseBytes)}
	}
	if body.Content == "" {
		if rel == "" {
			return badRequest("give path (a file of the repository) or content (a snippet) with language")
		}
		repo, err := s.repo(r)
		if err != nil {
			return err
		}
		// The shared reader applies the file policy to the final target
		// (secrets, .git, links out of the root, FIFOs and devices,
		// binary content, size).
		if src, err = repo.ReadFile(rel, service.MaxParseBytes); err != nil {
			return err
		}
	}
	grammar, err := grammarFor(body.Language, rel, src)
	if err != nil {
		return err
	}
	name := rel
	if name == "" {
		name = "snippet" + extFor(grammar)
	}
	ps, err := s.parsers.get(r.Context())
	if err != nil {
		return err
	}
	res, err := ps.Parse(r.Context(), name, grammar, src)
	s.parsers.put(ps)
	if err != nil {
		if errors.Is(err, parse.ErrTimeout) {
			return &apiError{Status: http.StatusUnprocessableEntity, Code: codeUnprocessable, Message: err.Error()}
		}
		return err
	}
	if n := len(res.Nodes) + len(res.Edges); n > service.MaxParseItems {
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: codeTooLarge,
			Message: sprintf("%s gives %d nodes and edges, more than the %d one answer holds: parse a smaller part", name, n, service.MaxParseItems)}
	}
	out := parseResponse{File: name, Language: lang.LanguageOf(grammar), Nodes: make([]nodeJSON, len(res.Nodes)),
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
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: codeTooLarge,
			Message: sprintf("the answer for %s would be %d bytes, more than %d: parse a smaller part", name, buf.Len(), service.MaxParseAnswerBytes)}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// grammarFor picks the grammar: the language given (a language or
// grammar name: go, python, typescript, tsx, ...), else the one the path
// names.
func grammarFor(language, rel string, src []byte) (string, error) {
	if language != "" {
		if g, ok := lang.GrammarFor(language); ok {
			return g, nil
		}
		return "", badRequest("unknown language %q (want one of %s)", language, strings.Join(lang.Languages(), ", "))
	}
	if rel == "" {
		return "", badRequest("language is required with content (one of %s)", strings.Join(lang.Languages(), ", "))
	}
	g := lang.Detect(rel, func() []byte { return src })
	if g == "" {
		return "", badRequest("cannot tell the language of %s: pass language", rel)
	}
	return lang.Refine(g, src), nil
}

func extFor(grammar string) string { return lang.Ext(grammar) }

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
