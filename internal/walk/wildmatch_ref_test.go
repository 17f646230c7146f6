package walk

import "strings"

// This file holds a reference implementation of git's ignore rules, ported
// line by line from git's wildmatch.c and dir.c (match_basename,
// match_pathname), for the fuzz test to compare Matcher against. It is slow
// and only for tests.

const (
	wmMatch           = 0
	wmNoMatch         = 1
	wmAbortAll        = -1
	wmAbortToStarStar = -2
)

// refWildmatch is git's wildmatch(pattern, text, pathname ? WM_PATHNAME : 0).
// Neither string may hold a NUL byte.
func refWildmatch(pattern, text string, pathname bool) bool {
	w := &refWild{p: []byte(pattern + "\x00"), t: []byte(text + "\x00"), pathname: pathname, memo: map[[2]int]int{}}
	return w.dowild(0, 0) == wmMatch
}

// refWild is one call of git's wildmatch. Its dowild is git's dowild,
// memoized: a result depends only on (pi, ti), and without the memo
// patterns such as "*a*a**a*a*a*a*a*a*0" take exponential time in git's
// algorithm too (its aborts bound the backtracking of "*" but not of a
// "**" in a pattern matched without WM_PATHNAME), which hangs the fuzzer.
type refWild struct {
	p, t     []byte
	pathname bool
	memo     map[[2]int]int
}

func (w *refWild) dowild(pi, ti int) int {
	k := [2]int{pi, ti}
	if r, ok := w.memo[k]; ok {
		return r
	}
	r := refDowild(w, w.p, pi, w.t, ti, w.pathname)
	w.memo[k] = r
	return r
}

func refDowild(w *refWild, p []byte, pi int, t []byte, ti int, pathname bool) int {
	pattern := pi
	for ; p[pi] != 0; ti, pi = ti+1, pi+1 {
		pc := p[pi]
		tc := t[ti]
		if tc == 0 && pc != '*' {
			return wmAbortAll
		}
		switch pc {
		case '\\':
			pi++
			if tc != p[pi] {
				return wmNoMatch
			}
			continue
		default:
			if tc != pc {
				return wmNoMatch
			}
			continue
		case '?':
			if pathname && tc == '/' {
				return wmNoMatch
			}
			continue
		case '*':
			var matchSlash bool
			pi++
			if p[pi] == '*' {
				prev := pi - 2
				for {
					pi++
					if p[pi] != '*' {
						break
					}
				}
				if !pathname {
					matchSlash = true
				} else if (prev < pattern || p[prev] == '/') &&
					(p[pi] == 0 || p[pi] == '/' || (p[pi] == '\\' && p[pi+1] == '/')) {
					if p[pi] == '/' && w.dowild(pi+1, ti) == wmMatch {
						return wmMatch
					}
					matchSlash = true
				}
			} else {
				matchSlash = !pathname
			}
			if p[pi] == 0 {
				if !matchSlash && strings.IndexByte(string(t[ti:len(t)-1]), '/') >= 0 {
					return wmNoMatch
				}
				return wmMatch
			} else if !matchSlash && p[pi] == '/' {
				j := strings.IndexByte(string(t[ti:len(t)-1]), '/')
				if j < 0 {
					return wmNoMatch
				}
				ti += j
				continue // the loop steps over both slashes
			}
			for tc != 0 {
				if !strings.ContainsRune("*?[\\", rune(p[pi])) {
					pc = p[pi]
					for {
						tc = t[ti]
						if tc == 0 || (!matchSlash && tc == '/') || tc == pc {
							break
						}
						ti++
					}
					if tc != pc {
						return wmNoMatch
					}
				}
				if m := w.dowild(pi, ti); m != wmNoMatch {
					if !matchSlash || m != wmAbortToStarStar {
						return m
					}
				} else if !matchSlash && tc == '/' {
					return wmAbortToStarStar
				}
				ti++
				tc = t[ti]
			}
			return wmAbortAll
		case '[':
			pi++
			pc = p[pi]
			if pc == '^' {
				pc = '!'
			}
			negated := pc == '!'
			if negated {
				pi++
				pc = p[pi]
			}
			var prevCh byte
			matched := false
			for {
				if pc == 0 {
					return wmAbortAll
				}
				switch {
				case pc == '\\':
					pi++
					pc = p[pi]
					if pc == 0 {
						return wmAbortAll
					}
					if tc == pc {
						matched = true
					}
				case pc == '-' && prevCh != 0 && p[pi+1] != 0 && p[pi+1] != ']':
					pi++
					pc = p[pi]
					if pc == '\\' {
						pi++
						pc = p[pi]
						if pc == 0 {
							return wmAbortAll
						}
					}
					if tc <= pc && tc >= prevCh {
						matched = true
					}
					pc = 0
				case pc == '[' && p[pi+1] == ':':
					pi += 2
					s := pi
					for p[pi] != 0 && p[pi] != ']' {
						pi++
					}
					pc = p[pi]
					if pc == 0 {
						return wmAbortAll
					}
					i := pi - s - 1
					if i < 0 || p[pi-1] != ':' {
						pi = s - 2
						pc = '['
						if tc == pc {
							matched = true
						}
						break
					}
					in, ok := refClass(string(p[s:s+i]), tc)
					if !ok {
						return wmAbortAll
					}
					if in {
						matched = true
					}
					pc = 0
				default:
					if tc == pc {
						matched = true
					}
				}
				prevCh = pc
				pi++
				pc = p[pi]
				if pc == ']' {
					break
				}
			}
			if matched == negated || (pathname && tc == '/') {
				return wmNoMatch
			}
			continue
		}
	}
	if t[ti] != 0 {
		return wmNoMatch
	}
	return wmMatch
}

