package walk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Reasons a file or directory is skipped, as counted in Stats.Skipped.
const (
	ReasonSecret             = "secret"               // IsSecret matched
	ReasonTooLarge           = "too-large"            // source file over Options.MaxFileSize
	ReasonExcluded           = "excluded"             // matched Options.Exclude
	ReasonSymlinkOutsideRoot = "symlink-outside-root" // symbolic link resolving outside Options.Root
	ReasonUnreadable         = "unreadable"           // permission denied or another read error
	ReasonNotRegular         = "not-regular"          // socket, device, named pipe
	ReasonBadName            = "bad-name"             // a name BadName rejects
)

// DefaultMaxFileSize is the size limit used when Options.MaxFileSize is 0.
const DefaultMaxFileSize = 1 << 20

// maxSamples bounds Stats.Samples.
const maxSamples = 100

// headSize is how much of a file Options.Detect may look at.
const headSize = 256

// maxIgnoreFileSize bounds the ignore files read; git too skips larger ones.
const maxIgnoreFileSize = 100 << 20

// Options configure a walk. The zero value walks the current directory with
// the default ignores, the repository's ignore files, a 1 MiB size limit and
// DefaultDetect.
type Options struct {
	// Root is the directory to walk, absolute or relative.
	Root string
	// Include and Exclude patterns that can never match (see CheckPattern)
	// make Walk fail before it visits anything.
	//
	// Include holds gitignore-style patterns relative to Root; when it is
	// non-empty only matching files are yielded, the others silently
	// skipped. A file is included when the last Include pattern matching it
	// is positive, or, when none matches it, the same holds for its nearest
	// matched parent directory (so "src/" with "!src/gen/" includes all of
	// src but src/gen).
	Include []string
	// Exclude holds gitignore-style patterns relative to Root; matching
	// files and directories are skipped with reason "excluded".
	Exclude []string
	// MaxFileSize is the size limit in bytes; 0 (or less) means
	// DefaultMaxFileSize. Larger source files are skipped as "too-large".
	MaxFileSize int64
	// NoDefaultIgnores stops the default skipping of dependency, build and
	// tool directories (vendor, node_modules, ...). .git, .hg, .svn and
	// .codegraph are skipped regardless.
	NoDefaultIgnores bool
	// NoGitignore stops .gitignore files and .git/info/exclude from being
	// honoured; .codegraphignore files still are.
	NoGitignore bool
	// Detect returns the language name for a file, or "" when the file is
	// not source code to index. head lazily reads up to the first 256 bytes
	// of the file (for "#!" detection) and returns nil when it cannot; call
	// it only when needed, and only before Detect returns. Walk calls Detect
	// from one goroutine at a time. Nil means DefaultDetect.
	Detect func(relPath string, head func() []byte) string
	// OnDir, when set, is called with the repository-relative path of
	// every directory the walk reads ("" for Root), before its entries,
	// from the calling goroutine: the directories that ignore rules do not
	// exclude (a file watcher watches those).
	OnDir func(relPath string)
}

// File is a source file found by Walk.
type File struct {
	Path     string // repository-relative, forward slashes, no leading "./"
	AbsPath  string // Root made absolute, joined with Path (a symbolic link is not resolved)
	Size     int64
	ModTime  time.Time
	Language string // what Options.Detect returned
}

// Skip records one skipped path and why (one of the Reason constants).
type Skip struct {
	Path, Reason string
}

// Stats summarise a walk. Paths ignored by ignore files or default ignores,
// files that are not source code, files outside Options.Include, broken
// symbolic links and repeated directories are skipped silently and not
// counted.
type Stats struct {
	Files   int            // files yielded
	Skipped map[string]int // counts by reason
	Samples []Skip         // the first 100 skips, for reporting
	Dirs    int            // directories read, Root included
}

// alwaysSkipped names the version-control and codegraph directories that
// are never walked.
var alwaysSkipped = map[string]bool{
	".git": true, ".hg": true, ".svn": true, ".codegraph": true,
}

