package risk

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sovmap/sovmap/internal/plural"
)

// WriteRegisterJSON writes the register as indented JSON.
func WriteRegisterJSON(w io.Writer, r *Register) error { return writeJSON(w, r) }

// WriteAnalysisJSON writes the analysis as indented JSON.
func WriteAnalysisJSON(w io.Writer, a *Analysis) error { return writeJSON(w, a) }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func list(xs []string) string {
	if len(xs) == 0 {
		return "-"
	}
	return strings.Join(xs, ", ")
}

func hhiCell(h HHI) string {
	if h.Base == 0 {
		return "-"
	}
	return fmt.Sprintf("%d %s (top %s %s)", h.Index, h.Band, h.Top, pct(h.TopShare))
}

func frameworks(fs []FrameworkScore) string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %.0f%% %s", f.Framework, f.Score, f.LevelName))
	}
	return list(out)
}

func exitCell(v Vendor) string {
	s := fmt.Sprintf("%d d", v.Exit.Days)
	if v.Exit.Estimated {
		s += " (est.)"
	}
	return s
}

// WriteRegisterTable writes the register as aligned text.
func WriteRegisterTable(w io.Writer, r *Register) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "sovmap vendor risk register of %s (home %s)\n", orDash(r.Organization), r.Home)
	fmt.Fprintf(bw, "%s, %d third-party, %d critical, %d vital\n\n", plural.Count(r.Components, "component"), r.ThirdParty, r.Critical, r.Vital)
	c := r.Concentration
	fmt.Fprintf(bw, "CONCENTRATION (HHI of %s; jurisdiction: the ultimate parent's country)\n", c.Provider.Basis[:strings.LastIndex(c.Provider.Basis, ",")])
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SCOPE\tBY PROVIDER\tBY PARENT\tBY JURISDICTION")
	fmt.Fprintf(tw, "all\t%s\t%s\t%s\n", hhiCell(c.Provider), hhiCell(c.Parent), hhiCell(c.Jurisdiction))
	fmt.Fprintf(tw, "critical\t-\t%s\t-\n", hhiCell(c.CriticalParent))
	for _, l := range c.Layers {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Layer, hhiCell(l.Provider), hhiCell(l.Parent), hhiCell(l.Jurisdiction))
	}
	tw.Flush()
	fmt.Fprintf(bw, "beside it, %s: %s (the assessment's hhi_provider)\n", c.AllComponents.Basis, hhiCell(c.AllComponents))
	fmt.Fprintf(bw, "\n%s\n%s\n", r.ShareBasis, r.ExitBasis)
	for _, part := range []struct {
		title string
		rows  []Vendor
	}{{"PROVIDERS", r.Providers}, {"ULTIMATE PARENTS", r.Parents}} {
		fmt.Fprintf(bw, "\n%s (by risk)\n", part.title)
		tw = tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "RISK\tVENDOR\tCONTROLLER\tTIER\tCOMPONENTS\tSHARE\tCRITICAL\tLOST ON EXIT\tVITAL LOST\tEXPOSURE\tSUBSTITUTABLE\tEXIT\tFRAMEWORKS")
		for _, v := range part.rows {
			fmt.Fprintf(tw, "%d\t%s\t%s (%s)\t%s\t%d\t%s\t%d (%s)\t%d\t%d\t%s\t%s\t%s\t%s\n", v.Risk, v.ID, v.Controller, orDash(v.ControllerCountry), v.Tier,
				v.Components, pct(v.Share), v.Critical, pct(v.CriticalShare), v.Lost, v.VitalLost, list(v.Exposure), pct(v.Substitutable), exitCell(v), frameworks(v.Frameworks))
		}
		tw.Flush()
	}
	writeTrustTable(bw, r.Providers)
	if len(r.Candidates) > 0 {
		fmt.Fprintln(bw, "\nASSESSED PROVIDERS NOT IN USE")
		tw = tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "PROVIDER\tFRAMEWORKS")
		for _, c := range r.Candidates {
			fmt.Fprintf(tw, "%s\t%s\n", c.ID, frameworks(c.Frameworks))
		}
		tw.Flush()
	}
	fmt.Fprintln(bw, "\nREASONS")
	for _, v := range r.Providers {
		fmt.Fprintf(bw, "%s (risk %d):\n", v.ID, v.Risk)
		for _, why := range v.Reasons {
			fmt.Fprintf(bw, "  %s\n", why)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintln(bw, "note:", n)
	}
	return bw.Flush()
}

// upper capitalises the first letter of s, to start a sentence.
func upper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func md(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s) }

