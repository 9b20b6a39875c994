package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/sovmap/sovmap/finding"
	"github.com/sovmap/sovmap/internal/plural"
)

// WriteJSON writes the diff as one indented JSON object.
func WriteJSON(w io.Writer, d *Diff) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}

// Headline is the one-line summary of a diff.
func (d *Diff) Headline() string {
	worseMoves := 0
	for _, m := range d.Moved {
		if m.Worse {
			worseMoves++
		}
	}
	h := fmt.Sprintf("%d added, %d removed, %d level moves (%d worse), %d new foreign exposures, %d new violating flows, %d new or worse findings, %d resolved",
		len(d.Added), len(d.Removed), len(d.Moved), worseMoves, len(d.NewExposure), len(d.NewViolations),
		len(d.New)+len(d.Worse), len(d.Resolved))
	if d.Policy != nil && d.Policy.Compared {
		h += ", " + plural.Count(len(d.Policy.Changes), "transfer policy change")
	}
	return h
}

// policyNote says why the policies were not compared, empty when they were
// (or when the caller did not ask).
func (d *Diff) policyNote() string {
	if d.Policy == nil || d.Policy.Compared {
		return ""
	}
	return "Transfer policy not compared: " + d.Policy.NotCompared
}

// Gate names the thresholds in force, as the command line gives them.
func (d *Diff) Gate() string {
	g := fmt.Sprintf("--fail-on %d", d.FailOn)
	if d.FailOnWorse > 0 {
		g += fmt.Sprintf(" --fail-on-worse %d", d.FailOnWorse)
	}
	return g
}

// Verdict says whether the gate passes.
func (d *Diff) Verdict() string {
	if d.FailOn <= 0 && d.FailOnWorse <= 0 {
		return "gate off (--fail-on 0)"
	}
	findings, levels := len(d.Failing()), len(d.FallingLevels())
	if findings+levels == 0 {
		return fmt.Sprintf("PASS: nothing new or worse at %s", d.Gate())
	}
	var parts []string
	if findings > 0 {
		parts = append(parts, plural.Count(findings, "new or worse finding"))
	}
	if levels > 0 {
		parts = append(parts, plural.Count(levels, "level")+fmt.Sprintf(" fallen by %d or more", d.FailOnWorse))
	}
	return fmt.Sprintf("FAIL: %s at %s", strings.Join(parts, " and "), d.Gate())
}

// policyTitle heads the policy changes.
const policyTitle = "Transfer policy changed (sovmap policy renders it whole)"

// renameHint says how to declare an undeclared rename.
const renameHint = "declare renamed_from: [OLD] on NEW in the inventory, or pass --rename OLD=NEW"

