package resolve

import (
	"strings"
	"testing"
)

func TestDeclType(t *testing.T) {
	tests := []struct {
		text, name, typ, init string
		ok                    bool
	}{
		{"Widget w;", "w", "Widget", "", true},
		{"Widget w(1, 2);", "w", "Widget", "", true},
		{"Widget *a, b{3};", "b", "Widget", "", true},
		{"Widget *a, *b = nullptr;", "b", "Widget *", "nullptr", true},
		{"auto p = std::make_unique<gfx::Circle>(2.0);", "p", "auto", "std::make_unique<gfx::Circle>(2.0)", true},
		{"const std::map<int, Foo> &m = get();", "m", "const std::map<int, Foo> &", "get()", true},
		{"Env* const env_;", "env_", "Env* const", "", true},
		{"char buf[64];", "buf", "char", "", true},
		{"for (auto *s : shapes_) s->draw();", "s", "auto", "@elem shapes_", true},
		{"for (const Item &it : items) use(it);", "it", "const Item &", "", true},
		{"Widget w;", "x", "", "", false},
		{"", "x", "", "", false},
	}
	for _, tc := range tests {
		typ, init, ok := declType(tc.text, tc.name)
		if typ != tc.typ || init != tc.init || ok != tc.ok {
			t.Errorf("declType(%q, %q) = %q, %q, %v; want %q, %q, %v", tc.text, tc.name, typ, init, ok, tc.typ, tc.init, tc.ok)
		}
	}
}

func TestParamType(t *testing.T) {
	sig := "void Canvas<T>::add(const gfx::Shape &s, int layer = default_layer(), std::vector<int> v)"
	for _, tc := range []struct{ param, want string }{
		{"s", "const gfx::Shape &"}, {"layer", "int"}, {"v", "std::vector<int>"}, {"nope", ""},
	} {
		if got, _ := paramType(sig, "add", tc.param); got != tc.want {
			t.Errorf("paramType(%q) = %q, want %q", tc.param, got, tc.want)
		}
	}
}

func TestSplitMember(t *testing.T) {
	for _, tc := range []struct{ in, segs, seps string }{
		{"a.b", "a|b", "."},
		{"this->w_.draw", "this|w_|draw", "->|."},
		{"r.end()->flush", "r|end()|flush", ".|->"},
		{"get<Foo>().run", "get<Foo>()|run", "."},
	} {
		segs, seps := splitMember(tc.in)
		if strings.Join(segs, "|") != tc.segs || strings.Join(seps, "|") != tc.seps {
			t.Errorf("splitMember(%q) = %q %q, want %q %q", tc.in, segs, seps, tc.segs, tc.seps)
		}
	}
}

func TestCppTypeText(t *testing.T) {
	for in, want := range map[string]string{
		"Env* const":                  "Env",
		"const std::vector<Foo *> &":  "std::vector<Foo>",
		"struct hm_entry *":           "hm_entry",
		"std::unique_ptr< gfx::W > &": "std::unique_ptr<gfx::W>",
	} {
		if got := cppTypeText(in); got != want {
			t.Errorf("cppTypeText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := templateArg("std::map<std::string, Foo>"); got != "std::string" {
		t.Errorf("templateArg = %q", got)
	}
	if got := aliasTarget("using List = std::vector<T *>;", "List"); got != "std::vector<T *>" {
		t.Errorf("aliasTarget using = %q", got)
	}
	if got := aliasTarget("typedef std::map<int, Foo> KVMap;", "KVMap"); got != "std::map<int, Foo>" {
		t.Errorf("aliasTarget typedef = %q", got)
	}
}

// FuzzCppText feeds declaration and call texts from the index (untrusted
// source) to the C++ text readers: they must not panic.
func FuzzCppText(f *testing.F) {
	for _, s := range []string{"Widget w(1);", "for (auto &x : v) f(x);", "a->b().c", "auto p = new T{1, 2};", "x<(", "))((", "for (", "std::map<int, X>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		declType(s, "x")
		paramType(s, "f", "x")
		splitMember(s)
		cppTypeText(s)
		templateArg(s)
		aliasTarget(s, "X")
		cppName(s)
		cleanCallText(s)
	})
}
