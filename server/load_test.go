package server

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/store"
)

// BenchmarkDashboardLoad is the load test of docs/benchmarks.md: a
// workspace holding two versions of a synthetic inventory (10,000
// components by default) and 50 signed-in clients on loopback, each
// fetching every page of loadTargets in turn. The versions are stored with
// the store's AddVersion, as an upload would store them, and every page is
// fetched once before the measurement (its time is reported as the first
// view: what the server derives from a version is computed then and kept).
// It reports the 50th and 99th percentile latency of each page in two
// modes: "users" waits a think time of about a second between a client's
// requests, as people reading pages do; "saturated" sends the next request
// as soon as the last answer arrives, which measures the server's capacity.
// Run it with
//
//	go test ./server -run '^$' -bench DashboardLoad -benchtime 1x
//
// and SOVMAP_TEST_POSTGRES_DSN set for the PostgreSQL half. Larger
// workspaces run only when asked for, by SOVMAP_LOAD_SIZES=100000,1000000
// or by naming them in the pattern (-bench 'DashboardLoad/sqlite/components=100000').
func BenchmarkDashboardLoad(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			for _, n := range loadSizes() {
				b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
					if n != loadComponents && !loadAsked(n) {
						b.Skipf("%d components only when asked for (SOVMAP_LOAD_SIZES or the -bench pattern)", n)
					}
					base, clients := loadSetup(b, be.open(b), n)
					rounds := max(2, loadRounds*loadComponents/n)
					b.Run("users", func(b *testing.B) { loadRun(b, base, clients, time.Second, rounds, n) })
					b.Run("saturated", func(b *testing.B) { loadRun(b, base, clients, 0, rounds, n) })
				})
			}
		})
	}
}

const (
	loadComponents = 10000
	loadClients    = 50
	// loadRounds is the requests per client and page in an iteration at
	// loadComponents; larger workspaces take fewer (at least 2), so that a
	// run stays within minutes.
	loadRounds = 10
)

// loadSizes are the workspace sizes the benchmark knows.
func loadSizes() []int { return []int{loadComponents, 100000, 1000000} }

// loadAsked reports whether a size was asked for by SOVMAP_LOAD_SIZES or
// named in the -bench pattern.
func loadAsked(n int) bool {
	name := strconv.Itoa(n)
	if slices.Contains(strings.Split(os.Getenv("SOVMAP_LOAD_SIZES"), ","), name) {
		return true
	}
	f := flag.Lookup("test.bench")
	return f != nil && strings.Contains(f.Value.String(), "components="+name)
}

// loadTargets are the pages and API endpoints measured: those a viewer of a
// large estate uses, the heavy ones (comparison, vendors, stack) after
// their first view.
var loadTargets = []struct{ name, path string }{
	{"overview", "/w/default/"},
	{"components", "/w/default/components"},
	{"components-filtered", "/w/default/components?min_gap=1&sort=gap&desc=1"},
	{"components-deep-page", "/w/default/components?offset=5000"},
	{"component", "/w/default/component?id=c5"},
	{"flows", "/w/default/flows"},
	{"vendors", "/w/default/vendors"},
	{"stack", "/w/default/stack"},
	{"versions", "/w/default/versions"},
	{"compare", "/w/default/compare?from=1&to=2"},
	{"api-version", "/api/v1/workspaces/default/versions/latest"},
	{"api-components", "/api/v1/workspaces/default/versions/latest/components?min_gap=1&sort=gap&desc=1"},
	{"api-component", "/api/v1/workspaces/default/versions/latest/components/c5"},
	{"api-flows", "/api/v1/workspaces/default/versions/latest/flows"},
	{"api-vendors", "/api/v1/workspaces/default/versions/latest/vendors"},
}

