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
	tfFixtures  = "../../../shared/fixtures/terraform/"
	cdxFixtures = "../../../shared/fixtures/cyclonedx/"
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
		"skipped 1: planned for deletion",
		"imported 22 components, 2 providers, 1 flow from stdin (6 warnings) into stack.yaml",
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
	}
	for _, tt := range tests {
		_, stderr, code := runImportE2E(t, dir, nil, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
}
