package grep

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/codegraph-dev/codegraph/internal/repofile"
)

// Query is one search.
type Query struct {
	Pattern string
	Mode    Mode
	// IgnoreCase matches without regard to case (Unicode simple folding).
	IgnoreCase bool
	// Limit caps the number of matching lines returned (0: no limit). The
	// lines returned are always the first ones in (path, line) order.
	Limit int
	// Filter, when set, keeps only the files whose repository-relative path
	// it accepts (see PathFilter and LangFilter). It is called before any
	// file is read and must be safe for concurrent use.
	Filter func(path string) bool
	// MaxLineLen caps the bytes of line text returned per match; default
	// 256. Longer lines are cut to a window around the match.
	MaxLineLen int
	// Workers bounds parallel verification; default GOMAXPROCS.
	Workers int
	// Read, when set, supplies a file's current content instead of reading
	// root/path from disk (an editor's unsaved buffers, contents kept in
	// memory). It may reuse buf; an error wrapping fs.ErrNotExist counts the
	// file as missing. It must be safe for concurrent use.
	Read func(path string, buf []byte) ([]byte, error)
}

// Match is one matching line.
type Match struct {
	Path   string // repository-relative, slash-separated
	Line   int    // 1-based
	Column int    // 1-based byte offset of the first match in the line
	// End is the 1-based byte column just past the first match.
	End  int
	Text string // the line (without its newline), cut to MaxLineLen
	// TextStart is the 0-based byte offset of Text in the line (non-zero when
	// a long line was cut).
	TextStart int
}

// Stats says how much work a search did.
type Stats struct {
	Files      int    // files in the index
	Candidates int    // files the trigram query let through (before Filter)
	Filtered   int    // candidates the Filter rejected
	Scanned    int    // files read and verified
	Matched    int    // files with at least one match
	Missing    int    // candidates that no longer exist or are not regular files
	Unreadable int    // candidates that could not be read
	Stale      int    // files whose size differs from the indexed one (reindex)
	Bytes      int64  // bytes verified
	FullScan   bool   // the pattern gave no trigram constraint: every file was a candidate
	Plan       string // the trigram query, for diagnostics
}

// Result is the outcome of Search.
type Result struct {
	Matches []Match
	// Truncated is true when Limit cut the results.
	Truncated bool
	Stats     Stats
}

// maxPlan caps the length of Stats.Plan.
const maxPlan = 1000

type candidate struct {
	path string
	size int64
}

// Search finds the lines matching q in the indexed files, reading each
// candidate's current content from root (the directory the indexed paths
// are relative to). Files that vanished are skipped and counted. Errors
// are ErrBadPattern for a pattern that cannot be searched, ErrCorrupt for
// a damaged index, or the context's error.
func (ix *Index) Search(ctx context.Context, root string, q Query) (*Result, error) {
	m, err := compile(q.Pattern, q.Mode, q.IgnoreCase)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	res.Stats.Plan = m.query.String()
	if len(res.Stats.Plan) > maxPlan {
		res.Stats.Plan = res.Stats.Plan[:maxPlan] + "…"
	}
	res.Stats.FullScan = m.query.op == qAll
	cands, files, err := ix.candidates(m.query)
	if err != nil {
		return nil, err
	}
	res.Stats.Files, res.Stats.Candidates = files, len(cands)
	if q.Filter != nil {
		w := 0
		for _, c := range cands {
			if q.Filter(c.path) {
				cands[w] = c
				w++
			}
		}
		res.Stats.Filtered = len(cands) - w
		cands = cands[:w]
	}
	if err := verify(ctx, root, m, q, cands, res); err != nil {
		return nil, err
	}
	return res, nil
}

