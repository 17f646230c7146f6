package precise

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/parse"
	"github.com/codegraph-dev/codegraph/internal/repofile"
	"github.com/codegraph-dev/codegraph/internal/resolve"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// MetaSCIP is the store key/value under which ImportSCIP records its Import.
const MetaSCIP = "precise.scip"

// importVersion is the version of Import's encoding and of the rules that
// produced it.
const importVersion = 1

// scipKinds are the edge kinds a SCIP import owns.
var scipKinds = []graph.EdgeKind{graph.EdgeCalls, graph.EdgeReferences, graph.EdgeImplements, graph.EdgeInherits}

// Import is what the last SCIP import did: `codegraph status` shows it and
// the next import undoes it before applying its own.
type Import struct {
	Version   int           `json:"version"`
	Indexes   []string      `json:"indexes"`        // the .scip files, absolute
	Tool      string        `json:"tool,omitempty"` // the indexers that made them ("scip-typescript 0.4.0")
	Imported  time.Time     `json:"imported"`
	Duration  time.Duration `json:"duration_ns"`
	Documents int           `json:"documents"` // documents in the index
	Applied   int           `json:"applied"`   // documents whose edges were rewritten
	Skipped   []SkippedDoc  `json:"skipped,omitempty"`
	// Files are the files whose edges the import rewrote, with their
	// content hash then: a later import restores their extracted edges
	// first (those re-indexed since have them already).
	Files map[string]uint64 `json:"files,omitempty"`
	Stats ImportStats       `json:"stats"`
}

// SkippedDoc is a document of the index that was not applied, and why.
type SkippedDoc struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// ImportStats counts the edges an import wrote.
type ImportStats struct {
	Precise   int `json:"precise"`   // precise edges written
	Dynamic   int `json:"dynamic"`   // dynamic-call candidates (implementations of a called interface method)
	Rewritten int `json:"rewritten"` // extracted edge groups rebound
	Added     int `json:"added"`     // edges extraction had not seen
	Unbound   int `json:"unbound"`   // heuristic bindings the index refuted
	External  int `json:"external"`  // edges to library symbols
	Restored  int `json:"restored"`  // files of the previous import given their extracted edges back
}

// LoadImport reads the last SCIP import's record; (nil, nil) when there was
// none.
func LoadImport(st *store.Store) (*Import, error) {
	v, err := st.Meta(MetaSCIP)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("precise: %w", err)
	}
	var im Import
	if err := json.Unmarshal(v, &im); err != nil {
		return nil, fmt.Errorf("precise: scip import record: %w", err)
	}
	return &im, nil
}

// Stale counts the files of the import that were re-indexed since (their
// edges are extraction's again until the next import).
func (im *Import) Stale(st *store.Store) (int, error) {
	n := 0
	for f, h := range im.Files {
		m, err := st.FileMeta(f)
		if errors.Is(err, store.ErrNotFound) {
			n++
			continue
		}
		if err != nil {
			return 0, err
		}
		if m.Hash != h {
			n++
		}
	}
	return n, nil
}

// SCIPOptions configure ImportSCIP.
type SCIPOptions struct {
	// Root is the repository root on disk; default: the store's recorded
	// root.
	Root   string
	Logger *slog.Logger
}

