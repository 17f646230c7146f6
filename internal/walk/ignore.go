package walk

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// Verdict is what a Matcher says about one path.
type Verdict uint8

const (
	// NoMatch means no pattern matched the path.
	NoMatch Verdict = iota
	// Ignore means the last matching pattern was a plain pattern.
	Ignore
	// Keep means the last matching pattern was a negated ("!") pattern.
	Keep
)

// String returns "no-match", "ignore" or "keep".
func (v Verdict) String() string {
	switch v {
	case NoMatch:
		return "no-match"
	case Ignore:
		return "ignore"
	case Keep:
		return "keep"
	}
	return "invalid"
}

// Matcher is the compiled content of one gitignore-style file: an ordered
// list of patterns, matched against slash-separated paths relative to the
// directory holding the file. It follows git's rules (gitignore(5) and
// wildmatch): blank lines and "#" comments are skipped, "\#" and "\!" escape
// a leading "#" or "!", trailing spaces are dropped unless escaped with "\",
// "!" negates, a trailing "/" matches directories only, a pattern with a "/"
// at its start or middle is anchored to the file's directory while one
// without matches a name at any depth, "*" and "?" do not match "/",
// "[...]" classes (with "!" or "^" negation, ranges and [:alpha:]-style
// names) match one byte, and "**" between slashes matches any number of
// directories: "**/x" at any depth, "x/**" everything inside x, "a/**/b"
// zero or more directories between. The last matching pattern decides.
// Matching is byte-wise and case-sensitive, as git is by default.
//
// A Matcher is immutable and safe for concurrent use. The zero value and a
// nil *Matcher match nothing.
type Matcher struct {
	patterns []pattern
}

// ParseIgnore compiles the content of a gitignore-style file. Lines that
// cannot match anything (such as an unclosed "[" class or a dangling "\")
// are dropped, as git in effect does; parsing never fails.
func ParseIgnore(content []byte) *Matcher {
	content = bytes.TrimPrefix(content, []byte("\xef\xbb\xbf")) // UTF-8 BOM, as git
	m := &Matcher{}
	for len(content) > 0 {
		line := content
		if i := bytes.IndexByte(content, '\n'); i >= 0 {
			line, content = content[:i], content[i+1:]
		} else {
			content = nil
		}
		m.add(string(line))
	}
	return m
}

// NewMatcher compiles patterns given one per element, with the same syntax
// as the lines of a gitignore file.
func NewMatcher(patterns ...string) *Matcher {
	m := &Matcher{}
	for _, p := range patterns {
		m.add(p)
	}
	return m
}

// Len returns the number of effective patterns.
func (m *Matcher) Len() int {
	if m == nil {
		return 0
	}
	return len(m.patterns)
}

// Match returns the verdict of the last pattern that matches relPath, a
// slash-separated path relative to the matcher's directory; isDir says
// whether it names a directory. Match looks at relPath alone: use Ignored
// for git's rule that nothing inside an ignored directory can be re-included.
func (m *Matcher) Match(relPath string, isDir bool) Verdict {
	if m == nil || len(m.patterns) == 0 || relPath == "" {
		return NoMatch
	}
	base := relPath[strings.LastIndexByte(relPath, '/')+1:]
	for i := len(m.patterns) - 1; i >= 0; i-- {
		p := &m.patterns[i]
		if p.match(relPath, base, isDir) {
			if p.negate {
				return Keep
			}
			return Ignore
		}
	}
	return NoMatch
}

// Ignored reports whether git would ignore relPath given only this file's
// patterns: the path itself is ignored, or one of its parent directories is
// (and then no negated pattern can bring it back).
func (m *Matcher) Ignored(relPath string, isDir bool) bool {
	if m.Len() == 0 {
		return false
	}
	for i := 0; i < len(relPath); i++ {
		if relPath[i] == '/' && m.Match(relPath[:i], true) == Ignore {
			return true
		}
	}
	return m.Match(relPath, isDir) == Ignore
}

// ErrBadPattern is wrapped by the errors of CheckPattern and of a walk
// whose Include or Exclude holds a pattern that can never match.
var ErrBadPattern = errors.New("invalid pattern")

