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
	"github.com/sovmap/sovmap/importer/internal/golden"
	"github.com/sovmap/sovmap/kb"
)

func knowledge(t testing.TB) *kb.KB { return golden.Knowledge(t) }

func templateXLSX(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func templateCSV(t testing.TB) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, name := range CSVSheets {
		var buf bytes.Buffer
		if err := WriteCSV(&buf, name); err != nil {
			t.Fatal(err)
		}
		fsys["inv/"+name] = &fstest.MapFile{Data: buf.Bytes()}
	}
	return fsys
}

// TestTemplateRoundTrip imports the template as written, in both forms:
// the example rows must come back as the same valid inventory.
func TestTemplateRoundTrip(t *testing.T) {
	k := knowledge(t)
	fromXLSX, err := ImportXLSX(context.Background(), "inventory.xlsx", templateXLSX(t), importer.Options{KB: k})
	if err != nil {
		t.Fatal(err)
	}
	fromCSV, err := ImportCSV(context.Background(), templateCSV(t), "inv/components.csv", importer.Options{KB: k})
	if err != nil {
		t.Fatal(err)
	}
	if len(fromXLSX.Warnings) != 0 || len(fromCSV.Warnings) != 0 {
		t.Errorf("warnings: %v %v", fromXLSX.Warnings, fromCSV.Warnings)
	}
	x, c := golden.Render(t, fromXLSX), golden.Render(t, fromCSV)
	if !bytes.Equal(x, c) {
		t.Errorf("xlsx and csv imports differ:\n%s\n---\n%s", x, c)
	}
	golden.Check(t, "testdata/golden/template.yaml", x)
	golden.CheckLoads(t, k, fromXLSX.Inventory)
	inv := fromXLSX.Inventory
	if len(inv.Components) != 4 || len(inv.Providers) != 2 || len(inv.Flows) != 1 || inv.Organization.Home != "DE" {
		t.Errorf("got %d components, %d providers, %d flows, home %q", len(inv.Components), len(inv.Providers), len(inv.Flows), inv.Organization.Home)
	}
}

