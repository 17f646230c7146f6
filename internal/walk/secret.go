package walk

import (
	"bytes"
	"strings"
)

// IsBinary reports whether content looks binary: it has a NUL byte in its
// first 8000 bytes, the test git uses.
func IsBinary(content []byte) bool {
	if len(content) > 8000 {
		content = content[:8000]
	}
	return bytes.IndexByte(content, 0) >= 0
}

// IsSecret reports whether a repository-relative, slash-separated path names
// a file that must never be indexed: environment files, private keys and
// key stores, credential and token files. Names are compared without regard
// to ASCII case, so that "ID_RSA" and "Secrets.YML" are caught too.
func IsSecret(relPath string) bool {
	name := relPath[strings.LastIndexByte(relPath, '/')+1:]
	switch {
	case strings.EqualFold(name, ".env"),
		hasPrefixFold(name, ".env."),
		strings.EqualFold(name, ".envrc"),
		strings.EqualFold(name, ".netrc"),
		strings.EqualFold(name, ".npmrc"),
		strings.EqualFold(name, ".pypirc"),
		strings.EqualFold(name, "credentials"), // also .aws/credentials
		strings.EqualFold(name, "credentials.json"),
		strings.EqualFold(name, "secrets.yml"),
		strings.EqualFold(name, "secrets.yaml"),
		strings.EqualFold(name, "secrets.json"),
		hasPrefixFold(name, "id_rsa"),
		hasPrefixFold(name, "id_dsa"),
		hasPrefixFold(name, "id_ecdsa"),
		hasPrefixFold(name, "id_ed25519"):
		return true
	}
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 {
		return false
	}
	for _, ext := range secretExts {
		if strings.EqualFold(name[dot:], ext) {
			return true
		}
	}
	return false
}

// secretExts are the extensions of key, certificate-bundle, key-store and
// password-database files.
var secretExts = [...]string{
	".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".kdbx", ".credentials",
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
