package embassy

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sovmap/sovmap/framework"
)

// Each of the Write functions below writes a scorecard or a comparison in
// one format; the commands choose among them.

// WriteScorecardJSON writes one arrangement's scorecard as indented JSON.
func WriteScorecardJSON(w io.Writer, sc *Scorecard) error { return writeJSON(w, sc) }

// WriteScorecardHTML writes one arrangement's scorecard as a page.
func WriteScorecardHTML(w io.Writer, sc *Scorecard) error {
	return writeHTML(w, pageFor([]*Scorecard{sc}, nil))
}

// WriteComparisonJSON writes candidate arrangements as indented JSON.
func WriteComparisonJSON(w io.Writer, c *Comparison) error { return writeJSON(w, c) }

// WriteComparisonHTML writes candidate arrangements side by side as a page.
func WriteComparisonHTML(w io.Writer, c *Comparison) error {
	return writeHTML(w, pageFor(c.Scorecards, c))
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// errWriter keeps the first write error so that long renderers stay
// readable; callers check err once at the end.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func title(sc *Scorecard) string {
	if sc.Name != "" {
		return fmt.Sprintf("%s (%s)", sc.Arrangement, sc.Name)
	}
	return sc.Arrangement
}

func tier(name, label string) string {
	if label == "" {
		return name
	}
	return name + " " + label
}

