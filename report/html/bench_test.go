package html

import (
	"io"
	"testing"

	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/report"
)

// BenchmarkWrite100k writes the assessment of a synthetic 100,000-component
// inventory, side by side: "whole" is the command line's writer, over the
// report held whole; "stream" is the server's, over a stream that reuses
// one result and one component
// (go test -run '^$' -bench Write100k -benchmem ./report/html).
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
		s.Components = sample.Reusing(s.Components)
		for b.Loop() {
			if err := WriteStream(io.Discard, s, fixed); err != nil {
				b.Fatal(err)
			}
		}
	})
}
