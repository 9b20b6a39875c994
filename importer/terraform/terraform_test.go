package terraform

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
	"github.com/sovmap/sovmap/importer/internal/golden"
	"github.com/sovmap/sovmap/kb"
)

// fixtures is the shared folder of third-party files, beside the module.
const fixtures = "../../../shared/fixtures/terraform"

// thirdParty holds the artifacts of public projects gathered for the interop
// review (third-party/SOURCES.md names each one's origin).
const thirdParty = "../../../shared/fixtures/third-party"

func knowledge(t testing.TB) *kb.KB { return golden.Knowledge(t) }

func importFile(t testing.TB, path string, layers map[string]sovmap.Layer) *importer.Result {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Import(context.Background(), filepath.Base(path), data, Options{Options: importer.Options{KB: knowledge(t)}, Layers: layers})
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return r
}

func TestImportGolden(t *testing.T) {
	tests := []struct {
		name   string
		path   string
		layers map[string]sovmap.Layer
	}{
		{"checkov-plan", fixtures + "/checkov-aws-plan_with_iam_data_block.tfplan.json", nil},
		{"basic-plan", fixtures + "/terraform-json-basic-plan.json", nil},
		{"basic-plan-mapped", fixtures + "/terraform-json-basic-plan.json", map[string]sovmap.Layer{"null_*": sovmap.LayerApplication}},
		{"no-changes-state-mapped", fixtures + "/terraform-json-no_changes-state.json", map[string]sovmap.Layer{"null_resource": sovmap.LayerApplication}},
		{"ai-stack-plan", "testdata/ai-stack-plan.json", nil},
		{"ai-stack-state", "testdata/ai-stack-state.json", nil},
		{"data-bearing-plan", "testdata/data-bearing-plan.json", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := importFile(t, tt.path, tt.layers)
			golden.Check(t, "testdata/golden/"+tt.name+".yaml", golden.Render(t, r))
			if len(r.Inventory.Components) > 0 {
				golden.CheckLoads(t, knowledge(t), r.Inventory)
			}
		})
	}
}

func component(t *testing.T, inv *sovmap.Inventory, id string) sovmap.Component {
	t.Helper()
	for _, c := range inv.Components {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no component %q", id)
	return sovmap.Component{}
}

func dependsOn(c sovmap.Component) []string {
	var out []string
	for _, d := range c.DependsOn {
		out = append(out, d.ID)
	}
	return out
}

func warningsAbout(r *importer.Result, addr string) []string {
	var out []string
	for _, w := range r.Warnings {
		if strings.HasSuffix(w.Where, ": "+addr) {
			out = append(out, w.Message)
		}
	}
	return out
}

// TestRealPlanRegionFromProvider checks the checkov plan: the bucket's
// region attribute is unknown until apply, but the provider configuration
// fixes it to us-east-2, so the bucket is located there.
func TestRealPlanRegionFromProvider(t *testing.T) {
	r := importFile(t, fixtures+"/checkov-aws-plan_with_iam_data_block.tfplan.json", nil)
	if n := len(r.Inventory.Components); n != 1 {
		t.Fatalf("got %d components, want the bucket only (the policy and the data source are not components)", n)
	}
	c := component(t, r.Inventory, "aws_s3_bucket.example")
	if c.Layer != sovmap.LayerStorage || c.Provider != "aws" || strings.Join(c.Locations, ",") != "aws:us-east-2" {
		t.Errorf("bucket = layer %s, provider %s, locations %v; want storage, aws, [aws:us-east-2]", c.Layer, c.Provider, c.Locations)
	}
	if len(r.Inventory.Providers) != 0 {
		t.Errorf("providers = %v; want none, since the knowledge base knows aws", r.Inventory.Providers)
	}
}

// TestRealPlanModulesAndCounts checks the terraform-json plan with null
// resources mapped to a layer: counted instances, module resources and
// references between them.
func TestRealPlanModulesAndCounts(t *testing.T) {
	r := importFile(t, fixtures+"/terraform-json-basic-plan.json", map[string]sovmap.Layer{"null_resource": sovmap.LayerApplication})
	var ids []string
	for _, c := range r.Inventory.Components {
		ids = append(ids, c.ID)
	}
	want := "module.foo.null_resource.aliased module.foo.null_resource.foo null_resource.bar null_resource.baz-0 null_resource.baz-1 null_resource.baz-2 null_resource.foo"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("components = %s\nwant %s", got, want)
	}
	for _, id := range []string{"null_resource.bar", "null_resource.baz-1"} {
		if got := strings.Join(dependsOn(component(t, r.Inventory, id)), ","); got != "null_resource.foo" {
			t.Errorf("%s depends on %q, want null_resource.foo (from its triggers' references)", id, got)
		}
	}
	if r.Skipped["data source"] != 1 {
		t.Errorf("skipped = %v, want the data source counted", r.Skipped)
	}
}

