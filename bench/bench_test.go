// Package bench measures sovmap end to end on synthetic inventories of
// 10,000, 100,000 and 1,000,000 components (about 5 dependencies each):
//
//	go test ./bench -run '^$' -bench . -benchtime 3x -timeout 60m
//
// docs/benchmarks.md reports the figures.
package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/internal/benchdata"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/report"
)

var sizes = []int{10_000, 100_000, 1_000_000}

// TestMain runs the benchmarks with the collector settings the sovmap
// binary uses (see tuneGC in cmd/sovmap), so that they measure what users run.
func TestMain(m *testing.M) {
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(5 << 30)
	os.Exit(m.Run())
}

// BenchmarkEngine measures the assessment of an already parsed inventory.
func BenchmarkEngine(b *testing.B) {
	k, err := kb.Default()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			data, err := benchdata.JSON(k, n)
			if err != nil {
				b.Fatal(err)
			}
			inv, err := inventory.Decode(context.Background(), k, "bench.json", data)
			if err != nil {
				b.Fatal(err)
			}
			data = nil
			runtime.GC()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r, err := assess.Assess(context.Background(), inv, k, assess.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if len(r.Components) != n {
					b.Fatalf("assessed %d components, want %d", len(r.Components), n)
				}
			}
		})
	}
}

// BenchmarkEndToEnd measures what `sovmap assess FILE --format json` does:
// parse and validate the JSON, assess, and write the JSON report.
func BenchmarkEndToEnd(b *testing.B) {
	k, err := kb.Default()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			data, err := benchdata.JSON(k, n)
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				inv, err := inventory.Decode(context.Background(), k, "bench.json", data)
				if err != nil {
					b.Fatal(err)
				}
				r, err := assess.Assess(context.Background(), inv, k, assess.Options{})
				if err != nil {
					b.Fatal(err)
				}
				var out countingWriter
				if err := report.WriteJSON(&out, r, inv); err != nil {
					b.Fatal(err)
				}
				if out.n == 0 {
					b.Fatal("empty report")
				}
			}
		})
	}
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)

// TestGeneratedInventoryValidates keeps the generator honest: what it makes
// must load without a single problem.
func TestGeneratedInventoryValidates(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	inv := gen.Inventory(k, gen.Options{Components: 2000, Seed: 7})
	var buf bytes.Buffer
	if err := gen.WriteJSON(&buf, inv); err != nil {
		t.Fatal(err)
	}
	got, err := inventory.Decode(context.Background(), k, "gen.json", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Components) != 2000 || len(got.Providers) != 2000 {
		t.Fatalf("decoded %d components and %d providers", len(got.Components), len(got.Providers))
	}
	edges := 0
	for _, c := range got.Components {
		edges += len(c.DependsOn)
	}
	if mean := float64(edges) / 2000; mean < 4 || mean > 6 {
		t.Errorf("mean dependencies %.2f, want about 5", mean)
	}
	again := gen.Inventory(k, gen.Options{Components: 2000, Seed: 7})
	var buf2 bytes.Buffer
	if err := gen.WriteJSON(&buf2, again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), buf2.Bytes()) {
		t.Error("the same seed gave two different inventories")
	}
}
