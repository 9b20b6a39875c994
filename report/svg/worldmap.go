package svg

import (
	_ "embed"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/plural"
)

// worldmapData holds country outlines made by tools/worldmap from Natural
// Earth (public domain): one line per country, "CC<TAB>name<TAB>x,y<TAB>path",
// in an equirectangular projection 1000 units wide; x,y is where a label
// goes. worldmap.README.md says where it comes from.
//
//go:embed worldmap.txt
var worldmapData string

// Map projection constants, as tools/worldmap/gen.mjs writes them.
const (
	mapW, mapH         = 1000, 394
	mapNorth, mapSouth = 84.0, -58.0
)

// outline is one country of the base map.
type outline struct {
	code, name, path string
	lx, ly           float64
	box              [4]float64 // min x, min y, max x, max y
}

// baseMap parses the embedded outlines once; they never change.
var baseMap = sync.OnceValue(func() []outline {
	var out []outline
	for line := range strings.Lines(worldmapData) {
		line = strings.TrimRight(line, "\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			panic("worldmap.txt: bad line " + line) // embedded data, checked by a test
		}
		o := outline{code: f[0], name: f[1], path: f[3]}
		x, y, _ := strings.Cut(f[2], ",")
		o.lx, _ = strconv.ParseFloat(x, 64)
		o.ly, _ = strconv.ParseFloat(y, 64)
		o.box = pathBox(o.path)
		out = append(out, o)
	}
	return out
})

// pathBox returns the bounding box of a path of M (absolute) and l
// (relative) commands, which is all the generator writes.
func pathBox(d string) [4]float64 {
	box := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	var x, y float64
	i := 0
	for i < len(d) {
		c := d[i]
		i++
		if c == 'z' {
			continue
		}
		j := i
		for j < len(d) && d[j] != 'M' && d[j] != 'l' && d[j] != 'z' {
			j++
		}
		var a, b float64
		fmt.Sscanf(d[i:j], "%g %g", &a, &b)
		if c == 'M' {
			x, y = a, b
		} else {
			x, y = x+a, y+b
		}
		box[0], box[1], box[2], box[3] = min(box[0], x), min(box[1], y), max(box[2], x), max(box[3], y)
		i = j
	}
	return box
}

// Places resolves what an inventory writes to countries and tiers.
type Places interface {
	// Country returns the country of a location (an ISO code or a
	// provider:region id), or "" when it is not known.
	Country(location string) string
	// Tier names a country's tier from the home: home, trusted, neutral,
	// restricted or unknown.
	Tier(country string) string
}

// Flow states, as the map and the flows page show them.
const (
	FlowViolation = "violation"
	// FlowReachable is an allowed flow into a component that a foreign
	// compelled-access law reaches without mitigation.
	FlowReachable = "allowed, reachable by foreign law"
	FlowAllowed   = "allowed"
)

// ReachedBy lists, per component id, the foreign jurisdictions whose
// compelled-access laws reach it unmitigated (customer-held keys mitigate).
func ReachedBy(r *sovmap.Report) map[string][]string {
	out := map[string][]string{}
	for i := range r.Components {
		if js := reachedOf(&r.Components[i]); len(js) > 0 {
			out[r.Components[i].ID] = js
		}
	}
	return out
}

// reachedOf is what ReachedBy lists of one component.
func reachedOf(c *sovmap.ComponentResult) []string {
	var js []string
	if len(c.ExposureDetails) > 0 {
		for _, e := range c.ExposureDetails {
			if !e.Mitigated && !slices.Contains(js, e.Jurisdiction) {
				js = append(js, e.Jurisdiction)
			}
		}
	} else {
		js = slices.Clone(c.Exposure)
	}
	return js
}

// FlowState says which of the three states a flow is in, and for a
// reachable one which jurisdictions reach its destination.
func FlowState(f *sovmap.FlowResult, reached map[string][]string) (string, []string) {
	if f.Verdict == sovmap.Violation {
		return FlowViolation, nil
	}
	if js := reached[f.To]; len(js) > 0 {
		return FlowReachable, js
	}
	return FlowAllowed, nil
}