func TestAIStackPlan(t *testing.T) {
	r := importFile(t, "testdata/ai-stack-plan.json", nil)
	inv := r.Inventory
	tests := []struct {
		id, layer, provider, locations, deps, accelerator string
	}{
		// Region from the default provider, whose region is var.region,
		// set by the plan; dependencies through a security group (not a
		// component) and from depends_on.
		{"aws_instance.gpu", "compute", "aws", "aws:eu-central-1", "aws_s3_bucket.datasets,aws_vpc.main", "gpu"},
		// The encryption setting makes the bucket depend on the key.
		{"aws_s3_bucket.datasets", "storage", "aws", "aws:eu-central-1", "aws_kms_key.data", ""},
		// Aliased provider aws.us.
		{"aws_eks_node_group.gpu-1", "compute", "aws", "aws:us-east-1", "aws_eks_cluster.train", "gpu"},
		// A module's own provider, whose region is a module variable set by the call.
		{"module.dr.aws_s3_bucket.replica", "storage", "aws", "aws:eu-west-1", "", ""},
		// A for_each module; its input variable carries the VPC reference.
		{"module.net-eu.aws_dx_connection.this", "connectivity", "aws", "aws:eu-central-1", "aws_vpc.main", ""},
		// The resource's own zone wins over its provider's region.
		{"aws_instance.paris", "compute", "aws", "aws:eu-west-3", "", ""},
		// Azure display names are normalised; node pools share their cluster's region.
		{"azurerm_kubernetes_cluster.aks", "platform", "microsoft-azure", "azure:westeurope", "", "gpu"},
		{"azurerm_kubernetes_cluster_node_pool.gpu", "compute", "microsoft-azure", "azure:westeurope", "azurerm_kubernetes_cluster.aks", "gpu"},
		{"azurerm_cognitive_account.openai", "model", "microsoft-azure", "azure:swedencentral", "", ""},
		// Google zones give their region; a bucket depends on the key ring through its crypto key.
		{"google_container_cluster.gke", "platform", "google-cloud", "gcp:europe-west4", "", ""},
		{"google_storage_bucket.models", "storage", "google-cloud", "gcp:europe-west3", "google_kms_key_ring.ring", ""},
		{"google_vertex_ai_endpoint.chat", "model", "google-cloud", "gcp:europe-west1", "", ""},
		// Not resolved: reported, not guessed.
		{"aws_sagemaker_endpoint.llm", "model", "aws", "", "", ""},
		{"aws_instance.future", "compute", "aws", "", "", ""},
		{"google_storage_bucket.eu", "storage", "google-cloud", "", "", ""},
		{"aws_route53_zone.public", "connectivity", "aws", "", "", ""},
	}
	for _, tt := range tests {
		c := component(t, inv, tt.id)
		got := []string{string(c.Layer), c.Provider, strings.Join(c.Locations, ","), strings.Join(dependsOn(c), ","), c.Tags["accelerator"]}
		want := []string{tt.layer, tt.provider, tt.locations, tt.deps, tt.accelerator}
		if strings.Join(got, " | ") != strings.Join(want, " | ") {
			t.Errorf("%s: got  %q\n want %q", tt.id, got, want)
		}
	}
	for addr, want := range map[string]string{
		"aws_sagemaker_endpoint.llm": "region unknown until apply (provider aws.dyn region from data.aws_ssm_parameter.region",
		"aws_instance.future":        "region aws:xx-new-1 (attribute region) is not in the knowledge base",
		"google_storage_bucket.eu":   `location "EU" (attribute location) is a multi-region`,
		"aws_route53_zone.public":    "global resource without a region",
	} {
		ws := warningsAbout(r, addr)
		if len(ws) != 1 || !strings.Contains(ws[0], want) {
			t.Errorf("warnings about %s = %q, want one containing %q", addr, ws, want)
		}
	}
	for _, absent := range []string{"aws_s3_bucket.old", "aws_security_group.train", "data.aws_ssm_parameter.region"} {
		for _, c := range inv.Components {
			if c.Tags["terraform.address"] == absent {
				t.Errorf("%s became a component", absent)
			}
		}
	}
	if r.Skipped["planned for deletion"] != 1 {
		t.Errorf("skipped = %v, want one resource planned for deletion", r.Skipped)
	}
}

