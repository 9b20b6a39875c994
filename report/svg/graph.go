package svg

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/plural"
)

// DefaultGraphLimit is how many components the dependency picture draws
// before it summarises: about what stays legible on a page.
const DefaultGraphLimit = 50

// Past GroupThreshold components even the fifty most important boxes sit in
// a thicket of arrows to and from the "+N more" boxes, so the picture draws
// groups instead: per layer, the components of each of its largest
// providers (groupsPerLayer of them, the rest together), and only the
// groupEdges heaviest links between groups.
const (
	GroupThreshold = 1000
	groupsPerLayer = 6
	groupEdges     = 40
)

// node is a box in the dependency picture: a component, or the summary of
// the components of one layer that were not drawn.
type node struct {
	id        string
	layer     sovmap.Layer
	effective sovmap.Level
	gap       int
	hidden    int // for a summary box: how many components it stands for
	// group names a box of grouped mode: the provider (or "own") whose
	// components of the layer it stands for, or "N other providers".
	group string
	// others counts the providers of a box that stands for the rest.
	others  int
	tooltip string
	x, y    float64
	order   float64
}

// absorb counts a component into a summary box: the box shows the lowest
// effective level and the largest gap of what it stands for.
func (n *node) absorb(c *sovmap.ComponentResult) {
	n.hidden++
	n.effective = min(n.effective, clampLevel(c.EffectiveLevel))
	n.gap = max(n.gap, c.Gap)
}

type edge struct {
	from, to string
	supply   bool
	count    int // dependencies the edge stands for, between boxes
}

// Sizes of the dependency picture, in pixels.
const (
	labelW = 100 // the layer names on the left
	boxW   = 118
	boxH   = 30
	gapX   = 14 // between boxes
	bandH  = 74 // one layer
	top    = 16
)

// stack is the dependency picture being laid out: the boxes of each band
// and the arrows between them.
type stack struct {
	bands map[sovmap.Layer][]*node
	order []sovmap.Layer // the bands from top to bottom
	byID  map[string]*node
	drawn []edge // between boxes, after folding
	// components and dependencies counts everything of the report;
	// shown the components drawn in their own box.
	components, dependencies, shown int
	// grouped is set past GroupThreshold; links counts the links between
	// boxes before only the heaviest were kept.
	grouped       bool
	links         int
	widest        int // boxes in the widest band
	width, height int
}

// Dependencies draws the stack: one band per layer (operations at the top,
// energy at the bottom), each component a box coloured by its effective
// level, with a thick red border when it has a gap, and an arrow to each
// component it depends on (dashed for supply dependencies).
//
// Past limit components it keeps the most important ones (largest gap, then
// lowest effective level, then most depended upon) and folds the others of
// each layer into one "+N more" box, so the picture stays legible; the
// report's tables list everything. inv supplies the edges; without it only
// the boxes are drawn.
func Dependencies(r *sovmap.Report, inv *sovmap.Inventory, limit int) string {
	var specs map[string]*sovmap.Component
	if inv != nil {
		specs = make(map[string]*sovmap.Component, len(inv.Components))
		for i := range inv.Components {
			specs[inv.Components[i].ID] = &inv.Components[i]
		}
	}
	p := NewPicture(limit)
	for i := range r.Components {
		p.Add(&r.Components[i], specs[r.Components[i].ID])
	}
	if p.NeedsEdges() {
		for i := range r.Components {
			p.AddEdges(&r.Components[i], specs[r.Components[i].ID])
		}
	}
	return p.Draw()
}