// ImportSCIP reads the SCIP indexes in files (one per language of a
// polyglot repository, say) and rewrites the calls, references, implements
// and inherits edges of the indexed files they cover with the indexes',
// marked graph.ResPrecise (implementations of a called interface method as
// graph.ResDynamic). The previous import's files get their extracted edges
// back first: an import replaces the previous one. A document whose file
// is not indexed, whose indexed content differs from the file on disk, or
// whose content does not match the index (its text, or the names at its
// definitions) is skipped and listed, never bound. Go files whose package
// the Go pass type-checked are left to it. st must be writable.
func ImportSCIP(ctx context.Context, st *store.Store, files []string, opts SCIPOptions) (*Import, error) {
	start := time.Now()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if len(files) == 0 {
		return nil, errors.New("precise: no SCIP index to import")
	}
	if opts.Root == "" {
		v, err := st.Meta("root")
		if err != nil {
			return nil, fmt.Errorf("precise: the index records no root: %w", err)
		}
		opts.Root = string(v)
	}
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, err
	}
	im := &Import{Version: importVersion, Imported: start, Files: map[string]uint64{}}
	ix := &scipIndex{}
	var tools []string
	for _, file := range files {
		abs, err := filepath.Abs(file)
		if err != nil {
			return nil, err
		}
		data, err := os.ReadFile(abs)
		if err != nil {
			return nil, fmt.Errorf("precise: %w", err)
		}
		one, err := decodeSCIP(data)
		if err != nil {
			return nil, fmt.Errorf("precise: %s: %w", file, err)
		}
		// Document paths become repository paths here: each index has its
		// own project root.
		prefix, strip := projectPaths(root, one.ProjectRoot)
		for i := range one.Documents {
			d := &one.Documents[i]
			p := docPath(d.RelativePath, prefix, strip)
			if p == "" {
				p = "../" + d.RelativePath // outside the tree
			}
			d.RelativePath = p
		}
		ix.Documents = append(ix.Documents, one.Documents...)
		ix.External = append(ix.External, one.External...)
		im.Indexes = append(im.Indexes, abs)
		tool := one.ToolName
		if tool != "" && one.ToolVersion != "" {
			tool += " " + one.ToolVersion
		}
		if tool != "" && !slices.Contains(tools, tool) {
			tools = append(tools, tool)
		}
	}
	im.Tool = strings.Join(tools, ", ")
	im.Documents = len(ix.Documents)

	// Undo the previous import.
	prev, err := LoadImport(st)
	if err != nil {
		return nil, err
	}
	if prev != nil {
		n, err := restoreExtracted(ctx, st, root, prev)
		if err != nil {
			return nil, fmt.Errorf("precise: undoing the previous import: %w", err)
		}
		im.Stats.Restored = n
	}

	goState, err := LoadState(st)
	if err != nil {
		return nil, err
	}
	rd, err := repofile.Open(root, repofile.Indexed())
	if err != nil {
		return nil, fmt.Errorf("precise: %w", err)
	}
	defer rd.Close()
	im2 := &scipImport{st: st, root: root, files: rd, im: im, ix: ix, log: opts.Logger,
		p:       &pass{st: st, root: root, fileNodes: map[string]*fileIndex{}, exts: map[string]map[graph.NodeID]graph.Node{}, stats: &Stats{}},
		symNode: map[string]graph.NodeID{}, localNode: map[string]graph.NodeID{}, kinds: map[graph.NodeID]graph.NodeKind{}, defined: map[string]bool{}, skippedSyms: map[string]bool{},
		impls: map[string][]string{}, bases: map[string][]string{}, syms: map[string]*scipSym{}}
	docs := im2.check(ctx, goState)
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := im2.applyDoc(d); err != nil {
			return nil, fmt.Errorf("precise: %s: %w", d.path, err)
		}
	}
	if err := im2.p.writeExternals(); err != nil {
		return nil, fmt.Errorf("precise: %w", err)
	}
	im.Duration = time.Since(start)
	slices.SortFunc(im.Skipped, func(a, b SkippedDoc) int { return strings.Compare(a.Path, b.Path) })
	v, err := json.Marshal(im)
	if err != nil {
		return nil, err
	}
	b := st.NewBatch()
	defer b.Close()
	if err := b.SetMeta(MetaSCIP, v); err != nil {
		return nil, err
	}
	if err := b.Commit(true); err != nil {
		return nil, fmt.Errorf("precise: %w", err)
	}
	opts.Logger.Info("precise: scip import", "indexes", im.Indexes, "documents", im.Documents, "applied", im.Applied, "skipped", len(im.Skipped), "duration", im.Duration)
	return im, nil
}

// projectPaths says how the index's document paths map to repository
// paths: prefixed with prefix (the index's project root lies under the
// repository root) or with strip removed (the repository lies under the
// project root). A project root elsewhere (an index made on another
// machine) is taken to be the repository root.
func projectPaths(root, projectRoot string) (prefix, strip string) {
	pr, ok := strings.CutPrefix(projectRoot, "file://")
	if !ok || pr == "" {
		return "", ""
	}
	pr = filepath.Clean(filepath.FromSlash(pr))
	if rel, err := filepath.Rel(root, pr); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel) + "/", ""
	}
	if rel, err := filepath.Rel(pr, root); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
		return "", filepath.ToSlash(rel) + "/"
	}
	return "", ""
}

