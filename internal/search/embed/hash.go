package embed

import "math"

// hashVector writes into v (len Dim) the unit vector of word's hashed
// features: the whole word and its character trigrams (with boundary
// marks), each spread over a few signed positions chosen by its hash. Words
// that share spelling share features, so "encoder" lands near "encod" and
// a word never seen at fit time still has a meaningful vector.
func hashVector(word string, v []float32) {
	clear(v)
	dim := uint64(len(v))
	if dim == 0 {
		return
	}
	spread := func(h uint64, w float32) {
		for k := 0; k < 4; k++ {
			h = splitmix(h)
			sign := float32(1)
			if h&1 == 1 {
				sign = -1
			}
			v[(h>>1)%dim] += sign * w
		}
	}
	spread(fnv(0x1f, word), 2)
	// Trigrams over "<word>".
	var buf [3]byte
	n := len(word) + 2
	at := func(i int) byte {
		switch {
		case i == 0:
			return '<'
		case i == n-1:
			return '>'
		}
		return word[i-1]
	}
	for i := 0; i+3 <= n; i++ {
		buf[0], buf[1], buf[2] = at(i), at(i+1), at(i+2)
		spread(fnv(0x3, string(buf[:])), 1)
	}
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s > 0 {
		inv := float32(1 / math.Sqrt(s))
		for i := range v {
			v[i] *= inv
		}
	}
}

func fnv(seed uint64, s string) uint64 {
	h := uint64(14695981039346656037) ^ seed
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