// CheckPattern reports why a gitignore-style pattern given on its own (a
// command-line flag, not a line of an ignore file) is not what its user
// meant: one that can never match anything (an unclosed "[" class, an
// unknown "[:name:]", a trailing "\"), or one that an ignore file would
// skip (empty, only "!", or a "#" comment). The error wraps ErrBadPattern
// and quotes the pattern.
func CheckPattern(pat string) error {
	bad := func(why string) error { return fmt.Errorf("%w %q: %s", ErrBadPattern, pat, why) }
	line := pat
	switch {
	case strings.TrimSpace(line) == "":
		return bad("empty")
	case line[0] == '#':
		return bad(`a leading "#" makes it a comment; write "\#" for a literal "#"`)
	}
	_, err := compileLine(line)
	if errors.Is(err, errEmptyPattern) {
		return bad("it matches nothing")
	}
	if err != nil {
		return bad(err.Error())
	}
	return nil
}

// add parses one line, as git's add_patterns_from_buffer and
// parse_path_pattern do, dropping the lines that cannot match.
func (m *Matcher) add(line string) {
	line = strings.TrimSuffix(line, "\r")
	if line == "" || line[0] == '#' {
		return
	}
	if p, err := compileLine(line); err == nil {
		m.patterns = append(m.patterns, p)
	}
}

var errEmptyPattern = errors.New("empty pattern")

// compileLine compiles one non-comment line.
func compileLine(line string) (pattern, error) {
	line = trimTrailingSpaces(line)
	var p pattern
	if line != "" && line[0] == '!' {
		p.negate = true
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") {
		p.dirOnly = true
		line = line[:len(line)-1]
	}
	if line == "" {
		return p, errEmptyPattern
	}
	p.anchored = strings.IndexByte(line, '/') >= 0
	if p.anchored {
		line = strings.TrimPrefix(line, "/")
	}
	segs, err := compileSegments(line)
	if err != nil {
		return p, err
	}
	if p.anchored {
		// A trailing "**" matches everything inside, but not the directory
		// itself: make it "**" followed by one more component.
		if segs[len(segs)-1].kind == segDoubleStar {
			segs = append(segs, segment{kind: segAny})
		}
	} else if len(segs) != 1 {
		return p, errEmptyPattern // cannot happen: no '/' means one segment
	} else if segs[0].kind == segDoubleStar {
		segs[0] = segment{kind: segAny}
	}
	p.segs = segs
	return p, nil
}

// trimTrailingSpaces removes trailing spaces unless escaped by a backslash,
// as git's trim_trailing_spaces does.
func trimTrailingSpaces(s string) string {
	lastSpace := -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ':
			if lastSpace < 0 {
				lastSpace = i
			}
		case '\\':
			i++
			if i == len(s) {
				return s
			}
			lastSpace = -1
		default:
			lastSpace = -1
		}
	}
	if lastSpace >= 0 {
		return s[:lastSpace]
	}
	return s
}

// pattern is one compiled line.
type pattern struct {
	negate   bool
	dirOnly  bool
	anchored bool      // matched against the whole relative path, else against the base name
	segs     []segment // one per slash-separated component of the pattern
}

func (p *pattern) match(path, base string, isDir bool) bool {
	if p.dirOnly && !isDir {
		return false
	}
	if !p.anchored {
		return p.segs[0].match(base)
	}
	return matchComponents(p.segs, path)
}

// matchComponents matches slash-separated path against segs, where a
// segDoubleStar segment matches any number of whole components and every
// other segment matches exactly one. Like the classic wildcard algorithm it
// only ever backtracks to the latest "**", which is enough because every
// other segment consumes exactly one component; it runs in
// O(len(segs) * components).
func matchComponents(segs []segment, path string) bool {
	n := len(path)
	si, pos := 0, 0 // next segment; offset of the next component (n+1 when all are consumed)
	starSi, starPos := -1, 0
	for pos <= n {
		if si < len(segs) {
			s := &segs[si]
			if s.kind == segDoubleStar {
				starSi, starPos = si, pos
				si++
				continue
			}
			end := componentEnd(path, pos)
			if s.match(path[pos:end]) {
				si++
				pos = end + 1
				continue
			}
		}
		if starSi < 0 {
			return false
		}
		// Let the latest "**" swallow one more component.
		starPos = componentEnd(path, starPos) + 1
		pos = starPos
		si = starSi + 1
	}
	for si < len(segs) && segs[si].kind == segDoubleStar {
		si++
	}
	return si == len(segs)
}

