package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/report/sheet"
	"github.com/sovmap/sovmap/risk"
)

// model loads, assesses and interns the inventory at paths for the risk
// commands (vendors, graph, scenario). It returns the assessment options
// used, which scenarios re-assess with.
func (a *app) model(ctx context.Context, paths []string) (*risk.Model, assess.Options, error) {
	x, err := a.assess(ctx, paths)
	if err != nil {
		return nil, assess.Options{}, err
	}
	m, err := risk.NewModel(ctx, x.inv, x.report, x.kb)
	return m, x.opts, err
}

// registerFormats are the formats of the vendor risk register.
var registerFormats = formatSwitch[func(io.Writer, *risk.Register) error]{
	"json":     risk.WriteRegisterJSON,
	"markdown": risk.WriteRegisterMarkdown,
	"table":    risk.WriteRegisterTable,
	"xlsx":     sheet.WriteProcurementXLSX,
}

// trustComparisonFormats are the formats of 'vendors compare'.
var trustComparisonFormats = formatSwitch[func(io.Writer, *risk.TrustComparison) error]{
	"json":     risk.WriteTrustComparisonJSON,
	"markdown": risk.WriteTrustComparisonMarkdown,
	"table":    risk.WriteTrustComparisonTable,
}

// register builds the vendor register of the inventory at paths, with
// framework scores and trust profiles.
func (a *app) register(ctx context.Context, paths []string) (*risk.Register, error) {
	m, _, err := a.model(ctx, paths)
	if err != nil {
		return nil, err
	}
	lib, err := framework.Default()
	if err != nil {
		return nil, err
	}
	opts, err := riskOptions(lib)
	if err != nil {
		return nil, err
	}
	return risk.NewRegister(ctx, m, opts(m))
}

// riskOptions gives the options of a vendor register, for sovmap vendors
// and the server alike: vendors' framework assessments scored with lib,
// and each vendor's trust profile on the digital-embassy trust framework.
func riskOptions(lib *framework.Library) (func(*risk.Model) risk.Options, error) {
	trust, err := lib.Lookup(risk.TrustFramework)
	if err != nil {
		return nil, err
	}
	return func(m *risk.Model) risk.Options {
		return risk.Options{Score: scoreAssessment(lib, m), Trust: trust}
	}, nil
}

// scoreAssessment scores a provider's framework assessment for the register
// of m.
func scoreAssessment(lib *framework.Library, m *risk.Model) func(sovmap.Assessment) (risk.FrameworkScore, error) {
	return func(as sovmap.Assessment) (risk.FrameworkScore, error) {
		f, err := lib.Lookup(as.Framework)
		if err != nil {
			return risk.FrameworkScore{}, err
		}
		if f.Subject != "provider" {
			return risk.FrameworkScore{}, fmt.Errorf("framework %s scores %ss, not providers", f.ID, f.Subject)
		}
		facts, err := framework.ProviderFacts(m.Inv, m.KB, as.Provider)
		if err != nil {
			return risk.FrameworkScore{}, err
		}
		res, err := f.Evaluate(framework.Input{Answers: as.Answers, Evidence: as.Evidence, Facts: facts})
		if err != nil {
			return risk.FrameworkScore{}, err
		}
		return risk.FrameworkScore{Framework: f.ID, Score: float64(res.Score), Level: res.Level, LevelName: res.LevelName}, nil
	}
}

