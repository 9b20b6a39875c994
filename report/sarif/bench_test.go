package sarif

import (
	"io"
	"testing"

	"github.com/sovmap/sovmap/internal/sample"
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