// Picture gathers the dependency picture of a report a component at a
// time, for a report too large to hold: Add every component, then, when
// NeedsEdges says so, AddEdges every component again in the same order,
// then Draw. It draws what Dependencies draws of the same components.
//
// Up to GroupThreshold components it keeps what their boxes show (id,
// layer, provider, levels, gap, exposure) and their dependencies; past it
// it keeps per box and pair of boxes a count and, when the components come
// with their inventory entries (which draw the arrows), per component its
// id and its box (a layer and provider pair).
type Picture struct {
	limit int
	n     int // components added
	gaps  int
	// few are the components while there are no more than GroupThreshold,
	// with their dependencies (fewSpecs: id and depends_on only).
	few      []sovmap.ComponentResult
	fewSpecs []sovmap.Component
	// groups are the layer and provider pairs in the order they were met,
	// with what the boxes of grouped mode show of each.
	groups   []group
	groupIdx map[groupKey]int
	// groupOf maps a component's id to its index in groups, for AddEdges
	// to find the box of each end of a dependency. Only a picture with
	// inventory entries draws arrows, so Add keeps the ids from the first
	// component that came with one (the firstSpec-th, from 1; 0 while none
	// has); AddEdges keeps those of the components before it as it meets
	// them again, before any component that could depend on them.
	groupOf   map[string]int32
	firstSpec int
	edgesAt   int // components passed to AddEdges
	// edges are the links between the boxes of grouped mode, in the order
	// first met; deps counts the dependencies between components.
	drawn   []edge
	edgeIdx map[[2]string]int
	deps    int
	boxes   map[groupKey]*node
	bands   map[sovmap.Layer][]*node
	specs   bool // whether any component came with its inventory entry
}

type groupKey struct {
	layer    sovmap.Layer
	provider string
}

// group is what the boxes of grouped mode show of the components of one
// layer and provider.
type group struct {
	groupKey
	count     int
	effective sovmap.Level // lowest
	gap       int          // largest
}

// NewPicture starts a picture that draws limit boxes before it summarises
// (0 means DefaultGraphLimit).
func NewPicture(limit int) *Picture {
	if limit <= 0 {
		limit = DefaultGraphLimit
	}
	return &Picture{limit: limit, groupOf: map[string]int32{}, groupIdx: map[groupKey]int{}}
}

// Add counts a component in; spec is its inventory entry, nil when not
// known (then it has no arrows). Neither is kept.
func (p *Picture) Add(c *sovmap.ComponentResult, spec *sovmap.Component) {
	p.n++
	if c.Gap > 0 {
		p.gaps++
	}
	k := groupKey{c.Layer, providerOf(c)}
	i, ok := p.groupIdx[k]
	if !ok {
		i = len(p.groups)
		p.groupIdx[k] = i
		p.groups = append(p.groups, group{groupKey: k, effective: clampLevel(c.EffectiveLevel)})
	}
	g := &p.groups[i]
	g.count++
	g.effective = min(g.effective, clampLevel(c.EffectiveLevel))
	g.gap = max(g.gap, c.Gap)
	if spec != nil && !p.specs {
		p.specs, p.firstSpec = true, p.n
	}
	if p.specs {
		p.groupOf[strings.Clone(c.ID)] = int32(i)
	}
	if p.n > GroupThreshold {
		p.few, p.fewSpecs = nil, nil
		return
	}
	p.few = append(p.few, sovmap.ComponentResult{ID: c.ID, Layer: c.Layer, Provider: c.Provider,
		Level: c.Level, EffectiveLevel: c.EffectiveLevel, RequiredLevel: c.RequiredLevel, Gap: c.Gap,
		LimitedBy: c.LimitedBy, Exposure: slices.Clone(c.Exposure)})
	s := sovmap.Component{ID: c.ID}
	if spec != nil {
		s.DependsOn = slices.Clone(spec.DependsOn)
	}
	p.fewSpecs = append(p.fewSpecs, s)
}

// NeedsEdges reports whether the picture needs AddEdges: past
// GroupThreshold components, with their inventory entries.
func (p *Picture) NeedsEdges() bool { return p.n > GroupThreshold && p.specs }

