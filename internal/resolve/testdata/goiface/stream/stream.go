package stream

import "io"

type Reader interface {
	Read(p []byte) (int, error)
}

type Writer interface {
	Write(p []byte) (int, error)
}

// ReadWriter's method set comes only from embedded interfaces.
type ReadWriter interface {
	Reader
	Writer
}

// Nested embeds an interface that itself only embeds.
type Nested interface {
	ReadWriter
}

// Conn embeds a composite standard interface only.
type Conn interface {
	io.ReadWriteCloser
}
