package server

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// What every viewer of a version asks for (the vendor register, the
// dependency table, the Fix-first list and map, the flows, the report
// downloads, comparisons) is computed once per version and kept here.
// Versions never change once stored, so an entry never goes stale and no
// other process needs to hear of it: each process fills its own cache.
//
// The cache is bounded in bytes (Config.CacheBytes) and evicts the least
// recently used entries; a result larger than half the bound is returned
// but not kept. Concurrent requests for one missing entry share a single
// computation (as golang.org/x/sync/singleflight would, with the result
// kept afterwards), so fifty viewers opening a new version cost one
// computation, not fifty.

// cacheKey names one cached result: a version, what was derived from it,
// and the argument that derivation depends on (a format, a day, a second
// version).
type cacheKey struct {
	version int64
	kind    string
	arg     string
}

func (k cacheKey) String() string { return fmt.Sprintf("version %d %s %s", k.version, k.kind, k.arg) }

type cacheEntry struct {
	key  cacheKey
	val  any
	size int64
}

// flight is a computation under way; waiters block on done.
type flight struct {
	done  chan struct{}
	heavy bool
	// also is what a heavy computation reads besides its version, in
	// components (a comparison may read the other version whole).
	also int
	val  any
	err  error
}

// versionCache is the bounded, de-duplicating cache of derived results.
type versionCache struct {
	capacity int64
	// slots bounds the computations that run at once (Config.HeavyWork),
	// so that a burst of first views, scenarios and comparisons does not
	// take every core and all the memory; maxFlights bounds those running
	// and waiting for a slot together, beyond which a new computation is
	// refused with errHeavyBusy.
	slots      chan struct{}
	maxFlights int

	mu           sync.Mutex
	heavyFlights int
	used         int64
	lru          *list.List // of *cacheEntry, most recent first
	entries      map[cacheKey]*list.Element
	flights      map[cacheKey]*flight

	// computations counts the computations run (hits do not count), for
	// the tests and /metrics.
	computations atomic.Int64

	// The memory heavy computations hold while they run (a version's
	// decoded report, inventory and risk model: gigabytes at a million
	// components) is budgeted apart from the entries kept: each reserves
	// buildBytesPerComponent for each component of the version it reads
	// (components, noted by note) before it starts, and waits while the
	// reservations under way would pass budget. One runs whatever its size
	// when none other does. Reservations are made in turn (the order they
	// were asked for), so that a large one is not overtaken forever by
	// smaller ones that fit beside those under way. Zero budget: no limit.
	budget     int64
	reserved   int64
	components map[int64]int
	freed      *sync.Cond // on mu, when a reservation ends or a turn passes
	// nextTurn is the turn the next reservation asked for takes; turn is
	// the one being served.
	nextTurn, turn uint64

	// grow, when not zero, lets the capacity grow to keptBytesPerComponent
	// for each component of the largest version noted, up to grow bytes.
	grow int64
}

// keptBytesPerComponent is room for what the first views of two versions
// keep (the latest and one compared with it): about 1.4 KB a component for
// one version (component index 400, stack 600, register 220, transfer
// policy 60, estate 45, flows 25; heap after a collection, generated
// inventory).
const keptBytesPerComponent = 3 << 10

// buildBytesPerComponent is what a heavy computation holds per component
// of the version it reads: the decoded report, inventory and risk model
// take 3.9 KB live per component of a generated inventory (heap after a
// collection), and the collector lets the heap grow to twice the live
// memory before it collects again (GOGC=100).
const buildBytesPerComponent = 8 << 10

// newVersionCache makes a cache of capacity bytes that runs at most
// concurrent computations at once and keeps at most queue more waiting.
func newVersionCache(capacity int64, concurrent, queue int) *versionCache {
	c := &versionCache{capacity: capacity, slots: make(chan struct{}, max(1, concurrent)), maxFlights: max(1, concurrent) + max(0, queue),
		lru: list.New(), entries: map[cacheKey]*list.Element{}, flights: map[cacheKey]*flight{}, components: map[int64]int{}}
	c.freed = sync.NewCond(&c.mu)
	return c
}

// note records how many components a version has, for the memory its
// computations reserve.
func (c *versionCache) note(versionID int64, components int) {
	c.mu.Lock()
	c.components[versionID] = components
	if c.grow > 0 {
		c.capacity = max(c.capacity, min(c.grow, int64(components)*keptBytesPerComponent))
	}
	c.mu.Unlock()
}

// reserve waits for its turn and until the memory of a heavy computation
// on key's version, and also components of another, fits the budget,
// reserves it, and returns the function that gives it back.
func (c *versionCache) reserve(key cacheKey, also int) (release func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := int64(c.components[key.version]+also) * buildBytesPerComponent
	if c.budget <= 0 || n == 0 {
		return func() {}
	}
	mine := c.nextTurn
	c.nextTurn++
	for c.turn != mine || c.reserved > 0 && c.reserved+n > c.budget {
		c.freed.Wait()
	}
	c.turn++
	c.reserved += n
	c.freed.Broadcast() // the next in turn may fit beside this one
	return func() {
		c.mu.Lock()
		c.reserved -= n
		c.mu.Unlock()
		c.freed.Broadcast()
	}
}

