package server

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/store"
)

// The home page is a portfolio: a ministry with twenty agencies, or a group
// with its subsidiaries, sees every workspace it may open side by side
// (components, gaps, violations, the last upload and the change since the
// version before), and the providers that several of them depend on. It
// reads what the store keeps per version for this purpose (the summary and
// the report's head, which has no components), never a full report, so
// that it stays cheap however large the inventories are.

// portfolio is the home page's model.
type portfolio struct {
	// Workspaces are those the user is a member of, by slug.
	Workspaces []store.WorkspaceRole
	// Rows are their states, in the same order.
	Rows []workspaceState
	// Systemic are the ultimate controllers of providers that at least
	// two of the workspaces depend on, most workspaces first.
	Systemic []systemicDependency
	// Compared counts the workspaces with a version.
	Compared int
}

// workspaceState is one workspace's latest version, summarised.
type workspaceState struct {
	WS           store.WorkspaceRole
	HasVersion   bool
	Number       int
	Organization string
	Home         string
	At           time.Time
	By           string
	Summary      sovmap.Summary
	// Previous is the version before the latest, when there is one.
	Previous *sovmap.Summary
	// Trend says in words how gaps and violations moved since Previous.
	Trend      string
	TrendClass string
}

// systemicDependency is a provider group that several workspaces use.
type systemicDependency struct {
	Controller, Name, Country string
	// Workspaces names the workspaces that depend on it (their titles).
	Workspaces []string
	// Components counts their components under it, all workspaces together.
	Components int
}

// portfolio gathers the state of each workspace in ws.
func (s *Server) portfolio(ctx context.Context, ws []store.WorkspaceRole) (*portfolio, error) {
	p := &portfolio{Workspaces: ws}
	byController := map[string]*systemicDependency{}
	for _, w := range ws {
		row, providers, err := s.workspaceState(ctx, w)
		if err != nil {
			return nil, err
		}
		p.Rows = append(p.Rows, row)
		if !row.HasVersion {
			continue
		}
		p.Compared++
		// One workspace counts once per controller, however many of its
		// providers that controller owns.
		counted := map[string]bool{}
		for _, pr := range providers {
			ctl := cmp.Or(pr.Controller, pr.ID)
			d := byController[ctl]
			if d == nil {
				d = &systemicDependency{Controller: ctl}
				byController[ctl] = d
			}
			if pr.ID == ctl {
				d.Name, d.Country = pr.Name, pr.Country
			}
			if d.Country == "" {
				d.Country = pr.ControllerCountry
			}
			d.Components += pr.Components
			if !counted[ctl] {
				counted[ctl] = true
				d.Workspaces = append(d.Workspaces, w.Workspace.Name)
			}
		}
	}
	for _, d := range byController {
		if d.Name == "" {
			if kp, ok := s.cfg.KB.Provider(d.Controller); ok {
				d.Name, d.Country = kp.Name, cmp.Or(d.Country, kp.Country)
			}
		}
		if len(d.Workspaces) >= 2 {
			p.Systemic = append(p.Systemic, *d)
		}
	}
	slices.SortFunc(p.Systemic, func(a, b systemicDependency) int {
		return cmp.Or(cmp.Compare(len(b.Workspaces), len(a.Workspaces)), cmp.Compare(b.Components, a.Components), cmp.Compare(a.Controller, b.Controller))
	})
	return p, nil
}

// workspaceState summarises a workspace's latest version and returns the
// providers of its report's head.
func (s *Server) workspaceState(ctx context.Context, w store.WorkspaceRole) (workspaceState, []sovmap.ProviderResult, error) {
	row := workspaceState{WS: w}
	versions, err := s.store.ListVersions(ctx, w.Workspace.ID)
	if err != nil {
		return row, nil, fmt.Errorf("workspace %s: %w", w.Workspace.Slug, err)
	}
	if len(versions) == 0 {
		return row, nil, nil
	}
	latest := newest(versions)
	o, err := decodeOverview(latest)
	if err != nil {
		return row, nil, fmt.Errorf("workspace %s: %w", w.Workspace.Slug, err)
	}
	row.HasVersion, row.Number, row.At, row.By = true, latest.Number, latest.CreatedAt, latest.CreatedByLogin
	row.Organization, row.Home, row.Summary = o.Organization, o.Home, o.Summary
	for _, v := range versions {
		if v.Number == latest.Number-1 {
			prev, err := decodeOverview(v)
			if err != nil {
				return row, nil, fmt.Errorf("workspace %s: %w", w.Workspace.Slug, err)
			}
			row.Previous = &prev.Summary
		}
	}
	row.Trend, row.TrendClass = trendWords(row.Previous, row.Summary)
	h, err := s.head(ctx, latest)
	if err != nil {
		return row, nil, fmt.Errorf("workspace %s: %w", w.Workspace.Slug, err)
	}
	return row, h.Providers, nil
}

// newest returns the version with the highest number.
func newest(vs []store.Version) store.Version {
	return slices.MaxFunc(vs, func(a, b store.Version) int { return cmp.Compare(a.Number, b.Number) })
}

// trendWords says how the gaps and flow violations moved from prev to now,
// and whether that is worse, better or mixed.
func trendWords(prev *sovmap.Summary, now sovmap.Summary) (string, string) {
	if prev == nil {
		return "first version", ""
	}
	dg, dv := now.Gaps-prev.Gaps, now.Violations-prev.Violations
	if dg == 0 && dv == 0 {
		return "no change in gaps or violations", ""
	}
	var parts []string
	if dg != 0 {
		parts = append(parts, fmt.Sprintf("gaps %+d", dg))
	}
	if dv != 0 {
		parts = append(parts, fmt.Sprintf("violations %+d", dv))
	}
	class := "mixed"
	switch {
	case dg >= 0 && dv >= 0:
		class = "worse"
	case dg <= 0 && dv <= 0:
		class = "better"
	}
	return fmt.Sprintf("%s (%s)", strings.Join(parts, ", "), class), class
}
