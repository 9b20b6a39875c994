package sheet

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/internal/reporttest"
	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/report"
)

// reusing is the stream of a report through one reused result and spec
// (sample.Reusing), counting its passes.
func reusing(r *sovmap.Report, inv *sovmap.Inventory, passes *int) report.Stream {
	s := report.StreamOf(r, inv)
	s.Components = sample.Counting(sample.Reusing(s.Components), passes)
	return s
}

// generated assesses a generated inventory.
func generated(t *testing.T, n int) (*sovmap.Report, *sovmap.Inventory) {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	inv := gen.Inventory(k, gen.Options{Components: n, Seed: 3})
	r, err := assess.Assess(context.Background(), inv, k, assess.Options{Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return r, inv
}

// TestStreamsWriteWhatWholeWrites: over a stream that reuses one struct,
// the CSV is the whole writer's byte for byte, and the workbook, whose
// component rows are written into the zip as they come, reads (with
// excelize) as the one excelize writes whole: the same cells on every
// sheet, the same tables over the same ranges, the same parts. Each reads
// the components once.
func TestStreamsWriteWhatWholeWrites(t *testing.T) {
	big, bigInv := generated(t, 2000)
	for _, c := range []struct {
		name string
		r    *sovmap.Report
		inv  *sovmap.Inventory
	}{{"sample", sample.Report(), sample.Inventory()}, {"generated", big, bigInv}} {
		t.Run(c.name, func(t *testing.T) {
			var whole, streamed bytes.Buffer
			if err := WriteCSV(&whole, c.r, c.inv); err != nil {
				t.Fatal(err)
			}
			passes := 0
			if err := WriteCSVStream(&streamed, reusing(c.r, c.inv, &passes)); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(whole.Bytes(), streamed.Bytes()) {
				t.Error("the streamed CSV differs from the whole one")
			}
			if passes != 1 {
				t.Errorf("the CSV read the components %d times, want once", passes)
			}
			// The workbook's oracle is the one excelize writes whole.
			want := excelizeWorkbook(t, report.StreamOf(c.r, c.inv))
			streamed.Reset()
			passes = 0
			if err := WriteXLSXStream(&streamed, reusing(c.r, c.inv, &passes)); err != nil {
				t.Fatal(err)
			}
			if passes != 1 {
				t.Errorf("the workbook read the components %d times, want once", passes)
			}
			w, s := reporttest.Cells(t, want), reporttest.Cells(t, streamed.Bytes())
			if len(w) != 4 || len(s) != len(w) {
				t.Fatalf("%d sheets streamed, %d written whole, want 4", len(s), len(w))
			}
			for sheet, rows := range w {
				if a, b := joinRows(rows), joinRows(s[sheet]); !bytes.Equal(a, b) {
					i := reporttest.FirstDifference(a, b)
					t.Errorf("sheet %s differs at byte %d: %.80q, excelize's %.80q", sheet, i, b[i:], a[i:])
				}
			}
			if got, want := tables(t, streamed.Bytes()), tables(t, want); !slices.Equal(got, want) {
				t.Errorf("tables %q, want %q", got, want)
			}
			if got, want := parts(t, streamed.Bytes()), parts(t, want); !slices.Equal(got, want) {
				t.Errorf("parts %q, want %q", got, want)
			}
			if n := len(w[SheetComponents]); n != len(c.r.Components)+1 {
				t.Errorf("%d rows on the components sheet, want %d and the header", n, len(c.r.Components))
			}
			// The oracle of the cells is the report and the inventory
			// themselves: each row's id and gap are the component's, its
			// name the inventory's component of that id.
			names := map[string]string{}
			for _, comp := range c.inv.Components {
				names[comp.ID] = comp.Name
			}
			for i, row := range s[SheetComponents][1:] {
				comp := c.r.Components[i]
				if row[0] != comp.ID || row[1] != names[comp.ID] || row[9] != strconv.Itoa(comp.Gap) {
					t.Fatalf("row %d is %s %q gap %s, want %s %q gap %d", i+2, row[0], row[1], row[9], comp.ID, names[comp.ID], comp.Gap)
				}
			}
		})
	}
}

// TestStreamErrorsReturned: a stream that fails midway fails the writers
// with its error.
func TestStreamErrorsReturned(t *testing.T) {
	broken := errors.New("the store went away")
	s := report.StreamOf(sample.Report(), sample.Inventory())
	whole := s.Components
	s.Components = func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
		n := 0
		return whole(func(c *sovmap.ComponentResult, sp *sovmap.Component) error {
			if n++; n == 3 {
				return broken
			}
			return yield(c, sp)
		})
	}
	var buf bytes.Buffer
	if err := WriteCSVStream(&buf, s); !errors.Is(err, broken) {
		t.Errorf("CSV: error %v, want the stream's", err)
	}
	if err := WriteXLSXStream(&buf, s); !errors.Is(err, broken) {
		t.Errorf("XLSX: error %v, want the stream's", err)
	}
}
