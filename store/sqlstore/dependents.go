package sqlstore

import (
	"bytes"
	"cmp"
	"encoding/binary"
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
// A bucket is DEFLATE of its edges, each as three fields (a uvarint length
// and the bytes): the target's id, the dependent's id and the kind.
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
	// buckets holds the edges of each bucket, unsorted, as stored.
	buckets       [][]byte
	providers     map[string]bool
	jurisdictions map[string]bool
}

func newVersionIndex(components int) *versionIndex {
	return &versionIndex{buckets: make([][]byte, max(1, (components+bucketComponents-1)/bucketComponents)),
		providers: map[string]bool{}, jurisdictions: map[string]bool{}}
}

// add takes in a batch of components.
func (x *versionIndex) add(recs []store.ComponentRecord) {
	for i := range recs {
		c := &recs[i]
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

// edge is one dependency in a bucket; its fields share the bucket's memory.
type edge struct{ to, from, kind []byte }

func compareEdges(a, b edge) int {
	return cmp.Or(bytes.Compare(a.to, b.to), bytes.Compare(a.from, b.from), bytes.Compare(a.kind, b.kind))
}

// readEdges splits a bucket into its edges.
func readEdges(raw []byte, out []edge) ([]edge, error) {
	r := &blockReader{raw: raw}
	for len(r.raw) > 0 {
		var e edge
		var err error
		if e.to, err = r.field(); err == nil {
			if e.from, err = r.field(); err == nil {
				e.kind, err = r.field()
			}
		}
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// encodeBuckets sorts and compresses every bucket, on every core, and
// returns them; x.buckets is emptied as it goes.
func (x *versionIndex) encodeBuckets() ([][]byte, error) {
	out := make([][]byte, len(x.buckets))
	return out, fanout.Ranges(len(x.buckets), 1, func(_, lo, hi int) error {
		bw := &blockWorker{}
		var edges []edge
		for b := lo; b < hi; b++ {
			var err error
			if edges, err = readEdges(x.buckets[b], edges[:0]); err != nil {
				return err
			}
			slices.SortFunc(edges, compareEdges)
			bw.raw = bw.raw[:0]
			for _, e := range edges {
				bw.raw = appendField(appendField(appendField(bw.raw, e.to), e.from), e.kind)
			}
			if out[b], err = bw.compress(nil); err != nil {
				return err
			}
			x.buckets[b] = nil
		}
		return nil
	})
}

// dependentsIn returns the edges to id of a stored bucket, as (dependent,
// kind) pairs sorted by dependent.
func dependentsIn(data []byte, id string) ([]store.Dependency, error) {
	raw, err := inflate(data)
	if err != nil {
		return nil, err
	}
	edges, err := readEdges(raw, nil)
	if err != nil {
		return nil, err
	}
	var out []store.Dependency
	for _, e := range edges {
		if string(e.to) == id {
			out = append(out, store.Dependency{ID: string(e.from), Kind: string(e.kind)})
		}
	}
	return out, nil
}
