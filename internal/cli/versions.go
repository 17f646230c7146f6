package cli

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/history"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// repoOf finds the store directory and the repository root for commands
// that need no index (the root recorded in the index when there is one,
// else the working directory).
func repoOf(dbFlag string) (db, root string, err error) {
	if db, err = findDB(dbFlag); err != nil {
		return "", "", err
	}
	if st, err := store.Open(db, store.Options{ReadOnly: true}); err == nil {
		v, merr := st.Meta(query.MetaRoot)
		st.Close()
		if merr == nil && len(v) > 0 {
			return db, string(v), nil
		}
	}
	root, err = os.Getwd()
	return db, root, err
}

func newVersionsCmd(e *env) *cobra.Command {
	var (
		db     string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "versions",
		Short: "List, create and delete versions: the code graphs of git revisions",
		Long: `A version is the code graph of one git revision, read from git's object store
(nothing is checked out). Versions are kept beside the index, in
.codegraph/versions; each file's facts are stored once for all the versions
that share them, so many versions cost little more than one. diff creates
the versions it needs and reuses them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.PersistentFlags().StringVar(&db, "db", "", "store directory (default: .codegraph in this or a parent directory)")
	cmd.PersistentFlags().BoolVar(&asJSON, "json", false, "print JSON")
	fail := func(err error) error {
		if errors.Is(err, service.ErrInvalid) || errors.Is(err, service.ErrNotFound) {
			return &exitError{2, err}
		}
		return err
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the versions, oldest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, root, err := repoOf(db)
			if err != nil {
				return err
			}
			vs, err := service.Versions(cmd.Context(), root, dir)
			if err != nil {
				return fail(err)
			}
			if asJSON {
				if vs == nil {
					vs = []history.Version{}
				}
				return writeJSON(e.stdout, vs)
			}
			if len(vs) == 0 {
				fmt.Fprintln(e.stdout, "no versions (create one with codegraph versions create REV)")
			}
			for _, v := range vs {
				printVersion(e, v)
			}
			return nil
		},
	}
	var tag string
	create := &cobra.Command{
		Use:     "create REV",
		Short:   "Create the version of a git revision (a commit, branch or tag)",
		Example: "  codegraph versions create v1.2.0 --tag release-1.2\n  codegraph versions create HEAD~3",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, root, err := repoOf(db)
			if err != nil {
				return err
			}
			v, created, err := service.CreateVersion(cmd.Context(), root, dir, args[0], tag)
			if err != nil {
				return fail(err)
			}
			if asJSON {
				return writeJSON(e.stdout, struct {
					history.Version
					Created bool `json:"created_now"`
				}{v, created})
			}
			if !created {
				fmt.Fprint(e.stdout, "exists: ")
			}
			printVersion(e, v)
			return nil
		},
	}
	create.Flags().StringVar(&tag, "tag", "", "name the version (diff and --at accept the name)")
	del := &cobra.Command{
		Use:   "delete NAME|REV",
		Short: "Delete a version (by its tag or its revision) and the facts no other version shares",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, root, err := repoOf(db)
			if err != nil {
				return err
			}
			v, err := service.DeleteVersion(cmd.Context(), root, dir, args[0])
			if err != nil {
				return fail(err)
			}
			if asJSON {
				return writeJSON(e.stdout, v)
			}
			fmt.Fprint(e.stdout, "deleted: ")
			printVersion(e, v)
			return nil
		},
	}
	cmd.AddCommand(list, create, del)
	return cmd
}

func printVersion(e *env, v history.Version) {
	fmt.Fprintf(e.stdout, "%s\t%s\t%s", v.Commit[:min(12, len(v.Commit))], v.Created.Local().Format(time.DateTime), plural(v.Files, "file", "files"))
	for _, t := range v.Tags {
		fmt.Fprintf(e.stdout, "\t%s", t)
	}
	fmt.Fprintln(e.stdout)
}
