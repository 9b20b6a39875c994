package sqlstore

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

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
// A block is DEFLATE of, for each component in order, the length of its
// result as a uvarint, the result, the length of its spec and the spec.
const blockComponents = 128

// blockEncoder compresses the blocks of a batch of components, on every
// core, keeping its buffers and compressors from one batch to the next.
type blockEncoder struct {
	blocks  [][]byte
	workers []*blockWorker
}

type blockWorker struct {
	raw []byte
	out bytes.Buffer
	zw  *flate.Writer
}

// encode compresses recs, the batch's records, into e.blocks: one block
// for every blockComponents records (the last may be shorter).
func (e *blockEncoder) encode(recs []store.ComponentRecord) error {
	n := (len(recs) + blockComponents - 1) / blockComponents
	for len(e.blocks) < n {
		e.blocks = append(e.blocks, nil)
	}
	e.blocks = e.blocks[:n]
	for len(e.workers) < fanout.Workers(n, 1) {
		e.workers = append(e.workers, &blockWorker{})
	}
	return fanout.Ranges(n, 1, func(w, lo, hi int) error {
		bw := e.workers[w]
		for b := lo; b < hi; b++ {
			bw.raw = bw.raw[:0]
			for i := b * blockComponents; i < min(len(recs), (b+1)*blockComponents); i++ {
				bw.raw = binary.AppendUvarint(bw.raw, uint64(len(recs[i].Result)))
				bw.raw = append(bw.raw, recs[i].Result...)
				bw.raw = binary.AppendUvarint(bw.raw, uint64(len(recs[i].Spec)))
				bw.raw = append(bw.raw, recs[i].Spec...)
			}
			bw.out.Reset()
			if bw.zw == nil {
				var err error
				if bw.zw, err = flate.NewWriter(&bw.out, flate.BestSpeed); err != nil {
					return err
				}
			} else {
				bw.zw.Reset(&bw.out)
			}
			if _, err := bw.zw.Write(bw.raw); err != nil {
				return err
			}
			if err := bw.zw.Close(); err != nil {
				return err
			}
			e.blocks[b] = append(e.blocks[b][:0], bw.out.Bytes()...)
		}
		return nil
	})
}

// blockReader reads the components of one block in order.
type blockReader struct {
	raw []byte
}

func readBlock(data []byte) (*blockReader, error) {
	raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(data)))
	if err != nil {
		return nil, fmt.Errorf("stored block: %w", err)
	}
	return &blockReader{raw: raw}, nil
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
