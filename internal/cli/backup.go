package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/backup"
)

func newBackupCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Back up an index (full or incremental) and restore it",
		Long: `backup create copies a consistent state of the index (the store and the search
indexes) into a directory, with a manifest of every file's size and SHA-256.
It works while a watcher or server writes the index. --incremental-from
stores only the files that the given backup (or its chain) does not hold.
backup restore writes the index of a backup (following its chain) into a
directory, verifying every checksum.`,
		Example: `  codegraph backup create /backups/full
  codegraph backup create /backups/mon --incremental-from /backups/full
  codegraph backup restore /backups/mon --db ~/src/myrepo/.codegraph
  codegraph backup list /backups/mon`,
	}
	cmd.AddCommand(newBackupCreateCmd(e), newBackupRestoreCmd(e), newBackupListCmd(e))
	return cmd
}

// backupFlags are the flags create, restore and list share.
type backupFlags struct {
	asJSON         bool
	passphraseFile string
	recipients     []string
	identityFile   string
	s3             backup.S3Config
	s3SecretFile   string
}

func (f *backupFlags) register(cmd *cobra.Command, create bool) {
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print as JSON")
	cmd.Flags().StringVar(&f.s3.Endpoint, "s3-endpoint", "", "S3-compatible endpoint for s3:// locations, host[:port] or URL (env CODEGRAPH_S3_ENDPOINT; default s3.amazonaws.com)")
	cmd.Flags().StringVar(&f.s3.Region, "s3-region", "", "S3 region (env AWS_REGION)")
	cmd.Flags().StringVar(&f.s3.AccessKey, "s3-access-key", "", "S3 access key (env AWS_ACCESS_KEY_ID)")
	cmd.Flags().StringVar(&f.s3SecretFile, "s3-secret-key-file", "", "file holding the S3 secret key (env AWS_SECRET_ACCESS_KEY)")
	cmd.Flags().BoolVar(&f.s3.Insecure, "s3-insecure", false, "plain HTTP to the S3 endpoint")
	cmd.Flags().StringVar(&f.passphraseFile, "encrypt-passphrase-file", "", "file whose first line is the passphrase that encrypts (or decrypts) the backup (age, scrypt)")
	if create {
		cmd.Flags().StringArrayVar(&f.recipients, "recipient", nil, "encrypt to this age public key (age1...; repeatable)")
	} else {
		cmd.Flags().StringVar(&f.identityFile, "identity", "", "age identity file (AGE-SECRET-KEY-1...) that decrypts a backup made with --recipient")
	}
}

