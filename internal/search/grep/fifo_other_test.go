//go:build !unix

package grep

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs on this system") }