// defaultIgnored names the dependency and tool directories skipped unless
// Options.NoDefaultIgnores.
var defaultIgnored = map[string]bool{
	"vendor": true, "node_modules": true, "third_party": true,
	"bower_components": true, "__pycache__": true, ".venv": true, "venv": true,
	".tox": true, ".mypy_cache": true, ".pytest_cache": true, ".gradle": true,
	".idea": true, ".next": true, ".nuxt": true,
}

// buildOutputDirs are skipped only beside a build manifest (buildManifests):
// a "build" or "dist" directory elsewhere is often source (Go's go/build
// and cmd/dist packages).
var buildOutputDirs = map[string]bool{"target": true, "build": true, "dist": true, "out": true}

var buildManifests = map[string]bool{
	"Cargo.toml": true, "pom.xml": true, "package.json": true, "build.gradle": true,
	"build.gradle.kts": true, "settings.gradle": true, "CMakeLists.txt": true,
	"pyproject.toml": true, "setup.py": true, "meson.build": true, "tsconfig.json": true,
}

// Walk calls fn for every source file under opts.Root, in lexical
// (byte-wise) order of File.Path, from the calling goroutine. It stops early
// and returns ctx.Err() when ctx is cancelled, or the error fn returns,
// unchanged. Problems with single files or directories are counted in
// Stats, not returned; only a Root that cannot be read is an error.
//
// Symbolic links resolving inside Root are followed, so a file may be
// yielded under its own path and under a link's. Each directory is walked
// at most once through links (under the first link reaching it), and never
// inside itself, so link loops end.
func Walk(ctx context.Context, opts Options, fn func(File) error) (Stats, error) {
	return walk(ctx, opts, fn, nil, nil)
}

// faultFunc lets tests inject file-system errors: it is called before each
// operation op ("readdir", "open") on an absolute path, and a non-nil result
// is taken as that operation's error. As the tests run as root, permission
// errors cannot be produced with chmod.
type faultFunc func(op, absPath string) error

func walk(ctx context.Context, opts Options, fn func(File) error, fault faultFunc, sel *selection) (Stats, error) {
	w := &walker{
		ctx:    ctx,
		done:   ctx.Done(),
		opts:   opts,
		fn:     fn,
		fault:  fault,
		linked: make(map[dirKey]struct{}),
		euid:   os.Geteuid(),
		stats:  Stats{Skipped: make(map[string]int)},
	}
	if err := ctx.Err(); err != nil {
		return w.stats, err
	}
	if w.opts.Root == "" {
		w.opts.Root = "."
	}
	if w.opts.MaxFileSize <= 0 {
		w.opts.MaxFileSize = DefaultMaxFileSize
	}
	if w.opts.Detect == nil {
		w.opts.Detect = DefaultDetect
	}
	for _, set := range []struct {
		name     string
		patterns []string
	}{{"include", opts.Include}, {"exclude", opts.Exclude}} {
		for _, p := range set.patterns {
			if err := CheckPattern(p); err != nil {
				return w.stats, fmt.Errorf("walk %s: %s: %w", w.opts.Root, set.name, err)
			}
		}
	}
	if len(opts.Include) > 0 {
		w.include = NewMatcher(opts.Include...)
	}
	if len(opts.Exclude) > 0 {
		w.exclude = NewMatcher(opts.Exclude...)
	}
	var err error
	if w.rootAbs, err = filepath.Abs(w.opts.Root); err != nil {
		return w.stats, fmt.Errorf("walk %s: %w", w.opts.Root, err)
	}
	if w.rootReal, err = filepath.EvalSymlinks(w.rootAbs); err != nil {
		return w.stats, fmt.Errorf("walk %s: %w", w.opts.Root, err)
	}
	if fi, err := os.Stat(w.rootReal); err != nil {
		return w.stats, fmt.Errorf("walk %s: %w", w.opts.Root, err)
	} else if !fi.IsDir() {
		return w.stats, fmt.Errorf("walk %s: not a directory", w.opts.Root)
	}
	w.head = w.readHead
	if !w.opts.NoGitignore {
		w.pushIgnore(&w.gitStack, filepath.Join(w.rootAbs, ".git", "info", "exclude"), "", ".git/info/exclude")
	}
	err = w.walkDir(w.rootAbs, "", w.include == nil, false, sel)
	return w.stats, err
}

