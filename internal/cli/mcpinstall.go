package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/spf13/cobra"
)

// mcpClient describes where one MCP client keeps its server configuration
// and what an entry for codegraph looks like there (from each client's
// documentation, December 2026).
type mcpClient struct {
	name string
	// file returns the configuration file for the repository at root.
	file func(root string) (string, error)
	// serversKey is the JSON object mapping server names to entries
	// ("" for Codex's TOML).
	serversKey string
	// entry is the server's configuration (command is filled in).
	entry func(command string) *jsonObject
	// project is true for a file inside the repository (committed and
	// shared with the team).
	project bool
	// next says how the client picks the change up.
	next string
}

var mcpClients = []mcpClient{
	{
		// Claude Code: project scope, .mcp.json at the repository root; it
		// starts project servers in the project directory.
		name:       "claude-code",
		file:       func(root string) (string, error) { return filepath.Join(root, ".mcp.json"), nil },
		serversKey: "mcpServers",
		entry: func(c string) *jsonObject {
			return newJSONObject("type", "stdio", "command", c, "args", []any{"mcp"})
		},
		project: true,
		next:    "start claude in the repository and approve the project server (/mcp lists it)",
	},
	{
		// Cursor: .cursor/mcp.json, mcpServers; ${workspaceFolder} is
		// interpolated, so the server serves the opened folder.
		name:       "cursor",
		file:       func(root string) (string, error) { return filepath.Join(root, ".cursor", "mcp.json"), nil },
		serversKey: "mcpServers",
		entry: func(c string) *jsonObject {
			return newJSONObject("command", c, "args", []any{"mcp", "--db", "${workspaceFolder}/.codegraph"})
		},
		project: true,
		next:    "reload Cursor; Settings > MCP lists the server",
	},
	{
		// VS Code: .vscode/mcp.json with a top-level "servers" object.
		name:       "vscode",
		file:       func(root string) (string, error) { return filepath.Join(root, ".vscode", "mcp.json"), nil },
		serversKey: "servers",
		entry: func(c string) *jsonObject {
			return newJSONObject("type", "stdio", "command", c, "args", []any{"mcp", "--db", "${workspaceFolder}/.codegraph"})
		},
		project: true,
		next:    "in VS Code run \"MCP: List Servers\" and start codegraph",
	},
	{
		// Codex: one file for the user, $CODEX_HOME/config.toml (default
		// ~/.codex/config.toml), [mcp_servers.NAME]. Codex starts servers
		// in the directory it runs in, so one entry serves every repository.
		name: "codex",
		file: func(string) (string, error) {
			if h := os.Getenv("CODEX_HOME"); h != "" {
				return filepath.Join(h, "config.toml"), nil
			}
			home, err := os.UserHomeDir()
			if err != nil {
				return "", err
			}
			return filepath.Join(home, ".codex", "config.toml"), nil
		},
		next: "start codex in the repository (/mcp lists the server); it serves the repository codex runs in",
	},
}

func clientNames() []string {
	var n []string
	for _, c := range mcpClients {
		n = append(n, c.name)
	}
	return n
}

