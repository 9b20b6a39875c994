package report_test

import (
	"context"
	"io"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/benchdata"
	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/report"
)

// loop runs write b.N times and reports, besides the wall clock, the CPU
// time of the process per write (cpu-ns/op, on Unix): on a machine shared
// with other work the wall clock varies with their load far more than the
// CPU time does.
func loop(b *testing.B, write func() error) {
	b.ReportAllocs()
	cpu0, cpuErr := benchdata.ProcessCPU()
	for b.Loop() {
		if err := write(); err != nil {
			b.Fatal(err)
		}
	}
	if cpu1, err := benchdata.ProcessCPU(); err == nil && cpuErr == nil {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
	}
}

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
			loop(b, func() error { return w.write(io.Discard, r, inv) })
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
			loop(b, func() error { return stream(io.Discard, s) })
		})
	}
}
