package mcp

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/repofile"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// Source reading bounds.
const (
	maxReadLines   = 500     // read_code lines per answer
	defaultWindow  = 200     // read_code lines when end_line is not given
	maxSourceBytes = 8 << 20 // larger files are not read
	maxLineBytes   = 400     // longer lines (minified code) are cut
)

// errOutsideRoot is returned (wrapped) for a path that leaves the indexed
// root: a ../ escape, an absolute path elsewhere, or a symbolic link that
// leads out.
// A path that leaves it as written is a bad argument
// (service.CodeInvalid); a link that leads out is refused
// (service.CodeForbidden), as every front door does.
var errOutsideRoot = errors.New("outside the indexed repository")

// safeRel turns a path given by an agent into the repository-relative,
// slash-separated form the index uses. Relative paths are read from root;
// absolute ones must lie inside it. Paths that escape root lexically or
// through a symbolic link are refused with errOutsideRoot. root must be
// absolute with its symbolic links evaluated.
func safeRel(root, p string) (string, error) {
	p = strings.TrimSpace(p)
	if p == "" {
		return "", service.Invalidf("empty path")
	}
	if strings.ContainsRune(p, 0) {
		return "", service.Invalidf("path contains a NUL byte")
	}
	native := filepath.FromSlash(p)
	var rel string
	if filepath.IsAbs(native) {
		r, err := filepath.Rel(root, filepath.Clean(native))
		if err != nil || (r != "." && !filepath.IsLocal(r)) {
			// The path may reach the root through a symbolic link.
			if ev, e := filepath.EvalSymlinks(native); e == nil {
				r, err = filepath.Rel(root, ev)
			}
			if err != nil || (r != "." && !filepath.IsLocal(r)) {
				return "", service.Errorf(service.CodeInvalid, "%s: %w (root %s); pass a path relative to the root", p, errOutsideRoot, root)
			}
		}
		rel = r
	} else {
		rel = filepath.Clean(native)
		if rel != "." && !filepath.IsLocal(rel) {
			return "", service.Errorf(service.CodeInvalid, "%s: %w; pass a path relative to the root without ..", p, errOutsideRoot)
		}
	}
	if ev, err := filepath.EvalSymlinks(filepath.Join(root, rel)); err == nil {
		r, err := filepath.Rel(root, ev)
		if err != nil || (r != "." && !filepath.IsLocal(r)) {
			return "", service.Errorf(service.CodeForbidden, "%s: %w (a symbolic link leads out)", p, errOutsideRoot)
		}
	}
	return filepath.ToSlash(rel), nil
}

// localPath is safeRel against the call's repository.
func (c *call) localPath(p string) (string, error) { return safeRel(c.repo.Root(), p) }

// indexedPath returns the repository-relative path of an indexed file.
func (c *call) indexedPath(p string) (string, error) {
	rel, err := c.localPath(p)
	if err != nil {
		return "", err
	}
	if _, err := c.snap.Store.FileMeta(rel); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return "", service.Errorf(service.CodeNotFound, "%s is not an indexed source file; pass a path as answers cite it (e.g. from file_outline, repo_overview or an at field)", p)
		}
		return "", err
	}
	return rel, nil
}

// readSource reads an indexed file from disk through the service's one
// reader (repofile's policy): links are followed only inside the root, and
// secrets, private directories, non-regular files, binary content and
// files over maxSourceBytes are refused, whatever name the link has.
func readSource(r *service.Repo, rel string) ([]byte, error) {
	data, err := r.ReadFile(rel, maxSourceBytes)
	if errors.Is(err, repofile.ErrOutsideRoot) {
		return nil, fmt.Errorf("%w: %w", errOutsideRoot, err)
	}
	return data, err
}

// ---- read_code

type codeOut struct {
	answer
	Path       string `json:"path"`
	StartLine  int    `json:"start_line"`
	EndLine    int    `json:"end_line"`
	TotalLines int    `json:"total_lines"`
	// ChangedSinceIndex says the file differs from what was indexed:
	// line numbers in other answers may be off.
	ChangedSinceIndex bool   `json:"changed_since_index,omitempty"`
	Code              string `json:"code"`
	lines             []string
}

func (o *codeOut) items() int { return len(o.lines) }
func (o *codeOut) keep(k int) {
	o.Code = strings.Join(o.lines[:k], "\n")
	o.EndLine = o.StartLine + k - 1
}

func (o *codeOut) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s lines %d-%d of %d", o.Path, o.StartLine, o.EndLine, o.TotalLines)
	if o.ChangedSinceIndex {
		b.WriteString(" (changed since indexed: other answers' line numbers may be off)")
	}
	b.WriteByte('\n')
	if o.EndLine >= o.StartLine {
		writeNumbered(&b, o.Code, uint32(o.StartLine))
	}
	footer(&b, &o.answer, max(0, o.EndLine-o.StartLine+1), len(o.lines))
	return b.String()
}

