// Package deploy holds the deployment files' checks: docker cannot run
// on the machines CI uses, so the Dockerfile is parsed and its properties
// asserted.
package deploy

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction with its continuation lines
// joined.
type instruction struct {
	line int
	cmd  string // upper case
	args string
}

func parseDockerfile(t *testing.T, path string) []instruction {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []instruction
	var cur strings.Builder
	start := 0
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		if cur.Len() == 0 && (l == "" || strings.HasPrefix(l, "#")) {
			continue
		}
		if cur.Len() > 0 && strings.HasPrefix(l, "#") {
			continue // a comment inside a continued instruction
		}
		if cur.Len() == 0 {
			start = n
		}
		if cont, ok := strings.CutSuffix(l, "\\"); ok {
			cur.WriteString(cont + " ")
			continue
		}
		cur.WriteString(l)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{start, strings.ToUpper(cmd), strings.Join(strings.Fields(args), " ")})
		cur.Reset()
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur.Len() > 0 {
		t.Fatalf("%s ends inside a continued instruction", path)
	}
	return out
}

func TestDockerfile(t *testing.T) {
	ins := parseDockerfile(t, "../Dockerfile")
	// Stages: FROM lines split the file.
	var stages [][]instruction
	var names []string
	for _, in := range ins {
		if in.cmd == "FROM" {
			stages = append(stages, nil)
			f := strings.Fields(in.args)
			name := ""
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				name = f[2]
			}
			names = append(names, name)
		}
		if len(stages) == 0 {
			if in.cmd != "ARG" {
				t.Fatalf("line %d: %s before the first FROM", in.line, in.cmd)
			}
			continue
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], in)
	}
	if len(stages) < 2 {
		t.Fatalf("%d stages, want a multi-stage build", len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]

	// The builder uses the Go of go.mod and builds a static, stripped binary.
	gomod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goVer := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	if goVer == nil || !strings.Contains(build[0].args, "golang:"+string(goVer[1])) {
		t.Errorf("builder %q does not use Go %s (go.mod)", build[0].args, goVer[1])
	}
	var buildRun string
	for _, in := range build {
		if in.cmd == "RUN" && strings.Contains(in.args, "go build") {
			buildRun = in.args
		}
	}
	for _, want := range []string{"CGO_ENABLED=1", "-extldflags -static", "-s -w", "netgo", "osusergo", "./cmd/codegraph"} {
		if !strings.Contains(buildRun, want) {
			t.Errorf("go build lacks %q: %s", want, buildRun)
		}
	}

	// The final image: small base, the binary from the builder, non-root,
	// a data volume, a health check on /health/live, the licences.
	base := strings.Fields(final[0].args)[0]
	if strings.HasPrefix(base, "golang") || !regexp.MustCompile(`^(busybox|alpine|gcr\.io/distroless/static|scratch)\b`).MatchString(base) {
		t.Errorf("final base image %q is not a small one", base)
	}
	get := func(cmd string) []instruction {
		var r []instruction
		for _, in := range final {
			if in.cmd == cmd {
				r = append(r, in)
			}
		}
		return r
	}
	copies := ""
	for _, in := range get("COPY") {
		copies += in.args + "\n"
	}
	if !strings.Contains(copies, "--from="+names[0]+" /out/codegraph ") || !strings.Contains(copies, "LICENSE") || !strings.Contains(copies, "THIRD_PARTY_NOTICES") {
		t.Errorf("final stage copies:\n%s", copies)
	}
	users := get("USER")
	if len(users) == 0 {
		t.Fatal("no USER in the final stage: it would run as root")
	}
	if u, _, _ := strings.Cut(users[len(users)-1].args, ":"); u == "0" || u == "root" {
		t.Errorf("USER %s", users[len(users)-1].args)
	}
	vols := get("VOLUME")
	if len(vols) == 0 || !strings.Contains(vols[0].args, "/data") {
		t.Errorf("no /data volume: %v", vols)
	}
	hc := get("HEALTHCHECK")
	if len(hc) != 1 || !strings.Contains(hc[0].args, "CMD") || !strings.Contains(hc[0].args, "/health/live") || !strings.Contains(hc[0].args, ":8080") {
		t.Errorf("HEALTHCHECK = %v", hc)
	}
	if e := get("EXPOSE"); len(e) == 0 || e[0].args != "8080" {
		t.Errorf("EXPOSE = %v", e)
	}
	env := ""
	for _, in := range get("ENV") {
		env += in.args + " "
	}
	// serve listens beyond loopback in a container, configurable; the
	// user configuration directory is a mount point.
	for _, want := range []string{"CODEGRAPH_SERVER_ADDR=0.0.0.0:8080", "XDG_CONFIG_HOME=/config"} {
		if !strings.Contains(env, want) {
			t.Errorf("ENV lacks %s: %s", want, env)
		}
	}
	ep, cmd := get("ENTRYPOINT"), get("CMD")
	if len(ep) != 1 || !strings.Contains(ep[0].args, "codegraph") || len(cmd) != 1 || !strings.Contains(cmd[0].args, `"serve"`) || !strings.Contains(cmd[0].args, "/data/") {
		t.Errorf("ENTRYPOINT %v CMD %v", ep, cmd)
	}
	// Everything the build copies exists (COPY . . aside).
	for _, in := range build {
		if in.cmd == "COPY" && !strings.HasPrefix(in.args, "--from") {
			f := strings.Fields(in.args)
			for _, src := range f[:len(f)-1] {
				if src == "." {
					continue
				}
				if _, err := os.Stat("../" + src); err != nil {
					t.Errorf("line %d: COPY %s: %v", in.line, src, err)
				}
			}
		}
	}
}
