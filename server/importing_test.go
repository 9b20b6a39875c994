package server

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/importer"
	"github.com/sovmap/sovmap/importer/cloud"
	"github.com/sovmap/sovmap/importer/cyclonedx"
	"github.com/sovmap/sovmap/importer/sheet"
	"github.com/sovmap/sovmap/importer/terraform"
	"github.com/sovmap/sovmap/store"
)

// multipartBody encodes a form of plain values and of file fields.
func multipartBody(values map[string]string, files map[string][]store.File) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range values {
		mw.WriteField(k, v)
	}
	for field, list := range files {
		for _, f := range list {
			fw, _ := mw.CreateFormFile(field, f.Name)
			fw.Write(f.Data)
		}
	}
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// uploadForm posts a multipart form to a workspace's upload page.
func (c *client) uploadForm(ws string, values map[string]string, files map[string][]store.File) resp {
	c.t.Helper()
	values["csrf"] = c.csrf
	body, ct := multipartBody(values, files)
	req, _ := http.NewRequest("POST", c.base+"/w/"+ws+"/upload", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	return c.do(req)
}

// uploadAs posts files to the upload form as the given kind.
func (c *client) uploadAs(ws, kind, home string, files ...store.File) resp {
	c.t.Helper()
	return c.uploadForm(ws, map[string]string{"kind": kind, "home": home}, map[string][]store.File{"files": files})
}

func TestImportUploads(t *testing.T) { eachBackend(t, testImportUploads) }

func testImportUploads(t *testing.T, e *testEnv) {
	ctx := context.Background()
	plan, err := os.ReadFile("../importer/terraform/testdata/ai-stack-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	bom, err := os.ReadFile("../importer/cyclonedx/testdata/ai-platform.bom.json")
	if err != nil {
		t.Fatal(err)
	}
	opts := importer.Options{KB: e.srv.cfg.KB}
	wantTF, err := terraform.Import(ctx, "plan.json", plan, terraform.Options{Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	wantCDX, err := cyclonedx.Import(ctx, "bom.json", bom, cyclonedx.Options{Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	c := e.signInAdmin()

	mustContain(t, "upload form", c.get("/w/default/upload").body, `<legend>What are you uploading?</legend>`,
		`<input type="radio" id="kind-terraform" name="kind" value="terraform"`, `<label for="kind-cyclonedx">CycloneDX BOM</label>`, `<label for="home">`)

	// Without a home the import cannot be assessed: refused, the form kept.
	r := c.uploadAs("default", kindTerraform, "", store.File{Name: "plan.json", Data: plan})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("terraform without a home: %d", r.status)
	}
	mustContain(t, "refused import", r.body, "plan.json sets no organization home", `value="terraform" aria-describedby="kind-terraform-hint" checked`)
	// A broken source: the importer's error, on the page.
	r = c.uploadAs("default", kindTerraform, "DE", store.File{Name: "plan.json", Data: []byte(`{"format_version": `)})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "terraform import: ") {
		t.Fatalf("broken plan: %d", r.status)
	}
	if r := c.uploadAs("default", "spreadsheet-ish", "DE", store.File{Name: "plan.json", Data: plan}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("unknown kind: %d", r.status)
	}
	if vs, _ := e.st.ListVersions(ctx, mustWorkspace(t, e, "default").ID); len(vs) != 0 {
		t.Fatalf("refused imports stored %d versions", len(vs))
	}

	r = c.uploadAs("default", kindTerraform, "de", store.File{Name: "plan.json", Data: plan})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.loc, "/w/default/?uploaded=1") {
		t.Fatalf("terraform import: %d %q %s", r.status, r.loc, r.body)
	}
	nWarnings := len(wantTF.Warnings) + len(wantTF.SkippedSummary())
	if !strings.Contains(r.loc, "&warnings="+strconv.Itoa(nWarnings)) {
		t.Errorf("the redirect %q does not count the import's %d warnings", r.loc, nWarnings)
	}
	mustContain(t, "overview after an import with warnings", c.get(r.loc).body, strconv.Itoa(nWarnings)+" warning(s), listed in import-warnings.txt under Downloads")
	v1, err := e.st.VersionByNumber(ctx, mustWorkspace(t, e, "default").ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v1.Components != len(wantTF.Inventory.Components) {
		t.Errorf("version 1 has %d components, the importer makes %d", v1.Components, len(wantTF.Inventory.Components))
	}
	files, err := e.st.VersionFiles(ctx, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 || files[0].Name != "plan.inventory.yaml" || files[1].Name != "source:plan.json" || !bytes.Equal(files[1].Data, plan) ||
		files[2].Name != "notes:import-warnings.txt" {
		t.Fatalf("stored files: %d, %q", len(files), files[0].Name)
	}
	// Every warning is kept, one per line: the skipped resources among them.
	if lines := strings.Split(strings.TrimSpace(string(files[2].Data)), "\n"); len(lines) != nWarnings || !strings.Contains(string(files[2].Data), "aws_security_group") {
		t.Errorf("stored warnings: %q", files[2].Data)
	}
	mustContain(t, "imported inventory", string(files[0].Data), "home: DE", "Imported by sovmap serve from plan.json (terraform).")
	d := c.get("/w/default/downloads")
	mustContain(t, "downloads", d.body, `i=0" download>plan.inventory.yaml</a> <span class="hint">inventory, `, `i=1" download>plan.json</a> <span class="hint">original of the import, `+strconv.Itoa(len(plan))+` bytes`,
		`i=2" download>import-warnings.txt</a> <span class="hint">the import&#39;s warnings, `)
	if f := c.get("/w/default/file?i=1"); f.body != string(plan) || !strings.Contains(f.header.Get("Content-Disposition"), `"source_plan.json"`) {
		t.Errorf("original download: %q", f.header.Get("Content-Disposition"))
	}
	// Pages that re-read the inventory skip the original.
	if r := c.get("/w/default/stack"); r.status != http.StatusOK {
		t.Errorf("stack of an imported version: %d", r.status)
	}

	// The API takes the same kinds.
	tok := e.token("default", store.RoleEditor)
	if r := e.api("POST", "/api/v1/workspaces/default/versions?kind=bogus", tok, bom, "application/json"); r.status != http.StatusBadRequest {
		t.Errorf("API unknown kind: %d", r.status)
	}
	r = e.api("POST", "/api/v1/workspaces/default/versions?kind=cyclonedx&home=EU&name=ai-platform.bom.json", tok, bom, "application/json")
	if r.status != http.StatusCreated {
		t.Fatalf("API cyclonedx import: %d %s", r.status, r.body)
	}
	if v := decode[versionOut](t, r); v.Components != len(wantCDX.Inventory.Components) {
		t.Errorf("cyclonedx version has %d components, the importer makes %d", v.Components, len(wantCDX.Inventory.Components))
	}
	if r := e.api("POST", "/api/v1/workspaces/default/gate?kind=cyclonedx&name=bom.json", tok, bom, "application/json"); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "no organization home") {
		t.Errorf("gate on a BOM without a home: %d %s", r.status, r.body)
	}
	if r := e.api("POST", "/api/v1/workspaces/default/gate?kind=cyclonedx&home=EU&name=bom.json", tok, bom, "application/json"); r.status != http.StatusOK || !strings.Contains(r.body, `"verdict"`) {
		t.Errorf("gate on a BOM: %d %s", r.status, r.body)
	}

	// The spreadsheet template, as a workbook and as CSV sheets.
	var xlsx bytes.Buffer
	if err := sheet.WriteXLSX(&xlsx); err != nil {
		t.Fatal(err)
	}
	if r := c.uploadAs("default", kindSheet, "DE", store.File{Name: "inventory.xlsx", Data: xlsx.Bytes()}); r.status != http.StatusSeeOther {
		t.Fatalf("xlsx import: %d %s", r.status, r.body)
	}
	var csvs []store.File
	for _, name := range sheet.CSVSheets {
		var b bytes.Buffer
		if err := sheet.WriteCSV(&b, name); err != nil {
			t.Fatal(err)
		}
		csvs = append(csvs, store.File{Name: name, Data: b.Bytes()})
	}
	if r := c.uploadAs("default", kindSheet, "DE", csvs...); r.status != http.StatusSeeOther {
		t.Fatalf("csv import: %d %s", r.status, r.body)
	}
	if r := c.uploadAs("default", kindSheet, "DE", csvs[1:]...); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "components.csv") {
		t.Errorf("CSV sheets without components.csv: %d", r.status)
	}
	vs, err := e.st.ListVersions(ctx, mustWorkspace(t, e, "default").ID)
	if err != nil || len(vs) != 4 || vs[0].Components == 0 || vs[0].Components != vs[1].Components {
		t.Fatalf("versions after the sheet imports: %v %+v", err, vs)
	}
}

func mustWorkspace(t *testing.T, e *testEnv, slug string) store.Workspace {
	t.Helper()
	ws, err := e.st.WorkspaceBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// TestImportWithOverlay uploads a Terraform plan with an overlay: the
// stored inventory carries the overlay's facts (the organization, data
// classes, a flow and a rule the plan cannot know), the overlay is kept as
// an original, a broken overlay refuses the upload, and an overlay on a
// plain inventory upload is refused with a reason.
func TestImportWithOverlay(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	plan, err := os.ReadFile("../importer/terraform/testdata/ai-stack-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	ov, err := os.ReadFile("../importer/overlay/testdata/overlay.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := e.signInAdmin()
	c.get("/w/default/upload")
	post := func(kind string, files, overlays []store.File) resp {
		return c.uploadForm("default", map[string]string{"kind": kind}, map[string][]store.File{"files": files, "overlay": overlays})
	}
	planFile := store.File{Name: "plan.json", Data: plan}

	if r := post(kindTerraform, []store.File{planFile}, []store.File{{Name: "bad.yaml", Data: []byte("components: [{id: x, layer: nope}]\n")}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "overlay") {
		t.Errorf("a broken overlay: %d", r.status)
	}
	if r := post(kindInventory, []store.File{{Name: "inv.yaml", Data: []byte("version: 1\norganization: {home: DE}\n")}}, []store.File{{Name: "overlay.yaml", Data: ov}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "an overlay is merged into an import") {
		t.Errorf("an overlay on an inventory upload: %d", r.status)
	}

	// No home on the form: the overlay gives it.
	r := post(kindTerraform, []store.File{planFile}, []store.File{{Name: "overlay.yaml", Data: ov}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("terraform with an overlay: %d %s", r.status, r.body)
	}
	v1, err := e.st.VersionByNumber(ctx, mustWorkspace(t, e, "default").ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	files, err := e.st.VersionFiles(ctx, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	if len(files) < 3 || files[0].Name != "plan.inventory.yaml" || !slices.Contains(names, "source:overlay.yaml") {
		t.Fatalf("stored files: %v", names)
	}
	mustContain(t, "inventory with the overlay", string(files[0].Data), "name: Example Agency", "personal.health", "datasets-to-gpu", "health-domestic")
}

// TestAPIImportWithOverlay: the API takes overlays as "overlay" fields of a
// multipart upload, answers with the import's warnings, and refuses an
// overlay on a plain inventory.
func TestAPIImportWithOverlay(t *testing.T) {
	e := newEnv(t)
	plan, err := os.ReadFile("../importer/terraform/testdata/ai-stack-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	ov, err := os.ReadFile("../importer/overlay/testdata/overlay.yaml")
	if err != nil {
		t.Fatal(err)
	}
	form := func(files, overlays []store.File) ([]byte, string) {
		return multipartBody(nil, map[string][]store.File{"files": files, "overlay": overlays})
	}
	tok := e.token("default", store.RoleEditor)

	body, ct := form([]store.File{{Name: "inv.yaml", Data: []byte("version: 1\norganization: {home: DE}\n")}}, []store.File{{Name: "overlay.yaml", Data: ov}})
	if r := e.api("POST", "/api/v1/workspaces/default/versions", tok, body, ct); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "an overlay is merged into an import") {
		t.Errorf("an overlay on an inventory: %d %s", r.status, r.body)
	}

	body, ct = form([]store.File{{Name: "plan.json", Data: plan}}, []store.File{{Name: "overlay.yaml", Data: ov}})
	r := e.api("POST", "/api/v1/workspaces/default/versions?kind=terraform", tok, body, ct)
	if r.status != http.StatusCreated {
		t.Fatalf("API terraform import with an overlay: %d %s", r.status, r.body)
	}
	v := decode[versionOut](t, r)
	if len(v.ImportWarnings) == 0 || !strings.Contains(strings.Join(v.ImportWarnings, "\n"), "aws_security_group") {
		t.Errorf("the answer lacks the import's warnings: %q", v.ImportWarnings)
	}
	files, err := e.st.VersionFiles(context.Background(), mustVersionID(t, e, "default", v.Number))
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "inventory imported through the API", string(files[0].Data), "name: Example Agency", "datasets-to-gpu")

	// The gate takes the overlay too, without storing anything.
	body, ct = form([]store.File{{Name: "plan.json", Data: plan}}, []store.File{{Name: "overlay.yaml", Data: ov}})
	if r := e.api("POST", "/api/v1/workspaces/default/gate?kind=terraform", tok, body, ct); r.status != http.StatusOK || !strings.Contains(r.body, `"verdict"`) {
		t.Errorf("gate with an overlay: %d %s", r.status, r.body)
	}
}

func mustVersionID(t *testing.T, e *testEnv, ws string, n int) int64 {
	t.Helper()
	v, err := e.st.VersionByNumber(context.Background(), mustWorkspace(t, e, ws).ID, n)
	if err != nil {
		t.Fatal(err)
	}
	return v.ID
}

// TestCloudImportUploads: the upload form offers the cloud and cluster
// imports of `sovmap import`, each stores a version with as many
// components as the importer makes from the same file, and a source that
// yields no component is refused rather than stored as an empty, all-clear
// version.
func TestCloudImportUploads(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.signInAdmin()
	mustContain(t, "upload form", c.get("/w/default/upload").body, `value="aws"`, `value="azure"`, `value="gcp"`, `value="kubernetes"`)
	opts := importer.Options{KB: e.srv.cfg.KB}
	for i, tc := range []struct {
		kind, file string
		imp        func(context.Context, string, []byte, importer.Options) (*importer.Result, error)
	}{
		{"aws", "aws-config-snapshot.json", cloud.ImportAWS},
		{"azure", "azure-resource-graph.json", cloud.ImportAzure},
		{"gcp", "gcp-asset-export.jsonl", cloud.ImportGCP},
		{"kubernetes", "kubectl-nodes-pods.json", cloud.ImportKubernetes},
	} {
		data, err := os.ReadFile(filepath.Join("..", "importer", "cloud", "testdata", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		want, err := tc.imp(ctx, tc.file, data, opts)
		if err != nil {
			t.Fatal(err)
		}
		r := c.uploadAs("default", tc.kind, "DE", store.File{Name: tc.file, Data: data})
		if r.status != http.StatusSeeOther {
			t.Fatalf("%s import: %d %s", tc.kind, r.status, r.body)
		}
		v, err := e.st.VersionByNumber(ctx, mustWorkspace(t, e, "default").ID, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if v.Components != len(want.Inventory.Components) || v.Components == 0 {
			t.Errorf("%s: version has %d components, the importer makes %d", tc.kind, v.Components, len(want.Inventory.Components))
		}
	}
	r := c.uploadAs("default", "kubernetes", "DE", store.File{Name: "empty.json", Data: []byte(`{"apiVersion": "v1", "kind": "List", "items": []}`)})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "no component") {
		t.Errorf("an empty import: %d, want 422 saying it found no component", r.status)
	}
}
