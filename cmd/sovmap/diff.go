package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/diff"
	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/policydoc"
)

func newDiffCmd(a *app) *cobra.Command {
	var format, output string
	var gate gateFlags
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Compare two assessments and fail only on what is new or worse",
		Long: `diff compares a baseline (OLD) with a candidate (NEW) and says what changed:
components added, removed or renamed, levels moved (own, effective, required,
gap), new foreign exposure, new violating flows, the findings that are new
or worse, and what changed in the transfer policy that 'sovmap policy'
renders (home and sectors, trusted and restricted jurisdictions, what each
data class requires, the rules per destination, the organization's CEL
rules, the open questions). The policy is compared when OLD and NEW are both
inventories: a saved assessment does not record it. A policy change does
not fail the gate by itself; what it does to components and flows does.

OLD and NEW are each an inventory (a YAML or JSON file, or a directory), which
is assessed, or a saved 'sovmap assess --format json' (or json-full) output. A
file that is neither is refused as "not a sovmap assessment", with its line and
column.

Renames: a component of NEW that declares renamed_from: [OLD-ID] (or that
--rename OLD-ID=NEW-ID names) is compared with its former self. A component
removed and another added that are otherwise identical are reported as a
possible undeclared rename, and compared as a removal and an addition.

Exit codes: 0 when nothing new or worse reaches the gate, 1 when something
does, 2 on bad input. The gate: --fail-on N fails a new or worse gap of N
levels or more; --fail-on-worse N fails a gap that grew by N levels or more (a
new component's gap counts from 0) and an own or effective level that fell by
N or more. Either way a flow that newly violates the transfer rules, or a law's
condition newly unmet, fails at any threshold. --fail-on 0 with no
--fail-on-worse turns the gate off.`,
		Example: `  sovmap assess examples/hospital-group --format json -o baseline.json --fail-on 0
  sovmap diff baseline.json examples/hospital-group
  sovmap diff baseline.json examples/hospital-group --format markdown >> summary.md
  sovmap diff baseline.json examples/hospital-group --fail-on 0 --fail-on-worse 1
  sovmap diff baseline.json examples/hospital-group --fail-on 3 --fail-on-worse 2
  sovmap diff examples/embassy-estonia-luxembourg examples/embassy-monaco-luxembourg --rename registers-replica=sovereign-cloud-twin
  sovmap diff examples/embassy-estonia-luxembourg examples/embassy-monaco-luxembourg --fail-on 2`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := diffFormats.pick(format)
			if err != nil {
				return err
			}
			if err := gate.check(); err != nil {
				return err
			}
			if err := a.checkOutput(format, output, args); err != nil {
				return err
			}
			base, baseSide, err := a.reportFrom(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			cur, curSide, err := a.reportFrom(cmd.Context(), args[1])
			if err != nil {
				return err
			}
			d, err := gate.compare(base, cur, curSide.inventory())
			if err != nil {
				return err
			}
			if d.Policy, err = comparePolicies(args, [2]*assessed{baseSide, curSide}); err != nil {
				return err
			}
			if err := a.writeOut(output, func(w io.Writer) error { return write(w, d) }); err != nil {
				return err
			}
			return gateResult(d, args[0])
		},
	}
	diffFormats.declare(cmd, cmd.Flags(), &format, "table", "f")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the comparison to this file instead of standard output")
	gate.declare(cmd.Flags(), "exit 1 when a new or worse gap is this many levels or more, or a flow newly violates (0 never fails)")
	return cmd
}

// comparePolicies compares the transfer policies of the two sides, as
// 'sovmap policy' renders them, when both are inventories: a saved
// assessment (nil) does not record the policy, which the result then says.
func comparePolicies(paths []string, sides [2]*assessed) (*diff.Policy, error) {
	for i, x := range sides {
		if x == nil {
			return &diff.Policy{Changes: []diff.PolicyChange{}, NotCompared: paths[i] + " is a saved assessment, which does not record the policy; compare two inventories to see policy changes (docs/ci.md)"}, nil
		}
	}
	var docs [2]*policydoc.Document
	for i, x := range sides {
		var err error
		if docs[i], err = policydoc.Build(x.inv, x.report, x.kb); err != nil {
			return nil, err
		}
	}
	return &diff.Policy{Compared: true, Changes: policydoc.Compare(docs[0], docs[1])}, nil
}

// gateFlags are the flags of the baseline gate, shared by diff and
// assess --baseline.
type gateFlags struct {
	failOn, failOnWorse int
	renames             []string
}

// declare adds the gate's flags; failOnHelp describes --fail-on, whose
// meaning without a baseline differs by command.
func (g *gateFlags) declare(fs *pflag.FlagSet, failOnHelp string) {
	fs.IntVar(&g.failOn, "fail-on", 1, failOnHelp)
	fs.IntVar(&g.failOnWorse, "fail-on-worse", 0, "against a baseline: exit 1 when a gap grew, or an own or effective level fell, by this many levels or more (0: off)")
	fs.StringArrayVar(&g.renames, "rename", nil, "against a baseline: OLD=NEW compares component NEW with the baseline's OLD (repeatable; renamed_from in the inventory does the same)")
}

