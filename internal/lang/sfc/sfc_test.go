package sfc

import (
	"bytes"
	"strings"
	"testing"
)

func TestScriptsAndBlank(t *testing.T) {
	src := "<template>\n  <div>é<MyButton/></div>\n</template>\n<!-- <script>bad()</script> -->\n" +
		"<script setup lang=\"ts\">\nimport MyButton from './MyButton.vue'\n</script>\n" +
		"<SCRIPT>\nexport default {}\n</SCRIPT>\n<script src=\"./x.js\"></script>\n<style>a{}</style>\n"
	blocks := Scripts([]byte(src))
	if len(blocks) != 2 {
		t.Fatalf("blocks: %+v", blocks)
	}
	if got := src[blocks[0].Start:blocks[0].End]; got != "\nimport MyButton from './MyButton.vue'\n" || blocks[0].Lang != "ts" {
		t.Errorf("first block %q lang %q", got, blocks[0].Lang)
	}
	if got := src[blocks[1].Start:blocks[1].End]; got != "\nexport default {}\n" {
		t.Errorf("second block %q", got)
	}
	if g := Grammar(blocks); g != "typescript" {
		t.Errorf("grammar %q", g)
	}
	code := Blank([]byte(src), blocks)
	if len(code) != len(src) || bytes.Count(code, []byte("\n")) != strings.Count(src, "\n") {
		t.Fatalf("blanked source changed length or lines")
	}
	if i := bytes.Index(code, []byte("import MyButton")); i != strings.Index(src, "import MyButton") {
		t.Errorf("code moved: %d", i)
	}
	if bytes.Contains(code, []byte("bad()")) || bytes.Contains(code, []byte("template")) {
		t.Errorf("outside of the scripts kept: %q", code)
	}
	if tags := Tags([]byte(src), blocks); strings.Join(tags, ",") != "MyButton" {
		t.Errorf("tags %v", tags)
	}
}

func TestGrammar(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"<script>let a</script>", "javascript"},
		{"<script lang='tsx'>let a</script>", "tsx"},
		{"<script context=\"module\" lang=typescript>let a</script>", "typescript"},
		{"<div>no script</div>", "javascript"},
	} {
		if g := Grammar(Scripts([]byte(tt.src))); g != tt.want {
			t.Errorf("%s: %q, want %q", tt.src, g, tt.want)
		}
	}
}

func TestUnclosed(t *testing.T) {
	src := "<script>\nlet a = 1\n"
	b := Scripts([]byte(src))
	if len(b) != 1 || b[0].End != len(src) {
		t.Errorf("%+v", b)
	}
	if len(Scripts([]byte("<script"))) != 0 || len(Scripts([]byte("<scriptx>a</scriptx>"))) != 0 {
		t.Error("not a script tag")
	}
}

func TestName(t *testing.T) {
	for in, want := range map[string]string{
		"src/MyButton.vue": "MyButton", "a/my-button.vue": "MyButton", "x/counter.svelte": "Counter",
		"user_card.vue": "UserCard", ".vue": "Component",
	} {
		if got := Name(in); got != want {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzHost(f *testing.F) {
	f.Add("<script lang=\"ts\">let a</script><template><A/></template>")
	f.Add("<!-- <script> --><script>x</script")
	f.Fuzz(func(t *testing.T, src string) {
		blocks := Scripts([]byte(src))
		for _, b := range blocks {
			if b.Start > b.End || b.End > len(src) {
				t.Fatalf("bad block %+v", b)
			}
		}
		g, code := Host([]byte(src))
		if len(code) != len(src) || g == "" {
			t.Fatalf("host %q: %d bytes of %d", g, len(code), len(src))
		}
		Tags([]byte(src), blocks)
	})
}
