package scenario

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/plural"
)

// WriteJSON writes a result or a sweep as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func list(xs []string) string {
	if len(xs) == 0 {
		return "-"
	}
	return strings.Join(xs, ", ")
}

func levels(l *Levels) string {
	if l == nil {
		return "not computed"
	}
	s := fmt.Sprintf("0:%d 1:%d 2:%d 3:%d 4:%d", l.ByLevel[0], l.ByLevel[1], l.ByLevel[2], l.ByLevel[3], l.ByLevel[4])
	if l.Lost > 0 {
		s += fmt.Sprintf(" lost:%d", l.Lost)
	}
	return s
}

func after(h Hit) string {
	if h.Lost {
		return "lost"
	}
	return fmt.Sprintf("%d %s", h.After, h.After)
}

func level(l sovmap.Level) string { return fmt.Sprintf("%d %s", l, l) }

// restoreCell shows a hit's time to restore; degraded and partly hit
// components keep running, so they have none.
func restoreCell(h Hit) string {
	if h.How == "degraded" || h.How == "partial" {
		return "-"
	}
	return fmt.Sprintf("%d d", h.RestoreDays)
}

func title(r *Result) string {
	s := r.ID
	if r.Declared {
		s += fmt.Sprintf(" (declared: %s %s)", r.Kind, r.Target)
	}
	if r.Description != "" {
		s += " - " + r.Description
	}
	return s
}

// WriteTable writes one scenario's result as aligned text.
func WriteTable(w io.Writer, r *Result) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "scenario %s\n", title(r))
	fmt.Fprintf(bw, "effect: %s; hit: %d direct, %d transitive, %d degraded, %d partial; impact %.2f%% (score %.2f)\n",
		r.Effect, r.Direct, r.Transitive, r.Degraded, r.Partial, r.Impact, r.Score)
	fmt.Fprintf(bw, "what counts: %s\n", r.Basis)
	fmt.Fprintf(bw, "vital components hit: %d (%s); critical components hit: %d\n", r.VitalCount, list(r.VitalHit), r.CriticalHit)
	fmt.Fprintf(bw, "data classes on components hit: %s (%s %s data)\n", list(r.Data), plural.Count(r.DataComponents, "component"), plural.Pick(r.DataComponents, "holds", "hold"))
	fmt.Fprintf(bw, "levels before: %s\nlevels after:  %s\n", levels(&r.Before), levels(r.After))
	fmt.Fprintf(bw, "time to restore: %s (%s); outage: %s (%s)\n", plural.Count(r.RestoreDays, "day"), r.RestoreBasis, plural.Count(r.OutageDays, "day"), r.OutageBasis)
	if len(r.Hits) > 0 {
		fmt.Fprintln(bw)
		tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "COMPONENT\tLAYER\tCRITICALITY\tHOW\tBEFORE\tAFTER\tRESTORE\tDATA\tWHY")
		for _, h := range r.Hits {
			why := h.Reason
			if len(h.Chain) > 1 {
				why += " (" + strings.Join(h.Chain, " -> ") + ")"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", h.ID, h.Layer, orDash(string(h.Criticality)), h.How, level(h.Before), after(h), restoreCell(h), list(h.Data), why)
		}
		tw.Flush()
	}
	if r.HitsNotShown > 0 {
		fmt.Fprintf(bw, "... %d more components hit (use --limit)\n", r.HitsNotShown)
	}
	for _, n := range r.Notes {
		fmt.Fprintln(bw, "note:", n)
	}
	return bw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func md(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s) }

