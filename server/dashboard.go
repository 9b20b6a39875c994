package server

import (
	"cmp"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/report/svg"
	"github.com/sovmap/sovmap/store"
	"github.com/sovmap/sovmap/transfer"
)

// The overview answers three questions at once: where does the
// organization stand (tiles with a status and their thresholds), what to
// fix first (the gaps and violations that matter most, each with what
// binds it and a remedy), and where in the world the estate is and who can
// reach it (the world map). The map page and the flows page go deeper.

// fixFirstLimit is how many items the Fix-first list shows.
const fixFirstLimit = 10

// fixItem is one entry of the Fix-first list: a component with a gap or a
// flow violation.
type fixItem struct {
	// Kind is "violation" or "gap".
	Kind string
	ID   string
	// Link is the page of the component (for a flow: its destination).
	Link template.URL
	Gap  int
	// Effective and Required are the component's levels (gaps only).
	Effective, Required sovmap.Level
	Criticality         sovmap.Criticality
	// Basis and Why are what the requirement (or the deciding reason of a
	// flow) rests on, Citation its article.
	Basis         sovmap.Basis
	Why, Citation string
	// Binding says what holds the level down: the binding factors, or the
	// dependency that limits it, or the rules a flow breaks.
	Binding string
	Remedy  string
}

// basisRank orders bases from the most binding: law, guidance, policy,
// default; anything else last.
func basisRank(b sovmap.Basis) int {
	if i := slices.Index(sovmap.Bases, b); i >= 0 {
		return i
	}
	return len(sovmap.Bases)
}

// criticalityRank orders criticality from vital down. An unset
// criticality is unknown, not low: it ranks after medium and before low, so
// that a missing fact does not bury a gap.
func criticalityRank(c sovmap.Criticality) int {
	switch c {
	case sovmap.CriticalityVital:
		return 0
	case sovmap.CriticalityHigh:
		return 1
	case sovmap.CriticalityMedium:
		return 2
	case sovmap.CriticalityLow:
		return 4
	}
	return 3
}

// deciding returns the requirement that sets a component's required
// level: among those at that level that count, the one on the most binding
// basis.
func deciding(c *sovmap.ComponentResult) *sovmap.Requirement {
	var best *sovmap.Requirement
	for i := range c.Reasons {
		r := &c.Reasons[i]
		if r.Level != c.RequiredLevel || !r.Counts() {
			continue
		}
		if best == nil || basisRank(r.Basis) < basisRank(best.Basis) {
			best = r
		}
	}
	return best
}

// componentRemedy is the one-line remedy of a component with a gap.
func componentRemedy(c *sovmap.ComponentResult) (binding, remedy string) {
	if c.LimitedBy != "" && c.EffectiveLevel < c.Level {
		return "dependency " + c.LimitedBy, fmt.Sprintf("raise %s, which limits it (its own level is %d)", c.LimitedBy, c.Level)
	}
	names := make([]string, len(c.Binding))
	for i, f := range c.Binding {
		names[i] = string(f)
	}
	for _, f := range c.Factors {
		if slices.Contains(c.Binding, f.Name) && f.Remedy != "" {
			return strings.Join(names, ", "), f.Remedy
		}
	}
	return strings.Join(names, ", "), "see the component's factors"
}

// flowRemedies are sovmap's one-line suggestions per rule a flow breaks.
var flowRemedies = map[string]string{
	transfer.CodeRestricted:          "stop the flow, or move its end out of the restricted jurisdiction",
	transfer.CodeNoLocation:          "record where the destination is (locations), so the flow can be judged",
	transfer.CodeClassifiedAbroad:    "keep classified data at home: move the destination home or stop the flow",
	transfer.CodeLocalisation:        "keep the data in the home jurisdiction, as the localisation law asks",
	transfer.CodeNoMechanism:         "put a transfer mechanism in place (such as standard contractual clauses) or send the data to an adequate country",
	transfer.CodeUnfoundedAdequacy:   "use a transfer mechanism: no adequacy decision covers the destination",
	transfer.CodeUnknownMechanism:    "name a transfer mechanism sovmap knows (docs/inventory.md)",
	transfer.CodeCompelledClassified: "move classified data to a destination no foreign law reaches",
	transfer.CodeRestrictedAccess:    "end the restricted jurisdiction's control or operations of the destination, or stop sending it this data",
	transfer.CodeRemoteAccess:        "name a transfer mechanism for the remote administration, or run the destination from an adequate country",
}

