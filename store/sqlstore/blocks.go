package sqlstore

import (
	"bytes"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/s2"

	"github.com/sovmap/sovmap/internal/fanout"
	"github.com/sovmap/sovmap/store"
)

// A version's component results and specs are kept in blocks of
// blockComponents consecutive components, compressed together
// (component_blocks, migration 4), rather than as a row each
// (component_details, which versions stored before keep). A result is a
// few kilobytes of JSON whose sentences recur from one component to the
// next: compressed together they take about a seventh of the room (7.5
// times less on a generated inventory), and a million components are some
// eight thousand rows to write instead of a million rows of a page each. Reading one component decompresses its block,
// about a millisecond.
//
// Blocks are compressed with S2 (github.com/klauspost/compress/s2, block
// format) behind a marker byte, s2Block; versions stored before were
// compressed with DEFLATE, and read as they are (inflate tells the two
// apart by that first byte). By the CPU profile of a 100,000-component
// upload, S2 compresses the blocks in 0.3 s of CPU where DEFLATE's fastest
// level took 0.8 s; on a sample of generated blocks it made them a little
// smaller (9.4 times against 8.0) and read them back about twice as fast.
//
// A block is, compressed, for each component in order, the length of its
// result as a uvarint, the result, the length of its spec and the spec.
const blockComponents = 128

// A version stored since migration 6 also keeps its components'
// dependencies in blocks of the same components (dependency_blocks): for
// each component in order, the number of its dependencies as a uvarint,
// then the id and kind of each, each as a uvarint length and the bytes,
// the whole compressed as the blocks are. A component's page reads the one
// block; no row per dependency is written (see dependents.go for the
// other direction).

// blockEncoder compresses the blocks of a batch of components, on every
// core, keeping its buffers and compressors from one batch to the next.
type blockEncoder struct {
	// blocks are the results and specs, deps the dependencies and lists
	// the list columns (lists.go), of each blockComponents components.
	blocks, deps, lists [][]byte
	workers             []*blockWorker
}

type blockWorker struct {
	raw []byte
	// enc is room for raw compressed, reused from one block to the next.
	enc []byte
}

// s2Block is the first byte of a block or bucket compressed with S2, the
// rest being S2's block format. No DEFLATE stream starts with it: its
// first block would have type 3, which RFC 1951 reserves as an error.
const s2Block = 0xff

// compress returns bw.raw compressed, appended to dst[:0].
func (bw *blockWorker) compress(dst []byte) ([]byte, error) {
	n := s2.MaxEncodedLen(len(bw.raw))
	if n < 0 {
		return nil, s2.ErrTooLarge
	}
	if cap(bw.enc) < n {
		bw.enc = make([]byte, n)
	}
	// Encoded in bw.enc, which has room for the worst case, and copied
	// out at its size, so that the batches' blocks hold no slack.
	enc := s2.Encode(bw.enc[:n], bw.raw)
	return append(append(dst[:0], s2Block), enc...), nil
}

// fillEncode fills recs, the batch's records, from src (component start
// on) and compresses them into e.blocks, e.deps and e.lists: one block of
// each for every blockComponents records (the last may be shorter). The
// blocks are shared among the cores, and each is compressed as soon as
// its records are made, while they are still in the core's cache.
func (e *blockEncoder) fillEncode(src store.ComponentSource, start int, recs []store.ComponentRecord) error {
	n := (len(recs) + blockComponents - 1) / blockComponents
	for len(e.blocks) < n {
		e.blocks, e.deps, e.lists = append(e.blocks, nil), append(e.deps, nil), append(e.lists, nil)
	}
	e.blocks, e.deps, e.lists = e.blocks[:n], e.deps[:n], e.lists[:n]
	for len(e.workers) < fanout.Workers(n, 1) {
		e.workers = append(e.workers, &blockWorker{})
	}
	// Each block of components is encoded three times, one table each.
	parts := [...]struct {
		out *[][]byte
		add func([]byte, *store.ComponentRecord) []byte
	}{{&e.blocks, appendDetails}, {&e.deps, appendDependencies}, {&e.lists, appendListRecord}}
	return fanout.Ranges(n, 1, func(w, lo, hi int) error {
		bw := e.workers[w]
		for b := lo; b < hi; b++ {
			first := b * blockComponents
			block := recs[first:min(len(recs), first+blockComponents)]
			if err := src.Fill(start+first, block); err != nil {
				return err
			}
			for _, p := range parts {
				bw.raw = bw.raw[:0]
				for i := range block {
					bw.raw = p.add(bw.raw, &block[i])
				}
				var err error
				if (*p.out)[b], err = bw.compress((*p.out)[b]); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// appendDetails appends the result and spec of c to a block of
// component_blocks.
func appendDetails(dst []byte, c *store.ComponentRecord) []byte {
	return appendField(appendField(dst, c.Result), c.Spec)
}

// appendDependencies appends the dependencies of c to a block of
// dependency_blocks.
func appendDependencies(dst []byte, c *store.ComponentRecord) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(c.DependsOn)))
	for _, d := range c.DependsOn {
		dst = appendField(appendField(dst, d.ID), d.Kind)
	}
	return dst
}

// appendField appends f as a block field: its length as a uvarint, then
// its bytes.
func appendField[T []byte | string](dst []byte, f T) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(f)))
	return append(dst, f...)
}

