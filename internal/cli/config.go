package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/codegraph-dev/codegraph/internal/server"
)

// Configuration: codegraph.yaml at the repository root and
// config.yaml in the user's configuration directory
// (os.UserConfigDir()/codegraph), then environment variables, then flags.
// Later layers override earlier ones key by key: user file < repository
// file < environment < flags. The repository's file overrides the user's
// because it describes the repository (its languages, its excludes).

// RepoConfigName is the configuration file at a repository's root.
const RepoConfigName = "codegraph.yaml"

// configKind is how a setting's value is written.
type configKind int

const (
	kindString configKind = iota
	kindList              // a YAML sequence, or a comma-separated string
	kindSize              // bytes: 1048576, 1MiB, 512KB
	kindInt
	kindFloat
	kindKeys     // API keys: [{name, key, scope}]
	kindBindings // role bindings: [{subjects, role, repos}]
)

// configField is one setting: its dotted key in the file, the environment
// variable and the flag (on the listed commands) that override it.
type configField struct {
	key  string
	kind configKind
	env  string
	flag string
	cmds []string
	def  string
}

var configFields = []configField{
	{key: "index.languages", kind: kindList, env: "CODEGRAPH_INDEX_LANGUAGES", flag: "lang", cmds: []string{"index", "watch"}, def: "all"},
	{key: "index.include", kind: kindList, env: "CODEGRAPH_INDEX_INCLUDE", flag: "include", cmds: []string{"index", "watch"}, def: "none"},
	{key: "index.exclude", kind: kindList, env: "CODEGRAPH_INDEX_EXCLUDE", flag: "exclude", cmds: []string{"index", "watch"}, def: "none"},
	{key: "index.max_file_size", kind: kindSize, env: "CODEGRAPH_INDEX_MAX_FILE_SIZE", flag: "max-file-size", cmds: []string{"index", "watch"}, def: "1MiB"},
	{key: "index.embedding.provider", kind: kindString, env: "CODEGRAPH_EMBEDDING_PROVIDER", flag: "embedding-provider", cmds: []string{"index", "watch", "search", "mcp", "serve"}, def: "builtin"},
	{key: "index.embedding.model", kind: kindString, env: "CODEGRAPH_EMBEDDING_MODEL", flag: "embedding-model", cmds: []string{"index", "watch", "search", "mcp", "serve"}, def: "provider default"},
	{key: "index.embedding.url", kind: kindString, env: "CODEGRAPH_EMBEDDING_URL", flag: "embedding-url", cmds: []string{"index", "watch", "search", "mcp", "serve"}, def: "provider default"},
	{key: "index.embedding.dimensions", kind: kindInt, env: "CODEGRAPH_EMBEDDING_DIMENSIONS", flag: "embedding-dimensions", cmds: []string{"index", "watch", "search", "mcp", "serve"}, def: "provider default"},
	{key: "server.addr", kind: kindString, env: "CODEGRAPH_SERVER_ADDR", flag: "addr", cmds: []string{"serve"}, def: "127.0.0.1:8080"},
	{key: "server.api_keys", kind: kindKeys, env: "CODEGRAPH_API_KEYS", def: "none (open on loopback)"},
	{key: "server.role_bindings", kind: kindBindings, def: "none (a key's scope applies to every repository)"},
	{key: "server.rate_limit", kind: kindFloat, env: "CODEGRAPH_SERVER_RATE_LIMIT", flag: "rate-limit", cmds: []string{"serve"}, def: fmt.Sprint(server.DefaultRateLimit)},
	{key: "server.rate_burst", kind: kindInt, env: "CODEGRAPH_SERVER_RATE_BURST", flag: "rate-burst", cmds: []string{"serve"}, def: fmt.Sprint(server.DefaultRateBurst)},
	{key: "server.max_body", kind: kindSize, env: "CODEGRAPH_SERVER_MAX_BODY", flag: "max-body", cmds: []string{"serve"}, def: fmt.Sprint(server.DefaultMaxBodyBytes)},
	{key: "server.cors_origins", kind: kindList, env: "CODEGRAPH_SERVER_CORS_ORIGINS", flag: "cors-origin", cmds: []string{"serve"}, def: "none"},
	{key: "server.allowed_hosts", kind: kindList, env: "CODEGRAPH_SERVER_ALLOWED_HOSTS", flag: "allowed-host", cmds: []string{"serve"}, def: "loopback names without keys, any with keys"},
}