// restoreExtracted gives the files of a previous import their extracted
// edges back: each one still holding the content it had then is extracted
// again (the same nodes, so the search indexes stay as they are) and its
// edges resolved heuristically. It returns how many files it restored.
func restoreExtracted(ctx context.Context, st *store.Store, root string, prev *Import) (int, error) {
	paths := make([]string, 0, len(prev.Files))
	for f := range prev.Files {
		paths = append(paths, f)
	}
	sort.Strings(paths)
	x := parse.NewExtractor()
	defer x.Close()
	p := x.NewParser(parse.Options{})
	defer p.Close()
	files, err := repofile.Open(root, repofile.Indexed())
	if err != nil {
		return 0, fmt.Errorf("precise: %w", err)
	}
	defer files.Close()
	b := st.NewBatch()
	defer b.Close()
	var done []string
	for _, f := range paths {
		m, err := st.FileMeta(f)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return 0, err
		}
		if m.Hash != prev.Files[f] || m.ExtractorVersion != parse.ExtractorVersion {
			continue // re-indexed since: its edges are extraction's already
		}
		src, err := files.ReadFile(f)
		if err != nil || graph.HashBytes(src) != m.Hash {
			continue // changed on disk: the next index run re-extracts it
		}
		grammar := lang.Refine(lang.Detect(f, func() []byte { return src }), src)
		if grammar == "" {
			continue
		}
		pr, err := p.Parse(ctx, f, grammar, src)
		if err != nil {
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			continue
		}
		if err := b.ReplaceFile(m, pr.Nodes, pr.Edges); err != nil {
			return 0, err
		}
		done = append(done, f)
	}
	if len(done) == 0 {
		return 0, nil
	}
	if err := b.Commit(false); err != nil {
		return 0, err
	}
	if _, err := resolve.Run(ctx, st, resolve.Options{Root: root, Files: done}); err != nil {
		return 0, fmt.Errorf("resolving the restored files: %w", err)
	}
	return len(done), nil
}

// scipImport is one import's working state.
type scipImport struct {
	st    *store.Store
	root  string
	files *repofile.Reader // reads root's files (root-confined)
	im    *Import
	ix    *scipIndex
	log   *slog.Logger
	p     *pass

	symNode     map[string]graph.NodeID // symbol → our node (definitions of applied documents)
	localNode   map[string]graph.NodeID // document path NUL local symbol → our node (nested functions, local classes)
	kinds       map[graph.NodeID]graph.NodeKind
	defined     map[string]bool     // symbols some document of the index defines
	skippedSyms map[string]bool     // symbols defined in skipped documents
	impls       map[string][]string // symbol → symbols implementing it (is_implementation)
	bases       map[string][]string // type symbol → the types it implements or extends
	syms        map[string]*scipSym // parsed symbols (nil: unparsable)
}

// checkedDoc is a document that passed the checks.
type checkedDoc struct {
	doc      *scipDocument
	path     string
	language string
	hash     uint64
	lines    []int // byte offset of each line
	src      []byte
	encoding int
}

// sym parses (once) a symbol; nil for local and malformed symbols.
func (s *scipImport) sym(name string) *scipSym {
	if v, ok := s.syms[name]; ok {
		return v
	}
	ps, err := parseSymbol(name)
	var out *scipSym
	if err == nil && !ps.Local {
		out = &ps
	}
	s.syms[name] = out
	return out
}

// check verifies every document against the index, maps its definitions
// to our nodes and returns the documents to apply.
func (s *scipImport) check(ctx context.Context, goState *State) []*checkedDoc {
	// Every symbol the index defines, and the relationships.
	for i := range s.ix.Documents {
		d := &s.ix.Documents[i]
		for _, o := range d.Occurrences {
			if o.Roles&roleDefinition != 0 && !strings.HasPrefix(o.Symbol, "local ") {
				s.defined[o.Symbol] = true
			}
		}
		s.relations(d.Symbols)
	}
	s.relations(s.ix.External)

	var out []*checkedDoc
	for i := range s.ix.Documents {
		if ctx.Err() != nil {
			return nil
		}
		d := &s.ix.Documents[i]
		cd, reason := s.checkDoc(d, goState)
		if reason != "" {
			s.im.Skipped = append(s.im.Skipped, SkippedDoc{Path: d.RelativePath, Reason: reason})
			for _, o := range d.Occurrences {
				if o.Roles&roleDefinition != 0 {
					s.skippedSyms[o.Symbol] = true
				}
			}
			continue
		}
		out = append(out, cd)
	}
	return out
}

func (s *scipImport) relations(syms []scipSymbol) {
	for _, si := range syms {
		for _, r := range si.Relationships {
			if !r.IsImplementation || r.Symbol == si.Symbol {
				continue
			}
			s.impls[r.Symbol] = append(s.impls[r.Symbol], si.Symbol)
			s.bases[si.Symbol] = append(s.bases[si.Symbol], r.Symbol)
		}
	}
}