// AddEdges counts a component's dependencies in, in grouped mode.
func (p *Picture) AddEdges(c *sovmap.ComponentResult, spec *sovmap.Component) {
	if p.edgesAt++; p.edgesAt < p.firstSpec {
		p.groupOf[strings.Clone(c.ID)] = int32(p.groupIdx[groupKey{c.Layer, providerOf(c)}])
	}
	if spec == nil {
		return
	}
	if p.boxes == nil {
		p.foldByProvider()
	}
	from := p.box(c.ID)
	for _, dep := range spec.DependsOn {
		if _, ok := p.groupOf[dep.ID]; !ok {
			continue
		}
		p.deps++
		to := p.box(dep.ID)
		if from == to {
			continue
		}
		key := [2]string{from.id, to.id}
		if i, ok := p.edgeIdx[key]; ok {
			p.drawn[i].count++
			continue
		}
		p.edgeIdx[key] = len(p.drawn)
		p.drawn = append(p.drawn, edge{from: from.id, to: to.id, supply: dep.Kind == sovmap.Supply, count: 1})
	}
}

// Draw draws the picture of what was added.
func (p *Picture) Draw() string {
	st := &stack{components: p.n}
	if st.grouped = p.n > GroupThreshold; st.grouped {
		if p.boxes == nil {
			p.foldByProvider()
		}
		st.bands, st.dependencies = p.bands, p.deps
		st.links = len(p.drawn)
		st.drawn = heaviest(slices.Clone(p.drawn), groupEdges)
	} else {
		r := &sovmap.Report{Components: p.few}
		inv := &sovmap.Inventory{Components: p.fewSpecs}
		if !p.specs {
			inv = nil
		}
		edges, indeg := dependencyEdges(r, inv)
		shown := mostImportant(r, indeg, p.limit)
		var nodeOf map[string]*node
		st.bands, nodeOf = fold(r, shown)
		st.drawn = foldEdges(edges, nodeOf)
		st.shown = len(shown)
		st.dependencies = len(edges)
	}
	return st.draw(p.gaps)
}

// draw lays out and draws the stack; gaps counts the components with a gap.
func (st *stack) draw(gaps int) string {
	st.order = layerOrder(st.bands)
	st.place()

	var d doc
	d.open("stack", st.width, st.height, "The stack and its dependencies", st.description(gaps))
	units := "" // arrowheads scale with the line, which is thin but in grouped mode
	if st.grouped {
		units = ` markerUnits="userSpaceOnUse"`
	}
	d.printf(`<defs><marker id="stack-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"%s orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5b6470"/></marker></defs>`+"\n", units)
	st.drawBands(&d)
	st.drawArrows(&d)
	st.drawBoxes(&d)
	ly := top + len(st.order)*bandH + 6
	legend(&d, labelW, ly)
	d.printf(`<rect x="%d" y="%d" width="22" height="12" rx="2" fill="#ffffff" stroke="#1a1a1a" stroke-width="2" stroke-dasharray="4 2"/><text x="%d" y="%d" dominant-baseline="middle" fill="#1a1a1a">%s has a gap: its effective level is below the required one</text>`+"\n",
		labelW, ly+20, labelW+28, ly+26, GapMark)
	switch hidden := st.components - st.shown; {
	case st.grouped:
		d.printf(`<text x="%d" y="%d" fill="#1a1a1a">%s folded by layer and provider; the %d heaviest of %s between boxes drawn, thicker for more dependencies.</text>`+"\n",
			labelW, ly+48, plural.Count(st.components, "component"), len(st.drawn), plural.Count(st.links, "link"))
	case hidden > 0:
		d.printf(`<text x="%d" y="%d" fill="#1a1a1a">%d of %s drawn; the others are folded into "+N more" boxes.</text>`+"\n",
			labelW, ly+48, st.shown, plural.Count(st.components, "component"))
	}
	return d.close()
}

