package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/risk"
	"github.com/sovmap/sovmap/store"
)

// The vendor detail and the vendor comparison: one vendor of the register
// with its trust profile and figures, and two to four vendors side by side
// on the trust dimensions, computed by risk.CompareTrust as `sovmap
// vendors compare` computes them.

// Comparisons take two to four vendors: one is no comparison, and more
// than four columns do not fit a page.
const (
	minCompared = 2
	maxCompared = 4
	// maxSuggested is the most component ids the comparison's
	// component field offers as suggestions.
	maxSuggested = 2000
)

// vendorPages registers the vendor detail and comparison pages.
func (s *Server) vendorPages(mux *http.ServeMux) {
	mux.HandleFunc("GET /w/{ws}/vendors/{provider}", s.page(store.RoleViewer, s.handleVendor))
	mux.HandleFunc("GET /w/{ws}/vendor-comparison", s.page(store.RoleViewer, s.handleVendorComparison))
}

// vendorDetail is the vendor page's model.
type vendorDetail struct {
	versionPage
	Vendor risk.Vendor
	// Parent is true when the vendor is an ultimate controller with no
	// component of its own under its id: its components are those of the
	// providers it controls.
	Parent bool
	// Group is the vendor as an ultimate parent when it is also a
	// provider and controls other providers too; nil otherwise.
	Group *risk.Vendor
	// ControllerPage is true when the vendor's controller has a page of
	// its own (a parent of the register other than the vendor).
	ControllerPage bool
	// Slices count the vendor's components per provider and layer, each
	// linking to the components list filtered the same way.
	Slices []componentSlice
	// WithGap counts the vendor's components with a gap.
	WithGap int
	// Rows are the trust profile's four dimensions and political
	// commitment, the weakest marked.
	Rows []trustRow
	// Questionnaires are those sent to the vendor from this workspace,
	// newest first, scored on the latest version once submitted.
	Questionnaires []scoredQuestionnaire
}

// trustRow is one dimension of the vendor page's trust table.
type trustRow struct {
	Dimension risk.TrustDimension
	Weakest   bool
}

// componentSlice is the count of a vendor's components of one provider in
// one layer (Layer empty: every layer).
type componentSlice struct {
	Provider string
	Layer    sovmap.Layer
	Count    int
	Gaps     int
}

// findVendor returns the register's vendor id: the provider when a
// component names it, else the ultimate parent.
func findVendor(reg *risk.Register, id string) (v risk.Vendor, parent bool, ok bool) {
	for _, v := range reg.Providers {
		if v.ID == id {
			return v, false, true
		}
	}
	for _, v := range reg.Parents {
		if v.ID == id {
			return v, true, true
		}
	}
	return risk.Vendor{}, false, false
}

// registerPage starts a page of the Vendors tab: its view, the version it
// shows, that version's register and its component list (the register's
// report carries no components: at a million they would not fit the
// cache). It answers the request itself (and returns false) when there is
// nothing to show.
func (s *Server) registerPage(w http.ResponseWriter, r *http.Request, q *req, title string) (*view, store.Version, versionPage, *risk.Register, *componentIndex, bool) {
	v := s.newView(q, title, "vendors")
	ver, vp, ok := s.loadVersion(w, r, q, v)
	if !ok {
		return nil, ver, vp, nil, nil, false
	}
	reg, _, err := s.register(r.Context(), ver)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return nil, ver, vp, nil, nil, false
	}
	ix, err := s.componentIndex(r.Context(), ver)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return nil, ver, vp, nil, nil, false
	}
	return v, ver, vp, reg, ix, true
}

func (s *Server) handleVendor(w http.ResponseWriter, r *http.Request, q *req) {
	id := r.PathValue("provider")
	v, ver, vp, reg, ix, ok := s.registerPage(w, r, q, "Vendor "+id)
	if !ok {
		return
	}
	vendor, parent, ok := findVendor(reg, id)
	if !ok {
		s.pageError(w, r, q, 0, fmt.Errorf("version %d has no vendor %q: %w", ver.Number, id, store.ErrNotFound))
		return
	}
	d := vendorDetail{versionPage: vp, Vendor: vendor, Parent: parent}
	if !parent {
		for _, g := range reg.Parents {
			if g.ID == id && len(g.Providers) > 1 {
				d.Group = &g
			}
			if g.ID == vendor.Controller && g.ID != id {
				d.ControllerPage = true
			}
		}
	}
	providers := []string{id}
	if parent {
		providers = vendor.Providers
	}
	d.Slices, d.WithGap = slicesOf(ix.rows, providers)
	if t := vendor.Trust; t != nil {
		for _, dim := range append(slices.Clone(t.Dimensions), t.Political) {
			d.Rows = append(d.Rows, trustRow{Dimension: dim, Weakest: dim.ID == t.Weakest})
		}
	}
	var err error
	if d.Questionnaires, err = s.questionnairesAbout(r.Context(), q.ws, providers); err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	s.render(w, r, http.StatusOK, "vendor", v.with(d))
}

// with sets the view's data and returns the view.
func (v *view) with(data any) *view {
	v.Data = data
	return v
}

