package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/diff"
	"github.com/sovmap/sovmap/internal/plural"
)

func newDiffCmd(a *app) *cobra.Command {
	var format, output string
	var failOn int
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Compare two assessments and fail only on what is new or worse",
		Long: `diff compares a baseline (OLD) with a candidate (NEW) and says what changed:
components added or removed, levels moved (own, effective, required, gap), new
foreign exposure, new violating flows, and the findings that are new or worse.

OLD and NEW are each an inventory (a YAML or JSON file, or a directory), which
is assessed, or a saved 'sovmap assess --format json' output.

Exit codes: 0 when nothing new or worse reaches --fail-on (a gap of that many
levels or more, or a flow violation), 1 when something does, 2 on bad input.`,
		Example: `  sovmap assess examples/hospital-group --format json -o baseline.json --fail-on 0
  sovmap diff baseline.json examples/hospital-group
  sovmap diff baseline.json examples/hospital-group --format markdown >> summary.md
  sovmap diff examples/embassy-estonia-luxembourg examples/embassy-monaco-luxembourg --fail-on 2`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := diffFormats.pick(format)
			if err != nil {
				return err
			}
			if failOn < 0 || failOn > int(sovmap.MaxLevel) {
				return fmt.Errorf("--fail-on must be from 0 (never fail) to 4")
			}
			base, err := a.reportFrom(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			cur, err := a.reportFrom(cmd.Context(), args[1])
			if err != nil {
				return err
			}
			d := diff.Compare(base, cur, failOn)
			if err := a.writeOut(output, func(w io.Writer) error { return write(w, d) }); err != nil {
				return err
			}
			if n := len(d.Failing()); n > 0 {
				return &exitError{code: exitFindings, err: fmt.Errorf("%s new or worse than %s at --fail-on %d", plural.Count(n, "finding"), args[0], failOn)}
			}
			return nil
		},
	}
	diffFormats.declare(cmd, cmd.Flags(), &format, "table", "f")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the comparison to this file instead of standard output")
	cmd.Flags().IntVar(&failOn, "fail-on", 1, "exit 1 when a new or worse gap is this many levels or more, or a flow newly violates (0 never fails)")
	return cmd
}

// diffFormats are the formats of a comparison.
var diffFormats = formatSwitch[func(io.Writer, *diff.Diff) error]{
	"json":     diff.WriteJSON,
	"markdown": diff.WriteMarkdown,
	"table":    diff.WriteTable,
}

// reportFrom reads a saved assessment, or loads and assesses an inventory.
// A regular file holding a JSON object with a summary and no version is a
// saved assessment; anything else goes to the inventory loader.
func (a *app) reportFrom(ctx context.Context, path string) (*sovmap.Report, error) {
	if data, ok, err := savedReport(path); err != nil {
		return nil, err
	} else if ok {
		return diff.DecodeReport(path, data)
	}
	_, r, err := a.assess(ctx, []string{path})
	return r, err
}

// savedReport returns the bytes of path when it is a saved assessment.
func savedReport(path string) ([]byte, bool, error) {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		return nil, false, nil // the inventory loader reports what is wrong
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	// Inventories in YAML never start with '{'; skip reading them whole.
	for {
		b, err := br.ReadByte()
		if err != nil {
			return nil, false, nil
		}
		if b == ' ' || b == '\t' || b == '\n' || b == '\r' {
			continue
		}
		if b != '{' {
			return nil, false, nil
		}
		if err := br.UnreadByte(); err != nil {
			return nil, false, err
		}
		break
	}
	data, err := io.ReadAll(io.LimitReader(br, diff.MaxReportBytes+1))
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	if !diff.LooksLikeReport(data) {
		return nil, false, nil
	}
	if len(data) > diff.MaxReportBytes {
		return nil, false, fmt.Errorf("%s: larger than %d bytes", path, diff.MaxReportBytes)
	}
	return data, true, nil
}
