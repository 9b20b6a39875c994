package server

import (
	"bytes"
	"context"
	"fmt"
	"hash/maphash"
	"io"
	"reflect"
	"slices"
	"strconv"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/diff"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/policydoc"
	"github.com/sovmap/sovmap/report"
	"github.com/sovmap/sovmap/store"
)

// The two heaviest requests of the dashboard, a report download and a
// comparison of two versions, are kept in the version cache like the
// analyses: a version's report in one format, or the comparison of two
// versions, never changes. They are computed in the cache's bounded slots
// (Config.HeavyWork), so that many at once queue instead of exhausting the
// server, and beyond Config.HeavyQueue are refused with 503.

// renderedReport returns a version's report written in a format, written
// once per version and format. Reports larger than half the cache are
// written anew for each download; a large version's report is streamed
// instead in the formats that can be (streams, streamJSON, reportStream).
func (s *Server) renderedReport(ctx context.Context, ver store.Version, format string, write Writer) ([]byte, error) {
	s.cache.note(ver.ID, ver.Components)
	return cached(ctx, s.cache, cacheKey{ver.ID, "report", format}, func(ctx context.Context) ([]byte, int64, error) {
		src := s.sources(ver)
		rep, err := src.report(ctx)
		if err != nil {
			return nil, 0, err
		}
		inv, err := src.inventory(ctx)
		if err != nil {
			return nil, 0, err
		}
		var b bytes.Buffer
		if err := write(&b, rep, inv); err != nil {
			return nil, 0, fmt.Errorf("writing %s: %w", format, err)
		}
		return b.Bytes(), int64(b.Len()), nil
	})
}

// A large version's report is written from the store a group of
// components at a time (streams): the download starts at once and holds a
// few thousand components whatever the version's size, where writing it
// whole would hold the version's report twice (decoded, then written:
// gigabytes at a million components) before the first byte. The JSON, the
// format automations download, is cut from the stored results
// (report.AppendStoredComponent: they are report.AppendComponentResult's
// JSON), so that nothing is decoded; report.WriteJSONStream writes what
// report.WriteJSON writes, the writer `sovmap serve` configures for
// "json". The other formats with a report.StreamWriter (Config.Streams)
// are written from a report.Stream of the stored version (reportStream),
// each the same bytes as its whole writer (the writers' tests hold them
// to it). Smaller versions' reports are cached whole, as are those of
// formats without a stream writer.

// jsonBytesPerComponent is about what a component takes in the JSON report
// (600 to 900 bytes in generated inventories; the CSV takes less), to judge
// a report's size before writing it.
const jsonBytesPerComponent = 1 << 10

// streams reports whether a version's report in a format is streamed
// rather than cached: reports that would take more than a 32nd of the
// cache (more than 32,768 components with the default gigabyte), so that
// the cache still holds many reports and analyses beside them, in a format
// that can be streamed.
func (s *Server) streams(ver store.Version, format string) bool {
	if int64(ver.Components)*jsonBytesPerComponent <= s.cfg.CacheBytes/32 {
		return false
	}
	_, ok := s.cfg.Streams[format]
	return format == "json" || ok
}

// streamJSON writes a version's JSON report to w as report.WriteJSON
// would write its fullReport, reading the components a group at a time.
// The head is decoded (and cached) before the first byte, so that only the
// store can fail mid-stream; a failure is returned, never a short report
// that looks complete.
func (s *Server) streamJSON(ctx context.Context, w io.Writer, ver store.Version, head *sovmap.Report) error {
	return report.WriteJSONStream(w, head, func(yield func([]byte) error) error {
		var item []byte
		return s.eachStored(ctx, ver, func(rec store.ComponentRecord) error {
			var err error
			if item, err = report.AppendStoredComponent(item[:0], rec.Result); err != nil {
				return fmt.Errorf("version %d component %s: %w", ver.Number, rec.ID, err)
			}
			return yield(item)
		})
	})
}

// reportStream returns a stored version's report as a report.Stream: the
// head given, the inventory without its components and the components'
// positions (streamInventory), and the components read from the store on
// each pass, decoded (results and inventory specs) a batch at a time on
// every core, into structures reused from one batch to the next. When
// componentsOnly, it has neither inventory nor specs (nil): only the
// results are decoded. It may build the stream's inventory in a heavy
// slot: it must not be called while one is held.
func (s *Server) reportStream(ctx context.Context, ver store.Version, head *sovmap.Report, componentsOnly bool) (report.Stream, error) {
	si := &streamInventory{}
	if !componentsOnly {
		var err error
		if si, err = cached(ctx, s.cache, streamInventoryKey(ver), streamInventoryJob(s.sources(ver))); err != nil {
			return report.Stream{}, err
		}
	}
	each := func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
		var batch []store.ComponentRecord
		results := make([]sovmap.ComponentResult, decodeBatch)
		var specs []sovmap.Component // nil: decodeRecords skips the specs
		if !componentsOnly {
			specs = make([]sovmap.Component, decodeBatch)
		}
		flush := func() error {
			clear(results)
			clear(specs)
			if err := decodeRecords(batch, results, specs); err != nil {
				return fmt.Errorf("version %d %w", ver.Number, err)
			}
			for i := range batch {
				var spec *sovmap.Component
				if specs != nil && len(batch[i].Spec) != 0 {
					spec = &specs[i]
					if at := batch[i].Index; at < len(si.pos) {
						spec.Pos = si.pos[at]
					}
				}
				if err := yield(&results[i], spec); err != nil {
					return err
				}
			}
			batch = batch[:0]
			return nil
		}
		err := s.eachStored(ctx, ver, func(rec store.ComponentRecord) error {
			batch = append(batch, rec)
			if len(batch) == decodeBatch {
				return flush()
			}
			return nil
		})
		if err == nil {
			err = flush()
		}
		return err
	}
	return report.Stream{Head: head, Inventory: si.head, Components: each}, nil
}

