// Package resolve binds the names that extraction recorded as written
// (edge targets such as "s.st.Get" or "fmt.Println") to the definitions
// they mean, across files and packages, and writes the result back to the
// store with its provenance (exact, inferred, ambiguous).
//
// It reads only the store: no file is parsed again. Where the syntax does
// not say what a name means (a method called on a value of unknown type),
// the edge stays unresolved rather than being bound to a same-named
// definition that may be unrelated; the one exception (infer.go) binds
// obj.m() in Python and JavaScript/TypeScript to the repository's only
// method m, marked inferred, when m is not also a common library method.
package resolve

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// Stats counts what a run did.
type Stats struct {
	Considered int           `json:"considered"`
	Exact      int           `json:"exact"`
	Inferred   int           `json:"inferred"`
	Ambiguous  int           `json:"ambiguous"`
	External   int           `json:"external"`
	Unresolved int           `json:"unresolved"`
	Duration   time.Duration `json:"duration_ns"`
}

// Options configure a run.
type Options struct {
	// Root is the repository root on disk (for go.mod files); default: the
	// store's recorded root.
	Root string
	// Files restricts resolution to edges found in these files; nil means
	// every unresolved edge of the store.
	Files []string
	// Unbind lists nodes that no longer exist: edges into them (from files
	// that did not change) are unbound and resolved again.
	Unbind []graph.NodeID
	// NewNames are names of definitions added since the last run: edges
	// elsewhere written as exactly such a name are resolved again.
	NewNames []string
	// Settled are definitions whose text did not change since the last
	// run: their edges that did not resolve then are not tried again
	// (unless they name one of NewNames).
	Settled map[graph.NodeID]bool
	// Catalog, when set, is the store's current file list (see Catalog);
	// otherwise Run loads it.
	Catalog *Catalog

	forced map[graph.NodeID]bool // settled sources that a new name may now resolve
}

// Kinds are the edge kinds the resolver binds (contains and defines edges
// are bound by extraction).
var Kinds = []graph.EdgeKind{graph.EdgeCalls, graph.EdgeInherits, graph.EdgeImplements, graph.EdgeImports, graph.EdgeReferences}

// batchBytes is the size at which the resolver commits.
const batchBytes = 8 << 20

