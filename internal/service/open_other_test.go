//go:build !unix

package service

import "testing"

// holdLock: without flock(2) the store cannot tell that a writer holds it.
func holdLock(t *testing.T, db string) { t.Skip("no flock(2): a writer's lock is not visible") }
