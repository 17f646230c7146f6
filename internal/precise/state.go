package precise

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/codegraph-dev/codegraph/internal/store"
)

// MetaGo is the store key/value under which the Go pass records its State.
const MetaGo = "precise.go"

// stateVersion is the version of State's encoding and of the rules that
// produced it; a state of another version makes the next run check every
// package again.
const stateVersion = 1

// Package statuses.
const (
	StatusPrecise = "precise" // type-checked; its edges are the compiler's
	StatusFailed  = "failed"  // not loaded or not type-checked: heuristic edges
)

// State is what the last Go pass did, package by package: the status
// `codegraph status` shows and what the next pass compares with to find the
// packages to check again.
type State struct {
	Version   int       `json:"version"`
	Toolchain string    `json:"toolchain,omitempty"` // `go version` of the pass
	Started   time.Time `json:"started"`
	Finished  time.Time `json:"finished"`
	// Packages by repository-relative directory.
	Packages map[string]*PackageState `json:"packages"`
	// Last is what the last pass did.
	Last Stats `json:"last"`
}

// PackageState is one directory's package as the last pass left it.
type PackageState struct {
	Path   string `json:"path,omitempty"` // import path
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"` // why it failed
	// Fingerprint is a hash of the directory's Go files and content
	// hashes when the package was checked.
	Fingerprint uint64 `json:"fingerprint"`
	// Imports are the directories of the repository's packages it imports
	// (with its tests): checked again when one of them changes.
	Imports []string `json:"imports,omitempty"`
	Edges   int      `json:"edges"` // precise edges from its files
}

// Stats counts what one pass did.
type Stats struct {
	Packages  int           `json:"packages"`  // Go packages of the tree
	Checked   int           `json:"checked"`   // packages this pass type-checked
	Precise   int           `json:"precise"`   // packages whose edges are precise now
	Failed    int           `json:"failed"`    // packages left with heuristic edges
	Rewritten int           `json:"rewritten"` // edge groups rewritten
	Added     int           `json:"added"`     // edges the extraction had not seen
	Unbound   int           `json:"unbound"`   // heuristic bindings the compiler refuted
	Dynamic   int           `json:"dynamic"`   // dynamic-call candidate edges
	Reverted  int           `json:"reverted"`  // packages whose precise edges went back to heuristic
	Duration  time.Duration `json:"duration_ns"`
	Full      bool          `json:"full,omitempty"` // every package was checked
}

// Failures lists the packages the last pass left with heuristic edges, by
// directory, with the reason.
func (s *State) Failures() []Failure {
	var out []Failure
	for dir, p := range s.Packages {
		if p.Status == StatusFailed {
			out = append(out, Failure{Dir: dir, Path: p.Path, Reason: p.Reason})
		}
	}
	slices.SortFunc(out, func(a, b Failure) int {
		switch {
		case a.Dir < b.Dir:
			return -1
		case a.Dir > b.Dir:
			return 1
		}
		return 0
	})
	return out
}

// Failure is a package left with heuristic edges.
type Failure struct {
	Dir    string `json:"dir"`
	Path   string `json:"path,omitempty"`
	Reason string `json:"reason"`
}

// Counts returns how many packages are precise and how many failed.
func (s *State) Counts() (precise, failed int) {
	for _, p := range s.Packages {
		if p.Status == StatusPrecise {
			precise++
		} else {
			failed++
		}
	}
	return precise, failed
}

// LoadState reads the Go pass's State from st; (nil, nil) when no pass
// has run.
func LoadState(st *store.Store) (*State, error) {
	v, err := st.Meta(MetaGo)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("precise: %w", err)
	}
	var s State
	if err := json.Unmarshal(v, &s); err != nil {
		return nil, fmt.Errorf("precise: state: %w", err)
	}
	if s.Packages == nil {
		s.Packages = map[string]*PackageState{}
	}
	return &s, nil
}

func saveState(b *store.Batch, s *State) error {
	v, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return b.SetMeta(MetaGo, v)
}
