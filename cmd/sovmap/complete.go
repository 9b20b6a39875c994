package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/inventory"
)

// Shell completion (sovmap completion bash|zsh|fish|powershell, which cobra
// provides) knows the values sovmap knows: --format names (registered with
// each command's format switch, formatSwitch.declare), the component ids of
// the inventory being explained, the arrangement ids of the inventory whose
// embassies are scored, and the knowledge base's regions.

// addCompletions registers the completions on the command tree.
func addCompletions(a *app, root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		switch c.CommandPath() {
		case "sovmap explain":
			c.ValidArgsFunction = inventoryIDs(a, 1, func(inv *sovmap.Inventory) []string {
				ids := make([]string, len(inv.Components))
				for i := range inv.Components {
					ids[i] = inv.Components[i].ID
				}
				return ids
			})
		case "sovmap embassy score", "sovmap embassy compare":
			c.ValidArgsFunction = inventoryIDs(a, -1, func(inv *sovmap.Inventory) []string {
				var ids []string
				for _, ar := range inv.Arrangements {
					ids = append(ids, ar.ID)
				}
				return ids
			})
		case "sovmap kb region":
			c.ValidArgsFunction = func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
				k, err := a.knowledge()
				if err != nil || len(args) > 0 {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				var ids []string
				for _, r := range k.Regions() {
					if strings.HasPrefix(r.ID, prefix) {
						ids = append(ids, r.ID)
					}
				}
				return ids, cobra.ShellCompDirectiveNoFileComp
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// inventoryIDs completes the first argument as a file and the later ones
// (only the one at position at, or all when at is -1) with ids read from
// the inventory the first argument names.
func inventoryIDs(a *app, at int, ids func(*sovmap.Inventory) []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return nil, cobra.ShellCompDirectiveDefault // a file or directory
		}
		if at >= 0 && len(args) != at {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		k, err := a.knowledge()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		inv, err := inventory.Load(context.Background(), k, args[0])
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, id := range ids(inv) {
			if strings.HasPrefix(id, prefix) {
				out = append(out, id)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
