package strategy

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteOptions tunes the human formats.
type WriteOptions struct {
	// Hosts is how many ranked hosts the human formats show; 0 shows all.
	Hosts int
}

// WriteJSON writes the report as indented JSON, every host included.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// errWriter keeps the first write error so rendering code stays linear.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func title(r *Report) string {
	who := r.Name
	if who == "" {
		who = r.Home
	}
	home := r.Home
	if r.HomeName != "" {
		home = r.Home + ", " + r.HomeName
	}
	s := fmt.Sprintf("Reference strategies for %s (home %s)", who, home)
	if r.Horizon != 0 {
		s += fmt.Sprintf(", horizon %d", r.Horizon)
	}
	return s
}

func recommendedName(b BlockResult) string {
	if b.Recommended == nil {
		return "none fits"
	}
	return b.Recommended.Name
}

func levelText(b BlockResult) string {
	if b.Recommended == nil {
		return "-"
	}
	return fmt.Sprintf("%d %s", b.Recommended.Level, b.Recommended.LevelName)
}

func demandText(b BlockResult) string {
	if len(b.Demand) == 0 {
		return "no demand stated"
	}
	parts := make([]string, len(b.Demand))
	for i, q := range b.Demand {
		parts[i] = q.Name + " " + q.Value
	}
	s := strings.Join(parts, ", ")
	if b.By != 0 {
		s += fmt.Sprintf(" by %d", b.By)
	}
	return s
}

func unmetText(c Check) string {
	v := c.Value
	if v == "" {
		v = "not stated"
	}
	s := fmt.Sprintf("%s is %s, needs %s", c.Prerequisite, v, c.Requirement)
	if c.Status == Missing && c.Shortfall != "" {
		s += " (" + c.Shortfall + ")"
	}
	return s
}

// unmetIDs lists an attempt's unmet prerequisites once each, in order.
func unmetIDs(a Attempt, format string) []string {
	seen := map[string]bool{}
	var ids []string
	for _, c := range a.Unmet() {
		if seen[c.Prerequisite] {
			continue
		}
		seen[c.Prerequisite] = true
		ids = append(ids, fmt.Sprintf(format, c.Prerequisite, c.Status))
	}
	return ids
}

func shownHosts(r *Report, opts WriteOptions) []HostResult {
	if r.Hosts == nil {
		return nil
	}
	if opts.Hosts > 0 && len(r.Hosts.Hosts) > opts.Hosts {
		return r.Hosts.Hosts[:opts.Hosts]
	}
	return r.Hosts.Hosts
}