// Geo is what the world map shows: the countries of the estate and the
// flows between them.
type Geo struct {
	Home      string
	Countries []GeoCountry
	Flows     []GeoFlow
	// Unresolved counts locations no country could be found for.
	Unresolved int
}

// GeoCountry is one country on the map.
type GeoCountry struct {
	Code, Name, Tier string
	// Located and Operated count the components located in the country and
	// run from it; Components those that are either, each once.
	Located, Operated, Components int
	// ForeignLaws are the foreign laws that reach components located in or
	// run from the country, each as "law (jurisdiction)".
	ForeignLaws []string
	// Reaches counts the components the country's own compelled-access laws
	// reach (without mitigation), and OwnLaws names those laws.
	Reaches int
	OwnLaws []string
}

// GeoFlow is the flows from one country to another in one state.
type GeoFlow struct {
	From, To, State string
	Count           int
}

// BuildGeo gathers the map of an assessed inventory.
func BuildGeo(r *sovmap.Report, inv *sovmap.Inventory, p Places) Geo {
	specs := map[string]*sovmap.Component{}
	if inv != nil {
		for i := range inv.Components {
			specs[inv.Components[i].ID] = &inv.Components[i]
		}
	}
	gb := NewGeoBuilder(r, p)
	for i := range r.Components {
		gb.Add(&r.Components[i], specs[r.Components[i].ID])
	}
	return gb.Geo()
}

// GeoBuilder gathers the map of an assessed inventory a component at a
// time, for a report too large to hold: it keeps the countries and, of the
// components, only whether foreign law reaches the destinations of flows.
type GeoBuilder struct {
	g       Geo
	p       Places
	idx     map[string]int
	flows   []sovmap.FlowResult
	reached map[string][]string // of the flows' destinations
}

// NewGeoBuilder starts the map of a report; its components are not read
// (Add them), its home and flows are.
func NewGeoBuilder(r *sovmap.Report, p Places) *GeoBuilder {
	gb := &GeoBuilder{g: Geo{Home: r.Home}, p: p, idx: map[string]int{}, flows: r.Flows, reached: map[string][]string{}}
	for _, f := range r.Flows {
		gb.reached[f.To] = nil
	}
	return gb
}

func (gb *GeoBuilder) country(code string) *GeoCountry {
	i, ok := gb.idx[code]
	if !ok {
		i = len(gb.g.Countries)
		gb.idx[code] = i
		gb.g.Countries = append(gb.g.Countries, GeoCountry{Code: code, Name: countryName(code), Tier: gb.p.Tier(code)})
	}
	return &gb.g.Countries[i]
}

// Add counts a component in; s is its inventory entry, nil when not known
// (then it has no place). Neither is kept.
func (gb *GeoBuilder) Add(c *sovmap.ComponentResult, s *sovmap.Component) {
	addLaw := func(list *[]string, law string) {
		if !slices.Contains(*list, law) {
			*list = append(*list, law)
		}
	}
	if _, ok := gb.reached[c.ID]; ok {
		gb.reached[c.ID] = reachedOf(c)
	}
	var here []string
	if s != nil {
		for _, l := range s.Locations {
			cc := gb.p.Country(l)
			if cc == "" {
				gb.g.Unresolved++
				continue
			}
			if !slices.Contains(here, cc) {
				here = append(here, cc)
				gb.country(cc).Located++
			}
		}
		var ops []string
		for _, o := range s.OperatedFrom {
			if cc := gb.p.Country(o); cc != "" && !slices.Contains(ops, cc) {
				ops = append(ops, cc)
				gb.country(cc).Operated++
				if !slices.Contains(here, cc) {
					here = append(here, cc)
				}
			}
		}
	}
	for _, cc := range here {
		gb.country(cc).Components++
	}
	var seen []string
	for _, e := range c.ExposureDetails {
		if e.Mitigated {
			continue
		}
		law := e.Law + " (" + e.Jurisdiction + ")"
		for _, cc := range here {
			if cc != e.Jurisdiction { // a country's own law is not foreign there
				addLaw(&gb.country(cc).ForeignLaws, law)
			}
		}
		j := gb.country(e.Jurisdiction)
		addLaw(&j.OwnLaws, e.Law)
		if !slices.Contains(seen, e.Jurisdiction) {
			seen = append(seen, e.Jurisdiction)
			j.Reaches++
		}
	}
}

