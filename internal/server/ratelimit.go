package server

import (
	"math"
	"sync"
	"time"
)

// limiter is a set of token buckets, one per client (API key name, or
// client address when the server is open). Each bucket holds up to burst
// tokens and refills at rate tokens per second; a request takes one.
// Buckets idle long enough to be full again are dropped, so memory stays
// bounded by the number of recently active clients.
type limiter struct {
	rate  float64
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets bounds the buckets kept between sweeps.
const maxBuckets = 100000

func newLimiter(rate float64, burst int, now func() time.Time) *limiter {
	if now == nil {
		now = time.Now
	}
	if burst < 1 {
		burst = max(1, int(math.Ceil(rate)))
	}
	return &limiter{rate: rate, burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// allow takes a token from client's bucket. When there is none it
// returns false and how long until one is available.
func (l *limiter) allow(client string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweepLocked(now)
	b := l.buckets[client]
	if b == nil {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[client] = b
	}
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(l.burst, b.tokens+el*l.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// sweepLocked drops buckets that have refilled completely (they behave
// exactly like new ones), at most once per refill period or when the map
// grows too large.
func (l *limiter) sweepLocked(now time.Time) {
	full := time.Duration(l.burst / l.rate * float64(time.Second))
	if now.Sub(l.swept) < full && len(l.buckets) < maxBuckets {
		return
	}
	l.swept = now
	for k, b := range l.buckets {
		if now.Sub(b.last) >= full {
			delete(l.buckets, k)
		}
	}
}

// exhausted reports whether client's bucket is empty, without taking a
// token (the failed-authentication limit is checked before a request is
// authenticated and charged only when authentication fails).
func (l *limiter) exhausted(client string) bool {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[client]
	if b == nil {
		return false
	}
	return b.tokens+now.Sub(b.last).Seconds()*l.rate < 1
}
