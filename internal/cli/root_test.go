package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

// TestCommandTable checks the table of subcommands against the commands
// built: each entry's name is its command's, and building only one (what
// Main does when the first argument names it) gives the same command, with
// the same flags and help, as building all.
func TestCommandTable(t *testing.T) {
	e := &env{stdout: io.Discard, stderr: io.Discard}
	all := newRoot(e, "")
	built := map[string]bool{}
	for _, c := range all.Commands() {
		built[c.Name()] = true
	}
	for _, c := range commands {
		if !built[c.name] {
			t.Errorf("commands: %q is no subcommand's name", c.name)
		}
		delete(built, c.name)
		if got := commandNamed([]string{c.name, "x"}); got != c.name {
			t.Errorf("commandNamed(%q) = %q", c.name, got)
		}
		one := newRoot(e, c.name)
		if n := len(one.Commands()); n != 1 || one.Commands()[0].Name() != c.name {
			t.Errorf("newRoot(%q): %d commands", c.name, n)
			continue
		}
		full, _, _ := all.Find([]string{c.name})
		if a, b := full.UsageString(), one.Commands()[0].UsageString(); a != b {
			t.Errorf("%s: usage differs when built alone:\n%s\n---\n%s", c.name, a, b)
		}
	}
	if len(built) > 0 {
		t.Errorf("subcommands missing from the table: %v", built)
	}
	for _, args := range [][]string{nil, {}, {"help"}, {"--help"}, {"completion", "bash"}, {"__complete", "d"}, {"deff"}, {"-v"}} {
		if got := commandNamed(args); got != "" {
			t.Errorf("commandNamed(%q) = %q, want all commands", args, got)
		}
	}
}

// TestMainBuildsAllForHelp checks that what lists the commands (help, a
// mistyped command's suggestion) still sees all of them.
func TestMainBuildsAllForHelp(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"help"}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("help: exit %d: %s", code, errb.String())
	}
	for _, c := range commands {
		if !strings.Contains(out.String(), "\n  "+c.name+" ") {
			t.Errorf("help does not list %s", c.name)
		}
	}
	out.Reset()
	errb.Reset()
	if code := Main(context.Background(), []string{"calers"}, strings.NewReader(""), &out, &errb); code == 0 || !strings.Contains(errb.String(), "callers") {
		t.Errorf("a mistyped command: exit %d, stderr %q; want a suggestion of callers", code, errb.String())
	}
}

// BenchmarkNewRoot measures building the command tree, which every
// process pays before its command runs: all of it, and what a query
// command builds.
func BenchmarkNewRoot(b *testing.B) {
	e := &env{stdout: io.Discard, stderr: io.Discard}
	for _, only := range []string{"", "def"} {
		name := "all"
		if only != "" {
			name = only
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				newRoot(e, only)
			}
		})
	}
}