// configValue is a setting's value and where it came from.
type configValue struct {
	Value  any    `json:"value"`
	Source string `json:"source"` // FILE:LINE, "env NAME" or "flag --NAME"
}

// effectiveConfig is the merged configuration: dotted key -> value.
type effectiveConfig struct {
	values map[string]configValue
	files  []string // the files read, lowest precedence first
}

func (c *effectiveConfig) get(key string) (configValue, bool) {
	v, ok := c.values[key]
	return v, ok
}

// userConfigPath is os.UserConfigDir()/codegraph/config.yaml ("" when the
// system has no such directory).
func userConfigPath() string {
	d, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "codegraph", "config.yaml")
}

// loadConfig merges the user file, the repository file under root and the
// environment.
func loadConfig(root string, getenv func(string) string) (*effectiveConfig, error) {
	c := &effectiveConfig{values: map[string]configValue{}}
	for _, p := range []string{userConfigPath(), filepath.Join(root, RepoConfigName)} {
		if p == "" {
			continue
		}
		b, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		vals, err := parseConfigFile(p, b)
		if err != nil {
			return nil, err
		}
		c.files = append(c.files, p)
		for k, v := range vals {
			c.values[k] = v
		}
	}
	for _, f := range configFields {
		s := getenv(f.env)
		if s == "" {
			continue
		}
		v, err := parseConfigString(f, s)
		if err != nil {
			return nil, fmt.Errorf("environment variable %s (%s): %w", f.env, f.key, err)
		}
		c.values[f.key] = configValue{v, "env " + f.env}
	}
	return c, nil
}

// parseConfigFile reads one YAML file. Unknown keys and bad values are
// errors naming the file, the line and the key.
func parseConfigFile(path string, b []byte) (map[string]configValue, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string]configValue{}
	if len(doc.Content) == 0 { // empty file
		return out, nil
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want a mapping with index: and server: sections", path, top.Line)
	}
	if err := walkConfig(path, "", top, out); err != nil {
		return nil, err
	}
	return out, nil
}

func walkConfig(path, prefix string, m *yaml.Node, out map[string]configValue) error {
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn, vn := m.Content[i], m.Content[i+1]
		key := kn.Value
		if prefix != "" {
			key = prefix + "." + kn.Value
		}
		if f, ok := fieldByKey(key); ok {
			v, err := decodeConfigNode(f, vn)
			if err != nil {
				return fmt.Errorf("%s:%d: %s: %w", path, vn.Line, key, err)
			}
			out[key] = configValue{v, fmt.Sprintf("%s:%d", path, kn.Line)}
			continue
		}
		if children := knownUnder(key); len(children) > 0 {
			if vn.Kind != yaml.MappingNode {
				return fmt.Errorf("%s:%d: %s: want a mapping (keys %s)", path, vn.Line, key, strings.Join(children, ", "))
			}
			if err := walkConfig(path, key, vn, out); err != nil {
				return err
			}
			continue
		}
		return fmt.Errorf("%s:%d: unknown key %q (known under %s: %s)", path, kn.Line, key, sectionName(prefix), strings.Join(knownUnder(prefix), ", "))
	}
	return nil
}

func sectionName(prefix string) string {
	if prefix == "" {
		return "the top level"
	}
	return prefix
}

func fieldByKey(key string) (configField, bool) {
	for _, f := range configFields {
		if f.key == key {
			return f, true
		}
	}
	return configField{}, false
}

