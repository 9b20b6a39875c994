package policydoc

import (
	"flag"
	"fmt"
	"testing"

	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/embassy"
	"github.com/sovmap/sovmap/internal/benchdata"
	"github.com/sovmap/sovmap/kb"
)

var sizes = flag.String("sizes", "10000,100000", "component counts of the synthetic inventories for the benchmarks")

// BenchmarkBuildAndCompare builds the policy of a synthetic inventory twice
// and compares the two, as `sovmap diff` does for two inventories after
// assessing them (the assessments are not timed):
//
//	go test ./policydoc -run '^$' -bench BuildAndCompare -benchtime 3x -sizes 10000,100000
func BenchmarkBuildAndCompare(b *testing.B) {
	k, err := kb.Default()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range benchdata.Sizes(b, *sizes) {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			inv, err := benchdata.Loaded(b.Context(), k, n)
			if err != nil {
				b.Fatal(err)
			}
			rep, err := assess.Assess(b.Context(), inv, k, assess.Options{Qualifies: embassy.Qualifies})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				old, err := Build(inv, rep, k)
				if err != nil {
					b.Fatal(err)
				}
				cur, err := Build(inv, rep, k)
				if err != nil {
					b.Fatal(err)
				}
				if cs := Compare(old, cur); len(cs) != 0 {
					b.Fatalf("%d changes between two builds of one inventory", len(cs))
				}
			}
			benchdata.ReportHeap(b)
		})
	}
}
