package server

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sovmap/sovmap/internal/benchdata"
	"github.com/sovmap/sovmap/store"
)

// downloadSizesEnv names the sizes BenchmarkDownload runs, as a
// comma-separated list of component counts; without it the benchmark runs
// 100,000 only, so that 1,000,000 runs only when asked for.
const downloadSizesEnv = "SOVMAP_BENCH_DOWNLOAD_SIZES"

// downloadFormatsEnv names the formats BenchmarkDownload downloads, as a
// comma-separated list; without it, every streamed format. Each format is
// also written whole once, to check the download's size: at a million
// components the HTML and OSCAL take minutes.
const downloadFormatsEnv = "SOVMAP_BENCH_DOWNLOAD_FORMATS"

// bufferedMax is the largest version the "buffered" download runs on: at a
// million components the report written whole takes gigabytes, more than
// the benchmarks may take on a shared machine.
const bufferedMax = 100_000

// BenchmarkDownload is the download benchmark of docs/benchmarks.md: a
// version of a generated inventory (gen, seed 1) is stored as an upload
// stores it (without the warm-up of an upload), then its report is
// downloaded through the API on loopback, as an automation downloads it:
// "streamed-FORMAT" as the server sends a large version's report in each
// streamed format now (the first format that shows positions builds what
// the stream reads of the inventory, from the positions kept at upload;
// the others find it cached), "cold-FORMAT" the same as the first
// download after a restart (the cache emptied before each), "buffered"
// the JSON as it did before (the report decoded from the store and
// written whole into memory, then sent; the cache emptied before each
// download so that it is written every time).
// Run it with
//
//	go test ./server -run '^$' -bench Download -benchtime 3x
//	SOVMAP_BENCH_DOWNLOAD_SIZES=1000000 go test ./server -run '^$' -bench Download -benchtime 1x -timeout 30m
//
// and SOVMAP_TEST_POSTGRES_DSN set for the PostgreSQL half. It reports the
// time to the first byte of the body and to the last (ms-first-byte,
// ms-total, the worst of the iterations), the bytes per second, and the
// peak of the Go heap during the downloads above what it held before them
// (MiB-peak-heap, sampled every 5 ms: the server and the client that reads
// and discards the body are one process).
func BenchmarkDownload(b *testing.B) {
	// The collector settings of the sovmap binary (tuneGC in cmd/sovmap).
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(5 << 30))
	sizes := []int{100_000}
	if env := os.Getenv(downloadSizesEnv); env != "" {
		sizes = benchdata.Sizes(b, env)
	}
	formats := slices.Sorted(maps.Keys(streamedFormats))
	if env := os.Getenv(downloadFormatsEnv); env != "" {
		formats = strings.Split(env, ",")
		for _, f := range formats {
			if _, ok := streamedFormats[f]; !ok {
				b.Fatalf("%s: %q is not a streamed format", downloadFormatsEnv, f)
			}
		}
	}
	for _, be := range backends {
		for _, n := range sizes {
			b.Run(fmt.Sprintf("%s/%s", be.name, sizeName(n)), func(b *testing.B) {
				e := newEnvWith(b, be.open(b), withStreamedWriters)
				// The reports' sizes, as sovmap assess writes them, to check
				// each download by.
				sizes := map[string]*countWriter{}
				v := storeFileTo(b, e, generatedFile(b, e, n), func(format string) io.Writer {
					if !slices.Contains(formats, format) && format != "json" {
						return nil
					}
					sizes[format] = &countWriter{}
					return sizes[format]
				})
				runtime.GC()
				tok := e.token("default", store.RoleViewer)
				url := fmt.Sprintf("%s/api/v1/workspaces/default/versions/%d/report?format=", e.ts.URL, v.Number)
				for _, format := range formats {
					if !e.srv.streams(v, format) {
						b.Fatalf("a version of %d components is not streamed in %s with the default cache", n, format)
					}
					want := sizes[format].n
					if format == "xlsx" {
						want = -1 // a workbook's zip is not the same size twice
					}
					b.Run("streamed-"+format, func(b *testing.B) { benchDownload(b, url+format, tok, want, nil) })
				}
				// Each format again as the first download after a restart:
				// the cache emptied before each, so that what the stream
				// reads of the inventory is built every time.
				for _, format := range formats {
					want := sizes[format].n
					if format == "xlsx" {
						want = -1
					}
					b.Run("cold-"+format, func(b *testing.B) {
						benchDownload(b, url+format, tok, want, func() { e.srv.cache = e.srv.cache.emptied() })
					})
				}
				want := sizes["json"].n
				b.Run("buffered", func(b *testing.B) {
					if n > bufferedMax {
						b.Skipf("the buffered download of %d components would hold gigabytes: only up to %d", n, bufferedMax)
					}
					e.srv.cfg.CacheBytes = 1 << 50 // streams nothing
					defer func() { e.srv.cfg.CacheBytes = 1 << 30 }()
					benchDownload(b, url+"json", tok, want, func() { e.srv.cache = newVersionCache(1<<30, e.srv.cfg.HeavyWork, e.srv.cfg.HeavyQueue) })
				})
			})
		}
	}
}

