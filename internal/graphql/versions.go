package graphql

import (
	"context"

	"github.com/codegraph-dev/codegraph/internal/history"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// Diff is Query.diff: the service's diff of the repository.
func (r *queryResolver) Diff(ctx context.Context, from, to *string, depth *int, repo *string) (*Diff, error) {
	rp, err := r.s.svc.RepoFor(ctx, str(repo), service.ReadOnly)
	if err != nil {
		return nil, err
	}
	d, err := rp.Diff(ctx, service.DiffRequest{From: str(from), To: str(to), Depth: optInt(depth)})
	if err != nil {
		return nil, err
	}
	out := &Diff{From: d.From, To: d.To, Complete: d.Complete, Tests: d.Tests, Symbols: []SymbolChange{},
		Calls: &CallChanges{Added: calls(d.Calls.Added), Removed: calls(d.Calls.Removed)}, Impacted: []ImpactedSymbol{}}
	for _, s := range d.Symbols {
		out.Symbols = append(out.Symbols, SymbolChange{Change: s.Change, Kind: s.Kind, Name: s.Name, QualifiedName: s.QualifiedName,
			File: s.File, Line: int(s.Line), Language: s.Language, Signature: s.Signature, API: s.API})
	}
	for _, i := range d.Impacted {
		out.Impacted = append(out.Impacted, ImpactedSymbol{QualifiedName: i.QualifiedName, File: i.File, Line: int(i.Line),
			Depth: i.Depth, Via: i.Via, Test: i.Test})
	}
	return out, nil
}

func calls(cs []history.Call) []CallChange {
	out := make([]CallChange, 0, len(cs))
	for _, c := range cs {
		out = append(out, CallChange{Src: c.Src, Dst: c.Dst, File: c.File, Line: int(c.Line)})
	}
	return out
}

func version(v history.Version) *Version {
	return &Version{Commit: v.Commit, Tags: v.Tags, Created: v.Created, Files: v.Files}
}

// Versions is Query.versions.
func (r *queryResolver) Versions(ctx context.Context, repo *string) ([]Version, error) {
	rp, err := r.s.svc.RepoFor(ctx, str(repo), service.ReadOnly)
	if err != nil {
		return nil, err
	}
	vs, err := rp.Versions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Version, 0, len(vs))
	for _, v := range vs {
		out = append(out, *version(v))
	}
	return out, nil
}

// CreateVersion is Mutation.createVersion.
func (r *mutationResolver) CreateVersion(ctx context.Context, rev string, tag, repo *string) (*Version, error) {
	rp, err := r.repo(ctx, repo, operationAccess["Mutation.createVersion"])
	if err != nil {
		return nil, err
	}
	v, _, err := rp.CreateVersion(ctx, rev, str(tag))
	if err != nil {
		return nil, err
	}
	return version(v), nil
}
