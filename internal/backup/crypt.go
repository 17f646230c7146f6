package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
)

// Encryption schemes of a backup's data files (Manifest.Encryption).
const (
	// SchemePassphrase: each backup has its own random age X25519 key,
	// stored in key.age encrypted with the passphrase (age's scrypt), so
	// the passphrase's deliberately slow key derivation runs once per
	// backup, not once per file.
	SchemePassphrase = "age-passphrase"
	// SchemeRecipients: the data files are encrypted to age public keys;
	// restoring needs a matching identity (private key).
	SchemeRecipients = "age-recipients"
	keyName          = "key.age"
)

// ErrDecrypt: the passphrase or identity does not open the backup.
var ErrDecrypt = errors.New("cannot decrypt the backup (wrong passphrase or identity?)")

// Encryption configures encryption: Create encrypts with Passphrase or to
// Recipients (one of them); Restore decrypts with Passphrase or
// Identities, whichever the backups of the chain need.
type Encryption struct {
	Passphrase string
	// WorkFactor is the log2 of scrypt's work for a new passphrase
	// backup; 0 means age's default (18: about a second).
	WorkFactor int
	Recipients []age.Recipient
	Identities []age.Identity
}

func (e *Encryption) scheme() string {
	switch {
	case e == nil:
		return ""
	case e.Passphrase != "":
		return SchemePassphrase
	case len(e.Recipients) > 0:
		return SchemeRecipients
	}
	return ""
}

// ParseRecipients parses age public keys ("age1..."), given on the
// command line or one per line of a file.
func ParseRecipients(keys string) ([]age.Recipient, error) {
	rs, err := age.ParseRecipients(strings.NewReader(keys))
	if err != nil {
		return nil, fmt.Errorf("backup: recipients: %w", err)
	}
	return rs, nil
}

// ParseIdentities parses an age identity file (AGE-SECRET-KEY-1...).
func ParseIdentities(r io.Reader) ([]age.Identity, error) {
	ids, err := age.ParseIdentities(r)
	if err != nil {
		return nil, fmt.Errorf("backup: identity: %w", err)
	}
	return ids, nil
}

// sealer encrypts the data files of one new backup.
type sealer struct{ recipients []age.Recipient }

// newSealer prepares the encryption of a new backup in dst: with a
// passphrase it generates the backup's key and stores key.age.
func newSealer(ctx context.Context, dst Target, e *Encryption) (*sealer, error) {
	switch e.scheme() {
	case "":
		return nil, nil
	case SchemeRecipients:
		return &sealer{recipients: e.Recipients}, nil
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, err
	}
	pr, err := age.NewScryptRecipient(e.Passphrase)
	if err != nil {
		return nil, err
	}
	if e.WorkFactor > 0 {
		pr.SetWorkFactor(e.WorkFactor)
	}
	var buf strings.Builder
	w, err := age.Encrypt(&buf, pr)
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(w, id.String()); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	if err := dst.Put(ctx, keyName, strings.NewReader(buf.String()), int64(buf.Len())); err != nil {
		return nil, fmt.Errorf("backup: write %s: %w", keyName, err)
	}
	return &sealer{recipients: []age.Recipient{id.Recipient()}}, nil
}

func (s *sealer) encrypt(w io.Writer) (io.WriteCloser, error) {
	return age.Encrypt(w, s.recipients...)
}

// openers returns, for each encrypted backup of the chain, the identities
// that decrypt its data files.
func openers(ctx context.Context, c *Chain, e *Encryption) (map[string][]age.Identity, error) {
	out := map[string][]age.Identity{}
	for i := range c.Len() {
		m := c.Manifest(i)
		switch m.Encryption {
		case "":
		case SchemeRecipients:
			if e == nil || len(e.Identities) == 0 {
				return nil, fmt.Errorf("backup %s is encrypted to age public keys: give the identity file (--identity)", c.Location(i))
			}
			out[m.ID] = e.Identities
		case SchemePassphrase:
			if e == nil || e.Passphrase == "" {
				return nil, fmt.Errorf("backup %s is encrypted with a passphrase: give it (--encrypt-passphrase-file)", c.Location(i))
			}
			id, err := backupKey(ctx, c.targets[i], e.Passphrase)
			if err != nil {
				return nil, fmt.Errorf("backup %s: %w", c.Location(i), err)
			}
			out[m.ID] = []age.Identity{id}
		default:
			return nil, fmt.Errorf("backup %s: unknown encryption %q", c.Location(i), m.Encryption)
		}
	}
	return out, nil
}

// backupKey decrypts the key of a passphrase-encrypted backup.
func backupKey(ctx context.Context, t Target, passphrase string) (age.Identity, error) {
	rc, err := t.Get(ctx, keyName)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	si, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return nil, err
	}
	r, err := age.Decrypt(rc, si)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecrypt, err)
	}
	b, err := io.ReadAll(io.LimitReader(r, 1<<10))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecrypt, err)
	}
	return age.ParseX25519Identity(strings.TrimSpace(string(b)))
}