// docPath maps a document's path to a repository path ("" when it lies
// outside the tree).
func docPath(rel, prefix, strip string) string {
	p := path.Clean(filepath.ToSlash(rel))
	if strip != "" {
		if r, ok := strings.CutPrefix(p, strip); ok {
			p = r
		} else {
			return ""
		}
	}
	return prefix + p
}

// checkDoc returns the document ready to apply, or why it is skipped.
func (s *scipImport) checkDoc(d *scipDocument, goState *State) (*checkedDoc, string) {
	rel := d.RelativePath
	if rel == "" || strings.HasPrefix(rel, "../") || path.IsAbs(rel) {
		return nil, "outside the indexed tree"
	}
	m, err := s.st.FileMeta(rel)
	if err != nil {
		return nil, "not in the index"
	}
	if m.Language == lang.Go && goState != nil {
		if ps := goState.Packages[path.Dir(rel)]; ps != nil && ps.Status == StatusPrecise {
			return nil, "the Go precise pass type-checks this package"
		}
	}
	src, err := s.files.ReadFile(rel)
	if err != nil {
		return nil, "unreadable: " + err.Error()
	}
	if graph.HashBytes(src) != m.Hash {
		return nil, "the file changed since it was indexed"
	}
	if d.HasText && d.Text != string(src) {
		return nil, "the index's copy of the file differs from the indexed content"
	}
	cd := &checkedDoc{doc: d, path: rel, language: m.Language, hash: m.Hash, src: src, encoding: d.PositionEncoding}
	cd.lines = lineStarts(src)
	fi := s.p.nodesOf(rel)
	type def struct {
		sym   string
		id    graph.NodeID
		start int
	}
	var defs []def
	for _, o := range d.Occurrences {
		if o.Roles&roleDefinition == 0 {
			continue
		}
		ps := s.sym(o.Symbol)
		if ps == nil {
			// A local symbol (scip-typescript's nested functions and local
			// classes): a node of ours when one is named so there.
			if fi != nil && strings.HasPrefix(o.Symbol, "local ") {
				if start, end, ok := cd.span(o.Range); ok && end > start {
					if id := fi.named(start, string(src[start:end])); id != 0 {
						if _, dup := s.localNode[rel+"\x00"+o.Symbol]; !dup {
							s.localNode[rel+"\x00"+o.Symbol] = id
						}
					}
				}
			}
			continue
		}
		name := ps.last().Name
		start, end, ok := cd.span(o.Range)
		if !ok {
			return nil, fmt.Sprintf("definition of %s at %d:%d lies outside the file", name, o.Range.StartLine+1, o.Range.StartChar+1)
		}
		text := string(src[start:end])
		if isIdent(name) && !sameName(name, text) && end > start {
			return nil, fmt.Sprintf("definition of %s at %d:%d reads %q in the indexed file", name, o.Range.StartLine+1, o.Range.StartChar+1, clip(text))
		}
		if fi == nil {
			continue
		}
		if id := fi.named(start, ourName(ps, text)); id != 0 {
			defs = append(defs, def{o.Symbol, id, start})
		}
	}
	// A symbol defined more than once in a document (TypeScript's
	// overload signatures and their implementation, Python's @overload
	// stubs and theirs) binds to the last definition: the implementation,
	// which both languages require to follow its signatures. Not the
	// widest: rxjs's multi-line signatures of Observable.pipe are longer
	// than its three-line body. Across documents the first one stays.
	last := map[string]def{}
	for _, df := range defs {
		if _, ok := s.symNode[df.sym]; ok {
			continue
		}
		if prev, ok := last[df.sym]; !ok || df.start >= prev.start {
			last[df.sym] = df
		}
	}
	for sym, df := range last {
		s.symNode[sym] = df.id
	}
	return cd, ""
}

// sameName reports whether a definition's descriptor name names the
// source text there: the same, or with the number scip-typescript appends
// to tell apart same-named declarations of a file (set0 for set).
func sameName(name, text string) bool {
	if name == text {
		return true
	}
	rest, ok := strings.CutPrefix(name, text)
	if !ok || rest == "" || text == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if rest[i] < '0' || rest[i] > '9' {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// isIdent reports whether a descriptor name is an identifier the source
// spells at its definition (not "<constructor>", "`foo.ts`", "").
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentChar(s[i]) || s[i] == '+' || s[i] == '-' {
			return false
		}
	}
	return true
}

// ourName is the name extraction gives the definition of ps whose source
// text is text.
func ourName(ps *scipSym, text string) string {
	n := ps.last().Name
	if text != n && sameName(n, text) {
		return text
	}
	if n == "<constructor>" || n == "__init__" && text == "__init__" {
		if text != "" {
			return text
		}
		return "constructor"
	}
	return n
}

