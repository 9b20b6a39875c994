package cyclonedx

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
	"github.com/sovmap/sovmap/importer/internal/golden"
	"github.com/sovmap/sovmap/kb"
)

// fixtures is the shared folder of third-party BOMs, beside the module.
const fixtures = "../../../shared/fixtures/cyclonedx"

// thirdParty holds the BOMs gathered for the interop review, from the
// CycloneDX specification's test files and examples (see its SOURCES.md).
const thirdParty = "../../../shared/fixtures/third-party/cyclonedx"

func knowledge(t testing.TB) *kb.KB { return golden.Knowledge(t) }

func importFile(t testing.TB, path string, strict bool) (*importer.Result, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Import(context.Background(), filepath.Base(path), data, Options{Options: importer.Options{KB: knowledge(t)}, Strict: strict})
}

func TestImportGolden(t *testing.T) {
	for _, path := range []string{
		fixtures + "/saasbom-apigateway-microservices-datastores.bom.json",
		fixtures + "/mlbom-model-foundationmodels.bom.json",
		fixtures + "/mlbom-dataset.bom.json",
		"testdata/ai-platform.bom.json",
		"testdata/crypto-provides-1.6.bom.json",
		thirdParty + "/spec-valid-machine-learning-1.6.json",
	} {
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".json"), ".bom")
		t.Run(name, func(t *testing.T) {
			r, err := importFile(t, path, false)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "testdata/golden/"+name+".yaml", golden.Render(t, r))
			golden.CheckLoads(t, knowledge(t), r.Inventory)
		})
	}
}

