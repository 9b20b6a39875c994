package html

import (
	"fmt"
	"io"
	"testing"

	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/report"
)

// BenchmarkWrite100k writes the assessment of a synthetic 100,000-component
// inventory, side by side: "whole" is the command line's writer, over the
// report held whole; "stream" is the server's, over the report's stream
// (report.StreamOf): the writer's cost alone, without the decoding of a
// server's stream (go test -run '^$' -bench Write100k -benchmem ./report/html).
func BenchmarkWrite100k(b *testing.B) {
	inv, r, err := sample.Synthetic(b.Context(), 100_000)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("whole", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := WriteOptions(io.Discard, r, inv, fixed); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stream", func(b *testing.B) {
		b.ReportAllocs()
		s := report.StreamOf(r, inv)
		for b.Loop() {
			if err := WriteStream(io.Discard, s, fixed); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStreamMemory measures the most heap WriteStream takes, as
// peak-MiB (live objects and garbage not yet collected), over streams of
// 10,000 and 100,000 components that hold no more than 2,000
// (sample.Repeat): what grows with the stream is what the writer holds.
// The last holds 10,000 rows of the gaps table instead of 100,000, as
// WriteStream does past 100,000 gaps: a pass per 10,000 rows
// (go test -run '^$' -bench StreamMemory ./report/html).
func BenchmarkStreamMemory(b *testing.B) {
	inv, r, err := sample.Synthetic(b.Context(), 2000)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ n, window int }{{10_000, gapWindow}, {100_000, gapWindow}, {100_000, 10_000}} {
		b.Run(fmt.Sprintf("%d-window-%d", c.n, c.window), func(b *testing.B) {
			s := report.StreamOf(r, inv)
			s.Components = sample.Repeat(r, inv, c.n)
			var peak uint64
			for b.Loop() {
				peak = max(peak, sample.PeakHeap(func() {
					if err := writeStream(io.Discard, s, fixed, c.window); err != nil {
						b.Error(err)
					}
				}))
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
		})
	}
}
