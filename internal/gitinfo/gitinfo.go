// Package gitinfo reads what the indexer needs to know of a git work tree
// by running the git binary: the HEAD commit, the files that differ from
// it, the files changed since a revision, the commits made since one. It
// has no dependency beyond git on PATH, and knows nothing of the index.
//
// Paths are relative to the directory asked about (the indexed root, which
// may be a subdirectory of the work tree), with forward slashes, and only
// those under it are listed.
package gitinfo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// ErrNotRepo is returned (wrapped) when the directory is not inside a git
// work tree.
var ErrNotRepo = errors.New("not a git work tree")

// ErrNoGit is returned (wrapped) when the git binary cannot be run.
var ErrNoGit = errors.New("git is not installed (or not on PATH)")

// State is the git state of a directory.
type State struct {
	TopLevel string // absolute root of the work tree
	GitDir   string // absolute .git directory (of the worktree)
	Head     string // HEAD's commit hash; "" before the first commit
	Branch   string // short branch name; "" when HEAD is detached
}

// git runs git -C dir args and returns its standard output.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, fmt.Errorf("gitinfo: %w", ErrNoGit)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		msg := strings.TrimSpace(errb.String())
		if strings.Contains(msg, "not a git repository") {
			return nil, fmt.Errorf("gitinfo: %s: %w", dir, ErrNotRepo)
		}
		return nil, fmt.Errorf("gitinfo: git %s: %v: %s", strings.Join(args, " "), err, msg)
	}
	return out.Bytes(), nil
}

// Read returns the git state of dir.
func Read(ctx context.Context, dir string) (State, error) {
	out, err := git(ctx, dir, "rev-parse", "--show-toplevel", "--absolute-git-dir")
	if err != nil {
		return State{}, err
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 2 {
		return State{}, fmt.Errorf("gitinfo: %s: %w", dir, ErrNotRepo)
	}
	s := State{TopLevel: lines[0], GitDir: lines[1]}
	if out, err := git(ctx, dir, "rev-parse", "-q", "--verify", "HEAD^{commit}"); err == nil {
		s.Head = strings.TrimSpace(string(out))
	}
	if out, err := git(ctx, dir, "symbolic-ref", "-q", "--short", "HEAD"); err == nil {
		s.Branch = strings.TrimSpace(string(out))
	}
	return s, nil
}

// Dirty lists the files under dir that differ from HEAD: modified, staged,
// deleted (both sides of a rename) and untracked files that are not
// ignored. Before the first commit every file is untracked.
func Dirty(ctx context.Context, dir string) ([]string, error) {
	var out []string
	if s, err := Read(ctx, dir); err != nil {
		return nil, err
	} else if s.Head != "" {
		b, err := git(ctx, dir, "diff", "--name-only", "--no-renames", "--relative", "-z", "HEAD", "--")
		if err != nil {
			return nil, err
		}
		out = splitZ(b)
	}
	untracked, err := Untracked(ctx, dir)
	if err != nil {
		return nil, err
	}
	return sortedSet(append(out, untracked...)), nil
}

// Untracked lists the untracked, not ignored files under dir.
func Untracked(ctx context.Context, dir string) ([]string, error) {
	b, err := git(ctx, dir, "ls-files", "--others", "--exclude-standard", "-z", "--", ".")
	if err != nil {
		return nil, err
	}
	return splitZ(b), nil
}

// ChangedSince lists the files under dir whose content may differ from
// revision rev: those the work tree (staged or not) changes relative to
// rev, both sides of renames, and untracked files.
func ChangedSince(ctx context.Context, dir, rev string) ([]string, error) {
	return changedSince(ctx, dir, rev, true)
}

// ChangedSinceCommit is ChangedSince of a commit that Commit returned:
// it is not looked up again (one git process fewer).
func ChangedSinceCommit(ctx context.Context, dir, commit string) ([]string, error) {
	return changedSince(ctx, dir, commit, false)
}

func changedSince(ctx context.Context, dir, rev string, verify bool) ([]string, error) {
	if strings.HasPrefix(rev, "-") {
		return nil, fmt.Errorf("gitinfo: bad revision %q", rev)
	}
	// The three git commands run together: the two lists read the work
	// tree (a stat of every tracked file, a walk for the untracked ones),
	// and a diff waits for all of them.
	var (
		wg               sync.WaitGroup
		b                []byte
		untracked        []string
		verr, derr, uerr error
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		b, derr = git(ctx, dir, "diff", "--name-only", "--no-renames", "--relative", "-z", rev, "--")
	}()
	go func() {
		defer wg.Done()
		untracked, uerr = Untracked(ctx, dir)
	}()
	if verify {
		_, verr = git(ctx, dir, "rev-parse", "-q", "--verify", rev+"^{commit}")
	}
	wg.Wait()
	if verr != nil {
		if errors.Is(verr, ErrNotRepo) || errors.Is(verr, ErrNoGit) {
			return nil, verr
		}
		return nil, fmt.Errorf("gitinfo: unknown revision %q", rev)
	}
	if derr != nil {
		return nil, derr
	}
	if uerr != nil {
		return nil, uerr
	}
	return sortedSet(append(splitZ(b), untracked...)), nil
}

// DiffCommits lists the files under dir that differ between commits a and
// b (both sides of renames).
func DiffCommits(ctx context.Context, dir, a, b string) ([]string, error) {
	if strings.HasPrefix(a, "-") || strings.HasPrefix(b, "-") {
		return nil, fmt.Errorf("gitinfo: bad revision %q..%q", a, b)
	}
	out, err := git(ctx, dir, "diff", "--name-only", "--no-renames", "--relative", "-z", a, b, "--")
	if err != nil {
		return nil, err
	}
	return sortedSet(splitZ(out)), nil
}

// CommitsSince counts the commits reachable from HEAD but not from rev
// (how far HEAD moved ahead of rev), and those reachable from rev but not
// from HEAD (non-zero after a branch switch or a rewrite).
func CommitsSince(ctx context.Context, dir, rev string) (ahead, behind int, err error) {
	if strings.HasPrefix(rev, "-") {
		return 0, 0, fmt.Errorf("gitinfo: bad revision %q", rev)
	}
	out, err := git(ctx, dir, "rev-list", "--left-right", "--count", rev+"...HEAD")
	if err != nil {
		return 0, 0, err
	}
	f := strings.Fields(string(out))
	if len(f) != 2 {
		return 0, 0, fmt.Errorf("gitinfo: rev-list: unexpected output %q", out)
	}
	behind, err1 := strconv.Atoi(f[0])
	ahead, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("gitinfo: rev-list: unexpected output %q", out)
	}
	return ahead, behind, nil
}

// HeadFile returns the path of the HEAD file of the work tree at dir, which
// git rewrites on every branch switch.
func HeadFile(s State) string { return filepath.Join(s.GitDir, "HEAD") }

func splitZ(b []byte) []string {
	var out []string
	for _, p := range strings.Split(string(b), "\x00") {
		if p != "" {
			out = append(out, filepath.ToSlash(p))
		}
	}
	return out
}

func sortedSet(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, p := range s {
		if i == 0 || p != s[i-1] {
			out = append(out, p)
		}
	}
	return out
}
