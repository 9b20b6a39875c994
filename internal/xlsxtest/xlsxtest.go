// Package xlsxtest reads workbooks back for tests. A workbook's zip is not
// written the same twice, so tests compare what a reader sees: the cells.
package xlsxtest

import (
	"bytes"
	"maps"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

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

// Same reports whether two workbooks have the same sheets with the same
// cells.
func Same(t testing.TB, a, b []byte) bool {
	t.Helper()
	return maps.EqualFunc(Cells(t, a), Cells(t, b), func(x, y [][]string) bool { return slices.EqualFunc(x, y, slices.Equal) })
}
