package mcp

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/query"
)

// Token budget of one answer. Tokens are estimated as bytes/4 (close to
// what model tokenizers give for code and JSON).
const (
	DefaultMaxTokens = 4000
	minMaxTokens     = 500
	maxMaxTokens     = 50000
	bytesPerToken    = 4
)

// tokens estimates the tokens of n bytes.
func tokens(n int) int { return (n + bytesPerToken - 1) / bytesPerToken }

// answer is what every structured answer carries.
type answer struct {
	// IndexState is the freshness of the graph the answer comes from.
	IndexState string `json:"index_state"`
	// Truncated says the answer was cut to its token budget or page:
	// NextCursor fetches the rest.
	Truncated  bool   `json:"truncated,omitempty"`
	NextCursor string `json:"next_cursor,omitempty"`
}

func (a *answer) base() *answer { return a }

// output is a tool's structured answer.
type output interface {
	base() *answer
	// text renders the answer compactly for the model.
	text() string
	// items counts the items the budget may cut; keep(k) keeps the first
	// k of them (reversibly: keep(n) restores all).
	items() int
	keep(k int)
}

// shrinker is an output whose fixed parts (groups, lists that are not
// paged, long docs) can be halved when the answer does not fit its budget
// even without items. shrink reports whether anything was cut.
type shrinker interface {
	shrink() bool
}

// halve halves a list, reporting whether it had anything to cut.
func halve[T any](s *[]T) bool {
	if len(*s) == 0 {
		return false
	}
	*s = (*s)[:len(*s)/2]
	return true
}

// noItems is embedded by outputs that are never cut.
type noItems struct{}

func (noItems) items() int { return 0 }
func (noItems) keep(int)   {}

// cost returns the larger of the text and JSON renderings of o, in
// tokens: the budget holds for whichever the client shows the model.
func cost(o output) (int, error) {
	j, err := json.Marshal(o)
	if err != nil {
		return 0, err
	}
	return tokens(max(len(j), len(o.text()))), nil
}

// fit cuts o's items until it fits budget tokens and returns how many it
// kept (all when it fits). Cost grows about linearly with the items kept,
// so the search interpolates between the largest count known to fit and
// the smallest known not to, alternating with bisection to bound the
// renderings at about twice log2(n).
func fit(o output, budget int) (int, error) {
	n := o.items()
	chi, err := cost(o)
	if err != nil || chi <= budget || n == 0 {
		return n, err
	}
	o.keep(0)
	clo, err := cost(o)
	if err != nil {
		return 0, err
	}
	lo, hi := 0, n // lo fits (or nothing does), hi does not
	for step := 0; hi-lo > 1; step++ {
		mid := lo + (hi-lo)/2
		if step%2 == 0 && chi > clo {
			mid = lo + int(float64(hi-lo)*float64(budget-clo)/float64(chi-clo))
			mid = min(max(mid, lo+1), hi-1)
		}
		o.keep(mid)
		c, err := cost(o)
		if err != nil {
			return 0, err
		}
		if c <= budget {
			lo, clo = mid, c
		} else {
			hi, chi = mid, c
		}
	}
	o.keep(lo)
	return lo, nil
}

// Sym is a symbol as answers cite it.
type Sym struct {
	ID   string `json:"id,omitempty"`
	Kind string `json:"kind,omitempty"`
	Name string `json:"name,omitempty"` // qualified name
	At   string `json:"at,omitempty"`   // file:line, or lib:<library> for library symbols
	Sig  string `json:"sig,omitempty"`
	// API marks a node created through the API: a client wrote its text;
	// it was not extracted from the source.
	API bool `json:"api,omitempty"`
}

func symOf(s *query.Symbol) Sym {
	if s == nil {
		return Sym{}
	}
	return Sym{ID: s.ID, Kind: s.Kind, Name: s.QualifiedName, At: at(s.File, s.Line), Sig: oneLine(s.Signature, 200), API: s.API}
}

func symPtr(s *query.Symbol) *Sym {
	if s == nil {
		return nil
	}
	v := symOf(s)
	return &v
}

// at renders a citation: file:line, the file alone for line 0, and
// lib:<library> for a library symbol.
func at(file string, line uint32) string {
	if strings.HasPrefix(file, graph.ExternalPrefix) {
		return "lib:" + strings.TrimPrefix(file, graph.ExternalPrefix)
	}
	if line == 0 {
		return file
	}
	return file + ":" + strconv.FormatUint(uint64(line), 10)
}

// oneLine collapses whitespace runs and caps s at n bytes.
func oneLine(s string, n int) string {
	if s == "" {
		return s
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		cut := n
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// line renders a symbol on one line: "at kind name  sig  #id".
func (s Sym) line() string {
	var b strings.Builder
	b.WriteString(s.At)
	b.WriteByte(' ')
	b.WriteString(s.Kind)
	b.WriteByte(' ')
	b.WriteString(s.Name)
	if s.Sig != "" && s.Sig != s.Name {
		b.WriteString("  ")
		b.WriteString(s.Sig)
	}
	if s.ID != "" {
		b.WriteString("  #")
		b.WriteString(s.ID)
	}
	if s.API {
		b.WriteString("  [created through the API, not from source]")
	}
	return b.String()
}

// resNote renders an edge's resolution when it is not certain.
func resNote(res string, candidates int) string {
	switch res {
	case "", "syntax", "exact", "external":
		return ""
	case "ambiguous":
		if candidates > 1 {
			return fmt.Sprintf("ambiguous, 1 of %d", candidates)
		}
	}
	return res
}

// footer writes the lines every text answer ends with.
func footer(b *strings.Builder, a *answer, shown, total int) {
	if a.Truncated {
		fmt.Fprintf(b, "[truncated: %d of %d shown; call again with cursor=%q for more]\n", shown, total, a.NextCursor)
	}
	fmt.Fprintf(b, "[index: %s]\n", a.IndexState)
}
