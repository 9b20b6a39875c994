package sheet

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/report"
)

// Sheet names of the XLSX export, in tab order.
const (
	SheetComponents = "Components"
	SheetFlows      = "Flows"
	SheetProviders  = "Providers"
	SheetSummary    = "Summary"
)

// MaxRows is the most data rows one sheet takes (Excel's limit less the header).
const MaxRows = 1<<20 - 1

// column is one column of a sheet: its header and how wide to draw it.
type column struct {
	header string
	width  float64
}

var componentColumns = []column{
	{"id", 24}, {"name", 28}, {"layer", 13}, {"provider", 18}, {"controller", 18},
	{"level", 7}, {"level_name", 17}, {"effective_level", 9}, {"required_level", 9}, {"gap", 6},
	{"sourcing", 17}, {"binding", 18}, {"exposure", 12}, {"limited_by", 18},
	{"reasons", 60}, {"remedies", 60}, {"file", 30}, {"line", 7},
}

var flowColumns = []column{
	{"id", 24}, {"from", 20}, {"to", 20}, {"data", 24}, {"mechanism", 12},
	{"from_jurisdictions", 14}, {"to_jurisdictions", 14}, {"verdict", 10}, {"inferred", 9}, {"reasons", 70},
}

var providerColumns = []column{
	{"id", 20}, {"name", 32}, {"country", 9}, {"controller", 20}, {"controller_country", 10},
	{"tier", 11}, {"components", 11}, {"critical_components", 11}, {"share", 9}, {"critical_share", 9}, {"exposure", 14},
}

var summaryColumns = []column{{"measure", 34}, {"value", 40}}

// WriteXLSX writes the report as an Excel workbook with the sheets
// Components, Flows, Providers and Summary. inv, when given, adds component
// names and inventory positions.
func WriteXLSX(w io.Writer, r *sovmap.Report, inv *sovmap.Inventory) error {
	if r == nil {
		return fmt.Errorf("xlsx: no report to write")
	}
	return WriteXLSXStream(w, report.StreamOf(r, inv))
}

// WriteXLSXStream writes what WriteXLSX writes, reading the components
// once and sending the workbook as it is made: its first bytes leave
// before the first component is read, and no more than a row is held.
// excelize makes the workbook (styles, tables, the other sheets and the
// Components sheet's header) with the Components table sized from the
// head's count; the component rows are then written into that sheet as it
// is copied into the zip (rows.go). Each sheet is an Excel table, whose
// header row carries the filter buttons.
func WriteXLSXStream(w io.Writer, s report.Stream) error {
	r := s.Head
	if r == nil {
		return fmt.Errorf("xlsx: no report to write")
	}
	sizes := []struct {
		sheet string
		rows  int
	}{{SheetComponents, r.Summary.Components}, {SheetFlows, len(r.Flows)}, {SheetProviders, len(r.Providers)}}
	for _, c := range sizes {
		if c.rows > MaxRows {
			return fmt.Errorf("xlsx: %d rows do not fit the %s sheet (at most %d); use --format csv", c.rows, c.sheet, MaxRows)
		}
	}
	f, t, err := newWorkbook(SheetComponents, SheetFlows, SheetProviders, SheetSummary)
	if err != nil {
		return err
	}
	defer f.Close()
	t.write(SheetComponents, componentColumns, r.Summary.Components, nil)
	t.writeRows(SheetFlows, flowColumns, flowRows(r))
	t.writeRows(SheetProviders, providerColumns, providerRows(r))
	t.writeRows(SheetSummary, summaryColumns, summaryRows(r))
	if t.err != nil {
		return t.err
	}
	var row []any
	return fillSheet(w, f, SheetComponents, r.Summary.Components, func(add func([]any) error) error {
		return s.Components(func(c *sovmap.ComponentResult, spec *sovmap.Component) error {
			row = componentRow(row[:0], c, spec)
			return add(row)
		})
	})
}

// newWorkbook returns a workbook of the named sheets, in tab order, and
// the table writer of their header style.
func newWorkbook(sheets ...string) (*excelize.File, *table, error) {
	f := excelize.NewFile()
	fail := func(err error) (*excelize.File, *table, error) {
		f.Close()
		return nil, nil, fmt.Errorf("xlsx: %w", err)
	}
	if err := f.SetSheetName("Sheet1", sheets[0]); err != nil {
		return fail(err)
	}
	for _, name := range sheets[1:] {
		if _, err := f.NewSheet(name); err != nil {
			return fail(err)
		}
	}
	header, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}},
		Alignment: &excelize.Alignment{Vertical: "top"},
	})
	if err != nil {
		return fail(err)
	}
	return f, &table{f: f, header: header}, nil
}

// table writes sheets and keeps the first error, so that the many calls
// read as one sequence.
type table struct {
	f      *excelize.File
	header int
	err    error
}

// writeRows writes a sheet of the rows given (see write).
func (t *table) writeRows(sheet string, cols []column, rows [][]any) {
	t.write(sheet, cols, len(rows), rows)
}

