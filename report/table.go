package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/plural"
)

// TableWidth is the terminal width WriteTable fits: the classic 80 columns
// and then some, as most terminals open wider today.
const TableWidth = 100

// Caps on the width of cells whose content has no natural bound (ids,
// names): a longer value is cut with "…"; WriteWideTable shows it whole.
const (
	maxIDCell   = 24
	maxNameCell = 28
)

// WriteTable writes the report as aligned text that fits a terminal of
// TableWidth columns: one line per component with its levels, then, for
// each component that has a gap or a legal condition to act on, why (its
// requirement, what binds it), wrapped; each flow's deciding reason on the
// line below the flow. WriteWideTable writes every column on one line.
func WriteTable(w io.Writer, r *sovmap.Report, _ *sovmap.Inventory) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	writeHanging(bw, "", fmt.Sprintf("sovmap assessment of %s (home %s)", orDash(r.Organization), r.Home), 0)
	fmt.Fprintln(bw)

	comps := grid{head: []string{"COMPONENT", "LAYER", "OWN", "EFFECTIVE", "REQUIRED", "GAP", "SOURCING", "EXPOSURE"},
		max: []int{maxIDCell, 0, 0, maxNameCell, 0, 0, 0, maxNameCell}}
	var why []string // "id\tdetail" of the components that need one
	for i := range r.Components {
		c := &r.Components[i]
		eff := fmt.Sprint(int(c.EffectiveLevel))
		if c.LimitedBy != "" {
			eff += " via " + c.LimitedBy
		}
		comps.add("", c.ID, string(c.Layer), fmt.Sprint(int(c.Level)), eff, fmt.Sprint(int(c.RequiredLevel)),
			fmt.Sprint(c.Gap), string(c.Sourcing), listOr(c.Exposure, "-"))
		if d := componentWhy(c); d != "" {
			why = append(why, c.ID+"\t"+d)
		}
	}
	comps.write(bw)
	writeHanging(bw, "levels:", levelLegend(), 8)
	if len(why) > 0 {
		fmt.Fprintln(bw, "\nWHY (components with a gap or a law's condition to act on)")
		indent := 0
		for _, line := range why {
			id, _, _ := strings.Cut(line, "\t")
			indent = max(indent, min(utf8.RuneCountInString(id), maxIDCell))
		}
		for _, line := range why {
			id, detail, _ := strings.Cut(line, "\t")
			writeHanging(bw, cut(id, maxIDCell), detail, indent+2)
		}
	}

	if len(r.Flows) > 0 {
		fmt.Fprintln(bw, "\nFLOWS (each with the reason that decides its verdict)")
		flows := grid{head: []string{"FLOW", "FROM", "TO", "MECHANISM", "VERDICT", "BASIS"},
			max: []int{maxIDCell, maxIDCell, maxIDCell, 0, 0, 0}}
		for i := range r.Flows {
			f := &r.Flows[i]
			flows.add(listOr(f.Data, "no data classes")+": "+decidingReason(f), flowLabel(f), f.From, f.To, orDash(string(f.Mechanism)), string(f.Verdict), orDash(string(f.Basis)))
		}
		flows.write(bw)
	}

	fmt.Fprintln(bw, "\nLAYERS (components at each level)")
	layers := grid{head: []string{"LAYER", "COMPONENTS", "0", "1", "2", "3", "4", "GAPS", "LOWEST"}}
	for _, l := range r.Layers {
		layers.add("", string(l.Layer), fmt.Sprint(l.Components), fmt.Sprint(l.ByLevel[0]), fmt.Sprint(l.ByLevel[1]),
			fmt.Sprint(l.ByLevel[2]), fmt.Sprint(l.ByLevel[3]), fmt.Sprint(l.ByLevel[4]), fmt.Sprint(l.Gaps), levelCell(l.Lowest))
	}
	layers.write(bw)

	if len(r.Providers) > 0 {
		fmt.Fprintln(bw, "\nPROVIDERS")
		provs := grid{head: []string{"PROVIDER", "CONTROLLER", "TIER", "COMPONENTS", "SHARE", "CRITICAL", "EXPOSURE"},
			max: []int{maxIDCell, maxNameCell, 0, 0, 0, 0, maxNameCell}}
		for _, p := range r.Providers {
			provs.add("", p.ID, fmt.Sprintf("%s (%s)", p.Controller, orDash(p.ControllerCountry)), string(p.Tier), fmt.Sprint(p.Components),
				fmt.Sprintf("%.0f%%", p.Share*100), fmt.Sprintf("%.0f%%", p.CriticalShare*100), listOr(p.Exposure, "-"))
		}
		provs.write(bw)
	}

	s := r.Summary
	fmt.Fprintln(bw)
	writeHanging(bw, "SUMMARY:", fmt.Sprintf("%s, %d with a gap (largest %d), %d failing a law's condition, %d with a legal question open, %d reached by foreign compelled-access laws; %s, %s; provider concentration HHI %d (all components by ultimate controller, in-house as one group)",
		plural.Count(s.Components, "component"), s.Gaps, s.MaxGap, s.Unmet, s.Open, s.Exposed, plural.Count(s.Flows, "flow"), plural.Count(s.Violations, "violation"), s.HHIProvider), 9)
	if s.Gaps > 0 {
		fmt.Fprintf(bw, "gaps by reason: regulatory %d, security %d, operational %d\n",
			s.GapsByCategory[sovmap.CategoryRegulatory], s.GapsByCategory[sovmap.CategorySecurity], s.GapsByCategory[sovmap.CategoryOperational])
	}
	for _, n := range r.Notes {
		writeHanging(bw, "note:", n, 6)
	}
	return bw.Flush()
}

