package scan

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/kb"
)

// UnknownOperator is the provider id of services whose operator the scan
// cannot tell (an OpenAI-compatible endpoint set at run time): a provider
// without a country, which the assessment treats as unknown rather than
// as the organization's own.
const UnknownOperator = "unknown-operator"

// maxEvidence is how many file:line places a component's evidence tag and
// a flow's comment list before "and N more".
const maxEvidence = 10

// Fragment is the inventory a scan yields, with the evidence of each flow
// (file:line places) that the YAML output writes as a comment above it.
type Fragment struct {
	Inventory *sovmap.Inventory
	// FlowEvidence maps a flow id to its places.
	FlowEvidence map[string][]string
	// Warnings are what could not be resolved: a region the knowledge base
	// does not know, a provider it does not know.
	Warnings []string
}

// Build turns the findings into an inventory fragment: a component for each
// calling application, one for each service at each location or endpoint,
// and a flow from each application to each service it calls. A location is
// recorded only when the region was found and the knowledge base knows it;
// otherwise the component has none and a warning says why.
func Build(res *Result, rules *Rules, k *kb.KB) *Fragment {
	frag := &Fragment{
		Inventory:    &sovmap.Inventory{Version: sovmap.Version, Components: []sovmap.Component{}},
		FlowEvidence: map[string][]string{},
	}
	inv := frag.Inventory
	type svcKey struct{ service, region, endpoint string }
	type group struct {
		places   []string
		wrappers []string
		via      string
		apps     map[string][]string
	}
	groups := map[svcKey]*group{}
	var keys []svcKey
	warned := map[string]bool{}
	warn := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if !warned[msg] {
			warned[msg] = true
			frag.Warnings = append(frag.Warnings, msg)
		}
	}
	for _, f := range res.Findings {
		endpoint := f.Endpoint
		if s, ok := rules.Service(f.Service); ok && !s.SelfHosted && !s.Unknown && s.Cloud != "azure" {
			// The public API host says nothing more than the service.
			endpoint = ""
		}
		key := svcKey{f.Service, f.Region, strings.ToLower(endpoint)}
		g := groups[key]
		if g == nil {
			g = &group{apps: map[string][]string{}}
			groups[key] = g
			keys = append(keys, key)
		}
		place := fmt.Sprintf("%s:%d", f.File, f.Line)
		g.places = append(g.places, place)
		g.apps[f.App] = append(g.apps[f.App], place)
		if f.Wrapper != "" && !slices.Contains(g.wrappers, f.Wrapper) {
			g.wrappers = append(g.wrappers, f.Wrapper)
		}
		if g.via == "" {
			g.via = f.RegionVia
		}
	}
	slices.SortFunc(keys, func(a, b svcKey) int {
		return strings.Compare(a.service+"\x00"+a.region+"\x00"+a.endpoint, b.service+"\x00"+b.region+"\x00"+b.endpoint)
	})

	apps := sortedKeys(res.Apps)
	appIDs := map[string]string{}
	for _, app := range apps {
		id := "app:" + idPart(app)
		appIDs[app] = id
		inv.Components = append(inv.Components, sovmap.Component{
			ID: id, Name: app, Layer: sovmap.LayerApplication,
			Tags: map[string]string{"scan.directory": res.Apps[app]},
		})
	}
	unknownAdded := false
	for _, key := range keys {
		g := groups[key]
		s, _ := rules.Service(key.service)
		suffix := idPart(key.service)
		name := s.Name
		if key.region != "" {
			suffix += ":" + idPart(key.region)
			name += " (" + key.region + ")"
		}
		if key.endpoint != "" {
			suffix += ":" + idPart(key.endpoint)
			name += " at " + key.endpoint
		}
		c := sovmap.Component{
			ID: "ai:" + suffix, Name: name, Layer: sovmap.LayerModel,
			Tags: map[string]string{"scan.service": key.service, "scan.evidence": evidence(g.places)},
		}
		if len(g.wrappers) > 0 {
			slices.Sort(g.wrappers)
			c.Tags["scan.wrapper"] = strings.Join(g.wrappers, ",")
		}
		if key.endpoint != "" {
			c.Tags["scan.endpoint"] = key.endpoint
		}
		switch {
		case s.SelfHosted:
			// The organization's own: no provider, and where it runs is for
			// the organization to say (an overlay).
			c.Tags["scan.operator"] = "self-hosted"
		case s.Unknown:
			c.Provider = UnknownOperator
			if !unknownAdded {
				unknownAdded = true
				inv.Providers = append(inv.Providers, sovmap.Provider{ID: UnknownOperator, Name: "Operator not identified (endpoint set at run time or not in the scan's rules)"})
			}
			warn("%s: %s: the operator is unknown; say who runs it in an overlay (provider, locations)", c.ID, evidence(g.places))
		default:
			c.Provider = s.Provider
			if _, ok := k.Provider(s.Provider); !ok {
				importer.EnsureProvider(inv, k, sovmap.Provider{ID: s.Provider})
				warn("%s: provider %s is not in the knowledge base; add it with --kb to give its country", c.ID, s.Provider)
			}
		}
		if key.region != "" {
			c.Tags["scan.region"] = key.region
			c.Tags["scan.region_via"] = g.via
			if s.Cloud == "" {
				warn("%s: region %s found but service %s has no cloud in the rules; no location recorded", c.ID, key.region, s.ID)
			} else if r, ok := k.Region(s.Cloud + ":" + key.region); ok {
				c.Locations = []string{r.ID}
			} else {
				warn("%s: %s:%s is not a region of the knowledge base (a multi-region such as global, us or eu, or a new region); no location recorded (add it with --kb)", c.ID, s.Cloud, key.region)
			}
		} else if s.Cloud != "" {
			warn("%s: %s: no region found in the call, the file or the application's configuration; location unknown", c.ID, evidence(g.places))
		}
		inv.Components = append(inv.Components, c)
		for _, app := range sortedKeys(g.apps) {
			id := "scan:" + idPart(app) + ":" + suffix
			inv.Flows = append(inv.Flows, sovmap.Flow{ID: id, From: appIDs[app], To: c.ID, Data: slices.Clone(s.Data)})
			frag.FlowEvidence[id] = g.apps[app]
		}
	}
	return frag
}

