package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/importer"
	"github.com/sovmap/sovmap/importer/cloud"
	"github.com/sovmap/sovmap/importer/cyclonedx"
	"github.com/sovmap/sovmap/importer/overlay"
	"github.com/sovmap/sovmap/importer/sheet"
	"github.com/sovmap/sovmap/importer/terraform"
	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
)

// importFlags are the flags every import command shares.
type importFlags struct {
	out      string
	format   string
	overlays []string
	home     string
	org      string
	progress bool
	// allowEmpty writes an inventory without components instead of
	// refusing it.
	allowEmpty bool
}

func newImportCmd(a *app) *cobra.Command {
	f := &importFlags{}
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Write an inventory from Terraform, CycloneDX, a spreadsheet, a cloud asset inventory or Kubernetes",
		Long: `Import turns the facts a machine already has into an inventory file:
the output of terraform show -json, a CycloneDX BOM, or the spreadsheet
template (sovmap template xlsx). What cannot be resolved is reported on
stderr, never guessed.

Facts no machine knows (data classes, criticality, contracts, key custody,
the organization) belong in an overlay file, merged on every import with
--overlay, so that re-importing never loses them. See docs/import.md.`,
		Example: `  terraform show -json plan.out > plan.json
  sovmap import terraform importer/terraform/testdata/ai-stack-plan.json --overlay importer/overlay/testdata/overlay.yaml -o imported.yaml
  sovmap import cyclonedx importer/cyclonedx/testdata/ai-platform.bom.json --home DE -o from-bom.yaml
  sovmap template xlsx -o inventory.xlsx && sovmap import xlsx inventory.xlsx
  sovmap template csv -o components.csv && sovmap import csv components.csv`,
	}
	pf := cmd.PersistentFlags()
	pf.StringVarP(&f.out, "output", "o", "", "inventory file to write (YAML, or JSON when it ends in .json); stdout when empty")
	importFormats.declareFromOutput(cmd, pf, &f.format, "", "from the -o name, else yaml")
	pf.StringArrayVar(&f.overlays, "overlay", nil, "overlay file merged into the result (repeatable; later ones win)")
	pf.StringVar(&f.home, "home", "", "organization home (country code or bloc) when neither the source nor an overlay sets it")
	pf.StringVar(&f.org, "org", "", "organization name when neither the source nor an overlay sets it")
	pf.BoolVar(&f.progress, "progress", false, "show progress on stderr even when it is not a terminal")
	pf.BoolVar(&f.allowEmpty, "allow-empty", false, "write the inventory even when the source yields no component (otherwise exit 2)")

	var layers []string
	tf := &cobra.Command{
		Use:   "terraform PLAN_OR_STATE.json",
		Short: "Import the output of terraform show -json (a plan or a state)",
		Long: `Import the output of terraform show -json, for a plan or a state (format
0.x and 1.x): one component per managed resource whose type maps to a layer
(GPU instances and clusters, object storage, databases, key services,
networks and interconnects, managed ML platforms and model endpoints of AWS,
Azure and Google Cloud), located by its region and depending on what its
configuration references. Give - to read standard input.`,
		Example: `  terraform show -json plan.out | sovmap import terraform - -o inventory.yaml
  sovmap import terraform importer/terraform/testdata/ai-stack-state.json --map 'ovh_cloud_project_*=compute' --map null_resource=application`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			mapping := map[string]sovmap.Layer{}
			for _, m := range layers {
				typ, layer, ok := strings.Cut(m, "=")
				if !ok || typ == "" || !sovmap.Layer(layer).Valid() {
					return fmt.Errorf("--map %q: want TYPE=LAYER with a layer of: %s", m, importLayers())
				}
				mapping[typ] = sovmap.Layer(layer)
			}
			return a.runImport(cmd.Context(), f, "terraform", args[0], func(ctx context.Context, name string, data []byte, opts importer.Options) (*importer.Result, error) {
				return terraform.Import(ctx, name, data, terraform.Options{Options: opts, Layers: mapping})
			})
		},
	}
	tf.Flags().StringArrayVar(&layers, "map", nil, "map a resource type (or prefix*) to a layer: TYPE=LAYER (repeatable)")

	var strict bool
	cdx := &cobra.Command{
		Use:   "cyclonedx BOM.json",
		Short: "Import a CycloneDX JSON BOM (SBOM, SaaSBOM, ML-BOM; 1.4 to 1.6)",
		Long: `Import a CycloneDX JSON BOM: components and services (nested ones too), ML
models and datasets, suppliers and providers with their countries, service
data flows as flows, the dependency graph as depends_on. Properties in the
sovmap namespace (sovmap:layer, sovmap:location, sovmap:operated_from,
sovmap:criticality, sovmap:key_custody, sovmap:data, sovmap:provider)
override what is derived. Trailing commas are accepted with a warning
unless --strict is given. Give - to read standard input.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runImport(cmd.Context(), f, "cyclonedx", args[0], func(ctx context.Context, name string, data []byte, opts importer.Options) (*importer.Result, error) {
				return cyclonedx.Import(ctx, name, data, cyclonedx.Options{Options: opts, Strict: strict})
			})
		},
	}
	cdx.Flags().BoolVar(&strict, "strict", false, "reject documents that are not valid JSON (such as trailing commas)")

	var columns string
	loadColumns := func() (*sheet.ColumnMap, error) {
		if columns == "" {
			return nil, nil
		}
		data, err := readLimited(columns, nil, sheet.MaxColumnMapSize)
		if err != nil {
			return nil, err
		}
		return sheet.LoadColumnMap(columns, data)
	}
	xlsx := &cobra.Command{
		Use:   "xlsx WORKBOOK.xlsx",
		Short: "Import a workbook laid out as the template, or any workbook with a column map",
		Long: `Import a workbook laid out as the template (sovmap template xlsx), or,
with --columns, any workbook: a column map (YAML) names the sheet, the row
of the headers, which column gives each field of a component, and how
values read (docs/import.md, "Any spreadsheet"); importer/sheet/testdata/
fedramp-iiw.columns.yaml maps the FedRAMP Integrated Inventory Workbook.`,
		Example: `  sovmap template xlsx -o inventory.xlsx && sovmap import xlsx inventory.xlsx`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cm, err := loadColumns()
			if err != nil {
				return err
			}
			if cm == nil {
				return a.runImport(cmd.Context(), f, "xlsx", args[0], sheet.ImportXLSX)
			}
			return a.runImport(cmd.Context(), f, "xlsx", args[0], func(ctx context.Context, name string, data []byte, opts importer.Options) (*importer.Result, error) {
				return sheet.ImportXLSXColumns(ctx, name, data, opts, cm)
			})
		},
	}
	csvCmd := &cobra.Command{
		Use:   "csv COMPONENTS.csv",
		Short: "Import the Components sheet as CSV (with providers.csv, flows.csv and organization.csv beside it), or any CSV with a column map",
		Example: `  sovmap template csv -o components.csv && sovmap import csv components.csv
  sovmap import csv importer/sheet/testdata/assets.csv --columns importer/sheet/testdata/assets.columns.yaml --home DE`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cm, err := loadColumns()
			if err != nil {
				return err
			}
			file := args[0]
			dir, base := filepath.Dir(file), filepath.Base(file)
			return a.runImport(cmd.Context(), f, "csv", file, func(ctx context.Context, _ string, _ []byte, opts importer.Options) (*importer.Result, error) {
				if cm != nil {
					return sheet.ImportCSVColumns(ctx, os.DirFS(dir), base, opts, cm)
				}
				return sheet.ImportCSV(ctx, os.DirFS(dir), base, opts)
			})
		},
	}
	for _, c := range []*cobra.Command{xlsx, csvCmd} {
		c.Flags().StringVar(&columns, "columns", "", "column map (YAML) for a sheet of your own layout (docs/import.md)")
	}
	cmd.AddCommand(tf, cdx, xlsx, csvCmd)
	for _, c := range []struct {
		use, short, long, example string
		imp                       importFunc
	}{
		{"aws SNAPSHOT.json", "Import an AWS Config snapshot or AWS Resource Explorer search output",
			`Import an AWS Config configuration snapshot (configurationItems) or the
output of aws resource-explorer-2 search (Resources): one component per
resource whose type maps to a layer, located by its region; every type
not mapped is counted in the summary.`,
			"  sovmap import aws importer/cloud/testdata/aws-config-snapshot.json --home DE\n  sovmap import aws importer/cloud/testdata/aws-resource-explorer.json --home FR", cloud.ImportAWS},
		{"azure GRAPH.json", "Import Azure Resource Graph results (az graph query -o json)",
			`Import the output of az graph query -q "Resources | project id, name, type,
location, resourceGroup, subscriptionId, kind" -o json: one component per
resource whose type maps to a layer, located by its region.`,
			"  sovmap import azure importer/cloud/testdata/azure-resource-graph.json --home FR", cloud.ImportAzure},
		{"gcp ASSETS.json", "Import Google Cloud Asset Inventory exports (JSON lines) or search-all-resources JSON",
			`Import a Cloud Asset Inventory export (gcloud asset export, JSON lines) or
the output of gcloud asset search-all-resources --format=json: one component
per asset whose type maps to a layer, located by its region.`,
			"  sovmap import gcp importer/cloud/testdata/gcp-asset-export.jsonl --home DE\n  sovmap import gcp importer/cloud/testdata/gcp-search-all-resources.json --home BE", cloud.ImportGCP},
		{"kubernetes NODES_PODS.json", "Import Kubernetes nodes and model-serving pods (kubectl get nodes,pods -A -o json)",
			`Import the output of kubectl get nodes,pods -A -o json: each node is a
compute component, located by its providerID and topology labels; each pod
whose image is a model server (vLLM, TGI, Ollama, Triton, NIM, SGLang,
llama.cpp, KServe, LocalAI) is a model component that depends on its node.`,
			"  sovmap import kubernetes importer/cloud/testdata/kubectl-nodes-pods.json --home DE", cloud.ImportKubernetes},
	} {
		kind, _, _ := strings.Cut(c.use, " ")
		imp := c.imp
		cmd.AddCommand(&cobra.Command{
			Use: c.use, Short: c.short, Long: c.long + " Give - to read standard input.", Example: c.example,
			Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				return a.runImport(cmd.Context(), f, kind, args[0], imp)
			},
		})
	}
	return cmd
}

// importFormats are the formats of an imported inventory; header is the
// comment YAML starts with.
var importFormats = formatSwitch[func(w io.Writer, inv *sovmap.Inventory, header string) error]{
	"json": func(w io.Writer, inv *sovmap.Inventory, _ string) error { return importer.WriteJSON(w, inv) },
	"yaml": importer.WriteYAML,
}

// checkImportOutput refuses an -o file that is one of the import's inputs
// (the source or an overlay), or an existing file without --force unless
// an earlier import wrote it: re-importing over one's own file is how an
// imported inventory is kept current.
func (a *app) checkImportOutput(out string, inputs []string) error {
	if out == "" {
		return nil
	}
	if err := guardOutput(out, inputs); err != nil {
		return err
	}
	if writtenByImport(out) {
		return nil
	}
	return a.refuseOverwrite(out)
}

// loadOverlays reads the --overlay files of import and scan, in order.
func loadOverlays(paths []string) ([]*overlay.Overlay, error) {
	var out []*overlay.Overlay
	for _, path := range paths {
		data, err := readLimited(path, nil, overlay.MaxSize)
		if err != nil {
			return nil, err
		}
		o, err := overlay.Load(path, data)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// importFunc is one importer, seen from the command.
type importFunc func(ctx context.Context, name string, data []byte, opts importer.Options) (*importer.Result, error)

// runImport reads the source, imports it, merges the overlays, checks the
// result against the inventory format and writes it.
func (a *app) runImport(ctx context.Context, f *importFlags, kind, file string, imp importFunc) error {
	if ctx == nil {
		ctx = context.Background()
	}
	format := formatFromOutput(f.format, f.out, "yaml", "json")
	write, err := importFormats.pick(format)
	if err != nil {
		return err
	}
	// Refused before the import, which can take a while; checked again
	// when the file is written.
	inputs := append([]string{file}, f.overlays...)
	if err := a.checkImportOutput(f.out, inputs); err != nil {
		return err
	}
	k, err := a.knowledge()
	if err != nil {
		return err
	}
	// Overlays first: a broken overlay should fail before a long import.
	overlays, err := loadOverlays(f.overlays)
	if err != nil {
		return err
	}
	name := file
	var data []byte
	if kind != "csv" {
		if file == "-" {
			name = "stdin"
		}
		if data, err = readLimited(file, a.stdin, importer.MaxInputSize); err != nil {
			return err
		}
	}
	prog := newProgressLine(a.stderr, "importing "+name, f.progress)
	res, err := imp(ctx, name, data, importer.Options{KB: k, Progress: prog.report})
	prog.done()
	if err != nil {
		return err
	}
	inv := res.Inventory
	for i, o := range overlays {
		warnings, summary := o.Apply(inv)
		res.Warnings = append(res.Warnings, warnings...)
		fmt.Fprintf(a.stderr, "sovmap: overlay %s: %s\n", f.overlays[i], summary)
	}
	if inv.Organization.Home == "" {
		inv.Organization.Home = strings.ToUpper(f.home)
	}
	if inv.Organization.Name == "" {
		inv.Organization.Name = f.org
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(a.stderr, "sovmap: warning: %s\n", w)
	}
	for _, s := range res.SkippedSummary() {
		fmt.Fprintf(a.stderr, "sovmap: warning: %s\n", s)
	}
	if len(inv.Components) == 0 && !f.allowEmpty {
		return &exitError{code: exitBadInput, err: fmt.Errorf("%s: %s; nothing written (--allow-empty writes the empty inventory)", name, res.EmptyReason())}
	}

	header := fmt.Sprintf(importHeader+"%s %s`%s.\nRe-import to refresh it; keep hand-written facts in an overlay (docs/import.md).", kind, name, overlayNote(f.overlays))
	var buf bytes.Buffer
	if err := write(&buf, inv, header); err != nil {
		return err
	}
	checked, missingHome, err := checkImported(ctx, k, inv, format, buf.Bytes())
	if err != nil {
		return err
	}
	if missingHome {
		fmt.Fprintln(a.stderr, "sovmap: warning: organization.home is not set: give --home, or set it in an overlay, before assessing")
	}
	if f.out == "" {
		_, err = a.stdout.Write(buf.Bytes())
	} else if err = a.checkImportOutput(f.out, inputs); err == nil {
		err = writeFileAtomic(f.out, buf.Bytes())
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "sovmap: imported %s, %s, %s from %s (%s)%s\n",
		plural.Count(len(inv.Components), "component"), plural.Count(len(inv.Providers), "provider"), plural.Count(len(inv.Flows), "flow"),
		name, warningCount(res), outputNote(f.out))
	if len(checked.Components) > 0 {
		none, err := a.requiresNothing(ctx, k, checked)
		if err != nil {
			return err
		}
		if none {
			fmt.Fprintf(a.stderr, "sovmap: hint: %s\n", importer.NoRequirementHint)
		}
	}
	return nil
}