// inImport reports whether line (1-based) holds an import statement
// (extraction's import nodes, which may span only the imported name).
func (fi *fileIndex) inImport(line uint32) bool {
	for _, i := range fi.imports {
		if n := &fi.nodes[i]; n.StartLine <= line && line <= n.EndLine {
			return true
		}
	}
	return false
}

// named returns the innermost node of a definition kind named name whose
// bytes hold off.
func (fi *fileIndex) named(off int, name string) graph.NodeID {
	o := uint32(off)
	var best *graph.Node
	for _, i := range fi.byName[name] {
		n := &fi.nodes[i]
		if n.Kind == graph.KindFile || n.Kind == graph.KindPackage || n.Kind == graph.KindImport {
			continue
		}
		if o < n.StartByte || o >= n.EndByte {
			continue
		}
		if best == nil || n.EndByte-n.StartByte < best.EndByte-best.StartByte {
			best = n
		}
	}
	if best == nil {
		return 0
	}
	return best.ID
}

// lineStarts returns the byte offset of each line of src.
func lineStarts(src []byte) []int {
	out := []int{0}
	for i, c := range src {
		if c == '\n' {
			out = append(out, i+1)
		}
	}
	return out
}

// offset converts a (line, character) position of the document's encoding
// to a byte offset; false when it lies outside the file.
func (cd *checkedDoc) offset(line, char int32) (int, bool) {
	if line < 0 || int(line) >= len(cd.lines) {
		return 0, false
	}
	start := cd.lines[line]
	end := len(cd.src)
	if int(line)+1 < len(cd.lines) {
		end = cd.lines[line+1]
	}
	text := cd.src[start:end]
	if cd.encoding == posUTF8 {
		if int(char) > len(text) {
			return 0, false
		}
		return start + int(char), true
	}
	// UTF-16 (the default of LSP-based indexers) or UTF-32 code units.
	units := 0
	i := 0
	for units < int(char) {
		if i >= len(text) {
			return 0, false
		}
		r, size := utf8.DecodeRune(text[i:])
		i += size
		if cd.encoding == posUTF32 {
			units++
		} else {
			units += utf16.RuneLen(r)
			if utf16.RuneLen(r) < 0 {
				units++
			}
		}
	}
	return start + i, true
}

// span converts a range to byte offsets.
func (cd *checkedDoc) span(r scipRange) (int, int, bool) {
	s, ok := cd.offset(r.StartLine, r.StartChar)
	if !ok {
		return 0, 0, false
	}
	e, ok := cd.offset(r.EndLine, r.EndChar)
	if !ok || e < s {
		return 0, 0, false
	}
	return s, e, true
}

// site is a place in a file: the innermost definition around it, a line
// and the name there.
type site struct {
	src  graph.NodeID
	line uint32
	name string
}

