package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
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
// It is WriteTableStream over the report's stream.
func WriteTable(w io.Writer, r *sovmap.Report, _ *sovmap.Inventory) error {
	return WriteTableStream(w, StreamOf(r, nil))
}

// WriteTableStream writes what WriteTable writes, reading the components
// up to three times and holding none of them: a first pass measures the
// component columns and the indentation of the WHY lines, a second writes
// a row per component, and a third, taken only when some component needs
// one, writes the WHY lines. It holds the head and the columns' widths
// whatever the report's size, and writes its title before the first pass.
// The inventory is not read.
func WriteTableStream(w io.Writer, st Stream) error {
	if st.Head == nil {
		return errors.New("table: no report to write")
	}
	out := newOutput(w, 1<<16)
	bw := out.Writer
	r := st.Head
	writeHanging(bw, "", fmt.Sprintf("sovmap assessment of %s (home %s)", orDash(r.Organization), r.Home), 0)
	fmt.Fprintln(bw)
	// The title goes out before the measuring pass, which reads every
	// component: a server that sends what it is given sends it at once.
	if err := bw.Flush(); err != nil {
		return err
	}

	comps := newColumns([]string{"COMPONENT", "LAYER", "OWN", "EFFECTIVE", "REQUIRED", "GAP", "SOURCING", "EXPOSURE"},
		[]int{maxIDCell, 0, 0, maxNameCell, 0, 0, 0, maxNameCell})
	cells := make([]string, len(comps.head))
	indent, why := 0, false // the WHY lines' indentation, and whether there are any
	err := st.Components(func(c *sovmap.ComponentResult, _ *sovmap.Component) error {
		comps.fit(componentCells(cells, c))
		if needsWhy(c) {
			why = true
			indent = max(indent, min(utf8.RuneCountInString(c.ID), maxIDCell))
		}
		return nil
	})
	if err != nil {
		return err
	}
	comps.settle()
	comps.line(bw, comps.head)
	err = st.Components(func(c *sovmap.ComponentResult, _ *sovmap.Component) error {
		comps.line(bw, componentCells(cells, c))
		return out.err()
	})
	if err != nil {
		return err
	}
	writeHanging(bw, "levels:", levelLegend(), 8)
	if why {
		fmt.Fprintln(bw, "\nWHY (components with a gap or a law's condition to act on)")
		err = st.Components(func(c *sovmap.ComponentResult, _ *sovmap.Component) error {
			if d := componentWhy(c); d != "" {
				writeHanging(bw, cut(c.ID, maxIDCell), d, indent+2)
			}
			return out.err()
		})
		if err != nil {
			return err
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

// componentCells fills cells with a component's row of the table.
func componentCells(cells []string, c *sovmap.ComponentResult) []string {
	eff := strconv.Itoa(int(c.EffectiveLevel))
	if c.LimitedBy != "" {
		eff += " via " + c.LimitedBy
	}
	return append(cells[:0], c.ID, string(c.Layer), strconv.Itoa(int(c.Level)), eff, strconv.Itoa(int(c.RequiredLevel)),
		strconv.Itoa(c.Gap), string(c.Sourcing), listOr(c.Exposure, "-"))
}

// needsWhy reports whether a component has a gap or a legal condition
// unmet or open: whether componentWhy has something to say of it.
func needsWhy(c *sovmap.ComponentResult) bool {
	if c.Gap > 0 {
		return true
	}
	for i := range c.Reasons {
		if q := c.Reasons[i].Condition; q == sovmap.ConditionUnmet || q == sovmap.ConditionOpen {
			return true
		}
	}
	return false
}

// componentWhy says why a component needs attention: its gap and what
// requires the level, the legal conditions it fails or leaves open, and the
// factors that bind it. It is empty for a component with neither a gap nor
// a legal condition to act on.
func componentWhy(c *sovmap.ComponentResult) string {
	if !needsWhy(c) {
		return ""
	}
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

// columns lays out rows of cells in aligned columns, each cell but a
// row's last padded to its column's width and two spaces, from widths
// measured beforehand (fit, then settle when the table must fit
// TableWidth), so that the rows need not be held until the table ends.
// A column may have a cap on its width, past which its cells are cut.
// Without caps and with every row fitted, it writes what text/tabwriter
// writes of the rows held whole with a padding of two spaces (the wide
// table was written so), for cells without tabwriter's control characters
// (tab, newline, form feed, vertical tab, 0xff), which a component's cells
// do not have: FuzzColumns holds it to that.
type columns struct {
	head  []string
	max   []int // per column; 0 is no cap
	width []int
}

func newColumns(head []string, max []int) *columns {
	c := &columns{head: head, max: max, width: make([]int, len(head))}
	for i, h := range head {
		c.width[i] = utf8.RuneCountInString(h)
	}
	return c
}

// cell is the text of column i's cell s: cut to the column's cap.
func (c *columns) cell(i int, s string) string {
	if i < len(c.max) && c.max[i] > 0 {
		return cut(s, c.max[i])
	}
	return s
}

// fit widens the columns to hold a row.
func (c *columns) fit(cells []string) {
	for i, s := range cells {
		c.width[i] = max(c.width[i], utf8.RuneCountInString(c.cell(i, s)))
	}
}

// settle narrows the widest of the columns that may be cut (ids and
// names), past TableWidth, until a row fits.
func (c *columns) settle() {
	for total(c.width) > TableWidth {
		widest := -1
		for i := range c.width {
			if i < len(c.max) && c.max[i] > 0 && c.width[i] > 8 && (widest < 0 || c.width[i] > c.width[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break
		}
		c.width[widest]--
	}
}

// line writes a row, each cell cut to its column and padded, straight to
// the buffer: it runs once per component.
func (c *columns) line(w *bufio.Writer, cells []string) {
	for i, s := range cells {
		s = cut(c.cell(i, s), max(c.width[i], utf8.RuneCountInString(c.head[i])))
		w.WriteString(s)
		if i < len(cells)-1 {
			for range c.width[i] - utf8.RuneCountInString(s) + 2 {
				w.WriteByte(' ')
			}
		}
	}
	w.WriteByte('\n')
}

// grid is a table of the report's head (flows, layers, providers): its
// rows held, each with an optional detail line under it, wrapped to
// TableWidth.
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

func (g *grid) write(w *bufio.Writer) {
	cols := newColumns(g.head, g.max)
	for _, r := range g.rows {
		cols.fit(r.cells)
	}
	cols.settle()
	cols.line(w, g.head)
	for _, r := range g.rows {
		cols.line(w, r.cells)
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