// warningCount says how many warnings the import gave, the skipped source
// entries counted among them: "3 warnings: 1 unresolved, 2 skipped".
func warningCount(res *importer.Result) string {
	skipped := res.SkippedCount()
	total := plural.Count(len(res.Warnings)+skipped, "warning")
	if skipped == 0 {
		return total
	}
	return fmt.Sprintf("%s: %d unresolved, %d skipped", total, len(res.Warnings), skipped)
}

// requiresNothing reports whether no component of a checked inventory
// requires any sovereignty level: then every assessment reads "no gap"
// for want of a requirement, which the user should know before believing
// it. Declared data classes, criticality or rules are checked first,
// because they cost nothing; only when there are none is the inventory
// assessed, as sovmap assess will assess it: the defaults and the laws of
// the knowledge base, with its own knowledge: section (an overlay may add
// one) laid over k, may still require something.
func (a *app) requiresNothing(ctx context.Context, k *kb.KB, inv *sovmap.Inventory) (bool, error) {
	if len(inv.Rules) > 0 || len(inv.Flows) > 0 {
		return false, nil
	}
	for _, c := range inv.Components {
		if len(c.Data) > 0 || c.Criticality != "" {
			return false, nil
		}
	}
	k, err := inventory.WithKnowledge(k, inv)
	if err != nil {
		return false, err
	}
	x, err := a.assessLoaded(ctx, inv, k, nil)
	if err != nil {
		return false, err
	}
	return assess.RequiresNothing(x.report.Components), nil
}

