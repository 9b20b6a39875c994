package report_test

import (
	"context"
	"io"
	"testing"

	"github.com/sovmap/sovmap/internal/sample"
)

// BenchmarkText100k writes the report of a generated inventory of 100,000
// components in each text format, as the command line does (the whole
// writer), to io.Discard. docs/benchmarks.md has the figures.
func BenchmarkText100k(b *testing.B) {
	inv, r, err := sample.Synthetic(context.Background(), 100_000)
	if err != nil {
		b.Fatal(err)
	}
	for _, w := range writers {
		b.Run(w.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := w.write(io.Discard, r, inv); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
