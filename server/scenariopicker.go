package server

import (
	"cmp"
	"slices"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/risk"
	"github.com/sovmap/sovmap/scenario"
)

// The scenario picker names each scenario in words, grouped by kind,
// instead of listing machine ids such as compel:IE: at 5,000 components
// the list has over a thousand entries, and "compel:IE" says nothing to a
// procurement lead. The names are built from the knowledge base (country,
// region and law names) and the inventory (provider and arrangement
// names), never hard-coded.

// scenarioGroup is one <optgroup> of the picker: the scenarios of a kind.
type scenarioGroup struct {
	Label   string
	Options []scenarioChoice
}

// scenarioChoice is one scenario of the picker.
type scenarioChoice struct {
	ID, Label string
}

// scenarioKindLabels names the groups, in the order of scenario.Kinds.
var scenarioKindLabels = map[string]string{
	scenario.Compel:            "Foreign authorities compel access to data",
	scenario.ExportControl:     "Export controls stop hardware supply",
	scenario.ProviderExit:      "A provider exits",
	scenario.RevokeArrangement: "A host revokes a digital-embassy arrangement",
	scenario.RegionCut:         "A cloud region is cut off",
	scenario.EnergyShortage:    "An energy shortage in a country",
}

// scenarioGroups names every scenario of list (declared[i] says whether
// the inventory declares list[i]) and groups them: declared ones first,
// then one group per kind, each sorted by name.
func scenarioGroups(m *risk.Model, list []sovmap.Scenario, declared []bool) []scenarioGroup {
	n := newScenarioNamer(m)
	var own scenarioGroup
	byKind := map[string]*scenarioGroup{}
	for i, sc := range list {
		if declared[i] {
			label := sc.ID
			if sc.Description != "" {
				label += ": " + sc.Description
			}
			own.Options = append(own.Options, scenarioChoice{sc.ID, label})
			continue
		}
		g := byKind[sc.Kind]
		if g == nil {
			g = &scenarioGroup{Label: cmp.Or(scenarioKindLabels[sc.Kind], sc.Kind)}
			byKind[sc.Kind] = g
		}
		g.Options = append(g.Options, scenarioChoice{sc.ID, n.name(sc)})
	}
	var out []scenarioGroup
	if len(own.Options) > 0 {
		own.Label = "Declared in the inventory"
		out = append(out, own)
	}
	for _, k := range scenario.Kinds {
		if g := byKind[k]; g != nil {
			slices.SortStableFunc(g.Options, func(a, b scenarioChoice) int { return strings.Compare(a.Label, b.Label) })
			out = append(out, *g)
		}
	}
	return out
}

// scenarioNamer names built-in scenarios; it gathers once, per
// jurisdiction, the compelled-access laws that reach the estate.
type scenarioNamer struct {
	kb        *kb.KB
	inv       *sovmap.Inventory
	laws      map[string][]string
	providers map[string]string
}

func newScenarioNamer(m *risk.Model) *scenarioNamer {
	n := &scenarioNamer{kb: m.KB, inv: m.Inv, laws: map[string][]string{}, providers: map[string]string{}}
	for i := range m.Report.Components {
		for _, e := range m.Report.Components[i].ExposureDetails {
			if !slices.Contains(n.laws[e.Jurisdiction], e.Law) {
				n.laws[e.Jurisdiction] = append(n.laws[e.Jurisdiction], e.Law)
			}
		}
	}
	for _, l := range n.laws {
		slices.Sort(l)
	}
	for _, p := range m.Inv.Providers {
		if p.Name != "" {
			n.providers[p.ID] = p.Name
		}
	}
	return n
}

// country names a country or bloc code as the knowledge base does.
func (n *scenarioNamer) country(code string) string {
	if c, ok := n.kb.Country(code); ok && c.Name != "" {
		return c.Name
	}
	if b, ok := n.kb.Bloc(code); ok && b.Name != "" {
		return b.Name
	}
	return code
}

func (n *scenarioNamer) provider(id string) string {
	if name, ok := n.providers[id]; ok {
		return name
	}
	if p, ok := n.kb.Provider(id); ok && p.Name != "" {
		return p.Name
	}
	return id
}

// name says what the scenario supposes, e.g. "United States authorities
// compel access: Clarifying Lawful Overseas Use of Data (CLOUD) Act;
// Foreign Intelligence Surveillance Act, section 702".
func (n *scenarioNamer) name(sc sovmap.Scenario) string {
	t := sc.Target
	switch sc.Kind {
	case scenario.Compel:
		s := n.country(t) + " authorities compel access"
		if laws := n.laws[t]; len(laws) > 0 {
			s += ": " + strings.Join(laws, "; ")
		}
		return s
	case scenario.ExportControl:
		if t == scenario.Accelerators {
			return "Every foreign supplier of accelerators and hardware stops deliveries"
		}
		return n.country(t) + " stops exports of hardware"
	case scenario.ProviderExit:
		if name := n.provider(t); name != t {
			return name + " (" + t + ") exits"
		}
		return t + " exits"
	case scenario.RevokeArrangement:
		for _, a := range n.inv.Arrangements {
			if a.ID == t && a.Name != "" {
				return n.country(a.Host) + " revokes " + a.Name + " (" + t + ")"
			}
			if a.ID == t {
				return n.country(a.Host) + " revokes arrangement " + t
			}
		}
		return "The host revokes arrangement " + t
	case scenario.RegionCut:
		if r, ok := n.kb.Region(t); ok {
			where := n.country(r.Country)
			if r.City != "" {
				where = r.City + ", " + where
			}
			return "Region " + t + " cut off (" + where + ")"
		}
		return "Region " + t + " cut off"
	case scenario.EnergyShortage:
		return "Energy shortage in " + n.country(t)
	}
	return sc.ID
}
