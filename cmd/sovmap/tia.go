package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/document"
	"github.com/sovmap/sovmap/tia"
)

// documentFormats are the formats of the drafted documents (tia, embassy
// draft): the ones counsel edit.
var documentFormats = formatSwitch[func(io.Writer, *document.Document) error]{
	"markdown": document.WriteMarkdown,
	"html":     document.WriteHTML,
	"docx":     document.WriteDOCX,
}

// parseDate reads a --date flag as parseDay reads every date; empty
// means today (UTC).
func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC().Truncate(24 * time.Hour), nil
	}
	return parseDay("--date", s)
}

func newTIACmd(a *app) *cobra.Command {
	var (
		format, output, date string
		all                  bool
		months               int
	)
	cmd := &cobra.Command{
		Use:   "tia FILE FLOW...",
		Short: "Draft a transfer impact assessment for flows relying on SCC or BCR",
		Long: `tia drafts a transfer impact assessment (TIA) for each named flow, or with
--all for every flow that carries personal data under standard contractual
clauses (scc) or binding corporate rules (bcr), following the six steps of
EDPB Recommendations 01/2020 (version 2.0, 18 June 2021): the transfer
(data classes, parties, onward transfers, who administers the destination
from where), the transfer tool and any adequacy decision, the law and
practice of the destination (the compelled-access laws of the knowledge base
that reach the recipient through control, location or operations, with
their sources), the supplementary measures the inventory records (key
custody) and their effect on each law, the procedural steps, and a
re-evaluation date.

Every statement is labelled with its basis (law, guidance, policy,
default), as a fact of the inventory, or as a question: what sovmap does
not know (purposes, pseudonymisation, redress, the authorities' practice)
is asked, never assumed, and listed again at the end. The result is a
draft for counsel, not legal advice.`,
		Example: `  sovmap tia examples/bank-transfers --all
  sovmap tia examples/bank-transfers card-transactions-to-us --format html > tia-us.html
  sovmap tia examples/bank-transfers kyc-files-to-india --format docx -o tia-india.docx`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := documentFormats.pick(format)
			if err != nil {
				return err
			}
			switch {
			case all && len(args) > 1:
				return &exitError{code: exitBadInput, err: fmt.Errorf("name flows or give --all, not both")}
			case !all && len(args) == 1:
				return &exitError{code: exitBadInput, err: fmt.Errorf("name at least one flow of %s, or give --all for every flow under SCC or BCR", args[0])}
			}
			if months < 1 {
				return &exitError{code: exitBadInput, err: fmt.Errorf("--review-months must be at least 1")}
			}
			day, err := parseDate(date)
			if err != nil {
				return err
			}
			if err := a.checkOutput(format, output, args[:1]); err != nil {
				return err
			}
			x, err := a.assess(cmd.Context(), args[:1])
			if err != nil {
				return err
			}
			flows, err := tia.Select(x.report, args[1:], all)
			if err != nil {
				return err
			}
			// Drafted with the knowledge the inventory was assessed with,
			// its own knowledge: section included.
			doc := tia.Draft(x.inv, x.report, x.kb, flows, tia.Options{Date: day, ReviewMonths: months})
			return a.writeOut(output, func(w io.Writer) error { return write(w, doc) })
		},
	}
	// FLOW completes with the flow ids of the inventory.
	cmd.ValidArgsFunction = inventoryIDs(a, -1, func(inv *sovmap.Inventory) []string {
		ids := make([]string, len(inv.Flows))
		for i := range inv.Flows {
			ids[i] = inv.Flows[i].ID
		}
		return ids
	})
	documentFormats.declare(cmd, cmd.Flags(), &format, "markdown", "f")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the document to this file instead of standard output")
	cmd.Flags().BoolVar(&all, "all", false, "every flow that carries personal data under SCC or BCR")
	cmd.Flags().StringVar(&date, "date", "", "the date of the draft, YYYY-MM-DD (default today); the re-evaluation date counts from it")
	cmd.Flags().IntVar(&months, "review-months", 12, "months from the draft to its re-evaluation (sovmap's default: 12)")
	return cmd
}
