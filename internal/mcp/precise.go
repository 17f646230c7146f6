package mcp

import (
	"fmt"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/jobs"
	"github.com/codegraph-dev/codegraph/internal/precise"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// preciseLine sums up the precise tier of r for index_status, compactly:
// how many Go packages have compiler-checked edges, the first packages
// left heuristic and why, and a precise job in progress.
func preciseLine(r *service.Repo, st *store.Store) (string, error) {
	s, err := precise.LoadState(st)
	if err != nil {
		return "", err
	}
	var parts []string
	if s != nil {
		p, f := s.Counts()
		line := fmt.Sprintf("%d/%d Go packages precise", p, p+f)
		if fs := s.Failures(); len(fs) > 0 {
			var why []string
			for i, x := range fs {
				if i == 3 {
					why = append(why, fmt.Sprintf("+%d more", len(fs)-3))
					break
				}
				why = append(why, x.Dir+": "+x.Reason)
			}
			line += "; heuristic: " + strings.Join(why, "; ")
		}
		parts = append(parts, line)
	}
	if j, ok := r.PreciseJob(); ok && !j.State.Terminal() {
		pr := j.Progress
		if j.State == jobs.Queued {
			parts = append(parts, "a precise pass is queued")
		} else {
			parts = append(parts, fmt.Sprintf("a precise pass is running (%d/%d packages)", pr.Done, pr.Total))
		}
	}
	return strings.Join(parts, "; "), nil
}