var notID = regexp.MustCompile(`[^A-Za-z0-9_.@+-]+`)

// idPart writes s with the characters an inventory id allows, keeping '/'
// out so that overlay patterns such as ai:* match whole services.
func idPart(s string) string {
	out := strings.Trim(notID.ReplaceAllString(s, "-"), "-._")
	if out == "" {
		return "unnamed"
	}
	return out
}

// evidence lists places, at most maxEvidence of them.
func evidence(places []string) string {
	if len(places) <= maxEvidence {
		return strings.Join(places, ", ")
	}
	return strings.Join(places[:maxEvidence], ", ") + fmt.Sprintf(" and %d more", len(places)-maxEvidence)
}

// fragmentDoc is the file layout of a fragment: an inventory without an
// organization unless one is given, so that it merges with the
// organization's inventory (sovmap assess inventory.yaml ai.yaml).
type fragmentDoc struct {
	Version      int                  `json:"version" yaml:"version"`
	Organization *sovmap.Organization `json:"organization,omitempty" yaml:"organization,omitempty"`
	Providers    []sovmap.Provider    `json:"providers,omitempty" yaml:"providers,omitempty"`
	Components   []sovmap.Component   `json:"components" yaml:"components"`
	Flows        []sovmap.Flow        `json:"flows,omitempty" yaml:"flows,omitempty"`
	Rules        []sovmap.Rule        `json:"rules,omitempty" yaml:"rules,omitempty"`
}

func (f *Fragment) doc() fragmentDoc {
	inv := f.Inventory
	d := fragmentDoc{Version: inv.Version, Providers: inv.Providers, Components: inv.Components, Flows: inv.Flows, Rules: inv.Rules}
	if inv.Organization.Name != "" || inv.Organization.Home != "" {
		d.Organization = &inv.Organization
	}
	return d
}

// WriteYAML writes the fragment as YAML, header lines first as comments,
// each flow preceded by a comment with its evidence.
func (f *Fragment) WriteYAML(w io.Writer, header string) error {
	var root yaml.Node
	if err := root.Encode(f.doc()); err != nil {
		return fmt.Errorf("encoding the fragment: %w", err)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "flows" {
			continue
		}
		for _, item := range root.Content[i+1].Content {
			for j := 0; j+1 < len(item.Content); j += 2 {
				if item.Content[j].Value == "id" {
					if places := f.FlowEvidence[item.Content[j+1].Value]; len(places) > 0 {
						item.HeadComment = "evidence: " + evidence(places)
					}
				}
			}
		}
	}
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(header), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	root.HeadComment = strings.Join(lines, "\n")
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return fmt.Errorf("writing the fragment: %w", err)
	}
	return enc.Close()
}

// WriteJSON writes the fragment as indented JSON (without the evidence
// comments, which the components' scan.evidence tags and SARIF carry).
func (f *Fragment) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f.doc()); err != nil {
		return fmt.Errorf("writing the fragment: %w", err)
	}
	return nil
}

// Summary says in one line what the scan found, for the command's stderr.
func (f *Fragment) Summary(res *Result) string {
	services := 0
	for _, c := range f.Inventory.Components {
		if c.Layer == sovmap.LayerModel {
			services++
		}
	}
	return fmt.Sprintf("%s of %s in %s read: %s, %s",
		plural.Count(len(res.Findings), "call"), plural.Count(len(res.Services()), "service"),
		plural.Count(res.Files, "file"), plural.Count(services, "service component"), plural.Count(len(f.Inventory.Flows), "flow"))
}
