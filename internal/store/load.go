package store

import (
	"bufio"
	"bytes"
	"container/heap"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/objstorage/objstorageprovider"
	"github.com/cockroachdb/pebble/v2/sstable"
	"github.com/cockroachdb/pebble/v2/vfs"
	"golang.org/x/sync/errgroup"
)

// A bulk load (NewLoadBatch) writes many facts without going through
// Pebble's write-ahead log, memtables, flushes and compactions: each
// commit sorts the batch's writes into a run file under loadDirName;
// Ingest merges the runs, range by range (loadSplits) and in parallel,
// into sorted tables that do not overlap one another, and ingests them
// all in one atomic step. The first facts of a store land in the bottom
// level of the LSM as a compaction would have left them; a load over
// them (the resolution that follows) in the level above, its deletions
// as tombstones. Memory stays one batch, plus a read buffer per run and
// one table's blocks per merging goroutine.

// loadDirName is the directory, inside the store's, that holds a bulk
// load's runs and tables until they are ingested. A writer's Open deletes
// what a killed load left there.
const loadDirName = "load.tmp"

const (
	// loadTableSize is the size at which a merge starts its next table.
	loadTableSize = 64 << 20
	// loadReadBuf is each run's read buffer during a merge.
	loadReadBuf = 128 << 10
)

// loadSplits divide the key space into the ranges a bulk load merges
// independently into tables of their own: the key spaces, the largest
// (nodes, incoming and outgoing edges, whose keys lead with a hashed id)
// halved. Tables then never straddle two spaces, so the store's own keys
// written beside the load (index-wide metas, the format version) overlap
// none of them.
var loadSplits = [][]byte{
	{famNodes, 0x80},
	{famEdges},
	{famEdges, spaceIn, 0x80},
	{famEdges, spaceOut},
	{famEdges, spaceOut, 0x80},
	{famEdges, spaceUnresolved},
	{famIndex},
	{famIndex, spaceLower},
	{famIndex, spaceQName},
	{famMeta},
}

// ErrNotBare is returned (wrapped) by a bulk load's ReplaceFile of a path
// that may have facts in the store: one the store held when it was opened
// or that was written since.
var ErrNotBare = errors.New("store: a bulk load writes only files the store has never held")

// loader is the state of a bulk load.
type loader struct {
	dir  string
	runs []loadRun
	done bool // ingested or abandoned
}

// loadRun is one sorted run file: records uvarint(len(key)) |
// uvarint(len(value)<<1 | deleted) | key | value in key order, each key
// once.
type loadRun struct {
	path string
	// parts[i] is the offset of the first record of range i (the keys
	// below loadSplits[i], above the previous split); the last entry is
	// the file's size.
	parts []int64
}

// Bare reports whether the store had no file when it was opened and no
// file has been written since: a bulk load (NewLoadBatch) may write any
// path.
func (s *Store) Bare() bool {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.bare && len(s.written) == 0
}

// NewLoadBatch returns a batch for a bulk load. It accepts the updates
// that read nothing: ReplaceFile of a path the store never held (not
// held when it was opened, not written since: else an error wrapping
// ErrNotBare), each path once over the whole load, ResolveEdge and
// UnresolveEdge. Commit (any number of times) sorts what was given since
// the last commit into a run file instead of applying it, so nothing of
// the load is visible to reads until Ingest, which applies it all at
// once. Close without Ingest discards the load. A load killed part-way
// leaves the store as it was (its files are deleted by the next writer's
// Open).
func (s *Store) NewLoadBatch() (*Batch, error) {
	if s.readOnly {
		return nil, ErrReadOnly
	}
	dir := filepath.Join(s.dir, loadDirName)
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("store: bulk load: %w", err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store: bulk load: %w", err)
	}
	b := s.NewBatch()
	b.load = &loader{dir: dir}
	return b, nil
}

// removeLoadDir deletes the files of a bulk load that did not finish.
func removeLoadDir(dir string) error {
	return os.RemoveAll(filepath.Join(dir, loadDirName))
}

