package cyclonedx

import (
	"io"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/sovmap/sovmap/internal/sample"
)

// BenchmarkWrite100k writes the assessment of a synthetic 100,000-component
// inventory, side by side: "whole" builds the BOM whole and encodes it with
// cyclonedx-go's encoder (as the writer did before it streamed), "stream"
// is the writer (go test -run '^$' -bench Write100k -benchmem ./report/cyclonedx).
func BenchmarkWrite100k(b *testing.B) {
	inv, r, err := sample.Synthetic(b.Context(), 100_000)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("whole", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bom, err := Build(r, inv, fixed)
			if err != nil {
				b.Fatal(err)
			}
			enc := cdx.NewBOMEncoder(io.Discard, cdx.BOMFileFormatJSON)
			enc.SetPretty(true)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(bom); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stream", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := WriteOptions(io.Discard, r, inv, fixed); err != nil {
				b.Fatal(err)
			}
		}
	})
}