func find(t *testing.T, inv *sovmap.Inventory, id string) sovmap.Component {
	t.Helper()
	for _, c := range inv.Components {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no component %q", id)
	return sovmap.Component{}
}

func deps(c sovmap.Component) string {
	var out []string
	for _, d := range c.DependsOn {
		out = append(out, d.ID+"/"+string(d.Kind))
	}
	return strings.Join(out, ",")
}

// TestSaaSBOM checks the CycloneDX 1.4 SaaSBOM: nested services, data
// classifications, dependencies, and flows derived from the direction of
// each service's data.
func TestSaaSBOM(t *testing.T) {
	r, err := importFile(t, fixtures+"/saasbom-apigateway-microservices-datastores.bom.json", false)
	if err != nil {
		t.Fatal(err)
	}
	inv := r.Inventory
	if n := len(inv.Components); n != 7 {
		t.Errorf("got %d components, want 7: the application and 6 services, nested included", n)
	}
	gw := find(t, inv, "api-gateway")
	if gw.Layer != sovmap.LayerConnectivity || gw.Provider != "acme-inc" || strings.Join(gw.Data, ",") != "personal,personal.financial,public" {
		t.Errorf("api-gateway = %s %s %v", gw.Layer, gw.Provider, gw.Data)
	}
	if got := deps(find(t, inv, "ms-3.example.com")); got != "s3-example.amazon.com/runtime" {
		t.Errorf("ms-3 depends on %s", got)
	}
	if l := find(t, inv, "ms-1-pgsql.example.com").Layer; l != sovmap.LayerStorage {
		t.Errorf("Postgres layer = %s, want storage", l)
	}
	flows := map[string]string{}
	for _, f := range inv.Flows {
		flows[f.From+">"+f.To] = strings.Join(f.Data, ",")
	}
	for pair, data := range map[string]string{
		"api-gateway>ms-1.example.com":            "personal",
		"ms-1.example.com>api-gateway":            "personal",
		"ms-1.example.com>ms-1-pgsql.example.com": "personal",
		"ms-3.example.com>s3-example.amazon.com":  "public",
	} {
		if flows[pair] != data {
			t.Errorf("flow %s carries %q, want %q (all flows: %v)", pair, flows[pair], data, flows)
		}
	}
	if len(inv.Flows) != 12 {
		t.Errorf("got %d flows, want 12: both directions of the 6 dependency edges into services with data", len(inv.Flows))
	}
}

func TestMLBOMModel(t *testing.T) {
	r, err := importFile(t, fixtures+"/mlbom-model-foundationmodels.bom.json", false)
	if err != nil {
		t.Fatal(err)
	}
	c := find(t, r.Inventory, "gpt-4o")
	if c.Layer != sovmap.LayerModel || c.Provider != "openai-inc" {
		t.Errorf("gpt-4o = %s %s, want model openai-inc", c.Layer, c.Provider)
	}
	if len(r.Inventory.Providers) != 1 || r.Inventory.Providers[0].Name != "OpenAI Inc" {
		t.Errorf("providers = %v", r.Inventory.Providers)
	}
}

// TestTrailingCommas checks the choice made for the upstream ML-BOM
// dataset example, which is not valid JSON: accepted with a warning that
// names each comma, rejected with its position under Strict.
func TestTrailingCommas(t *testing.T) {
	r, err := importFile(t, fixtures+"/mlbom-dataset.bom.json", false)
	if err != nil {
		t.Fatal(err)
	}
	var where []string
	for _, w := range r.Warnings {
		if strings.Contains(w.Message, "trailing comma") {
			where = append(where, w.Where)
		}
	}
	if strings.Join(where, " ") != "mlbom-dataset.bom.json:8:44 mlbom-dataset.bom.json:27:85" {
		t.Errorf("trailing comma warnings at %v", where)
	}
	c := find(t, r.Inventory, "wikipedia")
	if c.Layer != sovmap.LayerData || c.Provider != "wikimedia" {
		t.Errorf("wikipedia = %s %s, want data wikimedia", c.Layer, c.Provider)
	}
	_, err = importFile(t, fixtures+"/mlbom-dataset.bom.json", true)
	if err == nil || !strings.HasPrefix(err.Error(), "mlbom-dataset.bom.json:8:44: trailing comma") {
		t.Errorf("strict error = %v", err)
	}
}

func TestAIPlatform(t *testing.T) {
	r, err := importFile(t, "testdata/ai-platform.bom.json", false)
	if err != nil {
		t.Fatal(err)
	}
	inv := r.Inventory
	tests := []struct {
		id, layer, provider, locations, data, deps string
	}{
		// metadata.component, with its properties and metadata.supplier.
		{"assistant", "application", "example-agency", "DE", "", "inference-api/runtime,torch/supply,tokenizers/supply"},
		// A purl bom-ref gives way to the name; the country is a name.
		{"torch", "platform", "pytorch-foundation", "", "", ""},
		// sovmap: properties override the supplier and add locations;
		// the model card's dataset is a supply dependency.
		{"llm", "model", "aws", "aws:eu-central-1,aws:eu-west-3", "", "corpus/supply"},
		// sovmap:data replaces the classification-derived classes.
		{"corpus", "data", "example-agency", "", "personal.health,confidential", ""},
		// Nested components; a provider matched by name in the knowledge base.
		{"gpu-firmware", "hardware", "nvidia", "", "", ""},
		{"gpu-node", "hardware", "nvidia", "", "", "gpu-firmware/supply"},
		// A UUID bom-ref gives way to the name.
		{"tokenizers", "platform", "", "", "", ""},
		{"inference-api", "model", "aws", "", "personal,confidential.customer-records", "llm/runtime,gpu-node/runtime,vector-db/runtime"},
		{"vector-db", "storage", "qdrant-solutions-gmbh", "", "confidential", ""},
	}
	for _, tt := range tests {
		c := find(t, inv, tt.id)
		got := strings.Join([]string{string(c.Layer), c.Provider, strings.Join(c.Locations, ","), strings.Join(c.Data, ","), deps(c)}, " | ")
		want := strings.Join([]string{tt.layer, tt.provider, tt.locations, tt.data, tt.deps}, " | ")
		if got != want {
			t.Errorf("%s:\n got  %s\n want %s", tt.id, got, want)
		}
	}
	if a := find(t, inv, "assistant"); a.Criticality != sovmap.CriticalityHigh || strings.Join(a.OperatedFrom, ",") != "DE" {
		t.Errorf("assistant criticality %q operated_from %v", a.Criticality, a.OperatedFrom)
	}
	if c := find(t, inv, "llm"); c.KeyCustody != sovmap.KeysCustomerManaged {
		t.Errorf("llm key custody = %q", c.KeyCustody)
	}
	var flows []string
	for _, f := range inv.Flows {
		flows = append(flows, f.From+">"+f.To+":"+strings.Join(f.Data, ","))
	}
	// Explicit sources and destinations, a BOM-Link included; the URL
	// outside the BOM and the "unknown" direction give no flow.
	if got := strings.Join(flows, " "); got != "assistant>inference-api:personal inference-api>vector-db:confidential.customer-records" {
		t.Errorf("flows = %s", got)
	}
	countries := map[string]string{}
	for _, p := range inv.Providers {
		countries[p.ID] = p.Country
	}
	if countries["pytorch-foundation"] != "US" || countries["qdrant-solutions-gmbh"] != "DE" || countries["example-agency"] != "DE" {
		t.Errorf("provider countries = %v", countries)
	}
	if _, listed := countries["aws"]; listed {
		t.Error("aws is in the knowledge base and needs no providers: entry")
	}
	for _, want := range []string{
		`depends on "nowhere"`, `ref "ghost"`, `dataset "missing-dataset"`, `"https://analytics.example.com"`,
		`direction is "unknown"`, "property sovmap:unknown", `classification "Customer records"`, "1 component names no supplier",
	} {
		found := false
		for _, w := range r.Warnings {
			found = found || strings.Contains(w.String(), want)
		}
		if !found {
			t.Errorf("no warning mentions %s", want)
		}
	}
}

func TestPropertyErrors(t *testing.T) {
	_, err := importFile(t, "testdata/bad-properties.bom.json", false)
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		`bad-properties.bom.json:10:43: components[0] (app): property sovmap:layer: unknown layer "gpu"`,
		`bad-properties.bom.json:11:46: components[0] (app): property sovmap:location: unknown country or bloc "Atlantis"`,
		`bad-properties.bom.json:11:46: components[0] (app): property sovmap:location: unknown region "aws:mars-1"`,
		`bad-properties.bom.json:17:62: components[1] (other): property sovmap:criticality: unknown criticality "extreme"`,
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("error %d = %s\nwant prefix %s", i, lines[i], w)
		}
	}
}

