// Package svg draws sovmap's pictures as self-contained SVG documents made
// in Go: the spectrum (components per layer by level), the stack with its
// dependencies, and vendor concentration. They need no script, no font and
// no network, so the HTML report and the web dashboard can inline them.
//
// Every picture has role="img", a <title> and a <desc> that says in words
// what the picture shows, and labels that do not rely on colour alone.
package svg

import (
	"fmt"
	"html"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/plural"
)

// LevelColors are the fill colours of the five levels, the one level scale
// of every picture and badge (the dashboard's stylesheet and the HTML report
// repeat them, and tests hold them equal). They run dark to light, exposed
// (0) darkest to domestic (4) lightest, along the viridis colour map
// (van der Walt and Smith), so that the order survives colour-vision
// deficiencies and greyscale print; the level digit is always printed too.
// LevelText is the text colour readable on each (WCAG AA, tested).
var (
	LevelColors = [5]string{"#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"}
	LevelText   = [5]string{"#ffffff", "#ffffff", "#1a1a1a", "#1a1a1a", "#1a1a1a"}
)

// TierColors colour jurisdiction tiers: home, trusted, neutral (shown as
// "other"), restricted, unknown. They follow a blue to red diverging scheme
// that colour-blind readers can tell apart; restricted also gets a hatch
// wherever a picture shows an area, and every tier is named in words.
var TierColors = map[string]string{
	"home": "#2166ac", "trusted": "#92c5de", "neutral": "#f4a582", "restricted": "#b2182b", "unknown": "#e0e0e0",
}

// GapMark is the symbol that marks a component with a gap in pictures, so
// that a gap is never shown by colour alone.
const GapMark = "▲"

const font = `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"`

// esc escapes text for XML content and attribute values.
func esc(s string) string { return html.EscapeString(s) }

// doc accumulates one SVG document.
type doc struct {
	b strings.Builder
}

func (d *doc) printf(format string, args ...any) { fmt.Fprintf(&d.b, format, args...) }

// open starts the document with its accessible name and description. id
// makes the title and desc ids unique when several pictures share a page.
func (d *doc) open(id string, width, height int, title, desc string) {
	d.printf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s-title %s-desc" %s font-size="12">`,
		width, height, width, height, id, id, font)
	d.printf("\n<title id=\"%s-title\">%s</title>\n<desc id=\"%s-desc\">%s</desc>\n", id, esc(title), id, esc(desc))
}

func (d *doc) close() string {
	d.b.WriteString("</svg>\n")
	return d.b.String()
}

// truncate shortens s to n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func clampLevel(l sovmap.Level) sovmap.Level {
	if l < sovmap.Exposed {
		return sovmap.Exposed
	}
	if l > sovmap.MaxLevel {
		return sovmap.MaxLevel
	}
	return l
}

