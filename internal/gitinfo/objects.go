package gitinfo

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
)

// ErrUnknownRevision is returned (wrapped) when a revision names no commit.
var ErrUnknownRevision = errors.New("unknown revision")

// Commit returns the full hash of the commit rev names (a hash, a branch,
// a tag, HEAD~2...), read from the repository at dir.
func Commit(ctx context.Context, dir, rev string) (string, error) {
	if rev == "" || strings.HasPrefix(rev, "-") {
		return "", fmt.Errorf("gitinfo: bad revision %q: %w", rev, ErrUnknownRevision)
	}
	out, err := git(ctx, dir, "rev-parse", "-q", "--verify", rev+"^{commit}")
	if err != nil {
		if errors.Is(err, ErrNotRepo) || errors.Is(err, ErrNoGit) || ctx.Err() != nil {
			return "", err
		}
		return "", fmt.Errorf("gitinfo: %q: %w", rev, ErrUnknownRevision)
	}
	return strings.TrimSpace(string(out)), nil
}

// Tags lists the repository's tags, each with the commit it points at.
func Tags(ctx context.Context, dir string) (map[string]string, error) {
	out, err := git(ctx, dir, "for-each-ref", "--format=%(refname:short)%00%(objectname)%00%(*objectname)", "refs/tags")
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(line, "\x00")
		if len(f) != 3 {
			continue
		}
		c := f[1]
		if f[2] != "" { // annotated: the commit it peels to
			c = f[2]
		}
		tags[f[0]] = c
	}
	return tags, nil
}

// TreeEntry is one file of a commit's tree.
type TreeEntry struct {
	Path string // relative to the directory asked about, forward slashes
	Blob string // the blob's object hash
	Size int64
}

// Tree lists the regular files (not links, not submodules) of commit rev
// under dir, in path order, reading the object store: the work tree is
// neither read nor changed.
func Tree(ctx context.Context, dir, rev string) ([]TreeEntry, error) {
	return tree(ctx, dir, rev, nil)
}

// maxPathArgs bounds the paths TreeFiles passes to git on its command
// line; past it, the whole tree is listed and filtered.
const maxPathArgs = 1000

// TreeFiles is Tree restricted to the given files (paths relative to dir,
// forward slashes): those of them that are regular files of commit rev.
func TreeFiles(ctx context.Context, dir, rev string, paths []string) ([]TreeEntry, error) {
	if len(paths) == 0 {
		if _, err := Commit(ctx, dir, rev); err != nil {
			return nil, err
		}
		return nil, nil
	}
	if len(paths) <= maxPathArgs {
		return tree(ctx, dir, rev, paths)
	}
	all, err := tree(ctx, dir, rev, nil)
	if err != nil {
		return nil, err
	}
	want := make(map[string]bool, len(paths))
	for _, p := range paths {
		want[p] = true
	}
	out := all[:0]
	for _, e := range all {
		if want[e.Path] {
			out = append(out, e)
		}
	}
	return out, nil
}

func tree(ctx context.Context, dir, rev string, paths []string) ([]TreeEntry, error) {
	if rev == "" || strings.HasPrefix(rev, "-") {
		_, err := Commit(ctx, dir, rev) // the bad revision error
		return nil, err
	}
	// ls-tree run in a subdirectory lists that subdirectory, with paths
	// relative to it (and takes paths relative to it). rev^{commit} has
	// git refuse what is not a commit, as Commit would, without a
	// rev-parse of its own.
	args := []string{"--literal-pathspecs", "ls-tree", "-r", "-z", "-l", rev + "^{commit}"}
	if paths != nil {
		args = append(append(args, "--"), paths...)
	}
	out, err := git(ctx, dir, args...)
	if err != nil {
		if _, cerr := Commit(ctx, dir, rev); cerr != nil {
			return nil, cerr // an unknown revision, told as Commit tells it
		}
		return nil, err
	}
	var entries []TreeEntry
	for _, rec := range bytes.Split(out, []byte{0}) {
		if len(rec) == 0 {
			continue
		}
		// <mode> SP <type> SP <object> SP+ <size> TAB <path>
		tab := bytes.IndexByte(rec, '\t')
		if tab < 0 {
			return nil, fmt.Errorf("gitinfo: ls-tree: unexpected record %q", rec)
		}
		f := strings.Fields(string(rec[:tab]))
		if len(f) != 4 {
			return nil, fmt.Errorf("gitinfo: ls-tree: unexpected record %q", rec)
		}
		if f[1] != "blob" || (f[0] != "100644" && f[0] != "100755") {
			continue
		}
		size, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("gitinfo: ls-tree: unexpected size in %q", rec)
		}
		entries = append(entries, TreeEntry{Path: string(rec[tab+1:]), Blob: f[2], Size: size})
	}
	return entries, nil
}

