// Package repofile reads files of a repository for the front doors (REST,
// GraphQL, MCP, source snippets) with the same policy the indexer's walk
// applies: nothing outside the root, no secrets, nothing under .git or
// .codegraph, only regular files (no FIFO, socket or device), no binary
// content, and a size cap.
//
// Every path is resolved inside an os.Root: symbolic links are followed
// one component at a time and only within the root, and the policy is
// applied to the name asked for and to the name of the final target, so
// `ln -s .env leak.py` does not make .env readable as leak.py. The type
// and identity of the file are checked on the opened descriptor (the
// open never blocks: a FIFO is opened non-blocking and then refused), so
// a file swapped between the check and the open is refused, not read.
//
// The package sits beside walk (whose secret and binary tests it uses);
// it must not import anything above it.
package repofile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/walk"
)

// DefaultMaxSize is the size cap when Options.MaxSize is 0.
const DefaultMaxSize = 8 << 20

// maxLinks bounds the symbolic links followed for one path (as Linux's
// MAXSYMLINKS).
const maxLinks = 40

// Reasons a file is refused. Every refusal wraps exactly one of them; a
// missing file wraps fs.ErrNotExist instead.
var (
	// ErrOutsideRoot: the path, or a symbolic link on its way, leaves the
	// repository root.
	ErrOutsideRoot = errors.New("outside the repository root")
	// ErrSecret: the path or its target names a file that may hold
	// secrets (walk.IsSecret).
	ErrSecret = errors.New("may hold secrets")
	// ErrPrivateDir: the path or its target lies under .git, .hg, .svn or
	// .codegraph.
	ErrPrivateDir = errors.New("inside a version-control or index directory")
	// ErrNotRegular: the target is not a regular file (a directory, FIFO,
	// socket or device).
	ErrNotRegular = errors.New("not a regular file")
	// ErrBinary: the content is binary (walk.IsBinary).
	ErrBinary = errors.New("binary file")
	// ErrTooLarge: the file is larger than the size cap.
	ErrTooLarge = errors.New("file too large")
	// ErrChanged: the file changed between resolving its path and opening
	// it (a component was swapped); it is not read.
	ErrChanged = errors.New("file changed while being opened")
)

// Error is a refused or failed read: the path asked for, the final target
// when a symbolic link led elsewhere, and the reason.
type Error struct {
	Path   string // as asked, repository-relative
	Target string // final target when it differs from Path
	Err    error  // one of the Err* reasons, fs.ErrNotExist, or an I/O error
	Limit  int64  // the size cap, for ErrTooLarge
}

