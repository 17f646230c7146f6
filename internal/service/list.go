package service

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/fnv"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/search/grep"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// Bounds of a node listing page.
const (
	DefaultListLimit = 50
	MaxListLimit     = 1000
)

// NodeFilter selects nodes in a listing; its filters combine (and). It is
// the one node filter of every front door (codegraph symbols, GET /nodes,
// GraphQL nodes).
type NodeFilter struct {
	// Kinds keeps nodes of any of these kinds (none: every kind).
	Kinds []graph.NodeKind
	// Langs keeps nodes of any of these languages (go, python, ...).
	Langs []string
	// Paths is a path filter with the semantics of every front door (see
	// grep.PathFilter): gitignore-style globs, "!" excludes, exclude-only
	// selects everything else. A plain path names one file.
	Paths []string
	// Name matches the bare name, or the qualified name when it contains a
	// dot (Server.Handle); "*", "?" and "[...]" make it a glob (Handle*).
	Name string
	// QualifiedName matches the qualified name exactly.
	QualifiedName string
}

// ListRequest asks for one page of a node listing.
type ListRequest struct {
	Filter NodeFilter
	// Limit is the page size (0: DefaultListLimit; at most MaxListLimit).
	Limit int
	// Cursor resumes after the previous page (its NextCursor); it is
	// accepted only with the same filter and repository.
	Cursor string
}

// NodeList is one page of a node listing, in node id order.
type NodeList struct {
	Nodes []graph.Node
	// NextCursor resumes after this page; "" when the listing is complete.
	NextCursor string

	key uint32
}

// CursorAfter returns the cursor that resumes after the page's i-th node
// (GraphQL gives every edge one).
func (l *NodeList) CursorAfter(i int) string { return encodeListCursor(l.Nodes[i].ID, l.key) }

