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
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/store"
)

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
	ifaceInherits map[graph.NodeID][]graph.Edge // the repository's interfaces' inherits edges, read with them
	ifaceTable    *ifaceTable                   // the stored interface table, brought up to date (ifacetable.go)
	ifaceDeps     *ifaceDeps                    // set while indexIfaces works out a method set: the directories it reads
	writtenDirs   map[string]bool               // a targeted run's directories with a written or deleted file
	gen           goGenerics                    // Go generic functions' instantiations (tparams.go)
	runFiles      []string                      // a targeted run's files, its dependents included (nil: a full run)
	dirMethodSets map[string]*dirMethodSets     // Go directory → its types' methods, from the file index (goiface.go)
	dirTypes      map[string]map[string][]graph.NodeID
	preloaded     map[string][]graph.Node     // file → Go nodes, for a full pass
	goTypeNames   map[graph.NodeID]goTypeName // top-level Go concrete types of the loaded directories
	importDirs    map[string]importDir        // importDir's answers
	pkgClauses    map[string][]pkgClause      // package nodes of the loaded Go files
	cpp           *cppIndex                   // C/C++ definitions and includes, built on first use
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
	// C#, Ruby, PHP (oo.go): types and functions by name per language,
	// and each file's lookup scopes.
	ooIndexes    map[string]*ooIndex
	ooScopeCache map[string][]string
	files        repoFiles // the repository's manifests and configs (repo.go)
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
	files   repoFiles       // open while go.mod files are looked for (LoadCatalog, Add, Set); Close releases it
}

// LoadCatalog reads the catalog of the store, looking for go.mod files
// under root (default: the store's recorded root).
func LoadCatalog(st *store.Store, root string) (*Catalog, error) {
	if root == "" {
		if v, err := st.Meta("root"); err == nil {
			root = string(v)
		}
	}
	c := NewCatalog(root)
	defer c.Close()
	err := st.Files(func(m store.FileMeta) error {
		c.Add(m)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("resolve: %w", err)
	}
	return c, nil
}

// NewCatalog returns an empty catalog of the repository at root, for Add
// to fill as LoadCatalog does: for a caller that reads the store's file
// metas anyway.
func NewCatalog(root string) *Catalog {
	return &Catalog{root: root, byDir: map[string][]store.FileMeta{}, langOf: map[string]string{}, seenMod: map[string]bool{}, files: repoFiles{root: root}}
}

// Close releases the repository root that Add's reads of go.mod files
// opened: a caller of NewCatalog calls it after its last Add (LoadCatalog
// and Set release it themselves). The catalog stays usable.
func (c *Catalog) Close() { c.files.close() }

// Add records the indexed file m; files are added in path order (the
// order of store.Files).
func (c *Catalog) Add(m store.FileMeta) {
	d := path.Dir(m.Path)
	l := lang.ResolveAs(m.Language) // a Vue component resolves as TypeScript
	c.byDir[d] = append(c.byDir[d], store.FileMeta{Path: m.Path, Language: l})
	c.langOf[m.Path] = l
	if m.Language == lang.Go {
		c.findModule(d)
	}
}

// Set records that the file at p is indexed with language l.
func (c *Catalog) Set(p, l string) {
	l = lang.ResolveAs(l)
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
		c.Close()
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
			if b, err := c.files.read(path.Join(d, "go.mod")); err == nil {
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
// would see it. That go.mod is read with os.ReadFile, not repofile: it
// lies outside the repository by definition.
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

// resolve finds the destinations of one edge with the rules of the
// language of its file (langs.go).
func (r *resolver) resolve(e *graph.Edge) ([]graph.NodeID, graph.Resolution) {
	l := r.langOf[e.File]
	if l == "" || l == "external" {
		return nil, graph.ResUnresolved
	}
	if lr := languageRules[l]; lr != nil && lr.bind != nil {
		return lr.bind(r, e)
	}
	return r.resolveGeneric(e)
}
