package server

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sovmap/sovmap/store"
)

// The components page and API filter, sort and page a version's
// components. Through the database, each request counts the matching rows
// again, which at a million components takes longer than the whole page
// may. A version's list never changes, so its columns are read once into a
// componentIndex, each sort order computed once, and the rows matching each
// filter and order kept as a list of positions: a page is then a slice of
// that list. The semantics are those of store.Versions.ListComponents, and a
// test holds the two together.

// componentIndex is a version's component list, in inventory order, with
// one order of positions per sort key (ascending, ties in inventory
// order).
type componentIndex struct {
	rows  []store.ComponentRecord
	lower []string // lower-case "id\x00name", for search
	order map[string][]int32
}

func (s *Server) componentIndex(ctx context.Context, ver store.Version) (*componentIndex, error) {
	s.coldStart(ctx, ver, componentsKey(ver))
	return cached(ctx, s.cache, componentsKey(ver), s.componentIndexJob(ver))
}

func componentsKey(ver store.Version) cacheKey { return cacheKey{ver.ID, "components", ""} }

// componentIndexJob builds a version's component index.
func (s *Server) componentIndexJob(ver store.Version) func(ctx context.Context) (*componentIndex, int64, error) {
	return func(ctx context.Context) (*componentIndex, int64, error) {
		recs, err := s.store.AllComponents(ctx, ver.ID)
		if err != nil {
			return nil, 0, err
		}
		ix := &componentIndex{rows: recs, lower: make([]string, len(recs)), order: map[string][]int32{}}
		size := int64(0)
		for i := range recs {
			r := &recs[i]
			r.Result, r.DependsOn = nil, nil
			ix.lower[i] = strings.ToLower(r.ID) + "\x00" + strings.ToLower(r.Name)
			// A record with its strings allocated apart: about 400 bytes
			// a generated component live (heap after a collection).
			size += 280 + 2*int64(len(r.ID)+len(r.Name)) + int64(len(r.Provider)+len(r.Controller)+len(r.Category)+len(r.Sourcing)) + 20*int64(len(r.Jurisdictions))
		}
		for _, key := range store.SortKeys {
			ord := make([]int32, len(recs))
			for i := range ord {
				ord[i] = int32(i)
			}
			slices.SortStableFunc(ord, func(a, b int32) int { return store.CompareComponents(key, &recs[a], &recs[b]) })
			ix.order[key] = ord
			size += 4 * int64(len(ord))
		}
		return ix, size, nil
	}
}

// matches reports whether row i passes q's filters and is in every one
// of the engine filters' sets.
func (ix *componentIndex) matches(i int32, q *store.ComponentQuery, search string, in []bitset) bool {
	for _, b := range in {
		if !b.has(i) {
			return false
		}
	}
	r := &ix.rows[i]
	return (q.Layer == "" || r.Layer == q.Layer) && (q.Level == nil || r.EffectiveLevel == *q.Level) && r.Gap >= q.MinGap &&
		(q.Provider == "" || r.Provider == q.Provider) && (q.Jurisdiction == "" || slices.Contains(r.Jurisdictions, q.Jurisdiction)) &&
		(search == "" || strings.Contains(ix.lower[i], search))
}

// selection lists the positions of the rows q selects, in q's order: by
// the sort key (descending if asked), ties in inventory order; without a
// key, in inventory order (reversed if descending). Rows must also be in
// every set of in (the engine filters, componentFilter).
func (ix *componentIndex) selection(q store.ComponentQuery, in []bitset) []int32 {
	search := strings.ToLower(q.Search)
	var out []int32
	if q.Sort == "" {
		for k := range int32(len(ix.rows)) {
			i := k
			if q.Desc {
				i = int32(len(ix.rows)) - 1 - k
			}
			if ix.matches(i, &q, search, in) {
				out = append(out, i)
			}
		}
		return out
	}
	ord := ix.order[q.Sort]
	if !q.Desc {
		for _, i := range ord {
			if ix.matches(i, &q, search, in) {
				out = append(out, i)
			}
		}
		return out
	}
	// Descending: the groups of equal keys from the last, each in
	// inventory order, as the database's "key DESC, idx ASC".
	for end := len(ord); end > 0; {
		start := end - 1
		for start > 0 && store.CompareComponents(q.Sort, &ix.rows[ord[start-1]], &ix.rows[ord[end-1]]) == 0 {
			start--
		}
		for _, i := range ord[start:end] {
			if ix.matches(i, &q, search, in) {
				out = append(out, i)
			}
		}
		end = start
	}
	return out
}

// listComponents is store.Versions.ListComponents answered from the
// version's index, narrowed by the engine filters f: one page of the
// components q and f select, and how many they select. The selection of
// each filter and order is kept.
func (s *Server) listComponents(ctx context.Context, ver store.Version, q store.ComponentQuery, f componentFilter) ([]store.ComponentRecord, int, error) {
	if q.Sort != "" && !slices.Contains(store.SortKeys, q.Sort) {
		return nil, 0, &badInput{fmt.Errorf("sort=%q: one of %s", q.Sort, strings.Join(store.SortKeys, ", "))}
	}
	ix, err := s.componentIndex(ctx, ver)
	if err != nil {
		return nil, 0, err
	}
	in, err := s.filterSets(ctx, ver, ix, f)
	if err != nil {
		return nil, 0, err
	}
	all := q.Layer == "" && q.Level == nil && q.MinGap <= 0 && q.Provider == "" && q.Jurisdiction == "" && q.Search == "" && f.empty()
	// everything is every row in inventory order: no list needed.
	everything := all && q.Sort == "" && !q.Desc
	var sel []int32
	switch {
	case everything:
	case all && !q.Desc:
		sel = ix.order[q.Sort]
	default:
		level := ""
		if q.Level != nil {
			level = strconv.Itoa(*q.Level)
		}
		arg := strings.Join([]string{q.Layer, level, strconv.Itoa(q.MinGap), q.Provider, q.Jurisdiction, q.Search, q.Sort, strconv.FormatBool(q.Desc), f.key()}, "\x00")
		// Light: it reads the index and the filters' sets, which are
		// computed and kept apart.
		sel, err = cachedLight(ctx, s.cache, cacheKey{ver.ID, "selection", arg}, func(context.Context) ([]int32, int64, error) {
			sel := ix.selection(q, in)
			return sel, 4*int64(len(sel)) + int64(len(arg)), nil
		})
		if err != nil {
			return nil, 0, err
		}
	}
	total := len(sel)
	if everything {
		total = len(ix.rows)
	}
	limit := q.Limit
	switch {
	case limit <= 0:
		limit = 50
	case limit > 1000:
		limit = 1000
	}
	from, to := min(max(0, q.Offset), total), min(max(0, q.Offset)+limit, total)
	page := make([]store.ComponentRecord, 0, to-from)
	for k := from; k < to; k++ {
		i := k
		if !everything {
			i = int(sel[k])
		}
		page = append(page, ix.rows[i])
	}
	return page, total, nil
}