func TestImportErrors(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"empty", "", "b.json: empty file"},
		{"xml", `<?xml version="1.0"?><bom/>`, "b.json: this is XML"},
		{"array", "[]", "b.json:1:1: expected a JSON object"},
		{"syntax", "{\"bomFormat\": \"CycloneDX\",\n \"specVersion\": 1.5 \"x\"}", "b.json:2:21: invalid character '\"' after object key:value pair"},
		{"not cyclonedx", "{\"bomFormat\": \"SPDX\", \"specVersion\": \"1.5\"}", `b.json:1:15: bomFormat is "SPDX", not "CycloneDX"`},
		{"version", "{\"bomFormat\": \"CycloneDX\",\n \"specVersion\": \"2.0\"}", "b.json:2:17: specVersion 2.0 is not supported"},
		{"number version", "{\"bomFormat\": \"CycloneDX\", \"specVersion\": 1.5}", "b.json:1:43: specVersion 1.5 is not supported"},
		{"type", `{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"name": 7}]}`, "b.json: components.name: expected string, found JSON number"},
		{"strict", "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\",\n \"components\": [],\n}", "b.json:2:18: trailing comma"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Import(context.Background(), "b.json", []byte(tt.data), Options{Options: importer.Options{KB: knowledge(t)}, Strict: true})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant it to contain %s", err, tt.want)
			}
		})
	}
}

