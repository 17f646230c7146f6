package cli

import (
	"strings"
	"testing"
)

// FuzzConfigFile feeds codegraph.yaml files to the configuration parser:
// it never panics, and what it refuses is an error that names the file.
func FuzzConfigFile(f *testing.F) {
	for _, s := range []string{
		"",
		"index:\n  exclude: [vendor/**]\n  max_file_size: 2MiB\n",
		"server:\n  addr: 127.0.0.1:9000\n  api_keys:\n    - {name: ci, key: sha256:00, scope: rw}\n",
		"server:\n  role_bindings:\n    - subjects: [key:ci, group:devs]\n      role: write\n      repos: [api]\n",
		"server:\n  role_bindings:\n    - subjects: key:ci\n      role: [write]\n",
		"index: [1, 2]\n",
		"&a [*a, *a]\n",
		"server: {rate_limit: -1e400, rate_burst: 99999999999999999999}\n",
		"index:\n  embedding:\n    dimensions: 0x7fffffffffffffff\n",
		"? [a, b]\n: c\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := parseConfigFile("codegraph.yaml", []byte(s))
		if err != nil && !strings.Contains(err.Error(), "codegraph.yaml") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}