// Blobs reads blobs from a repository's object store through one
// long-running `git cat-file --batch`. It is safe for concurrent use
// (reads are serialised); Close it when done.
type Blobs struct {
	mu   sync.Mutex
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Reader
	errb bytes.Buffer
	err  error // sticky: the process is out of step
}

// OpenBlobs starts the reader for the repository at dir.
func OpenBlobs(ctx context.Context, dir string) (*Blobs, error) {
	cmd := exec.CommandContext(ctx, "git", "-C", dir, "cat-file", "--batch")
	b := &Blobs{cmd: cmd}
	cmd.Stderr = &b.errb
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("gitinfo: cat-file: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("gitinfo: cat-file: %w", err)
	}
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, fmt.Errorf("gitinfo: %w", ErrNoGit)
		}
		return nil, fmt.Errorf("gitinfo: cat-file: %w", err)
	}
	b.in, b.out = in, bufio.NewReaderSize(out, 64<<10)
	return b, nil
}

// Read returns the content of the blob with the given object hash.
func (b *Blobs) Read(hash string) ([]byte, error) {
	if hash == "" || strings.ContainsAny(hash, " \n\t") {
		return nil, fmt.Errorf("gitinfo: bad object hash %q", hash)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return nil, b.err
	}
	if _, err := io.WriteString(b.in, hash+"\n"); err != nil {
		b.err = fmt.Errorf("gitinfo: cat-file: %w (%s)", err, strings.TrimSpace(b.errb.String()))
		return nil, b.err
	}
	head, err := b.out.ReadString('\n')
	if err != nil {
		b.err = fmt.Errorf("gitinfo: cat-file: %w (%s)", err, strings.TrimSpace(b.errb.String()))
		return nil, b.err
	}
	f := strings.Fields(head)
	if len(f) == 2 && f[1] == "missing" {
		return nil, fmt.Errorf("gitinfo: object %s: %w", hash, ErrUnknownRevision)
	}
	if len(f) != 3 {
		b.err = fmt.Errorf("gitinfo: cat-file: unexpected header %q", head)
		return nil, b.err
	}
	size, err := strconv.Atoi(f[2])
	if err != nil || size < 0 {
		b.err = fmt.Errorf("gitinfo: cat-file: unexpected header %q", head)
		return nil, b.err
	}
	buf := make([]byte, size+1) // the content and a newline
	if _, err := io.ReadFull(b.out, buf); err != nil {
		b.err = fmt.Errorf("gitinfo: cat-file: %w", err)
		return nil, b.err
	}
	if f[1] != "blob" {
		return nil, fmt.Errorf("gitinfo: object %s is a %s, not a blob", hash, f[1])
	}
	return buf[:size], nil
}

// Close stops the reader.
func (b *Blobs) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.in == nil {
		return nil
	}
	b.in.Close()
	b.in = nil
	err := b.cmd.Wait()
	if b.err == nil && err != nil {
		return fmt.Errorf("gitinfo: cat-file: %w", err)
	}
	return nil
}
