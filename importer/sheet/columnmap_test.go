package sheet

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/xuri/excelize/v2"

	"github.com/sovmap/sovmap/importer"
)

// fedramp is the FedRAMP Integrated Inventory Workbook template, as
// published (third-party/SOURCES.md names its origin).
const fedramp = "../../../shared/fixtures/third-party/sheets/fedramp-appendix-m-iiw-template.xlsx"

func loadMap(t *testing.T, path string) *ColumnMap {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cm, err := LoadColumnMap(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return cm
}

// filledFedRAMP opens the template and fills in the Inventory sheet from
// row 6, below its header (row 2) and guidance (rows 3 to 5), as a cloud
// service provider would; cells are given as column letter to value.
func filledFedRAMP(t *testing.T, rows []map[string]string) []byte {
	t.Helper()
	f, err := excelize.OpenFile(fedramp)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, row := range rows {
		for col, v := range row {
			cell := col + strconv.Itoa(6+i)
			if err := f.SetCellValue("Inventory", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestFedRAMPWorkbook imports the FedRAMP workbook through the column map
// in testdata: the blank template gives no component, and a filled one
// gives components whose fields come from the columns the map names, with
// the values mapped and the rest as tags. The expected values are read
// off the rows below by hand.
func TestFedRAMPWorkbook(t *testing.T) {
	cm := loadMap(t, "testdata/fedramp-iiw.columns.yaml")
	opts := importer.Options{KB: knowledge(t)}
	blank, err := os.ReadFile(fedramp)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ImportXLSXColumns(context.Background(), "iiw.xlsx", blank, opts, cm)
	if err != nil || len(r.Inventory.Components) != 0 {
		t.Fatalf("blank template: err %v; want no component and no error", err)
	}

	data := filledFedRAMP(t, []map[string]string{
		{"B": "10.0.1.15", "C": "10.0.1.15", "D": "Yes", "E": "No", "K": "Ubuntu 22.04", "L": "AWS us-east-1", "M": "GPU Server", "S": "Training nodes", "Y": "Model training"},
		{"B": "orders-db.internal", "C": "10.0.2.20", "D": "Yes", "L": "AWS us-east-1", "M": "database", "P": "Amazon Web Services, Inc.", "Q": "Aurora PostgreSQL 15", "S": "Orders DB"},
		{"B": "fw-edge-1", "D": "No", "L": "Ashburn DC1", "M": "Firewall", "P": "Northwind Appliances", "S": "Edge firewall"},
		{"B": "llm.example.gov", "F": "https://llm.example.gov", "L": "Azure East US", "M": "Model Endpoint", "P": "Microsoft Corporation"},
	})
	r, err = ImportXLSXColumns(context.Background(), "iiw.xlsx", data, opts, cm)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id, name, layer, provider, loc string
		tags                           map[string]string
	}{
		{"10.0.1.15", "Training nodes", "compute", "", "aws:us-east-1", map[string]string{"ip": "10.0.1.15", "virtual": "Yes", "public": "No", "os": "Ubuntu 22.04", "function": "Model training"}},
		{"orders-db.internal", "Orders DB", "storage", "aws", "aws:us-east-1", map[string]string{"ip": "10.0.2.20", "virtual": "Yes", "software": "Aurora PostgreSQL 15"}},
		{"fw-edge-1", "Edge firewall", "security", "northwind-appliances", "US", map[string]string{"virtual": "No"}},
		{"llm.example.gov", "https://llm.example.gov", "model", "microsoft", "azure:eastus", nil},
	}
	if len(r.Inventory.Components) != len(want) {
		t.Fatalf("%d components, want %d", len(r.Inventory.Components), len(want))
	}
	for i, w := range want {
		c := r.Inventory.Components[i]
		got := []string{c.ID, c.Name, string(c.Layer), c.Provider, strings.Join(c.Locations, ",")}
		if strings.Join(got, "|") != strings.Join([]string{w.id, w.name, w.layer, w.provider, w.loc}, "|") {
			t.Errorf("row %d: %q, want %v", 6+i, got, w)
		}
		if len(c.Tags) != len(w.tags) {
			t.Errorf("row %d: tags %v, want %v", 6+i, c.Tags, w.tags)
		}
		for k, v := range w.tags {
			if c.Tags[k] != v {
				t.Errorf("row %d: tag %s = %q, want %q", 6+i, k, c.Tags[k], v)
			}
		}
		if c.Pos.Line != 6+i {
			t.Errorf("row %d: position line %d", 6+i, c.Pos.Line)
		}
	}
	// Northwind Appliances is not in the knowledge base: a provider entry
	// without a country, reported.
	if ps := r.Inventory.Providers; len(ps) != 1 || ps[0].ID != "northwind-appliances" || ps[0].Name != "Northwind Appliances" || ps[0].Country != "" {
		t.Errorf("providers %+v, want northwind-appliances only", r.Inventory.Providers)
	}
	found := false
	for _, w := range r.Warnings {
		found = found || strings.Contains(w.String(), "1 provider named in the provider column is not in the knowledge base (northwind-appliances)")
	}
	if !found {
		t.Errorf("warnings %v lack the provider without a country", r.Warnings)
	}

	// An Asset Type the map does not list is an error at its cell.
	data = filledFedRAMP(t, []map[string]string{{"B": "tape-1", "M": "Tape Library"}})
	_, err = ImportXLSXColumns(context.Background(), "iiw.xlsx", data, opts, cm)
	if err == nil || !strings.Contains(err.Error(), `iiw.xlsx: Inventory!M6: unknown layer "Tape Library"`) {
		t.Errorf("unmapped asset type: %v", err)
	}
}

// TestColumnMapErrors checks that a broken column map is refused with the
// line and column of the problem, and that a map naming a column the sheet
// lacks is refused with the map's position and a suggestion.
func TestColumnMapErrors(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"columns: {id: A, layer: B}\nsheeet: X\n", `m.yaml:2:1: unknown field "sheeet" (did you mean "sheet"?`},
		{"columns: {id: A, layr: B}\n", `m.yaml:1:18: columns: "layr" is not a component field (did you mean "layer"?)`},
		{"columns: {id: A}\n", "columns: no layer"},
		{"columns: {id: A, layer: B}\nheader_row: two\n", "m.yaml:2:13: header_row: expected a whole number"},
		{"columns: {id: A, layer: [B, {x: 1}]}\n", "m.yaml:1:29: columns.layer: a column header, found a mapping"},
		{"columns: {id: A, layer: B}\nheader_row: 3\nfirst_row: 2\n", "m.yaml:3:12: first_row 2 is not below header_row 3"},
		{"columns: {id: A, layer: B}\nvalues: {layer: [x]}\n", "m.yaml:2:17: values.layer: expected a mapping"},
		{"columns: [id\n", "m.yaml:2:1:"},
		{"", "m.yaml: empty column map"},
		// 101 aliases in "b: [*x, *x, ...": the last, at column 5 + 4 x 100.
		{"a: &x 1\nb: [" + strings.Repeat("*x, ", 101) + "]\n", "m.yaml:2:405: too many YAML aliases (more than 100 in a column map)"},
	}
	for _, tt := range tests {
		_, err := LoadColumnMap("m.yaml", []byte(tt.yaml))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err %v, want %q", tt.yaml, err, tt.want)
		}
	}

	cm, err := LoadColumnMap("m.yaml", []byte("columns:\n  id: Asset tag\n  layer: Categry\n"))
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"a.csv": {Data: []byte("Asset tag,Category\nx,compute\n")}}
	_, err = ImportCSVColumns(context.Background(), fsys, "a.csv", importer.Options{KB: knowledge(t)}, cm)
	if err == nil || !strings.Contains(err.Error(), `m.yaml:3:3: column "Categry" is not in the header row a.csv:1:1 (cell A1) of a.csv (did you mean "Category"?)`) {
		t.Errorf("missing column: %v", err)
	}
}

