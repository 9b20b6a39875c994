package risk

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// trustCell is a dimension in a table: "T2 64".
func trustCell(d TrustDimension) string {
	if d.Tier == Unknown {
		return "unknown"
	}
	return fmt.Sprintf("%s %d", d.TierName, d.Score)
}

func hasTrust(vs []Vendor) bool {
	return slices.ContainsFunc(vs, func(v Vendor) bool { return v.Trust != nil })
}

// trustHeader names the four dimensions (TrustDimensions, their ids
// spelled as words) for a table header.
func trustHeader(sep string, upper bool) string {
	names := make([]string, len(TrustDimensions))
	for i, id := range TrustDimensions {
		names[i] = strings.ReplaceAll(id, "-", " ")
		if upper {
			names[i] = strings.ToUpper(names[i])
		}
	}
	return strings.Join(names, sep)
}

// writeTrustTable writes the compact trust lines of the providers.
func writeTrustTable(bw *bufio.Writer, vs []Vendor) {
	if !hasTrust(vs) {
		return
	}
	fmt.Fprintln(bw, "\nTRUST PROFILES (digital-embassy tiers T0-T4 and score; unknown facts are questions, see --format json)")
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "VENDOR\t%s\tWEAKEST\tQUESTIONS\n", trustHeader("\t", true))
	for _, v := range vs {
		if v.Trust == nil {
			continue
		}
		fmt.Fprintf(tw, "%s", v.ID)
		for _, d := range v.Trust.Dimensions {
			fmt.Fprintf(tw, "\t%s", trustCell(d))
		}
		fmt.Fprintf(tw, "\t%s\t%d\n", orDash(v.Trust.Weakest), v.Trust.Questions)
	}
	tw.Flush()
}

// writeTrustMarkdown writes the providers' trust profiles with their facts
// and questions.
func writeTrustMarkdown(bw *bufio.Writer, vs []Vendor) {
	if !hasTrust(vs) {
		return
	}
	fmt.Fprintf(bw, "\n## Trust profiles\n\nTiers T0-T4 of the digital-embassy trust framework, with the score in percent; the weakest dimension sets the vendor's tier. Unknown facts are listed as questions.\n\n| Vendor | %s | Weakest | Questions |\n|---|---|---|---|---|---|---:|\n", trustHeader(" | ", false))
	for _, v := range vs {
		if v.Trust == nil {
			continue
		}
		fmt.Fprintf(bw, "| %s", md(v.ID))
		for _, d := range v.Trust.Dimensions {
			fmt.Fprintf(bw, " | %s", trustCell(d))
		}
		fmt.Fprintf(bw, " | %s | %d |\n", orDash(v.Trust.Weakest), v.Trust.Questions)
	}
	for _, v := range vs {
		if v.Trust == nil {
			continue
		}
		fmt.Fprintf(bw, "\n### %s: %s %s (weakest: %s)\n", md(v.ID), v.Trust.TierName, v.Trust.TierLabel, orDash(v.Trust.Weakest))
		for _, d := range append(slices.Clone(v.Trust.Dimensions), v.Trust.Political) {
			fmt.Fprintf(bw, "\n**%s**: %s %s, score %d\n\n", d.Name, d.TierName, d.TierLabel, d.Score)
			for _, f := range d.Facts {
				fmt.Fprintf(bw, "- %s\n", md(f))
			}
			for _, q := range d.Questions {
				fmt.Fprintf(bw, "- question: %s\n", md(q))
			}
		}
	}
}

// TrustComparison sets candidate vendors side by side on the trust
// dimensions, as 'sovmap embassy compare' sets arrangements.
type TrustComparison struct {
	Organization string `json:"organization"`
	Home         string `json:"home"`
	// Ranking orders the vendors by tier of the weakest dimension, then by
	// the mean score of the four dimensions, then by id.
	Ranking    []string             `json:"ranking"`
	Dimensions []TrustComparisonRow `json:"dimensions"`
	Vendors    []Vendor             `json:"vendors"`
}

// TrustComparisonRow is one dimension across the vendors, in the order of
// Vendors.
type TrustComparisonRow struct {
	ID    string           `json:"id"`
	Name  string           `json:"name"`
	Cells []TrustDimension `json:"cells"`
	// Best lists the vendors with the highest tier, then score.
	Best []string `json:"best"`
}

