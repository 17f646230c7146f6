package graphql

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/parse"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/service"
)

type mutationResolver resolver

// repo returns the repository a mutation names, which the caller must
// be able to see and have need on (role bindings).
func (r *mutationResolver) repo(ctx context.Context, name *string, need service.Access) (*service.Repo, error) {
	return r.s.svc.RepoFor(ctx, str(name), need)
}

func optInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func (r *mutationResolver) CreateNode(ctx context.Context, input CreateNodeInput, repo *string) (*Node, error) {
	rp, err := r.repo(ctx, repo, operationAccess["Mutation.createNode"])
	if err != nil {
		return nil, err
	}
	k, ok := input.NodeType.Kind()
	if !ok {
		return nil, badInput("unknown node type %q", input.NodeType)
	}
	n, err := rp.CreateNode(ctx, service.NodeInput{Kind: k.String(), Name: input.Name, QualifiedName: str(input.QualifiedName),
		File: str(input.FilePath), Language: str(input.Language), Line: optInt(input.LineNumber), EndLine: optInt(input.EndLine),
		Signature: str(input.Signature), Doc: str(input.Doc)})
	if err != nil {
		return nil, err
	}
	return newNode(rp.Name(), n), nil
}

func (r *mutationResolver) UpdateNode(ctx context.Context, id string, input UpdateNodeInput, repo *string) (*Node, error) {
	nid, err := parseID(id)
	if err != nil {
		return nil, err
	}
	rp, err := r.repo(ctx, repo, operationAccess["Mutation.updateNode"])
	if err != nil {
		return nil, err
	}
	n, err := rp.UpdateNode(ctx, nid, service.NodePatch{Name: input.Name, QualifiedName: input.QualifiedName, Language: input.Language,
		Line: input.LineNumber, EndLine: input.EndLine, Signature: input.Signature, Doc: input.Doc})
	if err != nil {
		return nil, err
	}
	return newNode(rp.Name(), n), nil
}

func (r *mutationResolver) DeleteNode(ctx context.Context, id string, repo *string) (bool, error) {
	nid, err := parseID(id)
	if err != nil {
		return false, err
	}
	rp, err := r.repo(ctx, repo, operationAccess["Mutation.deleteNode"])
	if err != nil {
		return false, err
	}
	if err := rp.DeleteNode(ctx, nid); err != nil {
		return false, err
	}
	return true, nil
}

// cleanRel checks that p is a clean repository-relative path.
func cleanRel(p string) (string, error) {
	p = strings.TrimSpace(p)
	if p == "" {
		return "", badInput("path is required")
	}
	c := path.Clean(strings.TrimPrefix(p, "./"))
	if c != strings.TrimPrefix(p, "./") || strings.HasPrefix(c, "/") || c == ".." || strings.HasPrefix(c, "../") || strings.Contains(c, "\\") || strings.ContainsRune(c, 0) {
		return "", badInput("path %q must be a clean repository-relative path with forward slashes", p)
	}
	return c, nil
}

