package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"path"
	"strings"
	"testing/fstest"

	"github.com/sovmap/sovmap/importer"
	"github.com/sovmap/sovmap/importer/cloud"
	"github.com/sovmap/sovmap/importer/cyclonedx"
	"github.com/sovmap/sovmap/importer/overlay"
	"github.com/sovmap/sovmap/importer/sheet"
	"github.com/sovmap/sovmap/importer/terraform"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/store"
)

// An upload is an inventory, or a source an importer turns into one, as
// `sovmap import` does: the output of `terraform show -json`, a CycloneDX
// JSON BOM, or the spreadsheet template (an .xlsx workbook, or its sheets as
// CSV files). An imported version stores the produced inventory as its
// first file, so that it is decoded, assessed and downloaded like any
// other, and keeps each original beside it under the sourcePrefix.

// The upload kinds.
const (
	kindInventory = "inventory"
	kindTerraform = "terraform"
	kindCycloneDX = "cyclonedx"
	kindSheet     = "sheet"
)

// oneFileImporters are the upload kinds read from one file by an importer
// of the importer/cloud package, as `sovmap import KIND FILE` reads them.
var oneFileImporters = map[string]func(context.Context, string, []byte, importer.Options) (*importer.Result, error){
	"aws":        cloud.ImportAWS,
	"azure":      cloud.ImportAzure,
	"gcp":        cloud.ImportGCP,
	"kubernetes": cloud.ImportKubernetes,
}

// uploadKind is one choice of the upload form.
type uploadKind struct {
	Value, Label, Hint string
}

// uploadKinds lists the kinds in the order the upload form offers them.
var uploadKinds = []uploadKind{
	{kindInventory, "sovmap inventory", "YAML or JSON, one file, several, or a directory"},
	{kindTerraform, "Terraform plan or state", "the JSON of terraform show -json"},
	{kindCycloneDX, "CycloneDX BOM", "JSON, CycloneDX 1.4 to 1.6"},
	{kindSheet, "Spreadsheet", "the template as .xlsx, or its Components sheet as CSV with providers.csv, flows.csv and organization.csv"},
	{"aws", "AWS Config snapshot or Resource Explorer", "the JSON of a Config snapshot (configurationItems) or of aws resource-explorer-2 search"},
	{"azure", "Azure Resource Graph", "the JSON of az graph query -o json"},
	{"gcp", "Google Cloud Asset Inventory", "an export as JSON lines, or gcloud asset search-all-resources --format=json"},
	{"kubernetes", "Kubernetes nodes and pods", "the JSON of kubectl get nodes,pods -A -o json"},
}

// validKind reports whether k names an upload kind ("" means inventory).
func validKind(k string) bool {
	for _, u := range uploadKinds {
		if u.Value == k {
			return true
		}
	}
	return k == ""
}

// sourcePrefix marks a stored file as the original of an import, and
// notesPrefix one that sovmap wrote about the import (its warnings). Upload
// names never contain a colon (cleanUploadName refuses it), so an uploaded
// file cannot pass for either.
const (
	sourcePrefix = "source:"
	notesPrefix  = "notes:"
)

// importWarningsFile is where an import's warnings are kept with the
// version, one per line, for whoever completes the inventory later.
const importWarningsFile = "import-warnings.txt"

// inventoryFiles leaves out the originals of an import and its notes.
func inventoryFiles(files []store.File) []store.File {
	out := make([]store.File, 0, len(files))
	for _, f := range files {
		if !strings.HasPrefix(f.Name, sourcePrefix) && !strings.HasPrefix(f.Name, notesPrefix) {
			out = append(out, f)
		}
	}
	return out
}

// readOverlays reads the "overlay" files of a multipart upload. An overlay
// is merged into an import, so an upload of a plain inventory may not
// carry one.
func readOverlays(form *multipart.Form, kind string) ([]store.File, error) {
	if form == nil || len(form.File["overlay"]) == 0 {
		return nil, nil
	}
	if kind == "" || kind == kindInventory {
		return nil, &badInput{errors.New("an overlay is merged into an import (Terraform, CycloneDX or a spreadsheet); for an inventory, put its facts in the inventory")}
	}
	return readUploads(form.File["overlay"], false)
}

// importOptions are the facts an import may lack, given on the form.
type importOptions struct {
	// Home is the organization's home (country code or bloc) and Org its
	// name, used when the source sets neither.
	Home, Org string
	// Overlays are merged into the imported inventory in order, as
	// `sovmap import --overlay` merges them (docs/import.md).
	Overlays []store.File
}