// CompareTrust picks the named vendors (providers or ultimate parents) of a
// register built with trust profiles and sets them side by side.
func CompareTrust(reg *Register, ids []string) (*TrustComparison, error) {
	if len(ids) == 0 {
		return nil, fmt.Errorf("nothing to compare: name at least one vendor")
	}
	out := &TrustComparison{Organization: reg.Organization, Home: reg.Home}
	for _, id := range ids {
		if slices.ContainsFunc(out.Vendors, func(v Vendor) bool { return v.ID == id }) {
			return nil, fmt.Errorf("vendor %s named twice", id)
		}
		v, ok := findVendor(reg, id)
		if !ok {
			var have []string
			for _, v := range reg.Providers {
				have = append(have, v.ID)
			}
			for _, v := range reg.Parents {
				if !slices.Contains(have, v.ID) {
					have = append(have, v.ID)
				}
			}
			slices.Sort(have)
			return nil, fmt.Errorf("no vendor %q in the register (have %s)", id, strings.Join(have, ", "))
		}
		if v.Trust == nil {
			return nil, fmt.Errorf("vendor %s has no trust profile (the register was built without one)", id)
		}
		out.Vendors = append(out.Vendors, v)
	}
	for i, dim := range TrustDimensions {
		row := TrustComparisonRow{ID: dim}
		for _, v := range out.Vendors {
			d := v.Trust.Dimensions[i]
			row.Name = d.Name
			row.Cells = append(row.Cells, d)
		}
		best := slices.MaxFunc(row.Cells, cmpDim)
		for j, c := range row.Cells {
			if cmpDim(c, best) == 0 {
				row.Best = append(row.Best, out.Vendors[j].ID)
			}
		}
		out.Dimensions = append(out.Dimensions, row)
	}
	ranked := slices.Clone(out.Vendors)
	slices.SortStableFunc(ranked, func(a, b Vendor) int {
		if c := cmp.Compare(b.Trust.Tier, a.Trust.Tier); c != 0 {
			return c
		}
		if c := cmp.Compare(scoreSum(b.Trust), scoreSum(a.Trust)); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	for _, v := range ranked {
		out.Ranking = append(out.Ranking, v.ID)
	}
	return out, nil
}

func cmpDim(a, b TrustDimension) int {
	if c := cmp.Compare(a.Tier, b.Tier); c != 0 {
		return c
	}
	return cmp.Compare(a.Score, b.Score)
}

// scoreSum adds the four dimensions' scores: with four dimensions for every
// vendor it ranks as their mean does, without the rounding.
func scoreSum(p *TrustProfile) int {
	s := 0
	for _, d := range p.Dimensions {
		s += d.Score
	}
	return s
}

func findVendor(reg *Register, id string) (Vendor, bool) {
	for _, part := range [][]Vendor{reg.Providers, reg.Parents} {
		for _, v := range part {
			if v.ID == id {
				return v, true
			}
		}
	}
	return Vendor{}, false
}

// WriteTrustComparisonJSON writes a comparison as indented JSON.
func WriteTrustComparisonJSON(w io.Writer, c *TrustComparison) error { return writeJSON(w, c) }

// WriteTrustComparisonTable writes a comparison as aligned text.
func WriteTrustComparisonTable(w io.Writer, c *TrustComparison) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "sovmap vendor trust comparison for %s (home %s)\nranking: %s\n\n", orDash(c.Organization), c.Home, strings.Join(c.Ranking, ", "))
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "DIMENSION")
	for _, v := range c.Vendors {
		fmt.Fprintf(tw, "\t%s", v.ID)
	}
	fmt.Fprintln(tw, "\tBEST")
	for _, r := range c.Dimensions {
		fmt.Fprint(tw, r.Name)
		for _, d := range r.Cells {
			fmt.Fprintf(tw, "\t%s", trustCell(d))
		}
		fmt.Fprintf(tw, "\t%s\n", strings.Join(r.Best, ", "))
	}
	fmt.Fprint(tw, "weakest")
	for _, v := range c.Vendors {
		fmt.Fprintf(tw, "\t%s", orDash(v.Trust.Weakest))
	}
	fmt.Fprint(tw, "\t\nquestions")
	for _, v := range c.Vendors {
		fmt.Fprintf(tw, "\t%d", v.Trust.Questions)
	}
	fmt.Fprint(tw, "\t\nregister risk")
	for _, v := range c.Vendors {
		fmt.Fprintf(tw, "\t%d", v.Risk)
	}
	fmt.Fprintln(tw, "\t")
	tw.Flush()
	return bw.Flush()
}

// WriteTrustComparisonMarkdown writes a comparison as Markdown.
func WriteTrustComparisonMarkdown(w io.Writer, c *TrustComparison) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Vendor trust comparison: %s\n\nHome jurisdiction: **%s**. Ranking: %s.\n\n| Dimension |", md(orDash(c.Organization)), c.Home, md(strings.Join(c.Ranking, ", ")))
	for _, v := range c.Vendors {
		fmt.Fprintf(bw, " %s |", md(v.ID))
	}
	fmt.Fprint(bw, " Best |\n|---|")
	fmt.Fprint(bw, strings.Repeat("---|", len(c.Vendors)+1), "\n")
	for _, r := range c.Dimensions {
		fmt.Fprintf(bw, "| %s |", r.Name)
		for _, d := range r.Cells {
			fmt.Fprintf(bw, " %s |", trustCell(d))
		}
		fmt.Fprintf(bw, " %s |\n", md(strings.Join(r.Best, ", ")))
	}
	fmt.Fprint(bw, "| Weakest |")
	for _, v := range c.Vendors {
		fmt.Fprintf(bw, " %s |", orDash(v.Trust.Weakest))
	}
	fmt.Fprint(bw, " |\n| Register risk |")
	for _, v := range c.Vendors {
		fmt.Fprintf(bw, " %d |", v.Risk)
	}
	fmt.Fprintln(bw, " |")
	writeTrustMarkdown(bw, c.Vendors)
	return bw.Flush()
}
