package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/diff"
	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/store"
)

// TestCacheWarmSharesItsBuild: requests for entries a warm-up is building
// wait for its build and get its result; none computes its own, whether
// the warm-up is on that entry or still on an earlier one.
func TestCacheWarmSharesItsBuild(t *testing.T) {
	c := newVersionCache(1<<20, 2, 4)
	release := make(chan struct{})
	first, second := cacheKey{1, "estate", ""}, cacheKey{1, "stack", ""}
	done := make(chan struct{})
	ok := c.warm(context.Background(), []warmJob{
		{first, func(context.Context) (any, int64, error) { <-release; return "warm estate", 10, nil }},
		{second, constant("warm stack", 10)},
	}, func() { close(done) })
	if !ok {
		t.Fatal("the warm-up was refused with an empty queue")
	}
	var rebuilt sync.Map
	var wg sync.WaitGroup
	got := make([]any, 20)
	for i := range got {
		key := []cacheKey{first, second}[i%2]
		wg.Go(func() {
			v, err := c.get(context.Background(), key, true, func(context.Context) (any, int64, error) {
				rebuilt.Store(key, true)
				return "rebuilt", 10, nil
			})
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		})
	}
	close(release)
	wg.Wait()
	<-done
	for i, v := range got {
		if want := []string{"warm estate", "warm stack"}[i%2]; v != want {
			t.Errorf("request %d got %v, want %q", i, v, want)
		}
	}
	rebuilt.Range(func(k, _ any) bool { t.Errorf("%v was built again by a request", k); return true })
	if n := c.computations.Load(); n != 2 {
		t.Errorf("%d computations, want the warm-up's 2", n)
	}
	// A second warm-up of the same entries builds nothing.
	again := make(chan struct{})
	c.warm(context.Background(), []warmJob{{first, constant("again", 1)}}, func() { close(again) })
	<-again
	if n := c.computations.Load(); n != 2 {
		t.Errorf("a warm-up of kept entries computed (%d computations)", n)
	}
}

// TestCacheWarmRefusedWhenBusy: with the queue of heavy computations full,
// a warm-up builds nothing, says so and still calls done; the first views
// then compute as before.
func TestCacheWarmRefusedWhenBusy(t *testing.T) {
	c := newVersionCache(1<<20, 1, 0)
	release, started := make(chan struct{}), make(chan struct{})
	go c.get(context.Background(), cacheKey{-1, "test", ""}, true, func(context.Context) (any, int64, error) {
		close(started)
		<-release
		return nil, 0, nil
	})
	<-started
	called := false
	if c.warm(context.Background(), []warmJob{{cacheKey{1, "stack", ""}, constant("x", 1)}}, func() { called = true }) || !called {
		t.Errorf("a warm-up with the queue full was not refused (done called: %v)", called)
	}
	close(release)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.flights) > 1 {
		t.Errorf("the refused warm-up left flights: %v", c.flights)
	}
}

// warmedKinds are the entries an upload builds for the first views.
var warmedKinds = []string{"estate", "flows", "register", "stack", "components", "policy", "stream-inventory"}

