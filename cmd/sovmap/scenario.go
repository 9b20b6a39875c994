package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap/scenario"
)

// resultFormats are the formats of one scenario's result.
var resultFormats = formatSwitch[func(io.Writer, *scenario.Result) error]{
	"json":     func(w io.Writer, r *scenario.Result) error { return scenario.WriteJSON(w, r) },
	"markdown": scenario.WriteMarkdown,
	"table":    scenario.WriteTable,
}

// sweepFormats are the formats of a sweep, showing limit scenarios.
func sweepFormats(limit int) formatSwitch[func(io.Writer, *scenario.Sweep) error] {
	return formatSwitch[func(io.Writer, *scenario.Sweep) error]{
		"json":     func(w io.Writer, sw *scenario.Sweep) error { return scenario.WriteJSON(w, sw) },
		"markdown": func(w io.Writer, sw *scenario.Sweep) error { return scenario.WriteSweepMarkdown(w, sw, limit) },
		"table":    func(w io.Writer, sw *scenario.Sweep) error { return scenario.WriteSweepTable(w, sw, limit) },
	}
}

func newScenarioCmd(a *app) *cobra.Command {
	var format, output string
	var limit int
	var sweep, listOnly bool
	var kinds []string
	cmd := &cobra.Command{
		Use:   "scenario FILE|DIR... (NAME | --sweep | --list)",
		Short: "Stress tests: compelled access, export controls, provider exit, revoked embassy, region cut, energy shortage",
		Long: `scenario runs a stress test on an inventory and reports the components hit
directly and transitively (runtime dependents go down with what they run on;
supply dependents degrade later), the data classes on them, the vital
components hit, the effective levels before and after, and the time to restore.

NAME is the id of a scenario the inventory declares (scenarios:), or a built-in
KIND:TARGET:

  compel:JURISDICTION          its compelled-access laws are used (e.g. compel:US)
  export-control:accelerators  foreign accelerator supply stops (or :JURISDICTION
                               for one regime's controls, e.g. export-control:US)
  provider-exit:PROVIDER       the provider and everything it controls leaves
  revoke-arrangement:ID        the host revokes a digital-embassy arrangement
  region-cut:CLOUD:REGION      a cloud region is cut off (or :JURISDICTION, or
                               :COMPONENT for a link or subsea route)
  energy-shortage:JURISDICTION power runs short in a country or bloc

--sweep runs one scenario per jurisdiction, provider, region, arrangement and
the inventory's own, and ranks them by impact (criticality-weighted share of
the inventory hit). docs/risk.md explains every figure.`,
		Example: `  sovmap scenario examples/hospital-group compel:US
  sovmap scenario examples/hospital-group provider-exit:aws-emea --format json
  sovmap scenario examples/hospital-group region-cut:aws:eu-central-1 --limit -1
  sovmap scenario examples/hospital-group --sweep --format markdown
  sovmap scenario examples/hospital-group --sweep --kind compel --kind provider-exit
  sovmap scenario examples/hospital-group --list`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			writeResult, err := resultFormats.pick(format)
			if err != nil {
				return err
			}
			writeSweep, err := sweepFormats(limit).pick(format)
			if err != nil {
				return err
			}
			if sweep && listOnly {
				return fmt.Errorf("--sweep and --list exclude each other")
			}
			for _, k := range kinds {
				if !contains(scenario.Kinds, k) {
					return fmt.Errorf("unknown --kind %q (one of %s)", k, strings.Join(scenario.Kinds, ", "))
				}
			}
			paths, name := args, ""
			if !sweep && !listOnly {
				if len(args) < 2 {
					return fmt.Errorf("give a scenario NAME after the inventory, or --sweep (see sovmap scenario --help)")
				}
				paths, name = args[:len(args)-1], args[len(args)-1]
			}
			if err := a.checkOutput(format, output, paths); err != nil {
				return err
			}
			ctx := cmd.Context()
			m, aopts, err := a.model(ctx, paths)
			if err != nil {
				return err
			}
			opts := scenario.Options{Assess: aopts, Limit: limit}
			return a.writeOut(output, func(w io.Writer) error {
				switch {
				case listOnly:
					list, declared := scenario.Scenarios(m)
					for i, s := range list {
						if kinds != nil && !contains(kinds, s.Kind) {
							continue
						}
						origin := "built-in"
						if declared[i] {
							origin = "declared"
						}
						fmt.Fprintf(w, "%s\t%s\n", s.ID, origin)
					}
					return nil
				case sweep:
					sw, err := scenario.RunSweep(ctx, m, scenario.SweepOptions{Options: opts, Kinds: kinds, Detail: limit})
					if err != nil {
						return err
					}
					return writeSweep(w, sw)
				}
				s, declared, err := scenario.Resolve(m.Inv, name)
				if err != nil {
					return err
				}
				r, err := scenario.NewEngine(m, opts).Run(ctx, s, declared, true)
				if err != nil {
					return err
				}
				return writeResult(w, r)
			})
		},
	}
	resultFormats.declare(cmd, cmd.Flags(), &format, "table", "f")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of standard output")
	cmd.Flags().IntVar(&limit, "limit", scenario.DefaultLimit, "rows shown: hits of a scenario, scenarios of a sweep (-1 for all)")
	cmd.Flags().BoolVar(&sweep, "sweep", false, "run every jurisdiction, provider, region and arrangement and rank them by impact")
	cmd.Flags().BoolVar(&listOnly, "list", false, "list the scenarios a sweep would run")
	cmd.Flags().StringArrayVar(&kinds, "kind", nil, "with --sweep or --list: only scenarios of this kind (repeatable)")
	return cmd
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
