package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
)

// importBinary builds the sovmap binary once for the import end-to-end tests.
var importBinary = func() (string, error) { return e2eBin, nil } // built once by TestMain

// runImportE2E runs the built binary in dir with stdin and returns its
// stdout, stderr and exit code.
func runImportE2E(t *testing.T, dir string, stdin []byte, args ...string) (string, string, int) {
	t.Helper()
	bin, err := importBinary()
	if err != nil {
		t.Fatalf("building sovmap: %v", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

func abs(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(rel)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// loadInventory loads a written inventory the way every command does.
func loadInventory(t *testing.T, path string) {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.Load(context.Background(), k, path)
	if err != nil {
		t.Fatalf("the imported inventory does not load: %v", err)
	}
	if len(inv.Components) == 0 {
		t.Fatalf("%s has no components", path)
	}
}

var (
	tfFixtures         = "../../../shared/fixtures/terraform/"
	cdxFixtures        = "../../../shared/fixtures/cyclonedx/"
	thirdPartyFixtures = "../../../shared/fixtures/third-party/"
)

func TestImportTerraformE2E(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, code := runImportE2E(t, dir, nil, "import", "terraform", abs(t, tfFixtures+"checkov-aws-plan_with_iam_data_block.tfplan.json"), "--home", "DE")
	if code != 0 || !strings.Contains(stdout, "- aws:us-east-2") || !strings.Contains(stderr, "imported 1 component") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	out := filepath.Join(dir, "inventory.yaml")
	if err := os.WriteFile(out, []byte(stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	loadInventory(t, out)

	// From stdin, with an overlay and forced progress.
	plan, err := os.ReadFile("../../importer/terraform/testdata/ai-stack-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	_, stderr, code = runImportE2E(t, dir, plan, "import", "terraform", "-", "-o", "stack.yaml", "--progress",
		"--overlay", abs(t, "../../importer/overlay/testdata/overlay.yaml"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"importing stdin: 27/27 (100%)",
		"overlay.yaml: 2 components updated",
		"warning: stdin: aws_sagemaker_endpoint.llm: region unknown until apply",
		"overlay.yaml:23:5: component aws_instance.retired is not in the import",
		"warning: skipped 1: planned for deletion",
		// 4 unresolved, 2 from the overlay, 5 entries skipped, counted one by one in the ai-stack plan.
		"imported 22 components, 2 providers, 1 flow from stdin (11 warnings: 6 unresolved, 5 skipped) into stack.yaml",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	loadInventory(t, filepath.Join(dir, "stack.yaml"))
	written, _ := os.ReadFile(filepath.Join(dir, "stack.yaml"))
	if !strings.HasPrefix(string(written), "# Written by `sovmap import terraform stdin` with --overlay") {
		t.Errorf("header: %.120s", written)
	}
}

func TestImportCycloneDXE2E(t *testing.T) {
	dir := t.TempDir()
	_, stderr, code := runImportE2E(t, dir, nil, "import", "cyclonedx", abs(t, cdxFixtures+"saasbom-apigateway-microservices-datastores.bom.json"), "--home", "DE", "-o", "saas.json")
	if code != 0 || !strings.Contains(stderr, "imported 7 components, 1 provider, 12 flows") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	written, _ := os.ReadFile(filepath.Join(dir, "saas.json"))
	if !bytes.HasPrefix(written, []byte("{\n  \"version\": 1,")) {
		t.Errorf("saas.json is not JSON: %.80s", written)
	}
	loadInventory(t, filepath.Join(dir, "saas.json"))

	_, stderr, code = runImportE2E(t, dir, nil, "import", "cyclonedx", "--strict", abs(t, cdxFixtures+"mlbom-dataset.bom.json"))
	if code != 2 || !strings.Contains(stderr, "mlbom-dataset.bom.json:8:44: trailing comma") {
		t.Errorf("strict: exit %d: %s", code, stderr)
	}
	_, stderr, code = runImportE2E(t, dir, nil, "import", "cyclonedx", abs(t, cdxFixtures+"mlbom-dataset.bom.json"), "--home", "DE", "-o", "ds.yaml")
	if code != 0 || !strings.Contains(stderr, "warning: "+abs(t, cdxFixtures+"mlbom-dataset.bom.json")+":8:44: trailing comma accepted") {
		t.Errorf("lenient: exit %d: %s", code, stderr)
	}
	loadInventory(t, filepath.Join(dir, "ds.yaml"))
}

func TestTemplateAndSheetImportE2E(t *testing.T) {
	dir := t.TempDir()
	if _, stderr, code := runImportE2E(t, dir, nil, "template", "xlsx", "-o", "inv.xlsx"); code != 0 {
		t.Fatalf("template xlsx: exit %d: %s", code, stderr)
	}
	if _, stderr, code := runImportE2E(t, dir, nil, "template", "xlsx", "-o", "inv.xlsx"); code != 2 || !strings.Contains(stderr, "inv.xlsx exists; use --force") {
		t.Errorf("overwrite: exit %d: %s", code, stderr)
	}
	if _, stderr, code := runImportE2E(t, dir, nil, "import", "xlsx", "inv.xlsx", "-o", "from-xlsx.yaml"); code != 0 {
		t.Fatalf("import xlsx: exit %d: %s", code, stderr)
	}
	loadInventory(t, filepath.Join(dir, "from-xlsx.yaml"))

	if _, stderr, code := runImportE2E(t, dir, nil, "template", "csv", "-o", "sheets/components.csv"); code != 0 {
		t.Fatalf("template csv: exit %d: %s", code, stderr)
	}
	for _, f := range []string{"components.csv", "providers.csv", "flows.csv", "organization.csv"} {
		if _, err := os.Stat(filepath.Join(dir, "sheets", f)); err != nil {
			t.Error(err)
		}
	}
	if _, stderr, code := runImportE2E(t, dir, nil, "import", "csv", "sheets/components.csv", "-o", "from-csv.yaml"); code != 0 {
		t.Fatalf("import csv: exit %d: %s", code, stderr)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "from-xlsx.yaml"))
	b, _ := os.ReadFile(filepath.Join(dir, "from-csv.yaml"))
	body := func(s []byte) string { return string(s[bytes.Index(s, []byte("version:")):]) }
	if body(a) != body(b) {
		t.Errorf("the xlsx and csv templates import differently")
	}

	// A cell error names the file, the sheet and the cell.
	csv := "id,name,provider,layer\nx,X,,gpu\n"
	if err := os.WriteFile(filepath.Join(dir, "bad.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runImportE2E(t, dir, nil, "import", "csv", "bad.csv"); code != 2 || !strings.Contains(stderr, `sovmap: bad.csv:2:6 (cell D2): unknown layer "gpu"`) {
		t.Errorf("bad csv: exit %d: %s", code, stderr)
	}
}

func TestImportBadInputE2E(t *testing.T) {
	dir := t.TempDir()
	bom := abs(t, cdxFixtures+"mlbom-model-foundationmodels.bom.json")
	overlayFile := filepath.Join(dir, "overlay.yaml")
	if err := os.WriteFile(overlayFile, []byte("components:\n  - id: x\n    layer: gpu\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"import", "terraform", bom}, "no format_version: not the output of `terraform show -json`"},
		{[]string{"import", "terraform", "missing.json"}, "missing.json: no such file"},
		{[]string{"import", "terraform", bom, "--map", "x=gpu"}, `--map "x=gpu": want TYPE=LAYER`},
		{[]string{"import", "cyclonedx", bom, "--overlay", overlayFile}, `overlay.yaml:3:12: components[0].layer: unknown layer "gpu"`},
		{[]string{"import", "xlsx", bom}, "not an xlsx workbook"},
		{[]string{"template", "pdf"}, `template "pdf": want xlsx or csv`},
		// The interop review: unknown kinds were read as success.
		{[]string{"import", "oscal", bom}, `unknown command "oscal" for sovmap import`},
		{[]string{"import", "spdx"}, `unknown command "spdx" for sovmap import`},
		// A JSON document that is no plan or state.
		{[]string{"import", "terraform", abs(t, "testdata/import/not-a-plan.json")}, "not-a-plan.json:5:18: a resource in resource_changes without mode, provider_name"},
		// A column map with a misspelt field.
		{[]string{"import", "csv", abs(t, "../../importer/sheet/testdata/assets.csv"), "--columns", abs(t, "testdata/import/bad.columns.yaml")}, `bad.columns.yaml:3:3: columns: "layr" is not a component field (did you mean "layer"?)`},
		// The setup-terraform wrapper's output, as infracost keeps it.
		{[]string{"import", "terraform", abs(t, thirdPartyFixtures+"terraform/infracost-plan-with-terraform-wrapper.json")}, "terraform wrapper of hashicorp/setup-terraform; set terraform_wrapper: false"},
	}
	for _, tt := range tests {
		_, stderr, code := runImportE2E(t, dir, nil, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
}

// TestImportOutputFirstE2E: -o is checked before the source is read, so
// that an existing file or an input named by mistake is refused at once,
// not after the import (whose error, for a source that does not import,
// would otherwise come first); a file an import wrote is refreshed
// without --force.
func TestImportOutputFirstE2E(t *testing.T) {
	dir := t.TempDir()
	// A CycloneDX BOM, which is no Terraform plan: importing it as one fails.
	bom, err := os.ReadFile(cdxFixtures + "saasbom-apigateway-microservices-datastores.bom.json")
	if err != nil {
		t.Fatal(err)
	}
	hand := []byte("# kept by hand\nversion: 1\n")
	for name, data := range map[string][]byte{"bom.json": bom, "hand.yaml": hand} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "terraform", "bom.json", "-o", "hand.yaml"}, "hand.yaml exists; use --force to replace it"},
		{[]string{"import", "terraform", "bom.json", "-o", "bom.json", "--force"}, "-o bom.json is an input of this command"},
	} {
		_, stderr, code := runImportE2E(t, dir, nil, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, "format_version") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and only %q", tc.args, code, stderr, tc.want)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "hand.yaml")); !bytes.Equal(got, hand) {
		t.Errorf("hand.yaml was changed:\n%s", got)
	}
	for range 2 {
		if _, stderr, code := runImportE2E(t, dir, nil, "import", "cyclonedx", "bom.json", "--home", "DE", "-o", "imported.yaml"); code != 0 {
			t.Fatalf("import (again) over its own file: exit %d: %s", code, stderr)
		}
	}
}

// TestImportEmptyE2E checks that an import that yields no component exits 2
// with the reason, and writes the empty inventory only with --allow-empty.
func TestImportEmptyE2E(t *testing.T) {
	dir := t.TempDir()
	// terraform show -json of an empty state.
	_, stderr, code := runImportE2E(t, dir, []byte(`{"format_version":"1.0"}`), "import", "terraform", "-")
	if code != 2 || !strings.Contains(stderr, "stdin: no component imported: the source describes nothing") {
		t.Errorf("empty state: exit %d: %s", code, stderr)
	}
	// A first plan that only creates a resource group: every entry skipped.
	plan := []byte(`{"format_version": "1.2", "resource_changes": [
  {"address": "azurerm_resource_group.rg", "mode": "managed", "type": "azurerm_resource_group", "name": "rg",
   "provider_name": "registry.terraform.io/hashicorp/azurerm", "change": {"actions": ["create"], "after": {"location": "westeurope"}}}]}`)
	_, stderr, code = runImportE2E(t, dir, plan, "import", "terraform", "-", "-o", "empty.yaml")
	if code != 2 || !strings.Contains(stderr, "stdin: no component imported: all 1 entries were skipped") || !strings.Contains(stderr, "warning: skipped 1: no layer mapping: azurerm_resource_group") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "empty.yaml")); err == nil {
		t.Error("empty.yaml written despite the error")
	}
	_, stderr, code = runImportE2E(t, dir, plan, "import", "terraform", "-", "-o", "empty.yaml", "--allow-empty", "--home", "DE")
	if code != 0 || !strings.Contains(stderr, "imported 0 components") {
		t.Errorf("--allow-empty: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "empty.yaml")); err != nil {
		t.Errorf("--allow-empty wrote nothing: %v", err)
	}
}

// TestImportRequirementHintE2E checks the hint an import gives when nothing
// in the result requires a level, and that an overlay that says what data
// the components hold silences it.
func TestImportRequirementHintE2E(t *testing.T) {
	dir := t.TempDir()
	plan := abs(t, "../../importer/terraform/testdata/ai-stack-plan.json")
	_, stderr, code := runImportE2E(t, dir, nil, "import", "terraform", plan, "--home", "DE", "-o", "bare.yaml")
	if code != 0 || !strings.Contains(stderr, "hint: nothing in this inventory requires a sovereignty level yet") {
		t.Errorf("no overlay: exit %d: %s", code, stderr)
	}
	// The assessment agrees: no component has a required level above 0.
	out, _, code := runImportE2E(t, dir, nil, "assess", "bare.yaml", "--format", "json", "--fail-on", "0")
	if code != 0 || strings.Count(out, `"required_level":0`) != 22 || strings.Count(out, `"required_level":`) != 22 {
		t.Errorf("assess bare.yaml: exit %d, want 22 components requiring level 0:\n%.2000s", code, out)
	}
	_, stderr, code = runImportE2E(t, dir, nil, "import", "terraform", plan, "--overlay", abs(t, "../../importer/overlay/testdata/overlay.yaml"), "-o", "declared.yaml")
	if code != 0 || strings.Contains(stderr, "hint: nothing") {
		t.Errorf("with the overlay: exit %d: %s", code, stderr)
	}
}

// TestImportHintReadsKnowledgeE2E: the hint that nothing requires a level
// agrees with sovmap assess of the written file, which reads the
// inventory's knowledge: section (here, from an overlay, a law that asks
// every component for level 2): the import judges the inventory with that
// section too. Without the overlay, both say that nothing is required.
func TestImportHintReadsKnowledgeE2E(t *testing.T) {
	dir := t.TempDir()
	plan := abs(t, "../../importer/terraform/testdata/ai-stack-plan.json")
	for _, tt := range []struct {
		name     string
		overlay  []string
		required bool
	}{
		{"bare", nil, false},
		{"with-law", []string{"--overlay", abs(t, "testdata/import/law-overlay.yaml")}, true},
	} {
		out := tt.name + ".yaml"
		_, stderr, code := runImportE2E(t, dir, nil, append([]string{"import", "terraform", plan, "--home", "DE", "-o", out}, tt.overlay...)...)
		if code != 0 {
			t.Fatalf("%s: import: exit %d: %s", tt.name, code, stderr)
		}
		hint := strings.Contains(stderr, "hint: nothing in this inventory requires a sovereignty level yet")
		report, _, code := runImportE2E(t, dir, nil, "assess", out, "--format", "json", "--fail-on", "0")
		if code != 0 {
			t.Fatalf("%s: assess: exit %d", tt.name, code)
		}
		required := strings.Contains(report, `"required_level":2`)
		if required != tt.required || hint == required {
			t.Errorf("%s: assess finds a level required: %v (want %v); the import says nothing is: %v\n%s", tt.name, required, tt.required, hint, stderr)
		}
	}
}

// TestImportColumnsE2E imports the CSV asset register of the docs through
// its column map, and the blank FedRAMP workbook, which has no component.
func TestImportColumnsE2E(t *testing.T) {
	dir := t.TempDir()
	_, stderr, code := runImportE2E(t, dir, nil, "import", "csv", abs(t, "../../importer/sheet/testdata/assets.csv"),
		"--columns", abs(t, "../../importer/sheet/testdata/assets.columns.yaml"), "--home", "DE", "-o", "assets.yaml")
	if code != 0 || !strings.Contains(stderr, "imported 5 components") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	loadInventory(t, filepath.Join(dir, "assets.yaml"))
	_, stderr, code = runImportE2E(t, dir, nil, "import", "xlsx", abs(t, thirdPartyFixtures+"sheets/fedramp-appendix-m-iiw-template.xlsx"),
		"--columns", abs(t, "../../importer/sheet/testdata/fedramp-iiw.columns.yaml"))
	if code != 2 || !strings.Contains(stderr, "no component imported") {
		t.Errorf("blank FedRAMP workbook: exit %d: %s", code, stderr)
	}
}