// foldByProvider makes the boxes of grouped mode: per layer, one box per
// provider for the groupsPerLayer-1 providers with the most components
// there (all of them when there are no more than groupsPerLayer), and one
// for the rest. A box shows the lowest effective level of its components
// and a red border when any has a gap.
func (p *Picture) foldByProvider() {
	byLayer := map[sovmap.Layer][]*group{}
	for i := range p.groups {
		g := &p.groups[i]
		byLayer[g.layer] = append(byLayer[g.layer], g)
	}
	own := map[groupKey]bool{} // the groups with a box of their own
	for _, gs := range byLayer {
		gs = slices.Clone(gs)
		sort.Slice(gs, func(i, j int) bool {
			if gs[i].count != gs[j].count {
				return gs[i].count > gs[j].count
			}
			return gs[i].provider < gs[j].provider
		})
		n := len(gs)
		if n > groupsPerLayer {
			n = groupsPerLayer - 1
		}
		for _, g := range gs[:n] {
			own[g.groupKey] = true
		}
	}
	p.bands = map[sovmap.Layer][]*node{}
	p.boxes = map[groupKey]*node{}
	p.edgeIdx = map[[2]string]int{}
	others := map[sovmap.Layer]int{}
	// The groups in the order met, as the components that made them were.
	for i := range p.groups {
		g := &p.groups[i]
		k := g.groupKey
		if !own[k] {
			others[k.layer]++
			k.provider = "\x00others"
		}
		b := p.boxes[k]
		if b == nil {
			b = &node{id: "group:" + string(k.layer) + ":" + k.provider, layer: k.layer, effective: g.effective, group: k.provider}
			p.boxes[k] = b
			p.bands[k.layer] = append(p.bands[k.layer], b)
		}
		b.hidden += g.count
		b.effective = min(b.effective, g.effective)
		b.gap = max(b.gap, g.gap)
	}
	for k, b := range p.boxes {
		if k.provider == "\x00others" {
			b.others = others[k.layer]
			b.group = plural.Count(b.others, "other provider")
		}
		b.tooltip = fmt.Sprintf("%s; lowest effective level %d (%s); largest gap %d", nameOf(b), b.effective, b.effective, b.gap)
	}
}

// box is the box of grouped mode a component falls in.
func (p *Picture) box(id string) *node {
	k := p.groups[p.groupOf[id]].groupKey
	if b := p.boxes[k]; b != nil {
		return b
	}
	return p.boxes[groupKey{k.layer, "\x00others"}]
}

// providerOf is the group a component falls in: its provider, or "own"
// for what the organization runs itself.
func providerOf(c *sovmap.ComponentResult) string {
	if c.Provider == "" {
		return "own"
	}
	return c.Provider
}

// heaviest keeps the n edges that stand for the most dependencies.
func heaviest(edges []edge, n int) []edge {
	sort.SliceStable(edges, func(i, j int) bool { return edges[i].count > edges[j].count })
	return edges[:min(n, len(edges))]
}

// dependencyEdges lists the dependencies between components of the report,
// and how many components depend on each.
func dependencyEdges(r *sovmap.Report, inv *sovmap.Inventory) (edges []edge, indeg map[string]int) {
	indeg = map[string]int{}
	if inv == nil {
		return nil, indeg
	}
	assessed := make(map[string]bool, len(r.Components))
	for i := range r.Components {
		assessed[r.Components[i].ID] = true
	}
	for _, c := range inv.Components {
		if !assessed[c.ID] {
			continue
		}
		for _, dep := range c.DependsOn {
			if !assessed[dep.ID] {
				continue
			}
			edges = append(edges, edge{from: c.ID, to: dep.ID, supply: dep.Kind == sovmap.Supply})
			indeg[dep.ID]++
		}
	}
	return edges, indeg
}

// mostImportant returns the components drawn in a box of their own: the
// limit first by largest gap, then lowest effective level, then most
// depended upon, then id.
func mostImportant(r *sovmap.Report, indeg map[string]int, limit int) map[string]bool {
	results := make(map[string]*sovmap.ComponentResult, len(r.Components))
	ids := make([]string, len(r.Components))
	for i := range r.Components {
		results[r.Components[i].ID] = &r.Components[i]
		ids[i] = r.Components[i].ID
	}
	sort.SliceStable(ids, func(i, j int) bool {
		a, b := results[ids[i]], results[ids[j]]
		if a.Gap != b.Gap {
			return a.Gap > b.Gap
		}
		if a.EffectiveLevel != b.EffectiveLevel {
			return a.EffectiveLevel < b.EffectiveLevel
		}
		if indeg[a.ID] != indeg[b.ID] {
			return indeg[a.ID] > indeg[b.ID]
		}
		return a.ID < b.ID
	})
	shown := map[string]bool{}
	for _, id := range ids[:min(limit, len(ids))] {
		shown[id] = true
	}
	return shown
}