// Geo returns the map of the components added.
func (gb *GeoBuilder) Geo() Geo {
	g := gb.g
	g.Countries = slices.Clone(g.Countries)
	idx := maps.Clone(gb.idx)
	country := func(code string) {
		if _, ok := idx[code]; !ok {
			idx[code] = len(g.Countries)
			g.Countries = append(g.Countries, GeoCountry{Code: code, Name: countryName(code), Tier: gb.p.Tier(code)})
		}
	}
	fidx := map[[3]string]int{}
	for i := range gb.flows {
		f := &gb.flows[i]
		state, _ := FlowState(f, gb.reached)
		for _, a := range f.FromJurisdictions {
			for _, b := range f.ToJurisdictions {
				country(a)
				country(b)
				k := [3]string{a, b, state}
				j, ok := fidx[k]
				if !ok {
					j = len(g.Flows)
					fidx[k] = j
					g.Flows = append(g.Flows, GeoFlow{From: a, To: b, State: state})
				}
				g.Flows[j].Count++
			}
		}
	}
	slices.SortFunc(g.Countries, func(a, b GeoCountry) int {
		if d := b.Components - a.Components; d != 0 {
			return d
		}
		return strings.Compare(a.Code, b.Code)
	})
	for i := range g.Countries {
		slices.Sort(g.Countries[i].ForeignLaws)
		slices.Sort(g.Countries[i].OwnLaws)
	}
	slices.SortFunc(g.Flows, func(a, b GeoFlow) int {
		if d := stateRank(a.State) - stateRank(b.State); d != 0 {
			return d
		}
		return strings.Compare(a.From+a.To, b.From+b.To)
	})
	return g
}

func stateRank(s string) int {
	switch s {
	case FlowViolation:
		return 0
	case FlowReachable:
		return 1
	}
	return 2
}

// countryName is the base map's name of a country, or the code itself.
func countryName(code string) string {
	for _, o := range baseMap() {
		if o.code == code {
			return o.name
		}
	}
	return code
}

// TierLabel is how the map names a tier: neutral countries are "other".
func TierLabel(t string) string {
	if t == "neutral" {
		return "other"
	}
	return t
}

// flowStyle is how an arc of each state is drawn: colour and dash, so that
// the state does not rest on colour alone.
var flowStyle = map[string][2]string{
	FlowViolation: {"#a50026", ""},
	FlowReachable: {"#e66101", "7 4"},
	FlowAllowed:   {"#404040", "1.5 3"},
}

