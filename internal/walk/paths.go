package walk

import (
	"context"
	"fmt"
	"path"
	"strings"
)

// selection is the set of paths a targeted walk visits, as a tree of
// path components below Root.
type selection struct {
	all  bool // this path itself was named: walk all of it
	kids map[string]*selection
}

// newSelection builds the selection of repository-relative paths (forward
// slashes). It returns nil, meaning the whole tree, when one of them is
// Root itself ("" or ".").
func newSelection(paths []string) (*selection, error) {
	root := &selection{kids: map[string]*selection{}}
	for _, p := range paths {
		c := path.Clean(p)
		if c == ".." || strings.HasPrefix(c, "../") || path.IsAbs(c) {
			return nil, fmt.Errorf("path %q is not inside the root", p)
		}
		if c == "." {
			return nil, nil
		}
		p = c
		s := root
		for _, c := range strings.Split(p, "/") {
			if s.all {
				break
			}
			k, ok := s.kids[c]
			if !ok {
				k = &selection{kids: map[string]*selection{}}
				s.kids[c] = k
			}
			s = k
		}
		s.all, s.kids = true, nil
	}
	return root, nil
}

// WalkPaths is Walk restricted to the given repository-relative paths
// (files or directories, forward slashes): it yields the source files Walk
// would yield that are one of paths or lie under one of them, in the same
// order, with the same ignore rules (the ignore files of every enclosing
// directory apply, so an ignored path yields nothing). Only the
// directories on the way to each path are read, so it costs in proportion
// to the paths, not to the tree. A path that does not exist yields
// nothing; a path naming Root ("" or ".") walks everything.
func WalkPaths(ctx context.Context, opts Options, paths []string, fn func(File) error) (Stats, error) {
	sel, err := newSelection(paths)
	if err != nil {
		return Stats{Skipped: map[string]int{}}, fmt.Errorf("walk %s: %w", opts.Root, err)
	}
	if len(paths) == 0 {
		return Stats{Skipped: map[string]int{}}, ctx.Err()
	}
	return walk(ctx, opts, fn, nil, sel)
}