// WriteTable writes the diff for a terminal.
func WriteTable(w io.Writer, d *Diff) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "sovmap diff: %s\n%s\n", d.Headline(), d.Verdict())
	if note := d.policyNote(); note != "" {
		fmt.Fprintln(ew, note)
	}
	if d.Empty() {
		fmt.Fprintln(ew, "\nNo changes.")
		return ew.err
	}
	section := func(title string, header string, rows [][]string) {
		if len(rows) == 0 {
			return
		}
		fmt.Fprintf(ew, "\n%s\n", title)
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  "+header)
		for _, r := range rows {
			fmt.Fprintln(tw, "  "+strings.Join(r, "\t"))
		}
		tw.Flush()
	}
	section("Failing the gate (new or worse)", "SEVERITY\tFINDING\tWAS\tWHERE\tMESSAGE", findingRows(gating(d), true))
	section(fmt.Sprintf("Failing the gate (a level fell by %d or more)", d.FailOnWorse), "ID\tFIELD\tOLD\tNEW\tDIRECTION", moveRows(d.FallingLevels()))
	section("Renamed (compared with their former selves)", "OLD\tNEW", renameRows(d.Renamed))
	section("Possibly renamed, not declared ("+renameHint+")", "OLD\tNEW", renameRows(d.Unmatched))
	if cs := d.PolicyChanges(); len(cs) > 0 {
		// Policy texts are sentences: a column of them would push the
		// next out of sight, so each change is a short block.
		fmt.Fprintf(ew, "\n%s\n", policyTitle)
		for _, c := range cs {
			fmt.Fprintf(ew, "  %s: %s: %s\n", c.Section, c.Subject, c.Change)
			if c.Old != "" {
				fmt.Fprintf(ew, "    was: %s\n", c.Old)
			}
			if c.New != "" {
				fmt.Fprintf(ew, "    now: %s\n", c.New)
			}
		}
	}
	section("Components added", "ID\tLAYER\tPROVIDER\tLEVEL\tEFFECTIVE\tREQUIRED\tGAP\tEXPOSURE", componentRows(d.Added))
	section("Components removed", "ID\tLAYER\tPROVIDER\tLEVEL\tEFFECTIVE\tREQUIRED\tGAP\tEXPOSURE", componentRows(d.Removed))
	section("Levels moved", "ID\tFIELD\tOLD\tNEW\tDIRECTION", moveRows(d.Moved))
	section("New foreign exposure", "COMPONENT\tJURISDICTION", exposureRows(d.NewExposure))
	section("Foreign exposure gone", "COMPONENT\tJURISDICTION", exposureRows(d.DroppedExposure))
	section("New violating flows", "ID\tFROM\tTO\tNOTE\tREASONS", flowRows(d.NewViolations))
	section("Violations resolved", "ID\tFROM\tTO\tNOTE\tREASONS", flowRows(d.ResolvedViolations))
	section("Other new or worse findings (below the gate)", "SEVERITY\tFINDING\tWAS\tWHERE\tMESSAGE", findingRows(nonGating(d), true))
	section("Findings better than the baseline", "SEVERITY\tFINDING\tWAS\tWHERE\tMESSAGE", findingRows(d.Better, true))
	section("Findings resolved", "SEVERITY\tFINDING\tWAS\tWHERE\tMESSAGE", findingRows(d.Resolved, false))
	return ew.err
}

// WriteMarkdown writes the diff as Markdown, for a pull-request comment or
// a CI job summary.
func WriteMarkdown(w io.Writer, d *Diff) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "## sovmap diff\n\n%s\n\n**%s**\n", d.Headline(), d.Verdict())
	if note := d.policyNote(); note != "" {
		fmt.Fprintf(ew, "\n%s\n", note)
	}
	if d.Empty() {
		fmt.Fprintln(ew, "\nNo changes.")
		return ew.err
	}
	section := func(title string, header []string, rows [][]string) {
		if len(rows) == 0 {
			return
		}
		fmt.Fprintf(ew, "\n### %s\n\n| %s |\n|%s\n", title, strings.Join(header, " | "), strings.Repeat(" --- |", len(header)))
		for _, r := range rows {
			cells := make([]string, len(r))
			for i, c := range r {
				cells[i] = mdEscape(c)
			}
			fmt.Fprintf(ew, "| %s |\n", strings.Join(cells, " | "))
		}
	}
	fh := []string{"severity", "finding", "was", "where", "message"}
	ch := []string{"id", "layer", "provider", "level", "effective", "required", "gap", "exposure"}
	fl := []string{"id", "from", "to", "note", "reasons"}
	section("Failing the gate (new or worse)", fh, findingRows(gating(d), true))
	section(fmt.Sprintf("Failing the gate (a level fell by %d or more)", d.FailOnWorse), []string{"id", "field", "old", "new", "direction"}, moveRows(d.FallingLevels()))
	section("Renamed (compared with their former selves)", []string{"old", "new"}, renameRows(d.Renamed))
	section("Possibly renamed, not declared ("+renameHint+")", []string{"old", "new"}, renameRows(d.Unmatched))
	section(policyTitle, []string{"section", "subject", "change", "old", "new"}, policyRows(d.PolicyChanges()))
	section("Components added", ch, componentRows(d.Added))
	section("Components removed", ch, componentRows(d.Removed))
	section("Levels moved", []string{"id", "field", "old", "new", "direction"}, moveRows(d.Moved))
	section("New foreign exposure", []string{"component", "jurisdiction"}, exposureRows(d.NewExposure))
	section("Foreign exposure gone", []string{"component", "jurisdiction"}, exposureRows(d.DroppedExposure))
	section("New violating flows", fl, flowRows(d.NewViolations))
	section("Violations resolved", fl, flowRows(d.ResolvedViolations))
	section("Other new or worse findings (below the gate)", fh, findingRows(nonGating(d), true))
	section("Findings better than the baseline", fh, findingRows(d.Better, true))
	section("Findings resolved", fh, findingRows(d.Resolved, false))
	return ew.err
}

