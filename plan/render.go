package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/sovmap/sovmap/internal/plural"
)

// WriteJSON writes a result as indented JSON.
func WriteJSON(w io.Writer, r *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// money formats an amount with thousands separators and at most two
// decimals.
func money(x float64) string {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return "-"
	}
	neg := x < 0
	x = math.Abs(x)
	whole := math.Floor(x)
	frac := x - whole
	digits := strconv.FormatFloat(whole, 'f', 0, 64)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	s := b.String()
	if cents := math.Round(frac * 100); cents > 0 && cents < 100 {
		s += fmt.Sprintf(".%02d", int(cents))
	}
	if neg {
		s = "-" + s
	}
	return s
}

func share(x float64) string {
	if x == 0 {
		return "none"
	}
	return fmt.Sprintf("%.0f%%", x*100)
}

func constraintsText(r *Result) string {
	budget := "none"
	if r.Constraints.Budget > 0 {
		budget = money(r.Constraints.Budget)
	}
	return fmt.Sprintf("budget %s; max provider share of critical components %s; max foreign-jurisdiction share %s",
		budget, share(r.Constraints.MaxProviderShare), share(r.Constraints.MaxJurisdictionShare))
}

func verdict(r *Result) string {
	proof := fmt.Sprintf("optimal, proven by exhaustive branch and bound (%s)", plural.Count(r.Nodes, "search node"))
	switch {
	case !r.Optimal && r.LowerBound > 0:
		proof = fmt.Sprintf("best found in %s, not proven optimal; no such plan costs less than %s", plural.Count(r.Nodes, "search node"), money(r.LowerBound))
	case !r.Optimal:
		proof = fmt.Sprintf("best found in %s, not proven optimal", plural.Count(r.Nodes, "search node"))
	}
	switch {
	case len(r.Plan) == 0:
		return "no plan respects the constraints"
	case r.Feasible:
		return fmt.Sprintf("every requirement met at %s (%s once + %s a year x %s); %s", money(r.Cost), money(r.CostOnce), money(r.CostYearly), plural.Count(r.Years, "year"), proof)
	default:
		return fmt.Sprintf("no plan meets every requirement; the best meets %d of %d at %s (%s once + %s a year x %s); %s",
			r.Met, r.Components, money(r.Cost), money(r.CostOnce), money(r.CostYearly), plural.Count(r.Years, "year"), proof)
	}
}

func choiceText(c Choice) string {
	if c.Option == "" {
		return "keep"
	}
	return c.Option
}

func levels(before, after int8) string {
	if before == after {
		return strconv.Itoa(int(after))
	}
	return fmt.Sprintf("%d->%d", before, after)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "NO"
}

func changesText(p Point) string {
	if len(p.Changes) == 0 {
		return "keep everything"
	}
	return strings.Join(p.Changes, ", ")
}

// anyOpened reports whether a point of the curve gives up a requirement
// that keeping everything meets; only then do the curve tables show an
// opened column.
func anyOpened(r *Result) bool {
	for _, p := range r.Curve {
		if p.Opened > 0 {
			return true
		}
	}
	return false
}

// openedHead returns s when the curve tables show the opened column.
func openedHead(r *Result, s string) string {
	if anyOpened(r) {
		return s
	}
	return ""
}

// openedCell is p's opened count followed by sep, when the curve tables
// show the opened column.
func openedCell(r *Result, p Point, sep string) string {
	if anyOpened(r) {
		return strconv.Itoa(p.Opened) + sep
	}
	return ""
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func (e *errWriter) flush(tw *tabwriter.Writer) {
	if err := tw.Flush(); err != nil && e.err == nil {
		e.err = err
	}
}

// WriteTable writes the result for a terminal.
func WriteTable(w io.Writer, r *Result) error {
	ew := &errWriter{w: w}
	ew.printf("Sourcing plan for %s (home %s), costs over %s\n", r.Organization, r.Home, plural.Count(r.Years, "year"))
	ew.printf("Constraints: %s\n", constraintsText(r))
	ew.printf("Before: %d of %s %s their required level (%s); %d %s options\n", r.MetBefore, plural.Count(r.Components, "component"), plural.Pick(r.MetBefore, "meets", "meet"), plural.Count(r.GapsBefore, "gap"), r.WithOptions, plural.Pick(r.WithOptions, "lists", "list"))
	ew.printf("Result: %s\n", verdict(r))
	if len(r.Plan) > 0 {
		ew.printf("\n")
		tw := tabwriter.NewWriter(ew.w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "COMPONENT\tCHOICE\tPROVIDER\tCOST\tOWN\tEFFECTIVE\tREQUIRED\tMET")
		for _, c := range r.Plan {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", c.Component, choiceText(c), dash(c.Provider), money(c.Cost),
				levels(int8(c.Before.Own), int8(c.After.Own)), levels(int8(c.Before.Effective), int8(c.After.Effective)), c.After.Required, yesNo(c.After.Met()))
		}
		ew.flush(tw)
	}
	if len(r.Curve) > 0 {
		ew.printf("\nTrade-off curve: least cost for each number of requirements met\n")
		tw := tabwriter.NewWriter(ew.w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "MET\tGAPS\tCLOSED\t"+openedHead(r, "OPENED\t")+"COST\tPROVEN\tCHANGES")
		for _, p := range r.Curve {
			fmt.Fprintf(tw, "%d\t%d\t%d\t%s%s\t%s\t%s\n", p.Met, p.Gaps, p.Closed, openedCell(r, p, "\t"), money(p.Cost), strings.ToLower(yesNo(p.Optimal)), changesText(p))
		}
		ew.flush(tw)
	}
	if len(r.Unmet) > 0 {
		ew.printf("\nRequirements no plan meets\n")
		for _, u := range r.Unmet {
			ew.printf("  %s (needs %d, reaches %d):\n", u.Component, u.Required, u.Effective)
			for _, why := range u.Why {
				ew.printf("    - %s\n", why)
			}
		}
	}
	if len(r.Blocking) > 0 {
		ew.printf("\nConstraints in the way\n")
		for _, b := range r.Blocking {
			ew.printf("  - %s\n", b)
		}
	}
	if len(r.Shares) > 0 {
		ew.printf("\nCritical components by controller and foreign jurisdiction after the plan (%d critical)\n", r.Critical)
		tw := tabwriter.NewWriter(ew.w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "KIND\tNAME\tCRITICAL\tSHARE\tCAP")
		for _, s := range r.Shares {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f%%\t%s\n", s.Kind, s.Name, s.Critical, s.Share*100, capText(s.Cap))
		}
		ew.flush(tw)
	}
	for _, n := range r.Notes {
		ew.printf("\nnote: %s\n", n)
	}
	return ew.err
}