// fold makes the boxes of each band: one per component shown, and one
// summary box per layer for the components that are not. nodeOf maps every
// component to its box.
func fold(r *sovmap.Report, shown map[string]bool) (bands map[sovmap.Layer][]*node, nodeOf map[string]*node) {
	bands = map[sovmap.Layer][]*node{}
	nodeOf = map[string]*node{}
	summary := map[sovmap.Layer]*node{}
	for _, c := range r.Components {
		if shown[c.ID] {
			n := &node{id: c.ID, layer: c.Layer, effective: clampLevel(c.EffectiveLevel), gap: c.Gap, tooltip: tooltip(&c)}
			bands[c.Layer] = append(bands[c.Layer], n)
			nodeOf[c.ID] = n
			continue
		}
		s := summary[c.Layer]
		if s == nil {
			s = &node{id: "more:" + string(c.Layer), layer: c.Layer, effective: clampLevel(c.EffectiveLevel)}
			summary[c.Layer] = s
			bands[c.Layer] = append(bands[c.Layer], s)
		}
		s.absorb(&c)
		nodeOf[c.ID] = s
	}
	for _, s := range summary {
		s.tooltip = fmt.Sprintf("%d more %s components not drawn; lowest effective level %d (%s)", s.hidden, s.layer, s.effective, s.effective)
	}
	return bands, nodeOf
}

// foldEdges maps the dependencies onto the boxes, once each, leaving out
// those within one box.
func foldEdges(edges []edge, nodeOf map[string]*node) []edge {
	seen := map[string]int{}
	var drawn []edge
	for _, e := range edges {
		from, to := nodeOf[e.from], nodeOf[e.to]
		if from == nil || to == nil || from == to {
			continue
		}
		key := from.id + "\x00" + to.id
		if i, ok := seen[key]; ok {
			drawn[i].count++
			continue
		}
		seen[key] = len(drawn)
		drawn = append(drawn, edge{from: from.id, to: to.id, supply: e.supply, count: 1})
	}
	return drawn
}

// layerOrder returns the layers that have boxes from the top of the stack
// down, then layers unknown to sovmap by name.
func layerOrder(bands map[sovmap.Layer][]*node) []sovmap.Layer {
	var order []sovmap.Layer
	for i := len(sovmap.Layers) - 1; i >= 0; i-- {
		if len(bands[sovmap.Layers[i]]) > 0 {
			order = append(order, sovmap.Layers[i])
		}
	}
	var unknown []sovmap.Layer
	for l := range bands {
		if !l.Valid() {
			unknown = append(unknown, l)
		}
	}
	sort.Slice(unknown, func(i, j int) bool { return unknown[i] < unknown[j] })
	return append(order, unknown...)
}

// place sizes the picture and positions every box: by id within each band,
// then two barycentre sweeps to pull connected boxes together and cut
// crossings, then each band centred under the widest one.
func (st *stack) place() {
	st.widest = 1
	for _, l := range st.order {
		st.widest = max(st.widest, len(st.bands[l]))
	}
	// Wide enough for the legend even when the stack is one box wide.
	st.width = max(labelW+st.widest*(boxW+gapX)+gapX, labelW+600)
	st.height = top + len(st.order)*bandH + 58
	if st.components > st.shown {
		st.height += 18
	}
	st.byID = map[string]*node{}
	for bi, l := range st.order {
		ns := st.bands[l]
		sort.SliceStable(ns, func(i, j int) bool { return lessNode(ns[i], ns[j]) })
		for i, n := range ns {
			n.order = float64(i)
			n.y = float64(top + bi*bandH)
			st.byID[n.id] = n
		}
	}
	neighbours := map[string][]string{}
	for _, e := range st.drawn {
		neighbours[e.from] = append(neighbours[e.from], e.to)
		neighbours[e.to] = append(neighbours[e.to], e.from)
	}
	for range 2 {
		for _, l := range st.order {
			st.sweep(st.bands[l], neighbours)
		}
	}
	for _, l := range st.order {
		ns := st.bands[l]
		offset := float64(st.widest-len(ns))*float64(boxW+gapX)/2 + float64(st.width-labelW-st.widest*(boxW+gapX)-gapX)/2
		for i, n := range ns {
			n.x = float64(labelW+gapX) + offset + float64(i*(boxW+gapX))
		}
	}
}