// WriteRegisterMarkdown writes the register as a Markdown document.
func WriteRegisterMarkdown(w io.Writer, r *Register) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Vendor risk register: %s\n\nHome jurisdiction: **%s**. %s, %d third-party, %d critical, %d vital.\n\n",
		md(orDash(r.Organization)), r.Home, plural.Count(r.Components, "component"), r.ThirdParty, r.Critical, r.Vital)
	c := r.Concentration
	fmt.Fprintf(bw, "## Concentration\n\nHerfindahl-Hirschman index (0-10000; above 1800 is highly concentrated) of %s; jurisdiction is the ultimate parent's country.\n\n| Scope | By provider | By parent | By jurisdiction |\n|---|---|---|---|\n", c.Provider.Basis[:strings.LastIndex(c.Provider.Basis, ",")])
	fmt.Fprintf(bw, "| all | %s | %s | %s |\n", hhiCell(c.Provider), hhiCell(c.Parent), hhiCell(c.Jurisdiction))
	fmt.Fprintf(bw, "| critical | - | %s | - |\n", hhiCell(c.CriticalParent))
	for _, l := range c.Layers {
		fmt.Fprintf(bw, "| %s | %s | %s | %s |\n", l.Layer, hhiCell(l.Provider), hhiCell(l.Parent), hhiCell(l.Jurisdiction))
	}
	fmt.Fprintf(bw, "\nBeside it, %s: %s (the assessment's `hhi_provider`).\n\n%s. %s.\n", c.AllComponents.Basis, hhiCell(c.AllComponents), md(upper(r.ShareBasis)), md(upper(r.ExitBasis)))
	for _, part := range []struct {
		title string
		rows  []Vendor
	}{{"Providers", r.Providers}, {"Ultimate parents", r.Parents}} {
		fmt.Fprintf(bw, "\n## %s\n\n| Risk | Vendor | Controller | Tier | Components | Share | Critical | Lost on exit | Vital lost | Exposure | Substitutable | Exit | Frameworks |\n|---:|---|---|---|---:|---:|---:|---:|---:|---|---:|---|---|\n", part.title)
		for _, v := range part.rows {
			fmt.Fprintf(bw, "| %d | %s | %s (%s) | %s | %d | %s | %d (%s) | %d | %d | %s | %s | %s | %s |\n", v.Risk, md(v.ID), md(v.Controller), orDash(v.ControllerCountry), v.Tier,
				v.Components, pct(v.Share), v.Critical, pct(v.CriticalShare), v.Lost, v.VitalLost, list(v.Exposure), pct(v.Substitutable), exitCell(v), md(frameworks(v.Frameworks)))
		}
	}
	if len(r.Candidates) > 0 {
		fmt.Fprintln(bw, "\n## Assessed providers not in use\n\n| Provider | Frameworks |\n|---|---|")
		for _, c := range r.Candidates {
			fmt.Fprintf(bw, "| %s | %s |\n", md(c.ID), md(frameworks(c.Frameworks)))
		}
	}
	writeTrustMarkdown(bw, r.Providers)
	fmt.Fprintln(bw, "\n## Reasons")
	for _, v := range r.Providers {
		fmt.Fprintf(bw, "\n### %s (risk %d)\n\n", md(v.ID), v.Risk)
		for _, why := range v.Reasons {
			fmt.Fprintf(bw, "- %s\n", md(why))
		}
	}
	for i, n := range r.Notes {
		if i == 0 {
			fmt.Fprintln(bw, "\n## Notes")
		}
		fmt.Fprintf(bw, "- %s\n", md(n))
	}
	return bw.Flush()
}

func blastRows(tw io.Writer, bs []Blast) {
	for _, b := range bs {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\n", b.ID, b.Direct, b.Down, b.Degraded, b.Vital, b.Critical)
	}
}

// WriteAnalysisTable writes the dependency analysis as aligned text.
func WriteAnalysisTable(w io.Writer, a *Analysis) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "sovmap dependency analysis of %s (home %s)\n", orDash(a.Organization), a.Home)
	fmt.Fprintf(bw, "%s, %d runtime and %s, %s (largest %d)\n",
		plural.Count(a.Components, "component"), a.RuntimeEdges, plural.Count(a.SupplyEdges, "supply edge"), plural.Count(a.Cycles, "dependency cycle"), a.LargestCycle)
	fmt.Fprintf(bw, "%s reached by foreign compelled-access law, %d of them through a dependency\n", plural.Count(a.Exposed, "component"), a.Inherited)
	fmt.Fprintf(bw, "\nSINGLE POINTS OF FAILURE (ranked by %s components down, of %d)\n", a.Targets, a.TargetCount)
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "COMPONENT\tLAYER\tPROVIDER\t"+strings.ToUpper(a.Targets)+" DOWN\tDOWN\tDEGRADED\tEXAMPLE")
	for _, s := range a.SinglePoints {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\n", s.ID, s.Layer, orDash(s.Provider), s.Targets, s.Down, s.Degraded, strings.Join(s.Example, " -> "))
	}
	tw.Flush()
	if c := a.Component; c != nil {
		fmt.Fprintf(bw, "\nBLAST RADIUS OF %s: %s down, %s down, %d degraded", c.ID, plural.Count(c.Targets, a.Targets+" component"), plural.Count(c.Down, "component"), c.Degraded)
		if len(c.Example) > 1 {
			fmt.Fprintf(bw, " (e.g. %s)", strings.Join(c.Example, " -> "))
		}
		fmt.Fprintln(bw)
	}
	for _, part := range []struct {
		title string
		rows  []Blast
	}{{"PROVIDERS", a.Providers}, {"JURISDICTIONS", a.Jurisdictions}, {"REGIONS", a.Regions}} {
		if len(part.rows) == 0 {
			continue
		}
		fmt.Fprintf(bw, "\nBLAST RADIUS: %s\n", part.title)
		tw = tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tDIRECT\tDOWN\tDEGRADED\tVITAL DOWN\tCRITICAL DOWN")
		blastRows(tw, part.rows)
		tw.Flush()
	}
	if len(a.Providers)+len(a.Jurisdictions)+len(a.Regions) > 0 {
		fmt.Fprintf(bw, "blast radius, what each counts: %s\n", a.BlastBasis)
	}
	if len(a.Chains) > 0 {
		fmt.Fprintln(bw, "\nEXPOSURE CHAINS")
		for _, c := range a.Chains {
			fmt.Fprintf(bw, "- %s [%s]: %s\n", c.Component, c.Jurisdiction, c.Explanation)
		}
	}
	if a.Estimated {
		fmt.Fprintln(bw, "note: more than 4096 targets: single points of failure were ranked by a sketch, then the 512 best counted exactly")
	}
	for _, t := range a.Truncated {
		fmt.Fprintln(bw, "note: truncated", t, "(use --limit)")
	}
	return bw.Flush()
}

