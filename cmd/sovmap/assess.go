package main

import (
	"fmt"
	"io"

	"github.com/sovmap/sovmap/internal/plural"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/diff"
	"github.com/sovmap/sovmap/report"
)

func newAssessCmd(a *app) *cobra.Command {
	var format, output, baseline string
	var gate gateFlags
	var wide bool
	cmd := &cobra.Command{
		Use:   "assess FILE|DIR...",
		Short: "Place every component on the sovereignty spectrum and gate on the gaps",
		Long: `assess reads an inventory (a YAML or JSON file, or a directory of them) and prints,
per component, its own level, effective level, required level, gap, sourcing
advice, binding factors, the foreign jurisdictions whose compelled-access laws
reach it and the reasons for its requirement; then flows, layers, providers and
a summary.

Exit codes: 0 clean, 1 when a gap is --fail-on levels or more or a flow is a
violation (with --baseline: only when such a finding is new or worse than in
the baseline, or, with --fail-on-worse N, when a gap grew or a level fell by N
or more; see 'sovmap diff --help'), 2 on bad input or usage.`,
		Example: `  sovmap assess examples/hospital-group
  sovmap assess examples/hospital-group --wide
  sovmap assess examples/hospital-group/inventory.yaml --format json > assessment.json
  sovmap assess examples/hospital-group --fail-on 2 --format markdown
  sovmap assess examples/bank-dora --format json -o main-assessment.json --fail-on 0
  sovmap assess examples/bank-dora --baseline main-assessment.json --format sarif -o sovmap.sarif
  sovmap assess examples/bank-dora --baseline main-assessment.json --fail-on 0 --fail-on-worse 1`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := assessFormats().pick(format)
			if err != nil {
				return err
			}
			if wide {
				if format != "table" {
					return fmt.Errorf("--wide is for the table format, not --format %s", format)
				}
				write = report.WriteWideTable
			}
			if err := gate.check(); err != nil {
				return err
			}
			if baseline == "" && (gate.failOnWorse > 0 || len(gate.renames) > 0) {
				return fmt.Errorf("--fail-on-worse and --rename compare with a baseline: give --baseline FILE")
			}
			// Refused before the assessment, which can take seconds;
			// writeOut checks again when it writes.
			if err := a.checkOutput(format, output, args); err != nil {
				return err
			}
			x, err := a.assess(cmd.Context(), args)
			if err != nil {
				return err
			}
			if err := x.noteOverrides(cmd.Context()); err != nil {
				return err
			}
			inv, r := x.inv, x.report
			if output != "" && output != "-" {
				a.begin("writing %s", output)
			}
			if err := a.writeOut(output, func(w io.Writer) error { return write(w, r, inv) }); err != nil {
				return err
			}
			a.mark("write")
			if baseline != "" {
				// Gate only on what is new or worse than the baseline, and say
				// what changed on standard error, beside the report.
				base, _, err := a.reportFrom(cmd.Context(), baseline)
				if err != nil {
					return fmt.Errorf("--baseline: %w", err)
				}
				d, err := gate.compare(base, r, inv)
				if err != nil {
					return err
				}
				if err := diff.WriteTable(a.stderr, d); err != nil {
					return err
				}
				return gateResult(d, "the baseline "+baseline)
			}
			if n := findings(r, gate.failOn); n > 0 {
				return &exitError{code: exitFindings, err: fmt.Errorf("%s at or above --fail-on %d (gaps of %d or more levels, unmet legal conditions, or flow violations)", plural.Count(n, "finding"), gate.failOn, gate.failOn)}
			}
			return nil
		},
	}
	assessFormats().declare(cmd, cmd.Flags(), &format, "table", "f")
	cmd.Flags().BoolVar(&wide, "wide", false, "table format: every column on one line, however long (the default table fits 100 columns)")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the report to this file instead of standard output")
	cmd.Flags().StringVar(&baseline, "baseline", "", "a saved 'assess --format json' (or json-full) output or an inventory: fail only on what is new or worse than it")
	gate.declare(cmd.Flags(), "exit 1 when any gap is this many levels or more, a law's condition is unmet, or a flow is a violation (0 never fails)")
	return cmd
}

// findings counts what fails the gate at failOn: gaps of at least failOn
// levels, components failing a law's condition, and flow violations, as
// finding.Gates decides for each finding. It counts from the report rather
// than building every finding: a national inventory has millions. A failOn
// of 0 turns the gate off.
func findings(r *sovmap.Report, failOn int) int {
	if failOn <= 0 {
		return 0
	}
	n := 0
	for i := range r.Components {
		c := &r.Components[i]
		if c.Gap >= failOn {
			n++
		}
		unmet, _ := c.Conditions()
		n += unmet
	}
	for _, f := range r.Flows {
		if f.Verdict == sovmap.Violation {
			n++
		}
	}
	return n
}
