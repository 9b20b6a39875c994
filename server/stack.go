package server

import (
	"context"
	"html/template"
	"net/http"

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

// stack is a version's dependency picture and table.
type stack struct {
	inv  *sovmap.Inventory
	rep  *sovmap.Report
	Rows []dependencyRow
}

func (s *Server) stack(ctx context.Context, ver store.Version) (*stack, error) {
	inv, err := s.inventoryOf(ctx, ver)
	if err != nil {
		return nil, err
	}
	rep, err := s.fullReport(ctx, ver)
	if err != nil {
		return nil, err
	}
	results := make(map[string]*sovmap.ComponentResult, len(rep.Components))
	for i := range rep.Components {
		results[rep.Components[i].ID] = &rep.Components[i]
	}
	users := map[string]int{}
	for _, c := range inv.Components {
		for _, d := range c.DependsOn {
			users[d.ID]++
		}
	}
	st := &stack{inv: inv, rep: rep, Rows: make([]dependencyRow, 0, len(inv.Components))}
	for _, c := range inv.Components {
		row := dependencyRow{ID: c.ID, Name: c.Name, Layer: c.Layer, DependsOn: c.DependsOn, DependedOnBy: users[c.ID]}
		if row.DependsOn == nil {
			row.DependsOn = []sovmap.Dependency{}
		}
		if res := results[c.ID]; res != nil {
			row.EffectiveLevel, row.Gap = res.EffectiveLevel, res.Gap
		}
		st.Rows = append(st.Rows, row)
	}
	return st, nil
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
	}{versionPage: vp, pager: pg, Picture: template.HTML(svg.Dependencies(st.rep, st.inv, svg.DefaultGraphLimit)),
		Limit: svg.DefaultGraphLimit, Rows: st.Rows[max(0, pg.From-1):pg.To]}
	v.Data = data
	s.render(w, r, http.StatusOK, "stack", v)
}

func (s *Server) apiDependencies(w http.ResponseWriter, r *http.Request, q *req) {
	ver, err := s.versionOf(r.Context(), q.ws, r.PathValue("n"))
	if err != nil {
		s.apiError(w, statusOf(err), err)
		return
	}
	st, err := s.stack(r.Context(), ver)
	if err != nil {
		s.apiError(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"components": st.Rows})
}