func importLayers() string {
	names := make([]string, len(sovmap.Layers))
	for i, l := range sovmap.Layers {
		names[i] = string(l)
	}
	return strings.Join(names, ", ")
}

func overlayNote(paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	return " with --overlay " + strings.Join(paths, " --overlay ")
}

func outputNote(out string) string {
	if out == "" {
		return ""
	}
	return " into " + out
}

// checkImported loads the inventory about to be written the way every
// other command will, so that an import never hands on a file sovmap then
// rejects: the very bytes, when the organization has a home. A home is the
// one fact an import may leave to the user: without one, the inventory is
// checked as if a home were set, and missingHome says so.
func checkImported(ctx context.Context, k *kb.KB, inv *sovmap.Inventory, format string, data []byte) (checked *sovmap.Inventory, missingHome bool, err error) {
	if format == "yaml" && len(data) > inventory.DefaultMaxYAMLBytes {
		return nil, false, fmt.Errorf("the imported inventory is %d bytes of YAML, over the %d sovmap reads in one YAML file: write JSON instead (-o inventory.json)", len(data), inventory.DefaultMaxYAMLBytes)
	}
	name := "imported." + format
	if inv.Organization.Home == "" {
		missingHome = true
		probe := *inv
		probe.Organization.Home = "EU"
		var buf bytes.Buffer
		if err := importer.WriteJSON(&buf, &probe); err != nil {
			return nil, false, err
		}
		name, data = "imported.json", buf.Bytes()
	}
	checked, err = inventory.Decode(ctx, k, name, data)
	if err != nil {
		return nil, false, fmt.Errorf("the imported inventory does not validate (fix the source or the overlay):\n%w", err)
	}
	return checked, missingHome, nil
}