// setBy names the criteria that set the weakest-link tier, if any.
func setBy(r *framework.Result) string {
	if b := bindingCriteria(r); len(b) > 0 {
		return " (weakest link: " + strings.Join(b, ", ") + ")"
	}
	return ""
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func pct(r framework.Ratio) string { return fmt.Sprintf("%.1f", float64(r)) }

// WriteScorecardTable writes one arrangement's scorecard for a terminal.
func WriteScorecardTable(w io.Writer, sc *Scorecard) error {
	r := sc.Result
	ew := &errWriter{w: w}
	tw := tabwriter.NewWriter(ew.w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Arrangement\t%s\n", title(sc))
	fmt.Fprintf(tw, "Host / guest\t%s / %s, instrument %s\n", sc.Host, sc.Guest, orDash(sc.Instrument))
	fmt.Fprintf(tw, "Framework\t%s %s, weights %s\n", r.Framework, r.Version, r.WeightSet)
	fmt.Fprintf(tw, "Tier\t%s%s\n", tier(r.LevelName, r.LevelLabel), setBy(r))
	fmt.Fprintf(tw, "Score\t%s / 100\n", pct(r.Score))
	fmt.Fprintf(tw, "Qualifies\t%s: %s\n", yesNo(sc.Qualifies), sc.Qualification)
	if len(sc.Components) > 0 {
		fmt.Fprintf(tw, "Components\t%s\n", strings.Join(sc.Components, ", "))
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "DIMENSION\tWEIGHT\tSCORE\tTIER\tSET BY")
	for _, d := range r.Dimensions {
		fmt.Fprintf(tw, "%s\t%s%%\t%s\t%s\t%s\n", d.Name, pct(d.Weight), pct(d.Score), tier(d.LevelName, d.LevelLabel), strings.Join(d.Binding, ", "))
	}
	for _, v := range r.Views {
		fmt.Fprintln(tw)
		fmt.Fprintf(tw, "%s\tWEIGHT\tSCORE\tTIER\tSET BY\n", strings.ToUpper(v.Name))
		for _, d := range v.Dimensions {
			fmt.Fprintf(tw, "%s\t%s%%\t%s\t%s\t%s\n", d.Name, pct(d.Weight), pct(d.Score), tier(d.LevelName, d.LevelLabel), strings.Join(d.Binding, ", "))
		}
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "CRITERION\tANSWER\tTIER\tEVIDENCE")
	for _, c := range r.Criteria {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.ID, answerText(c), c.LevelName, orDash(c.Evidence))
	}
	if ew.err == nil {
		ew.err = tw.Flush()
	}
	if len(r.Missing)+len(r.Notes)+len(r.Questions) > 0 {
		ew.printf("\n")
	}
	writeNotesText(ew, r)
	writeClausesText(ew, sc.Clauses)
	return ew.err
}

// writeNotesText writes a result's missing answers, its notes and its
// questions (the facts the inventory could not settle).
func writeNotesText(ew *errWriter, r *framework.Result) {
	if len(r.Missing) > 0 {
		ew.printf("Missing answers, counted as the worst: %s\n", strings.Join(r.Missing, ", "))
	}
	for _, n := range r.Notes {
		ew.printf("Note: %s\n", n)
	}
	for _, q := range r.Questions {
		ew.printf("Question: %s\n", q)
	}
}

func writeClausesText(ew *errWriter, clauses []Clause) {
	if len(clauses) == 0 {
		ew.printf("\nNo clause left to negotiate: every criterion is at the top tier.\n")
		return
	}
	ew.printf("\nClauses to negotiate (%d):\n", len(clauses))
	for i, c := range clauses {
		ew.printf("%2d. [%s] %s: %s (now %s, %s; aim %s)\n", i+1, c.Priority, c.Criterion, c.Title, c.Current, c.CurrentTier, orDash(c.Target))
		for _, line := range wrap(c.Text, 88) {
			ew.printf("      %s\n", line)
		}
	}
}

func answerText(c framework.CriterionResult) string {
	switch c.From {
	case framework.FromMissing:
		return "(missing)"
	case framework.FromFact:
		return c.Answer + " (inventory)"
	}
	return c.Answer
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// wrap breaks text into lines of at most width characters at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// WriteComparisonTable writes candidate arrangements side by side for a
// terminal.
func WriteComparisonTable(w io.Writer, c *Comparison) error {
	ew := &errWriter{w: w}
	ew.printf("Framework %s, weights %s. Ranking: %s\n\n", c.Framework, c.WeightSet, strings.Join(c.Ranking, " > "))
	tw := tabwriter.NewWriter(ew.w, 0, 0, 2, ' ', 0)
	header := []string{"DIMENSION"}
	for _, sc := range c.Scorecards {
		header = append(header, strings.ToUpper(sc.Arrangement))
	}
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	host := []string{"host / guest"}
	for _, sc := range c.Scorecards {
		host = append(host, sc.Host+" / "+sc.Guest)
	}
	fmt.Fprintln(tw, strings.Join(host, "\t"))
	writeRows := func(rows []ComparisonRow) {
		for _, row := range rows {
			cells := []string{row.Name}
			for _, cell := range row.Cells {
				mark := ""
				if contains(row.Best, cell.Arrangement) && len(c.Scorecards) > 1 {
					mark = " *"
				}
				cells = append(cells, fmt.Sprintf("%s %s%s", pct(cell.Score), cell.LevelName, mark))
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
	}
	writeRows(c.Dimensions)
	overall := func(label string, f func(*Scorecard) string) {
		cells := []string{label}
		for _, sc := range c.Scorecards {
			cells = append(cells, f(sc))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	overall("weakest-link tier", func(sc *Scorecard) string { return tier(sc.Result.LevelName, sc.Result.LevelLabel) })
	overall("weighted score", func(sc *Scorecard) string { return pct(sc.Result.Score) })
	overall("qualifies", func(sc *Scorecard) string { return yesNo(sc.Qualifies) })
	overall("missing answers", func(sc *Scorecard) string { return fmt.Sprint(len(sc.Result.Missing)) })
	overall("clauses (must)", func(sc *Scorecard) string { return fmt.Sprintf("%d (%d)", len(sc.Clauses), countMust(sc.Clauses)) })
	for _, v := range c.Views {
		fmt.Fprintln(tw)
		fmt.Fprintln(tw, strings.ToUpper(v.Name))
		writeRows(v.Dimensions)
	}
	if ew.err == nil {
		ew.err = tw.Flush()
	}
	ew.printf("\n* best on the dimension (highest tier, then score)\n")
	for _, sc := range c.Scorecards {
		ew.printf("\n== %s: %s\n", title(sc), sc.Qualification)
		writeNotesText(ew, sc.Result)
		writeClausesText(ew, sc.Clauses)
	}
	return ew.err
}

func countMust(cs []Clause) int {
	n := 0
	for _, c := range cs {
		if c.Priority == MustNegotiate {
			n++
		}
	}
	return n
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// mdEscape keeps free text from breaking a Markdown table.
func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// WriteScorecardMarkdown writes one arrangement's scorecard as Markdown.
func WriteScorecardMarkdown(w io.Writer, sc *Scorecard) error {
	r := sc.Result
	ew := &errWriter{w: w}
	ew.printf("# Digital-embassy scorecard: %s\n\n", mdEscape(title(sc)))
	ew.printf("- Host / guest: %s / %s, instrument %s\n", sc.Host, sc.Guest, orDash(sc.Instrument))
	ew.printf("- Framework: %s %s, weights %s\n", r.FrameworkName, r.Version, r.WeightSet)
	ew.printf("- **Weakest-link tier: %s**%s\n", tier(r.LevelName, r.LevelLabel), setBy(r))
	ew.printf("- **Weighted score: %s / 100**\n", pct(r.Score))
	ew.printf("- Qualifies: **%s**. %s\n", yesNo(sc.Qualifies), mdEscape(sc.Qualification))
	if len(sc.Components) > 0 {
		ew.printf("- Components hosted under it: %s\n", strings.Join(sc.Components, ", "))
	}
	ew.printf("\n## Dimensions\n\n| dimension | weight | score | tier | set by |\n|---|---:|---:|---|---|\n")
	for _, d := range r.Dimensions {
		ew.printf("| %s | %s%% | %s | %s | %s |\n", d.Name, pct(d.Weight), pct(d.Score), tier(d.LevelName, d.LevelLabel), strings.Join(d.Binding, ", "))
	}
	for _, v := range r.Views {
		ew.printf("\n## %s\n\n| dimension | weight | score | tier | set by |\n|---|---:|---:|---|---|\n", v.Name)
		for _, d := range v.Dimensions {
			ew.printf("| %s | %s%% | %s | %s | %s |\n", d.Name, pct(d.Weight), pct(d.Score), tier(d.LevelName, d.LevelLabel), strings.Join(d.Binding, ", "))
		}
	}
	ew.printf("\n## Criteria\n\n| criterion | answer | tier | evidence |\n|---|---|---|---|\n")
	for _, c := range r.Criteria {
		ew.printf("| %s: %s | %s | %s | %s |\n", c.ID, mdEscape(c.Title), mdEscape(answerText(c)), c.LevelName, mdEscape(orDash(c.Evidence)))
	}
	if len(r.Missing) > 0 {
		ew.printf("\nMissing answers, counted as the worst: %s\n", strings.Join(r.Missing, ", "))
	}
	writeNotesMarkdown(ew, r)
	writeClausesMarkdown(ew, "##", sc.Clauses)
	return ew.err
}

// writeNotesMarkdown writes a result's notes and questions as quotes.
func writeNotesMarkdown(ew *errWriter, r *framework.Result) {
	for _, n := range r.Notes {
		ew.printf("\n> Note: %s\n", mdEscape(n))
	}
	for _, q := range r.Questions {
		ew.printf("\n> Question: %s\n", mdEscape(q))
	}
}

func writeClausesMarkdown(ew *errWriter, heading string, clauses []Clause) {
	ew.printf("\n%s Clauses to negotiate\n\n", heading)
	if len(clauses) == 0 {
		ew.printf("None: every criterion is at the top tier.\n")
		return
	}
	for i, c := range clauses {
		ew.printf("%d. **[%s] %s** (`%s`, now %s at %s; aim %s)  \n   %s\n", i+1, c.Priority, mdEscape(c.Title), c.Criterion, mdEscape(c.Current), c.CurrentTier, mdEscape(orDash(c.Target)), mdEscape(c.Text))
	}
}

// WriteComparisonMarkdown writes candidate arrangements side by side as
// Markdown.
func WriteComparisonMarkdown(w io.Writer, c *Comparison) error {
	ew := &errWriter{w: w}
	ew.printf("# Digital-embassy comparison\n\nFramework %s, weights %s. Ranking: %s.\n\n", c.FrameworkName, c.WeightSet, strings.Join(c.Ranking, " > "))
	head := "| dimension |"
	sep := "|---|"
	for _, sc := range c.Scorecards {
		head += fmt.Sprintf(" %s (%s) |", sc.Arrangement, sc.Host)
		sep += "---|"
	}
	table := func(rows []ComparisonRow) {
		ew.printf("%s\n%s\n", head, sep)
		for _, row := range rows {
			ew.printf("| %s |", row.Name)
			for _, cell := range row.Cells {
				best := ""
				if contains(row.Best, cell.Arrangement) && len(c.Scorecards) > 1 {
					best = " **best**"
				}
				ew.printf(" %s · %s%s |", pct(cell.Score), cell.LevelName, best)
			}
			ew.printf("\n")
		}
	}
	table(c.Dimensions)
	for _, line := range []struct {
		label string
		f     func(*Scorecard) string
	}{
		{"**weakest-link tier**", func(sc *Scorecard) string { return "**" + tier(sc.Result.LevelName, sc.Result.LevelLabel) + "**" }},
		{"**weighted score**", func(sc *Scorecard) string { return "**" + pct(sc.Result.Score) + "**" }},
		{"qualifies", func(sc *Scorecard) string { return yesNo(sc.Qualifies) }},
		{"missing answers", func(sc *Scorecard) string { return fmt.Sprint(len(sc.Result.Missing)) }},
		{"clauses (must)", func(sc *Scorecard) string { return fmt.Sprintf("%d (%d)", len(sc.Clauses), countMust(sc.Clauses)) }},
	} {
		ew.printf("| %s |", line.label)
		for _, sc := range c.Scorecards {
			ew.printf(" %s |", line.f(sc))
		}
		ew.printf("\n")
	}
	for _, v := range c.Views {
		ew.printf("\n## %s\n\n", v.Name)
		table(v.Dimensions)
	}
	for _, sc := range c.Scorecards {
		ew.printf("\n## %s\n\n%s\n", mdEscape(title(sc)), mdEscape(sc.Qualification))
		if len(sc.Result.Missing) > 0 {
			ew.printf("\nMissing answers, counted as the worst: %s\n", strings.Join(sc.Result.Missing, ", "))
		}
		writeNotesMarkdown(ew, sc.Result)
		writeClausesMarkdown(ew, "###", sc.Clauses)
	}
	return ew.err
}
