package vector

// cand is a row with its similarity to the query.
type cand struct {
	sim float32
	id  uint32
}

// minHeap keeps the worst (smallest similarity) candidate on top: the
// bounded result set of a search.
type minHeap []cand

func (h *minHeap) push(c cand) {
	*h = append(*h, c)
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if s[p].sim <= s[i].sim {
			break
		}
		s[p], s[i] = s[i], s[p]
		i = p
	}
}

func (h *minHeap) pop() cand {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	*h = s
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && s[r].sim < s[l].sim {
			m = r
		}
		if s[i].sim <= s[m].sim {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	return top
}

// offer adds c to a result set bounded at k, evicting the worst.
func (h *minHeap) offer(c cand, k int) {
	if len(*h) < k {
		h.push(c)
		return
	}
	if c.sim > (*h)[0].sim {
		(*h)[0] = c
		h.down0()
	}
}

func (h *minHeap) down0() {
	s := *h
	n := len(s)
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && s[r].sim < s[l].sim {
			m = r
		}
		if s[i].sim <= s[m].sim {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
}

// maxHeap keeps the best (largest similarity) candidate on top: the
// frontier a graph search expands next.
type maxHeap []cand

func (h *maxHeap) push(c cand) {
	*h = append(*h, c)
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if s[p].sim >= s[i].sim {
			break
		}
		s[p], s[i] = s[i], s[p]
		i = p
	}
}

func (h *maxHeap) pop() cand {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	*h = s
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && s[r].sim > s[l].sim {
			m = r
		}
		if s[i].sim >= s[m].sim {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	return top
}

// sortedDesc empties h into a slice ordered best first.
func (h *minHeap) sortedDesc() []cand {
	out := make([]cand, len(*h))
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = h.pop()
	}
	return out
}
