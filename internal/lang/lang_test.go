package lang

import (
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	tests := []struct{ path, head, want string }{
		{"a.go", "", "go"},
		{"a/b.py", "", "python"},
		{"x.pyi", "", "python"},
		{"x.js", "", "javascript"},
		{"x.mjs", "", "javascript"},
		{"x.ts", "", "typescript"},
		{"x.tsx", "", "tsx"},
		{"x.rs", "", "rust"},
		{"X.java", "", "java"},
		{"x.c", "", "c"},
		{"x.h", "", headerGrammar},
		{"x.cc", "", "cpp"},
		{"x.hpp", "", "cpp"},
		{"Program.cs", "", "csharp"}, {"a/shop.rb", "", "ruby"}, {"Rakefile", "", "ruby"},
		{"src/Order.php", "", "php"}, {"bin/tool", "#!/usr/bin/env ruby\n", "ruby"},
		{"bin/tool", "#!/usr/bin/php\n", "php"},
		{"src/main/kotlin/Order.kt", "", "kotlin"}, {"build.gradle.kts", "", "kotlin"},
		{"Sources/Shop/Order.swift", "", "swift"}, {"script", "#!/usr/bin/env swift\n", "swift"},
		{"x.md", "#!/usr/bin/python", "markdown"},
		{"README", "", "text"}, {"notes.txt", "", "text"}, {"docs/a.rst", "", "text"},
		{"c.yaml", "", "yaml"}, {"c.YML", "", "yaml"}, {"a.json", "", "json"}, {"Cargo.toml", "", "toml"},
		{"Dockerfile", "", "dockerfile"}, {"Makefile", "", "make"}, {"q.sql", "", "sql"},
		{"i.html", "", "html"}, {"s.css", "", "css"}, {"run.sh", "", "shell"},
		{"logo.png", "", ""}, {"a.tar.gz", "", ""}, {"lib.so", "", ""}, {"x.PNG", "", ""},
		{"App.vue", "", "vue"}, {"Counter.svelte", "", "svelte"},
		{"x.GO", "", "go"}, {"x.d.ts", "", "typescript"}, {"SConstruct", "", "python"},
		{"script", "#!/usr/bin/python3\n", "python"},
		{"script", "#!/usr/bin/env python\n", "python"},
		{"script", "#!/usr/bin/env -S node --harmony\n", "javascript"},
		{"script", "#! /usr/local/bin/node", "javascript"},
		{"script", "#!/usr/bin/env FOO=1 deno run\n", "typescript"},
		{"script", "#!/bin/bash\n", "shell"},
		{"script", "#!/usr/bin/env sh\n", "shell"},
		{"script", "#!\n", "text"},
		{"script", "print(1)\n", "text"},
		{"script", "", "text"},
	}
	for _, tt := range tests {
		if got := Detect(tt.path, func() []byte { return []byte(tt.head) }); got != tt.want {
			t.Errorf("Detect(%q, %q) = %q, want %q", tt.path, tt.head, got, tt.want)
		}
	}
}

func FuzzDetect(f *testing.F) {
	for _, seed := range []string{"#!/usr/bin/env python3\n", "#!", "#!  \n", "#!/usr/bin/env -S -x\n", "package main"} {
		f.Add("script", seed)
	}
	f.Fuzz(func(t *testing.T, path, head string) {
		calls := 0
		lang := Detect(path, func() []byte { calls++; return []byte(head) })
		if calls > 1 {
			t.Errorf("head called %d times", calls)
		}
		if lang != "" && lang != "text" && calls == 1 && !strings.HasPrefix(head, "#!") {
			t.Errorf("Detect(%q, %q) = %q without a #! line", path, head, lang)
		}
	})
}

func TestRefine(t *testing.T) {
	if g := Refine(headerGrammar, []byte("#include <stdio.h>\nint f(void);\n")); g != "c" {
		t.Errorf("C header refined to %q", g)
	}
	if g := Refine(headerGrammar, []byte("#pragma once\nnamespace a {\nclass B {};\n}\n")); g != "cpp" {
		t.Errorf("C++ header refined to %q", g)
	}
	if g := Refine("go", nil); g != "go" {
		t.Errorf("Refine changed a settled grammar: %q", g)
	}
	if LanguageOf("tsx") != TypeScript || LanguageOf(headerGrammar) != C || LanguageOf("nope") != "" {
		t.Error("LanguageOf")
	}
}

func TestQueriesPresent(t *testing.T) {
	for _, g := range Grammars() {
		if !g.HasTree() {
			continue
		}
		if _, err := g.Query(); err != nil {
			t.Error(err)
		}
	}
}

// TestRegistry checks the one list of language folders: every language
// has a grammar whose query is present, every claimed extension, file
// name and interpreter names a registered grammar of that language.
func TestRegistry(t *testing.T) {
	for _, name := range Languages() {
		l, ok := ByName(name)
		if !ok || l.Name != name || len(l.Grammars) == 0 {
			t.Fatalf("language %q: not registered with a grammar", name)
		}
		own := map[string]bool{}
		for _, g := range l.Grammars {
			own[g.Name] = true
			gg, ok := GrammarByName(g.Name)
			if !ok || gg.Language != name {
				t.Errorf("grammar %s of %s not registered", g.Name, name)
				continue
			}
			if !gg.HasTree() {
				if _, err := gg.Query(); err == nil {
					t.Errorf("grammar %s: a query without a tree-sitter grammar", g.Name)
				}
				continue
			}
			if q, err := gg.Query(); err != nil || strings.TrimSpace(q) == "" {
				t.Errorf("grammar %s: no query (%v)", g.Name, err)
			}
		}
		for _, m := range []map[string]string{l.Extensions, l.FileNames, l.Interpreters} {
			for k, g := range m {
				if !own[g] {
					t.Errorf("%s: %q claims grammar %q, not one of its own", name, k, g)
				}
			}
		}
	}
	for _, want := range []string{CSharp, Ruby, PHP} {
		if !IsLanguage(want) {
			t.Errorf("%s is not a language", want)
		}
	}
}
