package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/docxtext"
	"github.com/sovmap/sovmap/internal/reporttest"
	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/report"
)

// excelizeWorkbook is the oracle of the streamed workbook: the same sheets
// written whole by excelize's own stream writer, every row of the
// Components sheet included, and assembled by excelize.
func excelizeWorkbook(t testing.TB, s report.Stream) []byte {
	t.Helper()
	r := s.Head
	f, tb, err := newWorkbook(SheetComponents, SheetFlows, SheetProviders, SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]any
	if err := s.Components(func(c *sovmap.ComponentResult, spec *sovmap.Component) error {
		rows = append(rows, componentRow(nil, c, spec))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	tb.writeRows(SheetComponents, componentColumns, rows)
	tb.writeRows(SheetFlows, flowColumns, flowRows(r))
	tb.writeRows(SheetProviders, providerColumns, providerRows(r))
	tb.writeRows(SheetSummary, summaryColumns, summaryRows(r))
	if tb.err != nil {
		t.Fatal(tb.err)
	}
	f.SetActiveSheet(0)
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func joinRows(rows [][]string) []byte {
	var b bytes.Buffer
	for _, r := range rows {
		b.WriteString(strings.Join(r, "\t") + "\n")
	}
	return b.Bytes()
}

// tables lists each sheet's tables with their ranges, as excelize reads them.
func tables(t *testing.T, xlsx []byte) []string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	for _, sheet := range f.GetSheetList() {
		ts, err := f.GetTables(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range ts {
			out = append(out, sheet+" "+tb.Name+" "+tb.Range)
		}
	}
	return out
}

// parts lists the zip's entries, sorted.
func parts(t *testing.T, xlsx []byte) []string {
	t.Helper()
	zr, err := zipReader(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range zr.File {
		out = append(out, f.Name)
	}
	slices.Sort(out)
	return out
}

// firstByteWriter records how many bytes it had been given when the
// stream's first component was asked for.
type firstByteWriter struct {
	n, atFirst int
}

func (w *firstByteWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// TestWorkbookLeavesBeforeItsRows: every part of the workbook that comes
// before the Components sheet in the zip has reached the writer when the
// first component is read, so that a download starts at once.
func TestWorkbookLeavesBeforeItsRows(t *testing.T) {
	s := report.StreamOf(sample.Report(), sample.Inventory())
	w := &firstByteWriter{atFirst: -1}
	var all bytes.Buffer
	components := s.Components
	s.Components = func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
		w.atFirst = w.n
		return components(yield)
	}
	if err := WriteXLSXStream(io.MultiWriter(w, &all), s); err != nil {
		t.Fatal(err)
	}
	zr, err := zipReader(all.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	zf, err := sheetPart(zr, SheetComponents)
	if err != nil {
		t.Fatal(err)
	}
	// What comes before the sheet's data: the other parts and the
	// sheet's local header.
	before, err := zf.DataOffset()
	if err != nil {
		t.Fatal(err)
	}
	if before < 1000 || int64(w.atFirst) < before {
		t.Errorf("%d bytes written when the first component was read, want the %d of the parts before the sheet", w.atFirst, before)
	}
}

// TestCSVHeaderLeavesFirst: the CSV's header line has reached the writer
// when the first component is read.
func TestCSVHeaderLeavesFirst(t *testing.T) {
	s := report.StreamOf(sample.Report(), sample.Inventory())
	w := &firstByteWriter{atFirst: -1}
	components := s.Components
	s.Components = func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
		w.atFirst = w.n
		return components(yield)
	}
	if err := WriteCSVStream(w, s); err != nil {
		t.Fatal(err)
	}
	if want := len(strings.Join(CSVHeader, ",")) + 1; w.atFirst != want {
		t.Errorf("%d bytes written when the first component was read, want the header's %d", w.atFirst, want)
	}
}

// TestWorkbookRowsAsAnnounced: a stream that gives fewer or more
// components than its head counts fails the workbook, whose table was
// sized from the count.
func TestWorkbookRowsAsAnnounced(t *testing.T) {
	r := sample.Report()
	for _, drop := range []bool{true, false} {
		s := report.StreamOf(r, sample.Inventory())
		all := s.Components
		s.Components = func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
			n := 0
			err := all(func(c *sovmap.ComponentResult, spec *sovmap.Component) error {
				if n++; drop && n == 2 {
					return nil
				}
				return yield(c, spec)
			})
			if err == nil && !drop {
				err = yield(&r.Components[0], nil)
			}
			return err
		}
		err := WriteXLSXStream(&bytes.Buffer{}, s)
		if err == nil || !strings.Contains(err.Error(), "announced") {
			t.Errorf("drop=%v: error %v, want one about the rows announced", drop, err)
		}
	}
}

// cellPair writes the one-cell sheet {v} twice, streamed by fillSheet and
// whole by excelize, and returns the cell as excelize reads each back,
// marked "(preserved)" when the sheet's XML asks to keep its white space
// (excelize reads the text as it is either way; other readers may not).
func cellPair(t testing.TB, v any) (streamed, whole string) {
	t.Helper()
	cols := []column{{"value", 10}}
	read := func(b []byte) string {
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		s, err := f.GetCellValue("S", "A2")
		if err != nil {
			t.Fatal(err)
		}
		zr, err := zipReader(b)
		if err != nil {
			t.Fatal(err)
		}
		zf, err := open(zr, "xl/worksheets/sheet1.xml")
		if err != nil {
			t.Fatal(err)
		}
		x, err := readPart(zf)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(x, []byte(`xml:space="preserve"`)) {
			s += " (preserved)"
		}
		return s
	}
	var sb, wb bytes.Buffer
	f, tb, err := newWorkbook("S")
	if err != nil {
		t.Fatal(err)
	}
	tb.write("S", cols, 1, nil)
	if tb.err != nil {
		t.Fatal(tb.err)
	}
	if err := fillSheet(&sb, f, "S", 1, rowsOf([][]any{{v}})); err != nil {
		t.Fatal(err)
	}
	f.Close()
	f, tb, err = newWorkbook("S")
	if err != nil {
		t.Fatal(err)
	}
	tb.writeRows("S", cols, [][]any{{v}})
	if tb.err != nil {
		t.Fatal(tb.err)
	}
	if err := f.Write(&wb); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return read(sb.Bytes()), read(wb.Bytes())
}

// TestCellText: the texts whose writing has rules of its own read back as
// excelize's own writer's do: markup, white space at either end, CR,
// characters XML cannot carry, invalid UTF-8, what looks like an escaped
// character (_xHHHH_), astral characters, and a text longer than a cell.
func TestCellText(t *testing.T) {
	for _, v := range []any{
		"", "plain", "a < b & c > d \"q\" 'a'", " lead", "trail\t", "\nboth\r", "cr\r\nlf", "tab\tin",
		"nul\x00ctl\x1f", "bad \xff utf8", "_x0041_", "_x005F_x0041_", "__x0041__", "_xZZZZ_", "_x004", "emoji 😀 ok",
		"\uFFFE\uFFFF", strings.Repeat("é", 40000), strings.Repeat("😀", 20000), 0, -7, 1 << 40,
	} {
		streamed, whole := cellPair(t, v)
		if streamed != whole {
			t.Errorf("%.40q: streamed reads %.40q, excelize's %.40q", v, streamed, whole)
		}
	}
	// The oracle above is excelize on both sides; this one is the text
	// itself, for the cases no rule changes.
	for _, v := range []string{"_x0041_", "a&b", "line\nbreak", "x\r\ny"} {
		if streamed, _ := cellPair(t, v); streamed != v {
			t.Errorf("%q reads back as %q", v, streamed)
		}
	}
}

// FuzzCellText: any text reads back from the streamed sheet as it does
// from excelize's.
func FuzzCellText(f *testing.F) {
	for _, s := range []string{"", "a", " _x0041_ ", "\r\n", "\xff", "😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		streamed, whole := cellPair(t, s)
		if streamed != whole {
			t.Errorf("%q: streamed reads %q, excelize's %q", s, streamed, whole)
		}
	})
}

// TestRowWriterRefusesOtherTypes: a cell of a type the sheet does not
// write is an error, not a guess.
func TestRowWriterRefusesOtherTypes(t *testing.T) {
	err := fillSheetOf(t, []any{1.5})
	if err == nil || !strings.Contains(err.Error(), "float64") {
		t.Errorf("error %v, want one naming the type", err)
	}
	if err := fillSheetOf(t, []any{"ok", nil, 3}); err != nil {
		t.Error(err)
	}
	if err := fillSheetOf(t, []any{errors.New("x")}); err == nil {
		t.Error("an error value was written as a cell")
	}
}

func fillSheetOf(t *testing.T, row []any) error {
	t.Helper()
	f, tb, err := newWorkbook("S")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tb.write("S", []column{{"a", 5}, {"b", 5}, {"c", 5}}, 1, nil)
	return fillSheet(&bytes.Buffer{}, f, "S", 1, rowsOf([][]any{row}))
}

func zipReader(b []byte) (*zip.Reader, error) {
	return zip.NewReader(bytes.NewReader(b), int64(len(b)))
}

// TestLibreOfficeReadsStreamedWorkbook: LibreOffice, a reader that shares
// nothing with excelize, opens the streamed workbook and finds in its
// Components sheet the cells excelize finds. CI installs LibreOffice Calc
// (.ci/run) and fails without it; elsewhere the test needs soffice.
func TestLibreOfficeReadsStreamedWorkbook(t *testing.T) {
	r, inv := generated(t, 500)
	var b bytes.Buffer
	if err := WriteXLSXStream(&b, report.StreamOf(r, inv)); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "estate.xlsx")
	if err := os.WriteFile(in, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// Comma-separated, double quotes, UTF-8 (76), the first sheet.
	out, err := docxtext.Convert(t.Context(), in, "csv:Text - txt - csv (StarCalc):44,34,76,1", "csv")
	if errors.Is(err, docxtext.ErrNoLibreOffice) {
		// .ci/run sets SOVMAP_TEST_CHROMIUM and installs LibreOffice
		// with Chromium: there, a missing soffice is a failure.
		if os.Getenv("SOVMAP_TEST_CHROMIUM") != "" {
			t.Fatal("soffice not found in a CI run (.ci/run installs libreoffice-calc-nogui)")
		}
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("LibreOffice's CSV: %v", err)
	}
	want := reporttest.Cells(t, b.Bytes())[SheetComponents]
	if len(got) != len(r.Components)+1 || len(got) != len(want) {
		t.Fatalf("LibreOffice reads %d rows, excelize %d, want %d and the header", len(got), len(want), len(r.Components))
	}
	trim := func(row []string) []string {
		for len(row) > 0 && row[len(row)-1] == "" {
			row = row[:len(row)-1]
		}
		return row
	}
	for i := range got {
		if g, w := trim(got[i]), trim(want[i]); !slices.Equal(g, w) {
			t.Fatalf("row %d: LibreOffice reads %q, excelize %q", i+1, g, w)
		}
	}
}

// rowsOf gives rows held in memory to fillSheet.
func rowsOf(rows [][]any) func(add func([]any) error) error {
	return func(add func([]any) error) error {
		for _, row := range rows {
			if err := add(row); err != nil {
				return err
			}
		}
		return nil
	}
}
