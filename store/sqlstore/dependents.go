package sqlstore

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/sovmap/sovmap/internal/fanout"
	"github.com/sovmap/sovmap/store"
)

// Who depends on a component is asked by its id, so a version's edges are
// kept by target: in buckets chosen by a hash of the target's id
// (dependent_buckets, migration 6), about bucketComponents components'
// worth of edges a bucket, sorted by target, dependent and kind, compressed
// like the blocks. Answering reads one bucket. The number of buckets is the
// version's (version_layouts.buckets): the hash is taken modulo it.
//
// A bucket is its edges, each as three fields (a uvarint length and the
// bytes): the target's id, the dependent's id and the kind, compressed as
// the blocks are (blocks.go).
//
// At a million components these are some eight thousand rows instead of
// five million rows of dependencies, each in three B-trees.
const bucketComponents = blockComponents

// bucketOf is the bucket of the edges to id, of buckets: the 32-bit FNV-1a
// hash of id (as hash/fnv computes it, inlined so that hashing millions of
// ids allocates nothing) modulo buckets. Stored versions depend on it: it
// must never change.
func bucketOf(id string, buckets int) int {
	h := uint32(2166136261)
	for i := 0; i < len(id); i++ {
		h ^= uint32(id[i])
		h *= 16777619
	}
	return int(h % uint32(buckets))
}

// versionIndex gathers, while a version's components are written, what
// its version_layouts and dependent_buckets rows hold: the edges by
// target, and the providers and jurisdictions to filter on.
type versionIndex struct {
	// buckets holds the edges of each bucket, unsorted, as stored, and
	// ids the ids and positions of each bucket of component_ids.
	buckets, ids  [][]byte
	providers     map[string]bool
	jurisdictions map[string]bool
}

func newVersionIndex(components int) *versionIndex {
	n := max(1, (components+bucketComponents-1)/bucketComponents)
	return &versionIndex{buckets: make([][]byte, n), ids: make([][]byte, n),
		providers: map[string]bool{}, jurisdictions: map[string]bool{}}
}

// add takes in a batch of components. The buckets grow as they are
// appended to, not sized ahead from the first batch: an inventory whose
// first components hold most of its dependencies (or its longest ids)
// would have the whole version's buckets sized for them, gigabytes from
// an upload of tens of megabytes.
func (x *versionIndex) add(recs []store.ComponentRecord) {
	for i := range recs {
		c := &recs[i]
		b := bucketOf(c.ID, len(x.ids))
		x.ids[b] = appendIDEntry(x.ids[b], c.ID, c.Index)
		for _, d := range c.DependsOn {
			b := bucketOf(d.ID, len(x.buckets))
			x.buckets[b] = appendField(appendField(appendField(x.buckets[b], d.ID), c.ID), d.Kind)
		}
		if c.Provider != "" {
			x.providers[c.Provider] = true
		}
		for _, j := range c.Jurisdictions {
			x.jurisdictions[j] = true
		}
	}
}

// facets encodes the version's facets: the count of providers as a
// uvarint, the providers as fields, then the jurisdictions alike.
func (x *versionIndex) facets() []byte {
	var out []byte
	for _, set := range []map[string]bool{x.providers, x.jurisdictions} {
		keys := make([]string, 0, len(set))
		for k := range set {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		out = binary.AppendUvarint(out, uint64(len(keys)))
		for _, k := range keys {
			out = appendField(out, k)
		}
	}
	return out
}

func decodeFacets(data []byte) (store.Facets, error) {
	r := &blockReader{raw: data}
	var f store.Facets
	for _, list := range []*[]string{&f.Providers, &f.Jurisdictions} {
		n, err := r.count()
		if err != nil {
			return f, err
		}
		for range n {
			v, err := r.field()
			if err != nil {
				return f, err
			}
			*list = append(*list, string(v))
		}
	}
	return f, nil
}

// tuple is one entry of a bucket: an edge's target, dependent and kind,
// or an id and its position (the third field nil). Its fields share the
// bucket's memory.
type tuple [3][]byte

func compareTuples(a, b tuple) int {
	return cmp.Or(bytes.Compare(a[0], b[0]), bytes.Compare(a[1], b[1]), bytes.Compare(a[2], b[2]))
}

// readTuples splits a bucket into its entries of n fields each.
func readTuples(raw []byte, n int, out []tuple) ([]tuple, error) {
	r := &blockReader{raw: raw}
	for len(r.raw) > 0 {
		var e tuple
		for i := range n {
			var err error
			if e[i], err = r.field(); err != nil {
				return nil, err
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// encodeBuckets sorts the entries of every bucket, of n fields each, and
// compresses the buckets, on every core; buckets is emptied as it goes.
// With unique, two entries with the same first field are an error: the
// ids of a version's components.
func encodeBuckets(buckets [][]byte, n int, unique bool) ([][]byte, error) {
	out := make([][]byte, len(buckets))
	return out, fanout.Ranges(len(buckets), 1, func(_, lo, hi int) error {
		bw := &blockWorker{}
		var entries []tuple
		for b := lo; b < hi; b++ {
			var err error
			if entries, err = readTuples(buckets[b], n, entries[:0]); err != nil {
				return err
			}
			slices.SortFunc(entries, compareTuples)
			bw.raw = bw.raw[:0]
			for i, e := range entries {
				if unique && i > 0 && bytes.Equal(e[0], entries[i-1][0]) {
					return fmt.Errorf("component id %q appears twice: %w", e[0], store.ErrConflict)
				}
				for _, f := range e[:n] {
					bw.raw = appendField(bw.raw, f)
				}
			}
			if out[b], err = bw.compress(nil); err != nil {
				return err
			}
			buckets[b] = nil
		}
		return nil
	})
}

// readBucket reads the entries, of n fields each, of the stored bucket of
// table (dependent_buckets or component_ids) that holds id's, of buckets.
func (s *Store) readBucket(ctx context.Context, table string, versionID int64, id string, buckets, n int) ([]tuple, error) {
	var data []byte
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT data FROM `+table+` WHERE version_id = ? AND bucket = ?`),
		versionID, bucketOf(id, buckets)).Scan(&data); err != nil {
		return nil, err
	}
	raw, err := inflate(data)
	if err != nil {
		return nil, err
	}
	return readTuples(raw, n, nil)
}

// dependentsIn returns the edges to id of a bucket's edges, as
// (dependent, kind) pairs sorted by dependent.
func dependentsIn(edges []tuple, id string) []store.Dependency {
	var out []store.Dependency
	for _, e := range edges {
		if string(e[0]) == id {
			out = append(out, store.Dependency{ID: string(e[1]), Kind: string(e[2])})
		}
	}
	return out
}
