package service

import (
	"errors"
	"io/fs"

	"github.com/codegraph-dev/codegraph/internal/repofile"
)

// ErrTooLarge: the input or the answer is larger than the limit.
var ErrTooLarge = errors.New("too large")

// ReadFile reads the repository file rel with the policy every front door
// shares (repofile: inside the root, links followed only inside it, no
// secrets, nothing under .git or .codegraph, regular files only, no binary,
// at most maxSize bytes; 0 means repofile.DefaultMaxSize). Refusals wrap
// ErrForbidden (outside the root, secrets, private directories),
// ErrNotFound, ErrInvalid (not a regular file, binary, changed while
// opened) or ErrTooLarge, and the repofile reason.
func (r *Repo) ReadFile(rel string, maxSize int64) ([]byte, error) {
	data, err := repofile.ReadFile(r.root, rel, repofile.Options{MaxSize: maxSize})
	if err != nil {
		return nil, classifyFileError(err)
	}
	return data, nil
}

// classifyFileError adds the service's category to a repofile error.
func classifyFileError(err error) error {
	var cat error
	switch {
	case errors.Is(err, repofile.ErrOutsideRoot), errors.Is(err, repofile.ErrSecret), errors.Is(err, repofile.ErrPrivateDir):
		cat = ErrForbidden
	case errors.Is(err, fs.ErrNotExist):
		cat = ErrNotFound
	case errors.Is(err, repofile.ErrTooLarge):
		cat = ErrTooLarge
	case errors.Is(err, repofile.ErrNotRegular), errors.Is(err, repofile.ErrBinary), errors.Is(err, repofile.ErrChanged),
		errors.Is(err, fs.ErrInvalid):
		cat = ErrInvalid
	default:
		return err
	}
	return &fileError{cat: cat, err: err}
}

// fileError is a repofile error that also matches its service category.
type fileError struct{ cat, err error }

func (e *fileError) Error() string   { return e.err.Error() }
func (e *fileError) Unwrap() []error { return []error{e.cat, e.err} }

// Bounds of the parse operation (REST /parse, GraphQL parseFile): a 4 MB
// snippet once made a 415 MB answer. Files the indexer skips as too large
// (walk.DefaultMaxFileSize) are not parsed on request either.
const (
	// MaxParseBytes bounds the source parsed: a repository file or a
	// snippet.
	MaxParseBytes = 1 << 20
	// MaxParseItems bounds the nodes plus edges of one answer.
	MaxParseItems = 50000
	// MaxParseAnswerBytes bounds the encoded answer.
	MaxParseAnswerBytes = 16 << 20
)
