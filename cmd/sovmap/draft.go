package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/embassy"
)

// newEmbassyDraftCmd is `sovmap embassy draft`: a draft agreement between
// the guest and the host of an arrangement. It reads the embassy
// command's --frameworks and --weights; its own --format lists the
// document formats.
func newEmbassyDraftCmd(a *app) *cobra.Command {
	var format, output string
	cmd := &cobra.Command{
		Use:   "draft FILE ID",
		Short: "Draft the agreement between the guest and host states of an arrangement",
		Long: `draft writes a complete draft agreement between the guest and the host of an
arrangement: a preamble, definitions, then numbered articles (inviolability,
immunity, entry and access, applicable law, jurisdiction, data classes and
residency, keys and security, communications, access disclosure, continuity,
capacity, exit, dispute settlement, entry into force and termination) and
annexes to complete.

Each article is built from the digital-embassy trust framework: a criterion
the arrangement already meets at the top tier is written as offered, one
below it as the framework's clause still to negotiate, with today's answer
and the target, marked when it keeps the arrangement from qualifying. Notes
cite the models the article follows: the Vienna Convention on Diplomatic
Relations (articles 22, 24 and 27), the Estonia-Luxembourg agreement (2017)
and the Monaco-Luxembourg agreement. The clauses are sovmap's wording; the
result is a draft for counsel, not legal advice.`,
		Example: `  sovmap embassy draft examples/embassy-host-comparison/inventory.yaml host-lu
  sovmap embassy draft examples/embassy-host-comparison/inventory.yaml host-ae --format html > host-ae.html
  sovmap embassy draft examples/embassy-host-comparison/inventory.yaml host-no --format docx -o host-no.docx`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := documentFormats.pick(format)
			if err != nil {
				return err
			}
			if err := a.checkOutput(format, output, args[:1]); err != nil {
				return err
			}
			dirs, _ := cmd.Flags().GetStringArray("frameworks")
			weights, _ := cmd.Flags().GetString("weights")
			on, _ := cmd.Flags().GetString("on")
			sc, k, err := a.scoreArrangement(cmd.Context(), dirs, weights, on, args[0], args[1])
			if err != nil {
				return err
			}
			doc := embassy.Draft(sc, func(code string) string {
				c, _ := k.Country(code)
				return c.Name
			})
			return a.writeOut(output, func(w io.Writer) error { return write(w, doc) })
		},
	}
	// ID completes with the arrangement ids of the inventory.
	cmd.ValidArgsFunction = inventoryIDs(a, 1, func(inv *sovmap.Inventory) []string {
		var ids []string
		for _, ar := range inv.Arrangements {
			ids = append(ids, ar.ID)
		}
		return ids
	})
	documentFormats.declare(cmd, cmd.Flags(), &format, "markdown", "f")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the draft to this file instead of standard output")
	return cmd
}
