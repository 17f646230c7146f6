package server

import (
	"container/list"
	"sync"
	"time"
)

// resultCache keeps recent search answers, keyed by the snapshot they
// were computed on and the request, so that a repeated query (dashboards
// polling, agents retrying, several clients asking the same) costs a map
// lookup instead of a search. Entries computed on another snapshot never
// match (the index changed); they age out with the LRU order and a TTL.
// Hits and misses are counted in /metrics.
type resultCache struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	ll    *list.List // front: most recent
	items map[cacheKey]*list.Element
	now   func() time.Time
}

type cacheKey struct {
	snap any    // the *service.Snapshot answered from
	req  string // route and canonical query
}

type cacheEntry struct {
	key  cacheKey
	val  any
	born time.Time
}

func newResultCache(max int, ttl time.Duration) *resultCache {
	return &resultCache{max: max, ttl: ttl, ll: list.New(), items: map[cacheKey]*list.Element{}, now: time.Now}
}

func (c *resultCache) get(k cacheKey) (any, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		return nil, false
	}
	e := el.Value.(*cacheEntry)
	if c.now().Sub(e.born) > c.ttl {
		c.ll.Remove(el)
		delete(c.items, k)
		return nil, false
	}
	c.ll.MoveToFront(el)
	return e.val, true
}

func (c *resultCache) put(k cacheKey, v any) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		el.Value.(*cacheEntry).val = v
		c.ll.MoveToFront(el)
		return
	}
	c.items[k] = c.ll.PushFront(&cacheEntry{key: k, val: v, born: c.now()})
	for c.ll.Len() > c.max {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.items, old.Value.(*cacheEntry).key)
	}
}
