package server

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/sovmap/sovmap/store"
)

// The components list is the dashboard's hottest page. html/template
// evaluates every action by reflection, which for a page of 50 rows and
// select boxes of a few hundred providers and countries cost more CPU than
// the database query (see docs/benchmarks.md). The repeated parts are
// therefore written here, escaping every value with
// template.HTMLEscapeString, and handed to the template as template.HTML.

// optionsHTML writes the <option> elements of a select box.
func optionsHTML(opts []option) template.HTML {
	var b strings.Builder
	for _, o := range opts {
		b.WriteString(`<option value="`)
		b.WriteString(template.HTMLEscapeString(o.Value))
		b.WriteByte('"')
		if o.Selected {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		b.WriteString(template.HTMLEscapeString(o.Label))
		b.WriteString("</option>")
	}
	return template.HTML(b.String())
}

// componentRowsHTML writes the table rows of the components list; vq is
// the "v=N&" that keeps links on the version shown.
func componentRowsHTML(rows []store.ComponentRecord, vq string) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 900)
	esc := template.HTMLEscapeString
	for _, c := range rows {
		b.WriteString("<tr>\n    <th scope=\"row\"><a href=\"component?")
		b.WriteString(esc(vq + "id=" + url.QueryEscape(c.ID)))
		b.WriteString(`">`)
		b.WriteString(esc(c.ID))
		b.WriteString("</a>")
		if c.Name != "" {
			b.WriteString(` <span class="hint">`)
			b.WriteString(esc(c.Name))
			b.WriteString("</span>")
		}
		b.WriteString("</th>\n    <td>")
		b.WriteString(esc(c.Layer))
		b.WriteString("</td><td>")
		b.WriteString(esc(c.Provider))
		b.WriteString("</td>\n    <td class=\"num\">")
		b.WriteString(string(levelBadge(c.Level)))
		b.WriteString(`</td><td class="num">`)
		b.WriteString(string(levelBadge(c.EffectiveLevel)))
		b.WriteString(`</td><td class="num">`)
		b.WriteString(string(levelBadge(c.RequiredLevel)))
		b.WriteString("</td>\n    <td class=\"num")
		if c.Gap != 0 {
			b.WriteString(" gap")
		}
		b.WriteString(`">`)
		b.WriteString(strconv.Itoa(c.Gap))
		b.WriteString("</td><td>")
		b.WriteString(esc(c.Category))
		b.WriteString("</td><td>")
		b.WriteString(esc(c.Sourcing))
		b.WriteString("</td><td>")
		b.WriteString(esc(strings.Join(c.Jurisdictions, " ")))
		b.WriteString("</td>\n  </tr>")
	}
	return template.HTML(b.String())
}
