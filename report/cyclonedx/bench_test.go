package cyclonedx

import (
	"io"
	"strconv"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/report"
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

// BenchmarkStreamMemory measures the most heap WriteStream takes, as
// peak-MiB (live objects and garbage not yet collected), over streams of
// 10,000 and 100,000 components that hold no more than 2,000
// (sample.Repeat): what grows with the stream is what the writer holds
// (go test -run '^$' -bench StreamMemory ./report/cyclonedx).
func BenchmarkStreamMemory(b *testing.B) {
	inv, r, err := sample.Synthetic(b.Context(), 2000)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{10_000, 100_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			s := report.StreamOf(r, inv)
			s.Components = sample.Repeat(r, inv, n)
			var peak uint64
			for b.Loop() {
				peak = max(peak, sample.PeakHeap(func() {
					if err := WriteStream(io.Discard, s, fixed); err != nil {
						b.Error(err)
					}
				}))
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
		})
	}
}