// TestReadmeDocumentsEveryColumn checks that the README sheet has a line
// for every column of every sheet, with its allowed values.
func TestReadmeDocumentsEveryColumn(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(templateXLSX(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "Components,Providers,Flows,Organization,README" {
		t.Errorf("sheets = %s", got)
	}
	rows, err := f.GetRows(SheetReadme)
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]string{}
	section := ""
	for _, r := range rows {
		if len(r) == 1 && strings.Contains(r[0], " sheet: ") {
			section = strings.SplitN(r[0], " ", 2)[0]
		}
		if len(r) >= 4 && r[0] != "column" {
			documented[section+"/"+r[0]] = r[3]
		}
	}
	for sheet, cols := range map[string][]column{SheetComponents: componentColumns, SheetProviders: providerColumns, SheetFlows: flowColumns, SheetOrganization: organizationFields} {
		for _, c := range cols {
			allowed, ok := documented[sheet+"/"+c.name]
			if !ok || allowed == "" {
				t.Errorf("README does not document %s/%s", sheet, c.name)
			}
		}
	}
	if !strings.Contains(documented[SheetComponents+"/layer"], "compute") {
		t.Errorf("README layer values = %q", documented[SheetComponents+"/layer"])
	}
	// The header rows and drop-down lists.
	header, _ := f.GetRows(SheetComponents)
	if strings.Join(header[0], ",") != strings.Join(names(componentColumns), ",") {
		t.Errorf("Components header = %v", header[0])
	}
	dvs, err := f.GetDataValidations(SheetComponents)
	if err != nil || len(dvs) != 6 {
		t.Errorf("Components drop-down lists: %d, %v; want 6", len(dvs), err)
	}
}

// workbook builds an xlsx file whose sheets hold the given rows.
func workbook(t *testing.T, sheets map[string][][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	first := true
	for _, name := range []string{SheetComponents, SheetProviders, SheetFlows, SheetOrganization, "Other"} {
		rows, ok := sheets[name]
		if !ok {
			continue
		}
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		if err := writeRows(f, name, rows); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSXErrors(t *testing.T) {
	header := names(componentColumns)
	row := func(cells map[string]string) []string {
		r := make([]string, len(header))
		for i, h := range header {
			r[i] = cells[h]
		}
		return r
	}
	good := row(map[string]string{"id": "ok", "layer": "compute"})
	data := workbook(t, map[string][][]string{
		SheetComponents: {
			header, good,
			row(map[string]string{"id": "a", "layer": "storage", "provider": "nowhere-inc"}),
			row(map[string]string{"id": "ok", "layer": "compute"}),
			{},
			row(map[string]string{"id": "b", "layer": "compute", "locations": "DE, Atlantis", "operated_from": "XX"}),
			row(map[string]string{"id": "c", "layer": "gpu"}),
			row(map[string]string{"id": "d", "layer": "compute", "depends_on": "ok, ghost (supply), bad id"}),
			row(map[string]string{"id": "e", "layer": "data", "data": "Personal Data", "criticality": "extreme", "key_custody": "mine"}),
			row(map[string]string{"id": "f", "layer": "compute", "exit_notice_days": "ninety", "data_return": "maybe", "portability": "free"}),
			row(map[string]string{"name": "no id", "layer": "compute"}),
			row(map[string]string{"id": "g", "tags": "novalue"}),
		},
		SheetProviders:    {{"id", "name", "country", "parent"}, {"p1", "P", "Narnia", "nobody"}},
		SheetFlows:        {{"id", "from", "to", "mechanism"}, {"f1", "ok", "missing", "handshake"}},
		SheetOrganization: {{"field", "value"}, {"home", "Utopia"}},
	})
	_, err := ImportXLSX(context.Background(), "inventory.xlsx", data, importer.Options{KB: knowledge(t)})
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		`inventory.xlsx: Organization!B2: home: unknown country or bloc "Utopia"`,
		`inventory.xlsx: Providers!C2: country: unknown country "Narnia"`,
		`inventory.xlsx: Components!A4: duplicate component id "ok" (first at inventory.xlsx: Components!A2)`,
		`inventory.xlsx: Components!E6: locations: unknown location "Atlantis"`,
		`inventory.xlsx: Components!F6: operated_from: unknown country or bloc "XX"`,
		`inventory.xlsx: Components!D7: unknown layer "gpu"`,
		`inventory.xlsx: Components!J8: depends_on: "bad id" is not a component id`,
		`inventory.xlsx: Components!G9: data class "Personal Data" is not a dotted lower-case name`,
		`inventory.xlsx: Components!H9: unknown criticality "extreme"`,
		`inventory.xlsx: Components!I9: unknown key custody "mine"`,
		`inventory.xlsx: Components!M10: exit_notice_days: "ninety" is not a whole number of days`,
		`inventory.xlsx: Components!N10: data_return: "maybe" is not yes or no`,
		`inventory.xlsx: Components!O10: unknown portability "free"`,
		`inventory.xlsx: Components!A11: component without an id`,
		`inventory.xlsx: Components!D12: component g has no layer`,
		`inventory.xlsx: Components!T12: tags: "novalue" is not key=value`,
		`inventory.xlsx: Flows!D2: unknown mechanism "handshake"`,
		`inventory.xlsx: Providers!D2: parent: no provider "nobody" in the Providers sheet or the knowledge base`,
		`inventory.xlsx: Components!C3: provider: no provider "nowhere-inc" in the Providers sheet or the knowledge base`,
		`inventory.xlsx: Components!J8: depends_on: no component "ghost" in the Components sheet`,
		`inventory.xlsx: Flows!C2: to: no component "missing" in the Components sheet`,
	}
	got := strings.Split(err.Error(), "\n")
	for i := 0; i < len(want) || i < len(got); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if !strings.HasPrefix(g, w) || (w == "") != (g == "") {
			t.Errorf("error %d:\n got  %s\n want %s", i, g, w)
		}
	}
}

func TestXLSXStructureErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"not a workbook", []byte("id,layer\n"), "inventory.xlsx: not an xlsx workbook"},
		{"no components sheet", workbook(t, map[string][][]string{"Other": {{"x"}}}), "inventory.xlsx: no Components sheet (it has Other)"},
		{"no layer column", workbook(t, map[string][][]string{SheetComponents: {{"id", "Name"}, {"a", "b"}}}), "inventory.xlsx: Components!A1: no layer column"},
		{"empty sheet", workbook(t, map[string][][]string{SheetComponents: {}}), "inventory.xlsx: Components!A1: the sheet is empty"},
		{"duplicate column", workbook(t, map[string][][]string{SheetComponents: {{"id", "layer", "Layer"}}}), "inventory.xlsx: Components!C1: column layer appears twice (first in B1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ImportXLSX(context.Background(), "inventory.xlsx", tt.data, importer.Options{KB: knowledge(t)})
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant prefix %s", err, tt.want)
			}
		})
	}
}

