package resolve

import (
	"encoding/json"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/lang"
)

func TestParseDecl(t *testing.T) {
	for _, c := range []struct {
		language, text, name string
		want                 varBinding
	}{
		{lang.Python, "user = User(name)", "user", varBinding{call: "User"}},
		{lang.Python, "s: Session = make()", "s", varBinding{typ: "Session"}},
		{lang.Python, "r = repo.Repo()", "r", varBinding{call: "repo.Repo"}},
		{lang.Python, "x = f(a).g()", "x", varBinding{}},
		{lang.Python, "self.cache = repomod.Repo()", "cache", varBinding{call: "repomod.Repo"}},
		{lang.TypeScript, "f = new Formatter<T>(1)", "f", varBinding{call: "new Formatter"}},
		{lang.TypeScript, "w: Wallet | undefined = get()", "w", varBinding{typ: "Wallet | undefined"}},
		{lang.TypeScript, "cmp = (a, b) => a == b", "cmp", varBinding{}},
		{lang.Java, "Foo x = new Foo();", "x", varBinding{typ: "Foo"}},
		{lang.Java, "final Map<String, List<Foo>> m = new HashMap<>();", "m", varBinding{typ: "Map<String, List<Foo>>"}},
		{lang.Java, "var q = new Circle();", "q", varBinding{call: "new Circle"}},
		{lang.Java, "int a, b;", "", varBinding{}},
		{lang.Rust, "let d = Circle::new(2.0);", "d", varBinding{call: "Circle::new"}},
		{lang.Rust, "let mut e: Circle = x;", "e", varBinding{typ: "Circle"}},
		{lang.Rust, "let f = File::open(p)?;", "f", varBinding{call: "File::open"}},
		{lang.Rust, "let s = Store { items: vec![] };", "s", varBinding{call: "Store{}"}},
	} {
		name, b := parseDecl(c.language, c.text)
		if name != c.name || b != c.want {
			t.Errorf("parseDecl(%s, %q) = %q, %+v; want %q, %+v", c.language, c.text, name, b, c.name, c.want)
		}
	}
}

func TestParams(t *testing.T) {
	for _, c := range []struct {
		language, sig, name string
		want                map[string]string
	}{
		{lang.Python, "@dec(x=1) def get(self, s: Session, *, n: int = 3, **kw) -> Repo", "get", map[string]string{"s": "Session", "n": "int"}},
		{lang.TypeScript, "constructor(private readonly http: HttpClient, base?: string)", "constructor", map[string]string{"http": "HttpClient", "base": "string"}},
		{lang.TypeScript, "checkout(cb: (a: A, b: B) => void, w: Wallet): string", "checkout", map[string]string{"cb": "(a: A, b: B) => void", "w": "Wallet"}},
		{lang.Java, "@Override public Receipt place(final Order order, Map<K, V> m, int... xs)", "place", map[string]string{"order": "Order", "m": "Map<K, V>", "xs": "int..."}},
		{lang.Rust, "pub fn put<V: Serialize>(&mut self, key: &str, w: &mut Widget) -> Result<()>", "put", map[string]string{"key": "&str", "w": "&mut Widget"}},
	} {
		got := map[string]string{}
		for _, p := range splitTop(paramList(c.sig, c.name), ',') {
			if n, typ := parseParam(c.language, p); n != "" {
				got[n] = typ
			}
		}
		if len(got) != len(c.want) {
			t.Errorf("%q: got %v, want %v", c.sig, got, c.want)
			continue
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%q: param %s = %q, want %q", c.sig, k, got[k], v)
			}
		}
	}
}

func TestTypeName(t *testing.T) {
	for _, c := range []struct{ language, in, want string }{
		{lang.Rust, "&'a mut Widget", "Widget"},
		{lang.Rust, "Arc<Mutex<Stats>>", "Mutex"},
		{lang.Rust, "&dyn Shape", "Shape"},
		{lang.Rust, "crate::store::Store", "crate.store.Store"},
		{lang.Python, "Optional[Repo]", "Repo"},
		{lang.Python, "Repo | None", "Repo"},
		{lang.Python, `"Session"`, "Session"},
		{lang.Python, "list[Foo]", "list"},
		{lang.TypeScript, "Wallet | undefined", "Wallet"},
		{lang.TypeScript, "A | B", ""},
		{lang.Java, "Foo[]", ""},
		{lang.Java, "List<Foo>", "List"},
	} {
		if got := typeName(c.language, c.in); got != c.want {
			t.Errorf("typeName(%s, %q) = %q, want %q", c.language, c.in, got, c.want)
		}
	}
}

