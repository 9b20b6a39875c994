package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap/risk"
)

// analysisFormats are the formats of the graph analysis.
var analysisFormats = formatSwitch[func(io.Writer, *risk.Analysis) error]{
	"json":     risk.WriteAnalysisJSON,
	"markdown": risk.WriteAnalysisMarkdown,
	"table":    risk.WriteAnalysisTable,
}

func newGraphCmd(a *app) *cobra.Command {
	var format, output, component, jurisdiction string
	var limit int
	cmd := &cobra.Command{
		Use:   "graph FILE|DIR...",
		Short: "Single points of failure, blast radius and the chains that explain each exposure",
		Long: `graph analyses the dependency graph of an inventory:

  - single points of failure: the components whose loss takes down the most
    vital components (critical ones when none is vital), with an example chain;
  - blast radius of the loss of each provider (with what it controls: the
    figure of the vendor register's lost on exit and of scenario
    provider-exit), each jurisdiction (components controlled or operated from
    it, or with every location in it) and each cloud region (every location
    in it): components hit directly, down through runtime dependencies,
    degraded through supply dependencies. A component only partly located
    there runs on, as the scenarios count it;
  - exposure chains: how a foreign compelled-access law reaches a component
    through what it runs on ("the model endpoint runs on cluster X, whose key
    service is operated from Y").

Runtime dependencies pass a loss on; supply dependencies (licences, updates)
only degrade their dependents.`,
		Example: `  sovmap graph examples/hospital-group
  sovmap graph examples/hospital-group --component clinician-app
  sovmap graph examples/hospital-group --jurisdiction US --limit 100 --format json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := analysisFormats.pick(format)
			if err != nil {
				return err
			}
			if err := a.checkOutput(format, output, args); err != nil {
				return err
			}
			m, _, err := a.model(cmd.Context(), args)
			if err != nil {
				return err
			}
			an, err := risk.Analyze(cmd.Context(), m, risk.AnalysisOptions{Limit: limit, Component: component, Jurisdiction: jurisdiction})
			if err != nil {
				return err
			}
			return a.writeOut(output, func(w io.Writer) error { return write(w, an) })
		},
	}
	analysisFormats.declare(cmd, cmd.Flags(), &format, "table", "f")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of standard output")
	cmd.Flags().IntVar(&limit, "limit", risk.DefaultLimit, "rows per list (-1 for all)")
	cmd.Flags().StringVar(&component, "component", "", "explain every exposure of this component, direct ones included")
	cmd.Flags().StringVar(&jurisdiction, "jurisdiction", "", "only chains to this country or bloc")
	return cmd
}
