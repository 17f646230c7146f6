package precise

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"hash/fnv"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/tools/go/packages"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/repofile"
	"github.com/codegraph-dev/codegraph/internal/resolve"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// ErrNoToolchain is reported (as every package's failure reason) when no
// go command is on the PATH.
var ErrNoToolchain = errors.New("no Go toolchain (the go command is not on the PATH)")

// Options configure a Go pass.
type Options struct {
	// Root is the repository root on disk; default: the store's recorded
	// root.
	Root string
	// Full checks every package, not only those whose files changed since
	// the last pass and the packages importing them.
	Full bool
	// Logger receives the pass's diagnostics; default: discarded.
	Logger *slog.Logger
	// Progress, when set, is told how many packages the pass has handled
	// out of how many.
	Progress func(done, total int)
	// GoCommand is the go binary; default: "go" on the PATH.
	GoCommand string
	// Tests also type-checks _test.go files (their package's test
	// variants). Off by default: the go command then compiles every test
	// variant for its export data, which costs more than the rest of the
	// pass (over half an hour for the standard library on 2 busy cores);
	// test files keep their heuristic edges.
	Tests bool
}

// kinds are the edge kinds the Go pass owns.
var kinds = []graph.EdgeKind{graph.EdgeCalls, graph.EdgeReferences, graph.EdgeImplements, graph.EdgeImports}

// satisfies is the target extraction gives a Go type's implements edge
// (parse.GoSatisfies; repeated here so that this package does not import
// parse).
const satisfies = "(method set)"

// goFile is one indexed Go file.
type goFile struct {
	path string
	hash uint64
}

// RunGo type-checks the Go packages of the store's tree that changed since
// the last pass (every package with opts.Full or when no pass has run) and
// the packages that import them, and rewrites their edges with the type
// checker's. It records its State in the store and returns it. st must be
// writable; RunGo holds it throughout (RunGoShared lets other writers in
// while it type-checks).
func RunGo(ctx context.Context, st *store.Store, opts Options) (*State, error) {
	return RunGoShared(ctx, func(fn func(*store.Store) error) error { return fn(st) }, opts)
}

// WriteFunc runs fn with the writable store, excluding the store's other
// writers meanwhile (index.Updater.Write is one).
type WriteFunc func(fn func(*store.Store) error) error

