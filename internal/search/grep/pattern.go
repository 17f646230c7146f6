package grep

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// Mode says how a pattern is read.
type Mode uint8

const (
	// Exact matches the pattern as a literal substring.
	Exact Mode = iota
	// Regex matches the pattern as an RE2 regular expression (Go syntax).
	Regex
)

// String returns "exact" or "regex".
func (m Mode) String() string {
	switch m {
	case Exact:
		return "exact"
	case Regex:
		return "regex"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// ParseMode parses "exact" or "regex".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "exact":
		return Exact, nil
	case "regex":
		return Regex, nil
	}
	return 0, fmt.Errorf("%w: unknown mode %q (want exact or regex)", ErrBadPattern, s)
}

// ErrBadPattern is wrapped by the errors for patterns that cannot be
// searched: invalid regular expressions, patterns matching a newline.
var ErrBadPattern = errors.New("bad pattern")

// matcher is a compiled pattern: how to find matching lines and which
// files can hold one.
type matcher struct {
	query   *tquery
	kind    matchKind
	lit     []byte         // case-sensitive literal
	foldLit []byte         // ASCII-folded literal matched against folded content
	re      *regexp.Regexp // line-semantics regexp
	// reqLit, when set with re, is a case-sensitive literal every matching
	// line contains; lines are found with it before running re.
	reqLit    []byte
	reqFolded bool // reqLit is ASCII-folded: look for it in folded content
}

type matchKind uint8

const (
	kindLit     matchKind = iota // lit, byte-wise
	kindFoldLit                  // foldLit against ASCII-folded content
	kindRegex                    // re, with reqLit as a line prefilter when set
)

// compile prepares a pattern for searching.
func compile(pattern string, mode Mode, ignoreCase bool) (*matcher, error) {
	switch mode {
	case Exact:
		if strings.ContainsRune(pattern, '\n') {
			return nil, fmt.Errorf("%w: %q contains a newline; matches are per line", ErrBadPattern, pattern)
		}
		if !ignoreCase {
			return &matcher{kind: kindLit, lit: []byte(pattern), query: trigramsOf(foldString(pattern))}, nil
		}
		if asciiFoldSafe(pattern) {
			return &matcher{kind: kindFoldLit, foldLit: []byte(foldString(pattern)), query: trigramsOf(foldString(pattern))}, nil
		}
		if !utf8.ValidString(pattern) {
			return nil, fmt.Errorf("%w: %q is not valid UTF-8 (case-insensitive search needs text)", ErrBadPattern, pattern)
		}
		return compileRegex(regexp.QuoteMeta(pattern), true)
	case Regex:
		return compileRegex(pattern, ignoreCase)
	}
	return nil, fmt.Errorf("%w: unknown mode %d", ErrBadPattern, mode)
}

// asciiFoldSafe reports whether case-insensitive matching of s equals
// byte-wise matching after ASCII folding: s is ASCII and has no k or s,
// whose Unicode fold orbits include non-ASCII runes (K, ſ).
func asciiFoldSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := foldTable[s[i]]
		if c >= utf8.RuneSelf || c == 'k' || c == 's' {
			return false
		}
	}
	return true
}

// MaxPatternBytes bounds a regular expression's source: with Go's
// linear-time engine and its own limits on nesting and repetition, a
// bounded source bounds compile time and memory.
const MaxPatternBytes = 4096

func compileRegex(pattern string, ignoreCase bool) (*matcher, error) {
	if len(pattern) > MaxPatternBytes {
		return nil, fmt.Errorf("%w: the expression is %d bytes, more than %d", ErrBadPattern, len(pattern), MaxPatternBytes)
	}
	flags := syntax.Perl
	if ignoreCase {
		flags |= syntax.FoldCase
	}
	tree, err := syntax.Parse(pattern, flags)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadPattern, err)
	}
	if err := perLine(tree); err != nil {
		return nil, err
	}
	re, err := regexp.Compile(tree.String())
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %w", ErrBadPattern, pattern, err)
	}
	simple := tree.Simplify()
	m := &matcher{kind: kindRegex, re: re, query: regexpQuery(simple)}
	m.reqLit, m.reqFolded = requiredLiteral(simple)
	return m, nil
}

// perLine rewrites a parsed regexp in place to grep's per-line semantics:
// nothing matches '\n' (classes lose it, '.' never matches it), and text
// anchors become line anchors. A literal newline is an error.
func perLine(re *syntax.Regexp) error {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if r == '\n' {
				return fmt.Errorf("%w: the pattern matches a literal newline; matches are per line", ErrBadPattern)
			}
		}
	case syntax.OpAnyChar:
		re.Op = syntax.OpAnyCharNotNL
	case syntax.OpBeginText:
		re.Op = syntax.OpBeginLine
	case syntax.OpEndText:
		re.Op = syntax.OpEndLine
		re.Flags &^= syntax.WasDollar
	case syntax.OpCharClass:
		var out []rune
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if lo <= '\n' && '\n' <= hi {
				if lo < '\n' {
					out = append(out, lo, '\n'-1)
				}
				if hi > '\n' {
					out = append(out, '\n'+1, hi)
				}
				continue
			}
			out = append(out, lo, hi)
		}
		if len(out) == 0 {
			re.Op = syntax.OpNoMatch
			re.Rune = nil
		} else {
			re.Rune = out
		}
	}
	for _, sub := range re.Sub {
		if err := perLine(sub); err != nil {
			return err
		}
	}
	return nil
}

// requiredLiteral returns the longest literal that every match of re
// contains, or nil. folded is true when the literal is ASCII-folded and
// must be looked for in ASCII-folded content: it comes from a
// case-insensitive literal and is the longest run of its runes whose case
// variants are all ASCII (so folding the content finds every variant).
func requiredLiteral(re *syntax.Regexp) (lit []byte, folded bool) {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	consider := func(r *syntax.Regexp) {
		for r.Op == syntax.OpCapture {
			r = r.Sub[0]
		}
		if r.Op != syntax.OpLiteral {
			return
		}
		fold := r.Flags&syntax.FoldCase != 0
		var run []byte
		flush := func() {
			if len(run) > len(lit) || (len(run) == len(lit) && len(run) > 0 && folded && !fold) {
				lit, folded = run, fold
			}
			run = nil
		}
		for _, c := range r.Rune {
			switch {
			case c == utf8.RuneError:
				flush() // the engine also matches an invalid byte there
			case fold && (c >= utf8.RuneSelf || !asciiFoldSafe(string(c))):
				flush()
			case fold:
				run = append(run, foldTable[byte(c)])
			default:
				run = utf8.AppendRune(run, c)
			}
		}
		flush()
	}
	switch re.Op {
	case syntax.OpLiteral:
		consider(re)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			consider(sub)
		}
	}
	return lit, folded
}
