package backup

import (
	"context"
	"fmt"
)

// maxChain bounds the length of an incremental chain (and catches a
// chain that loops).
const maxChain = 1000

// Chain is a backup and the backups it is incremental from, newest first.
type Chain struct {
	manifests []*Manifest
	targets   []Target
	holder    map[string]string // sha256 -> ID of the backup whose data/ holds it
	byID      map[string]int
}

// OpenChain reads the backup at location and, following Parent, every
// backup it depends on, checking that each parent is the backup its child
// was made from (by ID).
func OpenChain(ctx context.Context, location string, s3 S3Config) (*Chain, error) {
	c := &Chain{holder: map[string]string{}, byID: map[string]int{}}
	var want string
	for loc := location; ; {
		t, err := Open(ctx, loc, s3)
		if err != nil {
			return nil, err
		}
		m, err := readManifest(ctx, t)
		if err != nil {
			if len(c.manifests) > 0 {
				return nil, fmt.Errorf("backup %s depends on %s: %w", c.targets[len(c.targets)-1], loc, err)
			}
			return nil, err
		}
		if want != "" && m.ID != want {
			return nil, fmt.Errorf("backup %s depends on backup %s, but %s holds backup %s (replaced?)",
				c.targets[len(c.targets)-1], want, loc, m.ID)
		}
		if _, dup := c.byID[m.ID]; dup || len(c.manifests) >= maxChain {
			return nil, fmt.Errorf("backup %s: the chain of incremental backups loops or is longer than %d", location, maxChain)
		}
		c.byID[m.ID] = len(c.manifests)
		c.manifests = append(c.manifests, m)
		c.targets = append(c.targets, t)
		for _, f := range m.Files {
			if f.In == m.ID {
				if _, ok := c.holder[f.SHA256]; !ok {
					c.holder[f.SHA256] = m.ID
				}
			}
		}
		if m.Parent == nil {
			break
		}
		loc, want = m.Parent.Location, m.Parent.ID
	}
	// Every file must be held by a backup of the chain.
	for _, m := range c.manifests {
		for _, f := range m.Files {
			if _, ok := c.byID[f.In]; !ok {
				return nil, fmt.Errorf("backup %s: file %s is in backup %s, which is not in its chain", m.ID, f.Path, f.In)
			}
		}
	}
	return c, nil
}

// Head is the newest backup of the chain (the one OpenChain was given).
func (c *Chain) Head() *Manifest { return c.manifests[0] }

// Len is the number of backups in the chain.
func (c *Chain) Len() int { return len(c.manifests) }

// Manifest returns the i-th backup of the chain, newest first.
func (c *Chain) Manifest(i int) *Manifest { return c.manifests[i] }

// Location is where the i-th backup of the chain is.
func (c *Chain) Location(i int) string { return c.targets[i].String() }

// Holder returns the ID of a backup of the chain that stores content with
// the checksum sum, or "".
func (c *Chain) Holder(sum string) string { return c.holder[sum] }

func (c *Chain) target(id string) Target { return c.targets[c.byID[id]] }
