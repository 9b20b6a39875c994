// Package html writes an assessment as one self-contained HTML file: no
// script, no stylesheet or font from elsewhere, pictures inlined as SVG made
// by package svg. It opens from a mail attachment or a CI artefact without a
// network.
//
// Sections: summary, the spectrum by layer, the stack with its dependencies,
// gaps with their remediation, foreign exposure, vendor concentration, data
// flows and every component. Markup is accessible: landmarks, one heading
// hierarchy, captions and header scopes on tables, titles and descriptions
// on pictures, and levels written out, never shown by colour alone.
package html

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/finding"
	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/report/svg"
)

//go:embed report.html.tmpl
var files embed.FS

// Options tune the report. The zero value is valid.
type Options struct {
	// Now is printed as the generation time; the zero value means time.Now().
	Now time.Time
	// ToolVersion is sovmap's version, printed in the footer.
	ToolVersion string
	// GraphLimit is how many components the dependency picture draws before
	// it summarises; 0 means svg.DefaultGraphLimit.
	GraphLimit int
}

// Write writes the report as a self-contained HTML page with default options.
func Write(w io.Writer, r *sovmap.Report, inv *sovmap.Inventory) error {
	return WriteOptions(w, r, inv, Options{})
}

// WriteOptions writes the report as a self-contained HTML page.
func WriteOptions(w io.Writer, r *sovmap.Report, inv *sovmap.Inventory, opts Options) error {
	if r == nil {
		return fmt.Errorf("html: no report to write")
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	t, err := template.New("report.html.tmpl").Funcs(template.FuncMap{
		"levelName": func(l sovmap.Level) string { return l.String() },
		"n":         func(l sovmap.Level) int { return int(l) },
		"levelClass": func(l sovmap.Level) string {
			if !l.Valid() {
				return "l0"
			}
			return fmt.Sprintf("l%d", l)
		},
		"join":      func(s []string) string { return strings.Join(s, ", ") },
		"tierLabel": svg.TierLabel,
		"count":     plural.Count,
		"pick":      plural.Pick,
		"percent":   func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
		"factors": func(fs []sovmap.FactorName) string {
			names := make([]string, len(fs))
			for i, f := range fs {
				names[i] = string(f)
			}
			return strings.Join(names, ", ")
		},
	}).ParseFS(files, "report.html.tmpl")
	if err != nil {
		return fmt.Errorf("html: template: %w", err)
	}
	if err := t.Execute(w, build(r, inv, opts)); err != nil {
		return fmt.Errorf("html: %w", err)
	}
	return nil
}

// page is what the template renders.
type page struct {
	Title, Organization, Home, Generated, ToolVersion string
	Summary                                           sovmap.Summary
	LevelCounts                                       []levelCount
	HHIBand                                           string
	Spectrum, Stack, Concentration, Map               template.HTML
	Geo                                               svg.Geo
	Gaps                                              []gapRow
	Exposures                                         []exposureRow
	Providers                                         []sovmap.ProviderResult
	Flows                                             []sovmap.FlowResult
	Components                                        []componentRow
	Restricted                                        []finding.Finding
	// Conditions are the laws whose conditions components fail or leave open.
	Conditions []finding.Finding
	Notes      []string
}

type levelCount struct {
	Level sovmap.Level
	Count int
}

type gapRow struct {
	sovmap.ComponentResult
	Name      string
	Where     string
	Why       []sovmap.Requirement
	Remedies  []string
	Severity  finding.Severity
	Dependent bool // limited by a dependency rather than its own factors
}

type exposureRow struct {
	Jurisdiction string
	Laws         []string
	Components   []string
	Mitigated    int
	Tier         string
}

type componentRow struct {
	sovmap.ComponentResult
	Name string
}

func build(r *sovmap.Report, inv *sovmap.Inventory, opts Options) page {
	names := map[string]string{}
	if inv != nil {
		for _, c := range inv.Components {
			names[c.ID] = c.Name
		}
	}
	p := page{
		Organization:  r.Organization,
		Home:          r.Home,
		Generated:     opts.Now.UTC().Format("2006-01-02 15:04 MST"),
		ToolVersion:   opts.ToolVersion,
		Summary:       r.Summary,
		HHIBand:       svg.HHIBand(r.Summary.HHIProvider),
		Spectrum:      template.HTML(svg.Spectrum(r.Layers)),
		Stack:         template.HTML(svg.Dependencies(r, inv, opts.GraphLimit)),
		Concentration: template.HTML(svg.Concentration(r.Providers, r.Summary.HHIProvider)),
		Providers:     r.Providers,
		Flows:         r.Flows,
		Notes:         r.Notes,
	}
	p.Title = "Sovereignty assessment"
	if r.Organization != "" {
		p.Title += ": " + r.Organization
	}
	for l := sovmap.Exposed; l <= sovmap.MaxLevel; l++ {
		p.LevelCounts = append(p.LevelCounts, levelCount{Level: l, Count: r.Summary.ByLevel[l]})
	}

	fs := finding.FromReport(r, inv)
	gapFinding := map[string]finding.Finding{}
	for _, f := range fs {
		switch f.Kind {
		case finding.Gap:
			gapFinding[f.Subject] = f
		case finding.RestrictedJurisdiction:
			p.Restricted = append(p.Restricted, f)
		case finding.LegalCondition:
			p.Conditions = append(p.Conditions, f)
		}
	}
	for i := range r.Components {
		c := r.Components[i]
		p.Components = append(p.Components, componentRow{ComponentResult: c, Name: names[c.ID]})
		f, ok := gapFinding[c.ID]
		if !ok {
			continue
		}
		var why []sovmap.Requirement
		for _, q := range c.Reasons {
			if q.Level > c.EffectiveLevel {
				why = append(why, q)
			}
		}
		p.Gaps = append(p.Gaps, gapRow{
			ComponentResult: c, Name: names[c.ID], Where: f.Pos.String(), Why: why,
			Remedies: f.Remedies, Severity: f.Severity,
			Dependent: c.LimitedBy != "" && c.EffectiveLevel < c.Level,
		})
	}
	sort.SliceStable(p.Gaps, func(i, j int) bool {
		if p.Gaps[i].Gap != p.Gaps[j].Gap {
			return p.Gaps[i].Gap > p.Gaps[j].Gap
		}
		return p.Gaps[i].ID < p.Gaps[j].ID
	})
	p.Exposures = exposures(r)
	p.Geo, p.Map = worldMap(r, inv)
	return p
}

// worldMap places the estate on the world map with the built-in knowledge
// base and what the inventory adds to it. Without an inventory, or with a
// home the knowledge base does not know, there is no map.
func worldMap(r *sovmap.Report, inv *sovmap.Inventory) (svg.Geo, template.HTML) {
	if inv == nil {
		return svg.Geo{}, ""
	}
	k, err := kb.Default()
	if err != nil {
		return svg.Geo{}, ""
	}
	if k, err = inventory.WithKnowledge(k, inv); err != nil {
		return svg.Geo{}, ""
	}
	places, err := svg.KBPlaces(k, inv.Organization)
	if err != nil {
		return svg.Geo{}, ""
	}
	g := svg.BuildGeo(r, inv, places)
	return g, template.HTML(svg.WorldMap(g))
}

// exposures groups foreign compelled-access exposure by jurisdiction.
func exposures(r *sovmap.Report) []exposureRow {
	rows := map[string]*exposureRow{}
	for _, c := range r.Components {
		mitigated := map[string]bool{}
		reached := map[string]bool{}
		for _, e := range c.ExposureDetails {
			row := rows[e.Jurisdiction]
			if row == nil {
				row = &exposureRow{Jurisdiction: e.Jurisdiction, Tier: e.Tier}
				rows[e.Jurisdiction] = row
			}
			if e.Law != "" && !contains(row.Laws, e.Law) {
				row.Laws = append(row.Laws, e.Law)
			}
			if _, seen := mitigated[e.Jurisdiction]; !seen {
				mitigated[e.Jurisdiction] = true
			}
			mitigated[e.Jurisdiction] = mitigated[e.Jurisdiction] && e.Mitigated
			reached[e.Jurisdiction] = true
		}
		for _, j := range c.Exposure {
			if rows[j] == nil {
				rows[j] = &exposureRow{Jurisdiction: j}
			}
			if !reached[j] {
				reached[j] = true
				mitigated[j] = false
			}
		}
		for j := range reached {
			rows[j].Components = append(rows[j].Components, c.ID)
			if mitigated[j] {
				rows[j].Mitigated++
			}
		}
	}
	out := make([]exposureRow, 0, len(rows))
	for _, row := range rows {
		sort.Strings(row.Components)
		sort.Strings(row.Laws)
		out = append(out, *row)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].Components) != len(out[j].Components) {
			return len(out[i].Components) > len(out[j].Components)
		}
		return out[i].Jurisdiction < out[j].Jurisdiction
	})
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