// applyDoc rewrites one document's edges.
func (s *scipImport) applyDoc(d *checkedDoc) error {
	fi := s.p.nodesOf(d.path)
	if fi == nil {
		return nil
	}
	ids := make([]graph.NodeID, len(fi.nodes))
	for i, n := range fi.nodes {
		ids[i] = n.ID
	}
	slices.Sort(ids)
	var edges []graph.Edge
	if err := s.st.OutEdgesMany(ids, scipKinds, func(_ int, e graph.Edge) error {
		edges = append(edges, e)
		return nil
	}); err != nil {
		return err
	}
	// Where extraction saw a call: (source, line, name).
	calls := map[site]bool{}
	bases := map[site]graph.EdgeKind{} // (type, 0, base name) → implements or inherits
	for _, e := range edges {
		switch e.Kind {
		case graph.EdgeCalls:
			calls[site{e.Src, e.Line, lastName(e.Target)}] = true
		case graph.EdgeImplements, graph.EdgeInherits:
			bases[site{e.Src, 0, baseName(e.Target)}] = e.Kind
		}
	}
	facts := map[factKey][]*fact{}
	add := func(src graph.NodeID, kind graph.EdgeKind, line uint32, name string, dsts, dyn []graph.NodeID) {
		k := factKey{src, kind, name}
		for _, fc := range facts[k] {
			if fc.line == line {
				fc.dsts = append(fc.dsts, dsts...)
				fc.dyn = append(fc.dyn, dyn...)
				return
			}
		}
		facts[k] = append(facts[k], &fact{src: src, kind: kind, line: line, name: name, target: name, dsts: dsts, dyn: dyn})
	}
	keep := map[factKey]bool{}
	for _, o := range d.doc.Occurrences {
		if o.Roles&(roleDefinition|roleImport) != 0 {
			if o.Roles&roleDefinition != 0 {
				s.implFacts(d, o, bases, add)
			}
			continue
		}
		start, end, ok := d.span(o.Range)
		if !ok || end <= start {
			continue
		}
		name := string(d.src[start:end])
		if !isIdent(name) {
			continue
		}
		src := fi.enclosing(start)
		line := uint32(o.Range.StartLine + 1)
		if src == fi.file && fi.inImport(line) {
			continue // import statements are imports edges, not the index's business
		}
		kind := graph.EdgeReferences
		if calls[site{src, line, name}] {
			kind = graph.EdgeCalls
		}
		ps := s.sym(o.Symbol)
		if ps == nil {
			// A local: a nested definition of ours, or a variable or
			// parameter (no edge: a heuristic guess at it is refuted).
			if id, ok := s.local(d.path, o.Symbol); ok {
				dk := s.kindOf(id)
				if kind == graph.EdgeCalls || dk.IsCallable() || dk.IsType() {
					if kind == graph.EdgeCalls && dk == graph.KindClass && (d.language == lang.TypeScript || d.language == lang.JavaScript) {
						if c := s.constructorOf(id); c != 0 {
							id = c
						}
					}
					add(src, kind, line, name, []graph.NodeID{id}, nil)
					continue
				}
			}
			add(src, kind, line, name, nil, nil)
			continue
		}
		if s.skippedSyms[o.Symbol] {
			keep[factKey{src, kind, name}] = true // defined in a skipped document: leave it
			continue
		}
		dst, dk := s.target(o.Symbol, ps, d.language, kind == graph.EdgeReferences)
		if dst == 0 || kind == graph.EdgeReferences && !dk.IsCallable() && !dk.IsType() && dk != graph.KindExternal {
			add(src, kind, line, name, nil, nil)
			continue
		}
		if kind == graph.EdgeCalls && dk == graph.KindClass && (d.language == lang.TypeScript || d.language == lang.JavaScript) {
			if c := s.constructorOf(dst); c != 0 {
				dst = c // new C() runs C's constructor, as the heuristic pass binds it
			} else if c := s.baseConstructor(o.Symbol, map[string]bool{}); c != 0 {
				dst = c // C has none of its own: its nearest base class's runs
			}
		}
		var dyn []graph.NodeID
		if kind == graph.EdgeCalls {
			for _, impl := range s.impls[o.Symbol] {
				if id, ok := s.symNode[impl]; ok {
					dyn = append(dyn, id)
				}
			}
		}
		add(src, kind, line, name, []graph.NodeID{dst}, dyn)
	}
	n, err := s.apply(fi, d.path, edges, facts, keep)
	if err != nil {
		return err
	}
	s.im.Applied++
	s.im.Files[d.path] = d.hash
	s.im.Stats.Precise += n
	return nil
}

// implFacts adds the implements or inherits facts of a type defined at o.
func (s *scipImport) implFacts(d *checkedDoc, o scipOccurrence, bases map[site]graph.EdgeKind, add func(graph.NodeID, graph.EdgeKind, uint32, string, []graph.NodeID, []graph.NodeID)) {
	ps := s.sym(o.Symbol)
	if ps == nil || ps.last().Suffix != descType {
		return
	}
	src, ok := s.symNode[o.Symbol]
	if !ok {
		return
	}
	for _, b := range s.bases[o.Symbol] {
		bs := s.sym(b)
		if bs == nil || bs.last().Suffix != descType {
			continue
		}
		dst, dk := s.target(b, bs, d.language, false)
		if dst == 0 {
			continue
		}
		name := bs.last().Name
		kind, ok := bases[site{src, 0, name}]
		if !ok {
			kind = graph.EdgeInherits
			if dk == graph.KindInterface || dk == graph.KindTrait {
				kind = graph.EdgeImplements
			}
		}
		add(src, kind, uint32(o.Range.StartLine+1), name, []graph.NodeID{dst}, nil)
	}
}

// baseName is the type name an extracted implements/inherits target ends
// with: "Shape" for "pkg.Shape", "Base<T>" and "Base[T]".
func baseName(target string) string {
	t := target
	if i := strings.IndexAny(t, "<[("); i > 0 {
		t = t[:i]
	}
	if i := strings.LastIndexAny(t, ".:"); i >= 0 {
		t = t[i+1:]
	}
	return strings.TrimSpace(t)
}

// refersToCallableOrType reports whether a library symbol names a method,
// function or type (what references edges point at).
func refersToCallableOrType(ps *scipSym) bool {
	switch ps.last().Suffix {
	case descMethod, descType:
		return true
	}
	return false
}