// TestFirstViewsAfterUploadDoNotRebuild uploads a version through the API
// and through the upload form, waits for the warm-ups, and views every page
// whose entries they build: no view builds them again. Then, from an empty
// cache (a restart), one first view per version builds the others' entries:
// the rest build nothing again, and every page matches the one built at
// upload, so that a first view after a restart shows what one after the
// upload showed.
func TestFirstViewsAfterUploadDoNotRebuild(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		c := e.signInAdmin()
		tok := e.token("default", store.RoleEditor)
		if r := e.api("POST", "/api/v1/workspaces/default/versions?kind=inventory", tok, e.hospital, "application/yaml"); r.status != http.StatusCreated {
			t.Fatalf("API upload: %d %s", r.status, r.body)
		}
		if r := c.upload("default", map[string][]byte{"inventory.yaml": e.hospitalV2()}, ""); r.status != http.StatusSeeOther {
			t.Fatalf("form upload: %d", r.status)
		}
		e.srv.warming.Wait()
		kept := cachedKeys(e.srv.cache)
		for _, id := range []int64{versionID(t, e, 1), versionID(t, e, 2)} {
			for _, kind := range warmedKinds {
				if !slices.ContainsFunc(kept, func(k cacheKey) bool { return k.version == id && k.kind == kind }) {
					t.Errorf("version id %d: no %s entry after the upload's warm-up", id, kind)
				}
			}
		}
		// The latest version's pages, and the older one's that do not
		// depend on the version query (the overview's links do).
		pages := []string{"/w/default/", "/w/default/map", "/w/default/flows", "/w/default/vendors", "/w/default/stack", "/w/default/components",
			"/w/default/flows?v=1", "/w/default/vendors?v=1", "/w/default/stack?v=1", "/w/default/components?v=1"}
		warm := map[string]string{}
		viewWithoutRebuild(t, e, c, pages, warm)
		// From the store alone (an empty cache, as after a restart): the
		// first page viewed of a version builds the others' entries too.
		e.srv.cache = e.srv.cache.emptied()
		cold := map[string]string{}
		// The stack first: it reads the stored columns, the report not yet
		// decoded.
		for _, p := range []string{"/w/default/stack", "/w/default/flows?v=1"} {
			r := c.get(p)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d", p, r.status)
			}
			cold[p] = r.body
		}
		e.srv.warming.Wait()
		// The older version's overview is built for the links it carries,
		// though a page of another kind came first.
		if want := (cacheKey{versionID(t, e, 1), "estate", "v=1&"}); !slices.Contains(cachedKeys(e.srv.cache), want) {
			t.Errorf("the cold start of version 1 did not build its overview as %v", want)
		}
		viewWithoutRebuild(t, e, c, pages, cold)
		for _, p := range pages {
			if cold[p] != warm[p] {
				t.Errorf("%s computed from the store differs from the page built at upload", p)
			}
		}
	})
}

// viewWithoutRebuild views pages and fails if any view built an entry of
// a warmed kind: the count of computations covers only the entries the
// views added, none of them one the warm-up builds. It keeps each page's
// body in bodies unless one is there.
func viewWithoutRebuild(t *testing.T, e *testEnv, c *client, pages []string, bodies map[string]string) {
	t.Helper()
	kept := cachedKeys(e.srv.cache)
	before := e.srv.cache.computations.Load()
	for _, p := range pages {
		r := c.get(p)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d", p, r.status)
		}
		if _, ok := bodies[p]; !ok {
			bodies[p] = r.body
		}
	}
	added := slices.DeleteFunc(cachedKeys(e.srv.cache), func(k cacheKey) bool { return slices.Contains(kept, k) })
	for _, k := range added {
		if slices.Contains(warmedKinds, k.kind) && (k.kind != "estate" || k.arg == "") {
			t.Errorf("a view built %v, which the warm-up had built", k)
		}
	}
	if n := e.srv.cache.computations.Load() - before; n != int64(len(added)) {
		t.Errorf("the views ran %d computations for %d new entries %v: some entry was built again", n, len(added), added)
	}
}

func cachedKeys(c *versionCache) []cacheKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []cacheKey
	for k := range c.entries {
		out = append(out, k)
	}
	return out
}

func versionID(t *testing.T, e *testEnv, n int) int64 {
	t.Helper()
	ws, err := e.st.WorkspaceBySlug(context.Background(), "default")
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.st.VersionByNumber(context.Background(), ws.ID, n)
	if err != nil {
		t.Fatal(err)
	}
	return v.ID
}