// readLimited reads a file (or r for "-") up to limit bytes.
func readLimited(path string, r io.Reader, limit int64) ([]byte, error) {
	if path == "-" {
		if r == nil {
			return nil, errors.New("- (standard input) is not allowed here")
		}
		data, err := io.ReadAll(io.LimitReader(r, limit+1))
		if err == nil && int64(len(data)) > limit {
			err = fmt.Errorf("stdin: more than the %d bytes allowed", limit)
		}
		return data, err
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: more than the %d bytes allowed", path, limit)
	}
	return data, nil
}

// writeFileAtomic writes through a temporary file and a rename, so that a
// failed write never leaves half an inventory behind. It creates the
// directory if need be.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// progressLine shows how far an import has come on one line of stderr:
// rewritten in place on a terminal, a line a second otherwise (--progress).
type progressLine struct {
	w        io.Writer
	label    string
	enabled  bool
	terminal bool
	last     time.Time
	shown    bool
	finished bool
	n, total int
}

func newProgressLine(w io.Writer, label string, forced bool) *progressLine {
	term := isTerminal(w)
	return &progressLine{w: w, label: label, enabled: forced || term, terminal: term}
}

func (p *progressLine) report(done, total int) {
	if !p.enabled {
		return
	}
	p.n, p.total = done, total
	interval := time.Second
	if p.terminal {
		interval = 100 * time.Millisecond
	}
	if p.shown && done < total && time.Since(p.last) < interval {
		return
	}
	p.print()
}