// TestHeaderVariants reads headers written the way people write them:
// other cases, spaces, notes in parentheses, required markers, columns in
// another order, unknown columns (ignored with a warning).
func TestHeaderVariants(t *testing.T) {
	data := workbook(t, map[string][][]string{SheetComponents: {
		{"Layer *", "ID", "Operated From (countries)", "Owner", "Key-Custody"},
		{"Storage", "db", "de; fr", "alice", "Customer-Held"},
	}})
	r, err := ImportXLSX(context.Background(), "inv.xlsx", data, importer.Options{KB: knowledge(t)})
	if err != nil {
		t.Fatal(err)
	}
	c := r.Inventory.Components[0]
	if c.ID != "db" || c.Layer != "storage" || strings.Join(c.OperatedFrom, ",") != "DE,FR" || c.KeyCustody != "customer-held" {
		t.Errorf("component = %+v", c)
	}
	var msgs []string
	for _, w := range r.Warnings {
		msgs = append(msgs, w.String())
	}
	all := strings.Join(msgs, "\n")
	if !strings.Contains(all, `inv.xlsx: Components!D1: column "Owner" is not one sovmap reads; ignored`) || !strings.Contains(all, "no organization home") {
		t.Errorf("warnings = %s", all)
	}
}

func TestCSV(t *testing.T) {
	// Semicolons, a byte-order mark and a quoted cell with a line break,
	// as a spreadsheet in a European locale writes them.
	fsys := fstest.MapFS{
		"x/inventory.csv":    {Data: []byte("\ufeffid;layer;locations;depends_on\n\"db\";storage;\"DE,\nFR\";\napp;application;DE;db\n")},
		"x/organization.csv": {Data: []byte("field,value\nhome,EU\n")},
	}
	r, err := ImportCSV(context.Background(), fsys, "x/inventory.csv", importer.Options{KB: knowledge(t)})
	if err != nil {
		t.Fatal(err)
	}
	inv := r.Inventory
	if len(inv.Components) != 2 || strings.Join(inv.Components[0].Locations, ",") != "DE,FR" || inv.Components[1].DependsOn[0].ID != "db" || inv.Organization.Home != "EU" {
		t.Errorf("inventory = %+v", inv)
	}
	fsys["x/inventory.csv"] = &fstest.MapFile{Data: []byte("id;layer\ndb;storage\n\n\"app\";gpu\n")}
	_, err = ImportCSV(context.Background(), fsys, "x/inventory.csv", importer.Options{KB: knowledge(t)})
	if err == nil || err.Error() != `inventory.csv:4:7 (cell B3): unknown layer "gpu" (one of `+joinLayers()+")" {
		t.Errorf("error = %v", err)
	}
	fsys["x/inventory.csv"] = &fstest.MapFile{Data: []byte("id,layer\ndb,st\"orage\n")}
	_, err = ImportCSV(context.Background(), fsys, "x/inventory.csv", importer.Options{KB: knowledge(t)})
	if err == nil || !strings.HasPrefix(err.Error(), `inventory.csv:2:6: bare " in non-quoted-field`) {
		t.Errorf("error = %v", err)
	}
	_, err = ImportCSV(context.Background(), fsys, "x/missing.csv", importer.Options{KB: knowledge(t)})
	if err == nil || !strings.Contains(err.Error(), "x/missing.csv") {
		t.Errorf("error = %v", err)
	}
}

func TestManyErrorsAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,layer\n")
	for i := 0; i < 150; i++ {
		fmt.Fprintf(&b, "c%d,gpu\n", i)
	}
	fsys := fstest.MapFS{"c.csv": {Data: []byte(b.String())}}
	_, err := ImportCSV(context.Background(), fsys, "c.csv", importer.Options{KB: knowledge(t)})
	lines := strings.Split(fmt.Sprint(err), "\n")
	if len(lines) != maxErrors+1 || lines[maxErrors] != "... and 50 more problems" {
		t.Errorf("got %d lines, last %q", len(lines), lines[len(lines)-1])
	}
}