func componentEnd(path string, pos int) int {
	if i := strings.IndexByte(path[pos:], '/'); i >= 0 {
		return pos + i
	}
	return len(path)
}

type segKind uint8

const (
	segLiteral    segKind = iota // lit exactly
	segSuffix                    // "*" + lit
	segPrefix                    // lit + "*"
	segGlob                      // general: toks
	segAny                       // any one component
	segDoubleStar                // "**": any number of components
)

// segment is one slash-free piece of a pattern.
type segment struct {
	kind segKind
	lit  string
	toks []token
}

type tokKind uint8

const (
	tokByte  tokKind = iota // one literal byte
	tokAny                  // "?"
	tokStar                 // "*" (runs collapsed)
	tokClass                // "[...]"
)

type token struct {
	kind tokKind
	b    byte
	set  *byteSet
}

// byteSet is a set of bytes, one bit each.
type byteSet [4]uint64

func (s *byteSet) add(b byte)      { s[b>>6] |= 1 << (b & 63) }
func (s *byteSet) has(b byte) bool { return s[b>>6]&(1<<(b&63)) != 0 }
func (s *byteSet) addRange(lo, hi int) {
	for c := lo; c <= hi; c++ {
		s.add(byte(c))
	}
}

func (s *segment) match(name string) bool {
	switch s.kind {
	case segLiteral:
		return name == s.lit
	case segSuffix:
		return strings.HasSuffix(name, s.lit)
	case segPrefix:
		return strings.HasPrefix(name, s.lit)
	case segAny, segDoubleStar:
		return true
	}
	return matchTokens(s.toks, name)
}

// matchTokens is the classic greedy wildcard match with backtracking to the
// latest star; every non-star token consumes exactly one byte.
func matchTokens(toks []token, name string) bool {
	ti, ni := 0, 0
	starTi, starNi := -1, 0
	for ni < len(name) {
		if ti < len(toks) {
			t := &toks[ti]
			switch t.kind {
			case tokStar:
				starTi, starNi = ti, ni
				ti++
				continue
			case tokByte:
				if name[ni] == t.b {
					ti++
					ni++
					continue
				}
			case tokAny:
				ti++
				ni++
				continue
			case tokClass:
				if t.set.has(name[ni]) {
					ti++
					ni++
					continue
				}
			}
		}
		if starTi < 0 {
			return false
		}
		starNi++
		ni = starNi
		ti = starTi + 1
	}
	for ti < len(toks) && toks[ti].kind == tokStar {
		ti++
	}
	return ti == len(toks)
}

// compileSegments splits a pattern into its slash-separated segments and
// compiles each. It fails when the pattern can never match (a dangling
// backslash or a malformed class, on which git's wildmatch aborts).
func compileSegments(pat string) ([]segment, error) {
	var segs []segment
	var toks []token
	stars := 0     // length of the current run of unescaped stars
	onlyStars := 0 // stars in the segment when it holds nothing else, else -1
	flush := func(escapedSlash bool) {
		seg := makeSegment(toks, onlyStars)
		segs = append(segs, seg)
		if seg.kind == segDoubleStar && escapedSlash {
			// git's wildmatch lets "**/" match no directory, but not
			// "**\/": there "**" must match at least one.
			segs = append(segs, segment{kind: segAny})
		}
		toks, stars, onlyStars = nil, 0, 0
	}
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		if c != '*' {
			stars = 0
		}
		switch c {
		case '/':
			flush(false)
			continue
		case '\\':
			i++
			if i == len(pat) {
				return nil, errors.New(`it ends in an unescaped "\\"`)
			}
			if pat[i] == '/' {
				flush(true)
				continue
			}
			toks = append(toks, token{kind: tokByte, b: pat[i]})
		case '?':
			toks = append(toks, token{kind: tokAny})
		case '*':
			stars++
			if onlyStars >= 0 {
				onlyStars++
			}
			if stars == 1 {
				toks = append(toks, token{kind: tokStar})
			}
			continue
		case '[':
			set, end, ok := parseClass(pat, i)
			if !ok {
				return nil, errors.New(`an unclosed or malformed "[...]" class (write "\\[" for a literal "[")`)
			}
			toks = append(toks, token{kind: tokClass, set: set})
			i = end
		default:
			toks = append(toks, token{kind: tokByte, b: c})
		}
		onlyStars = -1
	}
	flush(false)
	return segs, nil
}