// computeFunc derives a result and says roughly how many bytes it holds.
type computeFunc func(ctx context.Context) (val any, size int64, err error)

// get returns the entry of key, computing it once if it is missing. The
// computation runs detached from ctx, so that a viewer who gives up does
// not fail the others waiting for the same result; ctx bounds only this
// caller's wait. Errors are not cached. A heavy computation takes one of
// the slots, and a new one that finds the queue full is refused with
// errHeavyBusy; a light one (decoding a report's head) takes no slot, so
// that heavy computations may use it without waiting for a slot they hold.
// A heavy computation must not ask for another heavy one.
func (c *versionCache) get(ctx context.Context, key cacheKey, heavy bool, compute computeFunc) (any, error) {
	return c.getReading(ctx, key, heavy, 0, compute)
}

// getReading is get of a computation that reads also components of
// another version besides key's, for the memory a heavy one reserves.
func (c *versionCache) getReading(ctx context.Context, key cacheKey, heavy bool, also int, compute computeFunc) (any, error) {
	c.mu.Lock()
	if el, ok := c.entries[key]; ok {
		c.lru.MoveToFront(el)
		v := el.Value.(*cacheEntry).val
		c.mu.Unlock()
		return v, nil
	}
	f, running := c.flights[key]
	if !running {
		if heavy && !c.joinLocked() {
			c.mu.Unlock()
			return nil, errHeavyBusy
		}
		f = &flight{done: make(chan struct{}), heavy: heavy, also: also}
		c.flights[key] = f
	}
	c.mu.Unlock()
	if !running {
		go c.run(context.WithoutCancel(ctx), key, f, compute)
	}
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *versionCache) run(ctx context.Context, key cacheKey, f *flight, compute computeFunc) {
	if f.heavy {
		c.slots <- struct{}{}
		defer func() { <-c.slots }()
		// The memory is given back inside the computation, before its
		// waiters are released, so that none of them finds it still held.
		inner := compute
		compute = func(ctx context.Context) (any, int64, error) {
			defer c.reserve(key, f.also)()
			return inner(ctx)
		}
	}
	c.finish(ctx, key, f, compute)
}

// finish computes the result of a flight, keeps it unless it failed, and
// releases the flight's waiters.
func (c *versionCache) finish(ctx context.Context, key cacheKey, f *flight, compute computeFunc) {
	var size int64
	defer func() {
		if p := recover(); p != nil {
			f.val, f.err = nil, fmt.Errorf("%v: panic: %v", key, p)
		}
		c.mu.Lock()
		delete(c.flights, key)
		if f.heavy {
			c.heavyFlights--
		}
		if f.err == nil {
			c.add(key, f.val, size)
		}
		c.mu.Unlock()
		close(f.done)
	}()
	c.computations.Add(1)
	f.val, size, f.err = compute(ctx)
}

// warmJob is one entry a warm-up builds.
type warmJob struct {
	key     cacheKey
	compute computeFunc
}

// warm builds the entries of jobs in the background, in order, in one
// heavy slot, then calls done. The flights of all of them are registered
// before it returns, so that a request for any of them waits for this
// build instead of starting its own; entries already kept or under way are
// left out. When the queue of heavy computations is full it builds
// nothing, calls done and reports false: the first views will compute what
// they need, as without a warm-up.
func (c *versionCache) warm(ctx context.Context, jobs []warmJob, done func()) bool {
	c.mu.Lock()
	if !c.joinLocked() {
		c.mu.Unlock()
		done()
		return false
	}
	var todo []warmJob
	var flights []*flight
	for _, j := range jobs {
		_, kept := c.entries[j.key]
		_, running := c.flights[j.key]
		if kept || running {
			continue
		}
		f := &flight{done: make(chan struct{})}
		c.flights[j.key] = f
		todo, flights = append(todo, j), append(flights, f)
	}
	if len(todo) == 0 {
		c.heavyFlights--
		c.mu.Unlock()
		done()
		return true
	}
	// The warm-up is one heavy computation: it holds one place in the
	// queue and one slot however many entries it builds.
	c.mu.Unlock()
	go func() {
		defer done()
		release, err := c.takeSlot(ctx)
		if err != nil {
			// Stopped before its turn (Server.Close).
			for i, j := range todo {
				c.drop(j.key, flights[i], err)
			}
			return
		}
		defer release()
		// One version's memory, held for all the jobs and given back
		// before the last one's waiters are released, as run gives back
		// its own (or on the way out, when stopped before).
		giveBack := sync.OnceFunc(c.reserve(todo[0].key, 0))
		defer giveBack()
		last := len(todo) - 1
		for i, j := range todo {
			if ctx.Err() != nil {
				c.drop(j.key, flights[i], ctx.Err())
				continue
			}
			compute := j.compute
			if i == last {
				compute = func(ctx context.Context) (any, int64, error) {
					defer giveBack()
					return j.compute(ctx)
				}
			}
			c.finish(ctx, j.key, flights[i], compute)
		}
	}()
	return true
}

