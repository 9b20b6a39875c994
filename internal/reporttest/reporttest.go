// Package reporttest compares reports for tests: two writings of one
// report in a format are the same report when they differ only where the
// format asks for something fresh each time (a BOM's serial number and
// timestamp, assessment results' times and the two UUIDs made from them, a
// page's generation time) or where a writer does not write
// the same bytes twice (a workbook's zip, compared by its cells).
package reporttest

import (
	"bytes"
	"maps"
	"regexp"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Same reports whether got and want are the same report in format.
func Same(t testing.TB, format string, got, want []byte) bool {
	t.Helper()
	if format == "xlsx" {
		return maps.EqualFunc(Cells(t, got), Cells(t, want), func(x, y [][]string) bool { return slices.EqualFunc(x, y, slices.Equal) })
	}
	if re, ok := fresh[format]; ok {
		// $1 keeps what a match holds before the fresh value, if anything.
		got, want = re.ReplaceAll(got, []byte("$1")), re.ReplaceAll(want, []byte("$1"))
	}
	return bytes.Equal(got, want)
}

// fresh matches, in each format, the values written anew each time: they
// are blanked before comparing, but for the first submatch, if any, which
// places a value and is kept.
var fresh = map[string]*regexp.Regexp{
	// CycloneDX: every BOM has a fresh serial number, which its BOM-Links
	// repeat, and is stamped.
	"cyclonedx": regexp.MustCompile(`"timestamp": "[^"]*"|urn:(?:uuid|cdx):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`),
	// OSCAL assessment results are stamped with the time they were made,
	// and two UUIDs are made from it: the document's, the first member of
	// assessment-results, and the result's, the first member of the one
	// result. Every other UUID is made from the report (the findings, the
	// components, the organization) and is compared.
	"oscal": regexp.MustCompile(`"(?:last-modified|version|start|end|collected)": "[^"]*"|("assessment-results": \{\s*"uuid": |"results": \[\s*\{\s*"uuid": )"[^"]*"`),
	// The HTML page says when it was generated, to the minute.
	"html": regexp.MustCompile(`generated \d{4}-\d\d-\d\d \d\d:\d\d [A-Z]+`),
}

// Cells returns every sheet of the workbook b, by name, as its rows of
// cell values, failing the test when it does not open.
func Cells(t testing.TB, b []byte) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("cannot open the workbook: %v", err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, sheet := range f.GetSheetList() {
		if out[sheet], err = f.GetRows(sheet); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// FirstDifference is the index of the first byte where a and b differ, or
// the length of the shorter when one is the other's beginning.
func FirstDifference(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
