package jobs

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// FileHistory keeps finished jobs as JSON lines in one file (beside the
// store: .codegraph/jobs.jsonl). Appends are one write each, so a crash
// loses at most the line being written, and a torn last line is skipped on
// load. The file is rewritten with the newest Keep jobs when it has grown
// to twice that.
type FileHistory struct {
	Path string
	Keep int // 0 means 200

	mu    sync.Mutex
	lines int
}

// NewFileHistory returns a history kept in path.
func NewFileHistory(path string) *FileHistory { return &FileHistory{Path: path} }

func (h *FileHistory) keep() int {
	if h.Keep <= 0 {
		return 200
	}
	return h.Keep
}

// LoadJobs reads the history, newest last, at most Keep jobs.
func (h *FileHistory) LoadJobs() ([]Job, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	jobs, n, err := h.read()
	h.lines = n
	return jobs, err
}

func (h *FileHistory) read() ([]Job, int, error) {
	f, err := os.Open(h.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	byID := map[string]int{}
	var out []Job
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		n++
		var j Job
		if json.Unmarshal(sc.Bytes(), &j) != nil || j.ID == "" {
			continue // a torn or foreign line
		}
		if i, ok := byID[j.ID]; ok {
			out[i] = j
			continue
		}
		byID[j.ID] = len(out)
		out = append(out, j)
	}
	if err := sc.Err(); err != nil {
		return out, n, fmt.Errorf("read job history %s: %w", h.Path, err)
	}
	if k := h.keep(); len(out) > k {
		out = out[len(out)-k:]
	}
	return out, n, nil
}

// SaveJob appends j to the history.
func (h *FileHistory) SaveJob(j Job) error {
	b, err := json.Marshal(j)
	if err != nil {
		// A result that does not encode: keep the job without it.
		j.Result = nil
		if b, err = json.Marshal(j); err != nil {
			return err
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(h.Path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(h.Path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	_, werr := f.Write(append(b, '\n'))
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr != nil {
		return werr
	}
	h.lines++
	if h.lines > 2*h.keep() {
		return h.compact()
	}
	return nil
}

// compact rewrites the file with the newest Keep jobs (temp file + rename).
func (h *FileHistory) compact() error {
	jobs, _, err := h.read()
	if err != nil {
		return err
	}
	tmp := h.Path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, j := range jobs {
		b, err := json.Marshal(j)
		if err != nil {
			continue
		}
		w.Write(b)
		w.WriteByte('\n')
	}
	err = w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, h.Path); err != nil {
		return err
	}
	h.lines = len(jobs)
	return nil
}