func newMCPInstallCmd(e *env) *cobra.Command {
	var (
		client, name, command string
		dryRun                bool
	)
	cmd := &cobra.Command{
		Use:   "install --client claude-code|cursor|vscode|codex",
		Short: "Configure an MCP client (Claude Code, Cursor, VS Code, Codex) to use codegraph",
		Long: `Install adds codegraph to an MCP client's configuration, merging with what is
there: other servers and keys are kept, and an existing codegraph entry is
updated in place (its other keys, such as env, are kept).

  claude-code  .mcp.json at the repository root (mcpServers)
  cursor       .cursor/mcp.json in the repository (mcpServers)
  vscode       .vscode/mcp.json in the repository (servers)
  codex        ~/.codex/config.toml, or $CODEX_HOME/config.toml ([mcp_servers.codegraph])

The repository is the nearest directory upward holding .codegraph/ or .git.
The command is "codegraph" when the codegraph on your PATH is this binary,
else this binary's absolute path (--command overrides). --dry-run prints
the change as a diff and writes nothing.`,
		Example: `  codegraph mcp install --client claude-code
  codegraph mcp install --client vscode --dry-run
  codegraph mcp install --client codex --command /usr/local/bin/codegraph`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var c *mcpClient
			for i := range mcpClients {
				if mcpClients[i].name == client {
					c = &mcpClients[i]
				}
			}
			if c == nil {
				return &exitError{2, fmt.Errorf("--client %q: want one of %s", client, strings.Join(clientNames(), ", "))}
			}
			if name == "" || strings.ContainsAny(name, "\n\r\"") {
				return &exitError{2, fmt.Errorf("--name %q: want a plain server name", name)}
			}
			if command == "" {
				var err error
				if command, err = defaultMCPCommand(); err != nil {
					return err
				}
			}
			root, err := repoRoot()
			if err != nil {
				return err
			}
			path, err := c.file(root)
			if err != nil {
				return err
			}
			old, err := os.ReadFile(path)
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			var updated []byte
			if c.serversKey == "" {
				updated, err = mergeCodexTOML(old, name, command, []string{"mcp"})
			} else {
				updated, err = mergeMCPJSON(old, c.serversKey, name, c.entry(command))
			}
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			if bytes.Equal(old, updated) {
				fmt.Fprintf(e.stdout, "%s already configures %s: nothing to change\n", path, name)
				return nil
			}
			if dryRun {
				fmt.Fprintf(e.stdout, "would change %s:\n", path)
				writeLineDiff(e.stdout, path, string(old), string(updated))
				return nil
			}
			mode := os.FileMode(0o644)
			if !c.project {
				mode = 0o600 // a user file that may hold tokens
			}
			if err := writeFileAtomic(path, updated, mode); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "configured %s for %s in %s (command %s)\n", name, c.name, path, command)
			if c.project && filepath.IsAbs(command) {
				fmt.Fprintf(e.stdout, "note: the command is an absolute path; put codegraph on the PATH (or pass --command codegraph) before committing %s for your team\n", filepath.Base(path))
			}
			fmt.Fprintf(e.stdout, "next: %s\n", c.next)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&client, "client", "", "the MCP client: "+strings.Join(clientNames(), ", "))
	f.StringVar(&name, "name", "codegraph", "the server's name in the client's configuration")
	f.StringVar(&command, "command", "", "the command the client runs (default: codegraph if it is this binary on the PATH, else this binary's absolute path)")
	f.BoolVar(&dryRun, "dry-run", false, "print the change as a diff; write nothing")
	cmd.MarkFlagRequired("client")
	cmd.RegisterFlagCompletionFunc("client", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return clientNames(), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// defaultMCPCommand is "codegraph" when that name on the PATH is this
// binary, else this binary's absolute path.
func defaultMCPCommand() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("cannot tell where this codegraph is (%w): pass --command", err)
	}
	if s, err := filepath.EvalSymlinks(self); err == nil {
		self = s
	}
	if p, err := exec.LookPath("codegraph"); err == nil {
		if rp, err := filepath.EvalSymlinks(p); err == nil {
			if a, b := statOf(rp), statOf(self); a != nil && b != nil && os.SameFile(a, b) {
				return "codegraph", nil
			}
		}
	}
	return self, nil
}

func statOf(p string) os.FileInfo {
	fi, err := os.Stat(p)
	if err != nil {
		return nil
	}
	return fi
}

// repoRoot is the nearest directory upward from the working directory
// holding .codegraph/ or .git, else the working directory.
func repoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; {
		for _, n := range []string{".codegraph", ".git"} {
			if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return wd, nil
		}
		dir = parent
	}
}

