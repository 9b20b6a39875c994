package report_test

import (
	"context"
	"io"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/report"
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

// BenchmarkTextStream100k writes the same report through each text
// format's stream writer over a stream that reuses one result, copied
// into before each component, as the server's stream does (without its
// decoding): what the writer itself costs when it holds no component.
func BenchmarkTextStream100k(b *testing.B) {
	_, r, err := sample.Synthetic(context.Background(), 100_000)
	if err != nil {
		b.Fatal(err)
	}
	head := *r
	head.Components = nil
	var one sovmap.ComponentResult
	s := report.Stream{Head: &head, Components: func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
		for i := range r.Components {
			one = r.Components[i]
			if err := yield(&one, nil); err != nil {
				return err
			}
		}
		return nil
	}}
	for _, w := range writers {
		stream, ok := streamWriters[w.name]
		if !ok {
			continue
		}
		b.Run(w.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := stream(io.Discard, s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