func (e *Error) Error() string {
	name := e.Path
	if e.Target != "" && e.Target != e.Path {
		name = fmt.Sprintf("%s (a link to %s)", e.Path, e.Target)
	}
	switch {
	case errors.Is(e.Err, ErrTooLarge):
		return fmt.Sprintf("%s is larger than %d bytes: it is not read", name, e.Limit)
	case errors.Is(e.Err, ErrSecret):
		return fmt.Sprintf("%s may hold secrets: it is never read", name)
	case errors.Is(e.Err, fs.ErrNotExist):
		return fmt.Sprintf("file %s not found in the repository", name)
	}
	return fmt.Sprintf("%s: %v", name, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// reasons are the policy's refusals (the Err* values).
var reasons = []error{ErrOutsideRoot, ErrSecret, ErrPrivateDir, ErrNotRegular, ErrBinary, ErrTooLarge, ErrChanged}

// Refused reports whether err is the policy's refusal of a read (one of
// the Err* reasons), not a missing file or a failure to read.
func Refused(err error) bool {
	for _, r := range reasons {
		if errors.Is(err, r) {
			return true
		}
	}
	return false
}

// Options configure a Reader.
type Options struct {
	// MaxSize is the largest file read in bytes (0: DefaultMaxSize).
	MaxSize int64
	// AllowBinary reads files with binary content too (the other rules
	// still apply).
	AllowBinary bool
}

// Indexed are the options for reading back files the index admitted
// (to rebuild search indexes, to check a file still has its indexed
// content): the index applied its own size cap and judged binary content,
// so the cap here only bounds a file that grew since.
func Indexed() Options { return Options{MaxSize: 1 << 30, AllowBinary: true} }

// OpenFlags open a repository file for reading without waiting on a FIFO
// (a plain open of a FIFO blocks until a writer comes; regular files
// ignore the non-blocking flag).
const OpenFlags = os.O_RDONLY | oNonblock

// Reader reads files under one root. It holds the root directory open
// (os.Root); Close releases it. It is safe for concurrent use.
type Reader struct {
	root *os.Root
	dirs []string // the root's absolute path, and with its links evaluated
	opts Options
}

// Open returns a Reader of the files under dir.
func Open(dir string, opts Options) (*Reader, error) {
	if opts.MaxSize <= 0 {
		opts.MaxSize = DefaultMaxSize
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("repofile: %w", err)
	}
	rt, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("repofile: %w", err)
	}
	r := &Reader{root: rt, dirs: []string{abs}, opts: opts}
	if ev, err := filepath.EvalSymlinks(abs); err == nil && ev != abs {
		r.dirs = append(r.dirs, ev)
	}
	return r, nil
}

// Close releases the root.
func (r *Reader) Close() error { return r.root.Close() }

// ReadFile opens dir, reads rel under it and closes it again (for callers
// that read one file).
func ReadFile(dir, rel string, opts Options) ([]byte, error) {
	r, err := Open(dir, opts)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return r.ReadFile(rel)
}

// Clean turns a repository-relative path ("a/b.go", "./a/b.go",
// "a\\b.go" on Windows) into the slash-separated form the index uses, or
// refuses it when it is empty, absolute, or leaves the root lexically.
func Clean(rel string) (string, error) {
	p := strings.TrimSpace(rel)
	if p == "" {
		return "", &Error{Path: rel, Err: fs.ErrInvalid}
	}
	if strings.ContainsRune(p, 0) {
		return "", &Error{Path: rel, Err: fmt.Errorf("%w: NUL byte in the path", fs.ErrInvalid)}
	}
	native := filepath.Clean(filepath.FromSlash(p))
	if !filepath.IsLocal(native) {
		return "", &Error{Path: rel, Err: ErrOutsideRoot}
	}
	return filepath.ToSlash(native), nil
}

// Check applies the name rules (secrets, private directories) to a
// repository-relative path without touching the file system.
func Check(rel string) error {
	if walk.IsSecret(rel) {
		return ErrSecret
	}
	for _, part := range strings.Split(rel, "/") {
		for _, d := range privateDirs {
			if strings.EqualFold(part, d) {
				return ErrPrivateDir
			}
		}
	}
	return nil
}

// privateDirs are never read through a front door (the walk skips them).
var privateDirs = [...]string{".git", ".hg", ".svn", ".codegraph"}

// Resolve returns the repository-relative path of the final target of
// rel (following symbolic links inside the root), applying the policy to
// rel and to the target's name. It does not open the file.
func (r *Reader) Resolve(rel string) (string, error) {
	clean, err := Clean(rel)
	if err != nil {
		return "", err
	}
	if err := Check(clean); err != nil {
		return "", &Error{Path: clean, Err: err}
	}
	target, err := r.resolve(clean)
	if err != nil {
		return "", &Error{Path: clean, Target: target, Err: err}
	}
	if err := Check(target); err != nil {
		return "", &Error{Path: clean, Target: target, Err: err}
	}
	return target, nil
}

// ReadFile reads the repository file rel under the policy. Refusals are
// *Error values wrapping one of the Err* reasons (or fs.ErrNotExist).
func (r *Reader) ReadFile(rel string) ([]byte, error) {
	clean, err := Clean(rel)
	if err != nil {
		return nil, err
	}
	if err := Check(clean); err != nil {
		return nil, &Error{Path: clean, Err: err}
	}
	if data, ok, err := r.readDirect(clean); ok {
		return data, err
	}
	target, err := r.Resolve(clean)
	if err != nil {
		return nil, err
	}
	fail := func(err error) error { return &Error{Path: clean, Target: target, Err: err, Limit: r.opts.MaxSize} }
	// Refuse what is visibly not a regular file before opening it (a FIFO
	// would block a plain open); the descriptor is checked again below.
	li, err := r.root.Lstat(filepath.FromSlash(target))
	if err != nil {
		return nil, fail(err)
	}
	if !li.Mode().IsRegular() {
		return nil, fail(notRegular(li.Mode()))
	}
	f, err := r.root.OpenFile(filepath.FromSlash(target), OpenFlags, 0)
	if err != nil {
		return nil, fail(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fail(err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fail(notRegular(fi.Mode()))
	}
	// The descriptor must be the file the policy was applied to: a
	// component swapped for a link between Lstat and open is caught here.
	if !os.SameFile(fi, li) {
		return nil, fail(ErrChanged)
	}
	// Where the kernel can say, check the name of what was opened too: an
	// intermediate directory swapped for a link before the Lstat would
	// otherwise escape the name policy.
	if p, ok := fdPath(f); ok {
		rel, in := r.within(p)
		switch {
		case !in:
			return nil, fail(ErrOutsideRoot)
		case Check(filepath.ToSlash(rel)) != nil:
			return nil, fail(Check(filepath.ToSlash(rel)))
		}
	}
	return r.read(f, fi, fail)
}

// readDirect is ReadFile's common case, in a fixed number of operations
// on the root: clean (already checked) names a regular file, not a link,
// and the kernel names the opened descriptor root/clean, so no link was
// followed on the way and the name policy applied to clean is the whole
// policy; a missing file is ok too. ok is false when that cannot be
// established (a link on the way, a special file, no descriptor names on
// this system):
// the caller then resolves the path component by component.
func (r *Reader) readDirect(clean string) (data []byte, ok bool, err error) {
	native := filepath.FromSlash(clean)
	li, err := r.root.Lstat(native)
	if errors.Is(err, fs.ErrNotExist) {
		// The root's Lstat follows the links on the way inside the root
		// only (one leading out is another error): nothing by that name
		// in the repository, which resolving component by component
		// would find again at a higher cost (resolution asks for many
		// manifests that are not there).
		return nil, true, &Error{Path: clean, Err: err}
	}
	if err != nil || !li.Mode().IsRegular() {
		return nil, false, nil
	}
	f, err := r.root.OpenFile(native, OpenFlags, 0)
	if err != nil {
		return nil, false, nil
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || !os.SameFile(fi, li) {
		return nil, false, nil
	}
	p, named := fdPath(f)
	if !named {
		return nil, false, nil
	}
	if in, inside := r.within(p); !inside || filepath.ToSlash(in) != clean {
		return nil, false, nil
	}
	data, err = r.read(f, fi, func(err error) error { return &Error{Path: clean, Err: err, Limit: r.opts.MaxSize} })
	return data, true, err
}

// read reads the opened regular file f (fi its description) under the
// size and binary rules; fail wraps a refusal.
func (r *Reader) read(f *os.File, fi fs.FileInfo, fail func(error) error) ([]byte, error) {
	if fi.Size() > r.opts.MaxSize {
		return nil, fail(ErrTooLarge)
	}
	data, err := io.ReadAll(io.LimitReader(f, r.opts.MaxSize+1))
	if err != nil {
		return nil, fail(err)
	}
	if int64(len(data)) > r.opts.MaxSize {
		return nil, fail(ErrTooLarge)
	}
	if !r.opts.AllowBinary && walk.IsBinary(data) {
		return nil, fail(ErrBinary)
	}
	return data, nil
}

// resolve follows the symbolic links of rel one component at a time,
// inside the root. It returns the final path (slash-separated, without
// links) or the path reached when it failed.
func (r *Reader) resolve(rel string) (string, error) {
	todo := strings.Split(rel, "/")
	var done []string
	links := 0
	for len(todo) > 0 {
		part := todo[0]
		todo = todo[1:]
		switch part {
		case "", ".":
			continue
		case "..":
			if len(done) == 0 {
				return "", ErrOutsideRoot
			}
			done = done[:len(done)-1]
			continue
		}
		cur := path.Join(append(done, part)...)
		fi, err := r.root.Lstat(filepath.FromSlash(cur))
		if err != nil {
			return cur, err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done = append(done, part)
			continue
		}
		if links++; links > maxLinks {
			return cur, fmt.Errorf("too many symbolic links")
		}
		dest, err := r.root.Readlink(filepath.FromSlash(cur))
		if err != nil {
			return cur, err
		}
		if filepath.IsAbs(dest) {
			in, ok := r.within(filepath.Clean(dest))
			if !ok {
				return cur, ErrOutsideRoot
			}
			done = nil
			dest = in
		}
		todo = append(strings.Split(filepath.ToSlash(dest), "/"), todo...)
	}
	if len(done) == 0 {
		return ".", notRegular(fs.ModeDir)
	}
	return path.Join(done...), nil
}

// notRegular says what a non-regular file is.
func notRegular(m fs.FileMode) error {
	what := "a special file"
	switch {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a FIFO"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0:
		what = "a device"
	}
	return fmt.Errorf("%w: %s", ErrNotRegular, what)
}

// within returns abs relative to the root when it lies inside it.
func (r *Reader) within(abs string) (string, bool) {
	for _, d := range r.dirs {
		if rel, err := filepath.Rel(d, abs); err == nil && (rel == "." || filepath.IsLocal(rel)) {
			return rel, true
		}
	}
	return "", false
}
