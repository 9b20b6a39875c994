package cyclonedx

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goldenfile "github.com/sovmap/sovmap/internal/golden"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/sample"
)

var fixed = Options{
	SerialNumber: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
	Now:          time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
	ToolVersion:  "test",
}

// compileSchema loads the official CycloneDX 1.6 schema and the two schemas
// it refers to, under the URLs their $ids give them.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, name := range []string{"bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json"} {
		path := sample.SharedFixture("cyclonedx-schema/" + name)
		if path == "" {
			t.Fatalf("shared fixture cyclonedx-schema/%s not found beside the module (../shared/fixtures)", name)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := c.AddResource("http://cyclonedx.org/schema/"+name, doc); err != nil {
			t.Fatal(err)
		}
	}
	sch, err := c.Compile("http://cyclonedx.org/schema/bom-1.6.schema.json")
	if err != nil {
		t.Fatalf("compile CycloneDX schema: %v", err)
	}
	return sch
}

func validate(t *testing.T, sch *jsonschema.Schema, data []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	return sch.Validate(inst)
}

func write(t *testing.T, r *sovmap.Report, inv *sovmap.Inventory, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteOptions(&buf, r, inv, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestValidatesAgainstSchema(t *testing.T) {
	sch := compileSchema(t)
	odd := sample.Inventory()
	odd.Components[0].ID = "ehr db/äöü#1"
	odd.Flows[0].From = odd.Components[0].ID
	tests := []struct {
		name string
		r    *sovmap.Report
		inv  *sovmap.Inventory
		opts Options
	}{
		{"inventory and report", sample.Report(), sample.Inventory(), fixed},
		{"inventory only", nil, sample.Inventory(), fixed},
		{"report only", sample.Report(), nil, fixed},
		{"random serial", sample.Report(), sample.Inventory(), Options{}},
		{"odd ids", nil, odd, fixed},
		{"empty inventory", nil, &sovmap.Inventory{Version: 1}, fixed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := validate(t, sch, write(t, tt.r, tt.inv, tt.opts)); err != nil {
				t.Fatalf("BOM does not validate:\n%v", err)
			}
		})
	}
}

func TestSchemaRejectsBrokenBOM(t *testing.T) {
	sch := compileSchema(t)
	data := string(write(t, sample.Report(), sample.Inventory(), fixed))
	broken := strings.Replace(data, `"flow": "outbound"`, `"flow": "sideways"`, 1)
	if broken == data {
		t.Fatal("sample has no outbound flow to break")
	}
	if err := validate(t, sch, []byte(broken)); err == nil {
		t.Fatal("schema accepted a data flow direction of \"sideways\"")
	}
}

func TestGolden(t *testing.T) {
	data := write(t, sample.Report(), sample.Inventory(), fixed)
	golden := filepath.Join("testdata", "sample.cdx.json")
	goldenfile.Check(t, golden, data)
}

func props(p *[]cdx.Property) map[string][]string {
	m := map[string][]string{}
	if p != nil {
		for _, x := range *p {
			m[x.Name] = append(m[x.Name], x.Value)
		}
	}
	return m
}

func TestMapping(t *testing.T) {
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(write(t, sample.Report(), sample.Inventory(), fixed)), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		t.Fatal(err)
	}
	if bom.SpecVersion != cdx.SpecVersion1_6 {
		t.Errorf("spec version %s, want 1.6", bom.SpecVersion)
	}
	services := map[string]cdx.Service{}
	for _, s := range *bom.Services {
		services[s.BOMRef] = s
	}
	components := map[string]cdx.Component{}
	for _, c := range *bom.Components {
		components[c.BOMRef] = c
	}
	// Layers decide services versus components.
	if c, ok := components["triage-model"]; !ok || c.Type != cdx.ComponentTypeMachineLearningModel {
		t.Errorf("triage-model = %+v, want a machine-learning-model component", c)
	}
	if c, ok := components["gpu-pool"]; !ok || c.Type != cdx.ComponentTypeDevice {
		t.Errorf("gpu-pool = %+v, want a device component", c)
	}
	tc, ok := services["train-cluster"]
	if !ok {
		t.Fatal("train-cluster is not a service")
	}
	// Trust zones: controller tier or worse exposure.
	zones := map[string]string{"ehr-db": "home", "train-cluster": "trusted", "chat-app": "restricted", "support": "trusted"}
	for id, want := range zones {
		if got := services[id].TrustZone; got != want {
			t.Errorf("%s trust zone = %q, want %q", id, got, want)
		}
	}
	if b := services["ehr-db"].CrossesTrustBoundary; b == nil || *b {
		t.Error("ehr-db is at home and must not cross a trust boundary")
	}
	if tc.Provider == nil || tc.Provider.Name != "Amazon Web Services EMEA SARL" || tc.Provider.Address == nil || tc.Provider.Address.Country != "LU" {
		t.Errorf("train-cluster provider = %+v", tc.Provider)
	}
	p := props(tc.Properties)
	checks := map[string][]string{
		PropLayer:          {"compute"},
		PropLocation:       {"aws:eu-central-1"},
		PropOperatedFrom:   {"IE", "US"},
		PropLevel:          {"1"},
		PropEffectiveLevel: {"1"},
		PropRequiredLevel:  {"3"},
		PropGap:            {"2"},
		PropBinding:        {"legal", "keys"},
		PropExposure:       {"US"},
		PropSupplyDep:      {"cuda"},
		PropExitNoticeDays: {"90"},
	}
	for name, want := range checks {
		if strings.Join(p[name], ",") != strings.Join(want, ",") {
			t.Errorf("train-cluster %s = %q, want %q", name, p[name], want)
		}
	}
	// The ehr-to-train flow sits on ehr-db, outbound, linking train-cluster.
	var found bool
	for _, d := range *services["ehr-db"].Data {
		if d.Name == "ehr-to-train" {
			found = true
			if d.Flow != cdx.DataFlowOutbound || d.Classification != "personal.health" || d.Destination == nil ||
				(*d.Destination)[0] != "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#train-cluster" {
				t.Errorf("ehr-to-train = %+v", d)
			}
		}
	}
	if !found {
		t.Error("flow ehr-to-train not on ehr-db")
	}
	// chat-logs starts at a model component: it sits on chat-app, inbound.
	var inbound bool
	for _, d := range *services["chat-app"].Data {
		if d.Name == "chat-logs" && d.Flow == cdx.DataFlowInbound && d.Source != nil {
			inbound = true
		}
	}
	if !inbound {
		t.Error("flow chat-logs not on chat-app as inbound")
	}
	// Dependencies carry depends_on.
	deps := map[string][]string{}
	for _, d := range *bom.Dependencies {
		if d.Dependencies != nil {
			deps[d.Ref] = *d.Dependencies
		}
	}
	if strings.Join(deps["train-cluster"], ",") != "gpu-pool,cuda" {
		t.Errorf("train-cluster depends on %q", deps["train-cluster"])
	}
	if len(*bom.Dependencies) != 7 {
		t.Errorf("%d dependency entries, want one per component (7)", len(*bom.Dependencies))
	}
	// The metadata carries providers whole.
	mp := props(bom.Metadata.Properties)
	if len(mp[PropProviderJSON]) != 5 || mp[PropHome][0] != "DE" {
		t.Errorf("metadata properties = %v", mp)
	}
	var prov sovmap.Provider
	if err := json.Unmarshal([]byte(mp[PropProviderJSON][0]), &prov); err != nil || prov.Parent != "amazon" {
		t.Errorf("first provider = %+v (%v)", prov, err)
	}
}

func TestBadSerialNumber(t *testing.T) {
	for _, s := range []string{"3e671687-395b-41f5-a30f-a58921a69b79", "urn:uuid:XE671687-395b-41f5-a30f-a58921a69b79", "urn:uuid:short"} {
		err := WriteOptions(&bytes.Buffer{}, nil, sample.Inventory(), Options{SerialNumber: s})
		if err == nil {
			t.Errorf("serial %q accepted", s)
		}
	}
}

func TestNothingToWrite(t *testing.T) {
	if err := Write(&bytes.Buffer{}, nil, nil); err == nil {
		t.Fatal("Write(nil, nil) succeeded")
	}
}

func TestExamplesValidate(t *testing.T) {
	sch := compileSchema(t)
	examples, err := sample.Examples(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range examples {
		t.Run(ex.Name, func(t *testing.T) {
			if err := validate(t, sch, write(t, ex.Report, ex.Inventory, fixed)); err != nil {
				t.Fatalf("BOM does not validate:\n%v", err)
			}
		})
	}
}
