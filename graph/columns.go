package graph

import "math/bits"

// CountColumns counts, for every member j of the sets (a column: one
// scenario or seed set of a block) and every class c of nodes, how many
// nodes of class c have j in their set, less those that have it in minus
// (nil for none), and adds the figure to counts[j*classes+c].
//
// Going bit by bit would cost one step per member of every set, which for
// a sweep where most scenarios reach most components is billions. Instead
// nodes are taken 64 at a time, in order (grouped by class, so that a group
// spans few classes), each word of their sets forms a 64x64 bit matrix,
// and after transposing it each column is one word: one popcount per
// column and class present counts 64 nodes. order lists every node once,
// grouped by class (nil means 0..n-1); class gives each node's class.
func (s *Sets) CountColumns(minus *Sets, order []int32, class []uint8, classes int, counts []int32) {
	n := s.Len()
	var mat [64]uint64
	var nodes [64]int32
	var present []uint8
	for base := 0; base < n; base += 64 {
		size := min(64, n-base)
		for i := range size {
			if order != nil {
				nodes[i] = order[base+i]
			} else {
				nodes[i] = int32(base + i)
			}
		}
		// The classes in the group and, for each, the mask of its nodes.
		present = present[:0]
		var masks [256]uint64
		for i := range size {
			c := class[nodes[i]]
			if masks[c] == 0 {
				present = append(present, c)
			}
			masks[c] |= 1 << uint(i)
		}
		for w := 0; w < s.Words; w++ {
			any := uint64(0)
			for i := range size {
				x := s.Bits[int(nodes[i])*s.Words+w]
				if minus != nil {
					x &^= minus.Bits[int(nodes[i])*minus.Words+w]
				}
				mat[i] = x
				any |= x
			}
			if any == 0 {
				continue
			}
			for i := size; i < 64; i++ {
				mat[i] = 0
			}
			Transpose64(&mat)
			for b, col := range mat {
				if col == 0 {
					continue
				}
				j := (w*64 + b) * classes
				if len(present) == 1 {
					counts[j+int(present[0])] += int32(bits.OnesCount64(col))
					continue
				}
				for _, c := range present {
					counts[j+int(c)] += int32(bits.OnesCount64(col & masks[c]))
				}
			}
		}
	}
}

// Transpose64 transposes a 64x64 bit matrix in place: afterwards bit i of
// a[j] is what bit j of a[i] was. It swaps ever smaller blocks, 32x32 down
// to 1x1 (Hacker's Delight, 7-3), in 6 x 32 steps.
func Transpose64(a *[64]uint64) {
	m := uint64(0x00000000FFFFFFFF)
	for j := 32; j != 0; j, m = j>>1, m^(m<<(j>>1)) {
		for k := 0; k < 64; k = (k + j + 1) &^ j {
			t := (a[k]>>j ^ a[k+j]) & m
			a[k] ^= t << j
			a[k+j] ^= t
		}
	}
}