// candidates evaluates the trigram query on both segments and returns the
// live files that may match, sorted by path, plus the live file count.
func (ix *Index) candidates(q *tquery) ([]candidate, int, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.base == nil {
		return nil, 0, errors.New("grep: index is closed")
	}
	var out []candidate
	baseIDs, baseAll, err := eval(ix.base, q)
	if err != nil {
		return nil, 0, err
	}
	var deltaIDs []uint32
	deltaAll := false
	if ix.delta != nil {
		if deltaIDs, deltaAll, err = eval(ix.delta, q); err != nil {
			return nil, 0, err
		}
	}
	next := func(seg *segment, ids []uint32, all bool, k *int) (int, bool) {
		for {
			var id int
			if all {
				if *k >= int(seg.nDocs) {
					return 0, false
				}
				id = *k
			} else {
				if *k >= len(ids) {
					return 0, false
				}
				id = int(ids[*k])
			}
			*k++
			if seg == ix.base && ix.isDead(uint32(id)) {
				continue
			}
			return id, true
		}
	}
	var bk, dk int
	bid, bok := next(ix.base, baseIDs, baseAll, &bk)
	var dID int
	dok := false
	if ix.delta != nil {
		dID, dok = next(ix.delta, deltaIDs, deltaAll, &dk)
	}
	for bok || dok {
		takeBase := bok && (!dok || bytes.Compare(ix.base.pathBytes(bid), ix.delta.pathBytes(dID)) < 0)
		if takeBase {
			p, size, _ := ix.base.doc(bid)
			out = append(out, candidate{p, int64(size)})
			bid, bok = next(ix.base, baseIDs, baseAll, &bk)
		} else {
			p, size, _ := ix.delta.doc(dID)
			out = append(out, candidate{p, int64(size)})
			dID, dok = next(ix.delta, deltaIDs, deltaAll, &dk)
		}
	}
	return out, ix.lenLocked(), nil
}

// eval returns the ids of the segment's files satisfying q (sorted), or
// all=true when q constrains nothing.
func eval(s *segment, q *tquery) (ids []uint32, all bool, err error) {
	switch q.op {
	case qAll:
		return nil, true, nil
	case qNone:
		return nil, false, nil
	}
	// Trigram leaves, cheapest first for AND.
	lists := make([][]byte, 0, len(q.tris))
	for _, t := range q.tris {
		p, err := s.lookup(t)
		if err != nil {
			return nil, false, err
		}
		if p == nil && q.op == qAnd {
			return nil, false, nil
		}
		lists = append(lists, p)
	}
	if q.op == qAnd {
		sort.Slice(lists, func(i, j int) bool { return len(lists[i]) < len(lists[j]) })
		have := false
		var scratch []uint32
		for _, p := range lists {
			if have && len(ids) == 0 {
				return nil, false, nil
			}
			scratch, err = decodeGaps(scratch[:0], p, s.nDocs)
			if err != nil {
				return nil, false, corruptf(s.name, "%v", err)
			}
			if !have {
				ids, have = slices.Clone(scratch), true
			} else {
				ids = intersect(ids, scratch)
			}
		}
		for _, sub := range q.subs {
			if have && len(ids) == 0 {
				return nil, false, nil
			}
			sids, sall, err := eval(s, sub)
			if err != nil {
				return nil, false, err
			}
			if sall {
				continue
			}
			if !have {
				ids, have = sids, true
			} else {
				ids = intersect(ids, sids)
			}
		}
		if !have {
			return nil, true, nil
		}
		return ids, false, nil
	}
	// OR.
	var scratch []uint32
	for _, p := range lists {
		scratch, err = decodeGaps(scratch[:0], p, s.nDocs)
		if err != nil {
			return nil, false, corruptf(s.name, "%v", err)
		}
		ids = mergeSorted(make([]uint32, 0, len(ids)+len(scratch)), ids, scratch)
	}
	for _, sub := range q.subs {
		sids, sall, err := eval(s, sub)
		if err != nil {
			return nil, false, err
		}
		if sall {
			return nil, true, nil
		}
		ids = mergeSorted(make([]uint32, 0, len(ids)+len(sids)), ids, sids)
	}
	return ids, false, nil
}

// intersect keeps in a (in place) the ids also in b; both sorted.
func intersect(a, b []uint32) []uint32 {
	w, j := 0, 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j == len(b) {
			break
		}
		if b[j] == x {
			a[w] = x
			w++
		}
	}
	return a[:w]
}