// Spectrum draws one stacked bar per layer: its components by effective
// level, each bar spanning the whole width (shares), with the counts written
// on the segments and the layer's total at the right. Layers with no
// component are left out; the stack reads top down from operations to energy.
func Spectrum(layers []sovmap.LayerSummary) string {
	var rows []sovmap.LayerSummary
	byLayer := map[sovmap.Layer]sovmap.LayerSummary{}
	for _, l := range layers {
		byLayer[l.Layer] = l
	}
	for i := len(sovmap.Layers) - 1; i >= 0; i-- {
		if l, ok := byLayer[sovmap.Layers[i]]; ok && l.Components > 0 {
			rows = append(rows, l)
		}
	}
	// Layers the engine may add later still show, after the known ones.
	for _, l := range layers {
		if !l.Layer.Valid() && l.Components > 0 {
			rows = append(rows, l)
		}
	}
	const (
		labelW = 110
		barW   = 520
		totalW = 90
		rowH   = 26
		barH   = 18
		top    = 10
	)
	legendY := top + len(rows)*rowH + 14
	height := legendY + 30
	width := labelW + barW + totalW
	var desc strings.Builder
	desc.WriteString("Components per layer by effective level. ")
	for _, l := range rows {
		fmt.Fprintf(&desc, "%s: %s (", l.Layer, plural.Count(l.Components, "component"))
		var parts []string
		for lv := sovmap.Exposed; lv <= sovmap.MaxLevel; lv++ {
			if n := l.ByLevel[lv]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, lv))
			}
		}
		desc.WriteString(strings.Join(parts, ", ") + "). ")
	}
	if len(rows) == 0 {
		desc.WriteString("No components.")
	}
	var d doc
	d.open("spectrum", width, height, "The sovereignty spectrum by layer", strings.TrimSpace(desc.String()))
	for i, l := range rows {
		y := top + i*rowH
		d.printf(`<text x="%d" y="%d" text-anchor="end" dominant-baseline="middle" fill="#1a1a1a">%s</text>`+"\n",
			labelW-8, y+barH/2, esc(string(l.Layer)))
		x := float64(labelW)
		for lv := sovmap.Exposed; lv <= sovmap.MaxLevel; lv++ {
			n := l.ByLevel[lv]
			if n == 0 {
				continue
			}
			w := float64(barW) * float64(n) / float64(l.Components)
			d.printf(`<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s: %d %s (level %d)</title></rect>`+"\n",
				x, y, w, barH, LevelColors[lv], esc(string(l.Layer)), n, lv, lv)
			if w >= 22 {
				d.printf(`<text x="%.1f" y="%d" text-anchor="middle" dominant-baseline="middle" fill="%s" aria-hidden="true">%d</text>`+"\n",
					x+w/2, y+barH/2, LevelText[lv], n)
			}
			x += w
		}
		gaps := ""
		if l.Gaps > 0 {
			gaps = fmt.Sprintf(", %d gap", l.Gaps)
			if l.Gaps > 1 {
				gaps += "s"
			}
		}
		d.printf(`<text x="%d" y="%d" dominant-baseline="middle" fill="#1a1a1a">%d%s</text>`+"\n",
			labelW+barW+8, y+barH/2, l.Components, gaps)
	}
	legend(&d, labelW, legendY)
	return d.close()
}

// legend draws the five level swatches with their numbers and names.
func legend(d *doc, x, y int) {
	for lv := sovmap.Exposed; lv <= sovmap.MaxLevel; lv++ {
		d.printf(`<rect x="%d" y="%d" width="12" height="12" fill="%s"/>`, x, y, LevelColors[lv])
		label := fmt.Sprintf("%d %s", lv, lv)
		d.printf(`<text x="%d" y="%d" dominant-baseline="middle" fill="#1a1a1a">%s</text>`+"\n", x+16, y+6, esc(label))
		x += 24 + len(label)*7
	}
}

// Share is one bar of the concentration chart.
type Share struct {
	Label string
	Tier  string
	// Components and Critical count what the organization depends on it for.
	Components, Critical int
	Share                float64
}

// ControllerShares sums providers by ultimate controller, largest first,
// keeping at most limit bars and folding the rest into "others".
func ControllerShares(providers []sovmap.ProviderResult, limit int) []Share {
	idx := map[string]int{}
	var out []Share
	for _, p := range providers {
		key := p.Controller
		if key == "" {
			key = p.ID
		}
		i, ok := idx[key]
		if !ok {
			label := key
			if p.ControllerCountry != "" {
				label += " (" + p.ControllerCountry + ")"
			}
			idx[key] = len(out)
			out = append(out, Share{Label: label, Tier: p.Tier})
			i = len(out) - 1
		}
		out[i].Components += p.Components
		out[i].Critical += p.Critical
		out[i].Share += p.Share
	}
	sortShares(out)
	if limit > 0 && len(out) > limit {
		rest := Share{Label: fmt.Sprintf("%d others", len(out)-limit+1), Tier: "unknown"}
		for _, s := range out[limit-1:] {
			rest.Components += s.Components
			rest.Critical += s.Critical
			rest.Share += s.Share
		}
		out = append(out[:limit-1], rest)
	}
	return out
}

