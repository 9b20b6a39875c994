package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version says which build this is, from what the Go toolchain recorded:
// the module version (set by go install ...@vX), else the VCS revision and
// whether the tree had uncommitted changes, else "dev".
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	v := info.Main.Version
	var rev, modified, at string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+dirty"
			}
		case "vcs.time":
			at = s.Value
		}
	}
	if v != "" && v != "(devel)" {
		// A module version; a pseudo-version already names the revision.
		if at != "" {
			v += " (" + at + ")"
		}
		return v
	}
	v = "dev"
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += fmt.Sprintf(" (%s%s", rev, modified)
		if at != "" {
			v += ", " + at
		}
		v += ")"
	}
	return v
}

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print sovmap's version and the revision it was built from",
		Example: "  sovmap version\n  sovmap --version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(a.stdout, "sovmap", version())
			return err
		},
	}
}
