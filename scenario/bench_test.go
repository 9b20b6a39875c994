package scenario

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/internal/benchdata"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/risk"
)

// benchSizes are the inventory sizes the benchmarks run at:
//
//	go test ./scenario -run '^$' -bench . -benchtime 3x -sizes 1000000
var benchSizes = flag.String("sizes", "10000,100000", "comma-separated component counts for the benchmarks")

var (
	modelsMu sync.Mutex
	models   = map[int]*risk.Model{}
)

// benchModel generates (once per size and run) a synthetic inventory with
// the gen package, assesses it and interns it: the "after loading" state
// the targets are measured from.
func benchModel(b *testing.B, n int) *risk.Model {
	b.Helper()
	modelsMu.Lock()
	defer modelsMu.Unlock()
	if m, ok := models[n]; ok {
		return m
	}
	clear(models) // keep one size in memory at a time
	runtime.GC()
	k, err := kb.Default()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	inv, err := benchdata.Loaded(ctx, k, n)
	if err != nil {
		b.Fatal(err)
	}
	rep, err := assess.Assess(ctx, inv, k, assess.Options{})
	if err != nil {
		b.Fatal(err)
	}
	m, err := risk.NewModel(ctx, inv, rep, k)
	if err != nil {
		b.Fatal(err)
	}
	m.ExposedTo(0) // build the inverted indexes: part of loading, not of a scenario
	models[n] = m
	return m
}

// BenchmarkScenario runs single scenarios of each kind with full detail.
func BenchmarkScenario(b *testing.B) {
	for _, n := range benchdata.Sizes(b, *benchSizes) {
		m := benchModel(b, n)
		region := m.Region(0)
		for _, name := range []string{"compel:US", "provider-exit:p0", "region-cut:" + region, "energy-shortage:US", "export-control:accelerators"} {
			b.Run(fmt.Sprintf("components=%d/%s", n, name), func(b *testing.B) {
				s, _ := Parse(name)
				e := NewEngine(m, Options{})
				b.ResetTimer()
				for range b.N {
					r, err := e.Run(context.Background(), s, false, true)
					if err != nil {
						b.Fatal(err)
					}
					if r.Direct == 0 {
						b.Fatalf("%s hits nothing", name)
					}
				}
				benchdata.ReportHeap(b)
			})
		}
	}
}

// BenchmarkSweep runs every built-in scenario of the inventory.
func BenchmarkSweep(b *testing.B) {
	for _, n := range benchdata.Sizes(b, *benchSizes) {
		m := benchModel(b, n)
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			for range b.N {
				sw, err := RunSweep(context.Background(), m, SweepOptions{})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(len(sw.Scenarios)), "scenarios")
			}
			benchdata.ReportHeap(b)
		})
	}
}