func sortShares(s []Share) {
	// insertion sort: few bars, stable, no import
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && less(s[j], s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func less(a, b Share) bool {
	if a.Share != b.Share {
		return a.Share > b.Share
	}
	return a.Label < b.Label
}

// Concentration draws the share of components per ultimate controller, as
// horizontal bars coloured by the controller's tier, with the HHI.
func Concentration(providers []sovmap.ProviderResult, hhi int) string {
	shares := ControllerShares(providers, 10)
	const (
		labelW = 200
		barW   = 380
		rowH   = 24
		barH   = 16
		top    = 30
	)
	height := top + len(shares)*rowH + 34
	width := labelW + barW + 130
	if len(shares) == 0 {
		// An index over no vendors is no concentration: say so rather
		// than print the 10000 of a single "vendor", the organization.
		var d doc
		d.open("concentration", labelW+barW+130, 40, "Vendor concentration by ultimate controller", "No providers: every component is run by the organization itself, so there is no vendor concentration to measure.")
		d.printf(`<text x="0" y="14" fill="#1a1a1a" font-weight="600">No providers: no vendor concentration to measure</text>` + "\n")
		return d.close()
	}
	var desc strings.Builder
	fmt.Fprintf(&desc, "Share of components per ultimate controller; Herfindahl-Hirschman index %d (%s). ", hhi, HHIBand(hhi))
	for _, s := range shares {
		fmt.Fprintf(&desc, "%s, %s tier: %.0f%% (%s, %d critical). ", s.Label, s.Tier, s.Share*100, plural.Count(s.Components, "component"), s.Critical)
	}
	var d doc
	d.open("concentration", width, height, "Vendor concentration by ultimate controller", strings.TrimSpace(desc.String()))
	d.printf(`<text x="0" y="14" fill="#1a1a1a" font-weight="600">HHI %d: %s</text>`+"\n", hhi, esc(HHIBand(hhi)))
	maxShare := 0.0
	for _, s := range shares {
		maxShare = max(maxShare, s.Share)
	}
	for i, s := range shares {
		y := top + i*rowH
		d.printf(`<text x="%d" y="%d" text-anchor="end" dominant-baseline="middle" fill="#1a1a1a">%s</text>`+"\n",
			labelW-8, y+barH/2, esc(truncate(s.Label, 28)))
		w := 0.0
		if maxShare > 0 {
			w = float64(barW) * s.Share / maxShare
		}
		color := TierColors[s.Tier]
		if color == "" {
			color = TierColors["unknown"]
		}
		d.printf(`<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s" stroke="#1a1a1a" stroke-width="0.5"><title>%s (%s): %s, %d critical</title></rect>`+"\n",
			labelW, y, w, barH, color, esc(s.Label), esc(s.Tier), plural.Count(s.Components, "component"), s.Critical)
		d.printf(`<text x="%.1f" y="%d" dominant-baseline="middle" fill="#1a1a1a">%.0f%% · %s</text>`+"\n",
			float64(labelW)+w+6, y+barH/2, s.Share*100, esc(s.Tier))
	}
	// Tier legend.
	x, y := labelW, top+len(shares)*rowH+12
	for _, t := range []string{"home", "trusted", "neutral", "restricted"} {
		d.printf(`<rect x="%d" y="%d" width="12" height="12" fill="%s" stroke="#1a1a1a" stroke-width="0.5"/><text x="%d" y="%d" dominant-baseline="middle" fill="#1a1a1a">%s</text>`+"\n",
			x, y, TierColors[t], x+16, y+6, t)
		x += 30 + len(t)*7
	}
	return d.close()
}

// HHIBand names the concentration band of an HHI. Above 1,800 is "highly
// concentrated" as in Guideline 1 of the US DOJ/FTC Merger Guidelines of
// 2023; 1,000 to 1,800 moderately and below 1,000 unconcentrated are the
// bands of the 1992/1997 Horizontal Merger Guidelines, which the 2023 ones
// returned to at the top (the 2010 Guidelines used 1,500 and 2,500).
func HHIBand(hhi int) string {
	switch {
	case hhi > 1800:
		return "highly concentrated"
	case hhi >= 1000:
		return "moderately concentrated"
	default:
		return "unconcentrated"
	}
}