func makeSegment(toks []token, onlyStars int) segment {
	if onlyStars >= 2 {
		return segment{kind: segDoubleStar}
	}
	literal := func(ts []token) (string, bool) {
		b := make([]byte, 0, len(ts))
		for _, t := range ts {
			if t.kind != tokByte {
				return "", false
			}
			b = append(b, t.b)
		}
		return string(b), true
	}
	if lit, ok := literal(toks); ok {
		return segment{kind: segLiteral, lit: lit}
	}
	if len(toks) > 0 && toks[0].kind == tokStar {
		if lit, ok := literal(toks[1:]); ok {
			return segment{kind: segSuffix, lit: lit}
		}
	}
	if n := len(toks); n > 0 && toks[n-1].kind == tokStar {
		if lit, ok := literal(toks[:n-1]); ok {
			return segment{kind: segPrefix, lit: lit}
		}
	}
	return segment{kind: segGlob, toks: toks}
}

// parseClass parses the bracket expression starting at pat[start] == '['
// the way git's wildmatch does, returning the set of bytes it matches, the
// index of its closing ']', and false when it is malformed.
func parseClass(pat string, start int) (*byteSet, int, bool) {
	var set byteSet
	p := start + 1
	at := func(i int) int { // byte at i, or 0 past the end (C string)
		if i < len(pat) {
			return int(pat[i])
		}
		return 0
	}
	pc := at(p)
	if pc == '^' {
		pc = '!'
	}
	negated := pc == '!'
	if negated {
		p++
		pc = at(p)
	}
	prev := 0
	for {
		if pc == 0 {
			return nil, 0, false
		}
		switch {
		case pc == '\\':
			p++
			pc = at(p)
			if pc == 0 {
				return nil, 0, false
			}
			set.add(byte(pc))
		case pc == '-' && prev != 0 && at(p+1) != 0 && at(p+1) != ']':
			p++
			pc = at(p)
			if pc == '\\' {
				p++
				pc = at(p)
				if pc == 0 {
					return nil, 0, false
				}
			}
			set.addRange(prev, pc)
			pc = 0 // no range may start here
		case pc == '[' && at(p+1) == ':':
			s := p + 2
			q := s
			for at(q) != 0 && at(q) != ']' {
				q++
			}
			if at(q) == 0 {
				return nil, 0, false
			}
			if q-s-1 < 0 || pat[q-1] != ':' {
				// No ":]": an ordinary '['.
				set.add('[')
				break
			}
			if !addNamedClass(&set, pat[s:q-1]) {
				return nil, 0, false
			}
			p = q
			pc = 0
		default:
			set.add(byte(pc))
		}
		prev = pc
		p++
		pc = at(p)
		if pc == ']' {
			break
		}
	}
	if negated {
		for i := range set {
			set[i] = ^set[i]
		}
	}
	return &set, p, true
}

// addNamedClass adds a POSIX class ("alpha", ...) with git's ASCII-only
// definitions.
func addNamedClass(set *byteSet, name string) bool {
	var in func(c byte) bool
	switch name {
	case "alnum":
		in = func(c byte) bool { return isAlpha(c) || isDigit(c) }
	case "alpha":
		in = isAlpha
	case "blank":
		in = func(c byte) bool { return c == ' ' || c == '\t' }
	case "cntrl":
		in = func(c byte) bool { return c < 0x20 || c == 0x7f }
	case "digit":
		in = isDigit
	case "graph":
		in = func(c byte) bool { return c > 0x20 && c < 0x7f }
	case "lower":
		in = func(c byte) bool { return c >= 'a' && c <= 'z' }
	case "print":
		in = func(c byte) bool { return c >= 0x20 && c < 0x7f }
	case "punct":
		in = func(c byte) bool { return c > 0x20 && c < 0x7f && !isAlpha(c) && !isDigit(c) }
	case "space":
		in = func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' } // git's isspace
	case "upper":
		in = func(c byte) bool { return c >= 'A' && c <= 'Z' }
	case "xdigit":
		in = func(c byte) bool { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') }
	default:
		return false
	}
	for c := 0; c < 256; c++ {
		if in(byte(c)) {
			set.add(byte(c))
		}
	}
	return true
}

func isAlpha(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
