package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap/kb"
)

// Exit codes, as docs/inventory.md "Output" fixes them.
const (
	exitClean    = 0 // no findings at or above --fail-on
	exitFindings = 1 // findings at or above --fail-on
	exitBadInput = 2 // bad input or usage
)

// exitError carries an exit code up to run. Commands return it for findings
// (code 1); every other error exits 2.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// app is what every command shares: the standard streams and the
// knowledge-base options. It replaces global state.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// kbDirs are directories laid over the embedded knowledge base (--kb).
	kbDirs []string
	// inputs are the files and directories the command read, which no
	// output may overwrite (guardOutput).
	inputs []string
	// cpuProfile and stopProfile serve the hidden --cpuprofile flag.
	cpuProfile  string
	stopProfile func()
	// timings serves the hidden --timings flag: how long each stage of a
	// command took, printed on stderr when it ends.
	timings bool
	stages  []stage
	last    time.Time
	// status says on a terminal which stage a long command is in.
	status *statusLine
	// force lets --output replace an existing file (--force).
	force bool
}

// stage is one timed step of a command.
type stage struct {
	name string
	took time.Duration
}

// begin says, on a terminal, what the stage starting now does.
func (a *app) begin(format string, args ...any) { a.status.set(format, args...) }

// mark ends the stage called name; the next one starts now.
func (a *app) mark(name string) {
	a.status.clear()
	if !a.timings {
		return
	}
	now := time.Now()
	a.stages = append(a.stages, stage{name, now.Sub(a.last)})
	a.last = now
}

// knowledge loads the embedded knowledge base and the --kb overlays.
func (a *app) knowledge() (*kb.KB, error) {
	k, err := kb.Default()
	if err != nil {
		return nil, fmt.Errorf("embedded knowledge base: %w", err)
	}
	for _, dir := range a.kbDirs {
		if err := k.Overlay(os.DirFS(dir)); err != nil {
			return nil, fmt.Errorf("--kb %s: %w", dir, err)
		}
	}
	return k, nil
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "sovmap",
		Short: "Sovereignty-as-code for AI infrastructure",
		Long: `sovmap places every component of an organization's AI infrastructure on a
sovereignty spectrum (0 exposed .. 4 domestic), says which level each component
requires and why, and gates CI on the gaps.

Start with:  sovmap init > inventory.yaml && sovmap assess inventory.yaml`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.SetVersionTemplate("sovmap {{.Version}}\n")
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.PersistentFlags().StringArrayVar(&a.kbDirs, "kb", nil, "directory of knowledge-base files laid over the embedded one (repeatable)")
	// --cpuprofile is for performance work on large inventories (go tool pprof).
	root.PersistentFlags().StringVar(&a.cpuProfile, "cpuprofile", "", "write a CPU profile to this file")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	root.PersistentFlags().BoolVar(&a.timings, "timings", false, "print how long each stage took on stderr")
	_ = root.PersistentFlags().MarkHidden("timings")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		a.last = time.Now()
		if a.cpuProfile == "" {
			return nil
		}
		f, err := os.Create(a.cpuProfile)
		if err != nil {
			return err
		}
		a.stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
		return pprof.StartCPUProfile(f)
	}

	// Each command lives in its own file; add new ones here, one line each.
	root.AddCommand(
		newDiffCmd(a),
		newInitCmd(a),
		newEmbassyCmd(a),
		newFrameworkCmd(a),
		newValidateCmd(a),
		newAssessCmd(a),
		newExplainCmd(a),
		newSchemaCmd(a),
		newKBCmd(a),
		newStrategyCmd(a),
		newPlanCmd(a),
		newVendorsCmd(a), newGraphCmd(a), newScenarioCmd(a),
		newServeCmd(a),
		newAdminCmd(a),
		newImportCmd(a),
		newScanCmd(a),
		newTemplateCmd(a),
		newVersionCmd(a),
		newTIACmd(a),
		newPolicyCmd(a),
	)
	for _, c := range root.Commands() {
		requireSubcommand(c)
	}
	a.addForceFlags(root)
	addCompletions(a, root)
	return root
}

// requireSubcommand makes every command group below root refuse what it
// does not know. Cobra would print a group's help and exit 0 for a
// mistyped subcommand ("framework scor"), which lets a CI step pass
// silently; this is a usage error (exit 2), with a suggestion.
func requireSubcommand(c *cobra.Command) {
	for _, sub := range c.Commands() {
		requireSubcommand(sub)
	}
	if !c.HasSubCommands() || c.Run != nil || c.RunE != nil {
		return
	}
	c.Args = cobra.ArbitraryArgs
	c.RunE = func(cmd *cobra.Command, args []string) error {
		var names []string
		for _, sub := range cmd.Commands() {
			if sub.IsAvailableCommand() {
				names = append(names, sub.Name())
			}
		}
		if len(args) == 0 {
			return fmt.Errorf("%s needs a subcommand: %s (see %s --help)", cmd.CommandPath(), strings.Join(names, ", "), cmd.CommandPath())
		}
		msg := fmt.Sprintf("unknown command %q for %s", args[0], cmd.CommandPath())
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			msg += "; did you mean " + strings.Join(s, " or ") + "?"
		} else {
			msg += "; its commands are " + strings.Join(names, ", ")
		}
		return errors.New(msg)
	}
}

// run executes the command line and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, status: &statusLine{w: stderr, enabled: canRewrite(stderr, os.Getenv("TERM"))}}
	root := newRootCmd(a)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	a.status.clear()
	if a.stopProfile != nil {
		a.stopProfile()
	}
	if len(a.stages) > 0 {
		var parts []string
		for _, s := range a.stages {
			parts = append(parts, fmt.Sprintf("%s %.2fs", s.name, s.took.Seconds()))
		}
		fmt.Fprintln(stderr, "timings:", strings.Join(parts, ", "))
	}
	if err == nil {
		return exitClean
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "sovmap:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "sovmap:", err)
	return exitBadInput
}