// TestStoredDecodersMatchEncodingJSON holds the decoders of the cold path
// (the stored results and inventory, decoded on every core with
// go-json-experiment) to encoding/json's decoding of the same stored bytes,
// for the hospital example and a generated inventory.
func TestStoredDecodersMatchEncodingJSON(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	gen := generatedFile(t, e, 3000)
	for _, files := range [][]store.File{{{Name: "inventory.yaml", Data: e.hospital}}, gen} {
		v, _ := storeFile(t, e, files)
		got, err := e.srv.fullReport(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		var want []sovmap.ComponentResult
		if err := e.st.EachComponent(ctx, v.ID, func(rec store.ComponentRecord) error {
			var c sovmap.ComponentResult
			err := json.Unmarshal(rec.Result, &c)
			want = append(want, c)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(got.Components) != v.Components || len(want) != v.Components {
			t.Fatalf("%s: %d and %d results for %d components", files[0].Name, len(got.Components), len(want), v.Components)
		}
		for i := range want {
			if !reflect.DeepEqual(got.Components[i], want[i]) {
				t.Fatalf("%s: component %s decodes differently:\n%+v\nencoding/json:\n%+v", files[0].Name, want[i].ID, got.Components[i], want[i])
			}
		}
		b, err := e.st.VersionInventory(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		var wantInv sovmap.Inventory
		if err := json.Unmarshal(b, &wantInv); err != nil {
			t.Fatal(err)
		}
		gotInv, err := e.srv.storedInventory(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*gotInv, wantInv) {
			t.Errorf("%s: the stored inventory decodes differently from encoding/json's", files[0].Name)
		}
	}
}

// FuzzDecodeStoredInventory: whatever encoding/json writes of an inventory
// it decodes, decodeStoredInventory decodes to the same inventory; other
// bytes are an error or an inventory, never a panic.
func FuzzDecodeStoredInventory(f *testing.F) {
	f.Add([]byte(`{"version":1,"organization":{"name":"x","home":"DE"},"components":[{"id":"a","layer":"model","depends_on":[{"id":"b"}]},{"id":"b"}]}`))
	f.Add([]byte(`{"components":null,"knowledge":{"a":[1,"x",null]}}`))
	f.Add([]byte(`{"components":[{}],"components":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = decodeStoredInventory(data)
		var v1 sovmap.Inventory
		if json.Unmarshal(data, &v1) != nil {
			return
		}
		stored, err := json.Marshal(&v1)
		if err != nil {
			return
		}
		var want sovmap.Inventory
		if err := json.Unmarshal(stored, &want); err != nil {
			t.Fatalf("encoding/json does not read back its own %s: %v", stored, err)
		}
		got, err := decodeStoredInventory(stored)
		if err != nil {
			t.Fatalf("%s: %v", stored, err)
		}
		if !reflect.DeepEqual(*got, want) {
			t.Fatalf("%s:\n%+v\nencoding/json:\n%+v", stored, *got, want)
		}
	})
}

// FuzzDecodeResults: whatever encoding/json writes of a component result it
// decodes, decodeRecords decodes to the same result; other bytes are an
// error or a result, never a panic.
func FuzzDecodeResults(f *testing.F) {
	f.Add([]byte(`{"id":"a","level":2,"effective_level":1,"required_level":3,"gap":2,"reasons":[{"level":3,"basis":"law","reason":"x"}]}`))
	f.Add([]byte(`{"id":"a","factors":null,"exposures":[{}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out := make([]sovmap.ComponentResult, 1)
		_ = decodeRecords([]store.ComponentRecord{{ID: "fuzz", Result: data}}, out, nil)
		var v1 sovmap.ComponentResult
		if json.Unmarshal(data, &v1) != nil {
			return
		}
		stored, err := json.Marshal(&v1)
		if err != nil {
			return
		}
		var want sovmap.ComponentResult
		if err := json.Unmarshal(stored, &want); err != nil {
			t.Fatalf("encoding/json does not read back its own %s: %v", stored, err)
		}
		got := make([]sovmap.ComponentResult, 1)
		if err := decodeRecords([]store.ComponentRecord{{ID: "fuzz", Result: stored}}, got, nil); err != nil {
			t.Fatalf("%s: %v", stored, err)
		}
		if !reflect.DeepEqual(got[0], want) {
			t.Fatalf("%s:\n%+v\nencoding/json:\n%+v", stored, got[0], want)
		}
	})
}

// TestChangedReportsCompareAsWholeReports holds the comparison of reduced
// reports (changedReports) to diff.Compare of the two whole reports, on the
// hospital example's two versions both ways and on a generated inventory
// with components moved, added and removed and a provider changed.
func TestChangedReportsCompareAsWholeReports(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	inv := gen.Inventory(e.srv.cfg.KB, gen.Options{Components: 2000, Seed: 5})
	genFile := func() []store.File {
		var b bytes.Buffer
		if err := gen.WriteJSON(&b, inv); err != nil {
			t.Fatal(err)
		}
		return []store.File{{Name: "generated.json", Data: b.Bytes()}}
	}
	g1, _ := storeFile(t, e, genFile())
	for i := 0; i < len(inv.Components); i += 40 {
		inv.Components[i].Locations, inv.Components[i].OperatedFrom = []string{"US"}, []string{"US"}
	}
	depended := map[string]bool{}
	for _, c := range inv.Components {
		for _, d := range c.DependsOn {
			depended[d.ID] = true
		}
	}
	removed := 0
	inv.Components = slices.DeleteFunc(inv.Components, func(c sovmap.Component) bool {
		if removed < 3 && !depended[c.ID] && c.ID != "c5" {
			removed++
			return true
		}
		return false
	})
	for i := range 5 {
		c := inv.Components[i*7]
		c.ID, c.DependsOn = "added-"+c.ID, nil
		inv.Components = append(inv.Components, c)
	}
	if len(inv.Providers) == 0 {
		t.Fatal("the generated inventory has no provider of its own to change")
	}
	foreign := 80.0
	inv.Providers[0].ForeignOwnership = &foreign
	g2, _ := storeFile(t, e, genFile())
	h1, _ := storeFile(t, e, []store.File{{Name: "inventory.yaml", Data: e.hospital}})
	h2, _ := storeFile(t, e, []store.File{{Name: "inventory.yaml", Data: e.hospitalV2()}})
	// The hospital again, with one provider's tier restricted in the
	// assessment and every component's result the same: only the
	// provider's result says what changed.
	hr := storeAssessed(t, e, e.hospital, func(rep *sovmap.Report) {
		for i := range rep.Providers {
			if rep.Providers[i].Components > 0 && rep.Providers[i].Tier != sovmap.TierRestricted.String() {
				rep.Providers[i].Tier = sovmap.TierRestricted.String()
				return
			}
		}
		t.Fatal("no provider of the hospital to restrict")
	})
	for _, pair := range [][2]store.Version{{g1, g2}, {g2, g1}, {h1, h2}, {h2, h1}, {h1, h1}, {h1, hr}} {
		a, b := pair[0], pair[1]
		fa, err := e.srv.fullReport(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		fb, err := e.srv.fullReport(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		ra, rb, err := e.srv.changedReports(ctx, a, b)
		if err != nil {
			t.Fatal(err)
		}
		want, got := diff.Compare(fa, fb, 1), diff.Compare(ra, rb, 1)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("versions %d → %d: the reduced reports compare differently:\n%s\nwhole:\n%s", a.Number, b.Number, mustJSON(t, got), mustJSON(t, want))
		}
		if a.Components > 1000 && len(rb.Components) > b.Components/2 {
			t.Errorf("versions %d → %d: %d of %d components kept: the reduction did not reduce", a.Number, b.Number, len(rb.Components), b.Components)
		}
		if len(want.Added)+len(want.Removed)+len(want.Moved)+len(want.New) == 0 && a.ID != b.ID {
			t.Errorf("versions %d → %d: no change to compare", a.Number, b.Number)
		}
	}
}

// storeAssessed stores an inventory file as an upload would, with its
// assessment changed by change before it is stored.
func storeAssessed(t *testing.T, e *testEnv, file []byte, change func(*sovmap.Report)) store.Version {
	t.Helper()
	ctx := context.Background()
	files := []store.File{{Name: "inventory.yaml", Data: file}}
	inv, rep, k, err := e.srv.assessFiles(ctx, files)
	if err != nil {
		t.Fatal(err)
	}
	change(rep)
	nv, err := newVersion(inv, rep, k, files)
	if err != nil {
		t.Fatal(err)
	}
	return addAsAdmin(t, e, nv)
}

// addAsAdmin stores a new version in the default workspace, by the admin,
// as an API upload.
func addAsAdmin(t testing.TB, e *testEnv, nv store.NewVersion) store.Version {
	t.Helper()
	ctx := context.Background()
	ws, err := e.st.WorkspaceBySlug(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := e.st.UserByLogin(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	nv.WorkspaceID, nv.CreatedBy, nv.Source = ws.ID, admin.ID, "api"
	v, err := e.st.AddVersion(ctx, nv)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestCacheBuildBudget: heavy computations reserve memory by their
// version's components, within the budget, in turn. Version 1 (8 of 10)
// runs; version 2 (8) waits for it; version 3 (1), asked for after version
// 2, would fit beside version 1 but waits for its turn, then runs beside
// version 2; nothing is left reserved.
func TestCacheBuildBudget(t *testing.T) {
	c := newVersionCache(1<<20, 3, 4)
	c.budget = 10 * buildBytesPerComponent
	c.note(1, 8)
	c.note(2, 8)
	c.note(3, 1)
	reservedAt := func() int64 {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.reserved / buildBytesPerComponent
	}
	// waitTurns waits until n reservations have been asked for.
	waitTurns := func(n uint64) {
		for {
			c.mu.Lock()
			asked := c.nextTurn
			c.mu.Unlock()
			if asked >= n {
				return
			}
			runtime.Gosched()
		}
	}
	release, started := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var order []int64
	ran := func(v int64) {
		mu.Lock()
		order = append(order, v)
		mu.Unlock()
	}
	wg.Go(func() {
		c.get(context.Background(), cacheKey{1, "stack", ""}, true, func(context.Context) (any, int64, error) {
			ran(1)
			close(started)
			<-release
			return 1, 1, nil
		})
	})
	<-started
	var during2, during3 int64
	wg.Go(func() {
		c.get(context.Background(), cacheKey{2, "stack", ""}, true, func(context.Context) (any, int64, error) {
			ran(2)
			during2 = reservedAt()
			return 2, 1, nil
		})
	})
	waitTurns(2)
	wg.Go(func() {
		c.get(context.Background(), cacheKey{3, "stack", ""}, true, func(context.Context) (any, int64, error) {
			ran(3)
			during3 = reservedAt()
			return 3, 1, nil
		})
	})
	waitTurns(3)
	// A reservation that need not wait is made with its turn, in one hold
	// of the lock, and given back after its computation has run: had
	// version 3 overtaken version 2, its memory would be reserved by now,
	// or (read after) it would have run.
	r := reservedAt()
	mu.Lock()
	overtook := slices.Contains(order, 3)
	mu.Unlock()
	if r != 8 || overtook {
		t.Errorf("version 3 overtook version 2 (%d components' memory reserved, versions %v run) while version 1 runs", r, order)
	}
	close(release)
	wg.Wait()
	// Versions 2 and 3 may then run side by side, in either order.
	if len(order) != 3 || order[0] != 1 {
		t.Errorf("ran in the order %v, want version 1 first, then 2 and 3", order)
	}
	if during2 != 8 && during2 != 9 {
		t.Errorf("version 2 ran with %d components' memory reserved, want 8 (its own) or 9 (beside version 3)", during2)
	}
	if during3 != 1 && during3 != 9 {
		t.Errorf("version 3 ran with %d components' memory reserved, want 1 (its own) or 9 (beside version 2)", during3)
	}
	if r := reservedAt(); r != 0 {
		t.Errorf("%d components' memory still reserved after every computation", r)
	}
}

// TestCompareReservesBothVersions: a comparison reserves the memory of the
// two versions it reads, not its first one's alone: with room left for
// one version and not for both, it waits for the room, and runs once it
// is given back. A computation that reads nothing else reserves its own.
func TestCompareReservesBothVersions(t *testing.T) {
	c := newVersionCache(1<<20, 2, 2)
	c.budget = 100 * buildBytesPerComponent
	c.note(1, 5)
	for _, tc := range []struct {
		also, want int64
	}{{7, 12}, {0, 5}} {
		var during int64
		if _, err := c.getReading(context.Background(), cacheKey{1, "compare", strconv.FormatInt(tc.also, 10)}, true, int(tc.also), func(context.Context) (any, int64, error) {
			c.mu.Lock()
			during = c.reserved / buildBytesPerComponent
			c.mu.Unlock()
			return 0, 1, nil
		}); err != nil {
			t.Fatal(err)
		}
		if during != tc.want {
			t.Errorf("reading %d more components reserved %d components' memory, want %d", tc.also, during, tc.want)
		}
	}
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tok := e.token("default", store.RoleEditor)
		for _, body := range [][]byte{e.hospital, e.hospitalV2()} {
			if r := e.api("POST", "/api/v1/workspaces/default/versions?kind=inventory", tok, body, "application/yaml"); r.status != http.StatusCreated {
				t.Fatalf("upload: %d %s", r.status, r.body)
			}
		}
		e.srv.warming.Wait()
		ctx := context.Background()
		ws, err := e.st.WorkspaceBySlug(ctx, "default")
		if err != nil {
			t.Fatal(err)
		}
		a, err := e.st.VersionByNumber(ctx, ws.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		b, err := e.st.VersionByNumber(ctx, ws.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		// Room for version 1 and not for both: another computation holds
		// the rest of the budget.
		cache := e.srv.cache
		cache.budget = 100 * buildBytesPerComponent
		cache.note(-1, 100-a.Components)
		release := cache.reserve(cacheKey{-1, "test", ""}, 0)
		short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		defer cancel()
		if _, err := e.srv.compare(short, a, b); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("the comparison ran in room for one of its versions (error %v)", err)
		}
		release()
		if _, err := e.srv.compare(ctx, a, b); err != nil {
			t.Errorf("the comparison, room given back: %v", err)
		}
	})
}

// TestCacheGrowsWithVersions: a cache left to its default grows to room for
// the largest version noted, within its bound; one given a size keeps it.
func TestCacheGrowsWithVersions(t *testing.T) {
	c := newVersionCache(1<<20, 1, 1)
	c.grow = 1 << 30
	c.note(1, 1000)
	if want := int64(1000 * keptBytesPerComponent); c.capacity != want {
		t.Errorf("capacity %d after a version of 1,000 components, want %d", c.capacity, want)
	}
	c.note(2, 10)
	if want := int64(1000 * keptBytesPerComponent); c.capacity != want {
		t.Errorf("a smaller version shrank the capacity to %d", c.capacity)
	}
	c.note(3, 1<<30)
	if c.capacity != 1<<30 {
		t.Errorf("capacity %d past its bound %d", c.capacity, 1<<30)
	}
	fixed := newVersionCache(1<<20, 1, 1)
	fixed.note(1, 1000)
	if fixed.capacity != 1<<20 {
		t.Errorf("a cache of a given size grew to %d", fixed.capacity)
	}
	if e := c.emptied(); e.capacity != c.capacity || e.budget != c.budget || e.grow != c.grow || cap(e.slots) != cap(c.slots) || e.maxFlights != c.maxFlights {
		t.Errorf("the emptied cache has other limits: %+v", e)
	}
}

// TestGateRecordWarms: a version the CI gate records is warmed as an
// upload's is, the gate being the third way a version comes in.
func TestGateRecordWarms(t *testing.T) {
	e := newEnv(t)
	tok := e.token("default", store.RoleEditor)
	if r := e.api("POST", "/api/v1/workspaces/default/gate?record=true", tok, e.hospital, ""); r.status != http.StatusOK {
		t.Fatalf("gate: %d %s", r.status, r.body)
	}
	e.srv.warming.Wait()
	kept := cachedKeys(e.srv.cache)
	id := versionID(t, e, 1)
	for _, kind := range warmedKinds {
		if !slices.ContainsFunc(kept, func(k cacheKey) bool { return k.version == id && k.kind == kind }) {
			t.Errorf("no %s entry after the gate recorded version 1", kind)
		}
	}
}

// filesCounter counts the reads of a version's uploaded files.
type filesCounter struct {
	store.Store
	reads atomic.Int32
}

func (f *filesCounter) VersionFiles(ctx context.Context, versionID int64) ([]store.File, error) {
	f.reads.Add(1)
	return f.Store.VersionFiles(ctx, versionID)
}

// TestWarmUpReadsNoFiles: the upload's warm-up builds from the inventory
// and report the upload holds, and reads nothing back, not even the
// uploaded files (decoding them again cost seconds at 100,000 components).
func TestWarmUpReadsNoFiles(t *testing.T) {
	st := &filesCounter{Store: backends[0].open(t)}
	e := newEnvOn(t, st)
	tok := e.token("default", store.RoleEditor)
	if r := e.api("POST", "/api/v1/workspaces/default/versions?kind=inventory", tok, e.hospital, "application/yaml"); r.status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	e.srv.warming.Wait()
	if n := st.reads.Load(); n != 0 {
		t.Errorf("the warm-up read the uploaded files %d times", n)
	}
	// The counter counts: a report download with positions reads them.
	e.srv.cache = e.srv.cache.emptied()
	if _, err := e.srv.inventoryOf(context.Background(), store.Version{ID: versionID(t, e, 1), Number: 1}); err != nil {
		t.Fatal(err)
	}
	if st.reads.Load() == 0 {
		t.Error("inventoryOf read no files: the counter does not count")
	}
}

// TestCloseStopsWarmUps: Close cancels a warm-up still waiting for the
// computation slot and returns, rather than waiting for the slot, so that
// serve's shutdown is not held up by a new version's first views.
func TestCloseStopsWarmUps(t *testing.T) {
	e := newEnvWith(t, backends[0].open(t), func(c *Config) { c.HeavyWork, c.HeavyQueue = 1, 4 })
	defer holdSlot(e)()
	tok := e.token("default", store.RoleEditor)
	if r := e.api("POST", "/api/v1/workspaces/default/versions?kind=inventory", tok, e.hospital, "application/yaml"); r.status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	closed := make(chan struct{})
	go func() {
		e.srv.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("Close waited for the computation slot: the warm-up was not stopped")
	}
	if keys := cachedKeys(e.srv.cache); slices.ContainsFunc(keys, func(k cacheKey) bool { return k.version == versionID(t, e, 1) }) {
		t.Errorf("a stopped warm-up left entries: %v", keys)
	}
}
