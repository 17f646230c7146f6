package cli

import "github.com/spf13/cobra"

func newCalleesCmd(e *env) *cobra.Command {
	return newCallsCmd(e, "callees", `Callees lists what SYMBOL calls, and with --depth N what those call in turn,
as a tree: each function once, at the shortest depth, under its caller, with
the line of the call and how sure its resolution is. Calls that are not
resolved to a definition are listed as "unresolved" with the callee as
written (fmt.Println, s.st.Get) and are not followed.

Output: file:line, kind, qualified name and signature of each callee,
indented by depth, then [call at FILE:LINE]; unresolved callees show the
call site and the name as written.`, `  codegraph callees Server.ServeHTTP
  codegraph callees main --depth 3
  codegraph callees cmd/app/main.go:12 --json`)
}