// WriteMarkdown writes one scenario's result as Markdown.
func WriteMarkdown(w io.Writer, r *Result) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Scenario %s\n\n", md(title(r)))
	fmt.Fprintf(bw, "- effect: **%s**\n- hit: %d direct, %d transitive, %d degraded, %d partial; impact **%.2f%%** (score %.2f)\n", r.Effect, r.Direct, r.Transitive, r.Degraded, r.Partial, r.Impact, r.Score)
	fmt.Fprintf(bw, "- what counts: %s\n", md(r.Basis))
	fmt.Fprintf(bw, "- vital components hit: **%d** (%s); critical components hit: %d\n", r.VitalCount, md(list(r.VitalHit)), r.CriticalHit)
	fmt.Fprintf(bw, "- data classes on components hit: %s (%s %s data)\n", md(list(r.Data)), plural.Count(r.DataComponents, "component"), plural.Pick(r.DataComponents, "holds", "hold"))
	fmt.Fprintf(bw, "- levels before: %s; after: %s\n", levels(&r.Before), levels(r.After))
	fmt.Fprintf(bw, "- time to restore: **%s** (%s); outage: %s (%s)\n", plural.Count(r.RestoreDays, "day"), md(r.RestoreBasis), plural.Count(r.OutageDays, "day"), md(r.OutageBasis))
	if len(r.Hits) > 0 {
		fmt.Fprintln(bw, "\n| Component | Layer | Criticality | How | Before | After | Restore | Data | Why |\n|---|---|---|---|---|---|---:|---|---|")
		for _, h := range r.Hits {
			why := h.Reason
			if len(h.Chain) > 1 {
				why += " (" + strings.Join(h.Chain, " → ") + ")"
			}
			fmt.Fprintf(bw, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", md(h.ID), h.Layer, orDash(string(h.Criticality)), h.How, level(h.Before), after(h), restoreCell(h), md(list(h.Data)), md(why))
		}
	}
	if r.HitsNotShown > 0 {
		fmt.Fprintf(bw, "\n%d more components hit (use --limit).\n", r.HitsNotShown)
	}
	for i, n := range r.Notes {
		if i == 0 {
			fmt.Fprintln(bw, "\n## Notes")
		}
		fmt.Fprintf(bw, "- %s\n", md(n))
	}
	return bw.Flush()
}

// WriteSweepTable writes a sweep as aligned text, highest impact first.
func WriteSweepTable(w io.Writer, s *Sweep, limit int) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "sovmap scenario sweep of %s (home %s): %s over %s\n\n", orDash(s.Organization), s.Home, plural.Count(len(s.Scenarios), "scenario"), plural.Count(s.Components, "component"))
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RANK\tSCENARIO\tEFFECT\tIMPACT\tDIRECT\tTRANSITIVE\tDEGRADED\tPARTIAL\tVITAL\tCRITICAL\tDATA\tRESTORE\tNOTE")
	for i, r := range s.Scenarios {
		if limit >= 0 && i >= limit {
			break
		}
		note := "-"
		if len(r.Notes) > 0 {
			note = r.Notes[0]
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%.2f%%\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d d\t%s\n", i+1, r.ID, r.Effect, r.Impact, r.Direct, r.Transitive, r.Degraded, r.Partial, r.VitalCount, r.CriticalHit, r.DataComponents, r.RestoreDays, note)
	}
	tw.Flush()
	if limit >= 0 && len(s.Scenarios) > limit {
		fmt.Fprintf(bw, "... %d more scenarios (use --limit)\n", len(s.Scenarios)-limit)
	}
	return bw.Flush()
}

// WriteSweepMarkdown writes a sweep as Markdown.
func WriteSweepMarkdown(w io.Writer, s *Sweep, limit int) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Scenario sweep: %s\n\nHome jurisdiction: **%s**. %s over %s, highest impact first.\n\n", md(orDash(s.Organization)), s.Home, plural.Count(len(s.Scenarios), "scenario"), plural.Count(s.Components, "component"))
	fmt.Fprintln(bw, "| Rank | Scenario | Effect | Impact | Direct | Transitive | Degraded | Partial | Vital | Critical | Data | Restore | Note |\n|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	for i, r := range s.Scenarios {
		if limit >= 0 && i >= limit {
			break
		}
		note := "-"
		if len(r.Notes) > 0 {
			note = r.Notes[0]
		}
		fmt.Fprintf(bw, "| %d | %s | %s | %.2f%% | %d | %d | %d | %d | %d | %d | %d | %d d | %s |\n", i+1, md(r.ID), r.Effect, r.Impact, r.Direct, r.Transitive, r.Degraded, r.Partial, r.VitalCount, r.CriticalHit, r.DataComponents, r.RestoreDays, md(note))
	}
	if limit >= 0 && len(s.Scenarios) > limit {
		fmt.Fprintf(bw, "\n%d more scenarios (use --limit).\n", len(s.Scenarios)-limit)
	}
	return bw.Flush()
}
