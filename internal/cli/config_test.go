package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

func TestConfigFileErrorsNameFileLineKey(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"index:\n  languages: [go]\n  colour: red\n", "codegraph.yaml:3: unknown key \"index.colour\" (known under index: languages, include, exclude, max_file_size, embedding)"},
		{"server:\n  addr: :9000\n\nindx:\n  x: 1\n", "codegraph.yaml:4: unknown key \"indx\""},
		{"index:\n  max_file_size: lots\n", "codegraph.yaml:2: index.max_file_size: \"lots\" is not a size"},
		{"server:\n  rate_burst: 1.5\n", "codegraph.yaml:2: server.rate_burst: want an integer"},
		{"index:\n  embedding:\n    dimensions: [1]\n", "codegraph.yaml:3: index.embedding.dimensions: want a single value"},
		{"index: go\n", "codegraph.yaml:1: index: want a mapping"},
		{"server:\n  api_keys:\n    - {key: abcdefabcdefabcdef, scope: god}\n", "codegraph.yaml:3: server.api_keys: line 3:"},
		{"server:\n  api_keys:\n    - {key: abcdefabcdefabcdef, scope: ro, owner: me}\n", "unknown key \"owner\" in an API key"},
		{"index: [\n", "codegraph.yaml: yaml:"},
	} {
		repo := t.TempDir()
		t.Setenv("XDG_CONFIG_HOME", t.TempDir())
		writeFile(t, filepath.Join(repo, "codegraph.yaml"), tc.yaml)
		_, errs, code := run(t, "config", repo)
		if code != 2 || !strings.Contains(errs, tc.want) || !strings.Contains(errs, filepath.Join(repo, "codegraph.yaml")) {
			t.Errorf("%q: exit %d, stderr %q; want %q", tc.yaml, code, errs, tc.want)
		}
	}
}

func TestConfigPrecedence(t *testing.T) {
	repo := t.TempDir()
	cfgHome := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfgHome)
	user := filepath.Join(cfgHome, "codegraph", "config.yaml")
	writeFile(t, user, "index:\n  exclude: [gen/**]\n  max_file_size: 2MiB\nserver:\n  addr: 127.0.0.1:7000\n  rate_limit: 5\n")
	writeFile(t, filepath.Join(repo, "codegraph.yaml"), "# repo settings\nindex:\n  max_file_size: 512KiB\nserver:\n  addr: 127.0.0.1:7001\n  api_keys:\n    - name: ci\n      key: 0123456789abcdef0123\n      scope: rw\n")
	t.Setenv("CODEGRAPH_SERVER_ADDR", "127.0.0.1:7002")
	t.Setenv("CODEGRAPH_API_KEYS", "")
	out := mustRun(t, "config", repo, "--json")
	var got struct {
		Files    []string
		Settings []struct {
			Key    string
			Value  any
			Source string
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	by := map[string]string{}
	for _, s := range got.Settings {
		b, _ := json.Marshal(s.Value)
		by[s.Key] = string(b) + " @ " + s.Source
	}
	repoFile := filepath.Join(repo, "codegraph.yaml")
	want := map[string]string{
		"index.exclude":       `["gen/**"] @ ` + user + ":2",                  // user file only
		"index.max_file_size": `524288 @ ` + repoFile + ":3",                  // repository file over the user's
		"server.addr":         `"127.0.0.1:7002" @ env CODEGRAPH_SERVER_ADDR`, // environment over both
		"server.rate_limit":   `5 @ ` + user + ":6",
		"server.api_keys":     `["ci:****:rw"] @ ` + repoFile + ":6", // never printed
		"index.languages":     `"all" @ default`,
	}
	for k, w := range want {
		if by[k] != w {
			t.Errorf("%s = %s, want %s", k, by[k], w)
		}
	}
	if len(got.Files) != 2 || got.Files[0] != user || got.Files[1] != repoFile {
		t.Errorf("files = %q", got.Files)
	}
	if strings.Contains(out, "0123456789abcdef0123") {
		t.Error("config printed an API key")
	}
	// A bad environment value names the variable and the key.
	t.Setenv("CODEGRAPH_SERVER_RATE_BURST", "many")
	if _, errs, code := run(t, "config", repo); code != 2 || !strings.Contains(errs, "CODEGRAPH_SERVER_RATE_BURST (server.rate_burst)") {
		t.Errorf("bad env: exit %d: %s", code, errs)
	}
}

// index takes its file selection from codegraph.yaml; a flag wins.
func TestIndexUsesConfigFile(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	repo := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	writeFile(t, filepath.Join(repo, "codegraph.yaml"), "index:\n  languages: [python]\n")
	langs := func(out string) []string {
		var sum struct {
			Languages map[string]any `json:"languages"`
		}
		if err := json.Unmarshal([]byte(out), &sum); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		var l []string
		for k := range sum.Languages {
			l = append(l, k)
		}
		return l
	}
	if l := langs(mustRun(t, "index", repo, "--json", "--no-daemon")); len(l) != 1 || l[0] != "python" {
		t.Errorf("languages from codegraph.yaml: %v", l)
	}
	// Switching python for go deletes every indexed file: the guard wants --yes.
	if l := langs(mustRun(t, "index", repo, "--json", "--no-daemon", "--force", "--lang", "go", "--yes")); len(l) != 1 || l[0] != "go" {
		t.Errorf("--lang go over the file: %v", l)
	}
	writeFile(t, filepath.Join(repo, "codegraph.yaml"), "index:\n  langs: [python]\n")
	if _, errs, code := run(t, "index", repo); code != 2 || !strings.Contains(errs, "codegraph.yaml:2: unknown key \"index.langs\"") {
		t.Errorf("unknown key: exit %d: %s", code, errs)
	}
}

// The configuration the Kubernetes ConfigMap mounts is one codegraph
// accepts.
func TestKubernetesConfigMapIsValidConfig(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", "kubernetes", "configmap.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cm struct {
		Data map[string]string `yaml:"data"`
	}
	if err := yaml.Unmarshal(b, &cm); err != nil {
		t.Fatal(err)
	}
	vals, err := parseConfigFile("configmap.yaml:config.yaml", []byte(cm.Data["config.yaml"]))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := vals["server.addr"]; !ok || v.Value != "0.0.0.0:8080" {
		t.Errorf("server.addr = %+v", v)
	}
}
