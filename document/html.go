package document

import (
	"html/template"
	"io"
	"strings"
)

// htmlTemplate lays a document out as one self-contained page: no script,
// no external resource, so it can be mailed or archived as it is.
var htmlTemplate = template.Must(template.New("doc").Funcs(template.FuncMap{
	"refs": refs,
	// cls turns a label into a class name: "to negotiate" is label-to-negotiate.
	"cls": func(label string) string {
		return "label-" + strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return '-'
		}, strings.ToLower(label))
	},
	"hn":   func(depth int) int { return min(depth, 6) },
	"next": func(depth int) int { return depth + 1 },
	"section": func(s Section, depth int) map[string]any {
		return map[string]any{"S": s, "Depth": depth}
	},
	"src": func(d *Document) [][]string { return d.sourcesTable() },
}).Parse(`{{define "para"}}{{if .Label}}<span class="label {{cls .Label}}">[{{.Label}}]</span> {{end}}{{.Text}}{{with refs .Sources}} <span class="refs">{{.}}</span>{{end}}{{end}}
{{- define "section"}}{{$d := .Depth}}
<section>
<h{{hn $d}}>{{with .S.Number}}{{.}}. {{end}}{{.S.Title}}</h{{hn $d}}>
{{- range .S.Blocks}}
{{- if eq .Kind 0}}
<p>{{template "para" .Para}}</p>
{{- else if eq .Kind 1}}
{{if .Numbered}}<ol>{{else}}<ul>{{end}}
{{- range .Items}}
<li>{{template "para" .}}</li>
{{- end}}
{{if .Numbered}}</ol>{{else}}</ul>{{end}}
{{- else if eq .Kind 2}}
<table>
<thead><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
{{- else if eq .Kind 3}}
<aside class="note"><strong>Note:</strong> {{template "para" .Para}}</aside>
{{- end}}
{{- end}}
{{- range .S.Sections}}{{template "section" (section . (next $d))}}{{end}}
</section>
{{- end -}}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body { font-family: Georgia, serif; max-width: 50em; margin: 2em auto; padding: 0 1em; line-height: 1.45; color: #111; }
.notice { border: 2px solid #a33; padding: .6em 1em; background: #fdf3f3; font-weight: bold; }
.subtitle { font-style: italic; }
.label { font-family: sans-serif; font-size: .8em; font-weight: bold; color: #444; }
.label-question { color: #a33; }
.refs { font-size: .8em; color: #555; }
aside.note { border-left: 3px solid #999; padding-left: .8em; margin: .6em 0 1em; color: #333; font-size: .95em; }
table { border-collapse: collapse; margin: .6em 0 1.2em; }
th, td { border: 1px solid #bbb; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #eee; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{- with .Subtitle}}
<p class="subtitle">{{.}}</p>
{{- end}}
{{- with .Notice}}
<p class="notice">{{.}}</p>
{{- end}}
{{- with .Fields}}
<dl>
{{- range .}}
<dt>{{.Name}}</dt><dd>{{.Value}}</dd>
{{- end}}
</dl>
{{- end}}
{{- range .Sections}}{{template "section" (section . 2)}}{{end}}
{{- if .Sources}}
<section>
<h2>` + SourcesTitle + `</h2>
<table>
<thead><tr><th>#</th><th>Source</th><th>Where</th></tr></thead>
<tbody>
{{- range src .}}
<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
</section>
{{- end}}
</body>
</html>
`))

// WriteHTML writes the document as a standalone HTML page.
func WriteHTML(w io.Writer, d *Document) error {
	return htmlTemplate.Execute(w, d)
}