// loadSetup stores two versions of a synthetic inventory of n components
// (seed 1, then with one component in a thousand moved), signs in the
// clients and fetches every page once.
func loadSetup(b *testing.B, st store.Store, n int) (string, []*http.Client) {
	e := newEnvOn(b, st)
	ctx := context.Background()
	ws, err := st.WorkspaceBySlug(ctx, "default")
	if err != nil {
		b.Fatal(err)
	}
	admin, err := st.UserByLogin(ctx, "admin")
	if err != nil {
		b.Fatal(err)
	}
	inv := gen.Inventory(e.srv.cfg.KB, gen.Options{Components: n, Seed: 1})
	var latest store.Version
	var rep *sovmap.Report
	for v := range 2 {
		if v == 1 {
			// The second version moves one component in a thousand to the
			// US, as a month's changes to a large estate might.
			for i := 0; i < n; i += 1000 {
				inv.Components[i].Locations, inv.Components[i].OperatedFrom = []string{"US"}, []string{"US"}
			}
		}
		t0 := time.Now()
		var nv store.NewVersion
		nv, rep = loadVersion(b, e.srv, inv)
		nv.WorkspaceID, nv.CreatedBy, nv.Source = ws.ID, admin.ID, "api"
		t1 := time.Now()
		if latest, err = st.AddVersion(ctx, nv); err != nil {
			b.Fatal(err)
		}
		b.Logf("version %d: %d components written and assessed in %v, stored in %v", v+1, n, t1.Sub(t0).Round(time.Millisecond), time.Since(t1).Round(time.Millisecond))
	}
	c := e.signInAdmin()
	cookies := c.hc.Jar.Cookies(mustURLTB(b, e.ts.URL))
	clients := make([]*http.Client, loadClients)
	for i := range clients {
		jar, _ := cookiejar.New(nil)
		jar.SetCookies(mustURLTB(b, e.ts.URL), cookies)
		clients[i] = &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: 2}}
	}
	// The first views after an upload: the upload handlers hand the
	// inventory and report they assessed to the warm-up, as here, and answer; a viewer
	// who comes at once waits for the build of the page's entry.
	t0 := time.Now()
	e.srv.warm(latest, inv, rep)
	inv, rep = nil, nil
	for _, p := range loadTargets {
		if !slices.Contains(warmedPages, p.name) {
			continue
		}
		t1 := time.Now()
		if code := fetch(clients[0], e.ts.URL+p.path); code != http.StatusOK {
			b.Fatalf("%s: %d", p.path, code)
		}
		b.Logf("first view after upload of %-10s %8.1f ms (%.1f s after the upload)", p.name, ms(time.Since(t1)), time.Since(t0).Seconds())
	}
	e.srv.warming.Wait()
	entries, bytes := e.srv.cache.stats()
	b.Logf("warm-up done %.1f s after the upload; cache %d entries, %.0f MiB as estimated; peak RSS so far %s", time.Since(t0).Seconds(), entries, float64(bytes)/(1<<20), peakRSS())
	// The first view of each page from the store alone, as after a
	// restart or in another process: what the server derives from a
	// version is computed then and kept.
	e.srv.cache = e.srv.cache.emptied()
	runtime.GC()
	for _, p := range loadTargets {
		t0 := time.Now()
		if code := fetch(clients[0], e.ts.URL+p.path); code != http.StatusOK {
			b.Fatalf("%s: %d", p.path, code)
		}
		b.Logf("first view of %-22s %8.1f ms", p.name, ms(time.Since(t0)))
	}
	entries, bytes = e.srv.cache.stats()
	b.Logf("cache %d entries, %.0f MiB as estimated; peak RSS so far %s", entries, float64(bytes)/(1<<20), peakRSS())
	return e.ts.URL, clients
}

// warmedPages are the pages of loadTargets whose entries an upload builds.
var warmedPages = []string{"overview", "flows", "vendors", "stack", "components", "api-vendors"}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// peakRSS is the process's peak resident memory as Linux counts it
// (VmHWM), or "unknown" elsewhere.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	return "unknown"
}

// loadVersion writes a generated inventory as a file and assesses and
// prepares it as an upload of that file would, without going through the
// upload.
func loadVersion(b testing.TB, srv *Server, inv *sovmap.Inventory) (store.NewVersion, *sovmap.Report) {
	ctx := context.Background()
	var file bytes.Buffer
	if err := gen.WriteJSON(&file, inv); err != nil {
		b.Fatal(err)
	}
	files := []store.File{{Name: "synthetic.json", Data: file.Bytes()}}
	decoded, rep, k, err := srv.assessFiles(ctx, files)
	if err != nil {
		b.Fatal(err)
	}
	nv, err := newVersion(decoded, rep, k, files)
	if err != nil {
		b.Fatal(err)
	}
	return nv, rep
}

func loadRun(b *testing.B, base string, clients []*http.Client, think time.Duration, rounds, components int) {
	var mu sync.Mutex
	lat := map[string][]time.Duration{}
	failures := 0
	start := time.Now()
	b.ResetTimer()
	for range b.N {
		var wg sync.WaitGroup
		for c := range clients {
			wg.Go(func() {
				// Spread the clients' think times (0.5 to 1.5 of think),
				// deterministically, so that they do not march in step.
				rng := rand.New(rand.NewPCG(uint64(c), 1))
				local := map[string][]time.Duration{}
				bad := 0
				for r := range rounds {
					for i := range loadTargets {
						if think > 0 {
							time.Sleep(think/2 + time.Duration(rng.Int64N(int64(think))))
						}
						p := loadTargets[(i+c+r)%len(loadTargets)]
						t0 := time.Now()
						if fetch(clients[c], base+p.path) != http.StatusOK {
							bad++
						}
						local[p.name] = append(local[p.name], time.Since(t0))
					}
				}
				mu.Lock()
				for k, v := range local {
					lat[k] = append(lat[k], v...)
				}
				failures += bad
				mu.Unlock()
			})
		}
		wg.Wait()
	}
	b.StopTimer()
	elapsed := time.Since(start)
	if failures > 0 {
		b.Fatalf("%d requests failed", failures)
	}
	total := 0
	for _, p := range loadTargets {
		d := lat[p.name]
		total += len(d)
		slices.Sort(d)
		p50, p99 := d[len(d)*50/100], d[len(d)*99/100]
		b.ReportMetric(float64(p50.Microseconds())/1000, p.name+"-p50-ms")
		b.ReportMetric(float64(p99.Microseconds())/1000, p.name+"-p99-ms")
		b.Logf("%-22s %6d requests  p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms", p.name, len(d),
			float64(p50.Microseconds())/1000, float64(p99.Microseconds())/1000, float64(d[len(d)-1].Microseconds())/1000)
	}
	b.ReportMetric(float64(total)/elapsed.Seconds(), "req/s")
	b.Logf("%d components, %d concurrent clients, think time %v: %.0f requests/s; peak RSS so far %s", components, len(clients), think, float64(total)/elapsed.Seconds(), peakRSS())
}

func fetch(c *http.Client, u string) int {
	res, err := c.Get(u)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func mustURLTB(t testing.TB, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
