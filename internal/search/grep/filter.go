package grep

import (
	"fmt"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/walk"
)

// PathFilter returns a Filter accepting the paths that match any of the
// gitignore-style globs ("*.go", "net/http/**", "internal/**/*_test.go";
// a glob without a slash matches a name at any depth). A glob starting
// with "!" excludes what it matches, as in a .gitignore file.
func PathFilter(globs ...string) func(path string) bool {
	m := walk.NewMatcher(globs...)
	return func(path string) bool {
		return m.Match(path, false) == walk.Ignore // "ignored" here means selected
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
