package main

import (
	"fmt"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"io"
	"sort"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/report"
	"github.com/sovmap/sovmap/report/cyclonedx"
	"github.com/sovmap/sovmap/report/html"
	"github.com/sovmap/sovmap/report/oscal"
	"github.com/sovmap/sovmap/report/sarif"
	"github.com/sovmap/sovmap/report/sheet"
)

// formatSwitch is one command's --format switch: each format name it
// accepts, with the writer W of that format. Every command that writes in
// more than one format declares one and lets it check the flag, so that
// all of them accept "md" for "markdown" and refuse an unknown name alike.
type formatSwitch[W any] map[string]W

// names lists the formats, sorted, as help texts and errors show them.
func (s formatSwitch[W]) names() string {
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// usage is the help text of the --format flag.
func (s formatSwitch[W]) usage() string { return "output format: " + s.names() }

// declare adds the --format flag (with its one-letter shorthand, if any)
// to flags of cmd, with the help text and the shell completion of the
// formats the switch knows.
func (s formatSwitch[W]) declare(cmd *cobra.Command, flags *pflag.FlagSet, p *string, def, shorthand string) {
	flags.StringVarP(p, "format", shorthand, def, s.usage())
	s.complete(cmd)
}

// declareFromOutput is declare for a command whose --format defaults to
// what formatFromOutput reads from the --output name; note says how, for
// the help text.
func (s formatSwitch[W]) declareFromOutput(cmd *cobra.Command, flags *pflag.FlagSet, p *string, shorthand, note string) {
	flags.StringVarP(p, "format", shorthand, "", s.usage()+" (default: "+note+")")
	s.complete(cmd)
}

// complete registers the shell completion of cmd's --format flag.
func (s formatSwitch[W]) complete(cmd *cobra.Command) {
	_ = cmd.RegisterFlagCompletionFunc("format", func(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		var out []string
		for name := range s {
			if strings.HasPrefix(name, prefix) {
				out = append(out, name)
			}
		}
		sort.Strings(out)
		return out, cobra.ShellCompDirectiveNoFileComp
	})
}

// pick returns the writer of the format called name ("md" is "markdown").
// An unknown name is a usage error (exit 2) that lists the valid ones.
func (s formatSwitch[W]) pick(name string) (W, error) {
	if _, ok := s["markdown"]; ok && name == "md" {
		name = "markdown"
	}
	w, ok := s[name]
	if !ok {
		return w, &exitError{code: exitBadInput, err: fmt.Errorf("unknown --format %q (one of %s)", name, s.names())}
	}
	return w, nil
}

// writer writes an assessment in one format.
type writer func(w io.Writer, r *sovmap.Report, inv *sovmap.Inventory) error

// assessFormats are the formats of an assessment (assess, and the
// server's downloads). Add new formats here, one line each.
func assessFormats() formatSwitch[writer] {
	return formatSwitch[writer]{
		"table":     report.WriteTable,
		"json":      report.WriteJSON,
		"json-full": report.WriteJSONDetail,
		"markdown":  report.WriteMarkdown,
		"sarif": func(w io.Writer, r *sovmap.Report, inv *sovmap.Inventory) error {
			return sarif.WriteOptions(w, r, inv, sarif.Options{ToolVersion: version()})
		},
		"oscal":     oscal.Write,
		"cyclonedx": cyclonedx.Write,
		"html":      html.Write,
		"csv":       sheet.WriteCSV,
		"xlsx":      sheet.WriteXLSX,
	}
}
