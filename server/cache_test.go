package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/embassy"
	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/report"
	"github.com/sovmap/sovmap/risk"
	"github.com/sovmap/sovmap/store"
)

func constant(v any, size int64) computeFunc {
	return func(context.Context) (any, int64, error) { return v, size, nil }
}

func TestCacheSharesOneComputation(t *testing.T) {
	c := newVersionCache(1<<20, 2, 4)
	release := make(chan struct{})
	compute := func(context.Context) (any, int64, error) {
		<-release
		return "register", 10, nil
	}
	const viewers = 50
	var wg sync.WaitGroup
	got := make([]any, viewers)
	errs := make([]error, viewers)
	for i := range viewers {
		wg.Go(func() { got[i], errs[i] = c.get(context.Background(), cacheKey{1, "register", ""}, true, compute) })
	}
	// Let every viewer ask before the one computation may finish.
	for deadline := time.Now().Add(5 * time.Second); ; {
		c.mu.Lock()
		f := c.flights[cacheKey{1, "register", ""}]
		c.mu.Unlock()
		if f != nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	for i := range viewers {
		if errs[i] != nil || got[i] != "register" {
			t.Fatalf("viewer %d: %v %v", i, got[i], errs[i])
		}
	}
	if n := c.computations.Load(); n != 1 {
		t.Errorf("%d viewers of one version caused %d computations, want 1", viewers, n)
	}
	if _, err := c.get(context.Background(), cacheKey{1, "register", ""}, true, constant("recomputed", 10)); err != nil || c.computations.Load() != 1 {
		t.Errorf("a later request recomputed the entry (%d computations, %v)", c.computations.Load(), err)
	}
}

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	c := newVersionCache(100, 1, 0)
	ctx := context.Background()
	get := func(v int64, size int64) any {
		x, err := c.get(ctx, cacheKey{v, "stack", ""}, true, constant(fmt.Sprint("v", v, " computation ", c.computations.Load()+1), size))
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	first := get(1, 40)
	get(2, 40)
	if get(1, 40) != first { // version 1 is now the most recent
		t.Fatal("version 1 was not kept")
	}
	get(3, 40) // 120 bytes: version 2, the least recently used, goes
	if n, used := c.stats(); n != 2 || used != 80 {
		t.Errorf("after an eviction: %d entries of %d bytes, want 2 of 80", n, used)
	}
	before := c.computations.Load()
	if get(1, 40) != first || c.computations.Load() != before {
		t.Error("version 1, recently used, was evicted")
	}
	get(2, 40)
	if c.computations.Load() != before+1 {
		t.Error("version 2 was not evicted")
	}
	// More than half the capacity is returned but not kept.
	get(9, 60)
	get(9, 60)
	if c.computations.Load() != before+3 {
		t.Error("a result over half the capacity was kept")
	}
	if _, used := c.stats(); used > 100 {
		t.Errorf("the cache holds %d bytes, over its capacity of 100", used)
	}
}

func TestCacheKeepsNoErrorsAndSurvivesPanics(t *testing.T) {
	c := newVersionCache(1<<20, 1, 0)
	ctx := context.Background()
	key := cacheKey{1, "estate", ""}
	boom := errors.New("database gone")
	if _, err := c.get(ctx, key, true, func(context.Context) (any, int64, error) { return nil, 0, boom }); !errors.Is(err, boom) {
		t.Fatalf("error: %v", err)
	}
	if _, err := c.get(ctx, key, true, func(context.Context) (any, int64, error) { panic("bug") }); err == nil {
		t.Fatal("a panicking computation returned no error")
	}
	if v, err := c.get(ctx, key, true, constant("ok", 1)); err != nil || v != "ok" {
		t.Fatalf("after an error and a panic: %v %v, want a fresh computation", v, err)
	}
}

func TestCacheQueueIsBounded(t *testing.T) {
	c := newVersionCache(1<<20, 1, 1)
	release := make(chan struct{})
	block := func(context.Context) (any, int64, error) { <-release; return "done", 1, nil }
	results := make(chan error, 2)
	for v := range int64(2) { // one runs, one waits for the slot
		go func() {
			_, err := c.get(context.Background(), cacheKey{v, "scenario", "x"}, true, block)
			results <- err
		}()
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		c.mu.Lock()
		n := len(c.flights)
		c.mu.Unlock()
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d computations under way, want 2", n)
		}
	}
	if _, err := c.get(context.Background(), cacheKey{3, "scenario", "x"}, true, block); !errors.Is(err, errHeavyBusy) {
		t.Fatalf("a third computation with one slot and a queue of one: %v, want errHeavyBusy", err)
	}
	// A viewer who gives up gets its context's error at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.get(ctx, cacheKey{0, "scenario", "x"}, true, block); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: %v", err)
	}
	close(release)
	for range 2 {
		if err := <-results; err != nil {
			t.Fatal(err)
		}
	}
}