func TestServiceLayer(t *testing.T) {
	if serviceLayerOf("com.example", "Billing") != sovmap.LayerApplication ||
		serviceLayerOf("", "Customer Postgres") != sovmap.LayerStorage ||
		serviceLayerOf("", "Key Vault") != sovmap.LayerSecurity ||
		serviceLayerOf("", "edge-gateway") != sovmap.LayerConnectivity ||
		serviceLayerOf("", "Stories") != sovmap.LayerApplication { // "s3" must not match inside words
		t.Error("service layers are wrong")
	}
}

func TestMorePropertyErrors(t *testing.T) {
	bom := `{"bomFormat": "CycloneDX", "specVersion": "1.6",
 "metadata": {"properties": [
  {"name": "sovmap:version", "value": "2"},
  {"name": "sovmap:provider_json", "value": "{\"id\": \"p\", \"colour\": \"red\"}"},
  {"name": "sovmap:home", "value": "Atlantis"}]},
 "components": [
  {"type": "application", "name": "a", "properties": [
   {"name": "sovmap:id", "value": "b"},
   {"name": "sovmap:migration_days", "value": "soon"},
   {"name": "sovmap:contract.portability", "value": "free"},
   {"name": "sovmap:contract.data_return", "value": "perhaps"},
   {"name": "sovmap:contract.penalty", "value": "1"}]},
  {"type": "application", "name": "b", "properties": [{"name": "sovmap:id", "value": "b"}]}]}`
	_, err := Import(context.Background(), "m.json", []byte(bom), Options{Options: importer.Options{KB: knowledge(t)}})
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		`m.json:3:39: metadata: property sovmap:version: inventory version "2" is not supported`,
		`m.json:4:45: metadata: property sovmap:provider_json: not the JSON of an inventory entry: json: unknown field "colour"`,
		`m.json:5:36: metadata: property sovmap:home: unknown country or bloc "Atlantis"`,
		`m.json:13:86: components[1] (b): property sovmap:id: "b" is not an id, or another component has it`,
		`m.json:9:47: components[0] (a): property sovmap:migration_days: "soon" is not a whole number of days`,
		`m.json:10:53: components[0] (a): property sovmap:contract.portability: unknown portability "free"`,
		`m.json:11:53: components[0] (a): property sovmap:contract.data_return: "perhaps" is not true or false`,
		`m.json:12:49: components[0] (a): property sovmap:contract.penalty: unknown contract field "penalty"`,
	}
	lines := strings.Split(err.Error(), "\n")
	for i := 0; i < len(want) || i < len(lines); i++ {
		var g, w string
		if i < len(lines) {
			g = lines[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if !strings.HasPrefix(g, w) || (w == "") != (g == "") {
			t.Errorf("error %d:\n got  %s\n want %s", i, g, w)
		}
	}
}

// TestSovmapProperties reads the rest of a component's fields from the
// properties sovmap's own export writes.
func TestSovmapProperties(t *testing.T) {
	bom := `{"bomFormat": "CycloneDX", "specVersion": "1.6",
 "metadata": {"properties": [{"name": "sovmap:version", "value": "1"}, {"name": "sovmap:organization", "value": "Agency"},
  {"name": "sovmap:home", "value": "DE"}, {"name": "sovmap:trusted", "value": "EU"}, {"name": "sovmap:summary.gaps", "value": "3"}]},
 "components": [
  {"bom-ref": "x", "type": "application", "name": "X", "properties": [
   {"name": "sovmap:id", "value": "app:x"}, {"name": "sovmap:certification", "value": "C5"},
   {"name": "sovmap:alternative", "value": "y"}, {"name": "sovmap:migration_days", "value": "30"},
   {"name": "sovmap:supply_dependency", "value": "y"}, {"name": "sovmap:contract.governing_law", "value": "DE"},
   {"name": "sovmap:contract.exit_notice_days", "value": "90"}, {"name": "sovmap:tag.team", "value": "ml"},
   {"name": "sovmap:level", "value": "2"}, {"name": "sovmap:gap", "value": "1"}]},
  {"bom-ref": "y", "type": "data", "name": "Y"},
  {"bom-ref": "z", "type": "data", "name": "Z"}],
 "dependencies": [{"ref": "x", "dependsOn": ["y", "z"]}]}`
	r, err := Import(context.Background(), "s.json", []byte(bom), Options{Options: importer.Options{KB: knowledge(t)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("warnings: %v", r.Warnings)
	}
	inv := r.Inventory
	if inv.Organization.Name != "Agency" || inv.Organization.Home != "DE" || strings.Join(inv.Organization.Trusted, ",") != "EU" {
		t.Errorf("organization = %+v", inv.Organization)
	}
	x := find(t, inv, "app:x")
	if deps(x) != "y/supply,z/runtime" || strings.Join(x.Certifications, ",") != "C5" || strings.Join(x.Alternatives, ",") != "y" ||
		*x.MigrationDays != 30 || x.Contract.GoverningLaw != "DE" || *x.Contract.ExitNoticeDays != 90 || len(x.Tags) != 1 || x.Tags["team"] != "ml" {
		t.Errorf("x = %+v, contract %+v", x, x.Contract)
	}
}

func warningsWith(r *importer.Result, text string) []string {
	var out []string
	for _, w := range r.Warnings {
		if strings.Contains(w.Message, text) {
			out = append(out, w.String())
		}
	}
	return out
}

// TestInteropReview checks the CycloneDX findings of the interop review,
// each on a BOM: the specification's ML test file (an inline dataset), a
// 1.6 BOM with provides and odd types, and the OBOM example with 52
// suppliers and no country for any of them.
func TestInteropReview(t *testing.T) {
	// An inline model-card dataset becomes a data component the model
	// depends on, with the classification of the card (public).
	r, err := importFile(t, thirdParty+"/spec-valid-machine-learning-1.6.json", false)
	if err != nil {
		t.Fatal(err)
	}
	ds := find(t, r.Inventory, "training-data")
	if ds.Layer != sovmap.LayerData || strings.Join(ds.Data, ",") != "public" || ds.Name != "Training Data" {
		t.Errorf("dataset = %+v; want layer data, data [public], name Training Data", ds)
	}
	if got := deps(find(t, r.Inventory, "component-a")); got != "training-data/supply" {
		t.Errorf("model depends on %q, want training-data/supply", got)
	}

	// Unknown and missing types are warned about, once per type; provides
	// is kept as a tag, and a target that is not in the BOM is reported.
	r, err = importFile(t, "testdata/crypto-provides-1.6.bom.json", false)
	if err != nil {
		t.Fatal(err)
	}
	if w := warningsWith(r, `type "widget", which is not a CycloneDX component type`); len(w) != 1 {
		t.Errorf("warnings about widget: %q, want one", w)
	}
	if w := warningsWith(r, "no type (CycloneDX requires one)"); len(w) != 1 {
		t.Errorf("warnings about the missing type: %q, want one", w)
	}
	if got := find(t, r.Inventory, "openssl").Tags["cyclonedx.provides"]; got != "aes-256-gcm" {
		t.Errorf("openssl provides %q, want aes-256-gcm", got)
	}
	if w := warningsWith(r, `provides "chacha20", which is no component`); len(w) != 1 {
		t.Errorf("warnings about chacha20: %q, want one", w)
	}
	if got := deps(find(t, r.Inventory, "openssl")); got != "" {
		t.Errorf("openssl depends on %q; provides is not a dependency", got)
	}

	// Providers without a country: one warning for all of them.
	r, err = importFile(t, thirdParty+"/bomex-obom-standalone-1.4.json", false)
	if err != nil {
		t.Fatal(err)
	}
	stateless := 0
	for _, p := range r.Inventory.Providers {
		if p.Country == "" {
			stateless++
		}
	}
	w := warningsWith(r, "no country in the BOM")
	if stateless < 2 || len(w) != 1 || !strings.Contains(w[0], fmt.Sprintf("%d providers have no country", stateless)) {
		t.Errorf("%d providers without a country; warnings %q, want one that counts them", stateless, w)
	}
}
