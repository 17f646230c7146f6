package backup

import "io"

// Crypt encrypts the data files of a backup and decrypts them.
type Crypt interface {
	// Scheme names the encryption in the manifest.
	Scheme() string
	// Encrypt returns a writer whose Close finishes the ciphertext in w.
	Encrypt(w io.Writer) (io.WriteCloser, error)
	// Decrypt returns the plaintext of r.
	Decrypt(r io.Reader) (io.Reader, error)
}
