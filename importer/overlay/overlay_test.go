package overlay

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
	"github.com/sovmap/sovmap/importer/internal/golden"
	"github.com/sovmap/sovmap/importer/terraform"
	"github.com/sovmap/sovmap/kb"
)

func load(t *testing.T, path string) *Overlay {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Load("overlay.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// importPlan imports the terraform importer's test plan, after edit has
// had its say on the document.
func importPlan(t *testing.T, edit func(string) string) *importer.Result {
	t.Helper()
	data, err := os.ReadFile("../terraform/testdata/ai-stack-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	if edit != nil {
		doc = edit(doc)
	}
	r, err := terraform.Import(context.Background(), "plan.json", []byte(doc), terraform.Options{Options: importer.Options{KB: k}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func component(t *testing.T, inv *sovmap.Inventory, id string) sovmap.Component {
	t.Helper()
	for _, c := range inv.Components {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no component %s", id)
	return sovmap.Component{}
}

func TestApply(t *testing.T) {
	r := importPlan(t, nil)
	warnings, summary := load(t, "testdata/overlay.yaml").Apply(r.Inventory)
	r.Warnings = append(r.Warnings, warnings...)
	golden.Check(t, "testdata/golden/applied.yaml", golden.Render(t, r))
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	golden.CheckLoads(t, k, r.Inventory)
	inv := r.Inventory

	if inv.Organization.Home != "DE" || inv.Organization.Name != "Example Agency" || strings.Join(inv.Organization.Trusted, ",") != "EU,CH" {
		t.Errorf("organization = %+v", inv.Organization)
	}
	// The exact entry wins over the pattern; maps merge, imported fields stay.
	ds := component(t, inv, "aws_s3_bucket.datasets")
	if strings.Join(ds.Data, ",") != "personal.health" || ds.Criticality != sovmap.CriticalityHigh || ds.KeyCustody != sovmap.KeysCustomerManaged {
		t.Errorf("datasets = data %v, criticality %s, keys %s", ds.Data, ds.Criticality, ds.KeyCustody)
	}
	if ds.Tags["owner"] != "data-team" || ds.Tags["retention"] != "10y" || ds.Tags["terraform.address"] != "aws_s3_bucket.datasets" {
		t.Errorf("datasets tags = %v", ds.Tags)
	}
	if ds.Contract == nil || ds.Contract.GoverningLaw != "LU" || *ds.Contract.ExitNoticeDays != 90 {
		t.Errorf("datasets contract = %+v", ds.Contract)
	}
	if strings.Join(ds.Locations, ",") != "aws:eu-central-1" || ds.Layer != sovmap.LayerStorage || ds.ID != "aws_s3_bucket.datasets" {
		t.Errorf("imported fields lost: %+v", ds)
	}
	// The pattern alone.
	replica := component(t, inv, "module.dr.aws_s3_bucket.replica")
	if strings.Join(replica.Data, ",") != "" || replica.Criticality != "" {
		t.Errorf("the pattern aws_s3_bucket.* must not reach module.dr...: %+v", replica)
	}
	// Lists replace.
	gpu := component(t, inv, "aws_instance.gpu")
	var deps []string
	for _, d := range gpu.DependsOn {
		deps = append(deps, d.ID)
	}
	if strings.Join(deps, ",") != "aws_vpc.main,aws_kms_key.data" || gpu.Criticality != sovmap.CriticalityVital || strings.Join(gpu.OperatedFrom, ",") != "IE,US" {
		t.Errorf("gpu = deps %v, criticality %s, operated_from %v", deps, gpu.Criticality, gpu.OperatedFrom)
	}
	// Providers merge by id or are added; flows and rules are added.
	if len(inv.Providers) != 2 || inv.Providers[0].ID != "aws" || inv.Providers[0].Parent != "amazon" || inv.Providers[1].Country != "DE" {
		t.Errorf("providers = %+v", inv.Providers)
	}
	if len(inv.Flows) != 1 || len(inv.Rules) != 1 || inv.Rules[0].Require != sovmap.SovereignPartner {
		t.Errorf("flows = %+v, rules = %+v", inv.Flows, inv.Rules)
	}
	var msgs []string
	for _, w := range warnings {
		msgs = append(msgs, w.String())
	}
	want := "overlay.yaml:23:5: component aws_instance.retired is not in the import; left out (was it removed?)\n" +
		"overlay.yaml:25:5: pattern google_bigquery_dataset.* matches no component of the import"
	if got := strings.Join(msgs, "\n"); got != want {
		t.Errorf("warnings:\n%s\nwant:\n%s", got, want)
	}
	if summary != "2 components updated; providers: 0 merged, 2 added; flows: 0 merged, 1 added" {
		t.Errorf("summary = %s", summary)
	}
}

// TestSurvivesReimport imports a changed plan (a bucket removed, the GPU
// instance renamed nothing) and applies the same overlay: the hand-written
// facts are back, and the overlay entry whose component went is reported.
func TestSurvivesReimport(t *testing.T) {
	o := load(t, "testdata/overlay.yaml")
	first := importPlan(t, nil)
	o.Apply(first.Inventory)
	second := importPlan(t, func(doc string) string {
		return strings.Replace(doc, `"address": "aws_s3_bucket.datasets"`, `"address": "aws_s3_bucket.gone"`, 1)
	})
	warnings, _ := o.Apply(second.Inventory)
	a, b := component(t, first.Inventory, "aws_instance.gpu"), component(t, second.Inventory, "aws_instance.gpu")
	if a.Criticality != b.Criticality || strings.Join(a.OperatedFrom, ",") != strings.Join(b.OperatedFrom, ",") {
		t.Errorf("gpu differs after re-import: %+v vs %+v", a, b)
	}
	gone := component(t, second.Inventory, "aws_s3_bucket.gone")
	if strings.Join(gone.Data, ",") != "personal" {
		t.Errorf("the pattern should reach the renamed bucket: %v", gone.Data)
	}
	found := false
	for _, w := range warnings {
		found = found || strings.Contains(w.Message, "component aws_s3_bucket.datasets is not in the import")
	}
	if !found {
		t.Errorf("warnings = %v, want the vanished bucket reported", warnings)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"top key", "versoin: 1\n", `overlay.yaml:1:1: unknown key "versoin" (did you mean "version"?)`},
		{"not a mapping", "- a\n", "overlay.yaml:1:1: an overlay is a mapping"},
		{"field", "components:\n  - id: a\n    critcality: high\n", `overlay.yaml:3:5: components[0]: unknown field "critcality" (did you mean "criticality"?) (fields: id, name, layer`},
		{"layer", "components:\n  - {id: a, layer: gpu}\n", `overlay.yaml:2:20: components[0].layer: unknown layer "gpu"`},
		{"criticality", "components:\n  - {id: a, criticality: extreme}\n", `overlay.yaml:2:26: components[0].criticality: unknown criticality "extreme"`},
		{"type", "components:\n  - id: a\n    locations: DE\n", "overlay.yaml:3:16: components[0].locations: cannot unmarshal string `DE` into []string"},
		{"nested", "components:\n  - id: a\n    contract: {govering_law: LU}\n", `overlay.yaml:3:16: components[0].contract: unknown field "govering_law"`},
		{"no id", "providers:\n  - {name: x}\n", "overlay.yaml:2:5: providers[0] has no id"},
		{"list", "components: {id: a}\n", "overlay.yaml:1:13: components is a list"},
		{"version", "version: 2\n", "overlay.yaml:1:10: version 2 is not supported"},
		{"syntax", "components:\n  - id: a\n   bad: [\n", "overlay.yaml:2:3: did not find expected '-' indicator"},
		// 10,001 aliases in "b: [*x, *x, ...": the last, at column 5 + 4 x 10,000.
		{"aliases", "a: &x 1\nb: [" + strings.Repeat("*x, ", 10001) + "]\n", "overlay.yaml:2:40005: too many YAML aliases (more than 10000 in an overlay)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("overlay.yaml", []byte(tt.data))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant prefix %s", err, tt.want)
			}
		})
	}
	// An alias per component, as many as an inventory may have, is fine.
	var many strings.Builder
	many.WriteString("components:\n  - {id: c, criticality: &h high}\n")
	for i := range 10000 {
		fmt.Fprintf(&many, "  - {id: c%d, criticality: *h}\n", i)
	}
	if _, err := Load("many.yaml", []byte(many.String())); err != nil {
		t.Errorf("10,000 aliases: %v", err)
	}
	if o, err := Load("empty.yaml", []byte("# nothing yet\n")); err != nil || o == nil {
		t.Errorf("an empty overlay is fine: %v", err)
	}
}