// writeFileAtomic writes data to path through a temporary file and a
// rename, keeping an existing file's mode (else mode).
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// mergeMCPJSON sets servers[name] in the JSON document old (empty: a new
// one) to entry, keeping every other key, server and the order of keys.
// An existing entry keeps its other keys (env, ...).
func mergeMCPJSON(old []byte, serversKey, name string, entry *jsonObject) ([]byte, error) {
	doc := newJSONObject()
	if len(bytes.TrimSpace(old)) > 0 {
		v, err := parseOrderedJSON(old)
		if err != nil {
			snippet, _ := encodeOrderedJSON(newJSONObject(serversKey, newJSONObject(name, entry)))
			return nil, fmt.Errorf("not plain JSON (comments or trailing commas?): %v; not rewriting it: add this yourself:\n%s", err, snippet)
		}
		o, ok := v.(*jsonObject)
		if !ok {
			return nil, fmt.Errorf("not a JSON object")
		}
		doc = o
	}
	servers := newJSONObject()
	if v, ok := doc.get(serversKey); ok {
		o, isObj := v.(*jsonObject)
		if !isObj {
			return nil, fmt.Errorf("%q is not a JSON object", serversKey)
		}
		servers = o
	}
	cur := newJSONObject()
	if v, ok := servers.get(name); ok {
		o, isObj := v.(*jsonObject)
		if !isObj {
			return nil, fmt.Errorf("%s.%s is not a JSON object", serversKey, name)
		}
		cur = o
	}
	for _, k := range entry.keys {
		cur.set(k, entry.vals[k])
	}
	servers.set(name, cur)
	doc.set(serversKey, servers)
	return encodeOrderedJSON(doc)
}

// jsonObject is a JSON object that keeps its keys' order.
type jsonObject struct {
	keys []string
	vals map[string]any
}

func newJSONObject(kv ...any) *jsonObject {
	o := &jsonObject{vals: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		o.set(kv[i].(string), kv[i+1])
	}
	return o
}

func (o *jsonObject) get(k string) (any, bool) { v, ok := o.vals[k]; return v, ok }

func (o *jsonObject) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

// parseOrderedJSON decodes one JSON value: objects as *jsonObject, arrays
// as []any, numbers as json.Number.
func parseOrderedJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the top-level value (offset %d)", dec.InputOffset())
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("offset %d: %w", dec.InputOffset(), err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := newJSONObject()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("offset %d: %w", dec.InputOffset(), err)
				}
				k, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("offset %d: object key is not a string", dec.InputOffset())
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o.set(k, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("offset %d: %w", dec.InputOffset(), err)
			}
			return o, nil
		case '[':
			a := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("offset %d: %w", dec.InputOffset(), err)
			}
			return a, nil
		}
		return nil, fmt.Errorf("offset %d: unexpected %v", dec.InputOffset(), t)
	default:
		return t, nil
	}
}

// encodeOrderedJSON writes v indented by two spaces, with a final newline.
func encodeOrderedJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := encodeJSONValue(&b, v, ""); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

