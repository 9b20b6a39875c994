// Package benchdata gives the benchmarks of several packages the same
// synthetic inventories (the gen package, seed 1), read back as the
// command line reads them.
package benchdata

import (
	"bytes"
	"context"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
)

// JSON generates an inventory of n components and encodes it as JSON.
func JSON(k *kb.KB, n int) ([]byte, error) {
	var buf bytes.Buffer
	if err := gen.WriteJSON(&buf, gen.Inventory(k, gen.Options{Components: n, Seed: 1})); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Loaded generates an inventory of n components and reads it back through
// the inventory loader: ids indexed, dependencies resolved.
func Loaded(ctx context.Context, k *kb.KB, n int) (*sovmap.Inventory, error) {
	data, err := JSON(k, n)
	if err != nil {
		return nil, err
	}
	return inventory.Decode(ctx, k, "bench.json", data)
}

// Sizes parses a comma-separated list of component counts (a -sizes flag).
func Sizes(b testing.TB, list string) []int {
	b.Helper()
	var out []int
	for _, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			b.Fatalf("bad -sizes entry %q", s)
		}
		out = append(out, n)
	}
	return out
}

// ReportHeap reports the heap in use, in GiB, as a benchmark metric.
func ReportHeap(b *testing.B) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<30), "GiB-heap")
}