// slicesOf counts the components of each provider, in total and per layer,
// and those with a gap.
func slicesOf(rows []store.ComponentRecord, providers []string) ([]componentSlice, int) {
	var out []componentSlice
	gaps := 0
	for _, p := range providers {
		total := componentSlice{Provider: p}
		byLayer := map[sovmap.Layer]*componentSlice{}
		for i := range rows {
			c := &rows[i]
			if c.Provider != p {
				continue
			}
			l, ok := byLayer[sovmap.Layer(c.Layer)]
			if !ok {
				l = &componentSlice{Provider: p, Layer: sovmap.Layer(c.Layer)}
				byLayer[sovmap.Layer(c.Layer)] = l
			}
			for _, sl := range []*componentSlice{&total, l} {
				sl.Count++
				if c.Gap > 0 {
					sl.Gaps++
				}
			}
		}
		gaps += total.Gaps
		out = append(out, total)
		for _, layer := range sovmap.Layers {
			if l, ok := byLayer[layer]; ok {
				out = append(out, *l)
			}
		}
	}
	return out, gaps
}

// vendorComparison is the comparison page's model.
type vendorComparison struct {
	versionPage
	// Choices are the providers of the register, riskiest first, and
	// Chosen those ticked.
	Choices []risk.Vendor
	Chosen  []string
	// Components are the version's component ids, for the optional
	// component; Component is the one chosen and Candidates its candidate
	// vendors (its provider, its alternatives' providers, its provider's
	// declared alternatives); Absent are the candidates the register does
	// not know (no component uses them), which have no trust profile.
	Components []string
	Component  string
	Candidates []string
	Absent     []string
	Min, Max   int
	Result     *risk.TrustComparison
}

func (s *Server) handleVendorComparison(w http.ResponseWriter, r *http.Request, q *req) {
	v, ver, vp, reg, ix, ok := s.registerPage(w, r, q, "Compare vendors")
	if !ok {
		return
	}
	vals := r.URL.Query()
	d := vendorComparison{versionPage: vp, Choices: reg.Providers, Chosen: vals["vendor"], Component: vals.Get("component"), Min: minCompared, Max: maxCompared}
	// The component field suggests every id up to a few thousand; past
	// that a list would outweigh the page, and the id is typed.
	if len(ix.rows) <= maxSuggested {
		for _, c := range ix.rows {
			d.Components = append(d.Components, c.ID)
		}
		slices.Sort(d.Components)
	}
	if d.Component != "" {
		// As stored at upload: no file positions are needed, and decoding
		// the uploaded files again would cost seconds at each request.
		inv, err := s.storedInventory(r.Context(), ver)
		if err != nil {
			s.pageError(w, r, q, 0, err)
			return
		}
		cands, ok := candidates(inv, d.Component)
		if !ok {
			s.pageError(w, r, q, 0, &badInput{fmt.Errorf("component=%q: version %d has no such component", d.Component, ver.Number)})
			return
		}
		for _, c := range cands {
			if _, _, known := findVendor(reg, c); known {
				d.Candidates = append(d.Candidates, c)
			} else {
				d.Absent = append(d.Absent, c)
			}
		}
		if len(d.Chosen) == 0 {
			d.Chosen = d.Candidates
		}
	}
	// Compare what is ticked, or a component's candidates. One vendor is
	// where a comparison starts (the vendor page links here with it
	// ticked): the form asks for another.
	if n := len(d.Chosen); n > maxCompared {
		s.pageError(w, r, q, 0, &badInput{fmt.Errorf("tick from %d to %d vendors to compare, not %d", minCompared, maxCompared, n)})
		return
	}
	for _, id := range d.Chosen {
		if _, _, ok := findVendor(reg, id); !ok {
			s.pageError(w, r, q, 0, &badInput{fmt.Errorf("vendor=%q: version %d has no such vendor", id, ver.Number)})
			return
		}
	}
	if len(d.Chosen) >= minCompared {
		var err error
		if d.Result, err = risk.CompareTrust(reg, d.Chosen); err != nil {
			s.pageError(w, r, q, 0, &badInput{err})
			return
		}
	}
	s.render(w, r, http.StatusOK, "vendorcompare", v.with(d))
}

// candidates lists the vendors that could serve component id: its
// provider, the providers of its declared alternatives, and the
// alternatives declared for its provider, without repeats.
func candidates(inv *sovmap.Inventory, id string) ([]string, bool) {
	byID := map[string]*sovmap.Component{}
	for i := range inv.Components {
		byID[inv.Components[i].ID] = &inv.Components[i]
	}
	c, ok := byID[id]
	if !ok {
		return nil, false
	}
	var out []string
	add := func(p string) {
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	add(c.Provider)
	for _, alt := range c.Alternatives {
		if a, ok := byID[alt]; ok {
			add(a.Provider)
		}
	}
	for _, p := range inv.Providers {
		if p.ID == c.Provider {
			for _, alt := range p.Alternatives {
				add(alt)
			}
		}
	}
	return out, true
}

// questionnairesAbout lists the workspace's questionnaires about any of
// providers, described as the questionnaires page describes them: a
// submitted one is scored on the latest version, whose inventory is
// decoded only when there is one to score.
func (s *Server) questionnairesAbout(ctx context.Context, ws store.Workspace, providers []string) ([]scoredQuestionnaire, error) {
	list, err := s.store.ListQuestionnaires(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	list = slices.DeleteFunc(list, func(q store.Questionnaire) bool { return !slices.Contains(providers, q.Provider) })
	var (
		ver store.Version
		inv *sovmap.Inventory
		out []scoredQuestionnaire
	)
	now := time.Now()
	for _, one := range list {
		if !one.SavedAt.IsZero() {
			if one, err = s.store.QuestionnaireByID(ctx, ws.ID, one.ID); err != nil {
				return nil, err
			}
		}
		if !one.SubmittedAt.IsZero() && inv == nil {
			if ver, inv, err = s.latestInventory(ctx, ws); err != nil {
				return nil, err
			}
		}
		out = append(out, s.describe(ctx, one, inv, ver, now))
	}
	return out, nil
}
