package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/plan"
)

// planFormats are the formats of a sourcing plan.
var planFormats = formatSwitch[func(io.Writer, *plan.Result) error]{
	"json":     plan.WriteJSON,
	"markdown": plan.WriteMarkdown,
	"table":    plan.WriteTable,
}

func newPlanCmd(a *app) *cobra.Command {
	var (
		opts                             plan.Options
		format                           string
		providerShare, jurisdictionShare string
	)
	cmd := &cobra.Command{
		Use:   "plan FILE|DIR...",
		Short: "Find the least-cost choice of options that meets every required level",
		Long: `plan reads an inventory whose components list alternative offers under options:
(provider, locations, operated_from, key_custody, contract, arrangement,
cost_once, cost_yearly) and finds, per component, whether to keep it or take
one option, so that every component reaches its required level at the least
total cost (cost_once + years x cost_yearly), within a budget and with no
provider or foreign jurisdiction above a share of the critical components.
Levels are the ones 'sovmap assess' reports for the inventory with the
plan's options applied, dependency cycles through supply edges included.

It prints the plan, its cost, the levels after, the trade-off curve of cost
against requirements met, and, when no plan meets every requirement, which
cannot be met and why. The solver is an exact branch and bound; if it stops
at --max-nodes (or --curve-nodes for the curve) it says so and reports a
proven lower bound.

Exit codes: 0 every requirement can be met, 1 some cannot, 2 bad input.
See docs/strategy.md.`,
		Example: `  sovmap plan examples/strategy-sourcing-plan/inventory.yaml
  sovmap plan --budget 3000000 examples/strategy-sourcing-plan/inventory.yaml
  sovmap plan --max-provider-share 40% --years 5 --format markdown examples/strategy-sourcing-plan`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := planFormats.pick(format)
			if err != nil {
				return err
			}
			if opts.MaxProviderShare, err = parseShare(providerShare); err != nil {
				return fmt.Errorf("--max-provider-share: %w", err)
			}
			if opts.MaxJurisdictionShare, err = parseShare(jurisdictionShare); err != nil {
				return fmt.Errorf("--max-jurisdiction-share: %w", err)
			}
			if opts.Years < 1 {
				return fmt.Errorf("--years must be at least 1")
			}
			if err := opts.Validate(); err != nil {
				return err
			}
			inv, k, err := a.load(cmd.Context(), args)
			if err != nil {
				return err
			}
			// Each variant is assessed as `sovmap assess` would assess it.
			ev := plan.AssessEvaluator{KB: k, OptionsFor: func(v *sovmap.Inventory) assess.Options { return a.assessOptionsFor(v, k) }}
			r, err := plan.Solve(cmd.Context(), inv, ev, opts)
			if err != nil {
				return err
			}
			if err := write(a.stdout, r); err != nil {
				return err
			}
			if !r.Feasible {
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&opts.Years, "years", plan.DefaultYears, "years of yearly cost counted in the total")
	cmd.Flags().Float64Var(&opts.Budget, "budget", 0, "most the plan may cost in total (0 for no budget)")
	cmd.Flags().StringVar(&providerShare, "max-provider-share", "", "most critical components one provider (ultimate controller) may hold, as 0.4 or 40%")
	cmd.Flags().StringVar(&jurisdictionShare, "max-jurisdiction-share", "", "most critical components one foreign jurisdiction may control, as 0.4 or 40%")
	cmd.Flags().IntVar(&opts.MaxNodes, "max-nodes", plan.DefaultMaxNodes, "search nodes before the solver stops and reports its best plan with a lower bound")
	cmd.Flags().IntVar(&opts.CurveNodes, "curve-nodes", plan.DefaultCurveNodes, "search nodes spent proving the rest of the trade-off curve")
	planFormats.declare(cmd, cmd.Flags(), &format, "table", "f")
	return cmd
}

// parseShare reads a share written as a fraction (0.4) or a percentage
// (40%); empty means no cap.
func parseShare(s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	pct := strings.HasSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil {
		return 0, errors.New("expected a share such as 0.4 or 40%")
	}
	if pct {
		v /= 100
	}
	if v <= 0 || v > 1 {
		return 0, errors.New("a share must be above 0 and at most 1 (100%)")
	}
	return v, nil
}