// fixFirst ranks everything to fix: flow violations (a rule broken now),
// most binding basis first; then gaps by size, criticality and basis.
func fixFirst(rep *sovmap.Report, specs map[string]*sovmap.Component, vq template.URL) []fixItem {
	link := func(id string) template.URL {
		return template.URL("component?" + string(vq) + "id=" + template.URLQueryEscaper(id))
	}
	var flows, gaps []fixItem
	for i := range rep.Flows {
		f := &rep.Flows[i]
		if f.Verdict != sovmap.Violation {
			continue
		}
		it := fixItem{Kind: "violation", ID: f.ID, Link: link(f.To), Basis: f.Basis, Citation: f.Citation, Binding: strings.Join(f.Codes, ", ")}
		if len(f.Reasons) > 0 {
			it.Why = f.Reasons[0]
		}
		if len(f.Codes) > 0 {
			it.Remedy = flowRemedies[f.Codes[0]]
		}
		if it.Remedy == "" {
			it.Remedy = "see the flow's reasons"
		}
		flows = append(flows, it)
	}
	for i := range rep.Components {
		c := &rep.Components[i]
		if c.Gap <= 0 {
			continue
		}
		it := fixItem{Kind: "gap", ID: c.ID, Link: link(c.ID), Gap: c.Gap, Effective: c.EffectiveLevel, Required: c.RequiredLevel}
		if s := specs[c.ID]; s != nil {
			it.Criticality = s.Criticality
		}
		if r := deciding(c); r != nil {
			it.Basis, it.Why, it.Citation = r.Basis, firstSentence(r.Reason), r.Citation
		}
		it.Binding, it.Remedy = componentRemedy(c)
		gaps = append(gaps, it)
	}
	slices.SortStableFunc(flows, func(a, b fixItem) int { return cmp.Compare(basisRank(a.Basis), basisRank(b.Basis)) })
	slices.SortStableFunc(gaps, func(a, b fixItem) int {
		return cmp.Or(cmp.Compare(b.Gap, a.Gap), cmp.Compare(criticalityRank(a.Criticality), criticalityRank(b.Criticality)),
			cmp.Compare(basisRank(a.Basis), basisRank(b.Basis)), strings.Compare(a.ID, b.ID))
	})
	return append(flows, gaps...)
}

// firstSentence keeps a long requirement reason to its first sentence: up
// to a full stop followed by a space and a capital letter, and not after a
// short abbreviation such as "art." or "no.".
func firstSentence(s string) string {
	for i := 0; i+2 < len(s); i++ {
		if s[i] != '.' || s[i+1] != ' ' || s[i+2] < 'A' || s[i+2] > 'Z' {
			continue
		}
		word := s[strings.LastIndexByte(s[:i], ' ')+1 : i]
		if len(word) > 3 {
			return s[:i+1]
		}
	}
	return s
}

// tile is one key figure of the overview with its status.
type tile struct {
	Label, Value string
	Link         template.URL
	// Status is ok, warn or bad; StatusText says it in words, Threshold
	// states the rule behind it.
	Status, StatusText, Threshold string
}

// statusWords gives each status a symbol and a word, so that it never
// rests on colour alone.
var statusWords = map[string]string{"ok": "✓ fine", "warn": "! attention", "bad": "✗ act"}

func newTile(label, value string, link template.URL, status, threshold string) tile {
	return tile{Label: label, Value: value, Link: link, Status: status, StatusText: statusWords[status], Threshold: threshold}
}

