package grep

import (
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The translation of a regular expression into a trigram query follows the
// design of google/codesearch (index/regexp.go): each sub-expression is
// summarised by what every one of its matches must look like, and
// summaries are combined bottom-up. Strings here are folded (ASCII lower
// case) byte strings, matching the folded trigrams of the index, so the
// result is a necessary condition for case-sensitive and case-insensitive
// matches alike.

const (
	// maxExact bounds an exact set before it is turned into trigrams plus
	// prefix/suffix sets (8 = three case-folded letters).
	maxExact = 8
	// maxSet bounds prefix and suffix sets; larger sets are shortened.
	maxSet = 20
	// maxClass is the largest character class expanded into its runes.
	maxClass = 100
)

// summary describes the matches of a regular expression.
//
// Invariants, for every match m (folded):
//   - if exact != nil, m is one of exact;
//   - otherwise some element of prefix is a prefix of m and some element of
//     suffix is a suffix of m;
//   - a file holding m satisfies match;
//   - emptyOK is true if m may be empty.
type summary struct {
	emptyOK        bool
	exact          []string
	prefix, suffix []string
	match          *tquery
}

func anyString() summary {
	return summary{emptyOK: true, prefix: []string{""}, suffix: []string{""}, match: queryAll}
}

func anyRune() summary {
	return summary{prefix: []string{""}, suffix: []string{""}, match: queryAll}
}

func emptyString() summary {
	return summary{emptyOK: true, exact: []string{""}, match: queryAll}
}

func noMatch() summary {
	return summary{exact: []string{}, match: queryNone}
}

// regexpQuery returns the trigram query that every file holding a match of
// re satisfies.
func regexpQuery(re *syntax.Regexp) *tquery {
	s := analyze(re)
	s.simplify(true)
	if s.exact != nil {
		return s.match.and(anyOf(s.exact))
	}
	return s.match
}

// foldString folds a UTF-8 string the way the index folds bytes.
func foldString(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = foldTable[c]
	}
	return string(b)
}

// runeStrings returns the folded encodings of the runes of a class given
// as ranges, or ok=false when the class is too large or matches invalid
// UTF-8 (U+FFFD, which the regexp engine also matches for a bad byte).
func runeStrings(ranges []rune) (out []string, ok bool) {
	n := 0
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		if lo <= utf8.RuneError && utf8.RuneError <= hi {
			return nil, false
		}
		n += int(hi-lo) + 1
		if n > maxClass {
			return nil, false
		}
	}
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1]; r++ {
			out = append(out, foldString(string(r)))
		}
	}
	return normSet(out), true
}

// foldOrbit returns r and every rune that is equal to it under simple
// case folding, as rune ranges.
func foldOrbit(r rune) []rune {
	out := []rune{r, r}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		out = append(out, f, f)
	}
	return out
}

func analyze(re *syntax.Regexp) summary {
	var s summary
	switch re.Op {
	case syntax.OpNoMatch:
		return noMatch()
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine,
		syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return emptyString()
	case syntax.OpLiteral:
		s = emptyString()
		for _, r := range re.Rune {
			var one summary
			switch {
			case r == utf8.RuneError:
				one = anyRune()
			case re.Flags&syntax.FoldCase != 0:
				strs, ok := runeStrings(foldOrbit(r))
				if !ok {
					one = anyRune()
				} else {
					one = summary{exact: strs, match: queryAll}
				}
			default:
				one = summary{exact: []string{foldString(string(r))}, match: queryAll}
			}
			s = concat(s, one)
		}
		return s
	case syntax.OpCharClass:
		if len(re.Rune) == 0 {
			return noMatch()
		}
		strs, ok := runeStrings(re.Rune)
		if !ok {
			return anyRune()
		}
		s = summary{exact: strs, match: queryAll}
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		return anyRune()
	case syntax.OpCapture:
		return analyze(re.Sub[0])
	case syntax.OpConcat:
		s = emptyString()
		for _, sub := range re.Sub {
			s = concat(s, analyze(sub))
		}
		return s
	case syntax.OpAlternate:
		if len(re.Sub) == 0 {
			return noMatch()
		}
		s = analyze(re.Sub[0])
		for _, sub := range re.Sub[1:] {
			s = alternate(s, analyze(sub))
		}
		return s
	case syntax.OpQuest:
		return alternate(analyze(re.Sub[0]), emptyString())
	case syntax.OpStar:
		return anyString()
	case syntax.OpRepeat:
		if re.Min == 0 {
			return anyString()
		}
		s = repeated(analyze(re.Sub[0]))
	case syntax.OpPlus:
		s = repeated(analyze(re.Sub[0]))
	default:
		// Unknown operator: assume nothing.
		return anyString()
	}
	s.simplify(false)
	return s
}

// repeated summarises x+ (one or more x) from the summary of x.
func repeated(x summary) summary {
	if x.exact != nil {
		x.match = x.match.and(anyOf(x.exact))
		x.prefix, x.suffix = x.exact, slices.Clone(x.exact)
		x.exact = nil
	}
	return x
}