// spill writes the pending ops as the load's next run.
func (b *Batch) spill() (err error) {
	l := b.load
	path := filepath.Join(l.dir, fmt.Sprintf("run-%06d", len(l.runs)))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	run := loadRun{path: path, parts: make([]int64, 0, len(loadSplits)+2)}
	run.parts = append(run.parts, 0)
	var off int64
	var hdr [2 * binary.MaxVarintLen32]byte
	b.sortOps()
	err = b.eachOp(func(k, v []byte, del bool) error {
		vl := uint64(len(v)) << 1
		if del {
			vl |= 1
		}
		for len(run.parts) <= len(loadSplits) && bytes.Compare(k, loadSplits[len(run.parts)-1]) >= 0 {
			run.parts = append(run.parts, off)
		}
		n := binary.PutUvarint(hdr[:], uint64(len(k)))
		n += binary.PutUvarint(hdr[n:], vl)
		w.Write(hdr[:n])
		w.Write(k)
		w.Write(v)
		off += int64(n + len(k) + len(v))
		return nil
	})
	if err != nil {
		return err
	}
	for len(run.parts) < len(loadSplits)+2 {
		run.parts = append(run.parts, off)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	l.runs = append(l.runs, run)
	return nil
}

// Ingest ends a bulk load (NewLoadBatch): it commits what is pending,
// merges the runs into sorted tables and ingests them into the store in
// one atomic step. The batch accepts no more writes.
func (b *Batch) Ingest(ctx context.Context) error {
	if b.load == nil || b.load.done {
		return errors.New("store: ingest: not a bulk load")
	}
	if err := b.Commit(false); err != nil {
		return err
	}
	l := b.load
	l.done = true
	defer os.RemoveAll(l.dir)
	paths, err := b.s.mergeLoad(ctx, l)
	if err != nil {
		b.err = fmt.Errorf("store: bulk load: %w", err)
		return b.err
	}
	if len(paths) == 0 {
		return nil
	}
	if err := b.s.ingest(ctx, paths); err != nil {
		b.err = fmt.Errorf("store: bulk load: %w", err)
		return b.err
	}
	return nil
}

// ingest syncs the write-ahead log, then ingests the tables at paths.
// An ingestion does not go through the log: without the sync, a write
// committed before it without a sync (an index run's marker that says
// the run is under way) could be lost by a crash that keeps the ingested
// tables, and the store would hold later facts without the earlier write
// that gives their meaning.
func (s *Store) ingest(ctx context.Context, paths []string) (err error) {
	defer s.guard(&err)
	if err := s.db.LogData(nil, pebble.Sync); err != nil {
		return err
	}
	return s.db.Ingest(ctx, paths)
}

// mergeLoad merges the runs of l into tables, one range (loadSplits) per
// goroutine at a time, and returns their paths in key order.
func (s *Store) mergeLoad(ctx context.Context, l *loader) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	nparts := len(loadSplits) + 1
	size := make([]int64, nparts)
	for _, r := range l.runs {
		for p := range nparts {
			size[p] += r.parts[p+1] - r.parts[p]
		}
	}
	order := make([]int, nparts)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return int(size[y] - size[x]) })
	tables := make([][]string, nparts)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, p := range order {
		if size[p] == 0 {
			continue
		}
		g.Go(func() error {
			t, err := s.mergeRange(gctx, l, p)
			tables[p] = t
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return slices.Concat(tables...), nil
}

// mergeRange merges range p of every run into tables; of a key in several
// runs, the latest run's value is kept.
func (s *Store) mergeRange(ctx context.Context, l *loader, p int) (paths []string, err error) {
	var h cursorHeap
	defer func() {
		for _, c := range h {
			c.f.Close()
		}
	}()
	for i, r := range l.runs {
		if r.parts[p+1] == r.parts[p] {
			continue
		}
		f, err := os.Open(r.path)
		if err != nil {
			return nil, err
		}
		c := &loadCursor{f: f, run: i,
			r: bufio.NewReaderSize(io.NewSectionReader(f, r.parts[p], r.parts[p+1]-r.parts[p]), loadReadBuf)}
		h = append(h, c)
		ok, err := c.next()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.path, err)
		}
		if !ok {
			c.f.Close()
			h = h[:len(h)-1]
		}
	}
	heap.Init(&h)

	var w *sstable.Writer
	defer func() {
		if w != nil {
			w.Close() // on error only; the table is deleted with the load
		}
	}()
	var last []byte
	n := 0
	for len(h) > 0 {
		c := h[0]
		if n == 0 || !bytes.Equal(c.key, last) { // else an older run's value
			if w != nil && w.Raw().EstimatedSize() >= loadTableSize {
				if err := w.Close(); err != nil {
					w = nil
					return nil, err
				}
				w = nil
			}
			if w == nil {
				path := filepath.Join(l.dir, fmt.Sprintf("%02d-%04d.sst", p, len(paths)))
				f, err := vfs.Default.Create(path, vfs.WriteCategoryUnspecified)
				if err != nil {
					return nil, err
				}
				w = sstable.NewWriter(objstorageprovider.NewFileWritable(f), s.tableOpts)
				paths = append(paths, path)
			}
			if c.del {
				err = w.Delete(c.key)
			} else {
				err = w.Set(c.key, c.val)
			}
			if err != nil {
				return nil, err
			}
			last = append(last[:0], c.key...)
			if n++; n%(1<<16) == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
		}
		ok, err := c.next()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.runs[c.run].path, err)
		}
		if ok {
			heap.Fix(&h, 0)
		} else {
			c.f.Close()
			heap.Pop(&h)
		}
	}
	if w != nil {
		err := w.Close()
		w = nil
		if err != nil {
			return nil, err
		}
	}
	return paths, nil
}

// loadCursor reads one range of one run.
type loadCursor struct {
	f        *os.File
	r        *bufio.Reader
	run      int
	key, val []byte
	del      bool
}

// next reads the next record; ok is false at the end of the range.
func (c *loadCursor) next() (ok bool, err error) {
	klen, err := binary.ReadUvarint(c.r)
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	vl, err := binary.ReadUvarint(c.r)
	if err != nil {
		return false, noEOF(err)
	}
	vlen, del := vl>>1, vl&1 == 1
	c.del = del
	c.key = slices.Grow(c.key[:0], int(klen))[:klen]
	if _, err := io.ReadFull(c.r, c.key); err != nil {
		return false, noEOF(err)
	}
	c.val = slices.Grow(c.val[:0], int(vlen))[:vlen]
	if _, err := io.ReadFull(c.r, c.val); err != nil {
		return false, noEOF(err)
	}
	return true, nil
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// cursorHeap orders cursors by key, and the cursors of one key latest run
// first.
type cursorHeap []*loadCursor

func (h cursorHeap) Len() int { return len(h) }
func (h cursorHeap) Less(i, j int) bool {
	if c := bytes.Compare(h[i].key, h[j].key); c != 0 {
		return c < 0
	}
	return h[i].run > h[j].run
}
func (h cursorHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)   { *h = append(*h, x.(*loadCursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}