// verify reads the candidates in parallel and collects their matching
// lines in path order, stopping early once Limit lines are certain.
func verify(ctx context.Context, root string, m *matcher, q Query, cands []candidate, res *Result) error {
	workers := q.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// A handful of files is verified on the calling goroutine: waking
	// workers costs more than it saves (and much more on a loaded machine).
	workers = max(1, min(workers, (len(cands)+15)/16))
	maxLine := q.MaxLineLen
	if maxLine <= 0 {
		maxLine = 256
	}
	// Candidates are read through one root held open for the search: a
	// file that became a link out of the repository after it was indexed
	// (or a directory swapped for one) is refused, not read (os.Root).
	var rt *os.Root
	if q.Read == nil {
		var err error
		if rt, err = os.OpenRoot(root); err != nil {
			return err
		}
		defer rt.Close()
	}
	perFile := make([][]Match, len(cands))
	done := make([]bool, len(cands))
	var (
		next      atomic.Int64
		stop      atomic.Bool
		mu        sync.Mutex
		prefix    int // cands[:prefix] are done
		prefixCnt int // matches in them
		st        Stats
		wg        sync.WaitGroup
	)
	work := func() {
		var buf, fold []byte
		var local Stats
		dirs := dirRoots{rt: rt}
		defer dirs.close()
		defer func() {
			mu.Lock()
			st.Scanned += local.Scanned
			st.Matched += local.Matched
			st.Missing += local.Missing
			st.Unreadable += local.Unreadable
			st.Stale += local.Stale
			st.Bytes += local.Bytes
			mu.Unlock()
		}()
		for !stop.Load() {
			i := int(next.Add(1) - 1)
			if i >= len(cands) || ctx.Err() != nil {
				return
			}
			c := cands[i]
			var err error
			if q.Read != nil {
				buf, err = q.Read(c.path, buf[:0])
			} else {
				buf, err = dirs.read(c.path, buf)
			}
			var ms []Match
			switch {
			case errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotRegular):
				local.Missing++
			case err != nil:
				local.Unreadable++
			default:
				local.Scanned++
				local.Bytes += int64(len(buf))
				if int64(len(buf)) != c.size {
					local.Stale++
				}
				ms, fold = m.scan(c.path, buf, fold, q.Limit, maxLine)
				if len(ms) > 0 {
					local.Matched++
				}
			}
			mu.Lock()
			perFile[i], done[i] = ms, true
			for prefix < len(cands) && done[prefix] {
				prefixCnt += len(perFile[prefix])
				prefix++
			}
			if q.Limit > 0 && prefixCnt >= q.Limit {
				stop.Store(true)
			}
			mu.Unlock()
		}
	}
	if workers == 1 {
		work()
	} else {
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				work()
			}()
		}
		wg.Wait()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	files, cand, filtered, plan, full := res.Stats.Files, res.Stats.Candidates, res.Stats.Filtered, res.Stats.Plan, res.Stats.FullScan
	res.Stats = st
	res.Stats.Files, res.Stats.Candidates, res.Stats.Filtered, res.Stats.Plan, res.Stats.FullScan = files, cand, filtered, plan, full
	for _, ms := range perFile[:prefix] {
		res.Matches = append(res.Matches, ms...)
	}
	if q.Limit > 0 && len(res.Matches) >= q.Limit {
		res.Truncated = len(res.Matches) > q.Limit || prefix < len(cands)
		res.Matches = res.Matches[:q.Limit]
	}
	return nil
}

var errNotRegular = errors.New("not a regular file")

// dirRoots reads a worker's candidates through the root, holding the
// directory of the last one open as a root of its own: candidates come in
// path order, so each directory is opened once (os.Root resolves a path a
// component at a time, an open and a close per directory) and each file
// with one open beneath it, confined as before (a link out of the root,
// or a directory swapped for one, is refused).
type dirRoots struct {
	rt  *os.Root
	dir string   // slash-separated, with its trailing slash; "" for rt itself
	cur *os.Root // dir opened beneath rt (nil when err is set)
	err error    // why dir could not be opened
}

// read reads the file at the repository path p (see readFile).
func (d *dirRoots) read(p string, buf []byte) ([]byte, error) {
	dir, base := path.Split(p)
	if dir == "" {
		return readFile(d.rt, base, buf)
	}
	if dir != d.dir || (d.cur == nil && d.err == nil) {
		d.close()
		d.dir = dir
		d.cur, d.err = d.rt.OpenRoot(filepath.FromSlash(strings.TrimSuffix(dir, "/")))
	}
	if d.err != nil {
		return buf[:0], d.err
	}
	return readFile(d.cur, base, buf)
}

func (d *dirRoots) close() {
	if d.cur != nil {
		d.cur.Close()
	}
	d.dir, d.cur, d.err = "", nil, nil
}