// knownUnder lists the names directly under a section ("" for the top).
func knownUnder(prefix string) []string {
	var names []string
	for _, f := range configFields {
		rest, ok := f.key, true
		if prefix != "" {
			rest, ok = strings.CutPrefix(f.key, prefix+".")
		}
		if !ok {
			continue
		}
		name, _, _ := strings.Cut(rest, ".")
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}

func decodeConfigNode(f configField, n *yaml.Node) (any, error) {
	switch f.kind {
	case kindList:
		if n.Kind == yaml.SequenceNode {
			var l []string
			for _, e := range n.Content {
				if e.Kind != yaml.ScalarNode {
					return nil, fmt.Errorf("want a list of strings")
				}
				l = append(l, e.Value)
			}
			return l, nil
		}
	case kindKeys:
		if n.Kind != yaml.SequenceNode {
			return nil, fmt.Errorf("want a list of {name, key, scope}")
		}
		var keys []server.Key
		for _, e := range n.Content {
			if e.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("line %d: want {name, key, scope}", e.Line)
			}
			var k server.Key
			for j := 0; j+1 < len(e.Content); j += 2 {
				name, v := e.Content[j], e.Content[j+1]
				if v.Kind != yaml.ScalarNode {
					return nil, fmt.Errorf("line %d: %s: want a string", v.Line, name.Value)
				}
				switch name.Value {
				case "name":
					k.Name = v.Value
				case "key":
					k.Key = v.Value
				case "scope":
					k.Scope = v.Value
				default:
					return nil, fmt.Errorf("line %d: unknown key %q in an API key (known: name, key, scope)", name.Line, name.Value)
				}
			}
			if k.Key == "" {
				return nil, fmt.Errorf("line %d: an API key without key", e.Line)
			}
			if _, err := server.ParseScope(k.Scope); err != nil {
				return nil, fmt.Errorf("line %d: %w", e.Line, err)
			}
			keys = append(keys, k)
		}
		return keys, nil
	case kindBindings:
		return parseBindings(n)
	}
	if n.Kind != yaml.ScalarNode {
		return nil, fmt.Errorf("want a single value")
	}
	return parseConfigString(f, n.Value)
}

// parseBindings reads server.role_bindings: a list of {subjects, role,
// repos}, subjects and repos each a list of strings.
func parseBindings(n *yaml.Node) ([]server.RoleBinding, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("want a list of {subjects, role, repos}")
	}
	strs := func(v *yaml.Node, what string) ([]string, error) {
		if v.Kind != yaml.SequenceNode {
			return nil, fmt.Errorf("line %d: %s: want a list of strings", v.Line, what)
		}
		var out []string
		for _, x := range v.Content {
			if x.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: %s: want a string", x.Line, what)
			}
			out = append(out, x.Value)
		}
		return out, nil
	}
	var out []server.RoleBinding
	for _, e := range n.Content {
		if e.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("line %d: want {subjects, role, repos}", e.Line)
		}
		var b server.RoleBinding
		for j := 0; j+1 < len(e.Content); j += 2 {
			name, v := e.Content[j], e.Content[j+1]
			var err error
			switch name.Value {
			case "subjects":
				b.Subjects, err = strs(v, "subjects")
			case "repos":
				b.Repos, err = strs(v, "repos")
			case "role":
				if v.Kind != yaml.ScalarNode {
					return nil, fmt.Errorf("line %d: role: want read, write or admin", v.Line)
				}
				b.Role = v.Value
			default:
				return nil, fmt.Errorf("line %d: unknown key %q in a role binding (known: subjects, role, repos)", name.Line, name.Value)
			}
			if err != nil {
				return nil, err
			}
		}
		if _, err := server.ParseScope(b.Role); err != nil {
			return nil, fmt.Errorf("line %d: role: %w", e.Line, err)
		}
		if len(b.Subjects) == 0 || len(b.Repos) == 0 {
			return nil, fmt.Errorf("line %d: a role binding needs subjects and repos", e.Line)
		}
		out = append(out, b)
	}
	return out, nil
}

// parseConfigString parses a value written as a string (environment
// variables, YAML scalars).
func parseConfigString(f configField, s string) (any, error) {
	switch f.kind {
	case kindString:
		return s, nil
	case kindList:
		var l []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				l = append(l, p)
			}
		}
		return l, nil
	case kindSize:
		return parseSize(s)
	case kindInt:
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("want an integer, got %q", s)
		}
		return n, nil
	case kindFloat:
		x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, fmt.Errorf("want a number, got %q", s)
		}
		return x, nil
	case kindKeys:
		return server.ParseKeys(s)
	case kindBindings:
		return nil, fmt.Errorf("role bindings are set in a configuration file only")
	}
	return nil, fmt.Errorf("unknown kind")
}