// pre and suf return the strings every match starts (ends) with.
func (s *summary) pre() []string {
	if s.exact != nil {
		return s.exact
	}
	return s.prefix
}

func (s *summary) suf() []string {
	if s.exact != nil {
		return s.exact
	}
	return s.suffix
}

// concat summarises xy.
func concat(x, y summary) summary {
	xy := summary{emptyOK: x.emptyOK && y.emptyOK, match: x.match.and(y.match)}
	if x.exact != nil && y.exact != nil {
		xy.exact = cross(x.exact, y.exact)
	} else {
		if x.exact != nil {
			xy.prefix = cross(x.exact, y.pre())
		} else {
			xy.prefix = slices.Clone(x.prefix)
		}
		if y.exact != nil {
			xy.suffix = cross(x.suf(), y.exact)
		} else {
			xy.suffix = slices.Clone(y.suffix)
		}
		// Every match contains some suffix of x followed by some prefix of
		// y; when these joins are long enough they give trigrams that the
		// prefix and suffix sets of xy no longer carry.
		if x.exact == nil && y.exact == nil && len(x.suffix) <= maxSet && len(y.prefix) <= maxSet &&
			minLen(x.suffix)+minLen(y.prefix) >= 3 {
			xy.match = xy.match.and(anyOf(cross(x.suffix, y.prefix)))
		}
	}
	xy.simplify(false)
	return xy
}

// alternate summarises x|y.
func alternate(x, y summary) summary {
	xy := summary{emptyOK: x.emptyOK || y.emptyOK}
	if x.exact != nil && y.exact != nil {
		xy.exact = normSet(append(slices.Clone(x.exact), y.exact...))
		xy.match = x.match.or(y.match)
	} else {
		xm, ym := x.match, y.match
		if x.exact != nil {
			xm = xm.and(anyOf(x.exact))
		}
		if y.exact != nil {
			ym = ym.and(anyOf(y.exact))
		}
		xy.match = xm.or(ym)
		xy.prefix = normSet(append(slices.Clone(x.pre()), y.pre()...))
		xy.suffix = normSet(append(slices.Clone(x.suf()), y.suf()...))
	}
	xy.simplify(false)
	return xy
}

// simplify keeps the summary small: large or long exact sets become
// trigrams plus two-byte prefixes and suffixes, and large prefix and suffix
// sets are shortened (their trigrams moved into match first).
func (s *summary) simplify(force bool) {
	if s.exact != nil {
		s.exact = normSet(s.exact)
		ml := minLen(s.exact)
		if len(s.exact) > maxExact || ml >= 4 || (force && ml >= 3) {
			s.match = s.match.and(anyOf(s.exact))
			s.prefix, s.suffix = nil, nil
			for _, e := range s.exact {
				if len(e) < 3 {
					s.prefix = append(s.prefix, e)
					s.suffix = append(s.suffix, e)
				} else {
					s.prefix = append(s.prefix, e[:2])
					s.suffix = append(s.suffix, e[len(e)-2:])
				}
			}
			s.exact = nil
		}
	}
	if s.exact == nil {
		s.prefix = s.shorten(s.prefix, false)
		s.suffix = s.shorten(s.suffix, true)
	}
}

// shorten moves the trigrams of a prefix (or suffix) set into match and
// cuts its strings to at most two bytes, and shorter still while the set
// has more than maxSet strings. A string made redundant by a shorter one
// (ab when a is present) is dropped.
func (s *summary) shorten(set []string, suffix bool) []string {
	set = normSet(set)
	if maxLen(set) >= 3 {
		s.match = s.match.and(anyOf(set))
	}
	for n := 2; ; n-- {
		for i, str := range set {
			if len(str) > n {
				if suffix {
					set[i] = str[len(str)-n:]
				} else {
					set[i] = str[:n]
				}
			}
		}
		set = normSet(set)
		if len(set) <= maxSet || n == 0 {
			break
		}
	}
	// Drop strings that extend another one of the set.
	slices.SortFunc(set, func(a, b string) int { return len(a) - len(b) })
	var out []string
	for _, str := range set {
		redundant := false
		for _, o := range out {
			if (!suffix && strings.HasPrefix(str, o)) || (suffix && strings.HasSuffix(str, o)) {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, str)
		}
	}
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// normSet sorts and deduplicates a set in place; nil stays nil.
func normSet(set []string) []string {
	if set == nil {
		return nil
	}
	slices.Sort(set)
	return slices.Compact(set)
}

func cross(a, b []string) []string {
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return normSet(out)
}

func minLen(set []string) int {
	if len(set) == 0 {
		return 0
	}
	m := len(set[0])
	for _, s := range set[1:] {
		m = min(m, len(s))
	}
	return m
}

func maxLen(set []string) int {
	m := 0
	for _, s := range set {
		m = max(m, len(s))
	}
	return m
}