// WorldMap draws the estate on a world map: countries coloured by tier and
// annotated with how many components sit there, flows as arcs by state.
// The view is cropped to the countries involved.
func WorldMap(g Geo) string {
	byCode := map[string]*GeoCountry{}
	for i := range g.Countries {
		byCode[g.Countries[i].Code] = &g.Countries[i]
	}
	outlines := baseMap()
	pos := map[string][2]float64{}
	box := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, o := range outlines {
		if byCode[o.code] == nil || o.code == "" {
			continue
		}
		pos[o.code] = [2]float64{o.lx, o.ly}
		// Frame the label points rather than whole outlines, so that the
		// far corners of large countries (Alaska, Siberia) do not widen the
		// view past what the estate needs.
		const r = 25
		box = [4]float64{min(box[0], o.lx-r), min(box[1], o.ly-r), max(box[2], o.lx+r), max(box[3], o.ly+r)}
	}
	vx, vy, vw, vh := cropView(box)
	k := vw / mapW // scale of marks relative to the whole world
	legendH := 34 * k
	var desc strings.Builder
	fmt.Fprintf(&desc, "Countries of the estate, home %s. ", g.Home)
	for _, c := range g.Countries {
		fmt.Fprintf(&desc, "%s, %s: %d located, %d operated from. ", c.Name, TierLabel(c.Tier), c.Located, c.Operated)
	}
	if len(g.Countries) == 0 {
		desc.WriteString("No component has a known location.")
	}
	var d doc
	d.printf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="%.1f %.1f %.1f %.1f" width="1000" height="%.0f" role="img" aria-labelledby="worldmap-title worldmap-desc" %s font-size="%.1f">`,
		vx, vy, vw, vh+legendH, 1000*(vh+legendH)/vw, font, 12*k)
	d.printf("\n<title id=\"worldmap-title\">Where the estate is, and who can reach it</title>\n<desc id=\"worldmap-desc\">%s</desc>\n", esc(strings.TrimSpace(desc.String())))
	d.printf(`<defs><pattern id="worldmap-hatch" patternUnits="userSpaceOnUse" width="%.2f" height="%.2f" patternTransform="rotate(45)"><rect width="%.2f" height="%.2f" fill="%s"/><line x1="0" y1="0" x2="0" y2="%.2f" stroke="#ffffff" stroke-width="%.2f"/></pattern>`,
		4*k, 4*k, 4*k, 4*k, TierColors["restricted"], 4*k, 1.5*k)
	// In a fixed order: the same report must give the same bytes.
	for _, state := range []string{FlowViolation, FlowReachable, FlowAllowed} {
		st := flowStyle[state]
		d.printf(`<marker id="worldmap-arrow-%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`, stateID(state), st[0])
	}
	d.printf(`<clipPath id="worldmap-clip"><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"/></clipPath>`, vx, vy, vw, vh)
	d.printf("</defs>\n")
	d.printf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#f3f7fb"/>`+"\n", vx, vy, vw, vh)
	d.printf(`<g stroke="#ffffff" stroke-width="0.6" clip-path="url(#worldmap-clip)">` + "\n")
	for _, o := range outlines {
		c := byCode[o.code]
		if c == nil || o.code == "" {
			d.printf(`<path d="%s" fill="#d9dde2" vector-effect="non-scaling-stroke"/>`+"\n", o.path)
			continue
		}
		fill := TierColors[c.Tier]
		if fill == "" {
			fill = TierColors["unknown"]
		}
		if c.Tier == "restricted" {
			fill = "url(#worldmap-hatch)"
		}
		d.printf(`<path d="%s" fill="%s" stroke="#1a1a1a" vector-effect="non-scaling-stroke"><title>%s</title></path>`+"\n", o.path, fill, esc(countryTitle(c)))
	}
	d.printf("</g>\n")
	for _, f := range g.Flows {
		a, okA := pos[f.From]
		b, okB := pos[f.To]
		if !okA || !okB || f.From == f.To {
			continue
		}
		st := flowStyle[f.State]
		mx, my := (a[0]+b[0])/2, (a[1]+b[1])/2
		dx, dy := b[0]-a[0], b[1]-a[1]
		// Bow each arc to its left, so that flows both ways stay apart.
		cx, cy := mx-dy*0.25, my+dx*0.25
		dash := dashAttr(st[1], k)
		d.printf(`<path d="M%.1f,%.1f Q%.1f,%.1f %.1f,%.1f" fill="none" stroke="%s" stroke-width="%.2f"%s marker-end="url(#worldmap-arrow-%s)"><title>%s from %s to %s: %s</title></path>`+"\n",
			a[0], a[1], cx, cy, b[0], b[1], st[0], 2.2*k, dash, stateID(f.State), plural.Count(f.Count, "flow"), f.From, f.To, esc(f.State))
	}
	for _, c := range g.Countries {
		p, ok := pos[c.Code]
		n := c.Components
		if !ok || n == 0 {
			continue
		}
		r := (6 + 2*math.Log10(float64(n))) * k
		d.printf(`<g aria-hidden="true"><circle cx="%.1f" cy="%.1f" r="%.2f" fill="#ffffff" stroke="#1a1a1a" stroke-width="%.2f"/><text x="%.1f" y="%.1f" text-anchor="middle" dominant-baseline="central" font-size="%.1f" font-weight="700" fill="#1a1a1a">%d</text></g>`+"\n",
			p[0], p[1], r, 0.8*k, p[0], p[1], 8*k, n)
	}
	mapLegend(&d, vx, vy+vh, k)
	return d.close()
}

