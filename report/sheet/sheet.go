// Package sheet writes an assessment as a spreadsheet: CSV (one row per
// component) and XLSX (Components, Flows, Providers and Summary sheets, each
// with a filter on its header row and the header frozen), for the people who
// sort and filter.
//
// Text cells that a spreadsheet would read as a formula (starting with =, +,
// -, @, tab or carriage return) are prefixed with an apostrophe: an
// inventory is input from many hands, and a cell must never run as code.
package sheet

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/report"
)

// CSVHeader is the header row of the CSV export, in column order.
var CSVHeader = []string{
	"id", "layer", "provider", "level", "effective_level", "required_level", "gap",
	"sourcing", "binding", "exposure", "reasons",
}

// listSep joins list values inside one cell.
const listSep = "; "

// WriteCSV writes one row per component, under CSVHeader. inv is not used;
// it is accepted so that every exporter has the same signature.
func WriteCSV(w io.Writer, r *sovmap.Report, inv *sovmap.Inventory) error {
	if r == nil {
		return fmt.Errorf("csv: no report to write")
	}
	return WriteCSVStream(w, report.StreamOf(r, nil))
}

// WriteCSVStream writes what WriteCSV writes, a component at a time: a row
// is written before the stream goes on, so that it holds one component
// whatever the report's size, in one pass. If the stream fails, what was
// written is a truncated file: the caller must make the failure visible.
func WriteCSVStream(w io.Writer, s report.Stream) error {
	cw := csv.NewWriter(w)
	// The header leaves at once, so that a download starts before the
	// first components are read.
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	row := make([]string, len(CSVHeader))
	err := s.Components(func(c *sovmap.ComponentResult, _ *sovmap.Component) error {
		row = append(row[:0],
			safe(c.ID), string(c.Layer), safe(c.Provider),
			strconv.Itoa(int(c.Level)), strconv.Itoa(int(c.EffectiveLevel)), strconv.Itoa(int(c.RequiredLevel)),
			strconv.Itoa(c.Gap), string(c.Sourcing),
			binding(c), safe(strings.Join(c.Exposure, listSep)), safe(reasons(c)))
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("csv: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	return nil
}

func binding(c *sovmap.ComponentResult) string {
	names := make([]string, len(c.Binding))
	for i, b := range c.Binding {
		names[i] = string(b)
	}
	return strings.Join(names, listSep)
}

// reasons formats each requirement as "LEVEL CATEGORY SOURCE: REASON".
func reasons(c *sovmap.ComponentResult) string {
	parts := make([]string, len(c.Reasons))
	for i, q := range c.Reasons {
		parts[i] = fmt.Sprintf("%d %s %s %s: %s", q.Level, q.Category, q.Basis, q.Source, q.Reason)
		if q.Condition != "" {
			parts[i] += " [condition " + string(q.Condition) + "]"
		}
	}
	return strings.Join(parts, listSep)
}

// safe defuses text a spreadsheet would evaluate as a formula.
func safe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