// TestCachedAnalysesMatchTheEngines checks what the pages show from the
// cache against the engines run directly on the uploaded file, for two
// versions that differ, each read twice (the second time from the cache).
func TestCachedAnalysesMatchTheEngines(t *testing.T) {
	lib, err := framework.Default()
	if err != nil {
		t.Fatal(err)
	}
	trust, err := lib.Lookup(risk.TrustFramework)
	if err != nil {
		t.Fatal(err)
	}
	opts := func(*risk.Model) risk.Options { return risk.Options{Trust: trust} }
	e := newEnvWith(t, backends[0].open(t), func(c *Config) { c.RiskOptions = opts })
	c := e.signInAdmin()
	files := [][]byte{e.hospital, e.hospitalV2()}
	for _, f := range files {
		if r := c.upload("default", map[string][]byte{"inventory.yaml": f}, ""); r.status != http.StatusSeeOther {
			t.Fatalf("upload: %d", r.status)
		}
	}
	ctx := context.Background()
	ws := mustWorkspace(t, e, "default")
	var registers [2]string
	for i, f := range files {
		ver, err := e.st.VersionByNumber(ctx, ws.ID, i+1)
		if err != nil {
			t.Fatal(err)
		}
		// The oracle: the file decoded, assessed and analysed afresh.
		inv, err := inventory.Decode(ctx, e.srv.cfg.KB, "inventory.yaml", f)
		if err != nil {
			t.Fatal(err)
		}
		k, err := inventory.WithKnowledge(e.srv.cfg.KB, inv)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := assess.Assess(ctx, inv, k, assess.Options{Qualifies: embassy.Qualifies})
		if err != nil {
			t.Fatal(err)
		}
		m, err := risk.NewModel(ctx, inv, rep, k)
		if err != nil {
			t.Fatal(err)
		}
		want, err := risk.NewRegister(ctx, m, opts(m))
		if err != nil {
			t.Fatal(err)
		}
		var md bytes.Buffer
		if err := report.WriteMarkdown(&md, rep, inv); err != nil {
			t.Fatal(err)
		}
		for pass := range 2 {
			reg, _, err := e.srv.register(ctx, ver)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := mustJSON(t, reg), mustJSON(t, want); got != want {
				t.Errorf("version %d, pass %d: the cached register differs from the engine's:\n%.600s\nwant\n%.600s", i+1, pass, got, want)
			}
			registers[i] = mustJSON(t, reg)
			r := c.get(fmt.Sprintf("/w/default/download?v=%d&format=markdown", i+1))
			if r.status != http.StatusOK || r.body != md.String() {
				t.Errorf("version %d, pass %d: the Markdown download (%d) differs from report.WriteMarkdown", i+1, pass, r.status)
			}
		}
	}
	if registers[0] == registers[1] {
		t.Error("two different versions gave one register: entries are shared between versions")
	}
	// Every page computed afresh (an empty cache) and then from the cache.
	e.srv.cache = newVersionCache(1<<30, 2, 16)
	tok := e.token("default", store.RoleViewer)
	for _, v := range []string{"1", "2"} {
		for _, p := range []string{"/w/default/?v=" + v, "/w/default/map?v=" + v, "/w/default/flows?v=" + v, "/w/default/vendors?v=" + v,
			"/w/default/stack?v=" + v, "/w/default/scenarios?name=compel:US&v=" + v, "/w/default/compare?from=1&to=" + v,
			"/api/v1/workspaces/default/versions/" + v + "/dependencies", "/api/v1/workspaces/default/versions/" + v + "/flows",
			"/api/v1/workspaces/default/versions/" + v + "/vendors"} {
			get := func() resp {
				if p[1] == 'a' {
					return e.api("GET", p, tok, nil, "")
				}
				return c.get(p)
			}
			before := e.srv.cache.computations.Load()
			first := get()
			// A version's first view builds the other first views' entries
			// in the background (coldStart): count them with it.
			e.srv.warming.Wait()
			computed := e.srv.cache.computations.Load()
			second := get()
			if first.status != http.StatusOK || second.status != first.status || second.body != first.body {
				t.Errorf("%s: computed (%d) and cached (%d) answers differ", p, first.status, second.status)
			}
			// Pages share entries (the map the overview's, the API its page's,
			// the vendors the overview's first view), versions do not.
			if computed == before && (strings.Contains(p, "/w/default/?") || strings.Contains(p, "compare")) {
				t.Errorf("%s: the first request computed nothing: the entry was shared with another version", p)
			}
			if e.srv.cache.computations.Load() != computed {
				t.Errorf("%s: the second request computed again", p)
			}
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestHeavyRequestsAreBounded fills the one computation slot and its queue
// and checks that a report download, a comparison and a scenario are
// refused with 503 and Retry-After, then served once the slot is free.
func TestHeavyRequestsAreBounded(t *testing.T) {
	e := newEnvWith(t, backends[0].open(t), func(c *Config) { c.HeavyWork, c.HeavyQueue = 1, -1 })
	c := e.signInAdmin()
	c.upload("default", map[string][]byte{"inventory.yaml": e.hospital}, "")
	c.upload("default", map[string][]byte{"inventory.yaml": e.hospitalV2()}, "")
	e.srv.warming.Wait() // the uploads' warm-ups take the slot too
	tok := e.token("default", store.RoleViewer)
	release := holdSlot(e)
	pages := []string{"/w/default/download?v=1&format=json", "/w/default/compare?from=1&to=2", "/w/default/scenarios?name=compel:US"}
	for _, p := range pages {
		if r := c.get(p); r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
			t.Errorf("%s with the slot taken: %d (Retry-After %q), want 503 with Retry-After", p, r.status, r.header.Get("Retry-After"))
		}
	}
	if r := e.api("GET", "/api/v1/workspaces/default/versions/1/report?format=sarif", tok, nil, ""); r.status != http.StatusServiceUnavailable ||
		r.header.Get("Retry-After") == "" || !bytes.Contains([]byte(r.body), []byte("busy")) {
		t.Errorf("API report with the slot taken: %d %q, want 503 saying busy", r.status, r.body)
	}
	release()
	for _, p := range pages {
		if r := c.get(p); r.status != http.StatusOK {
			t.Errorf("%s once the slot is free: %d", p, r.status)
		}
	}
}

// TestComponentIndexAgreesWithTheStore answers many queries of the
// components list from the in-memory index and from the database's own
// query, which must agree row for row.
func TestComponentIndexAgreesWithTheStore(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ws := mustWorkspace(t, e, "default")
	admin, err := e.st.UserByLogin(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	nv, _ := loadVersion(t, e.srv, gen.Inventory(e.srv.cfg.KB, gen.Options{Components: 1500, Seed: 3}))
	nv.WorkspaceID, nv.CreatedBy, nv.Source = ws.ID, admin.ID, "api"
	ver, err := e.st.AddVersion(ctx, nv)
	if err != nil {
		t.Fatal(err)
	}
	facets, err := e.st.Facets(ctx, ver.ID)
	if err != nil || len(facets.Providers) == 0 || len(facets.Jurisdictions) == 0 {
		t.Fatalf("facets: %v %v", facets, err)
	}
	one, two := 1, 2
	filters := []store.ComponentQuery{{}, {Layer: "model"}, {Level: &one}, {Level: &two, MinGap: 1}, {MinGap: 1}, {MinGap: 2},
		{Provider: facets.Providers[len(facets.Providers)/2]}, {Jurisdiction: facets.Jurisdictions[0]}, {Jurisdiction: "US", MinGap: 1},
		{Search: "C1"}, {Search: "no such component"}, {Layer: "compute", Search: "1", Provider: facets.Providers[0]}}
	queries := 0
	for _, f := range filters {
		for _, sort := range append([]string{""}, store.SortKeys...) {
			for _, desc := range []bool{false, true} {
				for _, page := range [][2]int{{0, 0}, {37, 7}, {1480, 50}, {0, 1000}, {5000, 10}} {
					q := f
					q.Sort, q.Desc, q.Offset, q.Limit = sort, desc, page[0], page[1]
					want, wantTotal, err := e.st.ListComponents(ctx, ver.ID, q)
					if err != nil {
						t.Fatal(err)
					}
					got, total, err := e.srv.listComponents(ctx, ver, q, componentFilter{})
					if err != nil {
						t.Fatal(err)
					}
					queries++
					if total != wantTotal || len(got) != len(want) {
						t.Fatalf("%+v: %d rows of %d, the database %d of %d", q, len(got), total, len(want), wantTotal)
					}
					for i := range want {
						if mustJSON(t, got[i]) != mustJSON(t, want[i]) {
							t.Fatalf("%+v: row %d is %s, the database's %s", q, i, mustJSON(t, got[i]), mustJSON(t, want[i]))
						}
					}
				}
			}
		}
	}
	if queries < 500 {
		t.Fatalf("only %d queries compared", queries)
	}
}

// holdSlot takes one of the server's heavy computation slots until release
// is called, which returns once the slot's place in the queue is given back.
func holdSlot(e *testEnv) (release func()) {
	done, started, ended := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		e.srv.cache.get(context.Background(), cacheKey{-1, "test", ""}, true, func(context.Context) (any, int64, error) {
			close(started)
			<-done
			return nil, 0, nil
		})
	}()
	<-started
	// Until get returns, the computation still holds its place in the
	// queue: a request made before then would be refused.
	return func() { close(done); <-ended }
}

// emptied returns an empty cache with c's limits, as after a restart.
func (c *versionCache) emptied() *versionCache {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := newVersionCache(c.capacity, cap(c.slots), c.maxFlights-cap(c.slots))
	e.budget, e.grow = c.budget, c.grow
	return e
}

// stats says how many entries and bytes the cache holds.
func (c *versionCache) stats() (entries int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.used
}