// tiles are the key figures of a version with their thresholds; legalGap
// says whether any gap rests on law or guidance.
func tiles(o overview, legalGap bool, vq template.URL) []tile {
	s := o.Summary
	gapStatus := "ok"
	switch {
	case legalGap:
		gapStatus = "bad"
	case s.Gaps > 0:
		gapStatus = "warn"
	}
	largest := "ok"
	switch {
	case s.MaxGap >= 2:
		largest = "bad"
	case s.MaxGap == 1:
		largest = "warn"
	}
	viol := "ok"
	if s.Violations > 0 {
		viol = "bad"
	}
	exposed := "ok"
	if s.Exposed > 0 {
		exposed = "warn"
	}
	hhi := "ok"
	switch {
	case s.HHIProvider > 1800:
		hhi = "bad"
	case s.HHIProvider >= 1000:
		hhi = "warn"
	}
	return []tile{
		newTile("Components", strconv.Itoa(s.Components), template.URL("components?"+string(vq)), "ok", "everything the inventory lists"),
		newTile("With a gap", strconv.Itoa(s.Gaps), template.URL("components?"+string(vq)+"min_gap=1"), gapStatus,
			"act when a gap rests on law or guidance; attention for any other gap"),
		newTile("Largest gap", fmt.Sprintf("%d level%s", s.MaxGap, map[bool]string{true: "", false: "s"}[s.MaxGap == 1]), template.URL("components?"+string(vq)+"min_gap=1&sort=gap&desc=1"), largest,
			"act at 2 levels or more, attention at 1"),
		newTile("Flow violations", fmt.Sprintf("%d of %d", s.Violations, s.Flows), template.URL("flows?"+string(vq)+"verdict=violation"), viol,
			"act on any violation"),
		newTile("Reached by foreign law", strconv.Itoa(s.Exposed), template.URL("map?"+string(vq)), exposed,
			"attention when any component is reached without mitigation by keys"),
		newTile("Provider concentration (HHI)", strconv.Itoa(s.HHIProvider)+" · "+svg.HHIBand(s.HHIProvider), template.URL("vendors?"+string(vq)), hhi,
			"above 1,800 highly concentrated (US DOJ/FTC Merger Guidelines 2023), 1,000 to 1,800 moderately; all components by ultimate controller"),
	}
}

// estate is what the overview and the map derive from a version: the
// head of the Fix-first ranking and the map. Versions never change once
// stored, so a process computes it once per version and keeps it in the
// version cache (cache.go).
type estate struct {
	// fix is the head of the ranking (fixFirstLimit items), fixTotal its
	// length and legalGap whether any gap in it rests on law or guidance.
	fix      []fixItem
	fixTotal int
	legalGap bool
	geo      svg.Geo
	svg      template.HTML
}

// estate returns a version's Fix-first ranking and map, computed once per
// version. Fix-first links carry the version query, so entries are keyed by
// it too.
func (s *Server) estate(ctx context.Context, ver store.Version, vq template.URL) (*estate, error) {
	s.coldStart(ctx, ver, estateKey(ver, vq))
	return cached(ctx, s.cache, estateKey(ver, vq), s.estateJob(s.sources(ver), vq))
}

func estateKey(ver store.Version, vq template.URL) cacheKey {
	return cacheKey{ver.ID, "estate", string(vq)}
}

// estateJob builds the estate from src.
func (s *Server) estateJob(src *sources, vq template.URL) func(ctx context.Context) (*estate, int64, error) {
	return func(ctx context.Context) (*estate, int64, error) {
		e, err := s.newEstate(ctx, src, vq)
		if err != nil {
			return nil, 0, err
		}
		// The map's structures take several times their JSON.
		return e, 4*jsonSize(e.geo) + int64(len(e.svg)) + jsonSize(e.fix), nil
	}
}

