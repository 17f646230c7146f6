package search

import (
	"fmt"
	"os"
	"sync"

	"github.com/codegraph-dev/codegraph/internal/search/embed"
	"github.com/codegraph-dev/codegraph/internal/search/fileid"
)

// Models keeps the decoded built-in embedding model of one search
// directory across Searchers. A long-running server opens a Searcher per
// store snapshot, i.e. after every update its watcher or another process
// makes; decoding the model is most of opening one (70 ms on the Go
// standard library's), and the model only changes when the index is
// rebuilt. The cached model is used while the file is the same version
// (fileid). A Models is safe for concurrent use; the
// zero value is ready.
type Models struct {
	mu    sync.Mutex
	path  string
	id    fileid.ID
	model *embed.Model
}

// load returns the model in path, decoding it only when the file is not
// the one last decoded.
func (m *Models) load(path string) (*embed.Model, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	id := fileid.Of(fi)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.model != nil && m.path == path && m.id == id {
		return m.model, nil
	}
	model, err := embed.Load(path)
	if err != nil {
		return nil, err
	}
	// The file may have been replaced between Stat and Load: key the model
	// by what was read only if the file still looks the same.
	if fi2, err := os.Stat(path); err == nil && fileid.Of(fi2) == id {
		m.path, m.id, m.model = path, id, model
	} else {
		m.model = nil
	}
	return model, nil
}