func capText(c int) string {
	if c < 0 {
		return "-"
	}
	return strconv.Itoa(c)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

// WriteMarkdown writes the result as a Markdown document.
func WriteMarkdown(w io.Writer, r *Result) error {
	ew := &errWriter{w: w}
	ew.printf("# Sourcing plan for %s\n\n", mdCell(r.Organization))
	ew.printf("Home %s; costs over %s (cost once + years x cost a year).\n\n", r.Home, plural.Count(r.Years, "year"))
	ew.printf("- Constraints: %s.\n", constraintsText(r))
	ew.printf("- Before: %d of %s %s their required level (%s); %d %s options.\n", r.MetBefore, plural.Count(r.Components, "component"), plural.Pick(r.MetBefore, "meets", "meet"), plural.Count(r.GapsBefore, "gap"), r.WithOptions, plural.Pick(r.WithOptions, "lists", "list"))
	ew.printf("- **Result: %s.**\n", mdCell(verdict(r)))
	if len(r.Plan) > 0 {
		ew.printf("\n## Plan\n\n| Component | Choice | Provider | Cost | Own | Effective | Required | Met |\n|---|---|---|---:|---|---|---|---|\n")
		for _, c := range r.Plan {
			ew.printf("| %s | %s | %s | %s | %s | %s | %d | %s |\n", c.Component, choiceText(c), dash(c.Provider), money(c.Cost),
				levels(int8(c.Before.Own), int8(c.After.Own)), levels(int8(c.Before.Effective), int8(c.After.Effective)), c.After.Required, yesNo(c.After.Met()))
		}
	}
	if len(r.Curve) > 0 {
		ew.printf("\n## Trade-off curve\n\nThe least cost for each number of requirements met; points that cost no less than a point meeting more are left out. Closed counts the gaps a point closes compared with keeping everything%s.\n\n| Met | Gaps | Closed | %sCost | Proven | Changes |\n|---:|---:|---:|%s---:|---|---|\n",
			openedHead(r, ", opened the requirements it gives up that keeping everything meets"), openedHead(r, "Opened | "), openedHead(r, "---:|"))
		for _, p := range r.Curve {
			ew.printf("| %d | %d | %d | %s%s | %s | %s |\n", p.Met, p.Gaps, p.Closed, openedCell(r, p, " | "), money(p.Cost), strings.ToLower(yesNo(p.Optimal)), mdCell(changesText(p)))
		}
	}
	if len(r.Unmet) > 0 {
		ew.printf("\n## Requirements no plan meets\n\n")
		for _, u := range r.Unmet {
			ew.printf("- **%s** needs %d, reaches %d: %s.\n", u.Component, u.Required, u.Effective, mdCell(strings.Join(u.Why, "; ")))
		}
	}
	if len(r.Blocking) > 0 {
		ew.printf("\n## Constraints in the way\n\n")
		for _, b := range r.Blocking {
			ew.printf("- %s\n", mdCell(b))
		}
	}
	if len(r.Shares) > 0 {
		ew.printf("\n## Concentration after the plan\n\n%d critical components.\n\n| Kind | Name | Critical | Share | Cap |\n|---|---|---:|---:|---:|\n", r.Critical)
		for _, s := range r.Shares {
			ew.printf("| %s | %s | %d | %.0f%% | %s |\n", s.Kind, s.Name, s.Critical, s.Share*100, capText(s.Cap))
		}
	}
	if len(r.Notes) > 0 {
		ew.printf("\n## Notes\n\n")
		for _, n := range r.Notes {
			ew.printf("- %s\n", mdCell(n))
		}
	}
	return ew.err
}