// importUpload converts the files of an upload of the given kind. For an
// inventory it returns the files as they are; otherwise the produced
// inventory followed by the originals, and the importer's warnings.
func (s *Server) importUpload(ctx context.Context, kind string, files []store.File, opts importOptions) ([]store.File, []string, error) {
	if kind == "" || kind == kindInventory {
		return files, nil, nil
	}
	if len(files) == 0 {
		return nil, nil, &badInput{errors.New("no file was uploaded")}
	}
	// Overlays first: a broken overlay is refused before a long import.
	var overlays []*overlay.Overlay
	for _, f := range opts.Overlays {
		if len(f.Data) > overlay.MaxSize {
			return nil, nil, &badInput{fmt.Errorf("overlay %s is larger than %d bytes", f.Name, overlay.MaxSize)}
		}
		o, err := overlay.Load(f.Name, f.Data)
		if err != nil {
			return nil, nil, &badInput{fmt.Errorf("overlay: %w", err)}
		}
		overlays = append(overlays, o)
	}
	iopts := importer.Options{KB: s.cfg.KB}
	var (
		res  *importer.Result
		err  error
		main = files[0]
	)
	switch kind {
	case kindTerraform, kindCycloneDX:
		if len(files) != 1 {
			return nil, nil, &badInput{fmt.Errorf("a %s import reads one file; %d were uploaded", kind, len(files))}
		}
		if kind == kindTerraform {
			res, err = terraform.Import(ctx, main.Name, main.Data, terraform.Options{Options: iopts})
		} else {
			res, err = cyclonedx.Import(ctx, main.Name, main.Data, cyclonedx.Options{Options: iopts})
		}
	case kindSheet:
		main, res, err = importSheet(ctx, files, iopts)
	case "aws", "azure", "gcp", "kubernetes":
		if len(files) != 1 {
			return nil, nil, &badInput{fmt.Errorf("a %s import reads one file; %d were uploaded", kind, len(files))}
		}
		res, err = oneFileImporters[kind](ctx, main.Name, main.Data, iopts)
	default:
		return nil, nil, &badInput{fmt.Errorf("unknown upload kind %q", kind)}
	}
	if err != nil {
		return nil, nil, &badInput{fmt.Errorf("%s import: %w", kind, err)}
	}
	inv := res.Inventory
	if len(inv.Components) == 0 {
		// As `sovmap import` does without --allow-empty: an empty
		// inventory stored as a version would read as all clear.
		return nil, nil, &badInput{fmt.Errorf("%s import of %s found no component to import", kind, main.Name)}
	}
	for _, o := range overlays {
		warnings, _ := o.Apply(inv)
		res.Warnings = append(res.Warnings, warnings...)
	}
	if inv.Organization.Home == "" {
		inv.Organization.Home = strings.ToUpper(strings.TrimSpace(opts.Home))
	}
	if inv.Organization.Name == "" {
		inv.Organization.Name = strings.TrimSpace(opts.Org)
	}
	if inv.Organization.Home == "" {
		return nil, nil, &badInput{fmt.Errorf("%s sets no organization home: give one (a country code such as DE, or a bloc such as EU)", main.Name)}
	}
	base := strings.TrimSuffix(path.Base(main.Name), path.Ext(main.Name))
	header := fmt.Sprintf("Imported by sovmap serve from %s (%s).", main.Name, kind)
	var buf bytes.Buffer
	name := base + ".inventory.yaml"
	if err := importer.WriteYAML(&buf, inv, header); err != nil {
		return nil, nil, err
	}
	if buf.Len() > inventory.DefaultMaxYAMLBytes {
		buf.Reset()
		name = base + ".inventory.json"
		if err := importer.WriteJSON(&buf, inv); err != nil {
			return nil, nil, err
		}
	}
	out := []store.File{{Name: name, Data: buf.Bytes()}}
	for _, f := range append(files, opts.Overlays...) {
		out = append(out, store.File{Name: sourcePrefix + f.Name, Data: f.Data})
	}
	var warnings []string
	for _, w := range res.Warnings {
		warnings = append(warnings, fmt.Sprint(w))
	}
	warnings = append(warnings, res.SkippedSummary()...)
	if len(warnings) > 0 {
		out = append(out, store.File{Name: notesPrefix + importWarningsFile, Data: []byte(strings.Join(warnings, "\n") + "\n")})
	}
	return out, warnings, nil
}

// importSheet reads an .xlsx workbook, or CSV sheets: components.csv (or
// the only CSV file) with providers.csv, flows.csv and organization.csv.
func importSheet(ctx context.Context, files []store.File, opts importer.Options) (store.File, *importer.Result, error) {
	if len(files) == 1 && strings.EqualFold(path.Ext(files[0].Name), ".xlsx") {
		res, err := sheet.ImportXLSX(ctx, files[0].Name, files[0].Data, opts)
		return files[0], res, err
	}
	fsys := fstest.MapFS{}
	var main *store.File
	for i, f := range files {
		base := path.Base(f.Name)
		if !strings.EqualFold(path.Ext(base), ".csv") {
			return store.File{}, nil, fmt.Errorf("%s: a spreadsheet is one .xlsx workbook or .csv files", f.Name)
		}
		fsys[base] = &fstest.MapFile{Data: f.Data}
		if strings.EqualFold(base, "components.csv") || len(files) == 1 {
			main = &files[i]
		}
	}
	if main == nil {
		return store.File{}, nil, errors.New("several CSV files need one named components.csv")
	}
	res, err := sheet.ImportCSV(ctx, fsys, path.Base(main.Name), opts)
	return *main, res, err
}
