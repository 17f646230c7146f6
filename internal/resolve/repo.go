package resolve

import (
	"errors"

	"github.com/codegraph-dev/codegraph/internal/repofile"
)

// errNoRoot: resolution runs without a repository on disk (a store
// resolved on its own), so no manifest can be read.
var errNoRoot = errors.New("resolve: no repository root")

// repoFiles reads the inputs resolution takes from the repository besides
// the sources (go.mod, package.json, composer.json, Cargo.toml, tsconfig
// files, Package.swift, Go sources of generic functions) through
// repofile: inside the root only (a link leading out of the repository is
// not followed), with its secret, binary, .git and size policy. The root
// is opened on the first read and held until close; the zero value with a
// root set is ready to use. It is not safe for concurrent use (nor is the
// resolver that owns it).
type repoFiles struct {
	root string
	rd   *repofile.Reader
	err  error // opening the root failed: every read fails with it
}

// read reads the repository-relative file rel (slash-separated).
func (f *repoFiles) read(rel string) ([]byte, error) {
	if f.root == "" {
		return nil, errNoRoot
	}
	if f.rd == nil && f.err == nil {
		f.rd, f.err = repofile.Open(f.root, repofile.Options{})
	}
	if f.err != nil {
		return nil, f.err
	}
	return f.rd.ReadFile(rel)
}

// close releases the root, if it was opened; f can be used again after.
func (f *repoFiles) close() {
	if f.rd != nil {
		f.rd.Close()
	}
	f.rd, f.err = nil, nil
}

// readInput reads the repository file rel through the resolver's
// repoFiles (see repoFiles).
func (r *resolver) readInput(rel string) ([]byte, error) {
	r.files.root = r.root
	return r.files.read(rel)
}