// streamInventory is what a streamed report takes of a version's
// inventory: the inventory without its components, and the position of
// each component in the uploaded files, by inventory index. The stored
// components have no positions (nor has the stored inventory): they come
// from those kept at upload (positions.go), or for versions stored
// without them from the files, decoded again, or from the upload's own
// inventory when the warm-up builds it, so that a streamed report gives
// the positions a whole one gives. When the files no longer validate,
// both do without.
type streamInventory struct {
	head *sovmap.Inventory
	pos  []sovmap.Pos
}

// size is about what a streamInventory holds in memory: its head, and
// the positions (their file names are shared).
func (si *streamInventory) size() int64 {
	return jsonSize(si.head) + int64(len(si.pos))*int64(posType.Size())
}

func streamInventoryKey(ver store.Version) cacheKey { return cacheKey{ver.ID, "stream-inventory", ""} }

// streamInventoryJob builds a version's streamInventory from src: from the
// inventory src holds if it does (the warm-up's, the upload's own), else
// from the positions kept at upload, else from the files.
func streamInventoryJob(src *sources) func(ctx context.Context) (*streamInventory, int64, error) {
	return func(ctx context.Context) (*streamInventory, int64, error) {
		if src.positioned == nil {
			si, err := src.keptPositions(ctx)
			if err != nil {
				return nil, 0, err
			}
			if si != nil {
				return si, si.size(), nil
			}
		}
		inv, err := src.inventory(ctx)
		if err != nil {
			return nil, 0, err
		}
		head := *inv
		head.Components = nil
		si := &streamInventory{head: &head, pos: make([]sovmap.Pos, len(inv.Components))}
		for i := range inv.Components {
			si.pos[i] = inv.Components[i].Pos
		}
		return si, si.size(), nil
	}
}

// eachStored calls fn with every stored component of a version in order,
// and fails unless they are the version's components, all of them.
func (s *Server) eachStored(ctx context.Context, ver store.Version, fn func(store.ComponentRecord) error) error {
	n := 0
	err := s.store.EachComponent(ctx, ver.ID, func(rec store.ComponentRecord) error {
		if rec.Index != n {
			return fmt.Errorf("version %d: component %d where %d was expected", ver.Number, rec.Index, n)
		}
		n++
		return fn(rec)
	})
	if err == nil && n != ver.Components {
		err = fmt.Errorf("version %d: %d of its %d components stored", ver.Number, n, ver.Components)
	}
	return err
}

// heavySlot takes one of the slots of heavy computations for work that is
// not cached, a streamed download, and returns the function that gives it
// back. Like a computation, it is refused with errHeavyBusy when the queue
// is full, and waits for a slot otherwise.
func (c *versionCache) heavySlot(ctx context.Context) (release func(), err error) {
	c.mu.Lock()
	joined := c.joinLocked()
	c.mu.Unlock()
	if !joined {
		return nil, errHeavyBusy
	}
	if release, err = c.takeSlot(ctx); err != nil {
		return nil, err
	}
	c.computations.Add(1)
	return release, nil
}

// compare returns the comparison of two versions, computed once per pair.
// It decodes only the components that differ (changedReports) and takes
// each version's transfer policy from the cache, so that comparing two
// large versions that differ little holds neither whole report.
func (s *Server) compare(ctx context.Context, a, b store.Version) (*diff.Diff, error) {
	s.cache.note(a.ID, a.Components)
	// It may read the whole of either version: the other's transfer
	// policy, when not kept, is built from its report.
	key := cacheKey{a.ID, "compare", strconv.FormatInt(b.ID, 10)}
	return cachedReading(ctx, s.cache, key, b.Components, func(ctx context.Context) (*diff.Diff, int64, error) {
		ra, rb, err := s.changedReports(ctx, a, b)
		if err != nil {
			return nil, 0, err
		}
		d := diff.Compare(ra, rb, 1)
		var docs [2]*policydoc.Document
		for i, ver := range [2]store.Version{a, b} {
			if docs[i], err = s.policyDoc(ctx, ver); err != nil {
				return nil, 0, err
			}
		}
		// Compared as `sovmap diff` compares the policies of two
		// inventories.
		d.Policy = &diff.Policy{Compared: true, Changes: policydoc.Compare(docs[0], docs[1])}
		return d, 2 * jsonSize(d), nil
	})
}

