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
	"bufio"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"iter"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/finding"
	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/report"
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

// WriteOptions writes the report as a self-contained HTML page, through
// WriteStream: a report held whole is written as the server writes a
// stored one.
func WriteOptions(w io.Writer, r *sovmap.Report, inv *sovmap.Inventory, opts Options) error {
	if r == nil {
		return fmt.Errorf("html: no report to write")
	}
	return WriteStream(w, report.StreamOf(r, inv), opts)
}

// WriteStream writes the page of a report stream: the bytes WriteOptions
// writes of the report held whole. The page's header, which needs only the
// report's head, is written before the components are read.
//
// A first pass over the components gathers what the page shows of them
// before its table of every component: the rows of the gaps, legal
// conditions and foreign exposure tables (the ids of the exposed
// components included), the countries of the world map, and the stack
// picture's boxes (up to svg.GroupThreshold components, what each box
// shows; past it, each component's id and box, then a second pass for the
// dependencies between boxes). Past 100,000 gaps (gapWindow) it holds
// only each gap's key and reads the stream again for the rows of the gaps
// table, 100,000 a pass. The last pass writes the table of every component
// as it reads them, one at a time: the template ranges over them. An error
// of the stream is returned, whichever pass meets it.
func WriteStream(w io.Writer, s report.Stream, opts Options) error {
	return writeStream(w, s, opts, gapWindow)
}

