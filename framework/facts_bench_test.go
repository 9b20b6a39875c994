package framework

import (
	"testing"

	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/kb"
)

// BenchmarkProviderFacts100k derives the facts of one provider of a
// synthetic inventory of 100,000 components (2,000 providers), as the
// vendor register and the server's framework pages do for each assessed
// provider: go test ./framework -run '^$' -bench ProviderFacts.
func BenchmarkProviderFacts100k(b *testing.B) {
	k, err := kb.Default()
	if err != nil {
		b.Fatal(err)
	}
	inv := gen.Inventory(k, gen.Options{Components: 100_000, Seed: 1})
	var provider string
	for _, c := range inv.Components {
		if c.Provider != "" {
			provider = c.Provider
			break
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		facts, err := ProviderFacts(inv, k, provider)
		if err != nil || len(facts) == 0 {
			b.Fatalf("%s: %d facts, %v", provider, len(facts), err)
		}
	}
}
