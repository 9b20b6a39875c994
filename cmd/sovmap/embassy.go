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
		dirs            []string
		format, weights string
		failUnless      bool
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
tier is at least T3 and every key criterion is at T4.`,
	}
	cmd.PersistentFlags().StringArrayVar(&dirs, "frameworks", nil, "directory of framework YAML files laid over the shipped ones (repeatable)")
	scorecardFormats.declare(cmd, cmd.PersistentFlags(), &format, "table", "")
	cmd.PersistentFlags().StringVar(&weights, "weights", "", "weight set: balanced (default), registers or ai-compute")
	cmd.PersistentFlags().BoolVar(&failUnless, "fail-unless-qualifies", false, "exit 1 when an arrangement does not qualify as a digital embassy")

	score := &cobra.Command{
		Use:   "score FILE ID",
		Short: "Score one arrangement",
		Example: `  sovmap embassy score examples/embassy-estonia-luxembourg/inventory.yaml ee-lu
  sovmap embassy score examples/embassy-estonia-luxembourg/inventory.yaml ee-lu --format html > ee-lu.html`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := scorecardFormats.pick(format)
			if err != nil {
				return err
			}
			sc, _, err := a.scoreArrangement(cmd.Context(), dirs, weights, args[0], args[1])
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
			inv, _, err := a.load(cmd.Context(), args[:1])
			if err != nil {
				return err
			}
			c, err := embassy.Compare(lib, inv, args[1:], weights)
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
// id on the frameworks of dirs (over the embedded ones), as `embassy score`
// and `embassy draft` both do.
func (a *app) scoreArrangement(ctx context.Context, dirs []string, weights, path, id string) (*embassy.Scorecard, *kb.KB, error) {
	lib, err := frameworkLibrary(dirs)
	if err != nil {
		return nil, nil, err
	}
	inv, k, err := a.load(ctx, []string{path})
	if err != nil {
		return nil, nil, err
	}
	arr, err := embassy.Find(inv, id)
	if err != nil {
		return nil, nil, err
	}
	sc, err := embassy.Score(lib, inv, arr, weights)
	if err != nil {
		return nil, nil, err
	}
	return sc, k, nil
}