func (r *mutationResolver) ParseFile(ctx context.Context, input ParseFileInput) (*ParseResult, error) {
	rel, err := cleanRel(input.Path)
	if err != nil {
		return nil, err
	}
	var src []byte
	if input.Content != nil {
		src = []byte(*input.Content)
		if len(src) > service.MaxParseBytes {
			return nil, fmt.Errorf("%w: content is %d bytes, more than the %d bytes parseFile accepts: send a smaller part", service.ErrTooLarge, len(src), service.MaxParseBytes)
		}
	} else {
		rp, err := r.s.svc.RepoFor(ctx, str(input.Repo), service.ReadOnly)
		if err != nil {
			return nil, err
		}
		// The shared reader applies the file policy to the final target
		// (secrets, .git, links out of the root, FIFOs and devices,
		// binary content, size), as REST and MCP do.
		if src, err = rp.ReadFile(rel, service.MaxParseBytes); err != nil {
			return nil, err
		}
	}
	grammar := ""
	if input.Language != nil {
		g, ok := lang.GrammarByName(*input.Language)
		if !ok {
			return nil, badInput("unknown language %q (one of %s)", *input.Language, strings.Join(grammarNames(), ", "))
		}
		grammar = g.Name
	} else {
		grammar = lang.Detect(rel, func() []byte { return src[:min(len(src), 512)] })
		if grammar == "" {
			return nil, badInput("cannot tell the language of %s: give input.language (one of %s)", rel, strings.Join(grammarNames(), ", "))
		}
		grammar = lang.Refine(grammar, src)
	}
	x := parse.NewExtractor()
	defer x.Close()
	p := x.NewParser(parse.Options{})
	defer p.Close()
	res, err := p.Parse(ctx, rel, grammar, src)
	if err != nil {
		if errors.Is(err, parse.ErrTimeout) {
			return nil, badInput("parse %s: %v", rel, err)
		}
		return nil, fmt.Errorf("parse %s: %w", rel, err)
	}
	if n := len(res.Nodes) + len(res.Edges); n > service.MaxParseItems {
		return nil, fmt.Errorf("%w: %s gives %d nodes and edges, more than the %d one answer holds: parse a smaller part", service.ErrTooLarge, rel, n, service.MaxParseItems)
	}
	out := &ParseResult{Path: rel, Language: lang.LanguageOf(grammar), SyntaxErrors: res.SyntaxErrors, FirstError: optString(res.FirstError),
		Nodes: make([]ParsedNode, 0, len(res.Nodes)), Edges: make([]ParsedEdge, 0, len(res.Edges))}
	for i := range res.Nodes {
		n := &res.Nodes[i]
		pn := ParsedNode{ID: n.ID.String(), NodeType: nodeTypeOf(n.Kind), Name: n.Name, QualifiedName: n.QualifiedName,
			LineNumber: int(n.StartLine), EndLine: int(n.EndLine), Signature: optString(n.Signature), Doc: optString(n.Doc)}
		if n.Visibility != graph.VisUnknown {
			pn.Visibility = optString(n.Visibility.String())
		}
		if n.Parent != 0 {
			pn.ParentID = optString(n.Parent.String())
		}
		out.Nodes = append(out.Nodes, pn)
	}
	for i := range res.Edges {
		e := &res.Edges[i]
		pe := ParsedEdge{Type: relTypeOf(e.Kind), SourceID: e.Src.String(), TargetName: e.Target, Line: int(e.Line)}
		if e.Dst != 0 {
			pe.TargetID = optString(e.Dst.String())
		}
		out.Edges = append(out.Edges, pe)
	}
	return out, nil
}

func grammarNames() []string {
	var out []string
	for _, g := range lang.Grammars() {
		out = append(out, g.Name)
	}
	return out
}

func (r *mutationResolver) ParseProject(ctx context.Context, input *ParseProjectInput) (*ParseProjectResult, error) {
	if err := requireAccess(ctx, operationAccess["Mutation.parseProject"]); err != nil {
		return nil, err
	}
	var in ParseProjectInput
	if input != nil {
		in = *input
	}
	rp, err := r.repo(ctx, in.Repo, operationAccess["Mutation.parseProject"])
	if err != nil {
		return nil, err
	}
	j := rp.Index(in.Force != nil && *in.Force)
	return &ParseProjectResult{TaskID: j.ID, Job: jobOf(j)}, nil
}

func (r *mutationResolver) RebuildIndex(ctx context.Context, typeArg IndexType, repo *string) (*IndexRebuildResult, error) {
	if err := requireAccess(ctx, operationAccess["Mutation.rebuildIndex"]); err != nil {
		return nil, err
	}
	if !typeArg.IsValid() {
		return nil, badInput("unknown index type %q", typeArg)
	}
	rp, err := r.repo(ctx, repo, operationAccess["Mutation.rebuildIndex"])
	if err != nil {
		return nil, err
	}
	// Without its state file the search indexes are never trusted: the
	// next index run rebuilds them all.
	state := filepath.Join(rp.DB(), search.DirName, "state.json")
	if err := os.Remove(state); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("rebuild %s: %w", typeArg, err)
	}
	j := rp.Index(typeArg == IndexTypeAll)
	return &IndexRebuildResult{TaskID: j.ID, Type: typeArg, Job: jobOf(j)}, nil
}