// capLine cuts a line to maxLineBytes on a rune boundary, marking the
// cut.
func capLine(l string) string {
	if len(l) <= maxLineBytes {
		return l
	}
	cut := maxLineBytes
	for cut > 0 && !utf8.RuneStart(l[cut]) {
		cut--
	}
	return l[:cut] + " …[line cut at " + strconv.Itoa(maxLineBytes) + " bytes]"
}

func splitLines(data []byte) []string {
	s := string(data)
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

func (c *call) readCode(ctx context.Context) (output, func(int) string, error) {
	rel, err := c.indexedPath(c.a.Path)
	if err != nil {
		return nil, nil, err
	}
	meta, err := c.snap.Store.FileMeta(rel)
	if err != nil {
		return nil, nil, err
	}
	data, err := readSource(c.repo, rel)
	if err != nil {
		return nil, nil, err
	}
	lines := splitLines(data)
	first := max(c.a.StartLine, 1)
	last := c.a.EndLine
	if last == 0 {
		last = first + defaultWindow - 1
	}
	if last < first {
		return nil, nil, fmt.Errorf("end_line %d is before start_line %d", last, first)
	}
	if first > len(lines) {
		return nil, nil, fmt.Errorf("start_line %d is past the end of %s (%d lines)", first, rel, len(lines))
	}
	last = min(last, len(lines))
	start := first + c.cur.Skip
	end := min(last, start+maxReadLines-1)
	o := &codeOut{Path: rel, StartLine: start, TotalLines: len(lines), ChangedSinceIndex: graph.HashBytes(data) != meta.Hash}
	if start <= end {
		o.lines = make([]string, 0, end-start+1)
		for _, l := range lines[start-1 : end] {
			o.lines = append(o.lines, capLine(l))
		}
	}
	o.keep(len(o.lines))
	skip := c.cur.Skip
	return o, func(kept int) string {
		if first+skip+kept <= last {
			return c.encodeCursor("", skip+kept)
		}
		return ""
	}, nil
}

// ---- resources

const (
	fileURIPrefix   = "codegraph://file/"
	symbolURIPrefix = "codegraph://symbol/"
)

// addResources registers the file and symbol resource templates.
func (s *Server) addResources() {
	fileDesc := "Source of an indexed file, by its path relative to the repository root."
	if len(s.repos) > 1 {
		fileDesc = "Source of an indexed file: the repository name, then the path relative to its root (codegraph://file/NAME/dir/file.go)."
	}
	s.srv.AddResourceTemplate(&mcp.ResourceTemplate{Name: "file", Title: "Indexed source file", URITemplate: fileURIPrefix + "{+path}",
		MIMEType: "text/plain", Description: fileDesc}, s.readFileResource)
	s.srv.AddResourceTemplate(&mcp.ResourceTemplate{Name: "symbol", Title: "Symbol definition", URITemplate: symbolURIPrefix + "{id}",
		MIMEType: "text/plain", Description: "Definition of a symbol by id (as answers give it): location, signature, doc, members and source."}, s.readSymbolResource)
}

func (s *Server) readFileResource(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
	if err := service.Require(ctx, service.ReadOnly); err != nil {
		return nil, err
	}
	uri := req.Params.URI
	p, err := url.PathUnescape(strings.TrimPrefix(uri, fileURIPrefix))
	if err != nil || !strings.HasPrefix(uri, fileURIPrefix) {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	r, err := s.repoFor(ctx, "", service.ReadOnly)
	if err != nil {
		return nil, err
	}
	if len(s.repos) > 1 {
		name, rest, _ := strings.Cut(p, "/")
		if r, err = s.repoFor(ctx, name, service.ReadOnly); err != nil || name == "" {
			return nil, fmt.Errorf("%s: the path must start with a repository name (%s)", uri, strings.Join(s.svc.RepoNamesFor(ctx), ", "))
		}
		p = rest
	}
	snap, release, err := r.Acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	c := &call{s: s, repo: r, snap: snap}
	rel, err := c.indexedPath(p)
	if err != nil {
		if errors.Is(err, errOutsideRoot) {
			return nil, err
		}
		return nil, mcp.ResourceNotFoundError(uri)
	}
	data, err := readSource(r, rel)
	if err != nil {
		return nil, err
	}
	return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: uri, MIMEType: "text/plain", Text: string(data)}}}, nil
}

func (s *Server) readSymbolResource(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
	if err := service.Require(ctx, service.ReadOnly); err != nil {
		return nil, err
	}
	uri := req.Params.URI
	id := strings.TrimPrefix(uri, symbolURIPrefix)
	if _, err := graph.ParseNodeID(id); err != nil || len(id) != 16 {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	for _, r := range s.svc.ReposFor(ctx) {
		snap, release, err := r.Acquire()
		if err != nil {
			continue
		}
		c := &call{s: s, repo: r, snap: snap, a: args{Symbol: id, IncludeBody: true}, budget: maxMaxTokens,
			def: &toolDef{name: "get_symbol"}}
		out, _, err := c.getSymbol(ctx)
		release()
		if err != nil {
			continue
		}
		out.base().IndexState = r.State().String()
		return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: uri, MIMEType: "text/plain", Text: out.text()}}}, nil
	}
	return nil, mcp.ResourceNotFoundError(uri)
}
