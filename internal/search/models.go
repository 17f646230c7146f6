package search

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/codegraph-dev/codegraph/internal/search/embed"
)

// Models keeps the decoded built-in embedding model of one search
// directory across Searchers. A long-running server opens a Searcher per
// store snapshot, i.e. after every update its watcher or another process
// makes; decoding the model is most of opening one (70 ms on the Go
// standard library's), and the model only changes when the index is
// rebuilt. The cached model is used while the file's size, modification
// time and inode are unchanged. A Models is safe for concurrent use; the
// zero value is ready.
type Models struct {
	mu    sync.Mutex
	key   modelKey
	model *embed.Model
}

type modelKey struct {
	path  string
	size  int64
	mod   time.Time
	inode uint64
}

// load returns the model in path, decoding it only when the file is not
// the one last decoded.
func (m *Models) load(path string) (*embed.Model, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	key := modelKey{path: path, size: fi.Size(), mod: fi.ModTime(), inode: inode(fi)}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.model != nil && m.key == key {
		return m.model, nil
	}
	model, err := embed.Load(path)
	if err != nil {
		return nil, err
	}
	// The file may have been replaced between Stat and Load: key the model
	// by what was read only if the file still looks the same.
	if fi2, err := os.Stat(path); err == nil && fi2.Size() == key.size && fi2.ModTime().Equal(key.mod) && inode(fi2) == key.inode {
		m.key, m.model = key, model
	} else {
		m.key, m.model = modelKey{}, nil
	}
	return model, nil
}
