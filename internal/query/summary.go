package query

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// summary is what the whole-graph queries (hubs, cycles, overview) need,
// gathered in one scan of the nodes and one of the edges, once per Engine.
//
// Dependencies between packages are between units: a directory, which is
// the package of most languages, except that a Go directory's files with
// another package clause than the directory's own (generators under
// //go:build ignore, external test packages) form units of their own,
// named "dir [name]".
type summary struct {
	units    []string // unit names
	files    []string
	fileIdx  map[string]int32
	fileUnit []int32
	nodeFile map[graph.NodeID]int32 // -1: a library symbol

	// Fan-in and fan-out count distinct callers and callees over resolved
	// calls edges; ambiguous edges count only in possibleIn.
	fanIn, fanOut map[graph.NodeID]int32
	possibleIn    map[graph.NodeID]int32

	// dirEdges are the dependencies between units: resolved imports edges
	// and resolved (not ambiguous) calls edges whose ends are in different
	// units, written in non-test files; testDirEdges those written in test
	// files (IsTestFile), which may depend on their package from outside
	// (tests/ trees, Python and TypeScript tests beside the code) and
	// would close cycles no build has.
	dirEdges, testDirEdges map[dirPair]*dirEdge

	external map[graph.NodeID]bool // library symbols

	entries []graph.Node // main functions and packages, __main__ symbols
	nodes   int
	edges   int
}

type dirPair struct{ from, to int32 }

type dirEdge struct {
	imports, calls int
	sample         graph.Edge // the first edge, by file and line
}

func (s *summary) file(f string) int32 {
	if i, ok := s.fileIdx[f]; ok {
		return i
	}
	i := int32(len(s.files))
	s.files = append(s.files, f)
	s.fileIdx[f] = i
	return i
}

// nodeUnit returns the unit of a node, -1 for library symbols and nodes
// not seen.
func (s *summary) nodeUnit(id graph.NodeID) int32 {
	f, ok := s.nodeFile[id]
	if !ok || f < 0 {
		return -1
	}
	return s.fileUnit[f]
}

// assignUnits gives every file its unit, from the package clauses seen.
func (s *summary) assignUnits(pkgOf map[int32]string) {
	votes := map[string]map[string]int{} // dir -> package name -> files
	for f, name := range pkgOf {
		d := path.Dir(s.files[f])
		if votes[d] == nil {
			votes[d] = map[string]int{}
		}
		votes[d][name]++
	}
	own := map[string]string{} // dir -> its own package name
	for d, names := range votes {
		// The directory's name wins; then the name of most files; then
		// the first alphabetically.
		base := path.Base(d)
		best, bestN := "", -1
		for name, n := range names {
			better := n > bestN || n == bestN && name < best
			if (name == base) != (best == base) {
				better = name == base
			}
			if better {
				best, bestN = name, n
			}
		}
		own[d] = best
	}
	unitIdx := map[string]int32{}
	s.fileUnit = make([]int32, len(s.files))
	for f, file := range s.files {
		u := path.Dir(file)
		if name, ok := pkgOf[int32(f)]; ok && name != own[u] {
			u += " [" + name + "]"
		}
		i, ok := unitIdx[u]
		if !ok {
			i = int32(len(s.units))
			s.units = append(s.units, u)
			unitIdx[u] = i
		}
		s.fileUnit[f] = i
	}
}