func gating(d *Diff) []FindingChange    { return newOrWorse(d, true) }
func nonGating(d *Diff) []FindingChange { return newOrWorse(d, false) }

// newOrWorse lists the new and worse findings that do (or do not) gate, in
// the order of package finding.
func newOrWorse(d *Diff, gates bool) []FindingChange {
	var out []FindingChange
	for _, fc := range append(append([]FindingChange{}, d.New...), d.Worse...) {
		if fc.Gates == gates {
			out = append(out, fc)
		}
	}
	order := map[finding.Kind]int{}
	for i, k := range finding.Kinds {
		order[k] = i
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Kind != b.Kind {
			return order[a.Kind] < order[b.Kind]
		}
		return a.Key() < b.Key()
	})
	return out
}

func findingRows(fs []FindingChange, withWas bool) [][]string {
	rows := make([][]string, 0, len(fs))
	for _, fc := range fs {
		was := "new"
		switch {
		case !withWas:
			was = "-"
		case fc.Old != nil:
			was = describe(*fc.Old)
		}
		rows = append(rows, []string{string(fc.Severity), fc.Key() + " " + describe(fc.Finding), was, fc.Pos.String(), fc.Message})
	}
	return rows
}

// describe is the short size of a finding: its gap, or its severity.
func describe(f finding.Finding) string {
	if f.Kind == finding.Gap {
		return fmt.Sprintf("gap %d", f.Gap)
	}
	return string(f.Severity)
}

func componentRows(cs []Component) [][]string {
	rows := make([][]string, 0, len(cs))
	for _, c := range cs {
		rows = append(rows, []string{
			c.ID, string(c.Layer), orDash(c.Provider),
			fmt.Sprint(int(c.Level)), fmt.Sprint(int(c.Effective)), fmt.Sprint(int(c.Required)), fmt.Sprint(c.Gap),
			orDash(strings.Join(c.Exposure, ",")),
		})
	}
	return rows
}

func moveRows(ms []Move) [][]string {
	rows := make([][]string, 0, len(ms))
	for _, m := range ms {
		dir := "better"
		switch {
		case m.Gates:
			dir = "worse, fails --fail-on-worse"
		case m.Worse:
			dir = "worse"
		}
		rows = append(rows, []string{m.ID, string(m.Field), fmt.Sprint(m.Old), fmt.Sprint(m.New), dir})
	}
	return rows
}

func renameRows(rs []Rename) [][]string {
	rows := make([][]string, 0, len(rs))
	for _, r := range rs {
		rows = append(rows, []string{r.From, r.To})
	}
	return rows
}

func policyRows(cs []PolicyChange) [][]string {
	rows := make([][]string, 0, len(cs))
	for _, c := range cs {
		rows = append(rows, []string{c.Section, c.Subject, c.Change, orDash(c.Old), orDash(c.New)})
	}
	return rows
}

func exposureRows(es []Exposure) [][]string {
	rows := make([][]string, 0, len(es))
	for _, e := range es {
		rows = append(rows, []string{e.Component, e.Jurisdiction})
	}
	return rows
}

func flowRows(fs []Flow) [][]string {
	rows := make([][]string, 0, len(fs))
	for _, f := range fs {
		note := "-"
		if f.Added {
			note = "new flow"
		}
		rows = append(rows, []string{f.ID, f.From, f.To, note, orDash(strings.Join(f.Reasons, "; "))})
	}
	return rows
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// mdEscape keeps a cell on one line and its pipes from splitting the table.
func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "\\", "\\\\")
	s = strings.ReplaceAll(s, "|", "\\|")
	s = strings.ReplaceAll(s, "\r", " ")
	return strings.ReplaceAll(s, "\n", " ")
}

// errWriter keeps the first write error, so that formatting code need not
// check every Fprintf.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
