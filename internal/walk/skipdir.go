package walk

// SkippedDir reports whether Walk skips directories of this name with the
// default options: version-control and codegraph directories, and the
// dependency and tool directories of NoDefaultIgnores. (Build output
// directories, skipped only beside a build manifest, are not included.)
// Readers of trees that are not on disk (a git revision) use it to list
// the files a walk of that tree would.
func SkippedDir(name string) bool { return alwaysSkipped[name] || defaultIgnored[name] }
