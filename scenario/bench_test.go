package scenario

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/inventory"
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
	// Through the loader, as the CLI reads it: ids indexed, dependencies resolved.
	var buf bytes.Buffer
	if err := gen.WriteJSON(&buf, gen.Inventory(k, gen.Options{Components: n, Seed: 1})); err != nil {
		b.Fatal(err)
	}
	inv, err := inventory.Decode(ctx, k, "bench.json", buf.Bytes())
	if err != nil {
		b.Fatal(err)
	}
	buf = bytes.Buffer{}
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

func sizes(b *testing.B) []int {
	var out []int
	for _, s := range strings.Split(*benchSizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			b.Fatalf("bad -sizes entry %q", s)
		}
		out = append(out, n)
	}
	return out
}

func memStats(b *testing.B) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<30), "GiB-heap")
}

// BenchmarkScenario runs single scenarios of each kind with full detail.
func BenchmarkScenario(b *testing.B) {
	for _, n := range sizes(b) {
		m := benchModel(b, n)
		region := m.Regions[0]
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
				memStats(b)
			})
		}
	}
}

// BenchmarkSweep runs every built-in scenario of the inventory.
func BenchmarkSweep(b *testing.B) {
	for _, n := range sizes(b) {
		m := benchModel(b, n)
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			for range b.N {
				sw, err := RunSweep(context.Background(), m, SweepOptions{})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(len(sw.Scenarios)), "scenarios")
			}
			memStats(b)
		})
	}
}