// summary scans the graph once per Engine. A cancelled scan is not kept.
func (e *Engine) summary(ctx context.Context) (*summary, error) {
	e.sumMu.Lock()
	defer e.sumMu.Unlock()
	if e.sum != nil {
		return e.sum, nil
	}
	s := &summary{fileIdx: map[string]int32{}, nodeFile: map[graph.NodeID]int32{},
		fanIn: map[graph.NodeID]int32{}, fanOut: map[graph.NodeID]int32{}, possibleIn: map[graph.NodeID]int32{},
		dirEdges: map[dirPair]*dirEdge{}, testDirEdges: map[dirPair]*dirEdge{}, external: map[graph.NodeID]bool{}}
	pkgOf := map[int32]string{} // file -> package clause
	err := e.g.AllNodes(func(n graph.Node) error {
		if s.nodes%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		s.nodes++
		if isExternal(&n) {
			s.external[n.ID] = true
			s.nodeFile[n.ID] = -1
			return nil
		}
		f := s.file(n.File)
		s.nodeFile[n.ID] = f
		if n.Kind == graph.KindPackage && n.Language == "go" {
			pkgOf[f] = n.Name
		}
		if isEntryNode(&n) && len(s.entries) < maxGroups {
			n.Doc = ""
			s.entries = append(s.entries, n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.assignUnits(pkgOf)
	var cur graph.NodeID
	callees := map[graph.NodeID]bool{}
	lastFile, lastUnit, lastTest := "", int32(-1), false
	err = e.g.AllEdges(func(ed graph.Edge) error {
		if s.edges%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		s.edges++
		if ed.Dst == 0 || (ed.Kind != graph.EdgeCalls && ed.Kind != graph.EdgeImports) {
			return nil
		}
		if ed.Kind == graph.EdgeCalls {
			if ed.Res == graph.ResAmbiguous {
				s.possibleIn[ed.Dst]++
				return nil
			}
			if ed.Src != cur {
				cur = ed.Src
				clear(callees)
			}
			if !callees[ed.Dst] {
				callees[ed.Dst] = true
				s.fanOut[ed.Src]++
				s.fanIn[ed.Dst]++
			}
		}
		if ed.Res == graph.ResExternal {
			return nil
		}
		du := s.nodeUnit(ed.Dst)
		if du < 0 {
			return nil
		}
		if ed.File != lastFile {
			lastFile, lastUnit, lastTest = ed.File, -1, IsTestFile(ed.File)
			if f, ok := s.fileIdx[ed.File]; ok {
				lastUnit = s.fileUnit[f]
			}
		}
		su := lastUnit
		if su < 0 || su == du {
			return nil
		}
		edges := s.dirEdges
		if lastTest {
			edges = s.testDirEdges
		}
		de := edges[dirPair{su, du}]
		if de == nil {
			de = &dirEdge{sample: ed}
			edges[dirPair{su, du}] = de
		} else if lessSite(&ed, &de.sample) {
			de.sample = ed
		}
		if ed.Kind == graph.EdgeImports {
			de.imports++
		} else {
			de.calls++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.sum = s
	return s, nil
}

// isEntryNode reports whether a node is a program entry point: a main
// function, a main package, a __main__ symbol, a Java main method, or a
// class annotated as a framework's application (@SpringBootApplication).
func isEntryNode(n *graph.Node) bool {
	switch n.Name {
	case "main":
		return n.Kind == graph.KindFunction || n.Kind == graph.KindPackage || isJavaMain(n)
	case "__main__":
		return n.Kind != graph.KindImport
	}
	return isFrameworkMain(n)
}

// isJavaMain reports whether n is a Java main method (public static void
// main(String[] args), or the instance main of Java 21+).
func isJavaMain(n *graph.Node) bool {
	return n.Kind == graph.KindMethod && n.Language == "java" && strings.Contains(n.Signature, "void main(")
}

// frameworkMains are the annotations that make a class an application's
// entry point.
var frameworkMains = []string{"@SpringBootApplication", "@QuarkusMain", "@MicronautApplication"}

// isFrameworkMain reports whether n is a class annotated as an
// application's entry point.
func isFrameworkMain(n *graph.Node) bool {
	if n.Kind != graph.KindClass || n.Language != "java" || !strings.HasPrefix(n.Signature, "@") {
		return false
	}
	for _, a := range frameworkMains {
		if i := strings.Index(n.Signature, a); i >= 0 {
			if j := i + len(a); j == len(n.Signature) || !isIdentChar(n.Signature[j]) {
				return true
			}
		}
	}
	return false
}

func isIdentChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// DirEdge is a dependency between two packages (directories).
type DirEdge struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Imports int    `json:"imports"`
	Calls   int    `json:"calls"`
	// Sample is one of the edges (the first by file and line).
	Sample EdgeRef `json:"sample"`
}

func (s *summary) dirEdge(p dirPair, de *dirEdge) DirEdge {
	return DirEdge{From: s.units[p.from], To: s.units[p.to], Imports: de.imports, Calls: de.calls, Sample: edgeRef(&de.sample)}
}

// HubOrder says how hubs are ranked.
type HubOrder string

// Hub orders.
const (
	ByFanIn  HubOrder = "in"    // most distinct callers
	ByFanOut HubOrder = "out"   // most distinct callees
	ByTotal  HubOrder = "total" // most of both
)

// HubsOptions configure Hubs.
type HubsOptions struct {
	By HubOrder `json:"by,omitempty"` // default ByFanIn
	// External includes library symbols (fmt.Errorf, json.dumps), which
	// are left out by default.
	External bool `json:"external,omitempty"`
	Page
}

// HubsResult ranks symbols by their fan-in or fan-out over resolved calls
// edges.
type HubsResult struct {
	By         HubOrder `json:"by"`
	Total      int      `json:"total"` // symbols with any resolved call
	Items      []Hub    `json:"items"`
	NextCursor string   `json:"next_cursor,omitempty"`
}

// Hub is one symbol with its call fan-in and fan-out (distinct callers and
// callees over resolved, unambiguous calls; PossibleIn counts ambiguous
// calls that may also mean it).
type Hub struct {
	Symbol     Symbol `json:"symbol"`
	FanIn      int    `json:"fan_in"`
	FanOut     int    `json:"fan_out"`
	PossibleIn int    `json:"possible_in,omitempty"`
}

// Hubs returns the symbols with the highest fan-in (or fan-out, or both).
func (e *Engine) Hubs(ctx context.Context, opts HubsOptions) (*HubsResult, error) {
	by := opts.By
	if by == "" {
		by = ByFanIn
	}
	if by != ByFanIn && by != ByFanOut && by != ByTotal {
		return nil, fmt.Errorf("hubs: unknown order %q (in, out, total)", by)
	}
	s, err := e.summary(ctx)
	if err != nil {
		return nil, err
	}
	metric := func(id graph.NodeID) int32 {
		switch by {
		case ByFanOut:
			return s.fanOut[id]
		case ByTotal:
			return s.fanIn[id] + s.fanOut[id]
		}
		return s.fanIn[id]
	}
	var ids []graph.NodeID
	for id := range s.fanIn {
		if metric(id) > 0 && (opts.External || !s.external[id]) {
			ids = append(ids, id)
		}
	}
	for id := range s.fanOut {
		if _, dup := s.fanIn[id]; !dup && metric(id) > 0 && (opts.External || !s.external[id]) {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		mi, mj := metric(ids[i]), metric(ids[j])
		if mi != mj {
			return mi > mj
		}
		return ids[i] < ids[j]
	})
	start, end, next, err := opts.Page.slice(fmt.Sprintf("hubs|%s|%v", by, opts.External), len(ids))
	if err != nil {
		return nil, err
	}
	res := &HubsResult{By: by, Total: len(ids), NextCursor: next}
	res.Items, err = e.hubs(ctx, s, ids[start:end])
	return res, err
}

func (e *Engine) hubs(ctx context.Context, s *summary, ids []graph.NodeID) ([]Hub, error) {
	syms, err := e.symbols(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Hub, 0, len(ids))
	for i, id := range ids {
		h := Hub{FanIn: int(s.fanIn[id]), FanOut: int(s.fanOut[id]), PossibleIn: int(s.possibleIn[id])}
		if syms[i] != nil {
			h.Symbol = *syms[i]
		} else {
			h.Symbol = Symbol{ID: id.String()}
		}
		out = append(out, h)
	}
	return out, nil
}

// Cycle is a strongly connected set of packages (directories): each
// depends, directly or not, on every other.
type Cycle struct {
	Packages []string `json:"packages"`
	// Loop is one shortest cycle through the first package, first
	// package repeated at the end: a → b → a.
	Loop []string `json:"loop"`
	// Edges are the dependencies between the packages of the cycle, most
	// edges first (at most maxCycleEdges of EdgesTotal).
	Edges      []DirEdge `json:"edges"`
	EdgesTotal int       `json:"edges_total"`
}

const maxCycleEdges = 50

// CyclesResult lists the dependency cycles between packages, largest
// first.
type CyclesResult struct {
	Total      int     `json:"total"`
	Cycles     []Cycle `json:"cycles"`
	NextCursor string  `json:"next_cursor,omitempty"`
}

// CyclesOptions configure Cycles.
type CyclesOptions struct {
	// Tests counts the edges written in test files, which are left out by
	// default: a package's tests may use what uses the package (Go's
	// external test packages do) without any cycle in the build.
	Tests bool `json:"tests,omitempty"`
	Page
}

// Cycles finds the cycles between packages (directories) over resolved
// imports edges and resolved calls edges across directories: the strongly
// connected components (Tarjan) with more than one package.
func (e *Engine) Cycles(ctx context.Context, opts CyclesOptions) (*CyclesResult, error) {
	s, err := e.summary(ctx)
	if err != nil {
		return nil, err
	}
	edges := s.dirEdges
	if opts.Tests {
		edges = make(map[dirPair]*dirEdge, len(s.dirEdges)+len(s.testDirEdges))
		for p, de := range s.dirEdges {
			edges[p] = de
		}
		for p, de := range s.testDirEdges {
			if d, ok := edges[p]; ok {
				m := *d
				m.imports += de.imports
				m.calls += de.calls
				if lessSite(&de.sample, &m.sample) {
					m.sample = de.sample
				}
				de = &m
			}
			edges[p] = de
		}
	}
	adj := make([][]int32, len(s.units))
	for p := range edges {
		adj[p.from] = append(adj[p.from], p.to)
	}
	for _, a := range adj {
		sort.Slice(a, func(i, j int) bool { return s.units[a[i]] < s.units[a[j]] })
	}
	var comps [][]int32
	for _, c := range tarjan(adj) {
		if len(c) > 1 {
			sort.Slice(c, func(i, j int) bool { return s.units[c[i]] < s.units[c[j]] })
			comps = append(comps, c)
		}
	}
	sort.Slice(comps, func(i, j int) bool {
		if len(comps[i]) != len(comps[j]) {
			return len(comps[i]) > len(comps[j])
		}
		return s.units[comps[i][0]] < s.units[comps[j][0]]
	})
	start, end, next, err := opts.Page.slice(fmt.Sprintf("cycles|%v", opts.Tests), len(comps))
	if err != nil {
		return nil, err
	}
	res := &CyclesResult{Total: len(comps), Cycles: []Cycle{}, NextCursor: next}
	for _, c := range comps[start:end] {
		in := map[int32]bool{}
		cy := Cycle{}
		for _, d := range c {
			in[d] = true
			cy.Packages = append(cy.Packages, s.units[d])
		}
		for _, d := range shortestLoop(adj, c[0], in) {
			cy.Loop = append(cy.Loop, s.units[d])
		}
		for _, from := range c {
			for _, to := range adj[from] {
				if in[to] {
					p := dirPair{from, to}
					cy.Edges = append(cy.Edges, s.dirEdge(p, edges[p]))
				}
			}
		}
		sort.SliceStable(cy.Edges, func(i, j int) bool {
			return cy.Edges[i].Imports+cy.Edges[i].Calls > cy.Edges[j].Imports+cy.Edges[j].Calls
		})
		cy.EdgesTotal = len(cy.Edges)
		cy.Edges = cy.Edges[:min(len(cy.Edges), maxCycleEdges)]
		res.Cycles = append(res.Cycles, cy)
	}
	return res, nil
}

// shortestLoop returns a shortest cycle from start back to itself within
// the vertices in, start repeated at the end.
func shortestLoop(adj [][]int32, start int32, in map[int32]bool) []int32 {
	prev := map[int32]int32{}
	queue := []int32{start}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range adj[v] {
			if !in[w] {
				continue
			}
			if w == start {
				loop := []int32{start}
				for x := v; x != start; x = prev[x] {
					loop = append(loop, x)
				}
				loop = append(loop, start)
				// loop is start, v, …, start backwards: reverse the middle.
				for i, j := 1, len(loop)-2; i < j; i, j = i+1, j-1 {
					loop[i], loop[j] = loop[j], loop[i]
				}
				return loop
			}
			if _, ok := prev[w]; !ok {
				prev[w] = v
				queue = append(queue, w)
			}
		}
	}
	return nil
}

// tarjan returns the strongly connected components of a directed graph
// given by adjacency lists, iteratively (no recursion, so no depth limit).
func tarjan(adj [][]int32) [][]int32 {
	n := len(adj)
	index := make([]int32, n) // 0: not visited; else visit order + 1
	low := make([]int32, n)
	onStack := make([]bool, n)
	var stack []int32
	var comps [][]int32
	next := int32(1)
	type frame struct {
		v int32
		i int
	}
	var call []frame
	visit := func(v int32) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		call = append(call, frame{v: v})
	}
	for s := range n {
		if index[s] != 0 {
			continue
		}
		visit(int32(s))
		for len(call) > 0 {
			f := &call[len(call)-1]
			v := f.v
			if f.i < len(adj[v]) {
				w := adj[v][f.i]
				f.i++
				if index[w] == 0 {
					visit(w)
				} else if onStack[w] {
					low[v] = min(low[v], index[w])
				}
				continue
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].v
				low[p] = min(low[p], low[v])
			}
			if low[v] == index[v] {
				var comp []int32
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp = append(comp, w)
					if w == v {
						break
					}
				}
				comps = append(comps, comp)
			}
		}
	}
	return comps
}
