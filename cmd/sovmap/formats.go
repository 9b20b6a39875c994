package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/report"
	"github.com/sovmap/sovmap/report/cyclonedx"
	"github.com/sovmap/sovmap/report/html"
	"github.com/sovmap/sovmap/report/oscal"
	"github.com/sovmap/sovmap/report/sarif"
	"github.com/sovmap/sovmap/report/sheet"
)

// writer writes an assessment in one format.
type writer func(w io.Writer, r *sovmap.Report, inv *sovmap.Inventory) error

// formats maps each --format name to its writer. Add new formats here,
// one line each.
func formats() map[string]writer {
	return map[string]writer{
		"table":     report.WriteTable,
		"json":      report.WriteJSON,
		"json-full": report.WriteJSONDetail,
		"markdown":  report.WriteMarkdown,
		"sarif":     sarif.Write,
		"oscal":     oscal.Write,
		"cyclonedx": cyclonedx.Write,
		"html":      html.Write,
		"csv":       sheet.WriteCSV,
		"xlsx":      sheet.WriteXLSX,
	}
}

func formatNames() string {
	var names []string
	for n := range formats() {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func formatWriter(name string) (writer, error) {
	if name == "md" {
		name = "markdown"
	}
	w, ok := formats()[name]
	if !ok {
		return nil, fmt.Errorf("unknown --format %q (one of %s)", name, formatNames())
	}
	return w, nil
}
