package sqlstore

import (
	"hash/fnv"
	"testing"
)

// TestBucketOfIsFNV1a holds the inlined hash to the standard library's
// FNV-1a: stored versions find their dependents by it.
func TestBucketOfIsFNV1a(t *testing.T) {
	for _, id := range []string{"", "a", "gpu-cluster-001", "é ü ß 中文 🚀", "c00000'; DROP TABLE x"} {
		h := fnv.New32a()
		h.Write([]byte(id))
		for _, n := range []int{1, 7, 128, 7813} {
			if got, want := bucketOf(id, n), int(h.Sum32()%uint32(n)); got != want {
				t.Errorf("bucketOf(%q, %d) = %d, want %d", id, n, got, want)
			}
		}
	}
}