func encodeJSONValue(b *bytes.Buffer, v any, indent string) error {
	switch t := v.(type) {
	case *jsonObject:
		if len(t.keys) == 0 {
			b.WriteString("{}")
			return nil
		}
		b.WriteString("{\n")
		for i, k := range t.keys {
			b.WriteString(indent + "  ")
			if err := encodeJSONScalar(b, k); err != nil {
				return err
			}
			b.WriteString(": ")
			if err := encodeJSONValue(b, t.vals[k], indent+"  "); err != nil {
				return err
			}
			if i < len(t.keys)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	case []any:
		if len(t) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteString("[\n")
		for i, e := range t {
			b.WriteString(indent + "  ")
			if err := encodeJSONValue(b, e, indent+"  "); err != nil {
				return err
			}
			if i < len(t)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	default:
		return encodeJSONScalar(b, v)
	}
	return nil
}

func encodeJSONScalar(b *bytes.Buffer, v any) error {
	var s bytes.Buffer
	enc := json.NewEncoder(&s)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Write(bytes.TrimRight(s.Bytes(), "\n"))
	return nil
}

// TOML, line by line: only what an [mcp_servers.NAME] table needs. The
// rest of the file is kept byte for byte.
var (
	tomlHeader   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*\[\[?\s*(.+?)\s*\]\]?\s*(#.*)?$`) })
	tomlKeyValue = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*([A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*=`) })
	tomlDotted   = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=(.*)$`)
	})
)

// tomlKeyParts splits a dotted TOML key (bare or quoted parts).
func tomlKeyParts(key string) []string {
	var parts []string
	for key = strings.TrimSpace(key); key != ""; {
		var p string
		switch key[0] {
		case '"', '\'':
			end := strings.IndexByte(key[1:], key[0])
			if end < 0 {
				return append(parts, key)
			}
			p, key = key[1:end+1], key[end+2:]
		default:
			end := strings.IndexByte(key, '.')
			if end < 0 {
				end = len(key)
			}
			p, key = strings.TrimSpace(key[:end]), key[end:]
		}
		parts = append(parts, p)
		key = strings.TrimSpace(key)
		key = strings.TrimPrefix(key, ".")
		key = strings.TrimSpace(key)
	}
	return parts
}

// tomlLine is one physical line and whether it starts inside a multi-line
// string (then it is no header and no key).
type tomlLine struct {
	text     string
	inString bool
}

func splitTOML(s string) []tomlLine {
	var out []tomlLine
	open := ""
	for _, l := range strings.SplitAfter(s, "\n") {
		if l == "" {
			continue
		}
		out = append(out, tomlLine{l, open != ""})
		for rest := l; ; {
			if open == "" {
				i, j := strings.Index(rest, `"""`), strings.Index(rest, `'''`)
				if i < 0 && j < 0 {
					break
				}
				if i < 0 || (j >= 0 && j < i) {
					open, rest = `'''`, rest[j+3:]
				} else {
					open, rest = `"""`, rest[i+3:]
				}
				continue
			}
			k := strings.Index(rest, open)
			if k < 0 {
				break
			}
			open, rest = "", rest[k+3:]
		}
	}
	return out
}

func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func tomlStringArray(a []string) string {
	q := make([]string, len(a))
	for i, s := range a {
		q[i] = tomlString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// mergeCodexTOML sets command and args of [mcp_servers.NAME] in the TOML
// document old, adding the table at the end if it is missing; every other
// line is kept as it is.
func mergeCodexTOML(old []byte, name, command string, args []string) ([]byte, error) {
	lines := splitTOML(string(old))
	want := map[string]string{"command": tomlString(command), "args": tomlStringArray(args)}
	start, end := -1, len(lines)
	var table []string
	depth := 0 // open brackets of a multi-line array value
	for i, l := range lines {
		if l.inString {
			continue
		}
		if depth > 0 {
			depth += bracketDepth(l.text)
			continue
		}
		if m := tomlHeader().FindStringSubmatch(strings.TrimRight(l.text, "\r\n")); m != nil {
			parts := tomlKeyParts(m[1])
			if start >= 0 && end == len(lines) {
				end = i
			}
			table = parts
			if len(parts) == 2 && parts[0] == "mcp_servers" && parts[1] == name && !strings.HasPrefix(strings.TrimSpace(l.text), "[[") {
				start, end = i, len(lines)
			}
			continue
		}
		m := tomlDotted().FindStringSubmatch(strings.TrimRight(l.text, "\r\n"))
		if m == nil {
			continue
		}
		depth = bracketDepth(m[2])
		// The server defined another way: as an inline table under
		// [mcp_servers], or with dotted keys. Not rewritten.
		full := append(append([]string{}, table...), tomlKeyParts(m[1])...)
		if len(table) < 2 && len(full) >= 2 && full[0] == "mcp_servers" && full[1] == name {
			return nil, fmt.Errorf("line %d defines mcp_servers.%s in a form this command does not edit (an inline table or dotted keys): edit it by hand, or make it a [mcp_servers.%s] table", i+1, name, name)
		}
	}
	var out strings.Builder
	if start < 0 {
		out.WriteString(string(old))
		if len(old) > 0 && !bytes.HasSuffix(old, []byte("\n")) {
			out.WriteByte('\n')
		}
		if len(bytes.TrimSpace(old)) > 0 {
			out.WriteByte('\n')
		}
		fmt.Fprintf(&out, "[mcp_servers.%s]\ncommand = %s\nargs = %s\n", tomlKeyName(name), want["command"], want["args"])
		return []byte(out.String()), nil
	}
	// Replace command and args in the table (a multi-line args array up to
	// its closing bracket); add the missing ones after the header.
	seen := map[string]bool{}
	var body []string
	for i := start + 1; i < end; i++ {
		l := lines[i]
		m := tomlKeyValue().FindStringSubmatch(l.text)
		if l.inString || m == nil {
			body = append(body, l.text)
			continue
		}
		key := strings.Trim(m[1], `"'`)
		v, ok := want[key]
		if !ok {
			body = append(body, l.text)
			continue
		}
		if seen[key] {
			return nil, fmt.Errorf("line %d: %s given twice in [mcp_servers.%s]", i+1, key, name)
		}
		seen[key] = true
		indent := l.text[:len(l.text)-len(strings.TrimLeft(l.text, " \t"))]
		body = append(body, indent+key+" = "+v+"\n")
		// Skip the continuation lines of a multi-line array.
		depth := bracketDepth(l.text[strings.Index(l.text, "=")+1:])
		for depth > 0 && i+1 < end {
			i++
			depth += bracketDepth(lines[i].text)
		}
	}
	var add []string
	for _, k := range []string{"command", "args"} {
		if !seen[k] {
			add = append(add, k+" = "+want[k]+"\n")
		}
	}
	for i := 0; i <= start; i++ {
		out.WriteString(lines[i].text)
	}
	if !strings.HasSuffix(lines[start].text, "\n") {
		out.WriteByte('\n')
	}
	for _, a := range add {
		out.WriteString(a)
	}
	for _, b := range body {
		out.WriteString(b)
	}
	for i := end; i < len(lines); i++ {
		out.WriteString(lines[i].text)
	}
	return []byte(out.String()), nil
}

// bracketDepth is the change in [ ] nesting over s, outside strings and
// comments.
func bracketDepth(s string) int {
	d := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			return d
		case c == '[':
			d++
		case c == ']':
			d--
		}
	}
	return d
}

func tomlKeyName(name string) string {
	if regexp.MustCompile(`^[A-Za-z0-9_-]+$`).MatchString(name) {
		return name
	}
	return tomlString(name)
}

// writeLineDiff prints a unified diff of a and b (three lines of context).
func writeLineDiff(w io.Writer, path, a, b string) {
	x, y := splitLines(a), splitLines(b)
	// Longest common subsequence table (configuration files are small).
	n, m := len(x), len(y)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type op struct {
		kind byte
		text string
	}
	var ops []op
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && x[i] == y[j]:
			ops = append(ops, op{' ', x[i]})
			i, j = i+1, j+1
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, op{'-', x[i]})
			i++
		default:
			ops = append(ops, op{'+', y[j]})
			j++
		}
	}
	from := "a/" + filepath.Base(path)
	if a == "" {
		from = "/dev/null"
	}
	fmt.Fprintf(w, "--- %s\n+++ b/%s\n", from, filepath.Base(path))
	const ctx = 3
	near := func(k int) bool {
		for d := max(0, k-ctx); d <= min(len(ops)-1, k+ctx); d++ {
			if ops[d].kind != ' ' {
				return true
			}
		}
		return false
	}
	gap := false
	for k, o := range ops {
		if !near(k) {
			gap = true
			continue
		}
		if gap {
			fmt.Fprintln(w, "@@")
			gap = false
		}
		fmt.Fprintf(w, "%c%s\n", o.kind, o.text)
	}
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
