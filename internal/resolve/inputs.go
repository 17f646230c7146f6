package resolve

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/repofile"
)

// IsInput reports whether a file of this base name is read by resolution
// besides the sources: module files (go.mod, go.work, Cargo.toml,
// package.json) and TypeScript/JavaScript configs (tsconfig*.json,
// jsconfig*.json, which may extend one another). A change of one may
// change how every edge resolves.
func IsInput(base string) bool {
	switch base {
	case "go.mod", "go.work", "Cargo.toml", "package.json":
		return true
	}
	return (strings.HasPrefix(base, "tsconfig") || strings.HasPrefix(base, "jsconfig")) && strings.HasSuffix(base, ".json")
}

// InputFingerprint hashes the names and contents of the resolution inputs
// (IsInput) found directly in dirs (repository-relative, "." for root).
// The contents are read as resolution reads them (repoFiles): an input
// that is refused (a link out of the repository, say) is not part of it.
func InputFingerprint(root string, dirs map[string]bool) (string, error) {
	h := fnv.New64a()
	files := repoFiles{root: root}
	defer files.close()
	for _, d := range slices.Sorted(maps.Keys(dirs)) {
		abs := filepath.Join(root, filepath.FromSlash(d))
		ents, err := os.ReadDir(abs)
		if err != nil {
			continue // gone since it was indexed: its files are, too
		}
		for _, e := range ents {
			if !IsInput(e.Name()) || e.IsDir() {
				continue
			}
			b, err := files.read(path.Join(d, e.Name()))
			switch {
			case errors.Is(err, fs.ErrNotExist):
			case repofile.Refused(err):
				continue // resolution does not read it either
			case err != nil:
				return "", fmt.Errorf("resolve: %w", err)
			}
			fmt.Fprintf(h, "%s\x00%d\x00", path.Join(d, e.Name()), len(b))
			h.Write(b)
		}
	}
	return fmt.Sprintf("%016x", h.Sum64()), nil
}
