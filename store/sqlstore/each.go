package sqlstore

import (
	"context"
	"fmt"

	"github.com/sovmap/sovmap/store"
)

// eachBlocks is how many blocks EachComponent reads per query: 8 blocks of
// 128 components, about a thousand components and a megabyte of JSON held
// at a time, against two queries per thousand components.
const eachBlocks = 8

// eachDetails is how many rows of component_details EachComponent reads
// per query, for a version stored before blocks.
const eachDetails = eachBlocks * blockComponents

// EachComponent calls fn with every component of a version, with its result
// and spec, in inventory order. It reads a group of blocks and the
// components' rows they cover, closes the queries, then calls fn for each:
// no query stays open while fn writes to a slow client. A component
// without a stored result, or a block that does not follow the one before,
// is an error, never a short walk.
func (s *Store) EachComponent(ctx context.Context, versionID int64, fn func(store.ComponentRecord) error) error {
	var n int
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT components FROM versions WHERE id = ?`), versionID).Scan(&n); err != nil {
		return s.wrap(err, fmt.Sprintf("each component: version %d", versionID))
	}
	var blocks int // 1 if the version is stored in blocks, 0 if before them
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM (SELECT 1 FROM component_blocks WHERE version_id = ? LIMIT 1) b`), versionID).Scan(&blocks); err != nil {
		return s.wrap(err, "each component")
	}
	read := s.eachBlockGroup
	if blocks == 0 {
		read = s.eachDetailGroup
	}
	lay, err := s.layout(ctx, versionID)
	if err != nil {
		return s.wrap(err, "each component")
	}
	lists := s.componentRange
	if lay.idBuckets > 0 {
		lists = s.listRange
	}
	var g group
	for lo := 0; lo < n; lo += len(g.results) {
		var err error
		if g, err = read(ctx, versionID, lo, g); err != nil {
			return s.wrap(err, "each component")
		}
		if len(g.results) == 0 || lo+len(g.results) > n {
			return fmt.Errorf("each component: version %d has %d components, but stored results cover %d to %d",
				versionID, n, lo, lo+len(g.results))
		}
		if g.recs, err = lists(ctx, versionID, lo, lo+len(g.results), g.recs[:0]); err != nil {
			return s.wrap(err, "each component")
		}
		for i := range g.recs {
			g.recs[i].Result, g.recs[i].Spec = g.results[i], g.specs[i]
			if err := fn(g.recs[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// group is the components EachComponent holds at a time; its slices are
// reused from one group to the next.
type group struct {
	results, specs [][]byte
	recs           []store.ComponentRecord
}

// eachBlockGroup reads the results and specs of the components from lo on
// out of the next eachBlocks blocks, decompressed on every core: that is
// most of a walk's work.
func (s *Store) eachBlockGroup(ctx context.Context, versionID int64, lo int, g group) (group, error) {
	g.results, g.specs = g.results[:0], g.specs[:0]
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT first_idx, data FROM component_blocks WHERE version_id = ? AND first_idx >= ?
		ORDER BY first_idx LIMIT ?`), versionID, lo, eachBlocks)
	if err != nil {
		return g, err
	}
	defer rows.Close()
	err = readBlocks(rows, func(first int, r *blockReader) error {
		if want := lo + len(g.results); first != want {
			return fmt.Errorf("stored block at %d where component %d was expected", first, want)
		}
		for len(r.raw) > 0 {
			result, spec, err := r.next()
			if err != nil {
				return err
			}
			g.results, g.specs = append(g.results, result), append(g.specs, spec)
		}
		return nil
	})
	return g, err
}

// eachDetailGroup is eachBlockGroup for a version stored before blocks,
// with a row of component_details per component.
func (s *Store) eachDetailGroup(ctx context.Context, versionID int64, lo int, g group) (group, error) {
	g.results, g.specs = g.results[:0], g.specs[:0]
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT idx, result, spec FROM component_details WHERE version_id = ? AND idx >= ? AND idx < ?
		ORDER BY idx`), versionID, lo, lo+eachDetails)
	if err != nil {
		return g, err
	}
	defer rows.Close()
	for rows.Next() {
		var idx int
		var result, spec []byte
		if err := rows.Scan(&idx, &result, &spec); err != nil {
			return g, err
		}
		if want := lo + len(g.results); idx != want {
			return g, fmt.Errorf("a stored result for component %d where %d was expected", idx, want)
		}
		g.results, g.specs = append(g.results, result), append(g.specs, spec)
	}
	return g, rows.Err()
}

// componentRange appends the rows of the components lo to hi (excluded) of
// a version stored before migration 7 to out, and checks that there is
// one for each.
func (s *Store) componentRange(ctx context.Context, versionID int64, lo, hi int, out []store.ComponentRecord) ([]store.ComponentRecord, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+listColumns+` FROM components c WHERE c.version_id = ? AND c.idx >= ? AND c.idx < ?
		ORDER BY c.idx`), versionID, lo, hi)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanComponent(rows)
		if err != nil {
			return out, err
		}
		if want := lo + len(out); c.Index != want {
			return out, fmt.Errorf("component %d where %d was expected", c.Index, want)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	if len(out) != hi-lo {
		return out, fmt.Errorf("components %d to %d: %d stored", lo, hi, len(out))
	}
	return out, nil
}