// walker is the state of one walk.
type walker struct {
	ctx   context.Context
	done  <-chan struct{}
	opts  Options
	fn    func(File) error
	fault faultFunc
	stats Stats

	rootAbs  string // Root made absolute
	rootReal string // rootAbs with symbolic links resolved

	include, exclude *Matcher
	gitStack         []frame // .git/info/exclude, then .gitignore files from Root down
	cgStack          []frame // .codegraphignore files from Root down

	linked    map[dirKey]struct{} // directories walked through a symbolic link
	ancestors []dirKey            // the directories being walked, Root first
	euid      int                 // effective user id, for canRead

	head     func() []byte // Detect's head, reading headPath
	headPath string
	headDone bool   // head was called for headPath
	headRead bool   // and could read it
	headData []byte // what it read
}

// frame is one ignore file on the stack of those in force.
type frame struct {
	base string // repository-relative directory holding the file, "" at Root
	m    *Matcher
}

// entry is one directory entry, with symbolic links followed.
type entry struct {
	name string
	mode fs.FileMode // type bits; of the link's target for a symbolic link
	link bool
	de   fs.DirEntry
	info fs.FileInfo // the target's, for a symbolic link
}

func (e *entry) isDir() bool { return e.mode.IsDir() }

// walkDir walks the directory at abs (repository-relative: rel), reached
// through a symbolic link when viaLink. included says whether its files are
// inside Options.Include by inheritance. A non-nil sel restricts the walk to
// the entries it names (see WalkPaths); nil walks everything.
func (w *walker) walkDir(abs, rel string, included, viaLink bool, sel *selection) error {
	f, key, err := w.openDir(abs)
	if err != nil {
		return w.dirError(rel, err)
	}
	if slices.Contains(w.ancestors, key) {
		f.Close()
		return nil // a loop
	}
	if viaLink {
		if _, seen := w.linked[key]; seen {
			f.Close()
			return nil
		}
		w.linked[key] = struct{}{}
	}
	des, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return w.dirError(rel, err)
	}
	w.ancestors = append(w.ancestors, key)
	defer func() { w.ancestors = w.ancestors[:len(w.ancestors)-1] }()
	w.stats.Dirs++
	if w.opts.OnDir != nil && sel == nil { // not a directory on the way to WalkPaths targets
		w.opts.OnDir(rel)
	}

	ents := make([]entry, 0, len(des))
	var gitignore, cgignore, buildFile bool
	for _, de := range des {
		name := de.Name()
		switch name {
		case ".gitignore":
			gitignore = de.Type().IsRegular() // like git, do not follow a link
		case ".codegraphignore":
			cgignore = de.Type().IsRegular()
		}
		if buildManifests[name] {
			buildFile = true
		}
		if alwaysSkipped[name] {
			continue
		}
		e := entry{name: name, mode: de.Type(), de: de}
		if e.mode&fs.ModeSymlink != 0 {
			info, err := os.Stat(joinPath(abs, name))
			if err != nil {
				continue // broken link or loop of links: silent
			}
			e.link, e.info, e.mode = true, info, info.Mode().Type()
		}
		ents = append(ents, e)
	}
	slices.SortFunc(ents, func(a, b entry) int { return compareEntries(a.name, a.isDir(), b.name, b.isDir()) })

	gitDepth, cgDepth := len(w.gitStack), len(w.cgStack)
	defer func() {
		clear(w.gitStack[gitDepth:])
		clear(w.cgStack[cgDepth:])
		w.gitStack, w.cgStack = w.gitStack[:gitDepth], w.cgStack[:cgDepth]
	}()
	if gitignore && !w.opts.NoGitignore {
		w.pushIgnore(&w.gitStack, joinPath(abs, ".gitignore"), rel, joinRel(rel, ".gitignore"))
	}
	if cgignore {
		w.pushIgnore(&w.cgStack, joinPath(abs, ".codegraphignore"), rel, joinRel(rel, ".codegraphignore"))
	}

	for i := range ents {
		if w.done != nil {
			select {
			case <-w.done:
				return w.ctx.Err()
			default:
			}
		}
		e := &ents[i]
		var sub *selection
		if sel != nil {
			s, ok := sel.kids[e.name]
			if !ok {
				continue
			}
			if !s.all {
				sub = s
			}
		}
		var err error
		if e.isDir() {
			err = w.dir(abs, rel, e, buildFile, included, sub)
		} else {
			err = w.file(abs, rel, e, included)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// dir handles a subdirectory entry of the directory at parentAbs.
func (w *walker) dir(parentAbs, parentRel string, e *entry, buildFile, included bool, sel *selection) error {
	if !w.opts.NoDefaultIgnores && (defaultIgnored[e.name] || (buildOutputDirs[e.name] && buildFile)) {
		return nil
	}
	rel := joinRel(parentRel, e.name)
	if w.ignored(rel, true) {
		return nil
	}
	if w.exclude.Match(rel, true) == Ignore {
		w.skip(rel, ReasonExcluded)
		return nil
	}
	if BadName(e.name) {
		w.skip(rel, ReasonBadName)
		return nil
	}
	abs := joinPath(parentAbs, e.name)
	if e.link {
		targetRel, ok := w.resolve(abs, rel)
		if !ok {
			return nil
		}
		for _, c := range strings.Split(targetRel, "/") {
			if alwaysSkipped[c] {
				return nil
			}
		}
	}
	switch w.include.Match(rel, true) {
	case Ignore:
		included = true
	case Keep:
		included = false
	}
	return w.walkDir(abs, rel, included, e.link, sel)
}

// file handles a non-directory entry of the directory at parentAbs.
func (w *walker) file(parentAbs, parentRel string, e *entry, included bool) error {
	rel := joinRel(parentRel, e.name)
	if w.ignored(rel, false) {
		return nil
	}
	if w.exclude.Match(rel, false) == Ignore {
		w.skip(rel, ReasonExcluded)
		return nil
	}
	if w.include != nil {
		switch w.include.Match(rel, false) {
		case Ignore:
			included = true
		case Keep:
			included = false
		}
		if !included {
			return nil
		}
	}
	if IsSecret(rel) {
		w.skip(rel, ReasonSecret)
		return nil
	}
	abs := joinPath(parentAbs, e.name)
	if e.link {
		targetRel, ok := w.resolve(abs, rel)
		if !ok {
			return nil
		}
		if IsSecret(targetRel) {
			w.skip(rel, ReasonSecret)
			return nil
		}
	}
	if !e.mode.IsRegular() {
		w.skip(rel, ReasonNotRegular)
		return nil
	}
	w.headPath, w.headDone, w.headRead, w.headData = abs, false, false, nil
	lang := w.opts.Detect(rel, w.head)
	if lang == "" {
		return nil
	}
	if BadName(e.name) {
		w.skip(rel, ReasonBadName)
		return nil
	}
	info := e.info
	if info == nil {
		var err error
		if info, err = e.de.Info(); err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				w.skip(rel, ReasonUnreadable)
			}
			return nil
		}
	}
	if info.Size() > w.opts.MaxFileSize {
		w.skip(rel, ReasonTooLarge)
		return nil
	}
	if !w.headRead && !w.readable(abs, info) {
		w.skip(rel, ReasonUnreadable)
		return nil
	}
	w.stats.Files++
	return w.fn(File{Path: rel, AbsPath: abs, Size: info.Size(), ModTime: info.ModTime(), Language: lang})
}