func hostDemandText(r *Report) string {
	blocks := strings.Join(r.Hosts.Blocks, " + ")
	if r.Hosts.Demand == nil {
		return "demand of " + blocks + " not stated"
	}
	return fmt.Sprintf("%s MW for %s", formatNumber(*r.Hosts.Demand), blocks)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// WriteTable writes the report for a terminal.
func WriteTable(w io.Writer, r *Report, opts WriteOptions) error {
	ew := &errWriter{w: w}
	ew.printf("%s\nStrategy set: %s\n\n", title(r), r.Set)

	tw := tabwriter.NewWriter(ew.w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BLOCK\tRECOMMENDED\tLEVEL\tNEXT MORE SOVEREIGN\tMISSING FOR NEXT")
	for _, b := range r.Blocks {
		next, missing := "-", "-"
		if b.Next != nil {
			next = b.Next.Strategy.Name
			missing = fmt.Sprint(len(b.Next.Missing))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", b.Block, recommendedName(b), levelText(b), next, missing)
	}
	if err := tw.Flush(); err != nil && ew.err == nil {
		ew.err = err
	}

	for _, b := range r.Blocks {
		ew.printf("\n== %s: %s (%s)\n", b.Block, recommendedName(b), levelText(b))
		ew.printf("   demand: %s\n", demandText(b))
		if b.Recommended != nil {
			if len(b.Decisive) == 0 {
				ew.printf("   fits because: the strategy has no conditions\n")
			} else {
				ew.printf("   fits because:\n")
				for _, c := range b.Decisive {
					ew.printf("     - %s = %s (needs %s) [%s]\n", c.Prerequisite, c.Value, c.Requirement, c.Source)
				}
			}
		}
		for _, a := range b.Considered {
			if a.Fits {
				continue
			}
			ew.printf("   not %s: %s\n", a.Strategy.Name, strings.Join(unmetIDs(a, "%s %s"), ", "))
		}
		if b.Next != nil {
			ew.printf("   to reach %s (level %d):\n", b.Next.Strategy.Name, b.Next.Strategy.Level)
			for _, c := range b.Next.Missing {
				ew.printf("     - %s\n", unmetText(c))
				if c.Close != "" {
					ew.printf("       close: %s\n", c.Close)
				}
			}
		}
	}

	if r.Hosts != nil {
		writeHostsTable(ew, r, opts)
	}
	for _, n := range r.Notes {
		ew.printf("\nnote: %s", n)
	}
	if len(r.Notes) > 0 {
		ew.printf("\n")
	}
	return ew.err
}

func writeHostsTable(ew *errWriter, r *Report, opts WriteOptions) {
	ew.printf("\nCandidate hosts for a digital embassy (%s)\n", hostDemandText(r))
	ew.printf("Qualify: tier %s; legal basis %s; every host condition met.\n",
		strings.Join(r.Hosts.Tiers, " or "), strings.Join(r.Hosts.Bases, ", "))
	tw := tabwriter.NewWriter(ew.w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RANK\tHOST\tTIER\tLEGAL BASIS\tMET\tMISSING\tUNKNOWN\tQUALIFIED")
	hosts := shownHosts(r, opts)
	for i, h := range hosts {
		fmt.Fprintf(tw, "%d\t%s %s\t%s\t%s\t%d\t%d\t%d\t%s\n", i+1, h.Country, h.Name, h.Tier, h.LegalBasis, h.Met, h.Missing, h.Unknown, yesNo(h.Qualified))
	}
	if err := tw.Flush(); err != nil && ew.err == nil {
		ew.err = err
	}
	for i, h := range hosts {
		if h.Qualified && i >= 3 {
			continue
		}
		ew.printf("  %d. %s: %s", i+1, h.Country, h.TierReason)
		if h.Instrument != "" {
			ew.printf("; %s", h.Instrument)
		}
		ew.printf("\n")
		for _, why := range h.Why {
			ew.printf("     - %s\n", why)
		}
	}
	if n := len(r.Hosts.Hosts) - len(hosts); n > 0 {
		ew.printf("  (%d more candidates not shown; use --hosts 0 or --format json)\n", n)
	}
}

// mdCell escapes text for a Markdown table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// WriteMarkdown writes the report as a Markdown document.
func WriteMarkdown(w io.Writer, r *Report, opts WriteOptions) error {
	ew := &errWriter{w: w}
	ew.printf("# %s\n\nStrategy set: %s. Strategies from most to least sovereign: ", title(r), mdCell(r.Set))
	names := make([]string, len(r.Spectrum))
	for i, s := range r.Spectrum {
		names[i] = fmt.Sprintf("%s (%d)", s.Name, s.Level)
	}
	ew.printf("%s.\n\n", strings.Join(names, ", "))
	ew.printf("| Block | Recommended | Level | Next more sovereign | Missing for next |\n|---|---|---|---|---|\n")
	for _, b := range r.Blocks {
		next, missing := "-", "-"
		if b.Next != nil {
			next = b.Next.Strategy.Name
			ids := make([]string, len(b.Next.Missing))
			for i, c := range b.Next.Missing {
				ids[i] = "`" + c.Prerequisite + "`"
			}
			missing = strings.Join(ids, ", ")
		}
		ew.printf("| %s | %s | %s | %s | %s |\n", b.Block, mdCell(recommendedName(b)), levelText(b), mdCell(next), missing)
	}
	for _, b := range r.Blocks {
		ew.printf("\n## %s: %s\n\nDemand: %s.\n\n", b.Block, mdCell(recommendedName(b)), mdCell(demandText(b)))
		if b.Recommended != nil && len(b.Decisive) > 0 {
			ew.printf("Fits because:\n\n| Prerequisite | Value | Needs | Source |\n|---|---|---|---|\n")
			for _, c := range b.Decisive {
				ew.printf("| `%s` | %s | %s | %s |\n", c.Prerequisite, mdCell(c.Value), mdCell(c.Requirement), mdCell(c.Source))
			}
			ew.printf("\n")
		}
		for _, a := range b.Considered {
			if a.Fits {
				continue
			}
			ew.printf("- Not *%s*: %s.\n", mdCell(a.Strategy.Name), strings.Join(unmetIDs(a, "`%s` %s"), ", "))
		}
		if b.Next != nil {
			ew.printf("\nTo reach *%s* (level %d):\n\n| Prerequisite | Value | Needs | Gap | What closing it takes |\n|---|---|---|---|---|\n", mdCell(b.Next.Strategy.Name), b.Next.Strategy.Level)
			for _, c := range b.Next.Missing {
				v := c.Value
				if v == "" {
					v = "not stated"
				}
				ew.printf("| `%s` | %s | %s | %s | %s |\n", c.Prerequisite, mdCell(v), mdCell(c.Requirement), mdCell(c.Shortfall), mdCell(c.Close))
			}
		}
	}
	if r.Hosts != nil {
		writeHostsMarkdown(ew, r, opts)
	}
	if len(r.Notes) > 0 {
		ew.printf("\nNotes:\n\n")
		for _, n := range r.Notes {
			ew.printf("- %s\n", mdCell(n))
		}
	}
	return ew.err
}

func writeHostsMarkdown(ew *errWriter, r *Report, opts WriteOptions) {
	ew.printf("\n## Candidate hosts for a digital embassy\n\nDemand: %s. A host qualifies in tier %s, with legal basis %s, meeting every host condition.\n\n",
		hostDemandText(r), strings.Join(r.Hosts.Tiers, " or "), strings.Join(r.Hosts.Bases, ", "))
	ew.printf("| Rank | Host | Tier | Legal basis | Met | Missing | Unknown | Qualified | Why not |\n|---|---|---|---|---|---|---|---|---|\n")
	hosts := shownHosts(r, opts)
	for i, h := range hosts {
		ew.printf("| %d | %s %s | %s (%s) | %s | %d | %d | %d | %s | %s |\n", i+1, h.Country, mdCell(h.Name), h.Tier, mdCell(h.TierReason),
			h.LegalBasis, h.Met, h.Missing, h.Unknown, yesNo(h.Qualified), mdCell(strings.Join(h.Why, "; ")))
	}
	if n := len(r.Hosts.Hosts) - len(hosts); n > 0 {
		ew.printf("\n%d more candidates not shown.\n", n)
	}
}