// sweep reorders the boxes of one band by the mean order of their
// neighbours in other bands (their own order when they have none).
func (st *stack) sweep(ns []*node, neighbours map[string][]string) {
	bary := map[string]float64{}
	for _, n := range ns {
		sum, cnt := 0.0, 0
		for _, m := range neighbours[n.id] {
			if o := st.byID[m]; o != nil && o.layer != n.layer {
				sum += o.order
				cnt++
			}
		}
		if cnt > 0 {
			bary[n.id] = sum / float64(cnt)
		} else {
			bary[n.id] = n.order
		}
	}
	sort.SliceStable(ns, func(i, j int) bool {
		if bary[ns[i].id] != bary[ns[j].id] {
			return bary[ns[i].id] < bary[ns[j].id]
		}
		return lessNode(ns[i], ns[j])
	})
	for i, n := range ns {
		n.order = float64(i)
	}
}

// description is the picture's text alternative.
func (st *stack) description(gaps int) string {
	var desc strings.Builder
	fmt.Fprintf(&desc, "%s in %s and %s. ", plural.Count(st.components, "component"), plural.Count(len(st.order), "layer"), plural.Count(st.dependencies, "dependency", "dependencies"))
	fmt.Fprintf(&desc, "Each box is coloured by the component's effective level, whose number it shows; %s %s a gap (drawn with a thick red border). ", plural.Count(gaps, "component"), plural.Pick(gaps, "has", "have"))
	switch hidden := st.components - st.shown; {
	case st.grouped:
		fmt.Fprintf(&desc, "The components are folded into one box per layer and provider (the largest %d providers of each layer, the others together), each coloured by the lowest effective level in it; the %d heaviest of %s between boxes are drawn; the tables list every component.",
			groupsPerLayer-1, len(st.drawn), plural.Count(st.links, "link"))
	case hidden > 0:
		fmt.Fprintf(&desc, "%s %s folded into per-layer summary boxes; the tables list them all.", plural.Count(hidden, "component"), plural.Pick(hidden, "is", "are"))
	}
	return strings.TrimSpace(desc.String())
}

// drawBands draws the background and name of each layer's band.
func (st *stack) drawBands(d *doc) {
	for bi, l := range st.order {
		y := top + bi*bandH
		fill := "#f4f6f8"
		if bi%2 == 1 {
			fill = "#ffffff"
		}
		d.printf(`<rect x="0" y="%d" width="%d" height="%d" fill="%s"/>`+"\n", y-10, st.width, bandH, fill)
		d.printf(`<text x="8" y="%d" dominant-baseline="middle" fill="#3d4651" font-weight="600">%s</text>`+"\n", y+boxH/2, esc(string(l)))
	}
}

