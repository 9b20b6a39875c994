package embassy

import (
	"fmt"
	"html"
	"html/template"
	"io"
	"strings"

	"github.com/sovmap/sovmap/framework"
)

// page is what the HTML template shows: one or more scorecards, with the
// comparison's ranking when there is one.
type page struct {
	Title      string
	Cards      []*Scorecard
	Comparison *Comparison
	Chart      template.HTML
	ViewCharts []template.HTML
	Matrix     []matrixRow
}

// matrixRow is one criterion across the arrangements.
type matrixRow struct {
	Dimension string
	ID        string
	Title     string
	Cells     []framework.CriterionResult
}

// series colours: distinguishable, and readable as text on white.
var palette = []string{"#1f5fa8", "#c2571a", "#2e7d32", "#7b3fa0", "#b0263b", "#00796b"}

// tierColour shades a tier from red (0) to green (top).
func tierColour(level, top int) string {
	colours := []string{"#b71c1c", "#d84315", "#a07800", "#558b2f", "#1b5e20"}
	if top <= 0 {
		return colours[0]
	}
	i := level * (len(colours) - 1) / top
	if i < 0 {
		i = 0
	}
	if i >= len(colours) {
		i = len(colours) - 1
	}
	return colours[i]
}

func pageFor(cards []*Scorecard, c *Comparison) *page {
	p := &page{Cards: cards, Comparison: c}
	if c != nil {
		p.Title = "Digital-embassy comparison: " + strings.Join(c.Ranking, ", ")
	} else {
		p.Title = "Digital-embassy scorecard: " + title(cards[0])
	}
	dims := make([]chartGroup, len(cards[0].Result.Dimensions))
	for i := range dims {
		dims[i].label = cards[0].Result.Dimensions[i].Name
		for _, sc := range cards {
			d := sc.Result.Dimensions[i]
			dims[i].bars = append(dims[i].bars, chartBar{score: float64(d.Score), level: d.Level, levelName: d.LevelName})
		}
	}
	top := cards[0].Result.TopLevel
	p.Chart = barChart("Score and tier per trust dimension", dims, cards, top)
	for vi, v := range cards[0].Result.Views {
		groups := make([]chartGroup, len(v.Dimensions))
		for i := range groups {
			groups[i].label = v.Dimensions[i].Name
			for _, sc := range cards {
				d := sc.Result.Views[vi].Dimensions[i]
				groups[i].bars = append(groups[i].bars, chartBar{score: float64(d.Score), level: d.Level, levelName: d.LevelName})
			}
		}
		p.ViewCharts = append(p.ViewCharts, barChart(v.Name, groups, cards, top))
	}
	for i, cr := range cards[0].Result.Criteria {
		row := matrixRow{Dimension: cr.Dimension, ID: cr.ID, Title: cr.Title}
		for _, sc := range cards {
			row.Cells = append(row.Cells, sc.Result.Criteria[i])
		}
		p.Matrix = append(p.Matrix, row)
	}
	return p
}

type chartGroup struct {
	label string
	bars  []chartBar
}

type chartBar struct {
	score     float64
	level     int
	levelName string
}

// barChart draws grouped horizontal bars: one group per dimension, one bar
// per arrangement, its length the score and a badge with the tier. It is
// plain SVG, so the page needs no script.
func barChart(caption string, groups []chartGroup, cards []*Scorecard, top int) template.HTML {
	const (
		labelW = 190.0
		plotW  = 420.0
		badgeW = 64.0
		barH   = 16.0
		gap    = 4.0
		groupG = 14.0
	)
	n := len(cards)
	groupH := float64(n)*(barH+gap) - gap
	legendH := 22.0
	height := 30 + legendH + float64(len(groups))*(groupH+groupG) + 24
	width := labelW + plotW + badgeW + 20
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" font-family="system-ui, sans-serif" font-size="12">`, width, height, width, height)
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(caption))
	fmt.Fprintf(&b, `<text x="0" y="16" font-size="14" font-weight="600">%s</text>`, html.EscapeString(caption))
	x := 0.0
	for i, sc := range cards {
		fmt.Fprintf(&b, `<rect x="%.0f" y="26" width="12" height="12" fill="%s"/><text x="%.0f" y="36">%s (%s)</text>`,
			x, palette[i%len(palette)], x+16, html.EscapeString(sc.Arrangement), html.EscapeString(sc.Host))
		x += 28 + 7*float64(len(sc.Arrangement)+len(sc.Host)+3)
	}
	y0 := 30 + legendH
	// Grid lines at 0, 25, 50, 75, 100.
	for t := 0; t <= 100; t += 25 {
		gx := labelW + plotW*float64(t)/100
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`, gx, y0-4, gx, height-22)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#666">%d</text>`, gx, height-8, t)
	}
	for gi, g := range groups {
		gy := y0 + float64(gi)*(groupH+groupG)
		fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" text-anchor="end">%s</text>`, labelW-8, gy+groupH/2+4, html.EscapeString(g.label))
		for bi, bar := range g.bars {
			by := gy + float64(bi)*(barH+gap)
			w := plotW * clamp(bar.score, 0, 100) / 100
			fmt.Fprintf(&b, `<rect x="%.0f" y="%.1f" width="%.1f" height="%.0f" fill="%s"><title>%s: %.1f, %s</title></rect>`,
				labelW, by, w, barH, palette[bi%len(palette)], html.EscapeString(cards[bi].Arrangement), bar.score, html.EscapeString(bar.levelName))
			bx := labelW + plotW + 8
			fmt.Fprintf(&b, `<rect x="%.0f" y="%.1f" width="%.0f" height="%.0f" rx="3" fill="%s"/>`, bx, by, badgeW-12, barH, tierColour(bar.level, top))
			fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" text-anchor="middle" fill="#fff" font-weight="600">%s</text>`, bx+(badgeW-12)/2, by+barH-4, html.EscapeString(bar.levelName))
		}
	}
	b.WriteString(`</svg>`)
	// Every piece of text above went through html.EscapeString.
	return template.HTML(b.String())
}