// TestColumnMapCSV checks the CSV example of the docs: value mappings on
// scalar and list fields, providers by legal name, defaults, tags.
func TestColumnMapCSV(t *testing.T) {
	cm := loadMap(t, "testdata/assets.columns.yaml")
	data, err := os.ReadFile("testdata/assets.csv")
	if err != nil {
		t.Fatal(err)
	}
	r, err := ImportCSVColumns(context.Background(), fstest.MapFS{"assets.csv": {Data: data}}, "assets.csv", importer.Options{KB: knowledge(t)}, cm)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range r.Inventory.Components {
		got[c.ID] = strings.Join([]string{string(c.Layer), c.Provider, strings.Join(c.Locations, " "), strings.Join(c.Data, " "), string(c.Criticality), c.Tags["team"]}, "|")
	}
	want := map[string]string{ // from testdata/assets.csv and the map, by hand
		"A-100": "compute|aws|aws:eu-central-1||high|ml",
		"A-101": "storage|aws|aws:eu-central-1|confidential personal.health|vital|data",
		"A-102": "model|microsoft|azure:francecentral|personal.health|high|platform",
		"A-103": "storage|hetzner|DE|personal.health|medium|data",
		"A-104": "application||DE||low|it",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s = %q, want %q", id, got[id], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("components %v", got)
	}
}
