package sheet

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/sovmap/sovmap"
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
	for name, n := range map[string]int{SheetComponents: len(r.Components), SheetFlows: len(r.Flows), SheetProviders: len(r.Providers)} {
		if n > MaxRows {
			return fmt.Errorf("xlsx: %d rows do not fit the %s sheet (at most %d); use --format csv", n, name, MaxRows)
		}
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetComponents); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	for _, name := range []string{SheetFlows, SheetProviders, SheetSummary} {
		if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	header, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}},
		Alignment: &excelize.Alignment{Vertical: "top"},
	})
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	t := table{f: f, header: header}
	t.write(SheetComponents, componentColumns, componentRows(r, inv))
	t.write(SheetFlows, flowColumns, flowRows(r))
	t.write(SheetProviders, providerColumns, providerRows(r))
	t.write(SheetSummary, summaryColumns, summaryRows(r))
	if t.err != nil {
		return fmt.Errorf("xlsx: %w", t.err)
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

// table writes sheets and keeps the first error, so that the many calls
// read as one sequence.
type table struct {
	f      *excelize.File
	header int
	err    error
}

func (t *table) write(sheet string, cols []column, rows [][]any) {
	if t.err != nil {
		return
	}
	hdr := make([]any, len(cols))
	for i, c := range cols {
		hdr[i] = c.header
	}
	if t.err = t.f.SetSheetRow(sheet, "A1", &hdr); t.err != nil {
		return
	}
	last, err := excelize.ColumnNumberToName(len(cols))
	if err != nil {
		t.err = err
		return
	}
	if t.err = t.f.SetCellStyle(sheet, "A1", last+"1", t.header); t.err != nil {
		return
	}
	for i, c := range cols {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if t.err = t.f.SetColWidth(sheet, name, name, c.width); t.err != nil {
			return
		}
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if t.err = t.f.SetSheetRow(sheet, cell, &row); t.err != nil {
			return
		}
	}
	// The filter spans the header and every data row (at least one row, so
	// that an empty sheet still shows its filter buttons).
	lastRow := max(len(rows)+1, 2)
	if t.err = t.f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", last, lastRow), nil); t.err != nil {
		return
	}
	t.err = t.f.SetPanes(sheet, &excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	})
}

func join(s []string) string { return strings.Join(s, listSep) }

func componentRows(r *sovmap.Report, inv *sovmap.Inventory) [][]any {
	names := map[string]string{}
	pos := map[string]sovmap.Pos{}
	if inv != nil {
		for _, c := range inv.Components {
			names[c.ID] = c.Name
			pos[c.ID] = c.Pos
		}
	}
	rows := make([][]any, 0, len(r.Components))
	for i := range r.Components {
		c := &r.Components[i]
		p := c.Pos
		if p.File == "" {
			p = pos[c.ID]
		}
		var line any
		if p.Line > 0 {
			line = p.Line
		}
		var remedies []string
		bind := map[sovmap.FactorName]bool{}
		for _, b := range c.Binding {
			bind[b] = true
		}
		for _, f := range c.Factors {
			if bind[f.Name] && f.Remedy != "" {
				remedies = append(remedies, string(f.Name)+": "+f.Remedy)
			}
		}
		rows = append(rows, []any{
			c.ID, names[c.ID], string(c.Layer), c.Provider, c.Controller,
			int(c.Level), c.Level.String(), int(c.EffectiveLevel), int(c.RequiredLevel), c.Gap,
			string(c.Sourcing), binding(c), join(c.Exposure), c.LimitedBy,
			reasons(c), join(remedies), p.File, line,
		})
	}
	return rows
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