// blockReader reads the components of one block in order.
type blockReader struct {
	raw []byte
}

func readBlock(data []byte) (*blockReader, error) {
	raw, err := inflate(data)
	if err != nil {
		return nil, err
	}
	return &blockReader{raw: raw}, nil
}

// inflateGroup is how many blocks readBlocks decompresses at once, spread
// over the cores: about 8,000 components, some megabytes.
const inflateGroup = 64

// readBlocks calls fn with each block the rows hold, (first_idx, data)
// pairs, decompressed, in the rows' order. The blocks are decompressed on
// every core, a group at a time: decompression is most of reading a
// version's blocks.
func readBlocks(rows *sql.Rows, fn func(first int, r *blockReader) error) error {
	firsts := make([]int, 0, inflateGroup)
	data := make([][]byte, 0, inflateGroup)
	readers := make([]*blockReader, inflateGroup)
	flush := func() error {
		err := fanout.Ranges(len(data), 1, func(_, lo, hi int) error {
			for i := lo; i < hi; i++ {
				var err error
				if readers[i], err = readBlock(data[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for i, first := range firsts {
			if err := fn(first, readers[i]); err != nil {
				return err
			}
			readers[i] = nil
		}
		firsts, data = firsts[:0], data[:0]
		return nil
	}
	for rows.Next() {
		var first int
		var d []byte
		if err := rows.Scan(&first, &d); err != nil {
			return err
		}
		firsts, data = append(firsts, first), append(data, d)
		if len(data) == inflateGroup {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return flush()
}

// inflate decompresses a stored block or bucket: S2 behind its marker
// byte, or DEFLATE, as versions stored before S2 were written.
func inflate(data []byte) ([]byte, error) {
	if len(data) > 0 && data[0] == s2Block {
		raw, err := s2.Decode(nil, data[1:])
		if err != nil {
			return nil, fmt.Errorf("stored block: %w", err)
		}
		return raw, nil
	}
	// DEFLATE blocks compress about 7.5 times: room for that at once spares the
	// copies of growing from nothing.
	var raw bytes.Buffer
	raw.Grow(8 * len(data))
	if _, err := raw.ReadFrom(flate.NewReader(bytes.NewReader(data))); err != nil {
		return nil, fmt.Errorf("stored block: %w", err)
	}
	return raw.Bytes(), nil
}

// next returns the next component's result and spec; they share the
// block's memory.
func (r *blockReader) next() (result, spec []byte, err error) {
	if result, err = r.field(); err != nil {
		return nil, nil, err
	}
	spec, err = r.field()
	return result, spec, err
}

func (r *blockReader) field() ([]byte, error) {
	n, k := binary.Uvarint(r.raw)
	if k <= 0 || n > uint64(len(r.raw)-k) {
		return nil, errors.New("stored block: truncated")
	}
	f := r.raw[k : k+int(n) : k+int(n)]
	r.raw = r.raw[k+int(n):]
	return f, nil
}

// dependencies reads the dependencies of the block's next component from
// a dependency block, appending them to out.
func (r *blockReader) dependencies(out []store.Dependency) ([]store.Dependency, error) {
	n, err := r.count()
	if err != nil {
		return nil, err
	}
	for range n {
		id, err := r.field()
		if err != nil {
			return nil, err
		}
		kind, err := r.field()
		if err != nil {
			return nil, err
		}
		out = append(out, store.Dependency{ID: string(id), Kind: string(kind)})
	}
	return out, nil
}

// count reads a count of items to follow, a uvarint: each item takes at
// least a byte.
func (r *blockReader) count() (uint64, error) {
	n, k := binary.Uvarint(r.raw)
	if k <= 0 || n > uint64(len(r.raw)-k) {
		return 0, errors.New("stored block: truncated")
	}
	r.raw = r.raw[k:]
	return n, nil
}
