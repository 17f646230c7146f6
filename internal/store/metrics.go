package store

import (
	"bytes"
	"sort"
)

// EngineMetrics are the storage engine's (Pebble's) figures an operator
// watches: compaction activity and debt, the shape of level 0, read and
// write amplification, the block cache and the space on disk. Counters
// count since the store was opened.
type EngineMetrics struct {
	Compactions           int64   // compactions completed
	CompactionsInProgress int64   // compactions running now
	CompactionDebtBytes   uint64  // bytes compactions must still rewrite
	Flushes               int64   // memtable flushes completed
	L0Sublevels           int     // sublevels of level 0 (read amplification from L0)
	L0Files               int64   // tables in level 0
	ReadAmp               int     // tables a point read may consult (L0 sublevels + non-empty levels)
	WriteAmp              float64 // bytes written by flushes and compactions per byte flushed in
	BlockCacheHits        int64
	BlockCacheMisses      int64
	BlockCacheBytes       int64
	MemTableBytes         uint64
	DiskBytes             uint64 // live tables, WAL and obsolete files not yet deleted
	Tables                int64  // tables over all levels
}

// EngineMetrics reads the storage engine's current figures.
func (s *Store) EngineMetrics() EngineMetrics {
	m := s.db.Metrics()
	total := m.Total()
	// Pebble updates the sublevel figures when the LSM changes, so a store
	// opened and not written since reports none: count them here then.
	l0 := int(m.Levels[0].Sublevels)
	if l0 == 0 && m.Levels[0].TablesCount > 0 {
		l0 = s.l0Depth(int(m.Levels[0].TablesCount))
	}
	readAmp := l0
	for _, l := range m.Levels[1:] {
		if l.TablesCount > 0 {
			readAmp++
		}
	}
	return EngineMetrics{
		Compactions:           m.Compact.Count,
		CompactionsInProgress: m.Compact.NumInProgress,
		CompactionDebtBytes:   m.Compact.EstimatedDebt,
		Flushes:               m.Flush.Count,
		L0Sublevels:           l0,
		L0Files:               m.Levels[0].TablesCount,
		ReadAmp:               readAmp,
		WriteAmp:              total.WriteAmp(),
		BlockCacheHits:        m.BlockCache.Hits,
		BlockCacheMisses:      m.BlockCache.Misses,
		BlockCacheBytes:       m.BlockCache.Size,
		MemTableBytes:         m.MemTable.Size,
		DiskBytes:             m.DiskSpaceUsage(),
		Tables:                total.TablesCount,
	}
}

// l0Depth is the largest number of level-0 tables whose key ranges overlap
// at one key: the tables a read there consults, what Pebble's sublevels
// count. It returns n (the number of level-0 tables, an upper bound) when
// the tables cannot be listed.
func (s *Store) l0Depth(n int) int {
	levels, err := s.db.SSTables()
	if err != nil || len(levels) == 0 {
		return n
	}
	type bound struct {
		key   []byte
		start bool
	}
	var bs []bound
	for _, t := range levels[0] {
		bs = append(bs, bound{t.Smallest.UserKey, true}, bound{t.Largest.UserKey, false})
	}
	// Ranges are closed: at equal keys, starts come before ends.
	sort.Slice(bs, func(i, j int) bool {
		if c := bytes.Compare(bs[i].key, bs[j].key); c != 0 {
			return c < 0
		}
		return bs[i].start && !bs[j].start
	})
	depth, deepest := 0, 0
	for _, b := range bs {
		if b.start {
			depth++
			deepest = max(deepest, depth)
		} else {
			depth--
		}
	}
	return deepest
}