// ignored reports whether the ignore files in force ignore rel. The nearest
// file with a matching pattern decides, .codegraphignore files before
// .gitignore files.
func (w *walker) ignored(rel string, isDir bool) bool {
	for _, stack := range [2][]frame{w.cgStack, w.gitStack} {
		for i := len(stack) - 1; i >= 0; i-- {
			f := &stack[i]
			r := rel
			if f.base != "" {
				r = rel[len(f.base)+1:]
			}
			if v := f.m.Match(r, isDir); v != NoMatch {
				return v == Ignore
			}
		}
	}
	return false
}

// pushIgnore reads the ignore file at abs (repository path rel), if any,
// and puts it on stack with its patterns relative to base.
func (w *walker) pushIgnore(stack *[]frame, abs, base, rel string) {
	data, err := w.readFile(abs)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			w.skip(rel, ReasonUnreadable)
		}
		return
	}
	if m := ParseIgnore(data); m.Len() > 0 {
		*stack = append(*stack, frame{base: base, m: m})
	}
}

// readFile reads an ignore file.
func (w *walker) readFile(abs string) ([]byte, error) {
	if w.fault != nil {
		if err := w.fault("open", abs); err != nil {
			return nil, &fs.PathError{Op: "open", Path: abs, Err: err}
		}
	}
	f, err := os.Open(abs)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxIgnoreFileSize+1))
	if err == nil && len(data) > maxIgnoreFileSize {
		return nil, errIgnoreFileTooLarge
	}
	return data, err
}

