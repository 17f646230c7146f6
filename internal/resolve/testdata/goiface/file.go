package goiface

import "example.com/goiface/stream"

type File struct{}

func (f *File) Read(p []byte) (int, error)  { return 0, nil }
func (f *File) Write(p []byte) (int, error) { return len(p), nil }
func (f *File) Close() error                { return nil }

// ReadOnly reads only.
type ReadOnly struct{}

func (ReadOnly) Read(p []byte) (int, error) { return 0, nil }

func copyOne(rw stream.ReadWriter, c stream.Conn) {
	rw.Read(nil)
	c.Close()
}
