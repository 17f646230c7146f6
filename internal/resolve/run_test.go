package resolve

import (
	"slices"
	"testing"
)

func TestMayName(t *testing.T) {
	names := map[string]bool{"Foo": true, "mod": true, "util": true, "f.h": true, "pkg": true}
	for _, c := range []struct {
		target string
		want   bool
	}{
		{"Foo", true},
		{"pkg.Foo", true},
		{"a::b::Foo", true},
		{"x.y.Foo()", true},
		{"./dir/util.js", true},
		{"./util", true},
		{"f.h", true},
		{"inc/f.h", true},
		{"mod.helper2", true}, // the module itself appeared or went
		{"pkg.mod", true},
		{"Bar", false},
		{"pkg.Bar", true}, // pkg may be a module that appeared
		{"other.Bar", false},
		{"Foobar", false},
	} {
		if got := mayName(c.target, names); got != c.want {
			t.Errorf("mayName(%q) = %v, want %v", c.target, got, c.want)
		}
	}
}

func TestNamesOfFile(t *testing.T) {
	if got, want := NamesOfFile("web/util.js"), []string{"util.js", "util", "web"}; !slices.Equal(got, want) {
		t.Errorf("%v, want %v", got, want)
	}
	if got, want := NamesOfFile("go.mod"), []string{"go.mod", "go"}; !slices.Equal(got, want) {
		t.Errorf("%v, want %v", got, want)
	}
}

func TestIsInput(t *testing.T) {
	for _, n := range []string{"go.mod", "go.work", "Cargo.toml", "package.json", "tsconfig.json", "tsconfig.base.json", "jsconfig.json"} {
		if !IsInput(n) {
			t.Errorf("%s is an input", n)
		}
	}
	for _, n := range []string{"main.go", "tsconfig.yaml", "go.sum", "package-lock.json"} {
		if IsInput(n) {
			t.Errorf("%s is not an input", n)
		}
	}
}
