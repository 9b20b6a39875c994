package server

import (
	"fmt"
	"html/template"
	"sort"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/plural"
)

// The pictures of the overview are small SVG drawn here; the spectrum itself
// comes from report/svg, shared with the HTML report. Each has a title and a
// description for screen readers, and the page repeats its figures in a
// table.

func esc(s string) string { return template.HTMLEscapeString(s) }

// gapChart draws components with a gap by requirement category.
func gapChart(byCat map[sovmap.Category]int) template.HTML {
	cats := []sovmap.Category{sovmap.CategoryRegulatory, sovmap.CategorySecurity, sovmap.CategoryOperational}
	for c := range byCat {
		if !c.Valid() {
			cats = append(cats, c)
		}
	}
	sort.SliceStable(cats[3:], func(i, j int) bool { return cats[3+i] < cats[3+j] })
	top := 1
	for _, c := range cats {
		top = max(top, byCat[c])
	}
	const labelW, barW, rowH = 120, 420, 28
	h := rowH*len(cats) + 10
	var b strings.Builder
	var desc []string
	for _, c := range cats {
		desc = append(desc, fmt.Sprintf("%s %d", c, byCat[c]))
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="gap-t gap-d" viewBox="0 0 %d %d" width="%d" height="%d">`, labelW+barW+60, h, labelW+barW+60, h)
	fmt.Fprintf(&b, `<title id="gap-t">Gaps by reason category</title><desc id="gap-d">%s</desc>`, esc(strings.Join(desc, ", ")))
	for i, c := range cats {
		y := 5 + i*rowH
		n := byCat[c]
		w := barW * n / top
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" text-anchor="end" fill="#1b1f24">%s</text>`, labelW-8, y+17, esc(string(c)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="20" fill="#a4161a"/>`, labelW, y+3, max(w, 1))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" fill="#1b1f24">%d</text>`, labelW+max(w, 1)+6, y+17, n)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// trendPoint is one version's figures on the trend.
type trendPoint struct {
	Number  int
	At      any
	Summary sovmap.Summary
}

// trendChart draws gaps and flow violations over versions, oldest left.
func trendChart(points []trendPoint) template.HTML {
	const w, h, left, right, top, bottom = 640, 220, 50, 20, 15, 40
	top1 := 1
	for _, p := range points {
		top1 = max(top1, p.Summary.Gaps, p.Summary.Violations)
	}
	x := func(i int) int {
		if len(points) == 1 {
			return left + (w-left-right)/2
		}
		return left + i*(w-left-right)/(len(points)-1)
	}
	y := func(v int) int { return h - bottom - v*(h-top-bottom)/top1 }
	var b strings.Builder
	var desc []string
	for _, p := range points {
		desc = append(desc, fmt.Sprintf("version %d: %s, %s", p.Number, plural.Count(p.Summary.Gaps, "gap"), plural.Count(p.Summary.Violations, "violation")))
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="trend-t trend-d" viewBox="0 0 %d %d" width="%d" height="%d">`, w, h, w, h)
	fmt.Fprintf(&b, `<title id="trend-t">Trend over versions</title><desc id="trend-d">%s</desc>`, esc(strings.Join(desc, "; ")))
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#4a5360"/>`, left, h-bottom, w-right, h-bottom)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#4a5360"/>`, left, top, left, h-bottom)
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end" fill="#1b1f24">%d</text>`, left-6, top+10, top1)
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end" fill="#1b1f24">0</text>`, left-6, h-bottom)
	series := []struct {
		name, color, dash string
		val               func(sovmap.Summary) int
	}{
		{"components with a gap", "#a4161a", "", func(s sovmap.Summary) int { return s.Gaps }},
		{"flow violations", "#0b5cad", ` stroke-dasharray="6 4"`, func(s sovmap.Summary) int { return s.Violations }},
	}
	for si, s := range series {
		var pts []string
		for i, p := range points {
			pts = append(pts, fmt.Sprintf("%d,%d", x(i), y(s.val(p.Summary))))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"%s/>`, strings.Join(pts, " "), s.color, s.dash)
		for i, p := range points {
			fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="3.5" fill="%s"/>`, x(i), y(s.val(p.Summary)), s.color)
		}
		lx := left + 10 + si*220
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2.5"%s/><text x="%d" y="%d" font-size="12" fill="#1b1f24">%s</text>`,
			lx, h-8, lx+24, h-8, s.color, s.dash, lx+30, h-4, esc(s.name))
	}
	step := max(1, len(points)/12)
	for i, p := range points {
		if i%step == 0 || i == len(points)-1 {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="middle" fill="#1b1f24">v%d</text>`, x(i), h-bottom+16, p.Number)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