func (p *progressLine) print() {
	p.last = time.Now()
	p.shown = true
	pct := 100
	if p.total > 0 {
		pct = p.n * 100 / p.total
	}
	if p.terminal {
		fmt.Fprintf(p.w, "\r%s: %d/%d (%d%%)", p.label, p.n, p.total, pct)
		return
	}
	fmt.Fprintf(p.w, "%s: %d/%d (%d%%)\n", p.label, p.n, p.total, pct)
}

// done ends the line, after a last report of where it stopped.
func (p *progressLine) done() {
	if !p.enabled || !p.shown || p.finished {
		return
	}
	p.finished = true
	if p.terminal {
		fmt.Fprintln(p.w)
	}
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func newTemplateCmd(a *app) *cobra.Command {
	var out string
	var force bool
	cmd := &cobra.Command{
		Use:   "template xlsx|csv",
		Short: "Write the spreadsheet template that sovmap import xlsx|csv reads",
		Long: `Write the inventory template for spreadsheets: a workbook with Components,
Providers, Flows and Organization sheets (with example rows and drop-down
lists) and a README sheet that explains every column and its allowed values.

xlsx writes inventory.xlsx unless -o names another file. csv writes the
Components sheet to stdout, or, with -o FILE, FILE and providers.csv,
flows.csv and organization.csv beside it.`,
		Example: `  sovmap template xlsx -o inventory.xlsx
  sovmap template csv -o components.csv`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"xlsx", "csv"},
		RunE: func(cmd *cobra.Command, args []string) error {
			switch args[0] {
			case "xlsx":
				if out == "" {
					out = "inventory.xlsx"
				}
				var buf bytes.Buffer
				if err := sheet.WriteXLSX(&buf); err != nil {
					return err
				}
				if err := refuseOverwrite(out, force); err != nil {
					return err
				}
				if err := writeFileAtomic(out, buf.Bytes()); err != nil {
					return err
				}
				fmt.Fprintf(a.stderr, "sovmap: wrote %s; fill it in, then: sovmap import xlsx %s -o inventory.yaml\n", out, out)
				return nil
			case "csv":
				if out == "" {
					return sheet.WriteCSV(a.stdout, sheet.CSVSheets[0])
				}
				files := map[string]string{sheet.CSVSheets[0]: out}
				for _, name := range sheet.CSVSheets[1:] {
					files[name] = filepath.Join(filepath.Dir(out), name)
				}
				for _, name := range sheet.CSVSheets {
					if err := refuseOverwrite(files[name], force); err != nil {
						return err
					}
				}
				for _, name := range sheet.CSVSheets {
					var buf bytes.Buffer
					if err := sheet.WriteCSV(&buf, name); err != nil {
						return err
					}
					if err := writeFileAtomic(files[name], buf.Bytes()); err != nil {
						return err
					}
				}
				fmt.Fprintf(a.stderr, "sovmap: wrote %s and %s beside it; fill them in, then: sovmap import csv %s -o inventory.yaml\n", out, strings.Join(sheet.CSVSheets[1:], ", "), out)
				return nil
			}
			return fmt.Errorf("template %q: want xlsx or csv", args[0])
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite existing files")
	return cmd
}

func refuseOverwrite(path string, force bool) error {
	if force {
		return nil
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists; use --force to overwrite it", path)
	}
	return nil
}
