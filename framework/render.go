package framework

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

// Scored is a framework result with the subject it is about, as the
// framework score command prints it.
type Scored struct {
	// Subject is what was scored, such as "provider ovh".
	Subject string `json:"subject"`
	// Assessment is the id (or position) of the inventory assessment the
	// answers came from; empty when there was none.
	Assessment string  `json:"assessment,omitempty"`
	Result     *Result `json:"result"`
}

// WriteJSON writes v (a Scored, a Framework, the Summaries of a library)
// as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func pct(r Ratio) string { return fmt.Sprintf("%.1f", float64(r)) }

func levelText(name, label string) string {
	if label == "" || label == name {
		return name
	}
	return name + " (" + label + ")"
}

func answerText(c CriterionResult) string {
	switch c.From {
	case FromMissing:
		return "(missing)"
	case FromFact:
		return c.Answer + " (inventory)"
	}
	return c.Answer
}

// critLevel is a criterion's level as printed, marking criteria that
// never gate.
func critLevel(c CriterionResult) string {
	if !c.Gates {
		return c.LevelName + " (never gates)"
	}
	return c.LevelName
}

// hasPoints reports whether the result is points-based (the EU calculator).
func hasPoints(r *Result) bool {
	for _, c := range r.Criteria {
		if c.Points != nil {
			return true
		}
	}
	return false
}

func pointsText(c CriterionResult) string {
	if c.Points == nil {
		return "-"
	}
	return num(math.Round(float64(*c.Points)*100)/100) + "/" + num(math.Round(float64(*c.MaxPoints)*100)/100)
}