func clamp(x, lo, hi float64) float64 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}

var funcs = template.FuncMap{
	"pct":  pct,
	"tier": tier,
	"yes":  yesNo,
	"colour": func(level, top int) template.CSS {
		return template.CSS(tierColour(level, top))
	},
	"answer": answerText,
	"join":   strings.Join,
	"binding": func(r *framework.Result) string {
		return strings.Join(bindingCriteria(r), ", ")
	},
}

var pageTemplate = template.Must(template.New("page").Funcs(funcs).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.num { text-align: right; }
.tier { color: #fff; font-weight: 600; padding: .1rem .4rem; border-radius: 3px; white-space: nowrap; }
.ok { color: #2e7d32; font-weight: 600; } .ko { color: #b71c1c; font-weight: 600; }
.must { color: #b71c1c; font-weight: 600; } .should { color: #8a6d00; font-weight: 600; }
.evidence { font-size: .85em; color: #555; }
ol li { margin-bottom: .6rem; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{with .Comparison}}<p>Framework {{.FrameworkName}}, weights {{.WeightSet}}. Ranking (qualifying first, then tier, then score): <strong>{{join .Ranking " > "}}</strong>.</p>{{end}}
<table>
<tr><th>arrangement</th><th>host / guest</th><th>instrument</th><th>weakest-link tier</th><th>weighted score</th><th>qualifies</th><th>missing answers</th><th>clauses</th></tr>
{{range .Cards}}<tr><td>{{.Arrangement}}{{if .Name}}<br><small>{{.Name}}</small>{{end}}</td><td>{{.Host}} / {{.Guest}}</td><td>{{.Instrument}}</td>
<td><span class="tier" style="background: {{colour .Result.Level .Result.TopLevel}}">{{tier .Result.LevelName .Result.LevelLabel}}</span>{{with binding .Result}}<br><small>set by {{.}}</small>{{end}}</td>
<td class="num">{{pct .Result.Score}}</td><td>{{if .Qualifies}}<span class="ok">yes</span>{{else}}<span class="ko">no</span>{{end}}</td>
<td class="num">{{len .Result.Missing}}</td><td class="num">{{len .Clauses}}</td></tr>
{{end}}</table>
<figure>{{.Chart}}</figure>
{{range .ViewCharts}}<figure>{{.}}</figure>{{end}}

<h2>Criteria side by side</h2>
<table>
<tr><th>dimension</th><th>criterion</th>{{range .Cards}}<th>{{.Arrangement}}</th>{{end}}</tr>
{{$top := (index .Cards 0).Result.TopLevel}}{{range .Matrix}}<tr><td>{{.Dimension}}</td><td>{{.Title}}<br><small>{{.ID}}</small></td>
{{range .Cells}}<td><span class="tier" style="background: {{colour .Level $top}}">{{.LevelName}}</span> {{answer .}}{{if .Evidence}}<br><span class="evidence">{{.Evidence}}</span>{{end}}</td>{{end}}</tr>
{{end}}</table>

{{range .Cards}}<h2>{{.Arrangement}}: clauses to negotiate</h2>
<p>{{.Qualification}}</p>
{{if .Result.Missing}}<p>Missing answers, counted as the worst: {{join .Result.Missing ", "}}</p>{{end}}
{{range .Result.Notes}}<p><em>Note: {{.}}</em></p>{{end}}{{range .Result.Questions}}<p><strong>Question:</strong> {{.}}</p>{{end}}
{{if .Clauses}}<ol>{{range .Clauses}}<li><span class="{{.Priority}}">[{{.Priority}}]</span> <strong>{{.Title}}</strong> (<code>{{.Criterion}}</code>, now {{.Current}} at {{.CurrentTier}}; aim {{.Target}})<br>{{.Text}}</li>
{{end}}</ol>{{else}}<p>None: every criterion is at the top tier.</p>{{end}}
{{end}}
<footer><small>Generated by sovmap. Tiers are the weakest link of their criteria; missing answers count as the worst answer.</small></footer>
</body>
</html>
`))

func writeHTML(w io.Writer, p *page) error { return pageTemplate.Execute(w, p) }