// joinLocked takes a place in the queue of heavy computations (those
// running and those waiting for a slot), or reports false when it is full.
// c.mu is held.
func (c *versionCache) joinLocked() bool {
	if c.heavyFlights >= c.maxFlights {
		return false
	}
	c.heavyFlights++
	return true
}

// takeSlot waits for a slot, for work that has joined the queue. release
// gives back the slot and the place; if ctx ends first, the place is given
// back and ctx's error returned.
func (c *versionCache) takeSlot(ctx context.Context) (release func(), err error) {
	leave := func() {
		c.mu.Lock()
		c.heavyFlights--
		c.mu.Unlock()
	}
	select {
	case c.slots <- struct{}{}:
		return func() {
			<-c.slots
			leave()
		}, nil
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
}

// drop ends the flight f of key without a result: those waiting for it
// get err, and the next request computes the entry.
func (c *versionCache) drop(key cacheKey, f *flight, err error) {
	c.mu.Lock()
	delete(c.flights, key)
	c.mu.Unlock()
	f.err = err
	close(f.done)
}

// add keeps a result and evicts the least recently used ones beyond the
// capacity. c.mu is held.
func (c *versionCache) add(key cacheKey, val any, size int64) {
	size = max(size, 1)
	if size > c.capacity/2 {
		return
	}
	if el, ok := c.entries[key]; ok { // computed twice (keep): the last wins
		c.lru.Remove(el)
		c.used -= el.Value.(*cacheEntry).size
	}
	c.entries[key] = c.lru.PushFront(&cacheEntry{key, val, size})
	c.used += size
	for c.used > c.capacity {
		el := c.lru.Back()
		e := el.Value.(*cacheEntry)
		c.lru.Remove(el)
		delete(c.entries, e.key)
		c.used -= e.size
	}
}

// peek returns the entry of key if it is kept, computing nothing.
func (c *versionCache) peek(key cacheKey) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(el)
	return el.Value.(*cacheEntry).val, true
}

// keep keeps a result computed outside get, counted as a computation.
func (c *versionCache) keep(key cacheKey, val any, size int64) {
	c.computations.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.add(key, val, size)
}

// known reports whether key is kept or being computed.
func (c *versionCache) known(key cacheKey) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, kept := c.entries[key]
	_, running := c.flights[key]
	return kept || running
}

// cached is versionCache.get of a heavy computation, with the result's type.
func cached[T any](ctx context.Context, c *versionCache, key cacheKey, compute func(ctx context.Context) (T, int64, error)) (T, error) {
	return cachedAs(ctx, c, key, true, 0, compute)
}

// cachedReading is cached for a heavy computation that reads also
// components of another version besides key's.
func cachedReading[T any](ctx context.Context, c *versionCache, key cacheKey, also int, compute func(ctx context.Context) (T, int64, error)) (T, error) {
	return cachedAs(ctx, c, key, true, also, compute)
}

// cachedLight is cached for a light computation, one that takes no slot.
func cachedLight[T any](ctx context.Context, c *versionCache, key cacheKey, compute func(ctx context.Context) (T, int64, error)) (T, error) {
	return cachedAs(ctx, c, key, false, 0, compute)
}

func cachedAs[T any](ctx context.Context, c *versionCache, key cacheKey, heavy bool, also int, compute func(ctx context.Context) (T, int64, error)) (T, error) {
	v, err := c.getReading(ctx, key, heavy, also, func(ctx context.Context) (any, int64, error) { return compute(ctx) })
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}

// errHeavyBusy answers a request whose computation (a first view, a
// scenario, a comparison, a report not yet cached) found the queue of
// computations full: 503 with Retry-After.
var errHeavyBusy = errors.New("the server is busy with other long computations (scenarios, comparisons, reports): try again in a minute")

// heavyRetryAfter is the Retry-After, in seconds, of a 503 for errHeavyBusy.
const heavyRetryAfter = 30

// retryAfter tells a client refused with errHeavyBusy when to come back.
func retryAfter(w http.ResponseWriter, err error) {
	if errors.Is(err, errHeavyBusy) {
		w.Header().Set("Retry-After", strconv.Itoa(heavyRetryAfter))
	}
}

// apiFail answers an API request that failed: 503 with Retry-After and
// the reason when the server is busy, else as apiError does.
func (s *Server) apiFail(w http.ResponseWriter, err error) {
	if errors.Is(err, errHeavyBusy) {
		retryAfter(w, err)
		writeJSON(w, http.StatusServiceUnavailable, apiErrorBody{Error: err.Error()})
		return
	}
	s.apiError(w, statusOf(err), err)
}

// jsonSize is the length of v's JSON, a rough measure of the memory a
// cached result holds; 0 when it cannot be encoded.
func jsonSize(v any) int64 {
	n := &countWriter{}
	if err := json.NewEncoder(n).Encode(v); err != nil {
		return 0
	}
	return n.n
}

// countWriter counts what is written to it.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// today is the day results that depend on the date (the EU Data Act's
// switching rights in trust profiles) are cached for.
func today() string { return time.Now().UTC().Format(time.DateOnly) }