// newEstate loads a version's report, inventory and places and derives its
// Fix-first ranking and map.
func (s *Server) newEstate(ctx context.Context, src *sources, vq template.URL) (*estate, error) {
	// The inventory as stored, not decoded again from the uploaded files:
	// the map and the ranking need no file positions, and decoding 100,000
	// components again takes seconds.
	inv, err := src.storedInventory(ctx)
	if err != nil {
		return nil, err
	}
	rep, err := src.report(ctx)
	if err != nil {
		return nil, err
	}
	k, err := inventory.WithKnowledge(s.cfg.KB, inv)
	if err != nil {
		return nil, err
	}
	p, err := svg.KBPlaces(k, inv.Organization)
	if err != nil {
		return nil, err
	}
	e := &estate{geo: svg.BuildGeo(rep, inv, p)}
	fix := fixFirst(rep, specsOf(inv), vq)
	// A copy: the head of the ranking alone, not the array of every item.
	e.fix, e.fixTotal = slices.Clone(fix[:min(fixFirstLimit, len(fix))]), len(fix)
	e.legalGap = slices.ContainsFunc(fix, func(it fixItem) bool { return it.Kind == "gap" && it.Basis.Legal() })
	e.svg = template.HTML(svg.WorldMap(e.geo))
	return e, nil
}

// overviewCountries is how many countries the Overview's table lists; the
// Map page lists them all, with the flows between countries.
const overviewCountries = 8

// mapView is what the worldmap template shows: the picture, the countries
// of its table (MapMore left for the Map page) and the flows between them.
type mapView struct {
	Geo          svg.Geo
	Map          template.HTML
	MapCountries []svg.GeoCountry
	MapMore      int
	MapFlows     []svg.GeoFlow
}

// view shows at most limit countries and no flow table, or everything
// when limit is 0.
func (e *estate) view(limit int) mapView {
	v := mapView{Geo: e.geo, Map: e.svg, MapCountries: e.geo.Countries, MapFlows: e.geo.Flows}
	if limit > 0 && len(v.MapCountries) > limit {
		v.MapCountries, v.MapMore = v.MapCountries[:limit], len(v.MapCountries)-limit
	}
	if limit > 0 {
		v.MapFlows = nil
	}
	return v
}

func specsOf(inv *sovmap.Inventory) map[string]*sovmap.Component {
	out := make(map[string]*sovmap.Component, len(inv.Components))
	for i := range inv.Components {
		out[inv.Components[i].ID] = &inv.Components[i]
	}
	return out
}

func (s *Server) handleOverview(w http.ResponseWriter, r *http.Request, q *req) {
	v := s.newView(q, q.ws.Name, "overview")
	if n := r.URL.Query().Get("uploaded"); n != "" {
		v.Flash = "Version " + n + " was stored and assessed."
		if w, err := strconv.Atoi(r.URL.Query().Get("warnings")); err == nil && w > 0 {
			v.Flash += fmt.Sprintf(" The import gave %d warning(s), listed in %s under Downloads; the inventory was written without what it could not resolve. Facts no machine knows (data classes, criticality, key custody) are best added to the inventory file, downloadable from Downloads too.", w, importWarningsFile)
		}
	}
	ver, vp, ok := s.loadVersion(w, r, q, v)
	if !ok {
		return
	}
	o, err := decodeOverview(ver)
	if err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	all, err := s.store.ListVersions(r.Context(), q.ws.ID)
	if err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	var trend []trendPoint
	for i := len(all) - 1; i >= 0; i-- {
		vo, err := decodeOverview(all[i])
		if err != nil {
			s.pageError(w, r, q, http.StatusInternalServerError, err)
			return
		}
		trend = append(trend, trendPoint{Number: all[i].Number, At: all[i].CreatedAt, Summary: vo.Summary})
	}
	est, err := s.estate(r.Context(), ver, vp.VersionQuery)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	v.Data = struct {
		versionPage
		Overview overview
		Tiles    []tile
		FixFirst []fixItem
		FixTotal int
		mapView
		Spectrum   template.HTML
		GapChart   template.HTML
		Trend      []trendPoint
		TrendChart template.HTML
	}{vp, o, tiles(o, est.legalGap, vp.VersionQuery), est.fix, est.fixTotal, est.view(overviewCountries),
		template.HTML(svg.Spectrum(o.Layers)), gapChart(o.Summary.GapsByCategory), trend, trendChart(trend)}
	s.render(w, r, http.StatusOK, "overview", v)
}

func (s *Server) handleMap(w http.ResponseWriter, r *http.Request, q *req) {
	v := s.newView(q, "Map", "map")
	ver, vp, ok := s.loadVersion(w, r, q, v)
	if !ok {
		return
	}
	est, err := s.estate(r.Context(), ver, vp.VersionQuery)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	v.Data = struct {
		versionPage
		mapView
	}{vp, est.view(0)}
	s.render(w, r, http.StatusOK, "map", v)
}

