package service

import (
	"context"
	"fmt"
	"sort"

	"github.com/codegraph-dev/codegraph/internal/query"
)

// Bounds of PackageMap.
const (
	// MaxMapPackages is the most packages a map lists (the largest by
	// nodes when the repository has more).
	MaxMapPackages = 2000
	// mapHubs is how many hub symbols a map names.
	mapHubs = 20
)

// PackageMap is a repository's packages (directories) with their sizes,
// the dependencies between them, the cycles among them and its hub
// symbols: what the dashboard's repository map draws.
type PackageMap struct {
	Files     int            `json:"files"`
	Nodes     uint64         `json:"nodes"`
	Edges     uint64         `json:"edges"`
	Languages map[string]int `json:"languages"`
	// Packages are sorted by name; PackagesTotal counts them all (more
	// than len(Packages) when MaxMapPackages cut the list).
	Packages      []query.PackageInfo `json:"packages"`
	PackagesTotal int                 `json:"packages_total"`
	// Dependencies between the listed packages: the heaviest ones with
	// their import and call counts, every package's first dependencies
	// (query.PackageInfo.DependsOn, counts unknown: Imports and Calls 0)
	// and every edge inside a cycle, each pair once.
	// DependenciesTotal counts every dependency of the repository.
	Dependencies      []query.DirEdge `json:"dependencies"`
	DependenciesTotal int             `json:"dependencies_total"`
	// Cycles are the strongly connected sets of packages (test files left
	// out), largest first.
	Cycles      []query.Cycle `json:"cycles"`
	CyclesTotal int           `json:"cycles_total"`
	// Hubs are the symbols with the most distinct callers.
	Hubs        []query.Hub        `json:"hubs"`
	EntryPoints []query.EntryPoint `json:"entry_points"`
}

// PackageMap summarises the snapshot's repository as a package graph
// (one scan of the graph, shared with the overview, hubs and cycles
// queries of the same snapshot).
func (sn *Snapshot) PackageMap(ctx context.Context) (*PackageMap, error) {
	ov, err := sn.Graph.Overview(ctx, query.OverviewOptions{Hubs: mapHubs, Page: query.Page{Limit: query.MaxLimit}})
	if err != nil {
		return nil, fmt.Errorf("package map: %w", err)
	}
	pkgs := ov.Packages
	for next := ov.NextCursor; next != "" && ctx.Err() == nil; {
		more, err := sn.Graph.Overview(ctx, query.OverviewOptions{Hubs: -1, Page: query.Page{Limit: query.MaxLimit, Cursor: next}})
		if err != nil {
			return nil, fmt.Errorf("package map: %w", err)
		}
		pkgs = append(pkgs, more.Packages...)
		next = more.NextCursor
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cyc, err := sn.Graph.Cycles(ctx, query.CyclesOptions{Page: query.Page{Limit: query.MaxLimit}})
	if err != nil {
		return nil, fmt.Errorf("package map: %w", err)
	}
	m := &PackageMap{Files: ov.Files, Nodes: ov.Nodes, Edges: ov.Edges, Languages: ov.Languages,
		PackagesTotal: len(pkgs), DependenciesTotal: ov.DependenciesTotal,
		Cycles: cyc.Cycles, CyclesTotal: cyc.Total, Hubs: ov.Hubs, EntryPoints: ov.EntryPoints}
	if len(pkgs) > MaxMapPackages {
		// The largest ones, then back in name order.
		sort.SliceStable(pkgs, func(i, j int) bool { return pkgs[i].Nodes > pkgs[j].Nodes })
		pkgs = pkgs[:MaxMapPackages]
		sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].Package < pkgs[j].Package })
	}
	m.Packages = pkgs
	listed := make(map[string]bool, len(pkgs))
	for _, p := range pkgs {
		listed[p.Package] = true
	}
	type pair struct{ from, to string }
	seen := map[pair]bool{}
	add := func(d query.DirEdge) {
		p := pair{d.From, d.To}
		if seen[p] || !listed[d.From] || !listed[d.To] {
			return
		}
		seen[p] = true
		m.Dependencies = append(m.Dependencies, d)
	}
	for _, d := range ov.Dependencies {
		add(d)
	}
	for _, c := range cyc.Cycles {
		for _, d := range c.Edges {
			add(d)
		}
	}
	for _, p := range pkgs {
		for _, to := range p.DependsOn {
			add(query.DirEdge{From: p.Package, To: to})
		}
	}
	if m.Dependencies == nil {
		m.Dependencies = []query.DirEdge{}
	}
	if m.Packages == nil {
		m.Packages = []query.PackageInfo{}
	}
	return m, nil
}
