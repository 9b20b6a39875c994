package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/policy"
)

func newValidateCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE|DIR...",
		Short: "Check an inventory: syntax, fields, references, countries, regions and rules",
		Long: `validate reads an inventory (YAML or JSON files, or directories of them merged
into one) and reports every problem with its file, line and column: malformed
files, unknown fields, unknown ids, layers, countries or regions, duplicate ids
across files, data classes that are neither sovmap's (classified, personal,
confidential, internal, public and below) nor declared under
organization.data_classes (with the class probably meant), rules and declared
classes whose basis is not law, guidance or policy or lacks a citation, rules
whose CEL expression does not compile, and arrangement or assessment answers
that are not on their framework's answer ladder.`,
		Example: `  sovmap validate examples/hospital-group/inventory.yaml
  sovmap validate examples/hospital-group/   # a directory: one file per team, merged`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			inv, _, err := a.load(cmd.Context(), args)
			if err != nil {
				return err
			}
			if _, err := policy.Compile(inv.Rules); err != nil {
				return err
			}
			lib, err := framework.Default()
			if err != nil {
				return err
			}
			if err := framework.CheckInventory(lib, inv); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "ok: %s, %s, %s, %s, %s\n",
				plural.Count(len(inv.Components), "component"), plural.Count(len(inv.Providers), "provider"), plural.Count(len(inv.Flows), "flow"),
				plural.Count(len(inv.Arrangements), "arrangement"), plural.Count(len(inv.Rules), "rule"))
			return nil
		},
	}
}