// check refuses thresholds outside the scale.
func (g *gateFlags) check() error {
	if g.failOn < 0 || g.failOn > int(sovmap.MaxLevel) {
		return fmt.Errorf("--fail-on must be from 0 (never fail) to 4")
	}
	if g.failOnWorse < 0 || g.failOnWorse > int(sovmap.MaxLevel) {
		return fmt.Errorf("--fail-on-worse must be from 0 (off) to 4")
	}
	return nil
}

// compare compares base with cur, following the renames inv declares
// and those of --rename, which must name components that exist.
func (g *gateFlags) compare(base, cur *sovmap.Report, inv *sovmap.Inventory) (*diff.Diff, error) {
	renames := diff.RenamesOf(inv)
	has := func(r *sovmap.Report, id string) bool {
		for i := range r.Components {
			if r.Components[i].ID == id {
				return true
			}
		}
		return false
	}
	for _, pair := range g.renames {
		old, now, ok := strings.Cut(pair, "=")
		switch {
		case !ok || old == "" || now == "":
			return nil, fmt.Errorf("--rename %q: want OLD=NEW", pair)
		case !has(base, old):
			return nil, fmt.Errorf("--rename %s: the baseline has no component %q", pair, old)
		case !has(cur, now):
			return nil, fmt.Errorf("--rename %s: the candidate has no component %q", pair, now)
		}
		renames[now] = old
	}
	return diff.CompareWith(base, cur, diff.Options{FailOn: g.failOn, FailOnWorse: g.failOnWorse, Renames: renames}), nil
}

// gateResult is the exit of a comparison with the baseline called base:
// nil when it passes, exit 1 with what failed otherwise.
func gateResult(d *diff.Diff, base string) error {
	findings, levels := len(d.Failing()), len(d.FallingLevels())
	if findings+levels == 0 {
		return nil
	}
	var parts []string
	if findings > 0 {
		parts = append(parts, plural.Count(findings, "finding")+" new or worse than "+base)
	}
	if levels > 0 {
		parts = append(parts, fmt.Sprintf("%s fallen by %d or more since %s", plural.Count(levels, "level"), d.FailOnWorse, base))
	}
	return &exitError{code: exitFindings, err: fmt.Errorf("%s at %s", strings.Join(parts, " and "), d.Gate())}
}

// diffFormats are the formats of a comparison.
var diffFormats = formatSwitch[func(io.Writer, *diff.Diff) error]{
	"json":     diff.WriteJSON,
	"markdown": diff.WriteMarkdown,
	"table":    diff.WriteTable,
}

// reportFrom reads a saved assessment, or loads and assesses an inventory
// (whose assessment it returns too; nil for a saved assessment). A regular
// file that starts with '{' is a saved assessment when it has a summary and
// no version, an inventory when it has a version, and refused otherwise (as
// is one that starts with '[').
func (a *app) reportFrom(ctx context.Context, path string) (*sovmap.Report, *assessed, error) {
	if r, err := savedReport(path); err != nil || r != nil {
		return r, nil, err
	}
	x, err := a.assess(ctx, []string{path})
	if err != nil {
		return nil, nil, err
	}
	return x.report, x, nil
}

// savedReport returns the assessment saved at path, or nil when path is
// not a saved assessment.
func savedReport(path string) (*sovmap.Report, error) {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		return nil, nil // the inventory loader reports what is wrong
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	// Inventories in YAML never start with '{' (nor '['); skip reading
	// them whole. A JSON list is neither an inventory nor an assessment.
	// The blanks before the first byte are kept: errors count lines from
	// the top of the file.
	var buf bytes.Buffer
	for {
		b, err := br.ReadByte()
		if err != nil || buf.Len() > diff.MaxReportBytes {
			return nil, nil
		}
		buf.WriteByte(b)
		if b == ' ' || b == '\t' || b == '\n' || b == '\r' {
			continue
		}
		if b != '{' && b != '[' {
			return nil, nil
		}
		break
	}
	if _, err := buf.ReadFrom(io.LimitReader(br, diff.MaxReportBytes+1-int64(buf.Len()))); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	data := buf.Bytes()
	if len(data) > diff.MaxReportBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, diff.MaxReportBytes)
	}
	r, err := diff.Sniff(path, data)
	if err != nil {
		// A YAML inventory in flow style starts with '{' too: its loader
		// says what is wrong with it.
		if ext := strings.ToLower(filepath.Ext(path)); ext == ".yaml" || ext == ".yml" {
			return nil, nil
		}
		return nil, err
	}
	return r, nil
}