// Run resolves the store's unresolved edges (or those of opts.Files).
func Run(ctx context.Context, st *store.Store, opts Options) (Stats, error) {
	start := time.Now()
	if opts.Root == "" {
		if v, err := st.Meta("root"); err == nil {
			opts.Root = string(v)
		}
	}
	r := &resolver{st: st, root: opts.Root, dirs: map[string]*dirPackages{}, callers: map[graph.NodeID]*callerInfo{}, resultCache: map[graph.NodeID][]typeRef{}, nodes: map[graph.NodeID]*nodeLite{}, lazyPkgs: map[string]*goPackage{}, lazyFiles: map[string]*goFile{}, exts: map[string]*extPkg{}, extIDs: map[graph.NodeID]bool{}, fileFacts: map[string]*fileFacts{}, pkgNode: map[string]graph.NodeID{}, dirPkgName: map[string]string{}, dirTypes: map[string]map[string][]graph.NodeID{}}
	if c := opts.Catalog; c != nil {
		r.byDir, r.langOf, r.modules = c.byDir, c.langOf, c.modules
	} else if err := r.loadFiles(); err != nil {
		return Stats{}, err
	}
	if opts.Files == nil {
		if err := r.preloadGo(); err != nil {
			return Stats{}, fmt.Errorf("resolve: %w", err)
		}
	}
	b := st.NewBatch()
	defer func() { b.Close() }()
	var stats Stats
	if err := repair(st, b, &opts); err != nil {
		return stats, fmt.Errorf("resolve: %w", err)
	}
	visit := func(e graph.Edge) error {
		if e.Dst != 0 || opts.Settled[e.Src] && !opts.forced[e.Src] {
			return nil
		}
		stats.Considered++
		if stats.Considered%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		dsts, res := r.resolve(&e)
		switch res {
		case graph.ResExact:
			stats.Exact++
		case graph.ResInferred:
			stats.Inferred++
		case graph.ResAmbiguous:
			stats.Ambiguous++
		case graph.ResExternal:
			stats.External++
		default:
			stats.Unresolved++
			return nil
		}
		r.pending = append(r.pending, pendingEdge{e, dsts, res})
		return nil
	}
	if opts.Files == nil {
		for _, k := range Kinds {
			if err := st.UnresolvedEdges(k, "", visit); err != nil {
				return stats, err
			}
		}
	} else {
		// The files' node ids from the file index keys alone, then their
		// edges with one iterator: a seek per node into the node table
		// and an iterator per node cost far more than the resolution
		// itself on a large batch (a branch switch).
		var ids []graph.NodeID
		if err := st.NodeIDsInFiles(opts.Files, func(_ int, id graph.NodeID) error { ids = append(ids, id); return nil }); err != nil {
			return stats, err
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if err := st.OutEdgesMany(ids, Kinds, func(_ int, e graph.Edge) error { return visit(e) }); err != nil {
			return stats, err
		}
	}
	// Writes go after the scans: a batch reads the committed state.
	if err := r.writeExternals(b); err != nil {
		return stats, err
	}
	for _, p := range r.pending {
		if err := b.ResolveEdge(p.e, p.dsts, p.res); err != nil {
			return stats, err
		}
		if b.Len() > batchBytes {
			if err := b.Commit(false); err != nil {
				return stats, err
			}
		}
	}
	if err := b.Commit(false); err != nil {
		return stats, err
	}
	stats.Duration = time.Since(start)
	return stats, nil
}

// repair unbinds edges into nodes that are gone and widens opts.Files to
// the files whose edges may now resolve differently.
func repair(st *store.Store, b *store.Batch, opts *Options) error {
	extra := map[string]bool{}
	for _, id := range opts.Unbind {
		var in []graph.Edge
		if err := st.InEdges(id, nil, func(e graph.Edge) error { in = append(in, e); return nil }); err != nil {
			return err
		}
		for _, e := range in {
			if e.Res == graph.ResSyntax {
				continue
			}
			if err := b.UnresolveEdge(e); err != nil {
				return err
			}
			extra[e.File] = true
		}
	}
	if err := b.Commit(false); err != nil {
		return err
	}
	if opts.Files == nil {
		return nil // every unresolved edge is visited anyway
	}
	for _, name := range opts.NewNames {
		for _, k := range Kinds {
			if err := st.UnresolvedEdges(k, name, func(e graph.Edge) error {
				extra[e.File] = true
				if opts.forced == nil {
					opts.forced = map[graph.NodeID]bool{}
				}
				opts.forced[e.Src] = true
				return nil
			}); err != nil {
				return err
			}
		}
	}
	have := map[string]bool{}
	for _, f := range opts.Files {
		have[f] = true
	}
	for f := range extra {
		if !have[f] {
			opts.Files = append(opts.Files, f)
		}
	}
	return nil
}

type pendingEdge struct {
	e    graph.Edge
	dsts []graph.NodeID
	res  graph.Resolution
}

type resolver struct {
	st      *store.Store
	root    string
	byDir   map[string][]store.FileMeta // directory → indexed files
	langOf  map[string]string           // file → language
	modules []module                    // Go modules found under root
	dirs    map[string]*dirPackages     // directory → loaded Go packages
	callers map[graph.NodeID]*callerInfo
	// resultCache holds the result types of functions (by node id).
	resultCache   map[graph.NodeID][]typeRef
	pending       []pendingEdge
	nodes         map[graph.NodeID]*nodeLite
	lazyPkgs      map[string]*goPackage // imported packages looked up on demand
	lazyFiles     map[string]*goFile    // files of lazy packages: imports
	exts          map[string]*extPkg    // external packages by synthetic file
	extIDs        map[graph.NodeID]bool
	fileFacts     map[string]*fileFacts
	javaByBase    map[string][]string     // Java files by base name
	javaPkgs      *javaPkgIndex           // Java files by declared package (java.go)
	rustCrateDirs map[string]string       // local Rust crates by name → library root (rustcrates.go)
	pkgNode       map[string]graph.NodeID // Go directory → its package node
	dirPkgName    map[string]string       // Go directory → its package clause ("": none)
	// Go interfaces (goiface.go): by method name, and by node id.
	ifaceByMethod map[string][]*goIface
	ifaces        map[graph.NodeID]*goIface
	dirTypes      map[string]map[string][]graph.NodeID
	preloaded     map[string][]graph.Node // file → Go nodes, for a full pass
	cpp           *cppIndex               // C/C++ definitions and includes, built on first use
	// Python, JS/TS, Java and Rust (types.go, jsmodules.go):
	genVars    map[graph.NodeID]map[string]varBinding // callable → typed variables
	typeNames  map[string]typeRes                     // file NUL type name → type
	nodeCache  map[graph.NodeID]*graph.Node
	baseCache  map[graph.NodeID][]typeRes
	tsConfigs  map[string]*tsConfig      // directory → governing tsconfig (nil: none)
	inferCache map[string][]graph.NodeID // language NUL method name → its methods
	jsPkgs     map[string]*jsPackage     // the repository's package.json files by name (jspackages.go)
	cbBusy     map[string]bool           // callback parameters being typed (scopes.go)
	jsModCache map[string][]string       // directory NUL specifier → module files (jsmodules.go)
	modVars    map[string]modVar         // file NUL name → module variable's type (modvars.go)
}

func (r *resolver) loadFiles() error {
	c, err := LoadCatalog(r.st, r.root)
	if err != nil {
		return err
	}
	r.byDir, r.langOf, r.modules = c.byDir, c.langOf, c.modules
	return nil
}

// Catalog is what resolution knows of the indexed files: their paths and
// languages by directory, and the Go modules (go.mod files) governing
// them. Loading it reads every file's meta and looks for go.mod files
// upward from every directory; a long-lived writer loads it once and keeps
// it current with Set and Remove, passing it in Options.Catalog, so that a
// one-file update does not pay for that. It is not safe for concurrent
// use, nor for use during a Run that has it.
type Catalog struct {
	root    string
	byDir   map[string][]store.FileMeta // directory → indexed files (Path, Language), in path order
	langOf  map[string]string           // file → language
	modules []module
	seenMod map[string]bool // directories looked at for go.mod
}

// LoadCatalog reads the catalog of the store, looking for go.mod files
// under root (default: the store's recorded root).
func LoadCatalog(st *store.Store, root string) (*Catalog, error) {
	if root == "" {
		if v, err := st.Meta("root"); err == nil {
			root = string(v)
		}
	}
	c := &Catalog{root: root, byDir: map[string][]store.FileMeta{}, langOf: map[string]string{}, seenMod: map[string]bool{}}
	err := st.Files(func(m store.FileMeta) error {
		d := path.Dir(m.Path)
		c.byDir[d] = append(c.byDir[d], store.FileMeta{Path: m.Path, Language: m.Language})
		c.langOf[m.Path] = m.Language
		if m.Language == lang.Go {
			c.findModule(d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("resolve: %w", err)
	}
	return c, nil
}

// Set records that the file at p is indexed with language l.
func (c *Catalog) Set(p, l string) {
	d := path.Dir(p)
	files := c.byDir[d]
	i := sort.Search(len(files), func(i int) bool { return files[i].Path >= p })
	if i < len(files) && files[i].Path == p {
		files[i].Language = l
	} else {
		c.byDir[d] = slices.Insert(files, i, store.FileMeta{Path: p, Language: l})
	}
	c.langOf[p] = l
	if l == lang.Go {
		c.findModule(d)
	}
}

// Remove records that the file at p is no longer indexed.
func (c *Catalog) Remove(p string) {
	d := path.Dir(p)
	files := c.byDir[d]
	i := sort.Search(len(files), func(i int) bool { return files[i].Path >= p })
	if i < len(files) && files[i].Path == p {
		files = slices.Delete(files, i, i+1)
		if len(files) == 0 {
			delete(c.byDir, d)
		} else {
			c.byDir[d] = files
		}
	}
	delete(c.langOf, p)
}

// module is a go.mod: its directory (repository-relative, "." for the
// root) and module path.
type module struct {
	dir, path string
}

// findModule records the go.mod governing dir, looking upward to the root.
func (c *Catalog) findModule(dir string) {
	for d := dir; ; d = path.Dir(d) {
		if c.seenMod[d] {
			return
		}
		c.seenMod[d] = true
		if c.root != "" {
			if b, err := os.ReadFile(filepath.Join(c.root, filepath.FromSlash(d), "go.mod")); err == nil {
				if mp := modulePath(b); mp != "" {
					c.modules = append(c.modules, module{dir: d, path: mp})
				}
				return
			}
		}
		if d == "." {
			c.moduleAbove()
			return
		}
		if d == "/" {
			return
		}
	}
}

// moduleAbove records the go.mod above the root, when the indexed tree is
// a directory inside a module (GOROOT/src/cmd/go/internal): the root then
// stands for the import path below that module's path, as the go tool
// would see it.
func (c *Catalog) moduleAbove() {
	if c.root == "" {
		return
	}
	abs, err := filepath.Abs(c.root)
	if err != nil {
		return
	}
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil {
			mp := modulePath(b)
			rel, err := filepath.Rel(d, abs)
			if mp == "" || err != nil {
				return
			}
			rel = filepath.ToSlash(rel)
			if mp != "std" {
				rel = mp + "/" + rel // the standard library's import paths have no module prefix
			}
			c.modules = append(c.modules, module{dir: ".", path: rel})
			return
		}
		if p := filepath.Dir(d); p == d {
			return
		}
	}
}

func modulePath(gomod []byte) string {
	for _, line := range strings.Split(string(gomod), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`)
		}
	}
	return ""
}

// resolve finds the destinations of one edge.
func (r *resolver) resolve(e *graph.Edge) ([]graph.NodeID, graph.Resolution) {
	switch r.langOf[e.File] {
	case lang.Go:
		return r.resolveGo(e)
	case lang.C, lang.CPP:
		return r.resolveCpp(e)
	case "", "external":
		return nil, graph.ResUnresolved
	}
	return r.resolveGeneric(e)
}
