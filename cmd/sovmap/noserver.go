//go:build noserver

package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// A build with -tags noserver leaves out `serve` and `admin`, and with them
// the server, its SQLite and PostgreSQL drivers and net/http's server side:
// about a third of what a first build from an empty cache compiles. The
// README's first command builds sovmap this way, so that a newcomer sees an
// assessment quickly; `go install` and `go build` without the tag make the
// whole binary. (docs/benchmarks.md, "Building from an empty cache".)

func newServeCmd(*app) *cobra.Command {
	return withoutServer("serve", "Run the web dashboard and JSON API")
}

func newAdminCmd(*app) *cobra.Command {
	return withoutServer("admin", "Set up a server's database from the command line: users, members, API tokens")
}

// withoutServer is a command of the server that this build left out: it
// says so, and how to build the sovmap that has it.
func withoutServer(name, short string) *cobra.Command {
	return &cobra.Command{
		Use:                name,
		Short:              short + " (not in this build)",
		DisableFlagParsing: true,
		RunE: func(*cobra.Command, []string) error {
			return fmt.Errorf("sovmap %s: this sovmap was built with -tags noserver, without the server; build the whole tool with: go build ./cmd/sovmap", name)
		},
	}
}
