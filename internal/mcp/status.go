package mcp

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/jobs"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// ---- index_status

type repoRow struct {
	Name       string `json:"name"`
	Root       string `json:"root"`
	IndexState string `json:"index_state"`
}

type statusOut struct {
	answer
	noItems
	Repo      string            `json:"repo"`
	Root      string            `json:"root"`
	DB        string            `json:"db"`
	Files     uint64            `json:"files"`
	Nodes     uint64            `json:"nodes"`
	Edges     uint64            `json:"edges"`
	Languages map[string]uint64 `json:"languages,omitempty"` // files per language
	IndexedAt string            `json:"indexed_at,omitempty"`
	// StoreBytes, Search and ChangedFiles come from the status the
	// service composes for every door (service.Snapshot.Status).
	StoreBytes   int64     `json:"store_bytes,omitempty"`
	Search       string    `json:"search,omitempty"`        // "ready", or why not
	ChangedFiles int       `json:"changed_files,omitempty"` // source files changed since the index (git)
	Repos        []repoRow `json:"repos,omitempty"`
	Note         string    `json:"note,omitempty"`
	// Precise is the precise tier in one line (precise.go); "" when it
	// never ran.
	Precise string `json:"precise,omitempty"`
}

func (o *statusOut) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): index %s\n", o.Repo, o.Root, o.IndexState)
	if o.Note != "" {
		fmt.Fprintf(&b, "%s\n", o.Note)
	} else {
		langs := make([]string, 0, len(o.Languages))
		for l, n := range o.Languages {
			langs = append(langs, fmt.Sprintf("%s %d", l, n))
		}
		sort.Strings(langs)
		fmt.Fprintf(&b, "%d files (%s), %d symbols, %d edges; built %s\n", o.Files, strings.Join(langs, ", "), o.Nodes, o.Edges, o.IndexedAt)
		if o.StoreBytes > 0 {
			fmt.Fprintf(&b, "%.1f MiB on disk; search: %s\n", float64(o.StoreBytes)/(1<<20), o.Search)
		}
		if o.ChangedFiles > 0 {
			fmt.Fprintf(&b, "%d source files changed since it was built (call index to update)\n", o.ChangedFiles)
		}
	}
	if o.Precise != "" {
		fmt.Fprintf(&b, "precise tier: %s\n", o.Precise)
	}
	for _, r := range o.Repos {
		fmt.Fprintf(&b, "repo %s (%s): %s\n", r.Name, r.Root, r.IndexState)
	}
	fmt.Fprintf(&b, "[index: %s]\n", o.IndexState)
	return b.String()
}

func (c *call) indexStatus(ctx context.Context) (output, func(int) string, error) {
	r := c.repo
	o := &statusOut{Repo: r.Name(), Root: r.Root(), DB: r.DB()}
	if len(c.s.repos) > 1 {
		for _, x := range c.s.svc.ReposFor(ctx) {
			o.Repos = append(o.Repos, repoRow{Name: x.Name(), Root: x.Root(), IndexState: x.State().String()})
		}
	}
	snap, release, err := r.Acquire()
	if err != nil {
		o.Note = c.indexError(err).Error()
		return o, nil, nil
	}
	defer release()
	st, err := snap.Stats()
	if err != nil {
		return nil, nil, err
	}
	libs := st.Languages["external"].Files
	o.Files, o.Nodes, o.Edges = st.Files-libs, st.Nodes, st.Edges
	o.Languages = map[string]uint64{}
	for l, ls := range st.Languages {
		if l != "external" {
			o.Languages[l] = ls.Files
		}
	}
	if at := r.IndexedAt(); !at.IsZero() {
		o.IndexedAt = at.UTC().Format(time.RFC3339)
	}
	if full, err := snap.Status(ctx); err == nil {
		o.StoreBytes, o.Search = full.StoreBytes, "ready"
		if full.SearchErr != nil {
			o.Search = service.Explain(full.SearchErr, service.DoorMCP)
		}
		if full.Git != nil {
			o.ChangedFiles = full.Git.ChangedFiles
		}
	}
	if o.Precise, err = preciseLine(r, snap.Store); err != nil {
		return nil, nil, err
	}
	return o, nil, nil
}

// ---- index

type indexOut struct {
	answer
	noItems
	Files      int    `json:"files"`
	Added      int    `json:"added"`
	Changed    int    `json:"changed"`
	Unchanged  int    `json:"unchanged"`
	Deleted    int    `json:"deleted"`
	Errors     int    `json:"errors"`
	DurationMS int64  `json:"duration_ms"`
	Note       string `json:"note,omitempty"`
}

func (o *indexOut) text() string {
	var b strings.Builder
	if o.Note != "" {
		fmt.Fprintf(&b, "%s\n", o.Note)
	} else {
		fmt.Fprintf(&b, "indexed %d files in %d ms: %d added, %d changed, %d deleted, %d unchanged, %d errors\n",
			o.Files, o.DurationMS, o.Added, o.Changed, o.Deleted, o.Unchanged, o.Errors)
	}
	fmt.Fprintf(&b, "[index: %s]\n", o.IndexState)
	return b.String()
}

// reindex runs (or joins) an index run of the repository, forwarding its
// progress to the client as MCP progress notifications when the call
// asked for them.
func (c *call) reindex(ctx context.Context) (output, func(int) string, error) {
	r := c.repo
	q := c.s.svc.Jobs()
	job := r.Index(c.a.Force)
	updates, stop := q.Subscribe(job.ID)
	defer stop()
	tok := c.req.Params.GetProgressToken()
	notify := tok != nil && c.req.Session != nil
	last := -1
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case j, ok := <-updates:
			if !ok {
				updates = nil // closed after the final state, seen below
				continue
			}
			if notify && j.State == jobs.Running && j.Progress.Percent > last {
				last = j.Progress.Percent
				msg := fmt.Sprintf("%s: %d/%d files", j.Progress.Phase, j.Progress.Done, j.Progress.Total)
				c.req.Session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{ProgressToken: tok, Progress: float64(last), Total: 100, Message: msg})
			}
			if !j.State.Terminal() {
				continue
			}
			sum, err, _ := r.IndexResult(j.ID)
			switch {
			case errors.Is(err, store.ErrLocked):
				// The taxonomy's message and remedy (the holder's pid included).
				return &indexOut{Note: "not indexed: " + service.Explain(err, service.DoorMCP)}, nil, nil
			case j.State == jobs.Cancelled:
				return nil, nil, errors.New("index run cancelled (the server is stopping)")
			case err != nil:
				return nil, nil, fmt.Errorf("index failed: %w", err)
			case j.State != jobs.Succeeded || sum == nil:
				return nil, nil, fmt.Errorf("index failed: %s", j.Error)
			}
			return indexResult(sum), nil, nil
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-tick.C:
			if st := r.State(); st.Status == service.StatusBuilding && st.Other != "" {
				return &indexOut{Note: "another codegraph process (" + st.Other + ") is writing the index; this server answers from the last complete snapshot and picks up its result when it finishes (index_status shows the state)"}, nil, nil
			}
		}
	}
}

func indexResult(s *index.Summary) *indexOut {
	return &indexOut{Files: s.Files, Added: s.Added, Changed: s.Changed, Unchanged: s.Unchanged, Deleted: s.Deleted,
		Errors: s.ErrorN, DurationMS: s.Duration.Milliseconds()}
}
