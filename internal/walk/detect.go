package walk

import "github.com/codegraph-dev/codegraph/internal/lang"

// DefaultDetect is the Detect function used when Options.Detect is nil: the
// language registry's detection by file name, extension and "#!" line.
func DefaultDetect(relPath string, head func() []byte) string {
	return lang.Detect(relPath, head)
}
