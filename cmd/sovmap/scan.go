package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/scan"
)

// scanOutput is everything a format of sovmap scan may write.
type scanOutput struct {
	res    *scan.Result
	rules  *scan.Rules
	frag   *scan.Fragment
	header string
}

// scanFormats are the formats of sovmap scan: the inventory fragment in
// YAML or JSON, or the findings as SARIF.
var scanFormats = formatSwitch[func(w io.Writer, o scanOutput) error]{
	"yaml": func(w io.Writer, o scanOutput) error { return o.frag.WriteYAML(w, o.header) },
	"json": func(w io.Writer, o scanOutput) error { return o.frag.WriteJSON(w) },
	"sarif": func(w io.Writer, o scanOutput) error {
		return scan.WriteSARIF(w, o.res, o.rules, scan.SARIFOptions{ToolVersion: version()})
	},
}

func newScanCmd(a *app) *cobra.Command {
	var format, output, rulesFile, appName, home, org string
	var overlays []string
	var progress bool
	var maxSize int64
	cmd := &cobra.Command{
		Use:   "scan DIR",
		Short: "Find the AI services that code and configuration call, as an inventory fragment or SARIF",
		Long: `scan reads the source code (Python, JavaScript/TypeScript, Go, Java, C#) and
configuration (.env, YAML, JSON, .properties) below DIR and finds the calls and
endpoints of AI services: OpenAI, Azure OpenAI, Amazon Bedrock, Google Vertex AI
and the Gemini API, Anthropic (direct, on Bedrock or on Vertex), Mistral, Cohere,
Hugging Face, DeepSeek, and self-hosted Ollama, vLLM and TGI servers, directly or
through LangChain, LlamaIndex, LiteLLM, Spring AI, Semantic Kernel and the AI SDK.

It writes an inventory fragment: a component per application (a directory with
a go.mod, package.json, pyproject.toml, pom.xml, ... or DIR itself), one per
service and region or endpoint, with its provider and, when the call, the file
or the application's configuration names a region the knowledge base knows,
its location; and a flow from each application to each service it calls. Every
component and flow carries its evidence (file:line). An unknown region stays
unknown. Give the data classes of the flows in an overlay (--overlay), and
assess the fragment with the organization's inventory:
sovmap assess inventory.yaml ai-services.yaml. --format sarif writes the
findings for code scanning instead.

The rules are data (scan/rules.yaml, embedded); --rules FILE adds an
organization's own. Directories of dependencies and version control
(node_modules, vendor, .git, virtual environments, ...), binary files and files
over --max-size are skipped. See docs/scan.md.`,
		Example: `  sovmap scan scan/testdata/demo
  sovmap scan scan/testdata/demo --overlay scan/testdata/demo-overlay.yaml -o ai-services.yaml
  sovmap scan scan/testdata/demo --format sarif -o scan.sarif
  sovmap scan scan/testdata/demo --rules scan/testdata/extra-rules.yaml --home DE --org Example`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format = formatFromOutput(format, output, "yaml", "json", "sarif")
			write, err := scanFormats.pick(format)
			if err != nil {
				return err
			}
			k, err := a.knowledge()
			if err != nil {
				return err
			}
			rules, err := scan.Default()
			if err != nil {
				return err
			}
			if rulesFile != "" {
				data, err := readLimited(rulesFile, nil, scan.MaxRulesSize)
				if err != nil {
					return err
				}
				if rules, err = scan.LoadRules(rules, rulesFile, data); err != nil {
					return err
				}
				a.inputs = append(a.inputs, rulesFile)
			}
			// Overlays are read before the scan, which can take a while.
			ovs, err := loadOverlays(overlays)
			if err != nil {
				return err
			}
			a.inputs = append(a.inputs, overlays...)
			if err := a.checkOutput(format, output, a.inputs); err != nil {
				return err
			}

			prog := newProgressLine(a.stderr, "scanning "+args[0], progress)
			// A dumb terminal cannot rewrite a line in place.
			if os.Getenv("TERM") == "dumb" {
				prog.terminal = false
			}
			res, err := scan.Scan(cmd.Context(), args[0], scan.Options{Rules: rules, App: appName, MaxFileSize: maxSize, Progress: prog.report})
			prog.done()
			if err != nil {
				return err
			}
			frag := scan.Build(res, rules, k)
			inv := frag.Inventory
			inv.Organization.Home = strings.ToUpper(home)
			inv.Organization.Name = org
			for i, o := range ovs {
				warnings, summary := o.Apply(inv)
				for _, w := range warnings {
					frag.Warnings = append(frag.Warnings, w.String())
				}
				fmt.Fprintf(a.stderr, "sovmap: overlay %s: %s\n", overlays[i], summary)
			}
			if err := checkFragment(cmd, k, frag); err != nil {
				return err
			}
			for _, w := range append(res.Warnings, frag.Warnings...) {
				fmt.Fprintf(a.stderr, "sovmap: warning: %s\n", w)
			}
			for _, reason := range sortedReasons(res.Skipped) {
				fmt.Fprintf(a.stderr, "sovmap: skipped %d: %s\n", res.Skipped[reason], reason)
			}
			header := fmt.Sprintf("Written by `sovmap scan %s`%s.\nRe-scan to refresh it; keep data classes and locations in an overlay (docs/scan.md).", args[0], overlayNote(overlays))
			out := scanOutput{res: res, rules: rules, frag: frag, header: header}
			if err := a.writeOut(output, func(w io.Writer) error { return write(w, out) }); err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "sovmap: scanned %s: %s%s\n", args[0], frag.Summary(res), outputNote(output))
			return nil
		},
	}
	f := cmd.Flags()
	scanFormats.declare(cmd, f, &format, "", "f")
	f.StringVarP(&output, "output", "o", "", "file to write (YAML; JSON when it ends in .json, SARIF in .sarif); stdout when absent")
	f.StringVar(&rulesFile, "rules", "", "YAML file of detection rules added to the embedded ones (docs/scan.md)")
	f.StringArrayVar(&overlays, "overlay", nil, "overlay merged into the fragment: data classes of flows, locations, criticality (repeatable)")
	f.StringVar(&appName, "app", "", "name of the application at the root of DIR (default: the directory's name)")
	f.StringVar(&home, "home", "", "write an organization with this home, making the fragment a whole inventory")
	f.StringVar(&org, "org", "", "organization name written with --home")
	f.BoolVar(&progress, "progress", false, "show progress on stderr even when it is not a terminal")
	f.Int64Var(&maxSize, "max-size", scan.MaxFileSize, "skip files larger than this many bytes")
	return cmd
}

// checkFragment loads the fragment the way assess will, beside a minimal
// organization when it has none, so that scan never writes a file the
// other commands reject.
func checkFragment(cmd *cobra.Command, k *kb.KB, frag *scan.Fragment) error {
	probe := *frag
	inv := *frag.Inventory
	if inv.Organization.Home == "" {
		inv.Organization.Home = "EU"
		inv.Organization.Name = "probe"
	}
	probe.Inventory = &inv
	var buf bytes.Buffer
	if err := probe.WriteJSON(&buf); err != nil {
		return err
	}
	if _, err := inventory.Decode(cmd.Context(), k, "scan.json", buf.Bytes()); err != nil {
		return fmt.Errorf("the scanned inventory does not validate (check the overlay and the rules' providers and data classes):\n%w", err)
	}
	return nil
}

func sortedReasons(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