// flagValues renders a value as the strings a flag's Set takes.
func flagValues(v any) []string {
	switch t := v.(type) {
	case []string:
		return t
	case int64:
		return []string{strconv.FormatInt(t, 10)}
	default:
		return []string{fmt.Sprint(t)}
	}
}

// applyConfig loads the configuration for cmd and gives every flag of
// cmd that the user did not set the configured value. It records the
// flags that were set, so `codegraph config` style sources stay right.
func applyConfig(cmd *cobra.Command, root string) (*effectiveConfig, error) {
	c, err := loadConfig(root, os.Getenv)
	if err != nil {
		return nil, &exitError{2, err}
	}
	for _, f := range configFields {
		if f.flag == "" || !slices.Contains(f.cmds, cmd.Name()) {
			continue
		}
		fl := cmd.Flags().Lookup(f.flag)
		if fl == nil {
			continue
		}
		if fl.Changed {
			c.values[f.key] = configValue{flagValue(fl), "flag --" + f.flag}
			continue
		}
		v, ok := c.values[f.key]
		if !ok {
			continue
		}
		for _, s := range flagValues(v.Value) {
			if err := cmd.Flags().Set(f.flag, s); err != nil {
				return nil, &exitError{2, fmt.Errorf("%s (from %s): %w", f.key, v.Source, err)}
			}
		}
	}
	return c, nil
}

func flagValue(fl *pflag.Flag) any {
	if sv, ok := fl.Value.(pflag.SliceValue); ok {
		return sv.GetSlice()
	}
	return fl.Value.String()
}

// configRoot is the repository whose codegraph.yaml applies to cmd: the
// PATH argument of index and watch, else the repository around the
// working directory.
func configRoot(cmd *cobra.Command, args []string) (string, error) {
	if (cmd.Name() == "index" || cmd.Name() == "watch") && len(args) == 1 {
		return args[0], nil
	}
	return repoRoot()
}

func newConfigCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "config [PATH]",
		Short: "Show the effective configuration and where each value comes from",
		Long: `Config prints every setting with its effective value and its source: the
file and line, the environment variable, or the default.

Settings come from, lowest precedence first:
  1. the user's file, ` + "`" + `os.UserConfigDir()/codegraph/config.yaml` + "`" + `
     (~/.config/codegraph/config.yaml on Linux)
  2. codegraph.yaml at the repository root (PATH, default: the repository
     around the working directory)
  3. environment variables (CODEGRAPH_...)
  4. command-line flags
Unknown keys and bad values are errors naming the file, the line and the
key. API keys are shown redacted.`,
		Example: `  codegraph config
  codegraph config --json
  CODEGRAPH_SERVER_ADDR=:9000 codegraph config`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := ""
			if len(args) == 1 {
				root = args[0]
			} else {
				var err error
				if root, err = repoRoot(); err != nil {
					return err
				}
			}
			c, err := loadConfig(root, os.Getenv)
			if err != nil {
				return &exitError{2, err}
			}
			type row struct {
				Key    string `json:"key"`
				Value  any    `json:"value"`
				Source string `json:"source"`
				Env    string `json:"env"`
				Flag   string `json:"flag,omitempty"`
			}
			var rows []row
			for _, f := range configFields {
				r := row{Key: f.key, Value: f.def, Source: "default", Env: f.env}
				if f.flag != "" {
					r.Flag = "--" + f.flag
				}
				if v, ok := c.get(f.key); ok {
					r.Value, r.Source = v.Value, v.Source
					if keys, ok := v.Value.([]server.Key); ok {
						var red []string
						for _, k := range keys {
							red = append(red, fmt.Sprintf("%s:****:%s", k.Name, k.Scope))
						}
						r.Value = red
					}
				}
				rows = append(rows, r)
			}
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"files": nonNil(c.files), "settings": rows})
			}
			if len(c.files) == 0 {
				fmt.Fprintf(e.stdout, "# no configuration file (looked for %s and %s)\n", userConfigPath(), filepath.Join(root, RepoConfigName))
			}
			for _, r := range rows {
				v := r.Value
				if l, ok := v.([]string); ok {
					v = strings.Join(l, ",")
				}
				fmt.Fprintf(e.stdout, "%-28s %-30v %s\n", r.Key, v, r.Source)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the settings as JSON")
	return cmd
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