// refClass is git's ctype for [:name:], independent of addNamedClass.
func refClass(name string, c byte) (in, ok bool) {
	alpha := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
	digit := '0' <= c && c <= '9'
	switch name {
	case "alnum":
		return alpha || digit, true
	case "alpha":
		return alpha, true
	case "blank":
		return c == ' ' || c == '\t', true
	case "cntrl":
		return c < 32 || c == 127, true
	case "digit":
		return digit, true
	case "graph":
		return 33 <= c && c <= 126, true
	case "lower":
		return 'a' <= c && c <= 'z', true
	case "print":
		return 32 <= c && c <= 126, true
	case "punct":
		return 33 <= c && c <= 126 && !alpha && !digit, true
	case "space":
		return strings.IndexByte(" \t\n\r", c) >= 0, true
	case "upper":
		return 'A' <= c && c <= 'Z', true
	case "xdigit":
		return digit || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F', true
	}
	return false, false
}

// refMatch is git's last_matching_pattern_from_list for the lines of one
// ignore file, answering as Matcher.Match does.
func refMatch(content, path string, isDir bool) Verdict {
	content = strings.TrimPrefix(content, "\xef\xbb\xbf")
	lines := strings.Split(content, "\n")
	base := path[strings.LastIndexByte(path, '/')+1:]
	for i := len(lines) - 1; i >= 0; i-- {
		line := lines[i]
		if line == "" || line[0] == '#' {
			continue
		}
		line = strings.TrimSuffix(line, "\r")
		line = refTrimTrailingSpaces(line)
		negative := strings.HasPrefix(line, "!")
		if negative {
			line = line[1:]
		}
		mustBeDir := strings.HasSuffix(line, "/")
		if mustBeDir {
			line = line[:len(line)-1]
		}
		if line == "" || (mustBeDir && !isDir) {
			continue
		}
		var matched bool
		if !strings.Contains(line, "/") {
			matched = refWildmatch(line, base, false)
		} else {
			matched = refWildmatch(strings.TrimPrefix(line, "/"), path, true)
		}
		if matched {
			if negative {
				return Keep
			}
			return Ignore
		}
	}
	return NoMatch
}

// refTrimTrailingSpaces is git's trim_trailing_spaces.
func refTrimTrailingSpaces(s string) string {
	b := []byte(s)
	last := -1
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case ' ':
			if last < 0 {
				last = i
			}
		case '\\':
			i++
			if i >= len(b) {
				return s
			}
			last = -1
		default:
			last = -1
		}
	}
	if last >= 0 {
		return s[:last]
	}
	return s
}
