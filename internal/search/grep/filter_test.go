package grep

import "testing"

// TestPathFilterSemantics pins the one path-filter semantics every front
// door shares: include globs select, "!" globs exclude, exclude-only
// globs select everything but what they match, a directory selects its
// contents, and the last matching glob decides.
func TestPathFilterSemantics(t *testing.T) {
	paths := []string{"main.go", "main_test.go", "internal/a/a.go", "internal/a/a_test.go", "web/cart.ts"}
	for _, tc := range []struct {
		globs []string
		want  []string
	}{
		{[]string{"!**/*_test.go"}, []string{"main.go", "internal/a/a.go", "web/cart.ts"}},
		{[]string{"!*_test.go", "!web/"}, []string{"main.go", "internal/a/a.go"}},
		{[]string{"internal/**"}, []string{"internal/a/a.go", "internal/a/a_test.go"}},
		{[]string{"internal/"}, []string{"internal/a/a.go", "internal/a/a_test.go"}},
		{[]string{"internal/**", "!**/*_test.go"}, []string{"internal/a/a.go"}},
		{[]string{"*.go", "!*_test.go", "main_test.go"}, []string{"main.go", "main_test.go", "internal/a/a.go"}},
	} {
		f := PathFilter(tc.globs...)
		var got []string
		for _, p := range paths {
			if f(p) {
				got = append(got, p)
			}
		}
		if len(got) != len(tc.want) {
			t.Errorf("%q: got %q, want %q", tc.globs, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%q: got %q, want %q", tc.globs, got, tc.want)
				break
			}
		}
	}
	if PathFilter() != nil || PathFilter(" ") != nil {
		t.Error("no glob must mean no filter")
	}
}
