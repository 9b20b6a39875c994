package sheet

import (
	"bytes"
	"context"
	"os"
	"testing"
	"testing/fstest"

	"github.com/sovmap/sovmap/importer"
)

// FuzzImportCSV feeds arbitrary components and providers files to the CSV
// importer: it must never panic, and what it accepts must be consistent.
//
//	go test ./importer/sheet -run '^$' -fuzz FuzzImportCSV -fuzztime 60s
func FuzzImportCSV(f *testing.F) {
	var comps, provs bytes.Buffer
	if err := WriteCSV(&comps, "components.csv"); err != nil {
		f.Fatal(err)
	}
	if err := WriteCSV(&provs, ProvidersCSV); err != nil {
		f.Fatal(err)
	}
	f.Add(comps.Bytes(), provs.Bytes())
	f.Add([]byte("id;layer;depends_on\na;compute;b (supply)\nb;storage;a\n"), []byte(""))
	f.Add([]byte("\ufeffid,layer\n\"a\nb\",x\n"), []byte("id\n"))
	k := knowledge(f)
	f.Fuzz(func(t *testing.T, components, providers []byte) {
		fsys := fstest.MapFS{"d/components.csv": {Data: components}, "d/providers.csv": {Data: providers}}
		r, err := ImportCSV(context.Background(), fsys, "d/components.csv", importer.Options{KB: k})
		if err != nil {
			return
		}
		ids := checkComponents(t, r)
		for _, c := range r.Inventory.Components {
			for _, d := range c.DependsOn {
				if !ids[d.ID] {
					t.Fatalf("%s depends on unknown %q", c.ID, d.ID)
				}
			}
		}
	})
}

// FuzzImportXLSX feeds arbitrary bytes, seeded with the template, to the
// workbook importer: it must never panic.
//
//	go test ./importer/sheet -run '^$' -fuzz FuzzImportXLSX -fuzztime 60s -fuzzminimizetime 1s
func FuzzImportXLSX(f *testing.F) {
	f.Add(templateXLSX(f))
	f.Add([]byte("PK\x03\x04"))
	k := knowledge(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ImportXLSX(context.Background(), "f.xlsx", data, importer.Options{KB: k})
		if err != nil {
			return
		}
		for _, c := range r.Inventory.Components {
			if !c.Layer.Valid() {
				t.Fatalf("%s: layer %q", c.ID, c.Layer)
			}
		}
	})
}

// FuzzColumnMap feeds arbitrary column maps and CSV files to the column-map
// import: it must never panic, and what it accepts must be valid
// components.
//
//	go test ./importer/sheet -run '^$' -fuzz FuzzColumnMap -fuzztime 60s
func FuzzColumnMap(f *testing.F) {
	for _, pair := range [][2]string{
		{"testdata/assets.columns.yaml", "testdata/assets.csv"},
	} {
		m, err := os.ReadFile(pair[0])
		if err != nil {
			f.Fatal(err)
		}
		c, err := os.ReadFile(pair[1])
		if err != nil {
			f.Fatal(err)
		}
		f.Add(m, c)
	}
	f.Add([]byte("header_row: 2\nfirst_row: 4\ncolumns: {id: [a, b], layer: c}\ndefaults: {layer: compute}\nvalues: {layer: {'*': storage}}\n"), []byte("x\na,b,c\nguide\n1,,\n,2,\n"))
	f.Add([]byte("columns: {id: A, layer: B}\ntags: {k: [A, B]}\n"), []byte("A;B\nx;compute\n"))
	k := knowledge(f)
	f.Fuzz(func(t *testing.T, mapYAML, csvData []byte) {
		cm, err := LoadColumnMap("m.yaml", mapYAML)
		if err != nil {
			return
		}
		r, err := ImportCSVColumns(context.Background(), fstest.MapFS{"a.csv": {Data: csvData}}, "a.csv", importer.Options{KB: k}, cm)
		if err != nil {
			return
		}
		checkComponents(t, r)
	})
}

// checkComponents fails when an accepted import has a duplicate id, an id
// outside the inventory alphabet or no valid layer; it returns the ids.
func checkComponents(t *testing.T, r *importer.Result) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	for _, c := range r.Inventory.Components {
		if ids[c.ID] || !c.Layer.Valid() || !idPattern.MatchString(c.ID) {
			t.Fatalf("component %q: duplicate, bad id or layer %q", c.ID, c.Layer)
		}
		ids[c.ID] = true
	}
	return ids
}