// RunGoShared is RunGo for a store other writers share: write is called
// for short sections only (reading the state at the start, writing each
// batch of packages' edges, saving the state at the end), and the type
// checking runs outside them, so index updates and API node writes go on
// while the pass type-checks. A package whose files, or the files it binds
// into, changed between its type check and its write keeps what it had and
// is checked again by the next pass.
func RunGoShared(ctx context.Context, write WriteFunc, opts Options) (*State, error) {
	start := time.Now()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	var (
		prev   *State
		dirs   = map[string][]goFile{}
		hashes = map[string]uint64{}
	)
	err := write(func(st *store.Store) error {
		if opts.Root == "" {
			v, err := st.Meta("root")
			if err != nil {
				return fmt.Errorf("precise: the index records no root: %w", err)
			}
			opts.Root = string(v)
		}
		var err error
		if prev, err = LoadState(st); err != nil {
			return err
		}
		// The tree's Go packages: directories of indexed Go files.
		if err := st.Files(func(m store.FileMeta) error {
			if m.Language == lang.Go && !graph.Synthetic(m.Path) {
				d := path.Dir(m.Path)
				dirs[d] = append(dirs[d], goFile{m.Path, m.Hash})
				hashes[m.Path] = m.Hash
			}
			return nil
		}); err != nil {
			return fmt.Errorf("precise: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, err
	}
	full := opts.Full || prev == nil || prev.Version != stateVersion

	fps := make(map[string]uint64, len(dirs))
	for d, fs := range dirs {
		fps[d] = fingerprint(fs)
	}
	state := &State{Version: stateVersion, Started: start, Packages: map[string]*PackageState{}}
	if prev != nil && !full {
		for d, p := range prev.Packages {
			if _, ok := dirs[d]; ok {
				state.Packages[d] = p
			}
		}
	}
	// What to check: new and changed packages, and those importing them.
	check := map[string]bool{}
	for d := range dirs {
		if p := state.Packages[d]; full || p == nil || p.Fingerprint != fps[d] {
			check[d] = true
		}
	}
	if !full && prev != nil {
		gone := map[string]bool{}
		for d := range prev.Packages {
			if _, ok := dirs[d]; !ok {
				gone[d] = true
			}
		}
		changed := map[string]bool{}
		for d := range check {
			changed[d] = true
		}
		for d, p := range state.Packages {
			for _, imp := range p.Imports {
				if changed[imp] || gone[imp] {
					check[d] = true
				}
			}
		}
	}
	state.Last.Packages = len(dirs)
	state.Last.Full = full
	list := make([]string, 0, len(check))
	for d := range check {
		list = append(list, d)
	}
	sort.Strings(list)

	p := &pass{write: write, root: root, opts: opts, dirs: dirs, fps: fps, hashes: hashes, stats: &state.Last,
		fileNodes: map[string]*fileIndex{}, objRefs: map[types.Object]ref{}, exts: map[string]map[graph.NodeID]graph.Node{},
		dropped: map[string]string{}}
	goCmd := opts.GoCommand
	if goCmd == "" {
		goCmd = "go"
	}
	if _, err := exec.LookPath(goCmd); err != nil {
		for _, d := range list {
			state.Packages[d] = &PackageState{Status: StatusFailed, Reason: ErrNoToolchain.Error(), Fingerprint: fps[d]}
		}
		list = nil
	} else if out, err := exec.CommandContext(ctx, goCmd, "env", "GOVERSION", "GOROOT").Output(); err == nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		state.Toolchain = strings.TrimSpace(lines[0])
		if len(lines) > 1 {
			p.goroot = strings.TrimSpace(lines[1])
		}
	}

	// One load per module: its packages type-check together, so interface
	// satisfaction is decided among all of them.
	byModule := map[string][]string{}
	for _, d := range list {
		mod, err := moduleRoot(root, d)
		if err != nil {
			state.Packages[d] = &PackageState{Status: StatusFailed, Reason: err.Error(), Fingerprint: fps[d]}
			continue
		}
		byModule[mod] = append(byModule[mod], d)
	}
	mods := make([]string, 0, len(byModule))
	for m := range byModule {
		mods = append(mods, m)
	}
	sort.Strings(mods)
	done := 0
	for _, mod := range mods {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res, err := p.checkModule(ctx, goCmd, mod, byModule[mod], func(n int) {
			done += n
			if opts.Progress != nil {
				opts.Progress(done, len(list))
			}
		})
		if err != nil {
			return nil, err
		}
		for _, d := range byModule[mod] {
			if reason, ok := p.dropped[d]; ok {
				// Changed while it was type-checked: it keeps what it had,
				// and the next pass checks it (its fingerprint cannot match).
				ps := &PackageState{Status: StatusFailed, Reason: reason}
				if old := prev.packageState(d); old != nil {
					c := *old
					ps = &c
				}
				ps.Fingerprint = 0
				state.Packages[d] = ps
				continue
			}
			ps := res[d]
			if ps == nil {
				reason := "the go command listed no package in this directory (build constraints exclude every file?)"
				if !slices.ContainsFunc(dirs[d], func(f goFile) bool { return !strings.HasSuffix(f.path, "_test.go") }) {
					reason = "only _test.go files (test files keep heuristic edges)"
				}
				ps = &PackageState{Status: StatusFailed, Reason: reason}
			}
			ps.Fingerprint = fps[d]
			state.Packages[d] = ps
		}
	}

	// Packages that failed now but had precise edges get their heuristic
	// edges back; then the state is saved.
	state.Last.Checked = len(list)
	state.Last.Precise, state.Last.Failed = state.Counts()
	err = write(func(st *store.Store) error {
		p.begin(st)
		defer p.end()
		var revert []string
		for _, d := range list {
			if _, dropped := p.dropped[d]; dropped {
				continue
			}
			if ps := state.Packages[d]; ps.Status == StatusFailed {
				n, err := p.unbindPrecise(d)
				if err != nil {
					return err
				}
				if n > 0 {
					state.Last.Reverted++
					for _, f := range dirs[d] {
						revert = append(revert, f.path)
					}
				}
			}
		}
		if len(revert) > 0 {
			if _, err := resolve.Run(ctx, st, resolve.Options{Root: root, Files: revert}); err != nil {
				return fmt.Errorf("precise: resolving the failed packages heuristically: %w", err)
			}
		}
		state.Finished = time.Now()
		state.Last.Duration = time.Since(start)
		b := st.NewBatch()
		defer b.Close()
		if err := saveState(b, state); err != nil {
			return err
		}
		if err := b.Commit(true); err != nil {
			return fmt.Errorf("precise: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	opts.Logger.Info("precise: go pass", "checked", len(list), "precise", state.Last.Precise, "failed", state.Last.Failed, "duration", state.Last.Duration)
	return state, nil
}

// fingerprint hashes a directory's files and their content hashes.
func fingerprint(fs []goFile) uint64 {
	slices.SortFunc(fs, func(a, b goFile) int { return strings.Compare(a.path, b.path) })
	h := fnv.New64a()
	for _, f := range fs {
		fmt.Fprintf(h, "%s\x00%x\x00", f.path, f.hash)
	}
	return h.Sum64()
}

// moduleRoot returns the directory of the go.mod governing dir (relative
// to root), searched upwards as the go command does (a tree indexed from a
// module's subdirectory belongs to that module).
func moduleRoot(root, dir string) (string, error) {
	d := filepath.Join(root, filepath.FromSlash(dir))
	for {
		if fi, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && !fi.IsDir() {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", errors.New("no go.mod in the package's directory or above it")
		}
		d = parent
	}
}

// pass is one Go pass's working state.
type pass struct {
	write  WriteFunc
	st     *store.Store // the writable store, inside a write section
	root   string
	opts   Options
	dirs   map[string][]goFile // the Go files of each directory when the pass started
	fps    map[string]uint64   // the fingerprint of each directory then
	hashes map[string]uint64   // each Go file's content hash then
	stats  *Stats

	now       map[string]uint64 // each Go file's content hash in the current write section
	nowDirs   map[string][]goFile
	dropped   map[string]string // directories changed while being checked, and why
	fset      *token.FileSet
	fileNodes map[string]*fileIndex // repository path → its nodes (nil: not indexed)
	objRefs   map[types.Object]ref
	exts      map[string]map[graph.NodeID]graph.Node // external file → nodes to have
	impls     *implIndex
	goroot    string // the go command's GOROOT, for export data's "$GOROOT/src/..." file names
}

// begin starts a write section with the writable store st: the nodes read
// before are forgotten (other writers may have changed them), and the
// files' hashes are read again.
func (p *pass) begin(st *store.Store) error {
	p.st = st
	p.fileNodes = map[string]*fileIndex{}
	p.now = map[string]uint64{}
	p.nowDirs = map[string][]goFile{}
	return st.Files(func(m store.FileMeta) error {
		if m.Language == lang.Go && !graph.Synthetic(m.Path) {
			p.now[m.Path] = m.Hash
			d := path.Dir(m.Path)
			p.nowDirs[d] = append(p.nowDirs[d], goFile{m.Path, m.Hash})
		}
		return nil
	})
}

// end ends a write section.
func (p *pass) end() {
	p.st = nil
	p.fileNodes = map[string]*fileIndex{}
}

// dirCurrent reports whether a directory holds the Go files, with the
// contents, it held when the pass started.
func (p *pass) dirCurrent(d string) bool {
	return fingerprint(p.nowDirs[d]) == p.fps[d]
}

// packageState returns the state of the package in dir (nil on a nil
// State or when there is none).
func (s *State) packageState(dir string) *PackageState {
	if s == nil {
		return nil
	}
	return s.Packages[dir]
}

// batchPackages bounds how many packages one load type-checks together:
// the syntax and type information of all of them stay in memory until the
// load's edges are written (the standard library's 500 packages at once
// peaked at 2.8 GB, 48 at a time at 1.07 GiB). Interface satisfaction and
// dynamic-call candidates are decided among the packages of a batch and
// what they import. A variable so that a test can split a tree's packages
// into batches of one.
var batchPackages = 32

// checkModule loads and type-checks the packages of dirs (directories
// relative to the repository root) in the module at mod, batchPackages at
// a time, and rewrites the edges of those that check. It returns each
// directory's state.
func (p *pass) checkModule(ctx context.Context, goCmd, mod string, dirs []string, progress func(n int)) (map[string]*PackageState, error) {
	out := map[string]*PackageState{}
	for len(dirs) > 0 {
		n := min(len(dirs), batchPackages)
		res, err := p.checkBatch(ctx, goCmd, mod, dirs[:n])
		if err != nil {
			return nil, err
		}
		for d, ps := range res {
			out[d] = ps
		}
		dirs = dirs[n:]
		progress(n)
	}
	return out, nil
}

// checkBatch is checkModule for one batch of packages.
func (p *pass) checkBatch(ctx context.Context, goCmd, mod string, dirs []string) (map[string]*PackageState, error) {
	out := map[string]*PackageState{}
	patterns := make([]string, 0, len(dirs))
	for _, d := range dirs {
		rel, err := filepath.Rel(mod, filepath.Join(p.root, filepath.FromSlash(d)))
		if err != nil {
			return nil, err
		}
		patterns = append(patterns, "./"+filepath.ToSlash(rel))
	}
	p.fset = token.NewFileSet()
	p.objRefs = map[types.Object]ref{}
	cfg := &packages.Config{
		Context: ctx,
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
			packages.NeedTypes | packages.NeedTypesInfo | packages.NeedSyntax,
		Dir:   mod,
		Tests: p.opts.Tests,
		Fset:  p.fset,
		Env:   append(os.Environ(), "GOFLAGS=-mod=mod"),
		ParseFile: func(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
			return parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
		},
	}
	if goCmd != "go" {
		cfg.Env = append(cfg.Env, "PATH="+filepath.Dir(goCmd)+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		reason := "go/packages: " + firstLine(err.Error())
		for _, d := range dirs {
			out[d] = &PackageState{Status: StatusFailed, Reason: reason}
		}
		return out, nil
	}
	// Each directory's files come from its package (non-test files) and
	// its test variants (_test.go files); a directory checks only when all
	// of them type-check.
	type unit struct {
		pkg   *packages.Package
		files []*ast.File
		paths []string
	}
	units := map[string][]unit{}
	want := map[string]bool{}
	for _, d := range dirs {
		want[d] = true
	}
	for _, pkg := range pkgs {
		if strings.HasSuffix(pkg.ID, ".test") { // the generated test main
			continue
		}
		variant := strings.Contains(pkg.ID, " [")
		u := unit{pkg: pkg}
		var dir string
		for i, f := range pkg.CompiledGoFiles {
			if i >= len(pkg.Syntax) {
				break
			}
			rel, ok := p.rel(f)
			if !ok {
				continue
			}
			if strings.HasSuffix(rel, "_test.go") != variant {
				continue // a test variant's non-test files come from the package itself
			}
			dir = path.Dir(rel)
			u.files = append(u.files, pkg.Syntax[i])
			u.paths = append(u.paths, rel)
		}
		if dir == "" || !want[dir] {
			continue
		}
		units[dir] = append(units[dir], u)
		ps := out[dir]
		if ps == nil {
			ps = &PackageState{Status: StatusPrecise}
			out[dir] = ps
		}
		if !variant {
			ps.Path = pkg.PkgPath
		}
		if len(pkg.Errors) > 0 || pkg.IllTyped || pkg.TypesInfo == nil {
			ps.Status = StatusFailed
			if len(pkg.Errors) > 0 {
				ps.Reason = p.errorReason(pkg.Errors)
			} else {
				ps.Reason = "not type-checked"
			}
		}
		for _, imp := range pkg.Imports {
			for _, f := range imp.GoFiles {
				if rel, ok := p.rel(f); ok && path.Dir(rel) != dir {
					ps.Imports = append(ps.Imports, path.Dir(rel))
				}
				break
			}
		}
	}
	// Every indexed file of the directory must have been type-checked, and
	// with the content the index holds (read inside the root: a file
	// swapped for a link out of the repository does not hold it).
	files, ferr := repofile.Open(p.root, repofile.Indexed())
	if ferr == nil {
		defer files.Close()
	}
	for d, ps := range out {
		slices.Sort(ps.Imports)
		ps.Imports = slices.Compact(ps.Imports)
		if ps.Status != StatusPrecise {
			continue
		}
		checked := map[string]bool{}
		for _, u := range units[d] {
			for _, f := range u.paths {
				checked[f] = true
			}
		}
		for _, f := range p.dirs[d] {
			if !checked[f.path] {
				continue // excluded by build constraints: keeps its heuristic edges
			}
			var src []byte
			err := ferr
			if err == nil {
				src, err = files.ReadFile(f.path)
			}
			if err != nil || graph.HashBytes(src) != f.hash {
				ps.Status, ps.Reason = StatusFailed, f.path+" changed since it was indexed"
				break
			}
		}
	}
	// The facts, without the store: the type checker's part.
	p.impls = newImplIndex(p, pkgs)
	type fileFacts struct {
		dir, rel string
		raws     []rawFact
	}
	var ffs []fileFacts
	for _, d := range dirs {
		ps := out[d]
		if ps == nil || ps.Status != StatusPrecise {
			continue
		}
		for _, u := range units[d] {
			for i, f := range u.files {
				ffs = append(ffs, fileFacts{d, u.paths[i], p.factsOf(u.pkg, f)})
			}
		}
	}
	// Let the syntax trees and types go before waiting for the writer.
	p.impls, p.fset, p.objRefs = nil, nil, nil
	pkgs, units = nil, nil

	// Bound and written under the writer, if the files are still the ones
	// type-checked.
	err = p.write(func(st *store.Store) error {
		if err := p.begin(st); err != nil {
			return err
		}
		defer p.end()
		for _, d := range dirs {
			if ps := out[d]; ps != nil && ps.Status == StatusPrecise && !p.dirCurrent(d) {
				p.dropped[d] = "changed while it was type-checked: the next pass checks it"
			}
		}
		bound := make([]map[factKey][]*fact, len(ffs))
		for i, ff := range ffs {
			if _, ok := p.dropped[ff.dir]; ok {
				continue
			}
			fi := p.nodesOf(ff.rel)
			if fi == nil {
				continue
			}
			facts, ok := p.bindFacts(fi, ff.raws)
			if !ok {
				p.dropped[ff.dir] = "a file it uses changed while it was type-checked: the next pass checks it"
				continue
			}
			bound[i] = facts
		}
		for i, ff := range ffs {
			if _, ok := p.dropped[ff.dir]; ok || bound[i] == nil {
				continue
			}
			n, err := p.apply(p.nodesOf(ff.rel), ff.rel, bound[i])
			if err != nil {
				return fmt.Errorf("precise: %s: %w", ff.rel, err)
			}
			out[ff.dir].Edges += n
		}
		return p.writeExternals()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// errorReason renders a package's errors as one line: the first type or
// syntax error (the go command's compile error repeats it), with its
// position relative to the root, and how many more there are.
func (p *pass) errorReason(errs []packages.Error) string {
	e := errs[0]
	for _, x := range errs {
		if x.Kind == packages.TypeError || x.Kind == packages.ParseError {
			e = x
			break
		}
	}
	msg := strings.TrimSpace(e.Msg)
	if strings.HasPrefix(msg, "# ") { // "# pkg\nfile:line: message"
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
	}
	msg = firstLine(msg)
	if e.Pos != "" && e.Pos != "-" {
		pos := e.Pos
		if rel, ok := p.rel(pos); ok {
			pos = rel
		} else if i := strings.Index(pos, ".go:"); i >= 0 {
			if r, ok := p.rel(pos[:i+3]); ok {
				pos = r + pos[i+3:]
			}
		}
		msg = pos + ": " + msg
	}
	n := 0
	for _, x := range errs {
		if x.Kind == e.Kind {
			n++
		}
	}
	if n > 1 {
		msg += fmt.Sprintf(" (and %d more)", n-1)
	}
	return msg
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// rel maps a file name of the load to its repository path; false when the
// file is outside the tree.
func (p *pass) rel(name string) (string, bool) {
	// The export data of standard library packages names their files
	// "$GOROOT/src/..." (the go command compiles them with that
	// -trimpath); when the tree is the standard library itself those are
	// its files.
	if rest, ok := strings.CutPrefix(name, "$GOROOT"); ok && p.goroot != "" && rest != "" && os.IsPathSeparator(rest[0]) {
		name = p.goroot + rest
	}
	r, err := filepath.Rel(p.root, name)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) || filepath.IsAbs(r) {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// unbindPrecise turns the precise edges of dir's files back into
// unresolved ones and returns how many there were.
func (p *pass) unbindPrecise(dir string) (int, error) {
	var ids []graph.NodeID
	var paths []string
	for _, f := range p.dirs[dir] {
		paths = append(paths, f.path)
	}
	if err := p.st.NodeIDsInFiles(paths, func(_ int, id graph.NodeID) error { ids = append(ids, id); return nil }); err != nil {
		return 0, err
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var edges []graph.Edge
	if err := p.st.OutEdgesMany(ids, kinds, func(_ int, e graph.Edge) error {
		if e.Res.IsPrecise() {
			edges = append(edges, e)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	if len(edges) == 0 {
		return 0, nil
	}
	b := p.st.NewBatch()
	defer b.Close()
	for _, e := range edges {
		if e.Dst == 0 {
			continue
		}
		if err := b.UnresolveEdge(e); err != nil {
			return 0, err
		}
	}
	return len(edges), b.Commit(false)
}
