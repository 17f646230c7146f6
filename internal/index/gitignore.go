package index

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// storeGitignore is written into a store directory so that git never
// shows the index in `git status`.
const storeGitignore = "# Written by codegraph: the index is a cache of the source; keep it out of git.\n*\n"

// ignoreStore writes .gitignore (containing `*`) into the store directory
// dir when codegraph owns it: it was created by this open (created), or it
// has the default name .codegraph. A directory the user named with --db
// that existed before is left alone (a `*` there could hide their files
// from git), and an existing .gitignore is never replaced.
func ignoreStore(dir string, created bool) error {
	if !created && filepath.Base(filepath.Clean(dir)) != DefaultDirName {
		return nil
	}
	p := filepath.Join(dir, ".gitignore")
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = f.WriteString(storeGitignore)
	return errors.Join(err, f.Close())
}