// WriteAnalysisMarkdown writes the dependency analysis as Markdown.
func WriteAnalysisMarkdown(w io.Writer, a *Analysis) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Dependency analysis: %s\n\nHome jurisdiction: **%s**. %s, %d runtime and %s, %s (largest %d). %s reached by foreign compelled-access law, **%d through a dependency**.\n",
		md(orDash(a.Organization)), a.Home, plural.Count(a.Components, "component"), a.RuntimeEdges, plural.Count(a.SupplyEdges, "supply edge"), plural.Count(a.Cycles, "dependency cycle"), a.LargestCycle, plural.Count(a.Exposed, "component"), a.Inherited)
	fmt.Fprintf(bw, "\n## Single points of failure\n\nRanked by %s components that go down with them (of %d).\n\n| Component | Layer | Provider | %s down | Down | Degraded | Example |\n|---|---|---|---:|---:|---:|---|\n", a.Targets, a.TargetCount, a.Targets)
	for _, s := range a.SinglePoints {
		fmt.Fprintf(bw, "| %s | %s | %s | %d | %d | %d | %s |\n", md(s.ID), s.Layer, md(orDash(s.Provider)), s.Targets, s.Down, s.Degraded, md(strings.Join(s.Example, " → ")))
	}
	if c := a.Component; c != nil {
		fmt.Fprintf(bw, "\n## Blast radius of %s\n\n%s down, %s down, %d degraded", md(c.ID), plural.Count(c.Targets, a.Targets+" component"), plural.Count(c.Down, "component"), c.Degraded)
		if len(c.Example) > 1 {
			fmt.Fprintf(bw, " (e.g. %s)", md(strings.Join(c.Example, " → ")))
		}
		fmt.Fprintln(bw, ".")
	}
	for _, part := range []struct {
		title string
		rows  []Blast
	}{{"providers", a.Providers}, {"jurisdictions", a.Jurisdictions}, {"regions", a.Regions}} {
		if len(part.rows) == 0 {
			continue
		}
		fmt.Fprintf(bw, "\n## Blast radius: %s\n\n| ID | Direct | Down | Degraded | Vital down | Critical down |\n|---|---:|---:|---:|---:|---:|\n", part.title)
		for _, b := range part.rows {
			fmt.Fprintf(bw, "| %s | %d | %d | %d | %d | %d |\n", md(b.ID), b.Direct, b.Down, b.Degraded, b.Vital, b.Critical)
		}
	}
	if len(a.Providers)+len(a.Jurisdictions)+len(a.Regions) > 0 {
		fmt.Fprintf(bw, "\nWhat each blast radius counts: %s.\n", md(a.BlastBasis))
	}
	if len(a.Chains) > 0 {
		fmt.Fprintln(bw, "\n## Exposure chains")
		for _, c := range a.Chains {
			fmt.Fprintf(bw, "- **%s** (%s): %s\n", md(c.Component), c.Jurisdiction, md(c.Explanation))
		}
	}
	if a.Estimated || len(a.Truncated) > 0 {
		fmt.Fprintln(bw, "\n## Notes")
	}
	if a.Estimated {
		fmt.Fprintln(bw, "- more than 4096 targets: single points of failure were ranked by a sketch, then the 512 best counted exactly")
	}
	for _, t := range a.Truncated {
		fmt.Fprintf(bw, "- truncated %s (use --limit)\n", md(t))
	}
	return bw.Flush()
}