// policyDoc returns a version's transfer policy as `sovmap policy`
// renders it, from its inventory and report, kept once per version. Only
// comparisons ask for it, in the heavy slot they hold: one that is not
// kept is built here rather than waited for, since the warm-up building it
// may be waiting for that very slot.
func (s *Server) policyDoc(ctx context.Context, ver store.Version) (*policydoc.Document, error) {
	if v, ok := s.cache.peek(policyKey(ver)); ok {
		return v.(*policydoc.Document), nil
	}
	doc, size, err := policyJob(s.sources(ver))(ctx)
	if err != nil {
		return nil, err
	}
	s.cache.keep(policyKey(ver), doc, size)
	return doc, nil
}

func policyKey(ver store.Version) cacheKey { return cacheKey{ver.ID, "policy", ""} }

// policyJob builds a version's transfer policy from src.
func policyJob(src *sources) func(ctx context.Context) (*policydoc.Document, int64, error) {
	return func(ctx context.Context) (*policydoc.Document, int64, error) {
		// The policy shows no file position: the inventory as stored,
		// quicker to decode than the files, will do.
		inv, err := src.storedInventory(ctx)
		if err != nil {
			return nil, 0, err
		}
		k, err := inventory.WithKnowledge(src.s.cfg.KB, inv)
		if err != nil {
			return nil, 0, err
		}
		rep, err := src.report(ctx)
		if err != nil {
			return nil, 0, err
		}
		doc, err := policydoc.Build(inv, rep, k)
		if err != nil {
			return nil, 0, fmt.Errorf("version %d: transfer policy: %w", src.ver.Number, err)
		}
		// About 4.5 times its JSON in memory (heap after a collection).
		return doc, 5 * jsonSize(doc), nil
	}
}

// changedReports returns the reports of versions a and b reduced to what
// a comparison of them can see: their heads (summaries, providers, flows)
// whole, and of their components only those that differ. A component is
// left out of both when it is in both with the same stored result and its
// provider's result (in the heads) is the same: diff.Compare finds no move,
// exposure or finding change in it, since all of those derive from the
// component's result and its provider's. The stored results are compared
// by a 128-bit hash with a seed chosen per comparison, so that no upload
// can be made to collide. A test holds diff.Compare of the reduced reports
// to that of the whole ones.
func (s *Server) changedReports(ctx context.Context, a, b store.Version) (*sovmap.Report, *sovmap.Report, error) {
	ha, err := s.head(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	hb, err := s.head(ctx, b)
	if err != nil {
		return nil, nil, err
	}
	changedProvider := map[string]bool{}
	pa := map[string]*sovmap.ProviderResult{}
	for i := range ha.Providers {
		pa[ha.Providers[i].ID] = &ha.Providers[i]
	}
	for i := range hb.Providers {
		p := &hb.Providers[i]
		if o, ok := pa[p.ID]; !ok || !reflect.DeepEqual(o, p) {
			changedProvider[p.ID] = true
		}
		delete(pa, p.ID)
	}
	for id := range pa {
		changedProvider[id] = true
	}
	seeds := [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}
	hash := func(b []byte) [2]uint64 { return [2]uint64{maphash.Bytes(seeds[0], b), maphash.Bytes(seeds[1], b)} }
	// a's components by id; those left once b is read are the ones to keep.
	inA := map[string][2]uint64{}
	if err := s.eachStored(ctx, a, func(rec store.ComponentRecord) error {
		inA[rec.ID] = hash(rec.Result)
		return nil
	}); err != nil {
		return nil, nil, err
	}
	var keptB []store.ComponentRecord
	if err := s.eachStored(ctx, b, func(rec store.ComponentRecord) error {
		h, ok := inA[rec.ID]
		if ok && h == hash(rec.Result) && !changedProvider[rec.Provider] {
			delete(inA, rec.ID)
			return nil
		}
		keptB = append(keptB, store.ComponentRecord{ID: rec.ID, Result: slices.Clone(rec.Result)})
		return nil
	}); err != nil {
		return nil, nil, err
	}
	var keptA []store.ComponentRecord
	if err := s.eachStored(ctx, a, func(rec store.ComponentRecord) error {
		if _, ok := inA[rec.ID]; ok {
			keptA = append(keptA, store.ComponentRecord{ID: rec.ID, Result: slices.Clone(rec.Result)})
		}
		return nil
	}); err != nil {
		return nil, nil, err
	}
	reduced := func(h *sovmap.Report, ver store.Version, kept []store.ComponentRecord) (*sovmap.Report, error) {
		r := *h
		r.Components = make([]sovmap.ComponentResult, len(kept))
		if err := decodeRecords(kept, r.Components, nil); err != nil {
			return nil, fmt.Errorf("version %d %w", ver.Number, err)
		}
		return &r, nil
	}
	ra, err := reduced(ha, a, keptA)
	if err != nil {
		return nil, nil, err
	}
	rb, err := reduced(hb, b, keptB)
	return ra, rb, err
}
