package walk

import "github.com/codegraph-dev/codegraph/internal/lang"

// DefaultDetect is the Detect function used when Options.Detect is nil: the
// language registry's detection of code by file name, extension and "#!"
// line (lang.DetectCode). The index walks with lang.Detect, which also
// takes the text files (Markdown, YAML, plain text, ...).
func DefaultDetect(relPath string, head func() []byte) string {
	return lang.DetectCode(relPath, head)
}
