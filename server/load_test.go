package server

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/store"
)

// BenchmarkDashboardLoad is the load test of docs/benchmarks.md: a
// workspace of 10,000 components and 50 signed-in clients on loopback, each
// fetching the overview and the list pages (default, filtered and sorted,
// and a deep page) in turn. It reports the 50th and 99th percentile latency
// of each page in two modes: "users" waits a think time of about a second
// between a client's requests, as people reading pages do; "saturated" sends
// the next request as soon as the last answer arrives, which measures the
// server's capacity. Run it with
//
//	go test ./server -run '^$' -bench DashboardLoad -benchtime 1x
//
// and SOVMAP_TEST_POSTGRES_DSN set for the PostgreSQL half.
func BenchmarkDashboardLoad(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			base, clients := loadSetup(b, be.open(b))
			b.Run("users", func(b *testing.B) { loadRun(b, base, clients, time.Second) })
			b.Run("saturated", func(b *testing.B) { loadRun(b, base, clients, 0) })
		})
	}
}

const (
	loadComponents = 10000
	loadClients    = 50
	loadRounds     = 10 // requests per client and page, per iteration
)

var loadTargets = []struct{ name, path string }{
	{"overview", "/w/default/"},
	{"components", "/w/default/components"},
	{"components-filtered", "/w/default/components?min_gap=1&sort=gap&desc=1"},
	{"components-deep-page", "/w/default/components?offset=5000"},
}

// loadSetup stores a synthetic 10,000-component inventory and signs in the
// clients.
func loadSetup(b *testing.B, st store.Store) (string, []*http.Client) {
	e := newEnvOn(b, st)
	k, err := kb.Default()
	if err != nil {
		b.Fatal(err)
	}
	var inv bytes.Buffer
	if err := gen.WriteJSON(&inv, gen.Inventory(k, gen.Options{Components: loadComponents, Seed: 1})); err != nil {
		b.Fatal(err)
	}
	tok := e.token("default", store.RoleEditor)
	e.srv.cfg.MaxUploadBytes = 1 << 30
	if r := e.api("POST", "/api/v1/workspaces/default/versions?name=synthetic.json", tok, inv.Bytes(), ""); r.status != http.StatusCreated {
		b.Fatalf("upload: %d %.300s", r.status, r.body)
	}
	admin := e.signInAdmin()
	cookies := admin.hc.Jar.Cookies(mustURLTB(b, e.ts.URL))
	clients := make([]*http.Client, loadClients)
	for i := range clients {
		jar, _ := cookiejar.New(nil)
		jar.SetCookies(mustURLTB(b, e.ts.URL), cookies)
		clients[i] = &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: 2}}
	}
	// One warm-up request per page, so that the measurements do not include
	// the database's cold start.
	for _, p := range loadTargets {
		if code := fetch(clients[0], e.ts.URL+p.path); code != http.StatusOK {
			b.Fatalf("%s: %d", p.path, code)
		}
	}
	return e.ts.URL, clients
}

func loadRun(b *testing.B, base string, clients []*http.Client, think time.Duration) {
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
				for r := range loadRounds {
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
	b.Logf("%d components, %d concurrent clients, think time %v: %.0f requests/s", loadComponents, len(clients), think, float64(total)/elapsed.Seconds())
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
