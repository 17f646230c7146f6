package store

import (
	"sync"

	"github.com/cockroachdb/pebble/v2"
)

// scheduler grants Pebble's compactions up to the concurrency the DB
// allows, like Pebble's default ConcurrencyLimitScheduler but without its
// 100 ms ticker: an idle store (a watcher waiting for edits all day)
// wakes no goroutine. The ticker exists to notice that the allowed
// concurrency rose without a compaction ending; Pebble reports the one
// such event it knows of, a flush, through UpdateGetAllowedWithoutPermission,
// which wakes the granter here, and a compaction's Done grants the next.
type scheduler struct {
	db   pebble.DBForCompaction
	poke chan struct{}
	stop chan struct{}
	done chan struct{}

	mu           sync.Mutex
	running      int
	unregistered bool
	granting     bool
	grantingDone *sync.Cond
}

var _ pebble.CompactionScheduler = (*scheduler)(nil)

func newScheduler() *scheduler {
	s := &scheduler{poke: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	s.grantingDone = sync.NewCond(&s.mu)
	return s
}

// Register implements pebble.CompactionScheduler.
func (s *scheduler) Register(_ int, db pebble.DBForCompaction) {
	s.db = db
	go s.granter()
}

// granter grants waiting compactions when woken by a flush. It runs on its
// own goroutine because UpdateGetAllowedWithoutPermission is called in
// places where the DB's own locks forbid calling back into it.
func (s *scheduler) granter() {
	defer close(s.done)
	for {
		select {
		case <-s.poke:
			s.mu.Lock()
			s.grantLocked()
		case <-s.stop:
			return
		}
	}
}

// Unregister implements pebble.CompactionScheduler.
func (s *scheduler) Unregister() {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unregistered = true
	for s.granting {
		s.grantingDone.Wait()
	}
}

// TrySchedule implements pebble.CompactionScheduler.
func (s *scheduler) TrySchedule() (bool, pebble.CompactionGrantHandle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unregistered || s.db.GetAllowedWithoutPermission() <= s.running {
		return false, nil
	}
	s.running++
	return true, s
}

// UpdateGetAllowedWithoutPermission implements pebble.CompactionScheduler.
func (s *scheduler) UpdateGetAllowedWithoutPermission() {
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

// Started implements pebble.CompactionGrantHandle.
func (s *scheduler) Started() {}

// MeasureCPU implements pebble.CompactionGrantHandle.
func (s *scheduler) MeasureCPU(pebble.CompactionGoroutineKind) {}

// CumulativeStats implements pebble.CompactionGrantHandle.
func (s *scheduler) CumulativeStats(pebble.CompactionGrantHandleStats) {}

// Done implements pebble.CompactionGrantHandle.
func (s *scheduler) Done() {
	s.mu.Lock()
	s.running--
	s.grantLocked()
}

// grantLocked starts waiting compactions while the DB allows more than
// are running; it is called with s.mu held and returns with it released.
// One caller grants at a time, and none after Unregister.
func (s *scheduler) grantLocked() {
	for s.granting && !s.unregistered {
		s.grantingDone.Wait()
	}
	if s.unregistered {
		s.mu.Unlock()
		return
	}
	toGrant := s.db.GetAllowedWithoutPermission() - s.running
	if toGrant <= 0 {
		s.mu.Unlock()
		return
	}
	s.granting = true
	s.mu.Unlock()
	// GetWaitingCompaction and Schedule take the DB's locks: not under s.mu
	// (TrySchedule is called with them held).
	for ; toGrant > 0; toGrant-- {
		if waiting, _ := s.db.GetWaitingCompaction(); !waiting {
			break
		}
		if !s.db.Schedule(s) {
			break
		}
		s.mu.Lock()
		s.running++
		s.mu.Unlock()
	}
	s.mu.Lock()
	s.granting = false
	s.grantingDone.Broadcast()
	s.mu.Unlock()
}
