package cyclonedx

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/importer"
	cdximport "github.com/sovmap/sovmap/importer/cyclonedx"
	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/kb"
)

// TestRoundTrip exports each example inventory (and the sample) as a BOM,
// imports it back with the CycloneDX importer, and checks that what the
// format carries survives: component ids, names, layers, providers,
// locations, where they are operated from, data classes, criticality, key
// custody, dependency edges and flows with their data classes.
func TestRoundTrip(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	examples, err := sample.Examples(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	cases := []sample.Assessed{{Name: "sample", Inventory: sample.Inventory(), Report: sample.Report()}}
	cases = append(cases, examples...)
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteOptions(&buf, tc.Report, tc.Inventory, fixed); err != nil {
				t.Fatal(err)
			}
			res, err := cdximport.Import(t.Context(), "roundtrip.cdx.json", buf.Bytes(), cdximport.Options{Options: importer.Options{KB: k}})
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			compareInventories(t, k, tc.Inventory, res.Inventory)
		})
	}
}

func compareInventories(t *testing.T, k *kb.KB, want, got *sovmap.Inventory) {
	t.Helper()
	gotByID := map[string]sovmap.Component{}
	for _, c := range got.Components {
		gotByID[c.ID] = c
	}
	if len(got.Components) != len(want.Components) {
		t.Errorf("%d components after the round trip, want %d", len(got.Components), len(want.Components))
	}
	sameSet := func(id, field string, a, b []string) {
		t.Helper()
		a, b = slices.Clone(a), slices.Clone(b)
		sort.Strings(a)
		sort.Strings(b)
		if strings.Join(a, ",") != strings.Join(b, ",") {
			t.Errorf("%s %s = %q, want %q", id, field, b, a)
		}
	}
	for _, w := range want.Components {
		g, ok := gotByID[w.ID]
		if !ok {
			t.Errorf("component %s lost", w.ID)
			continue
		}
		wantName := w.Name
		if wantName == "" {
			wantName = w.ID
		}
		if g.Name != wantName {
			t.Errorf("%s name = %q, want %q", w.ID, g.Name, wantName)
		}
		if g.Layer != w.Layer {
			t.Errorf("%s layer = %s, want %s", w.ID, g.Layer, w.Layer)
		}
		checkProvider(t, k, want, got, w, g)
		if g.Criticality != w.Criticality {
			t.Errorf("%s criticality = %q, want %q", w.ID, g.Criticality, w.Criticality)
		}
		if g.KeyCustody != w.KeyCustody {
			t.Errorf("%s key custody = %q, want %q", w.ID, g.KeyCustody, w.KeyCustody)
		}
		sameSet(w.ID, "locations", w.Locations, g.Locations)
		sameSet(w.ID, "operated_from", w.OperatedFrom, g.OperatedFrom)
		sameSet(w.ID, "data", w.Data, g.Data)
		var wd, gd []string
		for _, d := range w.DependsOn {
			wd = append(wd, d.ID)
		}
		for _, d := range g.DependsOn {
			gd = append(gd, d.ID)
		}
		sameSet(w.ID, "depends_on", wd, gd)
	}
	// Flows: the same (from, to) pairs with the same data classes.
	type pair struct{ from, to string }
	flows := func(inv *sovmap.Inventory) map[pair][]string {
		m := map[pair][]string{}
		for _, f := range inv.Flows {
			p := pair{f.From, f.To}
			m[p] = append(m[p], f.Data...)
		}
		return m
	}
	wf, gf := flows(want), flows(got)
	for p, data := range wf {
		gdata, ok := gf[p]
		if !ok {
			t.Errorf("flow %s -> %s lost", p.from, p.to)
			continue
		}
		sameSet(p.from+"->"+p.to, "flow data", data, gdata)
	}
	if len(gf) != len(wf) {
		t.Errorf("%d flows after the round trip, want %d", len(gf), len(wf))
	}
}

