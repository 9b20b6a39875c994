package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/sovmap/sovmap"
)

// WriteExplanation writes one component's factors one by one, what binds,
// what would raise it, its levels and the requirements behind its required
// level, as text for a reader (sovmap explain).
func WriteExplanation(out io.Writer, c *sovmap.Component, res *sovmap.ComponentResult) error {
	w := bufio.NewWriter(out)
	fmt.Fprintf(w, "%s (%s layer", c.ID, c.Layer)
	if c.Provider != "" {
		fmt.Fprintf(w, ", provider %s, controlled by %s", c.Provider, res.Controller)
	} else {
		fmt.Fprint(w, ", run by the organization itself")
	}
	fmt.Fprintf(w, ")\ndefined at %s\n\n", c.Pos)
	binding := map[sovmap.FactorName]bool{}
	for _, b := range res.Binding {
		binding[b] = true
	}
	fmt.Fprintln(w, "Factors (the own level is the weakest of them):")
	for _, f := range res.Factors {
		mark := " "
		if binding[f.Name] {
			mark = "*"
		}
		fmt.Fprintf(w, " %s %-10s allows %d %-17s %s\n", mark, f.Name, f.Level, f.Level.String(), f.Reason)
		for _, fact := range f.Facts {
			fmt.Fprintf(w, "      fact: %s\n", fact)
		}
		if f.Remedy != "" && f.Level < sovmap.MaxLevel {
			fmt.Fprintf(w, "      to raise it: %s\n", f.Remedy)
		}
	}
	fmt.Fprintf(w, "\nOwn level: %d %s", res.Level, res.Level)
	if len(res.Binding) > 0 {
		names := make([]string, len(res.Binding))
		for i, b := range res.Binding {
			names[i] = string(b)
		}
		fmt.Fprintf(w, " (binding: %s; * above)", strings.Join(names, ", "))
	}
	fmt.Fprintf(w, "\nEffective level: %d %s", res.EffectiveLevel, res.EffectiveLevel)
	if res.LimitedBy != "" {
		fmt.Fprintf(w, " (lowered by its dependency %s: run `sovmap explain` on it)", res.LimitedBy)
	}
	if len(c.DependsOn) > 0 {
		var deps []string
		for _, d := range c.DependsOn {
			deps = append(deps, d.ID+" ("+string(d.Kind)+")")
		}
		fmt.Fprintf(w, "\nDepends on: %s", strings.Join(deps, ", "))
	}
	fmt.Fprintf(w, "\nRequired level: %d %s, so sourcing: %s\n", res.RequiredLevel, res.RequiredLevel, res.Sourcing)
	for _, q := range res.Reasons {
		fmt.Fprintf(w, "  %s\n", RequirementLine(q))
		for _, ch := range q.Checks {
			fmt.Fprintf(w, "    %s %s: %s\n", ch.Status, ch.Part, ch.Why)
		}
	}
	if len(res.Reasons) == 0 {
		fmt.Fprintln(w, "  no requirement applies (no data classes, criticality or rules)")
	}
	fmt.Fprintf(w, "Gap: %d\n", res.Gap)
	if len(res.ExposureDetails) > 0 {
		fmt.Fprintln(w, "Foreign compelled-access exposure:")
		for _, e := range res.ExposureDetails {
			m := ""
			if e.Mitigated {
				m = " (mitigated by customer-held keys)"
			}
			fmt.Fprintf(w, "  %s: %s, via %s, %s tier%s\n", e.Jurisdiction, e.Law, e.Via, e.Tier, m)
		}
	}
	return w.Flush()
}