// EscapeGlob quotes the glob characters of a literal path, for a path
// filter that must match it as written.
func EscapeGlob(p string) string {
	var b strings.Builder
	for _, c := range p {
		if strings.ContainsRune(`*?[\!`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// errPageFull stops a scan once a page is full.
var errPageFull = errors.New("page full")

// hasGlob reports whether s uses glob syntax.
func hasGlob(s string) bool { return strings.ContainsAny(s, "*?[") }

// isPlainPath reports whether a path filter names one file: no glob
// syntax, anchored by a slash (a bare name matches at any depth).
func isPlainPath(p string) bool {
	return p != "" && !strings.ContainsAny(p, "*?[!\\") && !strings.HasSuffix(p, "/") && strings.Contains(p, "/")
}

// Matcher validates the filter and returns its predicate (for streams
// and other scans that are not a listing).
func (f NodeFilter) Matcher() (func(*graph.Node) bool, error) { return f.compile() }

// compile validates the filter and returns its predicate.
func (f *NodeFilter) compile() (func(*graph.Node) bool, error) {
	var kindSet uint64
	for _, k := range f.Kinds {
		kindSet |= 1 << k
	}
	langs := map[string]bool{}
	for _, l := range f.Langs {
		l = strings.ToLower(strings.TrimSpace(l))
		if l == "" {
			continue
		}
		if !lang.IsLanguage(l) {
			return nil, fmt.Errorf("%w: unknown language %q (known: %s)", ErrInvalid, l, strings.Join(lang.Languages(), ", "))
		}
		langs[l] = true
	}
	if _, err := path.Match(f.Name, ""); err != nil {
		return nil, fmt.Errorf("%w: bad name glob %q: %v", ErrInvalid, f.Name, err)
	}
	pathOK := grep.PathFilter(f.Paths...)
	name, qualified, glob := f.Name, strings.Contains(f.Name, "."), hasGlob(f.Name)
	return func(n *graph.Node) bool {
		if kindSet != 0 && kindSet&(1<<n.Kind) == 0 {
			return false
		}
		if len(langs) > 0 && !langs[n.Language] {
			return false
		}
		if f.QualifiedName != "" && n.QualifiedName != f.QualifiedName {
			return false
		}
		if name != "" {
			target := n.Name
			if qualified {
				target = n.QualifiedName
			}
			if glob {
				if ok, _ := path.Match(name, target); !ok {
					return false
				}
			} else if target != name {
				return false
			}
		}
		return pathOK == nil || pathOK(n.File)
	}, nil
}

// key identifies the filter (and repository) a cursor belongs to.
func (f *NodeFilter) key(repo string) uint32 {
	h := fnv.New32a()
	kinds := slices.Clone(f.Kinds)
	slices.Sort(kinds)
	langs := slices.Clone(f.Langs)
	slices.Sort(langs)
	fmt.Fprintf(h, "%s\x00%v\x00%q\x00%q\x00%q\x00%q", repo, kinds, langs, f.Paths, f.Name, f.QualifiedName)
	return h.Sum32()
}

// encodeListCursor and decodeListCursor are the listing's cursor codec: the
// id after which the next page starts (keyset, so a page costs the same
// wherever it is) and the key of the filter it belongs to.
func encodeListCursor(after graph.NodeID, key uint32) string {
	return base64.RawURLEncoding.EncodeToString([]byte("n1." + strconv.FormatUint(uint64(after), 36) + "." + strconv.FormatUint(uint64(key), 36)))
}

func decodeListCursor(c string, key uint32) (graph.NodeID, error) {
	bad := fmt.Errorf("%w: invalid cursor %q (pass the cursor of the previous page, with the same filters)", ErrInvalid, c)
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, bad
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 || parts[0] != "n1" {
		return 0, bad
	}
	after, err1 := strconv.ParseUint(parts[1], 36, 64)
	k, err2 := strconv.ParseUint(parts[2], 36, 32)
	if err1 != nil || err2 != nil {
		return 0, bad
	}
	if uint32(k) != key {
		return 0, fmt.Errorf("%w: the cursor belongs to another query (another filter or repository)", ErrInvalid)
	}
	return graph.NodeID(after), nil
}

// ListNodes returns one page of the repository's nodes matching
// req.Filter (see ListNodes).
func (sn *Snapshot) ListNodes(ctx context.Context, req ListRequest) (*NodeList, error) {
	return ListNodes(ctx, sn.Store, sn.repo.Name(), req)
}

// ListNodes returns one page of the nodes of st matching req.Filter, in id
// order; the page's NextCursor resumes after it. It scans the narrowest
// store index the filter allows (one file, a name, a qualified name, a
// kind) and starts at the cursor, so every page costs about the same.
// repo names the repository in the cursor. (The command line, which opens
// a store without a service, calls it directly.)
func ListNodes(ctx context.Context, st *store.Store, repo string, req ListRequest) (*NodeList, error) {
	limit := req.Limit
	if limit == 0 {
		limit = DefaultListLimit
	}
	if limit < 1 || limit > MaxListLimit {
		return nil, fmt.Errorf("%w: limit must be between 1 and %d", ErrInvalid, MaxListLimit)
	}
	f := req.Filter
	keep, err := f.compile()
	if err != nil {
		return nil, err
	}
	key := f.key(repo)
	var after graph.NodeID
	started := req.Cursor != ""
	if started {
		if after, err = decodeListCursor(req.Cursor, key); err != nil {
			return nil, err
		}
	}
	out := &NodeList{Nodes: []graph.Node{}, key: key}
	seen := 0
	collect := func(n graph.Node) error {
		if seen++; seen%256 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if started && n.ID <= after || !keep(&n) {
			return nil
		}
		if len(out.Nodes) == limit {
			return errPageFull
		}
		out.Nodes = append(out.Nodes, n)
		return nil
	}
	switch {
	case len(f.Paths) == 1 && isPlainPath(f.Paths[0]):
		// One file: its nodes, sorted by id for the keyset.
		var all []graph.Node
		if err = st.NodesInFile(strings.TrimPrefix(f.Paths[0], "/"), func(n graph.Node) error { all = append(all, n); return nil }); err != nil {
			return nil, err
		}
		slices.SortFunc(all, func(a, b graph.Node) int { return cmpID(a.ID, b.ID) })
		for _, n := range all {
			if err = collect(n); err != nil {
				break
			}
		}
	case f.QualifiedName != "":
		err = st.NodesByQualifiedName(f.QualifiedName, collect)
	case f.Name != "" && !hasGlob(f.Name) && strings.Contains(f.Name, "."):
		err = st.NodesByQualifiedName(f.Name, collect)
	case f.Name != "" && !hasGlob(f.Name):
		err = st.NodesByName(f.Name, collect)
	case len(f.Kinds) == 1:
		err = st.NodesByKind(f.Kinds[0], collect)
	default:
		from := graph.NodeID(0)
		if started {
			from = after + 1
			if from == 0 { // after the largest id
				return out, nil
			}
		}
		err = st.NodesFrom(from, collect)
	}
	if errors.Is(err, errPageFull) {
		out.NextCursor = encodeListCursor(out.Nodes[len(out.Nodes)-1].ID, key)
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

func cmpID(a, b graph.NodeID) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
