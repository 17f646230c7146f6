package grep

import (
	"slices"
	"strings"
)

// qop is the operator of a trigram query node.
type qop uint8

const (
	qAll  qop = iota // every file qualifies (no constraint)
	qNone            // no file qualifies
	qAnd             // every trigram and every sub-query must hold
	qOr              // at least one trigram or sub-query must hold
)

// tquery is a boolean trigram query: a necessary condition that a file must
// satisfy to hold a match. Nodes are treated as immutable once built.
type tquery struct {
	op   qop
	tris []uint32 // sorted, distinct
	subs []*tquery
}

var (
	queryAll  = &tquery{op: qAll}
	queryNone = &tquery{op: qNone}
)

// atom reports whether q is a single trigram (for which AND and OR agree).
func (q *tquery) atom() bool {
	return (q.op == qAnd || q.op == qOr) && len(q.tris) == 1 && len(q.subs) == 0
}

// String renders q for query plans: trigrams quoted, AND as space, OR as |.
func (q *tquery) String() string {
	switch q.op {
	case qAll:
		return "ALL"
	case qNone:
		return "NONE"
	}
	var parts []string
	for _, t := range q.tris {
		parts = append(parts, quoteTrigram(t))
	}
	for _, s := range q.subs {
		parts = append(parts, "("+s.String()+")")
	}
	if q.op == qAnd {
		return strings.Join(parts, " ")
	}
	return strings.Join(parts, "|")
}

func quoteTrigram(t uint32) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range []byte(trigramString(t)) {
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			const hex = "0123456789abcdef"
			b.WriteString(`\x`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// size counts the nodes and trigrams of q.
func (q *tquery) size() int {
	n := 1 + len(q.tris)
	for _, s := range q.subs {
		n += s.size()
	}
	return n
}

func unionTris(a, b []uint32) []uint32 {
	out := make([]uint32, 0, len(a)+len(b))
	out = append(out, a...)
	out = append(out, b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// and returns q AND r.
func (q *tquery) and(r *tquery) *tquery { return combine(q, r, qAnd) }

// or returns q OR r.
func (q *tquery) or(r *tquery) *tquery { return combine(q, r, qOr) }

// combine builds q op r with the obvious simplifications: ALL and NONE
// absorb or vanish, nodes of the same operator (and single trigrams) are
// flattened, duplicate trigrams removed.
func combine(q, r *tquery, op qop) *tquery {
	absorb, identity := queryNone, queryAll
	if op == qOr {
		absorb, identity = queryAll, queryNone
	}
	switch {
	case q.op == absorb.op || r.op == absorb.op:
		return absorb
	case q.op == identity.op:
		return r
	case r.op == identity.op:
		return q
	}
	out := &tquery{op: op}
	for _, x := range []*tquery{q, r} {
		if x.op == op || x.atom() {
			out.tris = unionTris(out.tris, x.tris)
			out.subs = append(out.subs, x.subs...)
		} else {
			out.subs = append(out.subs, x)
		}
	}
	// Drop duplicate sub-queries (cheap structural check).
	if len(out.subs) > 1 {
		w := 0
		for i, s := range out.subs {
			dup := false
			for _, p := range out.subs[:w] {
				if equalQuery(p, s) {
					dup = true
					break
				}
			}
			if !dup {
				out.subs[w] = out.subs[i]
				w++
			}
		}
		out.subs = out.subs[:w]
	}
	return out
}

func equalQuery(a, b *tquery) bool {
	if a.op != b.op || !slices.Equal(a.tris, b.tris) || len(a.subs) != len(b.subs) {
		return false
	}
	for i := range a.subs {
		if !equalQuery(a.subs[i], b.subs[i]) {
			return false
		}
	}
	return true
}

// trigramsOf returns the AND of the trigrams of the folded string s, or
// ALL when s is shorter than three bytes.
func trigramsOf(s string) *tquery {
	if len(s) < 3 {
		return queryAll
	}
	var tris []uint32
	for i := 0; i+3 <= len(s); i++ {
		tris = append(tris, trigramOf(s[i], s[i+1], s[i+2]))
	}
	slices.Sort(tris)
	return &tquery{op: qAnd, tris: slices.Compact(tris)}
}

// anyOf returns the condition "the file contains one of the folded strings
// in set": the OR over the strings of the AND of their trigrams. It is ALL
// when a string is too short to say anything.
func anyOf(set []string) *tquery {
	if len(set) == 0 {
		return queryAll // no information, not "no match": callers use NONE explicitly
	}
	q := queryNone
	for _, s := range set {
		if len(s) < 3 {
			return queryAll
		}
		q = q.or(trigramsOf(s))
	}
	return q
}
