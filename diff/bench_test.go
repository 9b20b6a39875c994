package diff

import (
	"testing"

	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/embassy"
	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/kb"
)

// BenchmarkCompare100k compares two assessments of a synthetic
// 100,000-component inventory, the second with 1% of its components'
// key custody moved to the provider (go test -bench Compare ./diff).
func BenchmarkCompare100k(b *testing.B) {
	k, err := kb.Default()
	if err != nil {
		b.Fatal(err)
	}
	inv := gen.Inventory(k, gen.Options{Components: 100_000, Seed: 1})
	base, err := assess.Assess(b.Context(), inv, k, assess.Options{Qualifies: embassy.Qualifies})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < len(inv.Components); i += 100 {
		inv.Components[i].KeyCustody = "provider"
	}
	cur, err := assess.Assess(b.Context(), inv, k, assess.Options{Qualifies: embassy.Qualifies})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var d *Diff
	for b.Loop() {
		d = Compare(base, cur, 1)
	}
	b.ReportMetric(float64(len(d.Moved)), "moves")
}
