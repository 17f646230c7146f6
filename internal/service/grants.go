package service

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Grants are the access a caller has on each served repository, from the
// role bindings of a shared server. A caller without grants in its
// context (the CLI, MCP over stdio, a server without role bindings) has
// its access level (AccessFrom) on every repository.
type Grants struct {
	// All is the access on every repository (a binding to "*").
	All Access
	// Repos is the access on the repositories named; the higher of it and
	// All applies.
	Repos map[string]Access
}

// On returns the access the grants give on repo.
func (g Grants) On(repo string) Access { return max(g.All, g.Repos[repo]) }

// Max returns the highest access the grants give on any repository.
func (g Grants) Max() Access {
	m := g.All
	for _, a := range g.Repos {
		m = max(m, a)
	}
	return m
}

type grantsKey struct{}

// WithGrants returns ctx carrying the caller's per-repository grants.
func WithGrants(ctx context.Context, g Grants) context.Context {
	return context.WithValue(ctx, grantsKey{}, g)
}

// AccessOn returns what the caller in ctx may do on the repository named
// repo: its access level, capped by its grants when it has some (0: it
// may not even see the repository).
func AccessOn(ctx context.Context, repo string) Access {
	a := AccessFrom(ctx)
	if g, ok := ctx.Value(grantsKey{}).(Grants); ok {
		a = min(a, g.On(repo))
	}
	return a
}

// Visible reports whether the caller in ctx may see the repository named
// repo.
func Visible(ctx context.Context, repo string) bool { return AccessOn(ctx, repo) > 0 }

// ReposFor returns the served repositories the caller in ctx may see, the
// default first.
func (s *Service) ReposFor(ctx context.Context) []*Repo {
	all := s.Repos()
	out := all[:0:0]
	for _, r := range all {
		if Visible(ctx, r.name) {
			out = append(out, r)
		}
	}
	return out
}

// RepoNamesFor lists the names of the repositories the caller in ctx may
// see, sorted.
func (s *Service) RepoNamesFor(ctx context.Context) []string {
	var names []string
	for _, r := range s.ReposFor(ctx) {
		names = append(names, r.name)
	}
	sort.Strings(names)
	return names
}

// RepoFor returns the repository name names for the caller in ctx, which
// needs need on it: "" is the first repository it may see. A repository
// it may not see is reported as unknown (ErrUnknownRepo, listing only the
// ones it may see), so that names do not leak; one it sees with less
// access than need is ErrForbidden.
func (s *Service) RepoFor(ctx context.Context, name string, need Access) (*Repo, error) {
	var r *Repo
	if name == "" {
		if vis := s.ReposFor(ctx); len(vis) > 0 {
			r = vis[0]
		}
	} else if x, err := s.Repo(name); err == nil && Visible(ctx, x.name) {
		r = x
	}
	if r == nil {
		served := "none is visible to this caller"
		if names := s.RepoNamesFor(ctx); len(names) > 0 {
			served = "served: " + strings.Join(names, ", ")
		}
		return nil, fmt.Errorf("%w %q (%s)", ErrUnknownRepo, name, served)
	}
	if have := AccessOn(ctx, r.name); have < need {
		return nil, fmt.Errorf("%w: this needs %s access on repository %s; the caller has %s access there", ErrForbidden, need, r.name, have)
	}
	return r, nil
}
