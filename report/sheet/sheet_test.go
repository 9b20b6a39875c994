package sheet

import (
	"bytes"
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"

	goldenfile "github.com/sovmap/sovmap/internal/golden"

	"github.com/xuri/excelize/v2"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/sample"
)

func TestCSVGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, sample.Report(), sample.Inventory()); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "sample.csv")
	goldenfile.Check(t, golden, buf.Bytes())
}

func TestCSVShape(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, sample.Report(), nil); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v", err)
	}
	if len(rows) != 1+7 {
		t.Fatalf("%d rows, want header + 7", len(rows))
	}
	if strings.Join(rows[0], ",") != "id,layer,provider,level,effective_level,required_level,gap,sourcing,binding,exposure,reasons" {
		t.Errorf("header = %q", rows[0])
	}
	// train-cluster is the second component.
	got := rows[2]
	want := []string{"train-cluster", "compute", "aws-emea", "1", "1", "3", "2", "sovereign-partner", "legal; keys", "US"}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("train-cluster column %s = %q, want %q", rows[0][i], got[i], w)
		}
	}
	if !strings.HasPrefix(got[10], "3 security default data:personal.health: ") || !strings.Contains(got[10], "[condition unmet]") {
		t.Errorf("reasons = %q", got[10])
	}
}

func TestCSVDefusesFormulas(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"+1", "'+1"},
		{"-cmd", "'-cmd"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"plain", "plain"},
		{"", ""},
		{"a=b", "a=b"},
	}
	for _, tt := range tests {
		if got := safe(tt.in); got != tt.want {
			t.Errorf("safe(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	r := &sovmap.Report{Components: []sovmap.ComponentResult{{ID: "=cmd|' /C calc'!A0", Layer: sovmap.LayerCompute, Gap: -1}}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, r, nil); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[1][0] != "'=cmd|' /C calc'!A0" {
		t.Errorf("id cell = %q, want it defused", rows[1][0])
	}
	if rows[1][6] != "-1" {
		t.Errorf("a negative gap must stay a number, got %q", rows[1][6])
	}
}

func TestXLSXReadBack(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, sample.Report(), sample.Inventory()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("cannot open the workbook: %v", err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "Components,Flows,Providers,Summary" {
		t.Fatalf("sheets = %s", got)
	}
	wantRows := map[string]int{SheetComponents: 8, SheetFlows: 4, SheetProviders: 6}
	for sheet, n := range wantRows {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != n {
			t.Errorf("%s has %d rows, want %d", sheet, len(rows), n)
		}
	}
	// Header, frozen pane and filter on every sheet: each sheet is one
	// table over its header and rows (a table carries the filter buttons).
	wantRange := map[string]string{SheetComponents: "A1:R8", SheetFlows: "A1:J4", SheetProviders: "A1:K6"}
	for _, sheet := range f.GetSheetList() {
		tables, err := f.GetTables(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(tables) != 1 {
			t.Errorf("%s has %d tables, want 1", sheet, len(tables))
		} else if want, ok := wantRange[sheet]; ok && tables[0].Range != want {
			t.Errorf("%s's table spans %s, want %s", sheet, tables[0].Range, want)
		}
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s panes = %+v, want the header row frozen", sheet, panes)
		}
		h, err := f.GetCellValue(sheet, "A1")
		if err != nil || h == "" {
			t.Errorf("%s has no header (%v)", sheet, err)
		}
	}
	// Numbers are numbers, so that people can sort on them.
	typ, err := f.GetCellType(SheetComponents, "J3")
	if err != nil {
		t.Fatal(err)
	}
	if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("gap cell type = %v, want a number", typ)
	}
	gap, _ := f.GetCellValue(SheetComponents, "J3")
	id, _ := f.GetCellValue(SheetComponents, "A3")
	file, _ := f.GetCellValue(SheetComponents, "Q3")
	line, _ := f.GetCellValue(SheetComponents, "R3")
	if id != "train-cluster" || gap != "2" || file != sample.File || line != "18" {
		t.Errorf("train-cluster row = %s gap %s at %s:%s", id, gap, file, line)
	}
	verdict, _ := f.GetCellValue(SheetFlows, "H4")
	if verdict != "violation" {
		t.Errorf("chat-logs verdict = %q", verdict)
	}
	rows, _ := f.GetRows(SheetSummary)
	var hhi string
	for _, row := range rows {
		if len(row) == 2 && strings.HasPrefix(row[0], "provider concentration") {
			hhi = row[1]
		}
	}
	if hhi != "2653" {
		t.Errorf("HHI in summary = %q, want 2653", hhi)
	}
}

func TestXLSXEmptyReport(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, &sovmap.Report{}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(SheetComponents)
	if len(rows) != 1 {
		t.Errorf("empty report: %d component rows, want the header only", len(rows))
	}
}

func TestNilReport(t *testing.T) {
	if err := WriteCSV(&bytes.Buffer{}, nil, nil); err == nil {
		t.Error("WriteCSV(nil) succeeded")
	}
	if err := WriteXLSX(&bytes.Buffer{}, nil, nil); err == nil {
		t.Error("WriteXLSX(nil) succeeded")
	}
}