// writeStream is WriteStream holding at most window rows of the gaps
// table.
func writeStream(w io.Writer, s report.Stream, opts Options, window int) error {
	if s.Head == nil {
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
	bw := bufio.NewWriter(w)
	p := newPage(s.Head, opts)
	if err := t.ExecuteTemplate(bw, "top", p); err != nil {
		return fmt.Errorf("html: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("html: %w", err)
	}
	if err := p.gather(s, opts, window); err != nil {
		return fmt.Errorf("html: %w", err)
	}
	var failed error
	p.Gaps = p.gaps.seq(s, &failed)
	p.Components = rows(s.Components, &failed)
	err = t.ExecuteTemplate(bw, "rest", p)
	if failed != nil {
		return fmt.Errorf("html: %w", failed)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("html: %w", err)
	}
	return nil
}

// errStop ends a pass the template stopped reading.
var errStop = errors.New("html: stop")

// rows yields the table rows of the components each yields, reading them
// when the template ranges over them; failed receives the error each
// returns.
func rows(each report.Components, failed *error) iter.Seq[componentRow] {
	return func(yield func(componentRow) bool) {
		if *failed != nil {
			return // an earlier pass failed
		}
		err := each(func(res *sovmap.ComponentResult, spec *sovmap.Component) error {
			row := componentRow{ComponentResult: *res}
			if spec != nil {
				row.Name = spec.Name
			}
			if !yield(row) {
				return errStop
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStop) {
			*failed = err
		}
	}
}

// page is what the template renders.
type page struct {
	Title, Organization, Home, Generated, ToolVersion string
	Summary                                           sovmap.Summary
	LevelCounts                                       []levelCount
	HHIBand                                           string
	Spectrum, Stack, Concentration, Map               template.HTML
	Geo                                               svg.Geo
	// Gaps are the rows of the gaps table, largest gap first (see
	// gapTable); GapCount counts them.
	Gaps      iter.Seq[gapRow]
	GapCount  int
	Exposures []exposureRow
	Providers []sovmap.ProviderResult
	Flows     []sovmap.FlowResult
	// Components are read when the template ranges over them, after the
	// rest; ComponentCount counts them.
	Components     iter.Seq[componentRow]
	ComponentCount int
	Restricted     []finding.Finding
	// Conditions are the laws whose conditions components fail or leave open.
	Conditions []finding.Finding
	Notes      []string

	gaps *gapTable
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

// newPage fills what the page shows of the report's head.
func newPage(r *sovmap.Report, opts Options) *page {
	p := &page{
		Organization:  r.Organization,
		Home:          r.Home,
		Generated:     opts.Now.UTC().Format("2006-01-02 15:04 MST"),
		ToolVersion:   opts.ToolVersion,
		Summary:       r.Summary,
		HHIBand:       svg.HHIBand(r.Summary.HHIProvider),
		Spectrum:      template.HTML(svg.Spectrum(r.Layers)),
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
	return p
}

// gather reads the components for what the page shows of them before its
// table of every component (see WriteStream), keeping only that and at
// most window rows of the gaps table.
func (p *page) gather(s report.Stream, opts Options, window int) error {
	stack := svg.NewPicture(opts.GraphLimit)
	geo := worldMap(s.Head, s.Inventory)
	exp := exposureTable{}
	of := newOneFindings(s.Head)
	p.gaps = &gapTable{window: window}
	err := s.Components(func(c *sovmap.ComponentResult, spec *sovmap.Component) error {
		p.ComponentCount++
		stack.Add(c, spec)
		if geo != nil {
			geo.Add(c, spec)
		}
		exp.add(c)
		for _, f := range of.of(c, spec) {
			switch f.Kind {
			case finding.Gap:
				p.gaps.add(p.ComponentCount-1, c, spec, f)
			case finding.RestrictedJurisdiction:
				p.Restricted = append(p.Restricted, f)
			case finding.LegalCondition:
				p.Conditions = append(p.Conditions, f)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if stack.NeedsEdges() {
		err := s.Components(func(c *sovmap.ComponentResult, spec *sovmap.Component) error {
			stack.AddEdges(c, spec)
			return nil
		})
		if err != nil {
			return err
		}
	}
	p.Stack = template.HTML(stack.Draw())
	// In the order of finding.FromReport: by subject, then jurisdiction.
	finding.Sort(p.Restricted)
	finding.Sort(p.Conditions)
	p.gaps.sort()
	p.GapCount = p.gaps.n
	p.Exposures = exp.rows()
	if geo != nil {
		p.Geo = geo.Geo()
		p.Map = template.HTML(svg.WorldMap(p.Geo))
	}
	return nil
}

// newGapRow is the row of a component with a gap, f its gap finding: it
// copies only what the row shows.
func newGapRow(c *sovmap.ComponentResult, spec *sovmap.Component, f finding.Finding) gapRow {
	row := gapRow{
		ComponentResult: sovmap.ComponentResult{ID: c.ID, Layer: c.Layer, Level: c.Level, EffectiveLevel: c.EffectiveLevel,
			RequiredLevel: c.RequiredLevel, Gap: c.Gap, Sourcing: c.Sourcing, LimitedBy: c.LimitedBy,
			Binding: slices.Clone(c.Binding)},
		Where: f.Pos.String(), Remedies: slices.Clone(f.Remedies), Severity: f.Severity,
		Dependent: c.LimitedBy != "" && c.EffectiveLevel < c.Level,
	}
	if spec != nil {
		row.Name = spec.Name
	}
	for _, q := range c.Reasons {
		if q.Level > c.EffectiveLevel {
			q.Checks = nil // not shown
			row.Why = append(row.Why, q)
		}
	}
	return row
}

// oneFindings gives the findings of one component at a time, in
// FromReport's order for that component (finding.Finder), reusing one
// slice.
type oneFindings struct {
	fd  finding.Finder
	buf []finding.Finding
}

func newOneFindings(head *sovmap.Report) *oneFindings {
	return &oneFindings{fd: finding.NewFinder(head)}
}

// of returns the findings of a component, valid until the next call.
func (o *oneFindings) of(c *sovmap.ComponentResult, spec *sovmap.Component) []finding.Finding {
	if spec != nil && spec.Pos.File == "" {
		spec = nil // the inventory gives the findings only positions
	}
	o.buf = o.fd.Component(o.buf[:0], c, spec)
	return o.buf
}

// gapWindow is how many rows of the gaps table WriteStream holds: about
// 1.2 KB each (reasons and remedies), so about 120 MB.
const gapWindow = 100_000

// gapTable gathers the rows of the gaps table, largest gap first, then by
// id, which is not the order of the stream. Up to window rows it holds
// them. Past that it holds only each row's key (gap, id, place in the
// stream) and reads the stream again when the template ranges over the
// rows, window rows a pass, finding each component's rank among the keys.
type gapTable struct {
	window int
	n      int
	rows   []gapRow // while n <= window
	keys   []gapKey
}

type gapKey struct {
	gap int
	id  string
	at  int // place in the stream
}

// cmpGapKey orders the rows: largest gap first, then by id, then as the
// stream gives them.
func cmpGapKey(a, b gapKey) int {
	if a.gap != b.gap {
		return b.gap - a.gap
	}
	if c := strings.Compare(a.id, b.id); c != 0 {
		return c
	}
	return a.at - b.at
}

// add takes the row of the component at place at of the stream, f its
// gap finding.
func (g *gapTable) add(at int, c *sovmap.ComponentResult, spec *sovmap.Component, f finding.Finding) {
	g.n++
	g.keys = append(g.keys, gapKey{gap: c.Gap, id: strings.Clone(c.ID), at: at})
	if g.n <= g.window {
		g.rows = append(g.rows, newGapRow(c, spec, f))
	} else {
		g.rows = nil
	}
}

// windowed reports whether the rows are read again from the stream.
func (g *gapTable) windowed() bool { return g.n > g.window }

func (g *gapTable) sort() {
	if g.windowed() {
		slices.SortFunc(g.keys, cmpGapKey)
		return
	}
	g.keys = nil
	sort.SliceStable(g.rows, func(i, j int) bool {
		if g.rows[i].Gap != g.rows[j].Gap {
			return g.rows[i].Gap > g.rows[j].Gap
		}
		return g.rows[i].ID < g.rows[j].ID
	})
}

// seq yields the rows in order; failed receives an error of the stream.
func (g *gapTable) seq(s report.Stream, failed *error) iter.Seq[gapRow] {
	return func(yield func(gapRow) bool) {
		if !g.windowed() {
			for _, r := range g.rows {
				if !yield(r) {
					return
				}
			}
			return
		}
		of := newOneFindings(s.Head)
		buf := make([]gapRow, g.window)
		for lo := 0; lo < g.n; lo += g.window {
			hi := min(lo+g.window, g.n)
			at := -1
			err := s.Components(func(c *sovmap.ComponentResult, spec *sovmap.Component) error {
				at++
				if c.Gap <= 0 {
					return nil
				}
				i, ok := slices.BinarySearchFunc(g.keys, gapKey{gap: c.Gap, id: c.ID, at: at}, cmpGapKey)
				if !ok || i < lo || i >= hi {
					return nil
				}
				for _, f := range of.of(c, spec) {
					if f.Kind == finding.Gap {
						buf[i-lo] = newGapRow(c, spec, f)
					}
				}
				return nil
			})
			if err != nil {
				*failed = err
				return
			}
			for _, r := range buf[:hi-lo] {
				if !yield(r) {
					return
				}
			}
		}
	}
}

// worldMap starts the world map with the built-in knowledge base and what
// the inventory adds to it. Without an inventory, or with a home the
// knowledge base does not know, there is no map (nil).
func worldMap(r *sovmap.Report, inv *sovmap.Inventory) *svg.GeoBuilder {
	if inv == nil {
		return nil
	}
	k, err := kb.Default()
	if err != nil {
		return nil
	}
	if k, err = inventory.WithKnowledge(k, inv); err != nil {
		return nil
	}
	places, err := svg.KBPlaces(k, inv.Organization)
	if err != nil {
		return nil
	}
	return svg.NewGeoBuilder(r, places)
}

// exposureTable groups foreign compelled-access exposure by jurisdiction,
// a component at a time.
type exposureTable map[string]*exposureRow

func (rows exposureTable) add(c *sovmap.ComponentResult) {
	if len(c.ExposureDetails) == 0 && len(c.Exposure) == 0 {
		return
	}
	mitigated := map[string]bool{}
	reached := map[string]bool{}
	for _, e := range c.ExposureDetails {
		row := rows[e.Jurisdiction]
		if row == nil {
			row = &exposureRow{Jurisdiction: e.Jurisdiction, Tier: e.Tier}
			rows[e.Jurisdiction] = row
		}
		if e.Law != "" && !slices.Contains(row.Laws, e.Law) {
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

// rows lists the jurisdictions, those reaching the most components first.
func (rows exposureTable) rows() []exposureRow {
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
