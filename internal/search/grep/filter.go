package grep

import (
	"fmt"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/walk"
)

// PathFilter returns the path filter every front door shares (search,
// node listings, streams): gitignore-style globs ("*.go", "net/http/**",
// "internal/**/*_test.go"; a glob without a slash matches a name at any
// depth, a glob naming a directory selects what is inside it). A glob
// starting with "!" excludes what it matches. The last glob that matches
// a path (or, failing that, its nearest parent directory) decides, as in a
// .gitignore file, except that an excluded directory excludes everything
// inside it. With only exclude globs the filter selects every path
// but those they match: PathFilter("!**/*_test.go") selects the non-test
// files. No glob selects everything (the filter is nil).
func PathFilter(globs ...string) func(path string) bool {
	var kept []string
	include := false
	for _, g := range globs {
		if g = strings.TrimSpace(g); g == "" {
			continue
		}
		kept = append(kept, g)
		if !strings.HasPrefix(g, "!") {
			include = true
		}
	}
	if len(kept) == 0 {
		return nil
	}
	if !include {
		kept = append([]string{"*"}, kept...) // everything, then the exclusions
	}
	m := walk.NewMatcher(kept...)
	return func(path string) bool {
		// An excluded directory excludes what is inside it; otherwise the
		// path's own verdict decides, else its nearest parent's.
		parent := walk.NoMatch
		for i := 0; i < len(path); i++ {
			if path[i] != '/' {
				continue
			}
			switch m.Match(path[:i], true) {
			case walk.Keep:
				return false
			case walk.Ignore:
				parent = walk.Ignore
			}
		}
		v := m.Match(path, false)
		if v == walk.NoMatch {
			v = parent
		}
		return v == walk.Ignore // "ignored" here means selected
	}
}

// LangFilter returns a Filter accepting files of the given languages (as
// named by internal/lang: go, python, javascript, typescript, rust, java,
// c, cpp), detected from the path alone.
func LangFilter(langs ...string) (func(path string) bool, error) {
	want := map[string]bool{}
	for _, l := range langs {
		l = strings.ToLower(strings.TrimSpace(l))
		if !lang.IsLanguage(l) {
			return nil, fmt.Errorf("grep: unknown language %q (known: %s)", l, strings.Join(lang.Languages(), ", "))
		}
		want[l] = true
	}
	return func(path string) bool {
		g := lang.Detect(path, nil)
		return g != "" && want[lang.LanguageOf(g)]
	}, nil
}

// And returns a Filter accepting what every non-nil filter accepts.
func And(filters ...func(path string) bool) func(path string) bool {
	var fs []func(string) bool
	for _, f := range filters {
		if f != nil {
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 {
		return nil
	}
	return func(path string) bool {
		for _, f := range fs {
			if !f(path) {
				return false
			}
		}
		return true
	}
}
