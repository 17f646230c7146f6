package vector

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"sync"
)

// Persistent is an index kept on disk as an immutable base file (Save's
// format, memory-mapped) plus an append-only delta log beside it
// (path+".log"). Add and Delete append to the log (one fsync per call)
// and to a small in-memory delta: a Flat index of the added rows and a
// set of base ids they replace or delete. Searches query the base (with
// those ids filtered out) and scan the delta, and merge the two. Merge
// folds the delta into the base and rewrites it; Add merges by itself
// once the delta holds more than MergeRows rows (the delta is scanned
// exactly by every search: 2,048 int8 rows of dim 384 cost ~0.3 ms).
//
// So a one-file change costs a log append and a few rows in the delta,
// not a rewrite of the base, and Open stays a mapping plus a replay of
// the log. The log names the base it extends (the base's body hash): a
// crash after a merge rewrote the base but before it reset the log
// leaves a log for the old base, which Open recognises and discards.
//
// Log layout: header "CGVECLOG" u32 version u32 dim u64 base hash, then
// records: u8 op (1 add, 2 delete), u64 id, for adds dim float32, and a
// CRC-32C of the record. A torn last record is dropped on Open.
type Persistent struct {
	mu    sync.RWMutex
	path  string
	base  *Index
	delta *Index
	gone  map[uint64]struct{} // base ids replaced or deleted since the base was written
	log   *os.File
	// MergeRows is the delta size that triggers a merge in Add (default 2048).
	MergeRows int
}

const (
	logMagic   = "CGVECLOG"
	logVersion = 1
	logHeader  = 24
	opAdd      = 1
	opDelete   = 2
)

// OpenPersistent opens the index at path, creating an empty one with
// opts if there is none (opts is ignored for an existing index: the file
// decides). A corrupt base file gives ErrFormat: delete it and rebuild.
func OpenPersistent(ctx context.Context, path string, opts Options) (*Persistent, error) {
	base, err := Open(path)
	if errors.Is(err, os.ErrNotExist) {
		base, err = New(opts)
		if err == nil {
			err = base.Save(path)
		}
	}
	if err != nil {
		return nil, err
	}
	p := &Persistent{path: path, base: base, gone: map[uint64]struct{}{}, MergeRows: 2048}
	if err := p.resetDelta(); err != nil {
		base.Close()
		return nil, err
	}
	if err := p.replay(ctx); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

func (p *Persistent) resetDelta() error {
	o := p.base.Options()
	o.Kind = Flat
	d, err := New(o)
	if err != nil {
		return err
	}
	if p.delta != nil {
		p.delta.Close()
	}
	p.delta = d
	clear(p.gone)
	return nil
}

// replay applies the log if it extends this base, then leaves the log
// open for appending (a fresh one when it did not match).
func (p *Persistent) replay(ctx context.Context) error {
	dim := p.base.Options().Dim
	hash := p.base.fileHash.Load()
	f, err := os.OpenFile(p.path+".log", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("vector: open log: %w", err)
	}
	p.log = f
	hdr := make([]byte, logHeader)
	_, err = io.ReadFull(f, hdr)
	le := binary.LittleEndian
	if err != nil || string(hdr[:8]) != logMagic || le.Uint32(hdr[8:]) != logVersion ||
		int(le.Uint32(hdr[12:])) != dim || le.Uint64(hdr[16:]) != hash {
		return p.resetLog()
	}
	r := bufio.NewReader(f)
	good := int64(logHeader)
	rec := make([]byte, 1+8+4*dim+4)
	vec := make([]float32, dim)
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		op, err := r.ReadByte()
		if err != nil {
			break
		}
		n := 1 + 8 + 4
		if op == opAdd {
			n += 4 * dim
		} else if op != opDelete {
			break
		}
		rec[0] = op
		if _, err := io.ReadFull(r, rec[1:n]); err != nil {
			break
		}
		if crc32.Checksum(rec[:n-4], castagnoli) != le.Uint32(rec[n-4:]) {
			break
		}
		id := le.Uint64(rec[1:])
		if op == opAdd {
			for j := range vec {
				vec[j] = math.Float32frombits(le.Uint32(rec[9+4*j:]))
			}
			if err := p.applyAdd(ctx, []uint64{id}, [][]float32{vec}); err != nil {
				return err
			}
		} else {
			p.applyDelete(id)
		}
		good += int64(n)
	}
	// Drop a torn tail so later appends follow the last good record.
	if err := f.Truncate(good); err != nil {
		return fmt.Errorf("vector: log: %w", err)
	}
	_, err = f.Seek(good, io.SeekStart)
	return err
}