// flowRow is one flow as the flows page shows it: its state, the deciding
// reason apart from the other findings.
type flowRow struct {
	sovmap.FlowResult
	State, StateClass string
	// ReachedBy are the jurisdictions whose laws reach the destination of
	// an allowed flow.
	ReachedBy []string
	Deciding  string
	Others    []string
}

// flowsPageSize is how many flows one page shows: a national estate has
// tens of thousands.
const flowsPageSize = 100

// flowTable is a version's flows as the flows page shows them, computed
// once per version: violations first, so that the violations alone are the
// first Counts["violation"] rows.
type flowTable struct {
	Rows   []flowRow
	Counts map[string]int
}

func (s *Server) flowTable(ctx context.Context, ver store.Version) (*flowTable, error) {
	s.coldStart(ctx, ver, flowsKey(ver))
	return cached(ctx, s.cache, flowsKey(ver), flowsJob(s.sources(ver)))
}

func flowsKey(ver store.Version) cacheKey { return cacheKey{ver.ID, "flows", ""} }

// flowsJob builds the flow table from src.
func flowsJob(src *sources) func(ctx context.Context) (*flowTable, int64, error) {
	return func(ctx context.Context) (*flowTable, int64, error) {
		rep, err := src.report(ctx)
		if err != nil {
			return nil, 0, err
		}
		rows, counts := flowRows(rep, false)
		// About three times its JSON in memory (heap after a collection).
		return &flowTable{rows, counts}, 3 * jsonSize(rows), nil
	}
}

func (s *Server) handleFlows(w http.ResponseWriter, r *http.Request, q *req) {
	v := s.newView(q, "Flows", "flows")
	ver, vp, ok := s.loadVersion(w, r, q, v)
	if !ok {
		return
	}
	offset, err := offsetParam(r)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	ft, err := s.flowTable(r.Context(), ver)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	only := r.URL.Query().Get("verdict") == string(sovmap.Violation)
	rows, base := ft.Rows, "flows?"+string(vp.VersionQuery)
	if only {
		rows, base = rows[:ft.Counts[svg.FlowViolation]], base+"verdict=violation&"
	}
	pg := newPager(len(rows), offset, flowsPageSize, base)
	v.Data = struct {
		versionPage
		pager
		Flows          []flowRow
		Total          int
		Counts         map[string]int
		OnlyViolations bool
	}{vp, pg, rows[max(0, pg.From-1):pg.To], len(ft.Rows), ft.Counts, only}
	s.render(w, r, http.StatusOK, "flows", v)
}

// flowRows orders flows violations first (most binding basis first), then
// allowed flows a foreign law can reach at the destination, then the rest,
// and counts each state.
func flowRows(rep *sovmap.Report, onlyViolations bool) ([]flowRow, map[string]int) {
	reached := svg.ReachedBy(rep)
	counts := map[string]int{}
	var rows []flowRow
	for _, f := range rep.Flows {
		state, js := svg.FlowState(&f, reached)
		counts[state]++
		if onlyViolations && state != svg.FlowViolation {
			continue
		}
		row := flowRow{FlowResult: f, State: state, ReachedBy: js}
		switch state {
		case svg.FlowViolation:
			row.StateClass = "bad"
		case svg.FlowReachable:
			row.StateClass = "warn"
		default:
			row.StateClass = "ok"
		}
		if len(f.Reasons) > 0 {
			row.Deciding, row.Others = f.Reasons[0], f.Reasons[1:]
		}
		rows = append(rows, row)
	}
	rank := map[string]int{svg.FlowViolation: 0, svg.FlowReachable: 1, svg.FlowAllowed: 2}
	slices.SortStableFunc(rows, func(a, b flowRow) int {
		return cmp.Or(cmp.Compare(rank[a.State], rank[b.State]), cmp.Compare(basisRank(a.Basis), basisRank(b.Basis)))
	})
	return rows, counts
}