func newVendorsCmd(a *app) *cobra.Command {
	var format, output string
	cmd := &cobra.Command{
		Use:   "vendors FILE|DIR...",
		Short: "Vendor risk register: shares, concentration (HHI), exposure, substitutability, exit time",
		Long: `vendors prints the vendor risk register of an inventory: per provider and per
ultimate parent, the components and critical components it serves (counts and
shares of all components), what goes down if it exits (with every provider it
controls, as 'sovmap graph' and 'sovmap scenario provider-exit:ID' count it),
the foreign compelled-access laws that
reach its components, the alternatives declared, the exit time (notice plus
migration estimate) and framework scores from the inventory's assessments;
sorted by a risk score (0-100) whose points are listed as reasons.

Each vendor also gets a trust profile on the four dimensions of the
digital-embassy trust framework (legal jurisdiction, data sovereignty,
security standards, exit rights), each a tier T0-T4 on the scale that
'sovmap embassy score' uses, with a score, the facts behind it and the
questions to put to the vendor for what the inventory does not record;
political commitment completes the five-dimension view. The weakest
dimension is named. '--format xlsx' writes the procurement workbook: a row
per vendor, a column per dimension, and the open questions.

It also prints the concentration of third-party components as
Herfindahl-Hirschman indexes by provider, by parent, by jurisdiction of the
controller, and per layer, each with its basis, and beside them the index of
all components by ultimate controller (in-house as one group) that 'sovmap
assess' reports as hhi_provider. docs/risk.md gives every formula.`,
		Example: `  sovmap vendors examples/hospital-group
  sovmap vendors examples/bank-dora --format json > vendors.json
  sovmap vendors examples/bank-dora --format markdown -o vendors.md
  sovmap vendors examples/bank-dora --format xlsx -o procurement.xlsx`,
		Args: vendorsArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			format = formatFromOutput(format, output, "table", "json", "md", "xlsx")
			write, err := registerFormats.pick(format)
			if err != nil {
				return err
			}
			// Refused before the register, which assesses the whole
			// inventory; writeOut checks again when it writes.
			if err := a.checkOutput(format, output, args); err != nil {
				return err
			}
			reg, err := a.register(cmd.Context(), args)
			if err != nil {
				return err
			}
			return a.writeOut(output, func(w io.Writer) error { return write(w, reg) })
		},
	}
	registerFormats.declareFromOutput(cmd, cmd.Flags(), &format, "f", "from the -o name, .json, .md or .xlsx, else table")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of standard output")
	cmd.AddCommand(newVendorsCompareCmd(a))
	return cmd
}

// vendorsArgs checks the arguments of 'sovmap vendors', which reads an
// inventory and is also the group of 'vendors compare': no argument, or a
// first argument that is no file but close to a subcommand's name, is a
// usage mistake named as such, as requireSubcommand does for other groups.
func vendorsArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%s needs a subcommand (compare) or a FILE|DIR to read (see %s --help)", cmd.CommandPath(), cmd.CommandPath())
	}
	if _, err := os.Stat(args[0]); err != nil {
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			return fmt.Errorf("unknown command %q for %s; did you mean %s?", args[0], cmd.CommandPath(), strings.Join(s, " or "))
		}
	}
	return nil
}

func newVendorsCompareCmd(a *app) *cobra.Command {
	var format, output string
	cmd := &cobra.Command{
		Use:   "compare FILE|DIR VENDOR VENDOR...",
		Short: "Compare vendors side by side on the trust dimensions",
		Long: `compare sets the trust profiles of the named vendors (providers or ultimate
parents of the register) side by side: the tier and score of each of the four
dimensions, the best vendor on each, the weakest dimension of each, and the
register's risk score. Vendors are ranked by the tier of their weakest
dimension, then by their mean score. The tiers are those of 'sovmap embassy
compare', so a commercial provider and an embassy host can be weighed on one
scale.`,
		Example: `  sovmap vendors compare examples/bank-dora gcp-france s3ns
  sovmap vendors compare examples/hospital-group/inventory.yaml stackit aws-emea openai-ireland --format markdown`,
		Args: cobra.MinimumNArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			format = formatFromOutput(format, output, "table", "json", "md")
			write, err := trustComparisonFormats.pick(format)
			if err != nil {
				return err
			}
			if err := a.checkOutput(format, output, args[:1]); err != nil {
				return err
			}
			reg, err := a.register(cmd.Context(), args[:1])
			if err != nil {
				return err
			}
			c, err := risk.CompareTrust(reg, args[1:])
			if err != nil {
				return err
			}
			return a.writeOut(output, func(w io.Writer) error { return write(w, c) })
		},
	}
	trustComparisonFormats.declareFromOutput(cmd, cmd.Flags(), &format, "f", "from the -o name, .json or .md, else table")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of standard output")
	return cmd
}