// benchDownload downloads url b.N times, calling reset before each, and
// reports the worst times to the first and the last byte and the peak heap.
// Each download must be want bytes long, or not empty when want is -1.
func benchDownload(b *testing.B, url, token string, want int64, reset func()) {
	var first, total time.Duration
	var size int64
	runtime.GC()
	base := heapBytes()
	peak := newHeapPeak()
	b.ResetTimer()
	for range b.N {
		if reset != nil {
			reset()
		}
		f, t, n := fetchReport(b, url, token)
		if n != want && (want >= 0 || n == 0) {
			b.Fatalf("downloaded %d bytes, the report has %d", n, want)
		}
		first, total, size = max(first, f), max(total, t), n
	}
	b.StopTimer()
	b.SetBytes(size)
	b.ReportMetric(float64(first.Microseconds())/1000, "ms-first-byte")
	b.ReportMetric(float64(total.Microseconds())/1000, "ms-total")
	b.ReportMetric(float64(max(0, peak.stop()-base))/(1<<20), "MiB-peak-heap")
	b.ReportMetric(float64(size)/(1<<20), "MiB-body")
}

// fetchReport fetches url and says when the first byte of the body came,
// when the last, and how many there were.
func fetchReport(b *testing.B, url, token string) (first, total time.Duration, size int64) {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b.Fatalf("download: %d", res.StatusCode)
	}
	r := bufio.NewReaderSize(res.Body, 64<<10)
	if _, err := r.Peek(1); err != nil {
		b.Fatal(err)
	}
	first = time.Since(start)
	n, err := io.Copy(io.Discard, r)
	if err != nil {
		b.Fatal(err)
	}
	return first, time.Since(start), n
}

// heapSample is the runtime metric of the bytes of live and not yet swept
// heap objects: what ReadMemStats' HeapAlloc says, without stopping the
// world to read it.
const heapSample = "/memory/classes/heap/objects:bytes"

func heapBytes() int64 {
	s := []rtmetrics.Sample{{Name: heapSample}}
	rtmetrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// heapPeak samples the heap every 5 ms until stopped.
type heapPeak struct {
	done chan struct{}
	wg   sync.WaitGroup
	max  int64
}

func newHeapPeak() *heapPeak {
	p := &heapPeak{done: make(chan struct{})}
	p.wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			p.max = max(p.max, heapBytes())
			select {
			case <-p.done:
				return
			case <-t.C:
			}
		}
	})
	return p
}

// stop ends the sampling and returns the peak.
func (p *heapPeak) stop() int64 {
	close(p.done)
	p.wg.Wait()
	return p.max
}