// readFile reads name (relative to rt) into buf (reused when large
// enough). Opening does not block on a FIFO, and only a regular file is
// read.
func readFile(rt *os.Root, name string, buf []byte) ([]byte, error) {
	f, err := rt.OpenFile(name, repofile.OpenFlags, 0)
	if err != nil {
		return buf[:0], err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return buf[:0], err
	}
	if !fi.Mode().IsRegular() {
		return buf[:0], errNotRegular
	}
	size := int(fi.Size())
	if cap(buf) < size+1 {
		buf = make([]byte, 0, size+size/4+512)
	}
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, 4096)
		}
		want := cap(buf) - len(buf)
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF || (err == nil && n < want && len(buf) == size) {
			// A regular file's read comes up short only at its end: when
			// it has the size Stat gave, the read that would return EOF
			// is not needed.
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// scan returns the matching lines of one file (at most limit when > 0).
// fold is a scratch buffer for case-folded content, returned for reuse.
func (m *matcher) scan(path string, data, fold []byte, limit, maxLine int) ([]Match, []byte) {
	var out []Match
	emit := func(lineStart, lineNo, s, e int) bool {
		lineEnd := len(data)
		if k := bytes.IndexByte(data[lineStart:], '\n'); k >= 0 {
			lineEnd = lineStart + k
		}
		out = append(out, makeMatch(path, data[lineStart:lineEnd], lineNo, s-lineStart, e-lineStart, maxLine))
		return limit <= 0 || len(out) < limit
	}
	hay := data
	if m.kind == kindFoldLit || (m.reqLit != nil && m.reqFolded) {
		fold = slices.Grow(fold[:0], len(data))[:len(data)]
		for i, c := range data {
			fold[i] = foldTable[c]
		}
		hay = fold
	}
	lineNo, counted := 1, 0 // lineNo is the line of data[counted]
	lineOf := func(p int) (start, no int) {
		if p > counted { // else p is on the line of counted
			lineNo += bytes.Count(data[counted:p], []byte{'\n'})
			counted = p
		}
		start = bytes.LastIndexByte(data[:p], '\n') + 1
		return start, lineNo
	}
	pos := 0
	for pos < len(data) {
		var s, e int
		switch {
		case m.kind != kindRegex:
			needle := m.lit
			if m.kind == kindFoldLit {
				needle = m.foldLit
			}
			k := bytes.Index(hay[pos:], needle)
			if k < 0 {
				return out, fold
			}
			s, e = pos+k, pos+k+len(needle)
		case m.reqLit != nil:
			k := bytes.Index(hay[pos:], m.reqLit)
			if k < 0 {
				return out, fold
			}
			ls, _ := lineOf(pos + k)
			le := len(data)
			if j := bytes.IndexByte(data[pos+k:], '\n'); j >= 0 {
				le = pos + k + j
			}
			loc := m.re.FindIndex(data[ls:le])
			if loc == nil {
				pos = le + 1
				continue
			}
			s, e = ls+loc[0], ls+loc[1]
		default:
			// No literal to look for: match line by line. Go's regexp runs
			// its NFA over a whole file but its faster backtracker over a
			// short line (2× on net/http/server.go for `[ \t]+$`).
			found := false
			for pos < len(data) {
				le := len(data)
				if j := bytes.IndexByte(data[pos:], '\n'); j >= 0 {
					le = pos + j
				}
				if line := data[pos:le]; m.re.Match(line) {
					loc := m.re.FindIndex(line)
					s, e, found = pos+loc[0], pos+loc[1], true
					break
				}
				pos = le + 1
			}
			if !found {
				return out, fold
			}
		}
		ls, no := lineOf(s)
		if !emit(ls, no, s, e) {
			return out, fold
		}
		j := bytes.IndexByte(data[s:], '\n')
		if j < 0 {
			break
		}
		pos = s + j + 1
	}
	return out, fold
}

// makeMatch builds a Match, cutting long lines to a window around the
// match on rune boundaries.
func makeMatch(path string, line []byte, lineNo, s, e, maxLine int) Match {
	m := Match{Path: path, Line: lineNo, Column: s + 1, End: e + 1}
	if len(line) <= maxLine {
		m.Text = string(line)
		return m
	}
	start := 0
	if e > maxLine {
		start = max(0, s-maxLine/4)
	}
	end := min(len(line), start+maxLine)
	for start > 0 && start < len(line) && !utf8.RuneStart(line[start]) {
		start++
	}
	for end < len(line) && end > start && !utf8.RuneStart(line[end]) {
		end--
	}
	m.Text, m.TextStart = string(line[start:end]), start
	return m
}
