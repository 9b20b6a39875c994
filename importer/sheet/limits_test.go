package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/importer"
)

// bombXLSX builds a workbook by hand, as an attacker would: the package
// parts excelize needs and one sheet, Components, whose XML body writes.
func bombXLSX(t *testing.T, body func(w io.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	part := func(name, content string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, content)
	}
	part("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	part("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	part("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Components" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	part("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	body(w)
	io.WriteString(w, `</sheetData></worksheet>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func inlineCell(ref, v string) string {
	return fmt.Sprintf(`<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, v)
}

// header writes the template's two required columns.
func header(w io.Writer) {
	fmt.Fprintf(w, `<row r="1">%s%s</row>`, inlineCell("A1", "id"), inlineCell("B1", "layer"))
}

// TestWorkbookLimits feeds the importer workbooks that are small on disk
// and huge once unpacked, and checks that each is refused with the limit
// it broke, the file, sheet and cell, before it costs what it would.
func TestWorkbookLimits(t *testing.T) {
	opts := importer.Options{KB: knowledge(t)}
	tests := []struct {
		name string
		body func(w io.Writer)
		want string
	}{
		{"one value far down", func(w io.Writer) {
			header(w)
			fmt.Fprintf(w, `<row r="1048576">%s</row>`, inlineCell("A1048576", "x"))
		}, "Components!A1048576: a value in row 1048576"},
		{"too wide a row", func(w io.Writer) {
			header(w)
			fmt.Fprintf(w, `<row r="2">%s</row>`, inlineCell("XFD2", "x"))
		}, "Components!XFD2: a value in column 16384"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := bombXLSX(t, tt.body)
			_, err := ImportXLSX(context.Background(), "bomb.xlsx", data, opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("%d bytes on disk: err %v; want %q", len(data), err, tt.want)
			}
			t.Logf("%d bytes on disk refused: %v", len(data), err)
		})
	}
}

// TestWorkbookRowLimit checks the bound on rows with the bound lowered,
// since reaching 200,000 rows takes seconds (the far-down bomb above meets
// the real bound): the header and 100 rows pass a limit of 101, the next
// row breaks it, and nothing after it is read.
func TestWorkbookRowLimit(t *testing.T) {
	opts := importer.Options{KB: knowledge(t)}
	data := bombXLSX(t, func(w io.Writer) {
		header(w)
		for n := 2; n <= 1000; n++ {
			fmt.Fprintf(w, `<row r="%d">%s%s</row>`, n, inlineCell(fmt.Sprintf("A%d", n), fmt.Sprintf("c%d", n)), inlineCell(fmt.Sprintf("B%d", n), "compute"))
		}
	})
	r, err := importXLSX(context.Background(), "rows.xlsx", data, opts, limits{rows: 1000, columns: 10, cells: 10_000})
	if err != nil || len(r.Inventory.Components) != 999 {
		t.Fatalf("1000 rows within a limit of 1000: err %v", err)
	}
	_, err = importXLSX(context.Background(), "rows.xlsx", data, opts, limits{rows: 101, columns: 10, cells: 10_000})
	if err == nil || !strings.Contains(err.Error(), "rows.xlsx: Components!A102: a value in row 102; sovmap reads at most 101 rows a sheet") {
		t.Errorf("err %v; want the row limit at A102", err)
	}
}

// TestWorkbookCellLimit checks the bound on the cells of a workbook with
// the bound lowered, since reaching ten million cells takes a minute: 3
// rows of 4 cells pass a limit of 12 and a fourth row breaks it.
func TestWorkbookCellLimit(t *testing.T) {
	opts := importer.Options{KB: knowledge(t)}
	data := bombXLSX(t, func(w io.Writer) {
		for n := 1; n <= 4; n++ {
			fmt.Fprintf(w, `<row r="%d"><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c><c><v>4</v></c></row>`, n)
		}
	})
	_, err := importXLSX(context.Background(), "cells.xlsx", data, opts, limits{rows: 10, columns: 10, cells: 12})
	if err == nil || !strings.Contains(err.Error(), "cells.xlsx: Components!D4: more than 12 cells") {
		t.Errorf("err %v; want the cell limit at D4", err)
	}
	_, err = importXLSX(context.Background(), "cells.xlsx", data, opts, limits{rows: 10, columns: 10, cells: 16})
	if err == nil || strings.Contains(err.Error(), "more than") {
		t.Errorf("16 cells within a limit of 16: err %v; want the header error, not a limit", err)
	}
}

// TestWorkbookDeclaredSize checks the limit on the unpacked size: a part
// that declares more than MaxUnzipped is refused before it is unpacked,
// and one that lies about its size is refused by archive/zip when it
// expands past what it declared.
func TestWorkbookDeclaredSize(t *testing.T) {
	opts := importer.Options{KB: knowledge(t)}
	good := bombXLSX(t, header)
	if _, err := ImportXLSX(context.Background(), "ok.xlsx", good, opts); err != nil {
		t.Fatalf("the hand-built workbook with a header only: %v", err)
	}
	for _, declared := range []uint64{MaxUnzipped + 1, 10} {
		t.Run(fmt.Sprint(declared), func(t *testing.T) {
			zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			for _, f := range zr.File {
				raw, err := f.OpenRaw()
				if err != nil {
					t.Fatal(err)
				}
				h := f.FileHeader
				if strings.HasSuffix(f.Name, "sheet1.xml") {
					h.UncompressedSize64 = declared
				}
				w, err := zw.CreateRaw(&h)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(w, raw)
			}
			zw.Close()
			_, err = ImportXLSX(context.Background(), "bomb.xlsx", buf.Bytes(), opts)
			if err == nil {
				t.Fatalf("a sheet declaring %d bytes was read", declared)
			}
			if declared > MaxUnzipped && !strings.Contains(err.Error(), "bomb.xlsx: not an xlsx workbook: unzip size exceeds the 268435456 bytes limit") {
				t.Errorf("err %v; want the unzip size limit named", err)
			}
			t.Logf("declared %d: %v", declared, err)
		})
	}
}
