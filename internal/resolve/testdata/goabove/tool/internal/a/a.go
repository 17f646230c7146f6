package a

import "example.com/above/tool/internal/b"

// Run calls into a sibling package of the indexed directory.
func Run() { b.Help() }
