// Package fileid tells versions of a file apart without reading it: by
// device, inode, size and modification time, as a process that reopens
// the same index files after every update needs to know whether it has
// already checked or decoded a file.
package fileid

import (
	"io/fs"
	"sync"
)

// ID identifies one version of a file. Writers that replace a file
// (write a new one and rename it) give it a new inode; a file rewritten in
// place gets a new modification time, at the file system's granularity.
type ID struct {
	Dev, Ino uint64 // zero where the platform does not report them
	Size     int64
	Mod      int64 // modification time, Unix nanoseconds
}

// Of returns the ID of the file fi describes.
func Of(fi fs.FileInfo) ID {
	id := ID{Size: fi.Size(), Mod: fi.ModTime().UnixNano()}
	id.Dev, id.Ino = devIno(fi)
	return id
}

// Verified is the set of file versions a process has verified (checksums
// checked), each with the checksum its header records, so that reopening
// an unchanged file skips the check. The zero value is ready; it is safe
// for concurrent use.
type Verified struct{ m sync.Map }

type versionSum struct {
	ID
	sum uint64
}

// Has reports whether the version id with recorded checksum sum was
// verified.
func (v *Verified) Has(id ID, sum uint64) bool {
	_, ok := v.m.Load(versionSum{id, sum})
	return ok
}

// Add records that the version id with recorded checksum sum verified.
func (v *Verified) Add(id ID, sum uint64) { v.m.Store(versionSum{id, sum}, struct{}{}) }

// Forget drops the version id with recorded checksum sum (it failed).
func (v *Verified) Forget(id ID, sum uint64) { v.m.Delete(versionSum{id, sum}) }

// Clear forgets every version.
func (v *Verified) Clear() { v.m.Clear() }

// Len returns the number of versions recorded.
func (v *Verified) Len() int {
	n := 0
	v.m.Range(func(any, any) bool { n++; return true })
	return n
}
