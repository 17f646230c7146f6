package resolve

import (
	"fmt"
	"hash/fnv"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
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
func InputFingerprint(root string, dirs map[string]bool) (string, error) {
	h := fnv.New64a()
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
			b, err := os.ReadFile(filepath.Join(abs, e.Name()))
			if err != nil && !os.IsNotExist(err) {
				return "", fmt.Errorf("resolve: %w", err)
			}
			fmt.Fprintf(h, "%s\x00%d\x00", path.Join(d, e.Name()), len(b))
			h.Write(b)
		}
	}
	return fmt.Sprintf("%016x", h.Sum64()), nil
}