// target returns the node a symbol stands for and its kind: the
// definition of an applied document, or a library's external node for a
// symbol no document of the index defines; 0 otherwise.
//
// ref says the occurrence is a reference, not a call: a library symbol
// then counts only when it names a function, method or type, and not one
// of the language's builtin types (str, float, Math), as the Go pass leaves
// out int and error.
func (s *scipImport) target(symbol string, ps *scipSym, language string, ref bool) (graph.NodeID, graph.NodeKind) {
	if id, ok := s.symNode[symbol]; ok {
		return id, s.kindOf(id)
	}
	if s.defined[symbol] {
		return 0, 0 // ours, but not a node we keep (a parameter, a property)
	}
	switch ps.last().Suffix {
	case descParameter, descTypeParameter, descMeta, descMacro:
		return 0, 0
	}
	pkg, name := externalName(ps, language)
	if pkg == "" || name == "" {
		return 0, 0
	}
	if ref && (!refersToCallableOrType(ps) || pkg == "builtins" || pkg == "globalThis") {
		return 0, 0
	}
	s.im.Stats.External++
	return s.external(language, pkg, name), graph.KindExternal
}

// local returns our node for a local symbol of a document: "local 7", or a
// member of one: scip-typescript 0.4.0 writes `new Local()` of a local class
// as a reference to "local 7`<constructor>`()." (its other members get local
// symbols of their own), and "local 7#m()." names a member m of local type 7.
func (s *scipImport) local(doc, symbol string) (graph.NodeID, bool) {
	if id, ok := s.localNode[doc+"\x00"+symbol]; ok {
		return id, true
	}
	rest := strings.TrimPrefix(symbol, "local ")
	i := 0
	for i < len(rest) && isIdentChar(rest[i]) && rest[i] != '+' {
		i++
	}
	if i == 0 || i == len(rest) {
		return 0, false
	}
	id, ok := s.localNode[doc+"\x00local "+rest[:i]]
	if !ok {
		return 0, false
	}
	ps, err := parseSymbol(". . . . " + rest[i:])
	if err != nil {
		return 0, false
	}
	for _, d := range ps.Descriptors {
		switch d.Suffix {
		case descParameter, descTypeParameter:
			return 0, false
		}
		if d.Name == "" {
			continue // the suffix of the local itself: "local 7#"
		}
		if d.Name == "<constructor>" {
			id = s.constructorOf(id)
		} else {
			id = s.childOf(id, d.Name)
		}
		if id == 0 {
			return 0, false
		}
	}
	return id, true
}

// childOf returns the node named name whose parent is id.
func (s *scipImport) childOf(id graph.NodeID, name string) graph.NodeID {
	for _, fi := range s.p.fileNodes {
		if fi == nil {
			continue
		}
		if _, ok := fi.byID[id]; !ok {
			continue
		}
		for _, i := range fi.byName[name] {
			if fi.nodes[i].Parent == id {
				return fi.nodes[i].ID
			}
		}
	}
	return 0
}

// constructorOf returns the constructor node of a class, 0 when it has
// none of its own.
func (s *scipImport) constructorOf(class graph.NodeID) graph.NodeID {
	for _, fi := range s.p.fileNodes {
		if fi == nil {
			continue
		}
		if _, ok := fi.byID[class]; !ok {
			continue
		}
		for _, i := range fi.nodes {
			if i.Parent == class && i.Kind == graph.KindConstructor {
				return i.ID
			}
		}
	}
	return 0
}

// baseConstructor returns the constructor of the nearest base class of
// the class symbol that has one of its own, 0 when none does (interfaces
// among the bases have none).
func (s *scipImport) baseConstructor(symbol string, seen map[string]bool) graph.NodeID {
	if seen[symbol] {
		return 0
	}
	seen[symbol] = true
	for _, b := range s.bases[symbol] {
		id, ok := s.symNode[b]
		if !ok {
			continue
		}
		if c := s.constructorOf(id); c != 0 {
			return c
		}
		if c := s.baseConstructor(b, seen); c != 0 {
			return c
		}
	}
	return 0
}

func (s *scipImport) kindOf(id graph.NodeID) graph.NodeKind {
	if k, ok := s.kinds[id]; ok {
		return k
	}
	k := s.findKind(id)
	s.kinds[id] = k
	return k
}

func (s *scipImport) findKind(id graph.NodeID) graph.NodeKind {
	for _, fi := range s.p.fileNodes {
		if fi == nil {
			continue
		}
		if i, ok := fi.byID[id]; ok {
			return fi.nodes[i].Kind
		}
	}
	if n, err := s.st.Node(id); err == nil {
		return n.Kind
	}
	return 0
}

