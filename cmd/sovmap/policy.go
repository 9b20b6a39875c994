package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap/document"
	"github.com/sovmap/sovmap/policydoc"
)

// policyFormats are the formats of the transfer policy document.
var policyFormats = formatSwitch[func(io.Writer, *policydoc.Document) error]{
	"docx":     func(w io.Writer, d *policydoc.Document) error { return document.WriteDOCX(w, policydoc.Shared(d)) },
	"html":     policydoc.WriteHTML,
	"json":     policydoc.WriteJSON,
	"markdown": policydoc.WriteMarkdown,
}

func newPolicyCmd(a *app) *cobra.Command {
	var format, output string
	cmd := &cobra.Command{
		Use:   "policy FILE|DIR...",
		Short: "Render the cross-border data transfer policy the inventory encodes",
		Long: `policy writes the organization's cross-border data transfer policy as a
document, from the same inventory the gate enforces: scope and home; the
trusted and restricted jurisdictions and why; for each data class the level
it requires, its basis and where it may be stored and processed; the transfer
rules and supplementary measures per destination tier; the laws the
assessment found setting conditions; the organization's CEL rules in plain
language beside their expressions; who approves exceptions (a question, as
the inventory does not record it); and an annex of the current flows with
their verdicts. Every statement names its basis: law, guidance, policy or
default. Formats: markdown, html, json, and docx (Word, through the shared
document renderer). docs/transfer-policy.md explains each section.`,
		Example: `  sovmap policy examples/bank-dora
  sovmap policy examples/hospital-group --format html -o policy.html
  sovmap policy examples/bank-dora --format docx -o policy.docx`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := policyFormats.pick(format)
			if err != nil {
				return err
			}
			if err := a.checkOutput(format, output, args); err != nil {
				return err
			}
			x, err := a.assess(cmd.Context(), args)
			if err != nil {
				return err
			}
			doc, err := policydoc.Build(x.inv, x.report, x.kb)
			if err != nil {
				return err
			}
			return a.writeOut(output, func(w io.Writer) error { return write(w, doc) })
		},
	}
	policyFormats.declare(cmd, cmd.Flags(), &format, "markdown", "f")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of standard output")
	return cmd
}