// checkProvider checks a component's provider after the round trip. A
// knowledge-base provider keeps its id. A provider the inventory defines
// travels by name and country: it comes back as a provider of the imported
// inventory, or as the knowledge-base provider of that name, so its id may
// change but it must resolve to the same name and country.
func checkProvider(t *testing.T, k *kb.KB, want, got *sovmap.Inventory, w, g sovmap.Component) {
	t.Helper()
	if w.Provider == "" {
		if g.Provider != "" {
			t.Errorf("%s gained provider %q", w.ID, g.Provider)
		}
		return
	}
	var def *sovmap.Provider
	for i := range want.Providers {
		if want.Providers[i].ID == w.Provider {
			def = &want.Providers[i]
		}
	}
	if def == nil {
		if g.Provider != w.Provider {
			t.Errorf("%s provider = %q, want knowledge-base provider %q", w.ID, g.Provider, w.Provider)
		}
		return
	}
	for _, p := range got.Providers {
		if p.ID == g.Provider {
			if p.Name != def.Name || p.Country != def.Country {
				t.Errorf("%s provider %s = %s (%s), want %s (%s)", w.ID, p.ID, p.Name, p.Country, def.Name, def.Country)
			}
			return
		}
	}
	kp, ok := k.Provider(g.Provider)
	if !ok {
		t.Errorf("%s provider %q resolves neither in the imported inventory nor in the knowledge base", w.ID, g.Provider)
		return
	}
	// The importer matches names without their legal form (Ltd, Limited).
	if importer.NormalizeName(kp.Name) != importer.NormalizeName(def.Name) || kp.Country != def.Country {
		t.Errorf("%s provider %s = %s (%s) in the knowledge base, want %s (%s)", w.ID, g.Provider, kp.Name, kp.Country, def.Name, def.Country)
	}
}

// TestSBOMStaysSBOM imports the CycloneDX OBOM example (903 libraries and an
// operating system), assesses it and exports it again: every component of
// the original, read from the file with encoding/json, must come back with
// its type, version, purl and bom-ref.
func TestSBOMStaysSBOM(t *testing.T) {
	path := sample.SharedFixture("third-party/cyclonedx/bomex-obom-standalone-1.4.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	inv, rep := importedSBOM(t)
	var buf bytes.Buffer
	if err := WriteOptions(&buf, rep, inv, fixed); err != nil {
		t.Fatal(err)
	}
	type comp struct {
		Ref     string `json:"bom-ref"`
		Type    string `json:"type"`
		Name    string `json:"name"`
		Version string `json:"version"`
		PURL    string `json:"purl"`
	}
	var orig, out struct {
		Components []comp `json:"components"`
		Services   []comp `json:"services"`
	}
	if err := json.Unmarshal(data, &orig); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Services) != 0 {
		t.Errorf("%d services in the export of an SBOM that has none", len(out.Services))
	}
	byRef := map[string]comp{}
	for _, c := range out.Components {
		byRef[c.Ref] = c
	}
	seen := map[string]bool{}
	for _, c := range orig.Components {
		if c.Ref == "" || seen[c.Ref] {
			continue // the importer keeps the first of a repeated bom-ref
		}
		seen[c.Ref] = true
		got, ok := byRef[c.Ref]
		if !ok {
			t.Errorf("bom-ref %q (%s) is not in the export", c.Ref, c.Name)
			continue
		}
		if got.Type != c.Type || got.Version != c.Version || got.PURL != c.PURL {
			t.Errorf("%s: type %q version %q purl %q; want %q %q %q", c.Ref, got.Type, got.Version, got.PURL, c.Type, c.Version, c.PURL)
		}
	}
	if len(seen) < 900 {
		t.Fatalf("only %d bom-refs in the original; the fixture is not the one expected", len(seen))
	}
}

// TestProviderLegalNames checks that a provider the inventory names only by
// its knowledge-base id is written with the legal name and country the
// knowledge base gives it, not with its id.
func TestProviderLegalNames(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	inv := &sovmap.Inventory{Version: 1, Organization: sovmap.Organization{Home: "DE"}, Components: []sovmap.Component{
		{ID: "bucket", Layer: sovmap.LayerStorage, Provider: "aws", Locations: []string{"aws:eu-central-1"}},
		{ID: "llm", Layer: sovmap.LayerModel, Provider: "aws", Locations: []string{"aws:eu-central-1"}},
	}}
	rep, err := assess.Assess(t.Context(), inv, k, assess.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bom, err := Build(rep, inv, fixed)
	if err != nil {
		t.Fatal(err)
	}
	want, ok := k.Provider("aws")
	if !ok || want.Name == "" || want.Country == "" {
		t.Fatalf("the knowledge base lacks aws's name or country: %+v", want)
	}
	var entities []*cdx.OrganizationalEntity
	for _, s := range *bom.Services {
		entities = append(entities, s.Provider)
	}
	for _, c := range *bom.Components {
		entities = append(entities, c.Supplier)
	}
	if len(entities) != 2 {
		t.Fatalf("%d components and services, want 2", len(entities))
	}
	for _, e := range entities {
		if e == nil || e.Name != want.Name || e.Address == nil || e.Address.Country != want.Country {
			t.Errorf("provider entity %+v, want %s in %s", e, want.Name, want.Country)
		}
	}
}
