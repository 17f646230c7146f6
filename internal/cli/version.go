package cli

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/search/vector"
)

// BuildDate is the time the binary was built (RFC 3339), set at build time
// with -ldflags "-X github.com/codegraph-dev/codegraph/internal/cli.BuildDate=...";
// `make release` sets it and Version.
var BuildDate = ""

// Commit is the commit the binary was built from, set with -ldflags like
// BuildDate. The Go toolchain's own stamp (vcs.revision, from
// -buildvcs) wins when present; it is missing in a git worktree, where
// .git is a file, and when GOFLAGS has -buildvcs=false.
var Commit = ""

// versionInfo is what `codegraph version --json` prints.
type versionInfo struct {
	Version       string   `json:"version"`
	Commit        string   `json:"commit"`
	Modified      bool     `json:"modified"`
	CommitDate    string   `json:"commit_date"`
	BuildDate     string   `json:"build_date"`
	GoVersion     string   `json:"go_version"`
	Platform      string   `json:"platform"`
	CGO           bool     `json:"cgo"`
	Tags          []string `json:"tags"`
	VectorKernels string   `json:"vector_kernels"`
	Features      []string `json:"features"`
}

// buildVersion reads the version facts from the binary's build info (nil
// when the binary has none), the -ldflags variables and the CPU.
func buildVersion(bi *debug.BuildInfo, kernels, goarch string) versionInfo {
	v := versionInfo{Version: Version, Commit: Commit, BuildDate: BuildDate, GoVersion: runtime.Version(),
		Platform: runtime.GOOS + "/" + goarch, VectorKernels: kernels, Tags: []string{}}
	if bi != nil {
		v.GoVersion = bi.GoVersion
		// go build stamps the main module's version from the VCS (a tag,
		// or a pseudo-version); go install m@v stamps v. -ldflags wins.
		if v.Version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Commit = s.Value
			case "vcs.time":
				v.CommitDate = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			case "CGO_ENABLED":
				v.CGO = s.Value == "1"
			case "-tags":
				for _, t := range strings.Split(s.Value, ",") {
					if t = strings.TrimSpace(t); t != "" {
						v.Tags = append(v.Tags, t)
					}
				}
			}
		}
	}
	switch {
	case kernels != "portable":
		v.Features = append(v.Features, "vector kernels: "+kernels)
	case slices.Contains(v.Tags, "purego"):
		v.Features = append(v.Features, "vector kernels: portable (built with -tags purego)")
	case goarch != "amd64":
		v.Features = append(v.Features, "vector kernels: portable (no assembly kernels for "+goarch+")")
	default:
		v.Features = append(v.Features, "vector kernels: portable (this CPU lacks AVX2 or FMA)")
	}
	return v
}

// currentVersion is buildVersion for this process.
func currentVersion() versionInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return buildVersion(bi, vector.Kernels(), runtime.GOARCH)
}

// oneLine is the `codegraph --version` line.
func (v versionInfo) oneLine() string {
	var b strings.Builder
	fmt.Fprintf(&b, "codegraph %s", v.Version)
	var parts []string
	if v.Commit != "" {
		c := v.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		if v.Modified {
			c += "+dirty"
		}
		parts = append(parts, "commit "+c)
	}
	switch {
	case v.BuildDate != "":
		parts = append(parts, "built "+v.BuildDate)
	case v.CommitDate != "":
		parts = append(parts, "committed "+v.CommitDate)
	}
	parts = append(parts, v.GoVersion, v.Platform, "vector kernels "+v.VectorKernels)
	fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	return b.String()
}

func newVersionCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build date, Go version and enabled features",
		Long: `Version prints what this binary is: its version (set by -ldflags at release,
else the module version go build stamps), the commit and commit date it was
built from (and whether the tree had uncommitted changes), the build date,
the Go version and platform, and the features compiled in (the AVX2/FMA
vector kernels or the portable ones, and why).`,
		Example: `  codegraph version
  codegraph version --json
  codegraph --version          # the same in one line`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := currentVersion()
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(v)
			}
			orNone := func(s string) string {
				if s == "" {
					return "(unknown)"
				}
				return s
			}
			commit := orNone(v.Commit)
			if v.Modified {
				commit += " (with uncommitted changes)"
			}
			fmt.Fprintf(e.stdout, "codegraph %s\n", v.Version)
			fmt.Fprintf(e.stdout, "  commit:       %s\n", commit)
			fmt.Fprintf(e.stdout, "  commit date:  %s\n", orNone(v.CommitDate))
			fmt.Fprintf(e.stdout, "  build date:   %s\n", orNone(v.BuildDate))
			fmt.Fprintf(e.stdout, "  go:           %s %s (cgo %v)\n", v.GoVersion, v.Platform, v.CGO)
			if len(v.Tags) > 0 {
				fmt.Fprintf(e.stdout, "  build tags:   %s\n", strings.Join(v.Tags, ","))
			}
			for _, f := range v.Features {
				fmt.Fprintf(e.stdout, "  %s\n", f)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the version facts as JSON")
	return cmd
}
