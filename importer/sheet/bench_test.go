package sheet

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/xuri/excelize/v2"

	"github.com/sovmap/sovmap/importer"
)

// BenchmarkImportCSV10k measures a components.csv of 10,000 rows, each
// depending on the previous one:
//
//	go test ./importer/sheet -run '^$' -bench ImportCSV -benchmem
func BenchmarkImportCSV10k(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("id,provider,layer,locations,operated_from,data,criticality,depends_on\n")
	for i := 0; i < 10_000; i++ {
		dep := ""
		if i > 0 {
			dep = fmt.Sprintf("c%d", i-1)
		}
		fmt.Fprintf(&sb, "c%d,aws-emea,compute,aws:eu-central-1,\"IE, US\",personal,high,%s\n", i, dep)
	}
	fsys := fstest.MapFS{"components.csv": {Data: []byte(sb.String())}}
	opts := importer.Options{KB: knowledge(b)}
	b.SetBytes(int64(sb.Len()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := ImportCSV(context.Background(), fsys, "components.csv", opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Inventory.Components) != 10_000 {
			b.Fatalf("%d components", len(r.Inventory.Components))
		}
	}
}

// BenchmarkImportXLSX20k measures a workbook whose Components sheet has
// 20,000 rows of eight columns, read row by row:
//
//	go test ./importer/sheet -run '^$' -bench ImportXLSX -benchmem
func BenchmarkImportXLSX20k(b *testing.B) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	sw.SetRow("A1", []any{"id", "provider", "layer", "locations", "operated_from", "data", "criticality", "depends_on"})
	for i := 0; i < 20_000; i++ {
		dep := ""
		if i > 0 {
			dep = fmt.Sprintf("c%d", i-1)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		sw.SetRow(cell, []any{fmt.Sprintf("c%d", i), "aws-emea", "compute", "aws:eu-central-1", "IE, US", "personal", "high", dep})
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	f.SetSheetName("Sheet1", SheetComponents)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	opts := importer.Options{KB: knowledge(b)}
	b.SetBytes(int64(buf.Len()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := ImportXLSX(context.Background(), "bench.xlsx", buf.Bytes(), opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Inventory.Components) != 20_000 {
			b.Fatalf("%d components", len(r.Inventory.Components))
		}
	}
}