var errIgnoreFileTooLarge = errors.New("ignore file too large")

// resolve follows the symbolic link at abs (repository path rel). It
// returns the repository-relative path of its target, or false when the
// link is broken or, counted, points outside Root.
func (w *walker) resolve(abs, rel string) (targetRel string, ok bool) {
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", false
	}
	root := w.rootReal
	switch {
	case real == root:
		return "", true
	case strings.HasSuffix(root, string(filepath.Separator)) && strings.HasPrefix(real, root):
		return filepath.ToSlash(real[len(root):]), true
	case strings.HasPrefix(real, root) && os.IsPathSeparator(real[len(root)]):
		return filepath.ToSlash(real[len(root)+1:]), true
	}
	w.skip(rel, ReasonSymlinkOutsideRoot)
	return "", false
}

// openDir opens the directory at abs and identifies it.
func (w *walker) openDir(abs string) (*os.File, dirKey, error) {
	if w.fault != nil {
		if err := w.fault("readdir", abs); err != nil {
			return nil, dirKey{}, &fs.PathError{Op: "open", Path: abs, Err: err}
		}
	}
	f, err := os.Open(abs)
	if err != nil {
		return nil, dirKey{}, err
	}
	key, err := keyOf(f, abs)
	if err != nil {
		f.Close()
		return nil, dirKey{}, err
	}
	return f, key, nil
}

// dirError reports a directory that cannot be read: fatal for Root,
// counted otherwise (silent when it has vanished).
func (w *walker) dirError(rel string, err error) error {
	if rel == "" {
		return fmt.Errorf("walk %s: %w", w.opts.Root, err)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		w.skip(rel, ReasonUnreadable)
	}
	return nil
}

// readHead is Detect's head function: it returns the first headSize bytes
// of the file at w.headPath, reading them on the first call only.
func (w *walker) readHead() []byte {
	if w.headDone {
		return w.headData
	}
	w.headDone = true
	if w.fault != nil && w.fault("open", w.headPath) != nil {
		return nil
	}
	f, err := os.Open(w.headPath)
	if err != nil {
		return nil
	}
	defer f.Close()
	buf := make([]byte, headSize)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil
	}
	w.headRead, w.headData = true, buf[:n:n]
	return w.headData
}

// readable reports whether the file at abs, described by info, can be
// opened for reading.
func (w *walker) readable(abs string, info fs.FileInfo) bool {
	if w.fault != nil && w.fault("open", abs) != nil {
		return false
	}
	return canRead(abs, info, w.euid)
}

func (w *walker) skip(rel, reason string) {
	w.stats.Skipped[reason]++
	if len(w.stats.Samples) < maxSamples {
		w.stats.Samples = append(w.stats.Samples, Skip{Path: rel, Reason: reason})
	}
}

// compareEntries orders directory entries so that a depth-first walk yields
// paths in lexical order: a directory sorts as its name followed by "/", so
// "a.go" (with '.' < '/') comes before everything in "a/".
func compareEntries(a string, aDir bool, b string, bDir bool) int {
	n := min(len(a), len(b))
	if a[:n] != b[:n] {
		return strings.Compare(a, b)
	}
	next := func(s string, dir bool) int {
		switch {
		case len(s) > n:
			return int(s[n])
		case dir:
			return '/'
		}
		return -1
	}
	return next(a, aDir) - next(b, bDir)
}

// joinPath joins a file-system directory and a name.
func joinPath(dir, name string) string {
	if dir != "" && os.IsPathSeparator(dir[len(dir)-1]) {
		return dir + name
	}
	return dir + string(filepath.Separator) + name
}

// joinRel joins a repository-relative directory and a name.
func joinRel(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}
