package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/report"
)

// explained is the component at index i of an assessed inventory.
type explained struct {
	inv *sovmap.Inventory
	r   *sovmap.Report
	i   int
}

// explainFormats are the formats of explain: the text for a reader, or the
// component's entry of the detailed JSON report.
var explainFormats = formatSwitch[func(io.Writer, explained) error]{
	"json": func(w io.Writer, e explained) error {
		one := &sovmap.Report{Organization: e.r.Organization, Home: e.r.Home, Components: e.r.Components[e.i : e.i+1]}
		return report.WriteJSONDetail(w, one, e.inv)
	},
	"text": func(w io.Writer, e explained) error {
		return report.WriteExplanation(w, &e.inv.Components[e.i], &e.r.Components[e.i])
	},
}

func newExplainCmd(a *app) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "explain FILE|DIR COMPONENT",
		Short: "Show one component's factors one by one, what binds and what would raise it",
		Example: `  sovmap explain examples/hospital-group gpu-training
  sovmap explain examples/hospital-group/inventory.yaml inference-api --format json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := explainFormats.pick(format)
			if err != nil {
				return err
			}
			x, err := a.assess(cmd.Context(), args[:1])
			if err != nil {
				return err
			}
			inv, r := x.inv, x.report
			id := args[1]
			for i := range r.Components {
				if r.Components[i].ID == id {
					return write(a.stdout, explained{inv, r, i})
				}
			}
			return fmt.Errorf("no component %q in %s", id, args[0])
		},
	}
	explainFormats.declare(cmd, cmd.Flags(), &format, "text", "f")
	return cmd
}