// unansweredText lists the unanswered criteria and how they were counted;
// every output shows it, even when nothing is missing.
func unansweredText(r *Result) string {
	list := "none"
	if len(r.Missing) > 0 {
		list = strings.Join(r.Missing, ", ")
	}
	return fmt.Sprintf("Unanswered criteria (%d): %s. Rule: %s.", len(r.Missing), list, r.MissingRule)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WriteScoredTable writes a result for a terminal.
func WriteScoredTable(w io.Writer, s *Scored) error {
	r := s.Result
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Subject\t%s\n", s.Subject)
	fmt.Fprintf(tw, "Framework\t%s %s, weights %s\n", r.FrameworkName, r.Version, r.WeightSet)
	if s.Assessment != "" {
		fmt.Fprintf(tw, "Answers from\t%s\n", s.Assessment)
	}
	fmt.Fprintf(tw, "Level\t%s, the minimum over %s\n", levelText(r.LevelName, r.LevelLabel), strings.Join(r.Binding, ", "))
	fmt.Fprintf(tw, "Score\t%s / 100\n\n", pct(r.Score))
	fmt.Fprintln(tw, "OBJECTIVE\tNAME\tWEIGHT\tSCORE\tLEVEL\tSET BY")
	for _, d := range r.Dimensions {
		fmt.Fprintf(tw, "%s\t%s\t%s%%\t%s\t%s\t%s\n", d.ID, d.Name, pct(d.Weight), pct(d.Score), d.LevelName, strings.Join(d.Binding, ", "))
	}
	fmt.Fprintln(tw)
	points := hasPoints(r)
	if points {
		fmt.Fprintln(tw, "CRITERION\tANSWER\tPOINTS\tLEVEL\tEVIDENCE")
	} else {
		fmt.Fprintln(tw, "CRITERION\tANSWER\tLEVEL\tEVIDENCE")
	}
	for _, c := range r.Criteria {
		if points {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, answerText(c), pointsText(c), critLevel(c), orDash(c.Evidence))
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.ID, answerText(c), critLevel(c), orDash(c.Evidence))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s\n", unansweredText(r))
	for _, q := range r.Minimums {
		fmt.Fprintf(&b, "Minimum: %s\n", q)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "Note: %s\n", n)
	}
	for _, q := range r.Questions {
		fmt.Fprintf(&b, "Question: %s\n", q)
	}
	if gaps := remedies(r); len(gaps) > 0 {
		fmt.Fprintf(&b, "\nTo raise the level, starting with what sets it:\n")
		for _, c := range gaps {
			fmt.Fprintf(&b, "- %s (%s, now %s): %s\n", c.ID, c.LevelName, answerText(c), strings.TrimSpace(c.Clause))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// remedies lists the criteria at the overall level, the ones a remedy must
// change first.
func remedies(r *Result) []CriterionResult {
	var out []CriterionResult
	for _, c := range r.Criteria {
		if c.Level == r.Level && !c.AtTop {
			out = append(out, c)
		}
	}
	return out
}

func md(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ") }

// WriteScoredMarkdown writes a result as Markdown.
func WriteScoredMarkdown(w io.Writer, s *Scored) error {
	r := s.Result
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: %s\n\n", md(r.FrameworkName), md(s.Subject))
	fmt.Fprintf(&b, "- Framework: %s %s, weights %s\n", r.Framework, r.Version, r.WeightSet)
	if s.Assessment != "" {
		fmt.Fprintf(&b, "- Answers from: %s\n", md(s.Assessment))
	}
	fmt.Fprintf(&b, "- **Level: %s**, the minimum over %s\n", levelText(r.LevelName, r.LevelLabel), strings.Join(r.Binding, ", "))
	fmt.Fprintf(&b, "- **Score: %s / 100**\n\n", pct(r.Score))
	fmt.Fprintf(&b, "| objective | name | weight | score | level | set by |\n|---|---|---:|---:|---|---|\n")
	for _, d := range r.Dimensions {
		fmt.Fprintf(&b, "| %s | %s | %s%% | %s | %s | %s |\n", d.ID, md(d.Name), pct(d.Weight), pct(d.Score), d.LevelName, strings.Join(d.Binding, ", "))
	}
	fmt.Fprintf(&b, "\n| criterion | answer | points | level | evidence |\n|---|---|---:|---|---|\n")
	for _, c := range r.Criteria {
		fmt.Fprintf(&b, "| %s: %s | %s | %s | %s | %s |\n", c.ID, md(c.Title), md(answerText(c)), pointsText(c), critLevel(c), md(orDash(c.Evidence)))
	}
	fmt.Fprintf(&b, "\n%s\n", md(unansweredText(r)))
	for _, q := range r.Minimums {
		fmt.Fprintf(&b, "\n- Minimum: %s\n", q)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\n> Note: %s\n", md(n))
	}
	for _, q := range r.Questions {
		fmt.Fprintf(&b, "\n> Question: %s\n", md(q))
	}
	if gaps := remedies(r); len(gaps) > 0 {
		fmt.Fprintf(&b, "\n## To raise the level\n\n")
		for _, c := range gaps {
			fmt.Fprintf(&b, "- `%s` (%s, now %s): %s\n", c.ID, c.LevelName, md(answerText(c)), md(strings.TrimSpace(c.Clause)))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Summary is one line of the framework list.
type Summary struct {
	// Key is id@version; Latest says the bare id names this version.
	Key        string   `json:"key"`
	Latest     bool     `json:"latest"`
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Version    string   `json:"version"`
	Subject    string   `json:"subject"`
	Dimensions int      `json:"dimensions"`
	Criteria   int      `json:"criteria"`
	Levels     []string `json:"levels"`
	WeightSets []string `json:"weight_sets"`
}

// Summarize describes a framework in one line.
func Summarize(f *Framework) Summary {
	s := Summary{Key: f.Key(), ID: f.ID, Name: f.Name, Version: f.Version, Subject: f.Subject, Dimensions: len(f.Dimensions), Criteria: f.Criteria()}
	for _, l := range f.Levels {
		s.Levels = append(s.Levels, l.ID)
	}
	for _, w := range f.WeightSets {
		s.WeightSets = append(s.WeightSets, w.ID)
	}
	return s
}

// Summaries describes the frameworks of a library, one Summary each.
func Summaries(lib *Library) []Summary {
	var list []Summary
	for _, f := range lib.List() {
		s := Summarize(f)
		latest, _ := lib.Get(f.ID)
		s.Latest = latest == f
		list = append(list, s)
	}
	return list
}

// WriteListTable writes the frameworks of a library for a terminal, one a
// line.
func WriteListTable(w io.Writer, lib *Library) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FRAMEWORK\tID\tSCORES\tDIMENSIONS\tCRITERIA\tLEVELS\tWEIGHT SETS\tNAME")
	for _, s := range Summaries(lib) {
		id := "-"
		if s.Latest {
			id = s.ID // the bare id names the latest version
		}
		fmt.Fprintf(tw, "%s\t%s\t%ss\t%d\t%d\t%s..%s\t%s\t%s\n", s.Key, id, s.Subject, s.Dimensions, s.Criteria,
			s.Levels[0], s.Levels[len(s.Levels)-1], strings.Join(s.WeightSets, ", "), s.Name)
	}
	return tw.Flush()
}

// WriteFrameworkMarkdown describes one framework in full as Markdown: its
// sources, levels, weights and every criterion's ladder.
func WriteFrameworkMarkdown(w io.Writer, f *Framework) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s (%s, version %s)\n\n", f.Name, f.Key(), f.Version)
	if f.Publisher != "" {
		fmt.Fprintf(&b, "Publisher: %s. Scores %ss.\n\n", f.Publisher, f.Subject)
	}
	if f.Description != "" {
		fmt.Fprintf(&b, "%s\n\n", strings.TrimSpace(f.Description))
	}
	fmt.Fprintf(&b, "## Sources\n\n")
	for _, s := range f.Sources {
		fmt.Fprintf(&b, "- %s", s.Title)
		if s.URL != "" {
			fmt.Fprintf(&b, " <%s>", s.URL)
		}
		if s.Published != "" {
			fmt.Fprintf(&b, ", published %s", s.Published)
		}
		if s.Checked != "" {
			fmt.Fprintf(&b, ", checked %s", s.Checked)
		}
		fmt.Fprintf(&b, "\n")
		if s.Note != "" {
			fmt.Fprintf(&b, "  %s\n", strings.TrimSpace(s.Note))
		}
	}
	fmt.Fprintf(&b, "\n## Levels (overall = minimum over dimensions = minimum over criteria)\n\n")
	for i, l := range f.Levels {
		fmt.Fprintf(&b, "- %d %s: %s. %s%s\n", i, l.ID, l.Name, l.Description, contestedText(l.Contested, l.Source))
	}
	fmt.Fprintf(&b, "\n## Weight sets (score = sum of dimension score x weight / sum of weights)\n\n")
	for _, ws := range f.WeightSets {
		var parts []string
		for _, d := range f.Dimensions {
			parts = append(parts, fmt.Sprintf("%s %s", d.ID, num(ws.Weights[d.ID])))
		}
		fmt.Fprintf(&b, "- %s: %s", ws.ID, strings.Join(parts, ", "))
		if ws.Name != "" {
			fmt.Fprintf(&b, " (%s)", ws.Name)
		}
		if ws.PointsDivisor > 0 {
			fmt.Fprintf(&b, "; a dimension's points are divided by %s", num(ws.PointsDivisor))
		}
		fmt.Fprintf(&b, "%s\n", contestedText(ws.Contested, ws.Source))
	}
	for _, d := range f.Dimensions {
		fmt.Fprintf(&b, "\n## %s: %s\n\n", d.ID, d.Name)
		if d.Description != "" {
			fmt.Fprintf(&b, "%s\n\n", d.Description)
		}
		for i := range d.Criteria {
			c := &d.Criteria[i]
			key := ""
			if c.Key {
				key = " (key)"
			}
			fmt.Fprintf(&b, "- `%s`%s %s [%s", c.ID, key, c.Title, c.Kind)
			if c.Weight != 0 {
				fmt.Fprintf(&b, ", weight %s", num(c.Weight))
			}
			if c.Fact != "" {
				fmt.Fprintf(&b, ", fact %s", c.Fact)
			}
			switch {
			case !f.Gates(c):
				fmt.Fprintf(&b, ", never gates")
			case f.Floor(c) > 0:
				fmt.Fprintf(&b, ", floor %s", f.LevelName(f.Floor(c)))
			}
			if c.Min != nil || c.Max != nil {
				fmt.Fprintf(&b, ", range %s..%s", boundText(c.Min), boundText(c.Max))
			}
			if c.NotAbove != "" {
				fmt.Fprintf(&b, ", at most %s", c.NotAbove)
			}
			fmt.Fprintf(&b, "]\n")
			if c.Source != "" {
				fmt.Fprintf(&b, "  source: %s%s\n", c.Source, contestedText(c.Contested, ""))
			}
			if c.Question != "" {
				fmt.Fprintf(&b, "  %s\n", c.Question)
			}
			lt := f.ladderText(c)
			if !strings.HasPrefix(lt, "\n") {
				lt = " " + lt
			}
			fmt.Fprintf(&b, "  answers:%s\n", lt)
		}
	}
	for _, v := range f.Views {
		fmt.Fprintf(&b, "\n## View %s: %s\n\n", v.ID, v.Name)
		for _, vd := range v.Dimensions {
			fmt.Fprintf(&b, "- %s: %s\n", vd.Name, strings.Join(vd.Criteria, ", "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ladderText lists a criterion's answers with their levels.
func (f *Framework) ladderText(c *Criterion) string {
	var parts []string
	if c.Kind == Number {
		for _, band := range c.Bands {
			parts = append(parts, fmt.Sprintf("%s -> %s", band.String(), f.LevelName(band.Level)))
		}
		return strings.Join(parts, "; ") + " (" + orDash(c.Unit) + "; otherwise " + f.LevelName(0) + ")"
	}
	if _, ok := c.maxPoints(); ok {
		// Points-based ladders are long: one answer a line, with its
		// meaning, points and level.
		var b strings.Builder
		for i, a := range c.Answers {
			fmt.Fprintf(&b, "\n  %d. %s: %s [%s points, %s]", i+1, a.Value, a.Meaning, num(*a.Points), f.LevelName(a.Level))
		}
		return b.String()
	}
	for _, a := range c.ladder(f.Top()) {
		parts = append(parts, fmt.Sprintf("%s -> %s", a.Value, f.LevelName(a.Level)))
	}
	return strings.Join(parts, "; ")
}

// contestedText marks what rests on a third-party transcription.
func contestedText(contested bool, source string) string {
	switch {
	case contested && source != "":
		return " [contested: " + source + "]"
	case contested:
		return " [contested]"
	case source != "":
		return " [source: " + source + "]"
	}
	return ""
}
