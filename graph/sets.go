package graph

import "math/bits"

// Sets holds one bitset per node, all of the same width, in one flat array:
// Sets of jurisdictions (a bit per knowledge-base country) for a million
// components take 32 MiB and are combined a word at a time, where maps of
// maps would take gigabytes and hash on every step.
type Sets struct {
	// Words is the width of each set in 64-bit words.
	Words int
	// Bits holds set n in Bits[n*Words : (n+1)*Words].
	Bits []uint64
}

// NewSets returns n empty sets wide enough for members 0..width-1.
func NewSets(n, width int) *Sets {
	w := (width + 63) / 64
	if w == 0 {
		w = 1
	}
	return &Sets{Words: w, Bits: make([]uint64, n*w)}
}

// Len returns the number of sets.
func (s *Sets) Len() int { return len(s.Bits) / s.Words }

// Row returns set n. It aliases the array.
func (s *Sets) Row(n int32) []uint64 {
	i := int(n) * s.Words
	return s.Bits[i : i+s.Words : i+s.Words]
}

// Add puts member b in set n.
func (s *Sets) Add(n int32, b int) { s.Bits[int(n)*s.Words+b/64] |= 1 << (uint(b) % 64) }

// Has reports whether member b is in set n.
func (s *Sets) Has(n int32, b int) bool {
	return s.Bits[int(n)*s.Words+b/64]&(1<<(uint(b)%64)) != 0
}

// Empty reports whether set n has no member.
func (s *Sets) Empty(n int32) bool {
	for _, w := range s.Row(n) {
		if w != 0 {
			return false
		}
	}
	return true
}

// Count returns the number of members of set n.
func (s *Sets) Count(n int32) int {
	c := 0
	for _, w := range s.Row(n) {
		c += bits.OnesCount64(w)
	}
	return c
}

// Members appends the members of set n to dst in increasing order.
func (s *Sets) Members(dst []int, n int32) []int {
	for i, w := range s.Row(n) {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			dst = append(dst, i*64+b)
			w &= w - 1
		}
	}
	return dst
}

// or sets dst to dst | src and reports whether dst changed.
func or(dst, src []uint64) {
	for i, w := range src {
		dst[i] |= w
	}
}