func TestAIStackState(t *testing.T) {
	r := importFile(t, "testdata/ai-stack-state.json", nil)
	inv := r.Inventory
	// Regions from the ARN, the region attribute and Azure's display name;
	// dependencies from depends_on, through the security group.
	inf := component(t, inv, "aws_instance.inference-0")
	if got := strings.Join(inf.Locations, ","); got != "aws:eu-west-1" {
		t.Errorf("inference locations = %s", got)
	}
	if got := strings.Join(dependsOn(inf), ","); got != "aws_kms_key.disk,aws_vpc.main" {
		t.Errorf("inference depends on %s", got)
	}
	if inf.Tags["accelerator"] != "inferentia" {
		t.Errorf("inference accelerator = %q", inf.Tags["accelerator"])
	}
	sa := component(t, inv, "module.ml.azurerm_storage_account.sa")
	if got := strings.Join(sa.Locations, ","); got != "azure:francecentral" {
		t.Errorf("storage account locations = %s", got)
	}
	ws := component(t, inv, "module.ml.azurerm_machine_learning_workspace.ws")
	if got := strings.Join(dependsOn(ws), ","); got != "aws_vpc.main,module.ml.azurerm_storage_account.sa" {
		t.Errorf("workspace depends on %s", got)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("warnings = %v, want none", r.Warnings)
	}
}

func TestImportErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"empty", "  \n", "x.json: empty file"},
		{"array", "\n [1]", "x.json:2:2: expected a JSON object"},
		{"syntax", "{\"format_version\": \"1.0\",\n \"values\": {]}", "x.json:2:13: invalid character ']'"},
		{"truncated", "{\"format_version\": \"1.0\",\n \"values\": {", "x.json:2:13: unexpected end of JSON input"},
		{"type", "{\"format_version\": \"1.0\",\n  \"resource_changes\": {}}", "x.json:2:23: resource_changes: expected []terraform.resourceChange, found JSON object"},
		{"no version", `{"values": {}}`, "x.json: no format_version: not the output of `terraform show -json`"},
		{"raw state", `{"version": 4, "lineage": "x", "resources": []}`, "x.json: this is a raw state file (terraform.tfstate, version 4)"},
		{"future", `{"format_version": "2.0"}`, `x.json: format_version "2.0" is not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Import(context.Background(), "x.json", []byte(tt.data), Options{Options: importer.Options{KB: knowledge(t)}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestEmptyState(t *testing.T) {
	r, err := Import(context.Background(), "x.json", []byte(`{"format_version":"1.0"}`), Options{Options: importer.Options{KB: knowledge(t)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Inventory.Components) != 0 || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0].Message, "no resources") {
		t.Errorf("got %d components, warnings %v; want none and a warning", len(r.Inventory.Components), r.Warnings)
	}
}

func TestProgress(t *testing.T) {
	data, err := os.ReadFile("testdata/ai-stack-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	var calls, last, total int
	opts := Options{Options: importer.Options{KB: knowledge(t), Progress: func(done, n int) { calls++; last, total = done, n }}}
	if _, err := Import(context.Background(), "p.json", data, opts); err != nil {
		t.Fatal(err)
	}
	if calls == 0 || last != total || total != 27 {
		t.Errorf("progress: %d calls, last %d of %d; want it to reach 27 of 27", calls, last, total)
	}
}

func TestCancel(t *testing.T) {
	data, err := os.ReadFile("testdata/ai-stack-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Import(ctx, "p.json", data, Options{Options: importer.Options{KB: knowledge(t)}}); err != context.Canceled {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

// TestZoneUnknownTakesProviderRegion checks the infracost module plan: the
// second database's availability zone is known only after apply, and its
// module (three levels down, with only a version constraint of its own)
// inherits the aws provider of module.db, fixed to us-east-1. An AWS
// provider works in one region, so the database is there.
func TestZoneUnknownTakesProviderRegion(t *testing.T) {
	r := importFile(t, thirdParty+"/terraform/infracost-aws-v0.14-modules-plan.json", nil)
	for _, id := range []string{
		"module.db.module.db_2.module.db_instance.aws_db_instance.this-0", // zone unknown until apply
		"module.db.module.db_1.module.db_instance.aws_db_instance.this-0", // zone us-east-1f in the plan
	} {
		c := component(t, r.Inventory, id)
		if strings.Join(c.Locations, ",") != "aws:us-east-1" {
			t.Errorf("%s: locations %v; want [aws:us-east-1]", id, c.Locations)
		}
	}
	if w := warningsAbout(r, "module.db.module.db_2.module.db_instance.aws_db_instance.this[0]"); len(w) != 0 {
		t.Errorf("warnings about the database: %q; want none", w)
	}
}

// TestDataBearingTypes checks that the resources that hold data, which
// the interop review found skipped, are components: snapshots, objects,
// graph database instances, of AWS and of their Azure and Google
// counterparts, and that the ones without a region of their own are where
// what they belong to is (a blob in its account, an object in its bucket).
func TestDataBearingTypes(t *testing.T) {
	r := importFile(t, "testdata/data-bearing-plan.json", nil)
	want := map[string]string{ // id -> layer and location, from the plan by hand
		"aws_ebs_snapshot.weights":           "storage aws:eu-central-1",
		"aws_neptune_cluster_instance.graph": "storage aws:eu-central-1",
		"aws_neptune_cluster_snapshot.graph": "storage aws:eu-central-1",
		"aws_s3_object.prompts":              "storage aws:eu-central-1",
		"aws_default_vpc.default":            "connectivity aws:eu-central-1",
		"azurerm_storage_container.corpus":   "storage azure:francecentral",
		"azurerm_storage_blob.manual":        "storage azure:francecentral",
		"azurerm_snapshot.disk":              "storage azure:westeurope",
		"google_storage_bucket_object.shard": "storage gcp:europe-west3", // not the provider's us-central1
		"google_compute_snapshot.pinned":     "storage gcp:europe-west3",
		"google_compute_snapshot.default":    "storage ", // a multi-region by default: unknown
	}
	for id, w := range want {
		c := component(t, r.Inventory, id)
		if got := string(c.Layer) + " " + strings.Join(c.Locations, ","); got != w {
			t.Errorf("%s = %q, want %q", id, got, w)
		}
	}
	if len(r.Skipped) != 0 {
		t.Errorf("skipped %v, want nothing", r.Skipped)
	}
	// The infracost plan's default VPCs were skipped before.
	real := importFile(t, thirdParty+"/terraform/infracost-aws-v0.14-modules-plan.json", nil)
	if n := real.Skipped["no layer mapping: aws_default_vpc"]; n != 0 {
		t.Errorf("infracost plan: %d aws_default_vpc skipped, want them mapped like aws_vpc", n)
	}
}
