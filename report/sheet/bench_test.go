package sheet

import (
	"io"
	"testing"

	"github.com/sovmap/sovmap/internal/sample"
)

// BenchmarkCSV10k and BenchmarkXLSX10k write the assessment of a synthetic
// 10,000-component inventory (go test -bench 10k ./report/sheet).
func BenchmarkCSV10k(b *testing.B) {
	inv, r, err := sample.Synthetic(b.Context(), 10_000)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := WriteCSV(io.Discard, r, inv); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkXLSX10k(b *testing.B) {
	inv, r, err := sample.Synthetic(b.Context(), 10_000)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := WriteXLSX(io.Discard, r, inv); err != nil {
			b.Fatal(err)
		}
	}
}