func (f *backupFlags) options() (backup.Options, error) {
	opts := backup.Options{S3: f.s3}
	if f.s3SecretFile != "" {
		b, err := os.ReadFile(f.s3SecretFile)
		if err != nil {
			return opts, fmt.Errorf("s3 secret key: %w", err)
		}
		opts.S3.SecretKey = strings.TrimSpace(string(b))
	}
	if f.passphraseFile != "" && len(f.recipients) > 0 {
		return opts, errors.New("give --encrypt-passphrase-file or --recipient, not both")
	}
	enc := &backup.Encryption{}
	if f.passphraseFile != "" {
		b, err := os.ReadFile(f.passphraseFile)
		if err != nil {
			return opts, fmt.Errorf("passphrase: %w", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		enc.Passphrase = strings.TrimRight(line, "\r")
		if enc.Passphrase == "" {
			return opts, fmt.Errorf("passphrase: %s: the first line is empty", f.passphraseFile)
		}
	}
	if len(f.recipients) > 0 {
		rs, err := backup.ParseRecipients(strings.Join(f.recipients, "\n"))
		if err != nil {
			return opts, err
		}
		enc.Recipients = rs
	}
	if f.identityFile != "" {
		fh, err := os.Open(f.identityFile)
		if err != nil {
			return opts, fmt.Errorf("identity: %w", err)
		}
		defer fh.Close()
		ids, err := backup.ParseIdentities(fh)
		if err != nil {
			return opts, err
		}
		enc.Identities = ids
	}
	if enc.Passphrase != "" || len(enc.Recipients) > 0 || len(enc.Identities) > 0 {
		opts.Encryption = enc
	}
	return opts, nil
}

func newBackupCreateCmd(e *env) *cobra.Command {
	var db, from string
	var f backupFlags
	cmd := &cobra.Command{
		Use:   "create DIR",
		Short: "Back up the index into DIR (a new directory)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := findDB(db)
			if err != nil {
				return err
			}
			opts, err := f.options()
			if err != nil {
				return &exitError{2, err}
			}
			opts.IncrementalFrom = from
			st, err := backup.Create(cmd.Context(), dir, args[0], opts)
			if err != nil {
				return err
			}
			if f.asJSON {
				return json.NewEncoder(e.stdout).Encode(st)
			}
			kind := "full"
			if st.Incremental {
				kind = "incremental"
			}
			fmt.Fprintf(e.stdout, "%s backup %s of %s: %d files, %s; stored %d files, %s (%d shared with earlier backups) in %.1fs\n",
				kind, st.ID, dir, st.Files, humanBytes(st.IndexBytes), st.StoredFiles, humanBytes(st.StoredBytes), st.SharedFiles, st.DurationSecs)
			return nil
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "store directory (default: .codegraph in this or a parent directory)")
	cmd.Flags().StringVar(&from, "incremental-from", "", "store only what changed since this backup")
	f.register(cmd, true)
	return cmd
}

func newBackupRestoreCmd(e *env) *cobra.Command {
	var db string
	var force bool
	var f backupFlags
	cmd := &cobra.Command{
		Use:   "restore DIR --db DEST",
		Short: "Restore the index of the backup in DIR into DEST",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if db == "" {
				return &exitError{2, errors.New("restore: --db DEST is required (the index directory to write)")}
			}
			opts, err := f.options()
			if err != nil {
				return &exitError{2, err}
			}
			opts.Force = force
			m, err := backup.Restore(cmd.Context(), args[0], db, opts)
			if err != nil {
				return err
			}
			if f.asJSON {
				return json.NewEncoder(e.stdout).Encode(map[string]any{"id": m.ID, "db": db, "files": len(m.Files), "bytes": m.TotalSize()})
			}
			fmt.Fprintf(e.stdout, "restored backup %s (%d files, %s) into %s\n", m.ID, len(m.Files), humanBytes(m.TotalSize()), db)
			return nil
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "index directory to restore into (must be missing or empty unless --force)")
	cmd.Flags().BoolVar(&force, "force", false, "replace a non-empty DEST")
	f.register(cmd, false)
	return cmd
}

func newBackupListCmd(e *env) *cobra.Command {
	var f backupFlags
	cmd := &cobra.Command{
		Use:   "list DIR",
		Short: "Show the backup in DIR and the chain of backups it is incremental from",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := f.options()
			if err != nil {
				return &exitError{2, err}
			}
			chain, err := backup.OpenChain(cmd.Context(), args[0], opts.S3)
			if err != nil {
				return err
			}
			type item struct {
				Location string `json:"location"`
				*backup.Manifest
			}
			var items []item
			for i := range chain.Len() {
				items = append(items, item{chain.Location(i), chain.Manifest(i)})
			}
			if f.asJSON {
				return json.NewEncoder(e.stdout).Encode(items)
			}
			for _, it := range items {
				kind := "full"
				if it.Parent != nil {
					kind = "incremental"
				}
				own := 0
				for _, file := range it.Files {
					if file.In == it.ID {
						own++
					}
				}
				enc := ""
				if it.Encryption != "" {
					enc = ", encrypted (" + it.Encryption + ")"
				}
				fmt.Fprintf(e.stdout, "%s  %s  %s  %d files (%s), %d stored here%s  %s\n", it.ID, it.Created.Local().Format("2006-01-02 15:04:05"),
					kind, len(it.Files), humanBytes(it.TotalSize()), own, enc, it.Location)
			}
			return nil
		},
	}
	f.register(cmd, false)
	return cmd
}
