package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/embassy"
	"github.com/sovmap/sovmap/internal/benchdata"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/report"
	"github.com/sovmap/sovmap/store"
)

// uploadSizesEnv names the sizes BenchmarkUpload runs, as a comma-separated
// list of component counts; without it the benchmark runs 100,000 only, so
// that 1,000,000 (a 408 MB file, about a minute per store) runs only when
// asked for.
const uploadSizesEnv = "SOVMAP_BENCH_UPLOAD_SIZES"

// BenchmarkUpload is the upload benchmark of docs/benchmarks.md: a
// generated inventory (gen, seed 1) is uploaded through the API, as CI
// uploads it, on each store, side by side with what `sovmap assess FILE
// --format json` does to the same bytes (the "cli" sub-benchmark: decode,
// assess, write the JSON report). Run it with
//
//	go test ./server -run '^$' -bench Upload -benchtime 1x
//	SOVMAP_BENCH_UPLOAD_SIZES=1000000 go test ./server -run '^$' -bench Upload -benchtime 1x -timeout 30m
//
// and SOVMAP_TEST_POSTGRES_DSN set for the PostgreSQL half. Each upload
// reports its peak resident memory (the whole test process: it holds the
// generated file too) and the time per component.
func BenchmarkUpload(b *testing.B) {
	// The collector settings of the sovmap binary (tuneGC in cmd/sovmap),
	// which serve runs with too.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(5 << 30))
	k, err := kb.Default()
	if err != nil {
		b.Fatal(err)
	}
	sizes := []int{100_000}
	if env := os.Getenv(uploadSizesEnv); env != "" {
		sizes = benchdata.Sizes(b, env)
	}
	for _, n := range sizes {
		data, err := benchdata.JSON(k, n)
		if err != nil {
			b.Fatal(err)
		}
		size := sizeName(n)
		b.Run("cli/"+size, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			measurePeak(b, func() {
				for range b.N {
					cliAssess(b, k, data, n)
				}
			})
		})
		for _, be := range backends {
			b.Run(be.name+"/"+size, func(b *testing.B) {
				e := newEnvOn(b, be.open(b))
				e.srv.cfg.MaxUploadBytes = 1 << 31
				tok := e.token("default", store.RoleEditor)
				runtime.GC()
				b.SetBytes(int64(len(data)))
				measurePeak(b, func() {
					for range b.N {
						r := e.api("POST", "/api/v1/workspaces/default/versions?name=generated.json", tok, data, "application/json")
						if r.status != http.StatusCreated {
							b.Fatalf("upload: %d %.300s", r.status, r.body)
						}
						var v struct{ Components int }
						if err := json.Unmarshal([]byte(r.body), &v); err != nil || v.Components != n {
							b.Fatalf("upload stored %d components, want %d (%v)", v.Components, n, err)
						}
					}
				})
			})
		}
	}
}

// cliAssess is what `sovmap assess FILE --format json` does with a file's
// bytes, with the options of the server's tests.
func cliAssess(b *testing.B, k *kb.KB, data []byte, n int) {
	ctx := context.Background()
	inv, err := inventory.Decode(ctx, k, "generated.json", data)
	if err != nil {
		b.Fatal(err)
	}
	r, err := assess.Assess(ctx, inv, k, assess.Options{Qualifies: embassy.Qualifies})
	if err != nil {
		b.Fatal(err)
	}
	out := bufio.NewWriterSize(discard{}, 1<<20)
	if err := report.WriteJSON(out, r, inv); err != nil {
		b.Fatal(err)
	}
	if len(r.Components) != n {
		b.Fatalf("assessed %d components, want %d", len(r.Components), n)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func sizeName(n int) string {
	switch {
	case n%1_000_000 == 0:
		return strconv.Itoa(n/1_000_000) + "M"
	case n%1000 == 0:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

// measurePeak runs fn as the timed part of b and reports the process's
// peak resident memory during it, in GiB, where Linux tells it: the high
// water mark is reset first (/proc/self/clear_refs) and read after
// (VmHWM in /proc/self/status). It also reports the CPU time the process
// spent (user and system, on every core), which other processes on the
// machine change far less than the wall time; a PostgreSQL server's own
// CPU is not in it.
func measurePeak(b *testing.B, fn func()) {
	reset := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	cpu0, cpuErr := benchdata.ProcessCPU()
	b.ResetTimer()
	fn()
	b.StopTimer()
	if cpu1, err := benchdata.ProcessCPU(); err == nil && cpuErr == nil {
		b.ReportMetric((cpu1-cpu0).Seconds()/float64(b.N), "CPU-s/op")
	}
	if reset != nil {
		return
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range bytes.Split(status, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			kib, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(string(rest)), " kB"), 64)
			if err == nil {
				b.ReportMetric(kib/(1<<20), "GiB-peak-RSS")
			}
		}
	}
}
