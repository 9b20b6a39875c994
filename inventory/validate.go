package inventory

import (
	"context"
	"fmt"
	"github.com/sovmap/sovmap/graph"
	"github.com/sovmap/sovmap/internal/strictyaml"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/kb"
)

// validator checks every reference and enumerated value of a merged inventory.
type validator struct {
	kb      *kb.KB
	inv     *sovmap.Inventory
	origins *origins
	ps      problems

	providers  map[string]int
	components map[string]int32
	// graph is the dependency graph, resolved over components while the
	// ids are checked; the loader hands it to the caller (LoadGraph).
	graph *graph.Graph

	// Verdicts on values that repeat across many components, so that a
	// large inventory checks each distinct one once.
	classes   *classChecker
	locations map[string]string
}

var (
	dataClassRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$`)
)

// validID reports whether id is a letter or digit followed by letters,
// digits and - _ . : / @ +. It is checked by hand because a regular
// expression costs more than the rest of a component's validation.
func validID(id string) bool {
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case i > 0 && strings.IndexByte("_.:/@+-", c) >= 0:
		default:
			return false
		}
	}
	return id != ""
}

// at locates a field of the i-th entity of a kind, falling back to the
// entity's own position.
func (v *validator) at(kind string, i int, fallback sovmap.Pos, path ...any) sovmap.Pos {
	o := v.origins.of(kind, i)
	if o.src.isJSON && len(v.ps.list) >= maxLocatedJSON {
		return fallback
	}
	return o.src.locate(fallback, append([]any{kind, o.index}, path...)...)
}

// maxLocatedJSON bounds how many problems are located to the exact field of
// a JSON file: finding a field scans the file from its start, so locating
// every problem of a large, systematically broken file (a generator's wrong
// layer name on every component) took quadratic time, minutes for 5,000
// problems. Later problems point at their entity, which is exact too.
const maxLocatedJSON = 200

func (v *validator) run(ctx context.Context) error {
	v.organization()
	v.checkProviders()
	if err := ctx.Err(); err != nil {
		return err
	}
	v.checkComponents(ctx)
	// A cancelled load stops the component checks part way: it must not
	// pass for a clean one.
	if err := ctx.Err(); err != nil {
		return err
	}
	v.checkFlows()
	v.checkArrangements()
	v.checkRules()
	v.checkAssessments()
	v.checkScenarios()
	return v.ps.err()
}

// jurisdiction reports whether code is a country or a bloc of the knowledge base.
func (v *validator) jurisdiction(code string) bool {
	_, ok := v.kb.Expand(code)
	return ok
}

// suggestJurisdiction suggests the code meant by an unknown country or
// bloc: the code of a country written by name ("Netherlands" is NL), or a
// code a letter or two away.
func (v *validator) suggestJurisdiction(s string) string {
	for _, code := range v.kb.CountryCodes() {
		if c, ok := v.kb.Country(code); ok && strings.EqualFold(c.Name, strings.TrimSpace(s)) {
			return fmt.Sprintf(" (did you mean %q?)", code)
		}
	}
	if len(s) <= 3 {
		return strictyaml.Suggest(strings.ToUpper(s), v.kb.CountryCodes())
	}
	return ""
}

// suggestProvider suggests a provider of the inventory or the knowledge
// base spelt nearly alike.
func (v *validator) suggestProvider(id string) string {
	ids := make([]string, 0, len(v.providers))
	for p := range v.providers {
		ids = append(ids, p)
	}
	for _, p := range v.kb.Providers() {
		ids = append(ids, p.ID)
	}
	sort.Strings(ids)
	if s := strictyaml.Suggest(id, ids); s != "" {
		return s
	}
	// A brand for a legal entity ("azure" for microsoft-azure): offer the
	// ids that have it as one of their dash-separated words.
	var near []string
	for _, p := range ids {
		if slices.Contains(strings.Split(p, "-"), strings.ToLower(id)) && !slices.Contains(near, fmt.Sprintf("%q", p)) {
			near = append(near, fmt.Sprintf("%q", p))
		}
	}
	if len(near) == 0 || len(near) > 4 {
		return ""
	}
	return " (did you mean " + strings.Join(near, " or ") + "?)"
}

// suggestRegion suggests a region of the same cloud spelt nearly alike
// ("azure:west-europe" is azure:westeurope).
func (v *validator) suggestRegion(id string) string {
	cloud, _, _ := strings.Cut(id, ":")
	var ids []string
	for _, r := range v.kb.Regions() {
		if r.Cloud == cloud {
			ids = append(ids, r.ID)
		}
	}
	if s := strictyaml.Suggest(id, ids); s != "" {
		return s
	}
	// Separators are the usual slip: compare without them.
	flat := func(s string) string {
		return strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToLower(s))
	}
	for _, r := range ids {
		if flat(r) == flat(id) {
			return fmt.Sprintf(" (did you mean %q?)", r)
		}
	}
	return ""
}

func (v *validator) organization() {
	o := v.inv.Organization
	orgPos := func(path ...any) sovmap.Pos {
		if o.Pos.File == "" {
			return o.Pos
		}
		// The organization lives in one file; find that file's source.
		for _, s := range v.origins.spans["components"] {
			if s.src.name == o.Pos.File {
				return s.src.locate(o.Pos, append([]any{"organization"}, path...)...)
			}
		}
		return o.Pos
	}
	switch {
	case o.Home == "":
		v.ps.add(orgPos(), "organization.home is required: an ISO 3166-1 alpha-2 country code (DE) or a bloc (EU)")
	case !v.jurisdiction(o.Home):
		v.ps.add(orgPos("home"), "organization.home: unknown country or bloc %q", o.Home)
	}
	for _, list := range []struct {
		name  string
		codes []string
	}{{"trusted", o.Trusted}, {"restricted", o.Restricted}, {"neutral", o.Neutral}} {
		for j, c := range list.codes {
			if !v.jurisdiction(c) {
				v.ps.add(orgPos(list.name, j), "organization.%s: unknown country or bloc %q", list.name, c)
			}
		}
	}
	v.classes = newClassChecker(v.declaredClasses(orgPos))
}

func (v *validator) checkProviders() {
	ps := v.inv.Providers
	v.providers = make(map[string]int, len(ps))
	for i := range ps {
		p := &ps[i]
		if p.ID == "" {
			v.ps.add(p.Pos, "provider without an id")
			continue
		}
		if j, dup := v.providers[p.ID]; dup {
			v.ps.add(v.at("providers", i, p.Pos, "id"), "duplicate provider id %q (first at %s)", p.ID, ps[j].Pos)
			continue
		}
		v.providers[p.ID] = i
	}
	for i := range ps {
		p := &ps[i]
		if p.Country != "" {
			if _, ok := v.kb.Country(p.Country); !ok {
				v.ps.add(v.at("providers", i, p.Pos, "country"), "provider %s: unknown country %q%s (use an ISO 3166-1 alpha-2 code)", p.ID, p.Country, v.suggestJurisdiction(p.Country))
			}
		}
		if p.Parent != "" && !v.providerKnown(p.Parent) {
			v.ps.add(v.at("providers", i, p.Pos, "parent"), "provider %s: unknown parent %q (not a provider of the inventory or the knowledge base)", p.ID, p.Parent)
		}
		for j, alt := range p.Alternatives {
			if !v.providerKnown(alt) {
				v.ps.add(v.at("providers", i, p.Pos, "alternatives", j), "provider %s: unknown alternative provider %q", p.ID, alt)
			}
		}
		if p.ForeignOwnership != nil && (*p.ForeignOwnership < 0 || *p.ForeignOwnership > 100) {
			v.ps.add(v.at("providers", i, p.Pos, "foreign_ownership"), "provider %s: foreign_ownership is a percentage from 0 to 100", p.ID)
		}
		if cycle := v.parentCycle(p.ID); cycle != "" {
			v.ps.add(v.at("providers", i, p.Pos, "parent"), "provider %s: parent chain loops: %s", p.ID, cycle)
		}
	}
}

func (v *validator) providerKnown(id string) bool {
	if _, ok := v.providers[id]; ok {
		return true
	}
	_, ok := v.kb.Provider(id)
	return ok
}

// parentCycle returns the loop, written a -> b -> a, when the parent chain
// starting at id comes back on itself.
func (v *validator) parentCycle(id string) string {
	seen := map[string]bool{}
	chain := []string{}
	for cur := id; cur != ""; {
		if seen[cur] {
			return strings.Join(append(chain, cur), " -> ")
		}
		seen[cur] = true
		chain = append(chain, cur)
		if i, ok := v.providers[cur]; ok {
			cur = v.inv.Providers[i].Parent
		} else if p, ok := v.kb.Provider(cur); ok {
			cur = p.Parent
		} else {
			return ""
		}
	}
	return ""
}

func (v *validator) location(loc string) string {
	if msg, ok := v.locations[loc]; ok {
		return msg
	}
	if v.locations == nil {
		v.locations = map[string]string{}
	}
	msg := v.checkLocation(loc)
	v.locations[loc] = msg
	return msg
}

func (v *validator) checkLocation(loc string) string {
	if kb.IsRegionID(loc) {
		if _, ok := v.kb.Region(loc); !ok {
			return fmt.Sprintf("unknown region %q%s (see sovmap kb search; add it under knowledge: regions, or use a country code)", loc, v.suggestRegion(loc))
		}
		return ""
	}
	if !v.jurisdiction(loc) {
		return fmt.Sprintf("unknown location %q%s (use an ISO 3166-1 alpha-2 code, a bloc or a provider:region id)", loc, v.suggestJurisdiction(loc))
	}
	return ""
}

// checkComponents checks every component. The index of ids and the
// resolution of dependencies (on every core) run beside the checks of each
// component's own fields (on this goroutine, the only one that reports
// problems); what needs the index is checked once both are done.
func (v *validator) checkComponents(ctx context.Context) {
	cs := v.inv.Components
	type badID struct {
		i     int
		first int32 // the first component with the same id; -1 if the id is malformed
	}
	var badIDs []badID
	var badDeps []bool
	indexed := make(chan struct{})
	go func() {
		defer close(indexed)
		v.components = make(map[string]int32, len(cs))
		for i := range cs {
			c := &cs[i]
			switch {
			case c.ID == "" || !validID(c.ID):
				badIDs = append(badIDs, badID{i, -1})
			default:
				if j, dup := v.components[c.ID]; dup {
					badIDs = append(badIDs, badID{i, j})
				} else {
					v.components[c.ID] = int32(i)
				}
			}
		}
		v.graph, badDeps = graph.Resolve(v.inv.Components, v.components)
	}()
	v.checkComponentFields(ctx)
	<-indexed
	for _, b := range badIDs {
		c := &cs[b.i]
		switch {
		case c.ID == "":
			v.ps.add(c.Pos, "component without an id")
		case b.first < 0:
			v.ps.add(v.at("components", b.i, c.Pos, "id"), "component id %q: use letters, digits and - _ . : / @ +", c.ID)
		default:
			v.ps.add(v.at("components", b.i, c.Pos, "id"), "duplicate component id %q (first at %s)", c.ID, cs[b.first].Pos)
		}
	}
	for i := range cs {
		c := &cs[i]
		if badDeps[i] {
			for j := range c.DependsOn {
				if id := c.DependsOn[j].ID; !v.isComponent(id) {
					v.ps.add(v.at("components", i, c.Pos, "depends_on", j), "component %s: depends on unknown component %q", c.ID, id)
				}
			}
		}
		for j, alt := range c.Alternatives {
			if _, ok := v.components[alt]; !ok {
				v.ps.add(v.at("components", i, c.Pos, "alternatives", j), "component %s: unknown alternative component %q", c.ID, alt)
			}
		}
	}
	v.checkRenames(cs)
}

// checkRenames checks renamed_from: a former id is no longer a component,
// and only one component can have had it.
func (v *validator) checkRenames(cs []sovmap.Component) {
	var claimed map[string]int
	for i := range cs {
		c := &cs[i]
		for j, old := range c.RenamedFrom {
			at := v.at("components", i, c.Pos, "renamed_from", j)
			if _, ok := v.components[old]; ok {
				v.ps.add(at, "component %s: renamed_from %q, but %q is still a component of the inventory", c.ID, old, old)
				continue
			}
			if claimed == nil {
				claimed = map[string]int{}
			}
			if k, dup := claimed[old]; dup {
				v.ps.add(at, "component %s: renamed_from %q, which component %s already claims", c.ID, old, cs[k].ID)
				continue
			}
			claimed[old] = i
		}
	}
}

// checkComponentFields checks what each component says about itself. It
// runs while the ids are indexed: it must not read v.components, which
// the indexing is writing.
func (v *validator) checkComponentFields(ctx context.Context) {
	cs := v.inv.Components
	arrangements := make(map[string]bool, len(v.inv.Arrangements))
	for _, a := range v.inv.Arrangements {
		arrangements[a.ID] = true
	}
	for i := range cs {
		if i%65536 == 0 && ctx.Err() != nil {
			return
		}
		c := &cs[i]
		if !c.Layer.Valid() {
			if c.Layer == "" {
				v.ps.add(c.Pos, "component %s: layer is required (one of %s)", c.ID, layerList())
			} else {
				v.ps.add(v.at("components", i, c.Pos, "layer"), "component %s: unknown layer %q%s (one of %s)", c.ID, c.Layer, strictyaml.Suggest(string(c.Layer), sovmap.Names(sovmap.Layers)), layerList())
			}
		}
		if c.Provider != "" && !v.providerKnown(c.Provider) {
			v.ps.add(v.at("components", i, c.Pos, "provider"), "component %s: unknown provider %q%s (declare it under providers:, or use a provider of the knowledge base: sovmap kb search)", c.ID, c.Provider, v.suggestProvider(c.Provider))
		}
		for j, loc := range c.Locations {
			if msg := v.location(loc); msg != "" {
				v.ps.add(v.at("components", i, c.Pos, "locations", j), "component %s: %s", c.ID, msg)
			}
		}
		for j, op := range c.OperatedFrom {
			if !v.jurisdiction(op) {
				v.ps.add(v.at("components", i, c.Pos, "operated_from", j), "component %s: operated_from: unknown country or bloc %q%s", c.ID, op, v.suggestJurisdiction(op))
			}
		}
		v.dataClasses(c.Data, func(j int, msg string) {
			v.ps.add(v.at("components", i, c.Pos, "data", j), "component %s: %s", c.ID, msg)
		})
		if !c.Criticality.Valid() {
			v.ps.add(v.at("components", i, c.Pos, "criticality"), "component %s: unknown criticality %q (vital, high, medium or low)", c.ID, c.Criticality)
		}
		if !c.KeyCustody.Valid() {
			v.ps.add(v.at("components", i, c.Pos, "key_custody"), "component %s: unknown key_custody %q (provider, customer-managed, customer-held or domestic-hsm)", c.ID, c.KeyCustody)
		}
		for j := range c.DependsOn {
			d := &c.DependsOn[j] // not a copy: Target is being written
			if d.Kind != sovmap.Runtime && d.Kind != sovmap.Supply {
				v.ps.add(v.at("components", i, c.Pos, "depends_on", j, "kind"), "component %s: dependency kind %q is not runtime or supply", c.ID, d.Kind)
			}
			// A data-carrying dependency becomes an inferred flow: its
			// classes and mechanism are checked as a flow's are.
			if len(d.Data) > 0 {
				v.dataClasses(d.Data, func(k int, msg string) {
					v.ps.add(v.at("components", i, c.Pos, "depends_on", j, "data", k), "component %s: dependency on %s: %s", c.ID, d.ID, msg)
				})
			}
			if d.Mechanism != "" && !d.Mechanism.Valid() {
				v.ps.add(v.at("components", i, c.Pos, "depends_on", j, "mechanism"), "component %s: dependency on %s: mechanism %q is not one of %s", c.ID, d.ID, d.Mechanism, strings.Join(sovmap.Names(sovmap.Mechanisms), ", "))
			}
		}
		if c.Contract != nil {
			v.contract(i, c)
		}
		if c.Arrangement != "" && !arrangements[c.Arrangement] {
			v.ps.add(v.at("components", i, c.Pos, "arrangement"), "component %s: unknown arrangement %q (declare it under arrangements:)", c.ID, c.Arrangement)
		}
		if c.MigrationDays != nil && *c.MigrationDays < 0 {
			v.ps.add(v.at("components", i, c.Pos, "migration_days"), "component %s: migration_days cannot be negative", c.ID)
		}
		v.options(i, c, arrangements)
	}
}

// isComponent reports whether id names a component; only once the ids are
// indexed.
func (v *validator) isComponent(id string) bool {
	_, ok := v.components[id]
	return ok
}

func (v *validator) contract(i int, c *sovmap.Component) {
	v.checkContract(c.Contract, "component "+c.ID, func(path ...any) sovmap.Pos {
		return v.at("components", i, c.Pos, append([]any{"contract"}, path...)...)
	})
}

// checkContract checks contract terms; owner names whose terms they are and
// where locates a field of them.
func (v *validator) checkContract(k *sovmap.Contract, owner string, where func(path ...any) sovmap.Pos) {
	if k.GoverningLaw != "" && !v.jurisdiction(k.GoverningLaw) {
		v.ps.add(where("governing_law"), "%s: governing_law: unknown country or bloc %q", owner, k.GoverningLaw)
	}
	if k.ExitNoticeDays != nil && *k.ExitNoticeDays < 0 {
		v.ps.add(where("exit_notice_days"), "%s: exit_notice_days cannot be negative", owner)
	}
	if k.Portability != "" && !k.Portability.Valid() {
		v.ps.add(where("portability"), "%s: portability %q is not one of %s", owner, k.Portability, strings.Join(sovmap.Names(sovmap.Portabilities), ", "))
	}
}

// options checks a component's options, and that their ids are unique:
// a plan names the option it takes by id.
func (v *validator) options(i int, c *sovmap.Component, arrangements map[string]bool) {
	first := map[string]int{}
	for j, o := range c.Options {
		v.option(i, j, c, o, arrangements)
		if o.ID == "" {
			continue
		}
		if k, dup := first[o.ID]; dup {
			v.ps.add(v.at("components", i, c.Pos, "options", j, "id"), "component %s: duplicate option id %q (first at %s)",
				c.ID, o.ID, v.at("components", i, c.Pos, "options", k, "id"))
			continue
		}
		first[o.ID] = j
	}
}

func (v *validator) option(i, j int, c *sovmap.Component, o sovmap.Option, arrangements map[string]bool) {
	where := func(path ...any) sovmap.Pos {
		return v.at("components", i, c.Pos, append([]any{"options", j}, path...)...)
	}
	// An option without an id is named by its place in the list.
	name := o.ID
	if name == "" {
		name = strconv.Itoa(j + 1)
		v.ps.add(where(), "component %s: option %s has no id", c.ID, name)
	}
	if o.Provider != "" && !v.providerKnown(o.Provider) {
		v.ps.add(where("provider"), "component %s: option %s: unknown provider %q", c.ID, name, o.Provider)
	}
	for k, loc := range o.Locations {
		if msg := v.location(loc); msg != "" {
			v.ps.add(where("locations", k), "component %s: option %s: %s", c.ID, name, msg)
		}
	}
	for k, op := range o.OperatedFrom {
		if !v.jurisdiction(op) {
			v.ps.add(where("operated_from", k), "component %s: option %s: operated_from: unknown country or bloc %q", c.ID, name, op)
		}
	}
	if !o.KeyCustody.Valid() {
		v.ps.add(where("key_custody"), "component %s: option %s: unknown key_custody %q", c.ID, name, o.KeyCustody)
	}
	if o.Contract != nil {
		v.checkContract(o.Contract, fmt.Sprintf("component %s: option %s", c.ID, name), func(path ...any) sovmap.Pos {
			return where(append([]any{"contract"}, path...)...)
		})
	}
	if o.Arrangement != "" && !arrangements[o.Arrangement] {
		v.ps.add(where("arrangement"), "component %s: option %s: unknown arrangement %q", c.ID, name, o.Arrangement)
	}
	if o.CostOnce < 0 {
		v.ps.add(where("cost_once"), "component %s: option %s: cost_once cannot be negative", c.ID, name)
	}
	if o.CostYearly < 0 {
		v.ps.add(where("cost_yearly"), "component %s: option %s: cost_yearly cannot be negative", c.ID, name)
	}
}

func layerList() string {
	names := make([]string, len(sovmap.Layers))
	for i, l := range sovmap.Layers {
		names[i] = string(l)
	}
	return strings.Join(names, ", ")
}

func (v *validator) checkFlows() {
	seen := map[string]bool{}
	for i := range v.inv.Flows {
		f := &v.inv.Flows[i]
		if f.ID == "" {
			v.ps.add(f.Pos, "flow without an id")
		} else if seen[f.ID] {
			v.ps.add(v.at("flows", i, f.Pos, "id"), "duplicate flow id %q", f.ID)
		}
		seen[f.ID] = true
		for _, end := range []struct{ field, id string }{{"from", f.From}, {"to", f.To}} {
			if _, ok := v.components[end.id]; !ok {
				v.ps.add(v.at("flows", i, f.Pos, end.field), "flow %s: %s: unknown component %q", f.ID, end.field, end.id)
			}
		}
		v.dataClasses(f.Data, func(j int, msg string) {
			v.ps.add(v.at("flows", i, f.Pos, "data", j), "flow %s: %s", f.ID, msg)
		})
		if f.Mechanism != "" && !f.Mechanism.Valid() {
			v.ps.add(v.at("flows", i, f.Pos, "mechanism"), "flow %s: mechanism %q is not one of %s", f.ID, f.Mechanism, strings.Join(sovmap.Names(sovmap.Mechanisms), ", "))
		}
	}
}

func (v *validator) checkArrangements() {
	seen := map[string]bool{}
	for i := range v.inv.Arrangements {
		a := &v.inv.Arrangements[i]
		if a.ID == "" {
			v.ps.add(a.Pos, "arrangement without an id")
		} else if seen[a.ID] {
			v.ps.add(v.at("arrangements", i, a.Pos, "id"), "duplicate arrangement id %q", a.ID)
		}
		seen[a.ID] = true
		for _, end := range []struct{ field, code string }{{"host", a.Host}, {"guest", a.Guest}} {
			if _, ok := v.kb.Country(end.code); !ok {
				v.ps.add(v.at("arrangements", i, a.Pos, end.field), "arrangement %s: %s: unknown country %q", a.ID, end.field, end.code)
			}
		}
	}
}

func (v *validator) checkRules() {
	seen := map[string]bool{}
	for i := range v.inv.Rules {
		r := &v.inv.Rules[i]
		if r.ID == "" {
			v.ps.add(r.Pos, "rule without an id")
		} else if seen[r.ID] {
			v.ps.add(v.at("rules", i, r.Pos, "id"), "duplicate rule id %q", r.ID)
		}
		seen[r.ID] = true
		if strings.TrimSpace(r.When) == "" {
			v.ps.add(v.at("rules", i, r.Pos, "when"), "rule %s: when is required (a CEL expression over component)", r.ID)
		}
		if !r.Require.Valid() {
			v.ps.add(v.at("rules", i, r.Pos, "require"), "rule %s: require must be a level from 0 to 4", r.ID)
		}
		if !r.Category.Valid() {
			v.ps.add(v.at("rules", i, r.Pos, "category"), "rule %s: category %q is not regulatory, security or operational", r.ID, r.Category)
		}
		where := func(field string) sovmap.Pos { return v.at("rules", i, r.Pos, field) }
		if v.checkBasis("rule "+r.ID, r.Basis, r.Citation, where) {
			v.checkRegulatory("rule "+r.ID, r.Category, r.Basis, where)
		}
	}
}

func (v *validator) checkAssessments() {
	for i := range v.inv.Assessments {
		a := &v.inv.Assessments[i]
		if !v.providerKnown(a.Provider) {
			v.ps.add(v.at("assessments", i, a.Pos, "provider"), "assessment: unknown provider %q", a.Provider)
		}
		if a.Framework == "" {
			v.ps.add(a.Pos, "assessment of %s: framework is required", a.Provider)
		}
	}
}

// ScenarioKinds lists the stress-test kinds an inventory may declare.
var ScenarioKinds = []string{"compel", "export-control", "provider-exit", "revoke-arrangement", "region-cut", "energy-shortage"}

func (v *validator) checkScenarios() {
	seen := map[string]bool{}
	for i := range v.inv.Scenarios {
		s := &v.inv.Scenarios[i]
		if s.ID == "" {
			v.ps.add(s.Pos, "scenario without an id")
		} else if seen[s.ID] {
			v.ps.add(v.at("scenarios", i, s.Pos, "id"), "duplicate scenario id %q", s.ID)
		}
		seen[s.ID] = true
		if !slices.Contains(ScenarioKinds, s.Kind) {
			v.ps.add(v.at("scenarios", i, s.Pos, "kind"), "scenario %s: kind %q is not one of %s", s.ID, s.Kind, strings.Join(ScenarioKinds, ", "))
		}
		if s.Target == "" {
			v.ps.add(s.Pos, "scenario %s: target is required", s.ID)
		}
	}
}