// drawArrows draws an arrow from each box to each box it depends on.
func (st *stack) drawArrows(d *doc) {
	d.printf(`<g fill="none" stroke="#5b6470" stroke-width="1.2">` + "\n")
	for _, e := range st.drawn {
		a, b := st.byID[e.from], st.byID[e.to]
		x1, y1 := a.x+boxW/2, a.y+boxH
		x2, y2 := b.x+boxW/2, b.y
		if b.y < a.y { // the dependency sits higher in the stack
			y1, y2 = a.y, b.y+boxH
		} else if b.y == a.y { // same layer: arc above the band
			y1, y2 = a.y, b.y
		}
		dash := ""
		if e.supply {
			dash = ` stroke-dasharray="5 3"`
		}
		midY := (y1 + y2) / 2
		if a.y == b.y {
			midY = a.y - 22
		}
		// An edge that skips bands bows sideways, so that it does not run
		// through the boxes of the bands in between.
		c1x, c2x := x1, x2
		c1y, c2y := midY, midY
		if span := abs(b.y-a.y) / bandH; span > 1.5 {
			bow := float64(boxW)/2 + 8 + 6*span
			c1x, c2x = x1+bow, x2+bow
			c1y, c2y = y1+(y2-y1)/4, y2-(y2-y1)/4
		}
		width, many := "", ""
		if st.grouped {
			width = fmt.Sprintf(` stroke-width="%.1f"`, 1+math.Log2(float64(e.count)))
			many = fmt.Sprintf(" (%s)", plural.Count(e.count, "dependency", "dependencies"))
		}
		d.printf(`<path d="M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f"%s%s marker-end="url(#stack-arrow)"><title>%s depends on %s%s%s</title></path>`+"\n",
			x1, y1, c1x, c1y, c2x, c2y, x2, y2, dash, width, esc(nameOf(a)), esc(nameOf(b)), supplyNote(e.supply), many)
	}
	d.printf("</g>\n")
}

// drawBoxes draws the boxes, each with its label and effective level.
func (st *stack) drawBoxes(d *doc) {
	for _, l := range st.order {
		for _, n := range st.bands[l] {
			// A gap shows as a thick dashed outline and a mark before the
			// label, never by colour alone.
			stroke, sw, mark := "#1a1a1a", `1"`, ""
			if n.gap > 0 {
				stroke, sw, mark = "#1a1a1a", `3" stroke-dasharray="6 3"`, GapMark+" "
			}
			label := truncate(n.id, 14)
			switch {
			case n.others > 0:
				label = fmt.Sprintf("%d others ×%d", n.others, n.hidden)
			case n.group != "":
				label = truncate(n.group, 9) + fmt.Sprintf(" ×%d", n.hidden)
			case n.hidden > 0:
				label = fmt.Sprintf("+%d more", n.hidden)
			}
			label = mark + label
			d.printf(`<g><title>%s</title><rect x="%.1f" y="%.1f" width="%d" height="%d" rx="4" fill="%s" stroke="%s" stroke-width="%s/>`,
				esc(n.tooltip), n.x, n.y, boxW, boxH, LevelColors[n.effective], stroke, sw)
			d.printf(`<text x="%.1f" y="%.1f" text-anchor="middle" dominant-baseline="middle" fill="%s">%s <tspan font-weight="700">%d</tspan></text></g>`+"\n",
				n.x+boxW/2, n.y+boxH/2, LevelText[n.effective], esc(label), n.effective)
		}
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func lessNode(a, b *node) bool {
	if (a.hidden > 0) != (b.hidden > 0) {
		return b.hidden > 0 // summary boxes last
	}
	return a.id < b.id
}

func nameOf(n *node) string {
	if n.group != "" {
		return fmt.Sprintf("%d %s %s of %s", n.hidden, n.layer, plural.Pick(n.hidden, "component", "components"), n.group)
	}
	if n.hidden > 0 {
		return fmt.Sprintf("%d more %s components", n.hidden, n.layer)
	}
	return n.id
}

func supplyNote(supply bool) string {
	if supply {
		return " (supply)"
	}
	return ""
}

func tooltip(c *sovmap.ComponentResult) string {
	s := fmt.Sprintf("%s (%s): own level %d, effective %d (%s), required %d, gap %d",
		c.ID, c.Layer, c.Level, c.EffectiveLevel, c.EffectiveLevel, c.RequiredLevel, c.Gap)
	if c.Provider != "" {
		s += "; provider " + c.Provider
	}
	if c.LimitedBy != "" {
		s += "; limited by " + c.LimitedBy
	}
	if len(c.Exposure) > 0 {
		s += "; reached by " + strings.Join(c.Exposure, ", ")
	}
	return s
}