// componentWhy says why a component needs attention: its gap and what
// requires the level, the legal conditions it fails or leaves open, and the
// factors that bind it. It is empty for a component with neither a gap nor
// a legal condition to act on.
func componentWhy(c *sovmap.ComponentResult) string {
	var parts []string
	if c.Gap > 0 {
		req := fmt.Sprintf("gap %d: required %d", c.Gap, c.RequiredLevel)
		var because []string
		for _, q := range c.Reasons {
			if q.Counts() && q.Level == c.RequiredLevel {
				because = append(because, fmt.Sprintf("%s (%s, %s)", q.Source, q.Category, q.Basis))
			}
		}
		if len(because) > 0 {
			req += " by " + strings.Join(because, ", ")
		}
		parts = append(parts, req)
	}
	for _, q := range c.Reasons {
		if q.Condition == sovmap.ConditionUnmet || q.Condition == sovmap.ConditionOpen {
			parts = append(parts, fmt.Sprintf("%s: condition %s", q.Source, q.Condition))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	if len(c.Binding) > 0 {
		parts = append(parts, "bound by "+strings.ReplaceAll(binding(c.Binding), ",", ", "))
	}
	if c.LimitedBy != "" && c.EffectiveLevel < c.Level {
		parts = append(parts, "held down by "+c.LimitedBy)
	}
	return strings.Join(parts, "; ")
}

// flowLabel is a flow's id as the tables show it, marking an inferred one.
func flowLabel(f *sovmap.FlowResult) string {
	if f.Inferred {
		return f.ID + " (inferred)"
	}
	return f.ID
}

// decidingReason is the reason that decides a flow's verdict (the first),
// or "-".
func decidingReason(f *sovmap.FlowResult) string {
	if len(f.Reasons) == 0 {
		return "-"
	}
	return f.Reasons[0]
}

// levelLegend names the levels the narrow tables show as numbers.
func levelLegend() string {
	names := make([]string, 0, sovmap.MaxLevel+1)
	for l := sovmap.Level(0); l <= sovmap.MaxLevel; l++ {
		names = append(names, levelCell(l))
	}
	return strings.Join(names, ", ") + " (--wide for more)"
}

// grid lays out rows of cells in aligned columns, like text/tabwriter, but
// with a cap on each column's width and an optional detail line under a
// row, wrapped to TableWidth.
type grid struct {
	head []string
	max  []int // per column; 0 is no cap
	rows []gridRow
}

type gridRow struct {
	cells  []string
	detail string
}

func (g *grid) add(detail string, cells ...string) {
	g.rows = append(g.rows, gridRow{cells: cells, detail: detail})
}

func (g *grid) write(w io.Writer) {
	width := make([]int, len(g.head))
	cell := func(i int, s string) string {
		if i < len(g.max) && g.max[i] > 0 {
			return cut(s, g.max[i])
		}
		return s
	}
	for i, h := range g.head {
		width[i] = utf8.RuneCountInString(h)
	}
	for _, r := range g.rows {
		for i, c := range r.cells {
			width[i] = max(width[i], utf8.RuneCountInString(cell(i, c)))
		}
	}
	// Past TableWidth, narrow the widest of the columns that may be cut
	// (ids and names) until the row fits.
	for total(width) > TableWidth {
		widest := -1
		for i := range width {
			if i < len(g.max) && g.max[i] > 0 && width[i] > 8 && (widest < 0 || width[i] > width[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break
		}
		width[widest]--
	}
	line := func(cells []string) {
		var b strings.Builder
		for i, c := range cells {
			c = cut(cell(i, c), max(width[i], utf8.RuneCountInString(g.head[i])))
			b.WriteString(c)
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)+2))
			}
		}
		fmt.Fprintln(w, b.String())
	}
	line(g.head)
	for _, r := range g.rows {
		line(r.cells)
		if r.detail != "" {
			writeHanging(w, "", r.detail, 4)
		}
	}
}

// total is the width of a row whose columns are width wide, two spaces apart.
func total(width []int) int {
	n := 2 * (len(width) - 1)
	for _, w := range width {
		n += w
	}
	return n
}

// writeHanging writes label, then text wrapped to TableWidth with every
// line after the label indented by indent columns.
func writeHanging(w io.Writer, label, text string, indent int) {
	pad := strings.Repeat(" ", indent)
	cur := label + strings.Repeat(" ", max(indent-utf8.RuneCountInString(label), 1))
	if label == "" {
		cur = pad
	}
	start := true // nothing but the label and indentation on cur yet
	for _, word := range strings.Fields(text) {
		// A word (an id) longer than a whole line is cut; --wide has it.
		word = cut(word, max(TableWidth-indent, 8))
		if !start && utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(word) > TableWidth {
			fmt.Fprintln(w, cur)
			cur, start = pad, true
		}
		if !start {
			cur += " "
		}
		cur += word
		start = false
	}
	fmt.Fprintln(w, strings.TrimRight(cur, " "))
}

// cut shortens s to n runes, ending in "…" when it had to cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
