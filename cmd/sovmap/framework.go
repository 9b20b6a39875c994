package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/internal/plural"
)

// frameworkLibrary loads the embedded frameworks and the --frameworks
// directories laid over them.
func frameworkLibrary(dirs []string) (*framework.Library, error) {
	lib, err := framework.Default()
	if err != nil {
		return nil, fmt.Errorf("embedded frameworks: %w", err)
	}
	for _, dir := range dirs {
		if lib, err = lib.Overlay(os.DirFS(dir)); err != nil {
			return nil, fmt.Errorf("--frameworks %s: %w", dir, err)
		}
	}
	return lib, nil
}

// The formats of framework list, show and score.
var (
	listFormats = formatSwitch[func(io.Writer, *framework.Library) error]{
		"json": func(w io.Writer, lib *framework.Library) error {
			return framework.WriteJSON(w, framework.Summaries(lib))
		},
		"table": framework.WriteListTable,
	}
	showFormats = formatSwitch[func(io.Writer, *framework.Framework) error]{
		"json":     func(w io.Writer, f *framework.Framework) error { return framework.WriteJSON(w, f) },
		"markdown": framework.WriteFrameworkMarkdown,
		"table":    framework.WriteFrameworkMarkdown,
	}
	scoredFormats = formatSwitch[func(io.Writer, *framework.Scored) error]{
		"json":     func(w io.Writer, s *framework.Scored) error { return framework.WriteJSON(w, s) },
		"markdown": framework.WriteScoredMarkdown,
		"table":    framework.WriteScoredTable,
	}
)

func newFrameworkCmd(a *app) *cobra.Command {
	var dirs []string
	cmd := &cobra.Command{
		Use:   "framework",
		Short: "List, show and score recognised frameworks (EU CSF, SecNumCloud, Gaia-X, digital embassies)",
		Long: `framework works with the assessment schemes sovmap ships as data: the EU
Cloud Sovereignty Framework (eu-csf@2026, the Commission's 48-criterion
calculator, and eu-csf@1.2.1, the October 2025 document; SEAL-0..SEAL-4),
SecNumCloud 3.2 §19.6, the Gaia-X label levels and the digital-embassy trust
framework. A framework is named id@version or by its bare id, which names
its latest version. Each scores answers with a weighted score and a minimum
gate: a dimension's level is its weakest criterion, the overall level the
weakest dimension. Unanswered criteria count as the worst answer (sovmap's
rule) and are listed in every output.`,
	}
	cmd.PersistentFlags().StringArrayVar(&dirs, "frameworks", nil, "directory of framework YAML files laid over the shipped ones (repeatable)")
	cmd.AddCommand(newFrameworkListCmd(a, &dirs), newFrameworkShowCmd(a, &dirs), newFrameworkScoreCmd(a, &dirs), newFrameworkCheckCmd(a, &dirs))
	return cmd
}

func newFrameworkListCmd(a *app, dirs *[]string) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the frameworks",
		Example: "  sovmap framework list\n  sovmap framework list --format json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := listFormats.pick(format)
			if err != nil {
				return err
			}
			lib, err := frameworkLibrary(*dirs)
			if err != nil {
				return err
			}
			return write(a.stdout, lib)
		},
	}
	listFormats.declare(cmd, cmd.Flags(), &format, "table", "")
	return cmd
}

func newFrameworkShowCmd(a *app, dirs *[]string) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:     "show ID",
		Short:   "Show a framework: sources, levels, weight sets and every criterion with its answers",
		Example: "  sovmap framework show eu-csf\n  sovmap framework show eu-csf@1.2.1\n  sovmap framework show digital-embassy --format json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := showFormats.pick(format)
			if err != nil {
				return err
			}
			lib, err := frameworkLibrary(*dirs)
			if err != nil {
				return err
			}
			f, err := lib.Lookup(args[0])
			if err != nil {
				return err
			}
			return write(a.stdout, f)
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", showFormats.usage()+" (table is markdown)")
	showFormats.complete(cmd)
	return cmd
}

