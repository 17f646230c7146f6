package service

import (
	"errors"
	"path/filepath"
	"slices"
	"sync"

	"github.com/codegraph-dev/codegraph/internal/jobs"
)

// historyFile is the job history's file in each repository's store
// directory.
const historyFile = "jobs.jsonl"

// repoHistory keeps each repository's finished jobs in its own store
// directory, so that a daemon serving several repositories does not write
// one repository's jobs into another's index, and a repository served
// alone later still finds its own history. Jobs of a repository the
// service does not know (removed since) go to the first repository's file.
type repoHistory struct {
	s *Service

	mu    sync.Mutex
	files map[string]*jobs.FileHistory // by store directory
}

func newRepoHistory(s *Service) *repoHistory {
	return &repoHistory{s: s, files: map[string]*jobs.FileHistory{}}
}

func (h *repoHistory) file(db string) *jobs.FileHistory {
	h.mu.Lock()
	defer h.mu.Unlock()
	f := h.files[db]
	if f == nil {
		f = jobs.NewFileHistory(filepath.Join(db, historyFile))
		h.files[db] = f
	}
	return f
}

// SaveJob appends j to its repository's history.
func (h *repoHistory) SaveJob(j jobs.Job) error {
	h.s.mu.RLock()
	r := h.s.byName[j.Repo]
	if r == nil && len(h.s.repos) > 0 {
		r = h.s.repos[0]
	}
	h.s.mu.RUnlock()
	if r == nil {
		return errors.New("job history: no repository")
	}
	return h.file(r.db).SaveJob(j)
}

// LoadJobs returns the jobs of every repository's history, in no order
// (the queue orders them). Each job was saved to one file (an older codegraph kept every
// repository's jobs in the first one's, which still load from there).
func (h *repoHistory) LoadJobs() ([]jobs.Job, error) {
	h.s.mu.RLock()
	repos := slices.Clone(h.s.repos)
	h.s.mu.RUnlock()
	var all []jobs.Job
	var errs []error
	seen := map[string]bool{}
	for _, r := range repos {
		if seen[r.db] {
			continue
		}
		seen[r.db] = true
		js, err := h.file(r.db).LoadJobs()
		if err != nil {
			errs = append(errs, err)
		}
		all = append(all, js...)
	}
	return all, errors.Join(errs...)
}
