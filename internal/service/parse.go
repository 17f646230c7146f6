package service

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/parse"
	"github.com/codegraph-dev/codegraph/internal/repofile"
)

// DefaultParseTimeout is the parse budget of one Parse call when
// Options.ParseTimeout is zero.
const DefaultParseTimeout = 10 * time.Second

// ParseRequest asks to extract the facts of a repository file (Path) or
// of a snippet (Content, with Language or a Path to detect it from).
// Nothing is stored.
type ParseRequest struct {
	Path     string
	Content  string
	Language string // a language or grammar name, or an alias (js, ts, py, c++, golang, ...)
}

// ParseResult is what Parse extracted.
type ParseResult struct {
	// File is the repository path parsed, or "snippet.<ext>" for a snippet
	// without a path.
	File string
	// Language is the language (typescript for tsx); Grammar the grammar.
	Language, Grammar string
	Nodes             []graph.Node
	Edges             []graph.Edge
	SyntaxErrors      int
	FirstError        string
}

// parsers is the service's bounded pool of tree-sitter parsers (C
// objects, closed with the service, never left to the garbage collector).
// Its size also bounds the parses running at once to the CPUs.
type parsers struct {
	timeout time.Duration // each parse's budget (Options.ParseTimeout)
	once    sync.Once
	x       *parse.Extractor
	pool    chan *parse.Parser
	made    chan struct{} // one token per parser that may still be made
}

func (p *parsers) init() {
	p.once.Do(func() {
		n := runtime.GOMAXPROCS(0)
		p.x = parse.NewExtractor()
		p.pool = make(chan *parse.Parser, n)
		p.made = make(chan struct{}, n)
		for range n {
			p.made <- struct{}{}
		}
	})
}

func (p *parsers) get(ctx context.Context) (*parse.Parser, error) {
	p.init()
	select {
	case ps := <-p.pool:
		return ps, nil
	default:
	}
	select {
	case ps := <-p.pool:
		return ps, nil
	case <-p.made:
		return p.x.NewParser(parse.Options{Timeout: p.timeout}), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *parsers) put(ps *parse.Parser) { p.pool <- ps }

// close releases the pooled parsers and the extractor; parses must have
// ended.
func (p *parsers) close() {
	p.once.Do(func() {}) // never made: nothing to close, and nothing made later
	if p.x == nil {
		return
	}
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

// Parse extracts the nodes and edges of one file of the repository, read
// with the shared file policy (ReadFile), or of a snippet, with a pooled
// parser. Errors: ErrInvalid (no input, a bad path, an unknown language),
// ErrForbidden/ErrNotFound from the file policy, ErrTooLarge (more than
// MaxParseBytes of source, or more than MaxParseItems facts),
// ErrParseTimeout (longer than ParseTimeout).
func (r *Repo) Parse(ctx context.Context, req ParseRequest) (*ParseResult, error) {
	rel := ""
	if strings.TrimSpace(req.Path) != "" {
		var err error
		if rel, err = repofile.Clean(req.Path); err != nil || strings.HasPrefix(rel, "@") {
			return nil, Invalidf("path %q must be relative to the repository root, without ..", req.Path)
		}
	}
	src := []byte(req.Content)
	if len(src) > MaxParseBytes {
		return nil, Errorf(CodeTooLarge, "content is %d bytes, more than the %d bytes a parse accepts: send a smaller part", len(src), MaxParseBytes)
	}
	if req.Content == "" {
		if rel == "" {
			return nil, Invalidf("give path (a file of the repository) or content (a snippet) with language")
		}
		var err error
		if src, err = r.ReadFile(rel, MaxParseBytes); err != nil {
			return nil, err
		}
	}
	grammar, err := GrammarFor(req.Language, rel, src)
	if err != nil {
		return nil, err
	}
	name := rel
	if name == "" {
		name = "snippet" + extFor(grammar)
	}
	pp := &r.svc.parsers
	ps, err := pp.get(ctx)
	if err != nil {
		return nil, err
	}
	res, err := ps.Parse(ctx, name, grammar, src)
	pp.put(ps)
	if err != nil {
		if errors.Is(err, parse.ErrTimeout) {
			return nil, Errorf(CodeParseTimeout, "parse %s: %w", name, err)
		}
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	if n := len(res.Nodes) + len(res.Edges); n > MaxParseItems {
		return nil, Errorf(CodeTooLarge, "%s gives %d nodes and edges, more than the %d one answer holds: parse a smaller part", name, n, MaxParseItems)
	}
	return &ParseResult{File: name, Language: lang.LanguageOf(grammar), Grammar: grammar, Nodes: res.Nodes, Edges: res.Edges,
		SyntaxErrors: res.SyntaxErrors, FirstError: res.FirstError}, nil
}

// GrammarFor picks the grammar of a parse: the language given (a language
// or grammar name: go, python, typescript, tsx, ..., or an alias: js, ts,
// py, c++, golang, rs, c#, rb), else the one the path names.
func GrammarFor(language, rel string, src []byte) (string, error) {
	if language != "" {
		if g, ok := lang.GrammarFor(language); ok { // names and aliases: internal/lang/<name>
			return g, nil
		}
		return "", Invalidf("unknown language %q (want one of %s)", language, strings.Join(lang.Languages(), ", "))
	}
	if rel == "" {
		return "", Invalidf("language is required with content (one of %s)", strings.Join(lang.Languages(), ", "))
	}
	g := lang.Detect(rel, func() []byte { return src[:min(len(src), 512)] })
	if g == "" {
		return "", Invalidf("cannot tell the language of %s: give its language (one of %s)", rel, strings.Join(lang.Languages(), ", "))
	}
	return lang.Refine(g, src), nil
}

// extFor is the file extension of a grammar, for a snippet's name.
func extFor(grammar string) string { return lang.Ext(grammar) }
