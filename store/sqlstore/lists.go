package sqlstore

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sovmap/sovmap/store"
)

// A version stored since migration 7 writes no row per component. The
// writer's cost was per row and per value (fourteen a component, two
// B-trees), while pages read a version's list whole, once, into memory
// (server/cache_components.go). So:
//
//   - its components' list columns go in component_lists, a row per
//     blockComponents components like component_blocks: S2 (blocks.go) of, for
//     each component in order, the id, name, layer, provider, controller,
//     category, sourcing and jurisdictions (space-separated, as the
//     rows' column) as fields (a
//     uvarint length and the bytes), then the level, effective, required
//     level and gap as varints;
//   - its ids go in component_ids, in buckets by the same hash as the
//     dependents (bucketOf, modulo version_layouts.id_buckets): S2 of
//     (id, position) pairs sorted by id, the position a field holding a
//     uvarint. A component found by id reads its bucket, then its block.
//
// ListComponents filters and sorts such a version in memory, with the
// semantics of the SQL it runs on the rows of the versions before.

// appendListRecord appends the list columns of c to a list block.
func appendListRecord(dst []byte, c *store.ComponentRecord) []byte {
	for _, f := range [...]string{c.ID, c.Name, c.Layer, c.Provider, c.Controller, c.Category, c.Sourcing} {
		dst = appendField(dst, f)
	}
	// Joined and split as the jurisdictions column of the rows layout was.
	dst = appendField(dst, strings.Join(c.Jurisdictions, " "))
	for _, n := range [...]int{c.Level, c.EffectiveLevel, c.RequiredLevel, c.Gap} {
		dst = binary.AppendVarint(dst, int64(n))
	}
	return dst
}

// listRecord reads the next component's list columns from a list block;
// its strings are copies.
func (r *blockReader) listRecord(idx int) (store.ComponentRecord, error) {
	c := store.ComponentRecord{Index: idx}
	for _, f := range [...]*string{&c.ID, &c.Name, &c.Layer, &c.Provider, &c.Controller, &c.Category, &c.Sourcing} {
		b, err := r.field()
		if err != nil {
			return c, err
		}
		*f = string(b)
	}
	juris, err := r.field()
	if err != nil {
		return c, err
	}
	c.Jurisdictions = strings.Fields(string(juris))
	for _, f := range [...]*int{&c.Level, &c.EffectiveLevel, &c.RequiredLevel, &c.Gap} {
		v, k := binary.Varint(r.raw)
		if k <= 0 {
			return c, errors.New("stored list block: truncated")
		}
		*f, r.raw = int(v), r.raw[k:]
	}
	return c, nil
}

// listRange appends the list columns of the components lo to hi
// (excluded) of a version stored since migration 7 to out, and checks that
// there is one for each.
func (s *Store) listRange(ctx context.Context, versionID int64, lo, hi int, out []store.ComponentRecord) ([]store.ComponentRecord, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT first_idx, data FROM component_lists WHERE version_id = ? AND first_idx > ? AND first_idx < ?
		ORDER BY first_idx`), versionID, lo-blockComponents, hi)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	start := len(out)
	next := lo - lo%blockComponents // blocks start at multiples of blockComponents
	err = readBlocks(rows, func(first int, r *blockReader) error {
		if first != next {
			return fmt.Errorf("stored list block at %d where component %d was expected", first, next)
		}
		for ; len(r.raw) > 0 && next < hi; next++ {
			c, err := r.listRecord(next)
			if err != nil {
				return err
			}
			if next >= lo {
				out = append(out, c)
			}
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	if len(out)-start != hi-lo {
		return out, fmt.Errorf("components %d to %d: %d stored", lo, hi, len(out)-start)
	}
	return out, nil
}

// appendIDEntry appends the bucket entry of the component id at idx.
func appendIDEntry(dst []byte, id string, idx int) []byte {
	var pos [binary.MaxVarintLen64]byte
	return appendField(appendField(dst, id), pos[:binary.PutUvarint(pos[:], uint64(idx))])
}

// indexOf finds the position of the component id in a version stored
// since migration 7, from its bucket of ids.
func (s *Store) indexOf(ctx context.Context, versionID int64, id string, buckets int) (int, error) {
	entries, err := s.readBucket(ctx, "component_ids", versionID, id, buckets, 2)
	if err != nil {
		return 0, err
	}
	i, found := slices.BinarySearchFunc(entries, id, func(e tuple, id string) int { return strings.Compare(string(e[0]), id) })
	if !found {
		return 0, store.ErrNotFound
	}
	idx, k := binary.Uvarint(entries[i][1])
	if k <= 0 {
		return 0, errors.New("stored id bucket: bad position")
	}
	return int(idx), nil
}

// listInMemory is ListComponents over the whole list of a version,
// filtered, sorted and paged here: the same answers as the SQL that
// ListComponents runs on the rows of versions stored before migration 7.
func listInMemory(all []store.ComponentRecord, q store.ComponentQuery, limit int) ([]store.ComponentRecord, int) {
	search := strings.ToLower(q.Search)
	var sel []store.ComponentRecord
	for _, c := range all {
		if (q.Layer == "" || c.Layer == q.Layer) && (q.Level == nil || c.EffectiveLevel == *q.Level) && c.Gap >= q.MinGap &&
			(q.Provider == "" || c.Provider == q.Provider) &&
			// listRecord split the jurisdictions at spaces (unicode.IsSpace,
			// as strings.Fields does), so a code with a space is in none,
			// as in the SQL of the rows layout.
			(q.Jurisdiction == "" || slices.Contains(c.Jurisdictions, q.Jurisdiction)) &&
			(search == "" || strings.Contains(strings.ToLower(c.ID), search) || strings.Contains(strings.ToLower(c.Name), search)) {
			sel = append(sel, c)
		}
	}
	// Stable: ties stay in inventory order, as "ORDER BY key, idx ASC".
	slices.SortStableFunc(sel, func(a, b store.ComponentRecord) int {
		c := store.CompareComponents(q.Sort, &a, &b)
		if q.Sort == "" {
			c = cmp.Compare(a.Index, b.Index)
		}
		if q.Desc {
			return -c
		}
		return c
	})
	from := min(max(0, q.Offset), len(sel))
	return sel[from:min(from+limit, len(sel))], len(sel)
}