// mapLegend draws the tiers and the flow states under the map.
func mapLegend(d *doc, x, y, k float64) {
	x += 6 * k
	y += 12 * k
	for _, t := range []string{"home", "trusted", "neutral", "restricted"} {
		fill := TierColors[t]
		if t == "restricted" {
			fill = "url(#worldmap-hatch)"
		}
		d.printf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="#1a1a1a" stroke-width="%.2f"/><text x="%.1f" y="%.1f" dominant-baseline="central" fill="#1a1a1a">%s</text>`+"\n",
			x, y-5*k, 10*k, 10*k, fill, 0.5*k, x+14*k, y, TierLabel(t))
		x += (24 + 7*float64(len(TierLabel(t)))) * k
	}
	x += 10 * k
	for _, s := range []string{FlowViolation, FlowReachable, FlowAllowed} {
		st := flowStyle[s]
		dash := dashAttr(st[1], k)
		d.printf(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%.2f"%s/><text x="%.1f" y="%.1f" dominant-baseline="central" fill="#1a1a1a">%s</text>`+"\n",
			x, y, x+22*k, y, st[0], 2.2*k, dash, x+26*k, y, esc(s))
		x += (36 + 6.2*float64(len(s))) * k
	}
}

// cropView fits the view around box, padded, at least a fifth of the
// world wide, about twice as wide as high and inside the world.
func cropView(box [4]float64) (x, y, w, h float64) {
	if math.IsInf(box[0], 0) {
		return 0, 0, mapW, mapH
	}
	pad := 20.0
	w, h = box[2]-box[0]+2*pad, box[3]-box[1]+2*pad
	w = max(w, mapW/5, h*2)
	h = max(h, w/2.2)
	cx, cy := (box[0]+box[2])/2, (box[1]+box[3])/2
	w, h = min(w, mapW), min(h, mapH)
	x = min(max(cx-w/2, 0), mapW-w)
	y = min(max(cy-h/2, 0), mapH-h)
	return x, y, w, h
}

// dashAttr is the stroke-dasharray attribute of a dash pattern scaled by
// k, or nothing for a solid line.
func dashAttr(s string, k float64) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf(` stroke-dasharray="%s"`, scaleDash(s, k))
}

func scaleDash(s string, k float64) string {
	var out []string
	for _, f := range strings.Fields(s) {
		v, _ := strconv.ParseFloat(f, 64)
		out = append(out, strconv.FormatFloat(v*k, 'f', 2, 64))
	}
	return strings.Join(out, " ")
}

func stateID(s string) string {
	switch s {
	case FlowViolation:
		return "violation"
	case FlowReachable:
		return "reachable"
	}
	return "allowed"
}

// countryTitle is a country's hover text: tier, counts and the laws.
func countryTitle(c *GeoCountry) string {
	s := fmt.Sprintf("%s (%s), %s: %d located, %d operated from", c.Name, c.Code, TierLabel(c.Tier), c.Located, c.Operated)
	if len(c.ForeignLaws) > 0 {
		s += "; reached by " + strings.Join(c.ForeignLaws, "; ")
	}
	if c.Reaches > 0 {
		s += fmt.Sprintf("; its laws (%s) reach %s", strings.Join(c.OwnLaws, "; "), plural.Count(c.Reaches, "component"))
	}
	return s
}