func newFrameworkScoreCmd(a *app, dirs *[]string) *cobra.Command {
	var (
		format, fid, provider, weights, minLevel string
	)
	cmd := &cobra.Command{
		Use:   "score FILE --framework ID --provider ID",
		Short: "Score a provider on a framework from the inventory's assessments and facts",
		Long: `score reads the answers of the inventory's assessment of the provider on the
framework (assessments: [{provider, framework, answers, evidence}]) and prints
the level per objective and overall (for eu-csf, the SEAL), the weighted score,
each answer with its points or level and evidence, and the unanswered
criteria. Criteria the inventory itself answers (the provider's country and
its parents', foreign_ownership, where its components are operated from, who
holds their keys, where its accelerators come from) are taken from the
inventory, and a note says when they disagree with the answer.

--min-level sets the levels a tender requires: a bare level (3 or SEAL-3)
for the overall level, DIMENSION=LEVEL for one objective, comma-separated:
--min-level SOV-2=3,SOV-5=2 or --min-level 2,SOV-3=4. Levels run from 0 to
the framework's top (4 for eu-csf).

Exit codes: 0; 1 when a --min-level is not met (the failing objectives are
named); 2 for a usage mistake, such as a level outside the scale.`,
		Example: `  sovmap framework score examples/eu-csf-calculator --framework eu-csf --provider eu-sovereign-cloud
  sovmap framework score examples/eu-csf-calculator --framework eu-csf@2026 --provider eu-sovereign-cloud --min-level SOV-2=3,SOV-5=2
  sovmap framework score examples/embassy-host-comparison --framework eu-csf@1.2.1 --provider lu-ai-operator --weights 2026
  sovmap framework score examples/embassy-host-comparison --framework secnumcloud --provider no-ai-operator`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := scoredFormats.pick(format)
			if err != nil {
				return err
			}
			if fid == "" || provider == "" {
				return fmt.Errorf("--framework and --provider are required")
			}
			lib, err := frameworkLibrary(*dirs)
			if err != nil {
				return err
			}
			f, err := lib.Lookup(fid)
			if err != nil {
				return err
			}
			if f.Subject != "provider" {
				return fmt.Errorf("framework %s scores %ss: use sovmap embassy score", f.ID, f.Subject)
			}
			var mins framework.Minimums
			if cmd.Flags().Changed("min-level") {
				if mins, err = f.ParseMinimums(minLevel); err != nil {
					return fmt.Errorf("--min-level: %w", err)
				}
			}
			inv, k, err := a.load(cmd.Context(), args)
			if err != nil {
				return err
			}
			facts, err := framework.ProviderFacts(inv, k, provider)
			if err != nil {
				return err
			}
			as, err := findAssessment(lib, inv, provider, fid)
			if err != nil {
				return err
			}
			in := framework.Input{Facts: facts, Weights: weights}
			scored := &framework.Scored{Subject: "provider " + provider}
			if as != nil {
				in.Answers, in.Evidence = as.Answers, as.Evidence
				scored.Assessment = assessmentName(as)
			}
			res, err := f.Evaluate(in)
			if err != nil {
				if as != nil && as.Pos.String() != "" {
					return fmt.Errorf("%s: assessment of %s on %s: %w", as.Pos, provider, f.ID, err)
				}
				return fmt.Errorf("assessment of %s on %s: %w", provider, f.ID, err)
			}
			if as == nil {
				res.Notes = append(res.Notes, fmt.Sprintf("the inventory has no assessment of %s on %s: only inventory facts answer", provider, f.ID))
			}
			scored.Result = res
			var failed []framework.Requirement
			if cmd.Flags().Changed("min-level") {
				failed = f.Check(res, mins)
			}
			if err := write(a.stdout, scored); err != nil {
				return err
			}
			if len(failed) > 0 {
				parts := make([]string, len(failed))
				for i, q := range failed {
					parts[i] = q.String()
				}
				return &exitError{code: exitFindings, err: fmt.Errorf("%s on %s fails %s: %s", provider, f.Key(), plural.Count(len(failed), "minimum"), strings.Join(parts, "; "))}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&fid, "framework", "", "framework id (see sovmap framework list)")
	cmd.Flags().StringVar(&provider, "provider", "", "provider id from the inventory or the knowledge base")
	cmd.Flags().StringVar(&weights, "weights", "", "weight set, such as v1.2.1 or 2026 for eu-csf (default: the framework's first)")
	scoredFormats.declare(cmd, cmd.Flags(), &format, "table", "")
	cmd.Flags().StringVar(&minLevel, "min-level", "", "required levels: LEVEL overall and/or DIMENSION=LEVEL, comma-separated (SEAL-n is n); exit 1 when one is not met")
	return cmd
}

func newFrameworkCheckCmd(a *app, dirs *[]string) *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE|DIR...",
		Short: "Check every arrangement's and assessment's answers against its framework",
		Long: `check reports every answer that names an unknown criterion or is not on the
criterion's ladder, and every arrangement or assessment that names an unknown
framework, each with its file, line and column. Exit code 2 when there is one.`,
		Example: "  sovmap framework check examples/embassy-host-comparison/inventory.yaml",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lib, err := frameworkLibrary(*dirs)
			if err != nil {
				return err
			}
			inv, _, err := a.load(cmd.Context(), args)
			if err != nil {
				return err
			}
			if err := framework.CheckInventory(lib, inv); err != nil {
				return err
			}
			n := len(inv.Arrangements) + len(inv.Assessments)
			fmt.Fprintf(a.stdout, "ok: %s and %s %s %s\n", plural.Count(len(inv.Arrangements), "arrangement"), plural.Count(len(inv.Assessments), "assessment"),
				plural.Pick(n, "answers", "answer"), plural.Pick(n, "its framework", "their frameworks"))
			return nil
		},
	}
}

// findAssessment returns the inventory's assessment of the provider on the
// framework version fid names, nil when there is none. An assessment naming
// the bare id belongs to the latest version.
func findAssessment(lib *framework.Library, inv *sovmap.Inventory, provider, fid string) (*sovmap.Assessment, error) {
	var found []*sovmap.Assessment
	for i := range inv.Assessments {
		if as := &inv.Assessments[i]; as.Provider == provider && lib.Same(as.Framework, fid) {
			found = append(found, as)
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return found[0], nil
	}
	var where []string
	for _, as := range found {
		where = append(where, assessmentName(as))
	}
	return nil, fmt.Errorf("%d assessments of %s on %s (%s): keep one", len(found), provider, fid, strings.Join(where, ", "))
}

func assessmentName(as *sovmap.Assessment) string {
	switch {
	case as.ID != "" && as.Pos.String() != "":
		return as.ID + " at " + as.Pos.String()
	case as.ID != "":
		return as.ID
	case as.Pos.String() != "":
		return "assessment at " + as.Pos.String()
	}
	return "assessment"
}