func (p *Persistent) resetLog() error {
	hdr := make([]byte, logHeader)
	copy(hdr, logMagic)
	binary.LittleEndian.PutUint32(hdr[8:], logVersion)
	binary.LittleEndian.PutUint32(hdr[12:], uint32(p.base.Options().Dim))
	binary.LittleEndian.PutUint64(hdr[16:], p.base.fileHash.Load())
	if err := p.log.Truncate(0); err != nil {
		return fmt.Errorf("vector: log: %w", err)
	}
	if _, err := p.log.WriteAt(hdr, 0); err != nil {
		return fmt.Errorf("vector: log: %w", err)
	}
	if _, err := p.log.Seek(logHeader, io.SeekStart); err != nil {
		return err
	}
	return p.log.Sync()
}

func (p *Persistent) applyAdd(ctx context.Context, ids []uint64, vecs [][]float32) error {
	if err := p.delta.Add(ctx, ids, vecs); err != nil {
		return err
	}
	for _, id := range ids {
		p.gone[id] = struct{}{} // a base copy, if any, is superseded
	}
	return nil
}

func (p *Persistent) applyDelete(id uint64) {
	p.delta.Delete(id)
	p.gone[id] = struct{}{}
}

// Add inserts or replaces vectors, durably (logged and synced) when it
// returns nil.
func (p *Persistent) Add(ctx context.Context, ids []uint64, vecs [][]float32) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.log == nil {
		return ErrClosed
	}
	if len(ids) != len(vecs) {
		return fmt.Errorf("vector: %d ids for %d vectors", len(ids), len(vecs))
	}
	dim := p.base.Options().Dim
	var buf []byte
	for j, id := range ids {
		if len(vecs[j]) != dim {
			return fmt.Errorf("%w: got %d, index has %d", ErrDimension, len(vecs[j]), dim)
		}
		s := len(buf)
		buf = append(buf, opAdd)
		buf = binary.LittleEndian.AppendUint64(buf, id)
		for _, v := range vecs[j] {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		}
		buf = binary.LittleEndian.AppendUint32(buf, crc32.Checksum(buf[s:], castagnoli))
	}
	if err := p.appendLog(buf); err != nil {
		return err
	}
	if err := p.applyAdd(ctx, ids, vecs); err != nil {
		return err
	}
	if p.delta.Len() > p.MergeRows {
		return p.merge(ctx)
	}
	return nil
}

// Delete removes ids, durably when it returns nil.
func (p *Persistent) Delete(ids ...uint64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.log == nil {
		return ErrClosed
	}
	var buf []byte
	for _, id := range ids {
		s := len(buf)
		buf = append(buf, opDelete)
		buf = binary.LittleEndian.AppendUint64(buf, id)
		buf = binary.LittleEndian.AppendUint32(buf, crc32.Checksum(buf[s:], castagnoli))
	}
	if err := p.appendLog(buf); err != nil {
		return err
	}
	for _, id := range ids {
		p.applyDelete(id)
	}
	return nil
}

func (p *Persistent) appendLog(b []byte) error {
	if _, err := p.log.Write(b); err != nil {
		return fmt.Errorf("vector: log: %w", err)
	}
	if err := p.log.Sync(); err != nil {
		return fmt.Errorf("vector: log: %w", err)
	}
	return nil
}

// Search returns the k closest live ids passing filter, from the base
// and the delta.
func (p *Persistent) Search(ctx context.Context, q []float32, k int, filter Filter) ([]Result, error) {
	return p.SearchWith(ctx, q, k, SearchOptions{Filter: filter})
}

