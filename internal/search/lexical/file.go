package lexical

import (
	"path/filepath"

	"github.com/codegraph-dev/codegraph/internal/indexfile"
)

// fileKind names lexical segments in their indexfile container.
const fileKind = "LEXS"

// writeSegment publishes the segment secs as dir/name (indexfile: a temp
// file, synced, renamed, with block checksums).
func writeSegment(dir, name string, secs *sections) error {
	return indexfile.WriteFile(filepath.Join(dir, name), fileKind, segVersion, secs.encode())
}

// openSegment maps the segment file at path and decodes it; verify checks
// every block's checksum and the whole structure, else blocks are checked
// as reads first touch them (segment.check).
func openSegment(path string, verify bool) (*segment, error) {
	f, err := indexfile.Open(path, fileKind, segVersion)
	if err != nil {
		return nil, err
	}
	if verify {
		err = f.Verify()
	} else {
		err = f.VerifyRange(0, min(headerSize, len(f.Body())))
	}
	var s *segment
	if err == nil {
		s, err = decodeSegment(f.Body(), verify)
		if err != nil {
			err = indexfile.Corruptf(path, "%v", err)
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	s.file = f
	return s, nil
}
