//go:build !unix

package repofile

const oNonblock = 0
