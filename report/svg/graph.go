package svg

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sovmap/sovmap"
)

// DefaultGraphLimit is how many components the dependency picture draws
// before it summarises: about what stays legible on a page.
const DefaultGraphLimit = 50

// node is a box in the dependency picture: a component, or the summary of
// the components of one layer that were not drawn.
type node struct {
	id        string
	layer     sovmap.Layer
	effective sovmap.Level
	gap       int
	hidden    int // for a summary box: how many components it stands for
	tooltip   string
	x, y      float64
	order     float64
}

type edge struct {
	from, to string
	supply   bool
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
	if limit <= 0 {
		limit = DefaultGraphLimit
	}
	results := map[string]*sovmap.ComponentResult{}
	for i := range r.Components {
		results[r.Components[i].ID] = &r.Components[i]
	}
	var edges []edge
	indeg := map[string]int{}
	if inv != nil {
		for _, c := range inv.Components {
			if results[c.ID] == nil {
				continue
			}
			for _, dep := range c.DependsOn {
				if results[dep.ID] == nil {
					continue
				}
				edges = append(edges, edge{from: c.ID, to: dep.ID, supply: dep.Kind == sovmap.Supply})
				indeg[dep.ID]++
			}
		}
	}

	// Choose what to draw.
	ids := make([]string, 0, len(r.Components))
	for _, c := range r.Components {
		ids = append(ids, c.ID)
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
	for i, id := range ids {
		if i < limit {
			shown[id] = true
		}
	}
	hiddenTotal := len(ids) - len(shown)

	// Nodes per band, with a summary box per layer for what is not drawn.
	bands := map[sovmap.Layer][]*node{}
	nodeOf := map[string]*node{}
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
		s.hidden++
		s.effective = min(s.effective, clampLevel(c.EffectiveLevel))
		s.gap = max(s.gap, c.Gap)
		nodeOf[c.ID] = s
	}
	for _, s := range summary {
		s.tooltip = fmt.Sprintf("%d more %s components not drawn; lowest effective level %d (%s)", s.hidden, s.layer, s.effective, s.effective)
	}
	// Edges between drawn boxes, deduplicated once folded.
	seen := map[string]bool{}
	var drawn []edge
	for _, e := range edges {
		from, to := nodeOf[e.from], nodeOf[e.to]
		if from == nil || to == nil || from == to {
			continue
		}
		key := from.id + "\x00" + to.id
		if seen[key] {
			continue
		}
		seen[key] = true
		drawn = append(drawn, edge{from: from.id, to: to.id, supply: e.supply})
	}

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
	order = append(order, unknown...)

	const (
		labelW = 100
		boxW   = 118
		boxH   = 30
		gapX   = 14
		bandH  = 74
		top    = 16
	)
	widest := 1
	for _, l := range order {
		widest = max(widest, len(bands[l]))
	}
	// Wide enough for the legend even when the stack is one box wide.
	width := max(labelW+widest*(boxW+gapX)+gapX, labelW+600)
	height := top + len(order)*bandH + 40
	if hiddenTotal > 0 {
		height += 18
	}

	// Initial positions: by id within each band, then two barycentre sweeps
	// to pull connected boxes together and cut crossings.
	byID := map[string]*node{}
	for bi, l := range order {
		ns := bands[l]
		sort.SliceStable(ns, func(i, j int) bool { return lessNode(ns[i], ns[j]) })
		for i, n := range ns {
			n.order = float64(i)
			n.y = float64(top + bi*bandH)
			byID[n.id] = n
		}
	}
	neighbours := map[string][]string{}
	for _, e := range drawn {
		neighbours[e.from] = append(neighbours[e.from], e.to)
		neighbours[e.to] = append(neighbours[e.to], e.from)
	}
	for sweep := 0; sweep < 2; sweep++ {
		for _, l := range order {
			ns := bands[l]
			bary := map[string]float64{}
			for _, n := range ns {
				sum, cnt := 0.0, 0
				for _, m := range neighbours[n.id] {
					if o := byID[m]; o != nil && o.layer != n.layer {
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
	}
	for _, l := range order {
		ns := bands[l]
		// Centre each band under the widest one.
		offset := float64(widest-len(ns))*float64(boxW+gapX)/2 + float64(width-labelW-widest*(boxW+gapX)-gapX)/2
		for i, n := range ns {
			n.x = float64(labelW+gapX) + offset + float64(i*(boxW+gapX))
		}
	}

	var desc strings.Builder
	fmt.Fprintf(&desc, "%d components in %d layers and %d dependencies. ", len(r.Components), len(order), len(edges))
	gapsShown := 0
	for _, c := range r.Components {
		if c.Gap > 0 {
			gapsShown++
		}
	}
	fmt.Fprintf(&desc, "Each box is coloured by the component's effective level, whose number it shows; %d components have a gap (drawn with a thick red border). ", gapsShown)
	if hiddenTotal > 0 {
		fmt.Fprintf(&desc, "%d components are folded into per-layer summary boxes; the tables list them all.", hiddenTotal)
	}
	var d doc
	d.open("stack", width, height, "The stack and its dependencies", strings.TrimSpace(desc.String()))
	d.printf(`<defs><marker id="stack-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5b6470"/></marker></defs>` + "\n")
	for bi, l := range order {
		y := top + bi*bandH
		fill := "#f4f6f8"
		if bi%2 == 1 {
			fill = "#ffffff"
		}
		d.printf(`<rect x="0" y="%d" width="%d" height="%d" fill="%s"/>`+"\n", y-10, width, bandH, fill)
		d.printf(`<text x="8" y="%d" dominant-baseline="middle" fill="#3d4651" font-weight="600">%s</text>`+"\n", y+boxH/2, esc(string(l)))
	}
	d.printf(`<g fill="none" stroke="#5b6470" stroke-width="1.2">` + "\n")
	for _, e := range drawn {
		a, b := byID[e.from], byID[e.to]
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
		d.printf(`<path d="M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f"%s marker-end="url(#stack-arrow)"><title>%s depends on %s%s</title></path>`+"\n",
			x1, y1, c1x, c1y, c2x, c2y, x2, y2, dash, esc(nameOf(a)), esc(nameOf(b)), supplyNote(e.supply))
	}
	d.printf("</g>\n")
	for _, l := range order {
		for _, n := range bands[l] {
			stroke, sw := "#1a1a1a", "1"
			if n.gap > 0 {
				stroke, sw = "#b42318", "3"
			}
			label := truncate(n.id, 14)
			if n.hidden > 0 {
				label = fmt.Sprintf("+%d more", n.hidden)
			}
			d.printf(`<g><title>%s</title><rect x="%.1f" y="%.1f" width="%d" height="%d" rx="4" fill="%s" stroke="%s" stroke-width="%s"/>`,
				esc(n.tooltip), n.x, n.y, boxW, boxH, LevelColors[n.effective], stroke, sw)
			d.printf(`<text x="%.1f" y="%.1f" text-anchor="middle" dominant-baseline="middle" fill="%s">%s <tspan font-weight="700">%d</tspan></text></g>`+"\n",
				n.x+boxW/2, n.y+boxH/2, LevelText[n.effective], esc(label), n.effective)
		}
	}
	ly := top + len(order)*bandH + 6
	legend(&d, labelW, ly)
	if hiddenTotal > 0 {
		d.printf(`<text x="%d" y="%d" fill="#1a1a1a">%d of %d components drawn; the others are folded into "+N more" boxes.</text>`+"\n",
			labelW, ly+30, len(shown), len(ids))
	}
	return d.close()
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
