package diff

import (
	"encoding/json"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/embassy"
	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/kb"
)

// BenchmarkCompare100k compares two assessments of a synthetic
// 100,000-component inventory, the second with 1% of its components'
// key custody moved to the provider (go test -bench Compare ./diff).
func BenchmarkCompare100k(b *testing.B) {
	inv := gen100k(b)
	base := assess100k(b, inv)
	for i := 0; i < len(inv.Components); i += 100 {
		inv.Components[i].KeyCustody = "provider"
	}
	cur := assess100k(b, inv)
	b.ReportAllocs()
	b.ResetTimer()
	var d *Diff
	for b.Loop() {
		d = Compare(base, cur, 1)
	}
	b.ReportMetric(float64(len(d.Moved)), "moves")
}

// BenchmarkSniff100k reads back the saved assessment of 100,000
// components as 'sovmap diff' and --baseline do: Sniff tells it from an
// inventory and decodes it in the same pass.
func BenchmarkSniff100k(b *testing.B) {
	r := assess100k(b, gen100k(b))
	benchSniff(b, r, len(r.Components))
}

// BenchmarkSniffInventory100k sniffs a JSON inventory of 100,000
// components, which 'sovmap diff' then hands to the inventory loader: the
// cost of telling it from a saved assessment.
func BenchmarkSniffInventory100k(b *testing.B) {
	inv := gen100k(b)
	inv.Version = sovmap.Version
	benchSniff(b, inv, -1)
}

// benchSniff sniffs the JSON of v, which must be a saved assessment of
// components components, or an inventory when components is -1.
func benchSniff(b *testing.B, v any, components int) {
	data, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		got, err := Sniff("sniffed.json", data)
		switch {
		case err != nil:
			b.Fatal(err)
		case components < 0 && got != nil:
			b.Fatal("an inventory taken for a saved assessment")
		case components >= 0 && (got == nil || len(got.Components) != components):
			b.Fatalf("not the saved assessment of %d components: %v", components, got != nil)
		}
	}
}

// gen100k is the synthetic inventory of 100,000 components the
// benchmarks read.
func gen100k(b *testing.B) *sovmap.Inventory {
	k, err := kb.Default()
	if err != nil {
		b.Fatal(err)
	}
	return gen.Inventory(k, gen.Options{Components: 100_000, Seed: 1})
}

// assess100k assesses inv as 'sovmap assess' does.
func assess100k(b *testing.B, inv *sovmap.Inventory) *sovmap.Report {
	k, err := kb.Default()
	if err != nil {
		b.Fatal(err)
	}
	r, err := assess.Assess(b.Context(), inv, k, assess.Options{Qualifies: embassy.Qualifies})
	if err != nil {
		b.Fatal(err)
	}
	return r
}