// SearchWith is Search with per-query settings (applied to the base).
func (p *Persistent) SearchWith(ctx context.Context, q []float32, k int, o SearchOptions) ([]Result, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.log == nil {
		return nil, ErrClosed
	}
	bo := o
	if len(p.gone) > 0 {
		user := o.Filter
		bo.Filter = func(id uint64) bool {
			if _, g := p.gone[id]; g {
				return false
			}
			return user == nil || user(id)
		}
	}
	res, err := p.base.SearchWith(ctx, q, k, bo)
	if err != nil || p.delta.Len() == 0 {
		return res, err
	}
	dr, err := p.delta.SearchWith(ctx, q, k, SearchOptions{Filter: o.Filter})
	if err != nil {
		return nil, err
	}
	res = append(res, dr...)
	sortResults(res)
	if len(res) > k {
		res = res[:k]
	}
	return res, nil
}

// Similarities sets dst[i] to the similarity of q to the vector stored
// under ids[i], or NaN when ids[i] is absent (see Index.Similarities).
func (p *Persistent) Similarities(q []float32, ids []uint64, dst []float32) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.log == nil {
		return ErrClosed
	}
	if err := p.base.Similarities(q, ids, dst); err != nil {
		return err
	}
	if len(p.gone) == 0 && p.delta.Len() == 0 {
		return nil
	}
	for i, id := range ids {
		if _, g := p.gone[id]; g {
			dst[i] = float32(math.NaN())
		}
	}
	if p.delta.Len() == 0 {
		return nil
	}
	dd := make([]float32, len(ids))
	if err := p.delta.Similarities(q, ids, dd); err != nil {
		return err
	}
	for i, v := range dd {
		if !math.IsNaN(float64(v)) {
			dst[i] = v
		}
	}
	return nil
}

func sortResults(rs []Result) {
	for a := 1; a < len(rs); a++ {
		c := rs[a]
		b := a - 1
		for b >= 0 && rs[b].Score < c.Score {
			rs[b+1] = rs[b]
			b--
		}
		rs[b+1] = c
	}
}

// Len is the number of live vectors.
func (p *Persistent) Len() int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	n := p.base.Len() + p.delta.Len()
	for id := range p.gone {
		if p.base.Contains(id) {
			n--
		}
	}
	return n
}

// DeltaLen is the number of rows waiting in the delta.
func (p *Persistent) DeltaLen() int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.delta.Len() + len(p.gone)
}

// Merge folds the delta into the base, rewrites the base file and
// resets the log.
func (p *Persistent) Merge(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.log == nil {
		return ErrClosed
	}
	return p.merge(ctx)
}

func (p *Persistent) merge(ctx context.Context) error {
	if len(p.gone) == 0 && p.delta.Len() == 0 {
		return nil
	}
	gone := make([]uint64, 0, len(p.gone))
	for id := range p.gone {
		gone = append(gone, id)
	}
	p.base.Delete(gone...)
	d := p.delta
	d.mu.RLock()
	var ids []uint64
	var vecs [][]float32
	for i := 0; i < d.r.n; i++ {
		if d.r.deleted(uint32(i)) {
			continue
		}
		v := make([]float32, d.r.dim)
		d.r.decode(v, uint32(i))
		ids = append(ids, d.r.ids[i])
		vecs = append(vecs, v)
	}
	d.mu.RUnlock()
	if err := p.base.Add(ctx, ids, vecs); err != nil {
		return err
	}
	if st := p.base.Stats(); st.Deleted > st.Live/4 {
		if err := p.base.Compact(ctx); err != nil {
			return err
		}
	}
	if err := p.base.Save(p.path); err != nil {
		return err
	}
	if err := p.resetDelta(); err != nil {
		return err
	}
	return p.resetLog()
}

// Stats reports the base index's size (the delta is not counted).
func (p *Persistent) Stats() Stats {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.base.Stats()
}

// Close closes the log and releases the base mapping.
func (p *Persistent) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.log == nil {
		return nil
	}
	err := p.log.Close()
	p.log = nil
	p.delta.Close()
	if e := p.base.Close(); err == nil {
		err = e
	}
	return err
}
