package server

import (
	"context"
	"html/template"
	"net/http"
	"slices"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/report/svg"
	"github.com/sovmap/sovmap/store"
)

// The stack page draws the dependency picture of the HTML report
// (report/svg.Dependencies: one band per layer, boxes coloured by effective
// level, arrows to what each component depends on) and gives the same
// content as text: a table of every component and what it depends on.

// stackPageSize is how many rows of the dependency table one page shows.
const stackPageSize = 100

// dependencyRow is one component of the dependency table and the API.
type dependencyRow struct {
	ID             string              `json:"id"`
	Name           string              `json:"name,omitempty"`
	Layer          sovmap.Layer        `json:"layer"`
	EffectiveLevel sovmap.Level        `json:"effective_level"`
	Gap            int                 `json:"gap"`
	DependsOn      []sovmap.Dependency `json:"depends_on"`
	// DependedOnBy counts the components that depend on this one.
	DependedOnBy int `json:"depended_on_by"`
}

// stack is a version's dependency table and what the stack page draws of
// it: the picture for a small version, the layer × level matrix and the
// biggest dependencies from stackMatrixFrom components on. It is computed
// once per version (cache.go).
type stack struct {
	Rows    []dependencyRow
	Picture template.HTML
	Matrix  []matrixRow
	Biggest []dependencyRow
}

func (s *Server) stack(ctx context.Context, ver store.Version) (*stack, error) {
	s.coldStart(ctx, ver, stackKey(ver))
	return cached(ctx, s.cache, stackKey(ver), s.stackJob(s.sources(ver)))
}

func stackKey(ver store.Version) cacheKey { return cacheKey{ver.ID, "stack", ""} }

// stackJob builds the stack from src.
func (s *Server) stackJob(src *sources) func(ctx context.Context) (*stack, int64, error) {
	return func(ctx context.Context) (*stack, int64, error) {
		st, err := s.newStack(ctx, src)
		if err != nil {
			return nil, 0, err
		}
		return st, stackSize(st), nil
	}
}

// stackSize estimates the bytes a stack holds: each row's strings and
// slice headers, with Go's overheads (about 600 bytes a generated
// component with five dependencies, heap after a collection).
func stackSize(st *stack) int64 {
	n := int64(len(st.Picture)) + 200*int64(len(st.Biggest)+len(st.Matrix))
	for i := range st.Rows {
		r := &st.Rows[i]
		n += 250 + int64(len(r.ID)+len(r.Name))
		for _, d := range r.DependsOn {
			n += 64 + int64(len(d.ID)+len(d.Kind))
		}
	}
	return n
}

func (s *Server) newStack(ctx context.Context, src *sources) (*stack, error) {
	inv, err := src.storedInventory(ctx)
	if err != nil {
		return nil, err
	}
	// The effective level and gap of each component, by id: from the
	// report when it is already decoded (the warm-up after an upload, a
	// cold start's later entries), else from the stored records' columns,
	// set from the results at upload, so that no result is decoded for
	// them (gigabytes at a million components). Only a small version's
	// picture needs the whole report.
	type levels struct {
		effective sovmap.Level
		gap       int
	}
	results := make(map[string]levels, len(inv.Components))
	if src.rep != nil {
		for i := range src.rep.Components {
			c := &src.rep.Components[i]
			results[c.ID] = levels{c.EffectiveLevel, c.Gap}
		}
	} else {
		recs, err := s.store.AllComponents(ctx, src.ver.ID)
		if err != nil {
			return nil, err
		}
		for i := range recs {
			results[recs[i].ID] = levels{sovmap.Level(recs[i].EffectiveLevel), recs[i].Gap}
		}
	}
	// A dependency listed twice (or as runtime and supply) is one user.
	users := map[string]int{}
	for _, c := range inv.Components {
		for i, d := range c.DependsOn {
			if !slices.ContainsFunc(c.DependsOn[:i], func(e sovmap.Dependency) bool { return e.ID == d.ID }) {
				users[d.ID]++
			}
		}
	}
	st := &stack{Rows: make([]dependencyRow, 0, len(inv.Components))}
	for _, c := range inv.Components {
		row := dependencyRow{ID: c.ID, Name: c.Name, Layer: c.Layer, DependsOn: c.DependsOn, DependedOnBy: users[c.ID]}
		if row.DependsOn == nil {
			row.DependsOn = []sovmap.Dependency{}
		}
		if res, ok := results[c.ID]; ok {
			row.EffectiveLevel, row.Gap = res.effective, res.gap
		}
		st.Rows = append(st.Rows, row)
	}
	if len(st.Rows) >= stackMatrixFrom {
		st.Matrix, st.Biggest = layerMatrix(st.Rows), biggestDependencies(st.Rows, 20)
	} else {
		rep, err := src.report(ctx)
		if err != nil {
			return nil, err
		}
		st.Picture = template.HTML(svg.Dependencies(rep, inv, svg.DefaultGraphLimit))
	}
	return st, nil
}