// externalName names a library symbol as the heuristic resolver does: the
// module or package it comes from and the dotted path of the symbol in it.
// TypeScript's standard library declarations (package typescript,
// lib.*.d.ts) are globals ("globalThis"); a Python symbol's module is its
// namespace descriptors.
func externalName(ps *scipSym, language string) (pkg, name string) {
	var ns, rest []string
	for _, d := range ps.Descriptors {
		switch d.Suffix {
		case descNamespace:
			if len(rest) == 0 {
				ns = append(ns, d.Name)
				continue
			}
		case descParameter, descTypeParameter:
			continue
		}
		rest = append(rest, d.Name)
	}
	name = strings.Join(rest, ".")
	switch language {
	case lang.Python:
		mod := strings.Join(ns, ".")
		mod = strings.TrimSuffix(mod, ".__init__")
		if mod == "" {
			mod = ps.Package
		}
		return mod, name
	case lang.TypeScript, lang.JavaScript:
		if ps.Package == "typescript" && len(ns) > 0 && strings.HasPrefix(ns[len(ns)-1], "lib.") {
			return "globalThis", name
		}
		if strings.HasPrefix(ps.Package, "@types/") {
			return strings.TrimPrefix(ps.Package, "@types/"), name
		}
	}
	if ps.Package == "" {
		return strings.Join(ns, "/"), name
	}
	return ps.Package, name
}

// external returns the id of the external node of symbol in pkg for
// language, recording it to be written.
func (s *scipImport) external(language, pkg, symbol string) graph.NodeID {
	file := graph.ExternalPrefix + language + "/" + pkg
	qn := pkg + "." + symbol
	id := graph.MakeNodeID(file, qn, graph.KindExternal, 0)
	s.p.addExternal(file, language, pkg, graph.Node{ID: id, Kind: graph.KindExternal, Name: symbol, QualifiedName: qn,
		Language: language, File: file, StartLine: 1, EndLine: 1, Parent: graph.MakeNodeID(file, pkg, graph.KindPackage, 0)})
	return id
}

// apply rewrites the file's edges of the import's kinds with facts: a
// group of extracted edges (one source, kind, target and line) that a fact
// stands for gets the fact's destinations; one whose fact binds nothing (a
// local, a property) is unbound; groups the index says nothing about, or
// keep names, stay as they are; facts extraction did not see are added.
// It returns how many precise edges the file has.
func (s *scipImport) apply(fi *fileIndex, rel string, edges []graph.Edge, facts map[factKey][]*fact, keep map[factKey]bool) (int, error) {
	st := &s.im.Stats
	b := s.st.NewBatch()
	defer b.Close()
	count := 0
	err := edgeGroups(edges, func(grp []graph.Edge) error {
		e := grp[0]
		name := lastName(e.Target)
		if e.Kind == graph.EdgeImplements || e.Kind == graph.EdgeInherits {
			name = baseName(e.Target)
		}
		k := factKey{e.Src, e.Kind, name}
		fc := matchLine(facts[k], e)
		if fc == nil || keep[k] && len(fc.dsts) == 0 {
			return nil
		}
		fc.used = true
		if dsts, _ := fc.targets(); len(dsts) == 0 {
			unbound, err := unbind(b, grp)
			if unbound {
				st.Unbound++
			}
			return err
		}
		n, dyn, rewritten, err := rebind(b, grp, fc)
		count += n
		st.Dynamic += dyn
		if rewritten {
			st.Rewritten++
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	for _, fs := range facts {
		for _, fc := range fs {
			if fc.used || len(fc.dsts) == 0 {
				continue
			}
			n, dyn, err := addFact(b, fc, rel)
			if err != nil {
				return 0, err
			}
			count += n
			st.Added++
			st.Dynamic += dyn
		}
	}
	return count, b.Commit(false)
}

// matchLine picks the fact an extracted edge stands for: the unused one on
// its line, else the nearest unused one within three lines (extraction
// places a call split over lines at its start).
func matchLine(fs []*fact, e graph.Edge) *fact {
	var best *fact
	bestD := 4
	for _, fc := range fs {
		d := int(fc.line) - int(e.Line)
		if fc.used {
			if d == 0 && best == nil {
				best, bestD = fc, 1 // an unused one on the line or next to it is better
			}
			continue
		}
		if d < 0 {
			d = -d
		}
		if d < bestD {
			best, bestD = fc, d
		}
	}
	return best
}