// write writes a sheet: the header, frozen, then rows, and makes the
// header and the next size rows one table. rows may be fewer than size,
// to leave the rest for fillSheet, but no more.
func (t *table) write(sheet string, cols []column, size int, rows [][]any) {
	if t.err != nil {
		return
	}
	if len(rows) > size {
		t.err = fmt.Errorf("xlsx: more than the %d rows announced for the %s sheet", size, sheet)
		return
	}
	sw, err := t.f.NewStreamWriter(sheet)
	if err != nil {
		t.err = fmt.Errorf("xlsx: %w", err)
		return
	}
	hdr := make([]any, len(cols))
	for i, c := range cols {
		hdr[i] = c.header
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			t.err = fmt.Errorf("xlsx: %w", err)
			return
		}
	}
	err = sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	})
	if err == nil {
		err = sw.SetRow("A1", hdr, excelize.RowOpts{StyleID: t.header})
	}
	if err != nil {
		t.err = fmt.Errorf("xlsx: %w", err)
		return
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			t.err = fmt.Errorf("xlsx: %w", err)
			return
		}
	}
	// The table spans the header and every data row (at least one row, so
	// that an empty sheet still shows its filter buttons).
	last, err := excelize.ColumnNumberToName(len(cols))
	if err == nil {
		err = sw.AddTable(&excelize.Table{Range: fmt.Sprintf("A1:%s%d", last, max(size+1, 2)), Name: "table" + sheet})
	}
	if err == nil {
		err = sw.Flush()
	}
	if err != nil {
		t.err = fmt.Errorf("xlsx: %w", err)
	}
}

func join(s []string) string { return strings.Join(s, listSep) }

// componentRow appends a component's cells to row: its name and position
// from spec when the result has none.
func componentRow(row []any, c *sovmap.ComponentResult, spec *sovmap.Component) []any {
	var name string
	p := c.Pos
	if spec != nil {
		name = spec.Name
		if p.File == "" {
			p = spec.Pos
		}
	}
	var line any
	if p.Line > 0 {
		line = p.Line
	}
	var remedies []string
	for _, f := range c.Factors {
		if f.Remedy != "" && slices.Contains(c.Binding, f.Name) {
			remedies = append(remedies, string(f.Name)+": "+f.Remedy)
		}
	}
	return append(row,
		c.ID, name, string(c.Layer), c.Provider, c.Controller,
		int(c.Level), c.Level.String(), int(c.EffectiveLevel), int(c.RequiredLevel), c.Gap,
		string(c.Sourcing), binding(c), join(c.Exposure), c.LimitedBy,
		reasons(c), join(remedies), p.File, line,
	)
}

func flowRows(r *sovmap.Report) [][]any {
	rows := make([][]any, 0, len(r.Flows))
	for _, f := range r.Flows {
		rows = append(rows, []any{
			f.ID, f.From, f.To, join(f.Data), f.Mechanism,
			join(f.FromJurisdictions), join(f.ToJurisdictions), string(f.Verdict), f.Inferred, join(f.Reasons),
		})
	}
	return rows
}

func providerRows(r *sovmap.Report) [][]any {
	rows := make([][]any, 0, len(r.Providers))
	for _, p := range r.Providers {
		rows = append(rows, []any{
			p.ID, p.Name, p.Country, p.Controller, p.ControllerCountry,
			p.Tier, p.Components, p.Critical, p.Share, p.CriticalShare, join(p.Exposure),
		})
	}
	return rows
}

func summaryRows(r *sovmap.Report) [][]any {
	s := r.Summary
	rows := [][]any{
		{"organization", r.Organization},
		{"home", r.Home},
		{"components", s.Components},
	}
	for l := sovmap.Exposed; l <= sovmap.MaxLevel; l++ {
		rows = append(rows, []any{fmt.Sprintf("effective level %d (%s)", l, l), s.ByLevel[l]})
	}
	rows = append(rows,
		[]any{"components with a gap", s.Gaps},
		[]any{"largest gap", s.MaxGap},
	)
	for _, c := range []sovmap.Category{sovmap.CategoryRegulatory, sovmap.CategorySecurity, sovmap.CategoryOperational} {
		rows = append(rows, []any{"gaps for " + string(c) + " reasons", s.GapsByCategory[c]})
	}
	rows = append(rows,
		[]any{"flows", s.Flows},
		[]any{"flow violations", s.Violations},
		[]any{"exposed components", s.Exposed},
		[]any{"provider concentration (HHI, 0-10000; all components by ultimate controller, in-house as one group)", s.HHIProvider},
	)
	for _, l := range r.Layers {
		rows = append(rows, []any{
			fmt.Sprintf("layer %s: components / gaps / lowest level", l.Layer),
			fmt.Sprintf("%d / %d / %d", l.Components, l.Gaps, l.Lowest),
		})
	}
	for _, n := range r.Notes {
		rows = append(rows, []any{"note", n})
	}
	return rows
}