// stackMatrixFrom is the number of components from which the stack page
// shows a layer × level matrix and the biggest dependencies instead of the
// picture, which past a few hundred boxes no one can read.
const stackMatrixFrom = 300

// matrixRow is one layer of the matrix: components per effective level and
// how many of them have a gap.
type matrixRow struct {
	Layer sovmap.Layer
	Count [sovmap.MaxLevel + 1]int
	Gaps  [sovmap.MaxLevel + 1]int
	Total int
}

// layerMatrix counts rows by layer (top of the stack first) and level.
func layerMatrix(rows []dependencyRow) []matrixRow {
	idx := map[sovmap.Layer]int{}
	var out []matrixRow
	for i := len(sovmap.Layers) - 1; i >= 0; i-- {
		idx[sovmap.Layers[i]] = len(out)
		out = append(out, matrixRow{Layer: sovmap.Layers[i]})
	}
	for _, r := range rows {
		i, ok := idx[r.Layer]
		if !ok {
			idx[r.Layer] = len(out)
			out = append(out, matrixRow{Layer: r.Layer})
			i = len(out) - 1
		}
		l := max(sovmap.Exposed, min(r.EffectiveLevel, sovmap.MaxLevel))
		out[i].Count[l]++
		out[i].Total++
		if r.Gap > 0 {
			out[i].Gaps[l]++
		}
	}
	return slices.DeleteFunc(out, func(m matrixRow) bool { return m.Total == 0 })
}

// biggestDependencies are the n components most others depend on.
func biggestDependencies(rows []dependencyRow, n int) []dependencyRow {
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b dependencyRow) int { return b.DependedOnBy - a.DependedOnBy })
	return slices.DeleteFunc(out[:min(n, len(out))], func(r dependencyRow) bool { return r.DependedOnBy == 0 })
}

func (s *Server) handleStack(w http.ResponseWriter, r *http.Request, q *req) {
	v := s.newView(q, "Stack and dependencies", "stack")
	ver, vp, ok := s.loadVersion(w, r, q, v)
	if !ok {
		return
	}
	offset, err := offsetParam(r)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	st, err := s.stack(r.Context(), ver)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	pg := newPager(len(st.Rows), offset, stackPageSize, "stack?"+string(vp.VersionQuery))
	data := struct {
		versionPage
		pager
		Picture template.HTML
		Limit   int
		Rows    []dependencyRow
		// Matrix and Biggest replace the picture from stackMatrixFrom on.
		Matrix     []matrixRow
		Biggest    []dependencyRow
		MatrixFrom int
	}{versionPage: vp, pager: pg, Picture: st.Picture, Limit: svg.DefaultGraphLimit, Rows: st.Rows[max(0, pg.From-1):pg.To],
		Matrix: st.Matrix, Biggest: st.Biggest, MatrixFrom: stackMatrixFrom}
	v.Data = data
	s.render(w, r, http.StatusOK, "stack", v)
}

func (s *Server) apiDependencies(w http.ResponseWriter, r *http.Request, q *req) {
	ver, err := s.versionOf(r.Context(), q.ws, r.PathValue("n"))
	if err != nil {
		s.apiFail(w, err)
		return
	}
	st, err := s.stack(r.Context(), ver)
	if err != nil {
		s.apiFail(w, err)
		return
	}
	writeJSONList(w, "components", len(st.Rows), func(i int) any { return &st.Rows[i] })
}
