package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap/strategy"
)

// strategyFormats are the formats of a strategy report.
func strategyFormats(opts strategy.WriteOptions) formatSwitch[func(io.Writer, *strategy.Report) error] {
	return formatSwitch[func(io.Writer, *strategy.Report) error]{
		"json":     strategy.WriteJSON,
		"markdown": func(w io.Writer, r *strategy.Report) error { return strategy.WriteMarkdown(w, r, opts) },
		"table":    func(w io.Writer, r *strategy.Report) error { return strategy.WriteTable(w, r, opts) },
	}
}

func newStrategyCmd(a *app) *cobra.Command {
	var (
		setFile       string
		format        string
		hosts         int
		at            string
		printDefaults bool
	)
	cmd := &cobra.Command{
		Use:   "strategy PROFILE",
		Short: "Recommend a reference strategy per building block from local prerequisites",
		Long: `strategy reads a profile of a home's local prerequisites (energy, water and
cooling, land, hardware, cybersecurity, policy, talent, capital) and demand per
building block, and recommends for each block a reference strategy on the
sovereignty spectrum: become a host for others, build domestically (alone or with
a digital embassy for continuity), co-invest regionally, host abroad under a
digital embassy, partner under safeguards, or buy on the market. It says which
prerequisites decide it, what the next-more-sovereign strategy lacks and the
cheapest step up. It then makes a coherent plan for the whole (compute and
storage consistent with the facility that hosts them), adds up the capital,
power, water and land the plan needs, and ranks candidate hosts for a digital
embassy. A profile of kind organization gets advice an organization can act on.

The strategies and thresholds are data: print the default set with
--print-defaults, edit it, and pass it back with --strategies FILE.
See docs/strategy.md.`,
		Example: `  sovmap strategy examples/strategy-small-energy-poor/profile.yaml
  sovmap strategy examples/strategy-africa-kenya/profile.yaml
  sovmap strategy examples/strategy-organization/profile.yaml
  sovmap strategy --format markdown examples/strategy-eu-member/profile.yaml
  sovmap strategy --print-defaults > my-strategies.yaml
  sovmap strategy --strategies my-strategies.yaml examples/strategy-eu-member/profile.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if printDefaults {
				return cobra.NoArgs(cmd, args)
			}
			return cobra.ExactArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if printDefaults {
				_, err := a.stdout.Write(strategy.DefaultSetYAML())
				return err
			}
			write, err := strategyFormats(strategy.WriteOptions{Hosts: hosts}).pick(format)
			if err != nil {
				return err
			}
			if hosts < 0 {
				return fmt.Errorf("--hosts must be 0 (all) or more")
			}
			var opts strategy.Options
			if at != "" {
				day, err := parseDay("--at", at)
				if err != nil {
					return err
				}
				opts.At = day
			}
			set, err := strategy.DefaultSet()
			if err != nil {
				return fmt.Errorf("default strategies: %w", err)
			}
			if setFile != "" {
				data, err := readStrategyFile(a, setFile)
				if err != nil {
					return err
				}
				if set, err = strategy.DecodeSet(setFile, data); err != nil {
					return err
				}
			}
			data, err := readStrategyFile(a, args[0])
			if err != nil {
				return err
			}
			k, err := a.knowledge()
			if err != nil {
				return err
			}
			profile, err := strategy.ReadProfile(args[0], data, set, k)
			if err != nil {
				return err
			}
			r, err := strategy.Recommend(cmd.Context(), profile, set, k, opts)
			if err != nil {
				return err
			}
			return write(a.stdout, r)
		},
	}
	cmd.Flags().StringVar(&setFile, "strategies", "", "strategy set file replacing the default set (YAML or JSON)")
	strategyFormats(strategy.WriteOptions{}).declare(cmd, cmd.Flags(), &format, "table", "f")
	cmd.Flags().IntVar(&hosts, "hosts", 10, "candidate hosts shown in table and markdown (0 shows all)")
	cmd.Flags().StringVar(&at, "at", "", "day to read time-dependent knowledge-base facts (export controls) for, YYYY-MM-DD (default today)")
	cmd.Flags().BoolVar(&printDefaults, "print-defaults", false, "print the default strategy set, a starting point for --strategies")
	return cmd
}

// readLimited reads a file (or standard input for "-") up to the strategy
// parser's size limit, so that a wrong path to a huge file fails fast.
func readStrategyFile(a *app, path string) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = a.stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, strategy.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > strategy.MaxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, strategy.MaxFileSize)
	}
	return data, nil
}
