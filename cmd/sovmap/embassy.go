package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap/embassy"
	"github.com/sovmap/sovmap/kb"
)

// scorecardFormats and comparisonFormats are the formats of embassy score
// and embassy compare.
var (
	scorecardFormats = formatSwitch[func(io.Writer, *embassy.Scorecard) error]{
		"html":     embassy.WriteScorecardHTML,
		"json":     embassy.WriteScorecardJSON,
		"markdown": embassy.WriteScorecardMarkdown,
		"table":    embassy.WriteScorecardTable,
	}
	comparisonFormats = formatSwitch[func(io.Writer, *embassy.Comparison) error]{
		"html":     embassy.WriteComparisonHTML,
		"json":     embassy.WriteComparisonJSON,
		"markdown": embassy.WriteComparisonMarkdown,
		"table":    embassy.WriteComparisonTable,
	}
)

func newEmbassyCmd(a *app) *cobra.Command {
	var (
		dirs                []string
		format, weights, on string
		failUnless          bool
	)
	cmd := &cobra.Command{
		Use:   "embassy",
		Short: "Score and compare digital-embassy arrangements; list the clauses still to negotiate",
		Long: `embassy scores the inventory's arrangements (arrangements: [{id, host, guest,
instrument, answers, evidence}]) on the digital-embassy trust framework:
political commitment, legal basis, data management, technical safeguards and
operational rules, also shown as the four often quoted dimensions (legal
jurisdiction, data sovereignty, security standards, exit rights). Each
dimension gets a score and a tier (T0 unprotected .. T4 inviolable), the
arrangement its weakest-link tier and a weighted score, and every gap becomes
a clause to negotiate. See sovmap framework show digital-embassy for the
criteria and their answers.

An arrangement qualifies as a digital embassy, and lifts the location of the
components hosted under it to home in sovmap assess, when its weakest-link
tier is at least T3 and every key criterion is at T4.

Where the inventory lists the accelerators an arrangement hosts (hardware
components under it, or that its components depend on), the export controls
of their vendor's country on the host, from the knowledge base on the day
given by --on, cap the capacity criterion: a licence or a quota at partial, a
presumption of denial at no. sovmap assess and sovmap plan judge
qualification the same way.`,
	}
	cmd.PersistentFlags().StringArrayVar(&dirs, "frameworks", nil, "directory of framework YAML files laid over the shipped ones (repeatable)")
	scorecardFormats.declare(cmd, cmd.PersistentFlags(), &format, "table", "")
	cmd.PersistentFlags().StringVar(&weights, "weights", "", "weight set: balanced (default), registers or ai-compute")
	cmd.PersistentFlags().BoolVar(&failUnless, "fail-unless-qualifies", false, "exit 1 when an arrangement does not qualify as a digital embassy")
	cmd.PersistentFlags().StringVar(&on, "on", "", "judge export controls on hosted accelerators on this day, YYYY-MM-DD (default today)")

	score := &cobra.Command{
		Use:   "score FILE ID",
		Short: "Score one arrangement",
		Example: `  sovmap embassy score examples/embassy-estonia-luxembourg/inventory.yaml ee-lu
  sovmap embassy score examples/embassy-estonia-luxembourg/inventory.yaml ee-lu --format html > ee-lu.html
  sovmap embassy score examples/embassy-ai-compute gpu-ae
  sovmap embassy score examples/embassy-ai-compute gpu-lu --on 2025-03-01`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := scorecardFormats.pick(format)
			if err != nil {
				return err
			}
			sc, _, err := a.scoreArrangement(cmd.Context(), dirs, weights, on, args[0], args[1])
			if err != nil {
				return err
			}
			if err := write(a.stdout, sc); err != nil {
				return err
			}
			if failUnless && !sc.Qualifies {
				return &exitError{code: exitFindings, err: fmt.Errorf("arrangement %s %s", sc.Arrangement, sc.Qualification)}
			}
			return nil
		},
	}
	compare := &cobra.Command{
		Use:   "compare FILE ID ID...",
		Short: "Compare candidate arrangements side by side",
		Example: `  sovmap embassy compare examples/embassy-host-comparison/inventory.yaml host-lu host-no host-ae
  sovmap embassy compare examples/embassy-host-comparison host-lu host-no --weights ai-compute --format html > hosts.html`,
		Args: cobra.MinimumNArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := comparisonFormats.pick(format)
			if err != nil {
				return err
			}
			lib, err := frameworkLibrary(dirs)
			if err != nil {
				return err
			}
			opts, err := embassyOptions(weights, on)
			if err != nil {
				return err
			}
			inv, k, err := a.load(cmd.Context(), args[:1])
			if err != nil {
				return err
			}
			opts.KB = k
			c, err := embassy.Compare(lib, inv, args[1:], opts)
			if err != nil {
				return err
			}
			if err := write(a.stdout, c); err != nil {
				return err
			}
			if failUnless {
				for _, sc := range c.Scorecards {
					if !sc.Qualifies {
						return &exitError{code: exitFindings, err: fmt.Errorf("arrangement %s %s", sc.Arrangement, sc.Qualification)}
					}
				}
			}
			return nil
		},
	}
	cmd.AddCommand(score, compare, newEmbassyDraftCmd(a))
	return cmd
}

// scoreArrangement loads the inventory at path and scores its arrangement
// id on the frameworks of dirs (over the embedded ones), with export
// controls judged on day on, as `embassy score` and `embassy draft` both do.
func (a *app) scoreArrangement(ctx context.Context, dirs []string, weights, on, path, id string) (*embassy.Scorecard, *kb.KB, error) {
	lib, err := frameworkLibrary(dirs)
	if err != nil {
		return nil, nil, err
	}
	opts, err := embassyOptions(weights, on)
	if err != nil {
		return nil, nil, err
	}
	inv, k, err := a.load(ctx, []string{path})
	if err != nil {
		return nil, nil, err
	}
	opts.KB = k
	arr, err := embassy.Find(inv, id)
	if err != nil {
		return nil, nil, err
	}
	sc, err := embassy.Score(lib, inv, arr, opts)
	if err != nil {
		return nil, nil, err
	}
	return sc, k, nil
}

// embassyOptions reads the weight set and --on (YYYY-MM-DD, empty for
// today) of the embassy commands; the caller adds the inventory's
// knowledge base once loaded, so that export controls on hosted
// accelerators count, as assessOptionsFor does for assess and plan.
func embassyOptions(weights, on string) (embassy.Options, error) {
	opts := embassy.Options{Weights: weights}
	if on == "" {
		return opts, nil
	}
	day, err := parseDay("--on", on)
	if err != nil {
		return opts, err
	}
	opts.At = day
	return opts, nil
}
