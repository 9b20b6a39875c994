package sarif

import (
	"io"
	"testing"

	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/internal/streamtest"
	"github.com/sovmap/sovmap/report"
)

// BenchmarkWrite10k writes the assessment of a synthetic 10,000-component
// inventory (go test -bench Write10k ./report/sarif).
func BenchmarkWrite10k(b *testing.B) {
	inv, r, err := sample.Synthetic(b.Context(), 10_000)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := Write(io.Discard, r, inv); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite100k writes the assessment of a synthetic
// 100,000-component inventory held whole, as the command line does, and
// from a stream as the server does (see streamtest.Bench):
// go test -run '^$' -bench Write100k -benchtime 3x ./report/sarif
func BenchmarkWrite100k(b *testing.B) {
	streamtest.Bench(b, 100_000, Write, report.WithOptions(WriteStream, Options{}))
}
