package graphql

import (
	"context"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/jobs"
	"github.com/codegraph-dev/codegraph/internal/lang"
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
	in := service.NodeInput{Kind: k.String(), Name: input.Name, QualifiedName: str(input.QualifiedName),
		File: str(input.FilePath), Language: str(input.Language), Line: optInt(input.LineNumber), EndLine: optInt(input.EndLine),
		Signature: str(input.Signature), Doc: str(input.Doc)}
	var n graph.Node
	tx, err := requestTx(ctx, rp)
	switch {
	case err != nil:
	case tx != nil:
		n, err = tx.Create(ctx, in)
	default:
		n, err = rp.CreateNode(ctx, in)
	}
	if err != nil {
		failRequestTx(ctx)
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
	p := service.NodePatch{Name: input.Name, QualifiedName: input.QualifiedName, Language: input.Language,
		Line: input.LineNumber, EndLine: input.EndLine, Signature: input.Signature, Doc: input.Doc}
	var n graph.Node
	tx, err := requestTx(ctx, rp)
	switch {
	case err != nil:
	case tx != nil:
		n, err = tx.Update(ctx, nid, p)
	default:
		n, err = rp.UpdateNode(ctx, nid, p)
	}
	if err != nil {
		failRequestTx(ctx)
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
	tx, err := requestTx(ctx, rp)
	switch {
	case err != nil:
	case tx != nil:
		err = tx.Delete(ctx, nid)
	default:
		err = rp.DeleteNode(ctx, nid)
	}
	if err != nil {
		failRequestTx(ctx)
		return false, err
	}
	return true, nil
}

func (r *mutationResolver) ParseFile(ctx context.Context, input ParseFileInput) (*ParseResult, error) {
	if strings.TrimSpace(input.Path) == "" {
		return nil, badInput("path is required")
	}
	rp, err := r.s.svc.RepoFor(ctx, str(input.Repo), service.ReadOnly)
	if err != nil {
		return nil, err
	}
	// The service's one parse: the shared file policy, pooled parsers,
	// language aliases, one timeout error (as REST /parse).
	req := service.ParseRequest{Path: input.Path, Language: str(input.Language)}
	if input.Content != nil {
		if req.Content = *input.Content; req.Content == "" {
			// An empty snippet (the service would read the file instead).
			g, err := service.GrammarFor(req.Language, input.Path, nil)
			if err != nil {
				return nil, err
			}
			return &ParseResult{Path: input.Path, Language: lang.LanguageOf(g), Nodes: []ParsedNode{}, Edges: []ParsedEdge{}}, nil
		}
	}
	res, err := rp.Parse(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &ParseResult{Path: res.File, Language: res.Language, SyntaxErrors: res.SyntaxErrors, FirstError: optString(res.FirstError),
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
	// The service rebuilds through the writer (an index job): the search
	// files are never deleted beside a running writer.
	var j jobs.Job
	if typeArg == IndexTypeAll {
		j = rp.Index(true)
	} else {
		j = rp.RebuildSearch()
	}
	return &IndexRebuildResult{TaskID: j.ID, Type: typeArg, Job: jobOf(j)}, nil
}
