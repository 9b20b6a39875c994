package risk

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/internal/benchdata"
)

// benchSizes are the inventory sizes the benchmarks run at:
//
//	go test ./risk -run '^$' -bench . -benchtime 3x -sizes 1000000 -timeout 60m
var benchSizes = flag.String("sizes", "10000,100000", "comma-separated component counts for the benchmarks")

var (
	benchMu      sync.Mutex
	benchInv     *sovmap.Inventory
	benchRep     *sovmap.Report
	benchModelN  int
	benchModelOf *Model
)

// benchModel generates (once per size) a synthetic inventory with the gen
// package (about 5 dependencies per component, 2000 providers), assesses it
// and interns it: the "after loading" state the targets start from.
func benchModel(b *testing.B, n int) *Model {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	if benchModelN == n {
		return benchModelOf
	}
	benchInv, benchRep, benchModelOf = nil, nil, nil
	runtime.GC()
	k := knowledge(b)
	ctx := context.Background()
	var err error
	if benchInv, err = benchdata.Loaded(ctx, k, n); err != nil {
		b.Fatal(err)
	}
	if benchRep, err = assess.Assess(ctx, benchInv, k, assess.Options{}); err != nil {
		b.Fatal(err)
	}
	if benchModelOf, err = NewModel(ctx, benchInv, benchRep, k); err != nil {
		b.Fatal(err)
	}
	benchModelN = n
	return benchModelOf
}

// BenchmarkNewModel measures interning an assessed inventory: graph,
// reverse, runtime subgraph, both condensations and the bitsets.
func BenchmarkNewModel(b *testing.B) {
	for _, n := range benchdata.Sizes(b, *benchSizes) {
		m := benchModel(b, n)
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			k := m.KB
			for range b.N {
				if _, err := NewModel(context.Background(), m.Inv, m.Report, k); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(m.G.Dst)), "edges")
			benchdata.ReportHeap(b)
		})
	}
}

// BenchmarkTransitiveExposure measures the jurisdictions reaching every
// component through its runtime dependencies.
func BenchmarkTransitiveExposure(b *testing.B) {
	for _, n := range benchdata.Sizes(b, *benchSizes) {
		m := benchModel(b, n)
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			for range b.N {
				te := m.TransitiveExposure()
				if te.Len() != n {
					b.Fatal("wrong size")
				}
			}
			benchdata.ReportHeap(b)
		})
	}
}

// BenchmarkRegister measures the vendor register (one loss walk per
// provider and per parent).
func BenchmarkRegister(b *testing.B) {
	for _, n := range benchdata.Sizes(b, *benchSizes) {
		m := benchModel(b, n)
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			for range b.N {
				reg, err := NewRegister(context.Background(), m, Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(len(reg.Providers)), "providers")
			}
			benchdata.ReportHeap(b)
		})
	}
}

// BenchmarkAnalyze measures the graph command: single points of failure,
// blast radius of every provider, jurisdiction and region, exposure chains.
func BenchmarkAnalyze(b *testing.B) {
	for _, n := range benchdata.Sizes(b, *benchSizes) {
		m := benchModel(b, n)
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			for range b.N {
				a, err := Analyze(context.Background(), m, AnalysisOptions{})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(len(a.Providers)+len(a.Jurisdictions)+len(a.Regions)), "blasts")
			}
			benchdata.ReportHeap(b)
		})
	}
}

// BenchmarkRegisterTrust measures the register with the trust profile of
// every provider and parent: the difference with BenchmarkRegister is the
// profile's cost.
func BenchmarkRegisterTrust(b *testing.B) {
	lib, err := framework.Default()
	if err != nil {
		b.Fatal(err)
	}
	f, err := lib.Lookup(TrustFramework)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range benchdata.Sizes(b, *benchSizes) {
		m := benchModel(b, n)
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			for range b.N {
				reg, err := NewRegister(context.Background(), m, Options{Trust: f})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(len(reg.Providers)), "providers")
			}
			benchdata.ReportHeap(b)
		})
	}
}
