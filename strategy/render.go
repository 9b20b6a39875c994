package strategy

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/sovmap/sovmap/internal/plural"
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
	kind := ""
	if r.Kind == KindOrganization {
		kind = "organization, "
	}
	s := fmt.Sprintf("Reference strategies for %s (%shome %s)", who, kind, home)
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
		parts[i] = q.Name + " " + withUnit(q.Amount, q.Unit)
	}
	s := strings.Join(parts, ", ")
	if b.By != 0 {
		s += fmt.Sprintf(" by %d", b.By)
	}
	return s
}

func unmetText(c Check) string {
	s := fmt.Sprintf("%s is %s, needs %s", c.Prerequisite, c.ValueText(), c.Requirement)
	if c.Status != Unknown && c.Shortfall != "" {
		s += " (" + c.Shortfall + ")"
	}
	return s
}

// statusWord is how a failed check reads after its prerequisite in a list:
// "energy.price above", "policy.host_framework is no".
func statusWord(c Check) string {
	if c.Status == Differs {
		return "is " + c.ValueText()
	}
	return string(c.Status)
}

// unmetIDs lists an attempt's unmet prerequisites once each, in order.
func unmetIDs(a Attempt, quote bool) []string {
	seen := map[string]bool{}
	var ids []string
	for _, c := range a.Unmet() {
		if seen[c.Prerequisite] {
			continue
		}
		seen[c.Prerequisite] = true
		id := c.Prerequisite
		if quote {
			id = "`" + id + "`"
		}
		ids = append(ids, id+" "+statusWord(c))
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

func planName(p PlanEntry) string {
	if p.Strategy == nil {
		return "none fits"
	}
	return p.Strategy.Name
}

// stepText says what a step up lacks, in one line: each kind of step with
// the prerequisites it closes, cheapest first.
func stepText(st *NextStep) string {
	byEffort := map[string][]string{}
	seen := map[string]bool{}
	for _, c := range st.Missing {
		if !seen[c.Prerequisite] {
			seen[c.Prerequisite] = true
			byEffort[c.Effort] = append(byEffort[c.Effort], c.Prerequisite)
		}
	}
	efforts := sortedKeys(byEffort)
	sort.SliceStable(efforts, func(i, j int) bool { return rankOf(efforts[i]) < rankOf(efforts[j]) })
	parts := make([]string, len(efforts))
	for i, e := range efforts {
		parts[i] = e + " " + strings.Join(byEffort[e], ", ")
	}
	return fmt.Sprintf("%s (level %d): %s", st.Strategy.Name, st.Strategy.Level, strings.Join(parts, "; "))
}

// unassessedText lists hosts about which nothing is known, compactly.
func unassessedText(hs []HostResult) string {
	parts := make([]string, len(hs))
	for i, h := range hs {
		parts[i] = fmt.Sprintf("%s (%s, %s)", h.Country, h.Tier, h.LegalBasis)
	}
	return strings.Join(parts, ", ")
}

// WriteTable writes the report for a terminal.
func WriteTable(w io.Writer, r *Report, opts WriteOptions) error {
	ew := &errWriter{w: w}
	ew.printf("%s\nStrategy set: %s\n\n", title(r), r.Set)

	tw := tabwriter.NewWriter(ew.w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BLOCK\tON ITS OWN\tLEVEL\tIN THE PLAN\tLEVEL IN PLAN\tCHEAPEST STEP UP")
	for i, b := range r.Blocks {
		plan, planLevel, step := "-", "-", "-"
		if i < len(r.Plan) {
			plan = planName(r.Plan[i])
			planLevel = fmt.Sprintf("%d %s", r.Plan[i].Level, r.Plan[i].Level)
			if !r.Plan[i].Changed {
				plan = "same"
			}
		}
		if b.Cheapest != nil {
			step = fmt.Sprintf("%s (%s)", b.Cheapest.Strategy.Name, b.Cheapest.Effort)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", b.Block, recommendedName(b), levelText(b), plan, planLevel, step)
	}
	if err := tw.Flush(); err != nil && ew.err == nil {
		ew.err = err
	}
	writeWholeTable(ew, r)

	for _, b := range r.Blocks {
		ew.printf("\n== %s: %s (%s)\n", b.Block, recommendedName(b), levelText(b))
		ew.printf("   demand: %s\n", demandText(b))
		if b.Recommended != nil {
			if len(b.Decisive) == 0 {
				ew.printf("   fits because: the strategy has no conditions\n")
			} else {
				ew.printf("   fits because:\n")
				for _, c := range b.Decisive {
					ew.printf("     - %s = %s (needs %s) [%s]\n", c.Prerequisite, valueOrNote(c), c.Requirement, c.Source)
				}
			}
		}
		for _, a := range b.Considered {
			if a.Fits {
				continue
			}
			ew.printf("   not %s: %s\n", a.Strategy.Name, strings.Join(unmetIDs(a, false), ", "))
		}
		if b.Next != nil {
			ew.printf("   to reach %s (level %d):\n", b.Next.Strategy.Name, b.Next.Strategy.Level)
			writeMissing(ew, b.Next.Missing)
		}
		if b.Cheapest != nil && b.Next != nil && b.Cheapest.Strategy.ID != b.Next.Strategy.ID {
			ew.printf("   cheapest step up: %s\n", stepText(b.Cheapest))
			writeMissing(ew, b.Cheapest.Missing)
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

func valueOrNote(c Check) string {
	if c.Value == nil && c.Note != "" {
		return c.Note
	}
	return c.ValueText()
}

func writeMissing(ew *errWriter, missing []Check) {
	for _, c := range missing {
		ew.printf("     - %s\n", unmetText(c))
		if c.Close != "" {
			ew.printf("       close (%s): %s\n", c.Effort, c.Close)
		}
	}
}

// writeWholeTable writes the plan's changes and the shared resources.
func writeWholeTable(ew *errWriter, r *Report) {
	if len(r.Coherence) > 0 {
		ew.printf("\nCoherence of dependent blocks:\n")
		for _, c := range r.Coherence {
			ew.printf("  - %s\n", c)
		}
	}
	for _, p := range r.Plan {
		for _, w := range p.Why {
			ew.printf("  - plan, %s: %s\n", p.Block, w)
		}
	}
	if len(r.Resources) == 0 {
		return
	}
	ew.printf("\nShared resources under the plan:\n")
	tw := tabwriter.NewWriter(ew.w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  RESOURCE\tNEEDED\tAVAILABLE\tBLOCKS")
	for _, u := range r.Resources {
		avail := "not stated"
		if u.Available != nil {
			avail = withUnit(*u.Available, u.Unit)
		}
		needed := withUnit(u.Needed, u.Unit)
		if !u.Additive {
			needed = "at least " + needed
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", u.Resource, needed, avail, useList(u))
	}
	if err := tw.Flush(); err != nil && ew.err == nil {
		ew.err = err
	}
	for _, u := range r.Resources {
		if u.Short != nil {
			ew.printf("  warning: %s\n", u.Warning)
		}
	}
}

func useList(u ResourceUse) string {
	parts := make([]string, len(u.Blocks))
	for i, b := range u.Blocks {
		parts[i] = b.Block + " " + formatNumber(b.Needed)
		if b.Own {
			parts[i] += " (own pool)"
		}
	}
	return strings.Join(parts, ", ")
}

func writeHostsTable(ew *errWriter, r *Report, opts WriteOptions) {
	ew.printf("\nCandidate hosts for a digital embassy (%s)\n", hostDemandText(r))
	ew.printf("Qualify: tier %s; legal basis %s; every host condition met.\n",
		strings.Join(r.Hosts.Tiers, " or "), strings.Join(r.Hosts.Bases, ", "))
	hosts := shownHosts(r, opts)
	if len(hosts) > 0 {
		tw := tabwriter.NewWriter(ew.w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "RANK\tHOST\tTIER\tLEGAL BASIS\tMET\tUNMET\tUNKNOWN\tQUALIFIED")
		for i, h := range hosts {
			fmt.Fprintf(tw, "%d\t%s %s\t%s\t%s\t%d\t%d\t%d\t%s\n", i+1, h.Country, h.Name, h.Tier, h.LegalBasis, h.Met, h.Unmet, h.Unknown, yesNo(h.Qualified))
		}
		if err := tw.Flush(); err != nil && ew.err == nil {
			ew.err = err
		}
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
		ew.printf("  (%d more %s not shown; use --hosts 0 or --format json)\n", n, plural.Pick(n, "ranked host", "ranked hosts"))
	}
	if len(r.Hosts.Unassessed) > 0 {
		ew.printf("Not assessed, no facts stated (list them under candidates: to assess them): %s\n", unassessedText(r.Hosts.Unassessed))
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
	ew.printf("| Block | On its own | Level | In the plan | Level in plan | Cheapest step up |\n|---|---|---|---|---|---|\n")
	for i, b := range r.Blocks {
		plan, planLevel, step := "-", "-", "-"
		if i < len(r.Plan) {
			plan, planLevel = planName(r.Plan[i]), fmt.Sprintf("%d %s", r.Plan[i].Level, r.Plan[i].Level)
			if !r.Plan[i].Changed {
				plan = "same"
			}
		}
		if b.Cheapest != nil {
			step = mdCell(stepText(b.Cheapest))
		}
		ew.printf("| %s | %s | %s | %s | %s | %s |\n", b.Block, mdCell(recommendedName(b)), levelText(b), mdCell(plan), planLevel, step)
	}
	if len(r.Coherence) > 0 || len(r.Resources) > 0 {
		ew.printf("\n## The whole\n\n")
		for _, c := range r.Coherence {
			ew.printf("- %s\n", mdCell(c))
		}
		for _, p := range r.Plan {
			for _, why := range p.Why {
				ew.printf("- Plan, %s: %s\n", p.Block, mdCell(why))
			}
		}
		if len(r.Resources) > 0 {
			ew.printf("\n| Resource | Needed | Available | Blocks |\n|---|---|---|---|\n")
			for _, u := range r.Resources {
				avail := "not stated"
				if u.Available != nil {
					avail = withUnit(*u.Available, u.Unit)
				}
				ew.printf("| %s | %s | %s | %s |\n", u.Resource, withUnit(u.Needed, u.Unit), avail, mdCell(useList(u)))
			}
			for _, u := range r.Resources {
				if u.Short != nil {
					ew.printf("\n**Warning:** %s\n", mdCell(u.Warning))
				}
			}
		}
	}
	for _, b := range r.Blocks {
		ew.printf("\n## %s: %s\n\nDemand: %s.\n\n", b.Block, mdCell(recommendedName(b)), mdCell(demandText(b)))
		if b.Recommended != nil && len(b.Decisive) > 0 {
			ew.printf("Fits because:\n\n| Prerequisite | Value | Needs | Source |\n|---|---|---|---|\n")
			for _, c := range b.Decisive {
				ew.printf("| `%s` | %s | %s | %s |\n", c.Prerequisite, mdCell(valueOrNote(c)), mdCell(c.Requirement), mdCell(c.Source))
			}
			ew.printf("\n")
		}
		for _, a := range b.Considered {
			if a.Fits {
				continue
			}
			ew.printf("- Not *%s*: %s.\n", mdCell(a.Strategy.Name), strings.Join(unmetIDs(a, true), ", "))
		}
		steps := []*NextStep{b.Next}
		if b.Cheapest != nil && b.Next != nil && b.Cheapest.Strategy.ID != b.Next.Strategy.ID {
			steps = append(steps, b.Cheapest)
		}
		for i, st := range steps {
			if st == nil {
				continue
			}
			lead := "To reach"
			if i > 0 {
				lead = "Cheapest step up, to reach"
			}
			ew.printf("\n%s *%s* (level %d):\n\n| Prerequisite | Value | Needs | Gap | Step | What closing it takes |\n|---|---|---|---|---|---|\n", lead, mdCell(st.Strategy.Name), st.Strategy.Level)
			for _, c := range st.Missing {
				ew.printf("| `%s` | %s | %s | %s | %s | %s |\n", c.Prerequisite, mdCell(c.ValueText()), mdCell(c.Requirement), mdCell(c.Shortfall), c.Effort, mdCell(c.Close))
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
	hosts := shownHosts(r, opts)
	if len(hosts) > 0 {
		ew.printf("| Rank | Host | Tier | Legal basis | Met | Unmet | Unknown | Qualified | Why not |\n|---|---|---|---|---|---|---|---|---|\n")
		for i, h := range hosts {
			ew.printf("| %d | %s %s | %s (%s) | %s | %d | %d | %d | %s | %s |\n", i+1, h.Country, mdCell(h.Name), h.Tier, mdCell(h.TierReason),
				h.LegalBasis, h.Met, h.Unmet, h.Unknown, yesNo(h.Qualified), mdCell(strings.Join(h.Why, "; ")))
		}
	}
	if n := len(r.Hosts.Hosts) - len(hosts); n > 0 {
		ew.printf("\n%d more %s not shown.\n", n, plural.Pick(n, "ranked host", "ranked hosts"))
	}
	if len(r.Hosts.Unassessed) > 0 {
		ew.printf("\nNot assessed, no facts stated (list them under `candidates:` to assess them): %s.\n", mdCell(unassessedText(r.Hosts.Unassessed)))
	}
}