func TestTSConfigMatch(t *testing.T) {
	c := &tsConfig{baseURL: "web", pathsDir: "web/cfg", paths: []tsPath{
		{prefix: "@/", wildcard: true, targets: []string{"src/*"}},
		{prefix: "@/components/", wildcard: true, targets: []string{"ui/*", "legacy/*"}},
		{prefix: "config", targets: []string{"src/config/index.ts"}},
	}}
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"@/util/x", []string{"web/src/util/x"}},
		{"@/components/Button", []string{"web/ui/Button", "web/legacy/Button"}}, // the longest prefix wins
		{"config", []string{"web/src/config/index.ts"}},
		{"react", nil},
	} {
		got, ok := c.match(tc.in)
		if ok != (tc.want != nil) || len(got) != len(tc.want) {
			t.Errorf("match(%q) = %v, %v; want %v", tc.in, got, ok, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("match(%q) = %v, want %v", tc.in, got, tc.want)
			}
		}
	}
	c.baseURL = "" // without baseUrl, targets are relative to the declaring config
	if got, _ := c.match("@/a"); len(got) != 1 || got[0] != "web/cfg/src/a" {
		t.Errorf("without baseUrl: %v", got)
	}
}

func TestStripJSONC(t *testing.T) {
	in := `{
  // comment with "quotes"
  "a": "http://x/*y*/", /* block
  comment */ "b": [1, 2,],
  "c": {"d": "\"//\"",},
}`
	var v map[string]any
	if err := json.Unmarshal(stripJSONC([]byte(in)), &v); err != nil {
		t.Fatalf("%v: %s", err, stripJSONC([]byte(in)))
	}
	if v["a"] != "http://x/*y*/" || len(v["b"].([]any)) != 2 || v["c"].(map[string]any)["d"] != `"//"` {
		t.Errorf("got %v", v)
	}
}

// FuzzStripJSONC checks that stripping never panics and keeps valid JSON
// valid (tsconfig files are untrusted input).
func FuzzStripJSONC(f *testing.F) {
	f.Add([]byte(`{"a": [1, 2,], // x
}`))
	f.Add([]byte(`{"s": "/* not a comment */"}`))
	f.Add([]byte(`"\`))
	f.Fuzz(func(t *testing.T, b []byte) {
		out := stripJSONC(b)
		if json.Valid(b) && !json.Valid(out) {
			var v any
			if json.Unmarshal(b, &v) == nil {
				t.Fatalf("valid JSON %q became invalid %q", b, out)
			}
		}
	})
}

func BenchmarkCallerVars(b *testing.B) {
	sig := "@override public Receipt place(final Order order, Map<K, V> m, Widget w)"
	locals := "Foo x = new Foo();\x00var q = new Circle();\x00final Map<String, List<Foo>> m2 = new HashMap<>();"
	for b.Loop() {
		for _, p := range splitTop(paramList(sig, "place"), ',') {
			parseParam(lang.Java, p)
		}
		for _, l := range []string{locals} {
			parseDecl(lang.Java, l)
		}
	}
}

// FuzzDeclText feeds arbitrary signature and declaration text (source
// files are untrusted) to the text readers of typed receivers: they must
// never panic, whatever the language.
func FuzzDeclText(f *testing.F) {
	f.Add("def get(self, s: Session) -> Repo", "get", "x = Foo(1)")
	f.Add("pub fn put<V: S>(&mut self, w: &Widget) -> Result<Self>", "put", "let mut d = Circle::new(2.0)?;")
	f.Add("public <T> List<T> run(final Map<K, V> m)", "run", "var q = new Circle<>();")
	f.Add("constructor(private readonly http: HttpClient", "constructor", "w: Wallet | undefined = get(")
	f.Fuzz(func(t *testing.T, sig, name, decl string) {
		for _, language := range []string{lang.Python, lang.JavaScript, lang.TypeScript, lang.Java, lang.Rust} {
			for _, p := range splitTop(paramList(sig, name), ',') {
				_, typ := parseParam(language, p)
				typeName(language, typ)
			}
			_, b := parseDecl(language, decl)
			typeName(language, b.typ)
			initCallee(language, decl)
			afterParams(sig, name)
		}
	})
}
