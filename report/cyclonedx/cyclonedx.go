// Package cyclonedx writes an inventory, and its assessment when there is
// one, as a CycloneDX 1.6 BOM in JSON, so that supply-chain tools see the AI
// stack, its providers, trust zones and data flows.
//
// The mapping (docs/formats.md has the full table):
//   - components of the model, data and hardware layers become CycloneDX
//     components (machine-learning-model, data, device); every other layer
//     is a service, since the organization consumes it as one;
//   - a component's provider is the service's provider (a component's
//     supplier), with its country as the address; a provider the inventory
//     does not define (a knowledge-base provider) is also named by id in
//     sovmap:provider, so that readers resolve it;
//   - a service's trustZone is the worst jurisdiction tier that reaches it
//     (controller or compelled-access exposure), and x-trust-boundary is set
//     when that zone is not home;
//   - each flow is a services[].data entry named after the flow: outbound on
//     its source with a BOM-Link to the destination, or inbound on its
//     destination when the source is not a service;
//   - depends_on edges are the BOM's dependencies;
//   - everything else (layer, locations, operated_from, levels, ...) is a
//     property in the "sovmap:" namespace; providers, flows, arrangements and
//     rules are also carried whole, as JSON, in the metadata's properties,
//     so an importer loses nothing.
package cyclonedx

import (
	"cmp"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/report"
)

// Prefix starts the name of every property sovmap writes.
const Prefix = "sovmap:"

// Property names. Repeating properties (locations, data classes, ...) are
// written once per value, as CycloneDX allows.
const (
	PropID              = Prefix + "id"
	PropLayer           = Prefix + "layer"
	PropProvider        = Prefix + "provider"
	PropLocation        = Prefix + "location"
	PropOperatedFrom    = Prefix + "operated_from"
	PropData            = Prefix + "data"
	PropCriticality     = Prefix + "criticality"
	PropKeyCustody      = Prefix + "key_custody"
	PropCertification   = Prefix + "certification"
	PropArrangement     = Prefix + "arrangement"
	PropAlternative     = Prefix + "alternative"
	PropMigrationDays   = Prefix + "migration_days"
	PropSupplyDep       = Prefix + "supply_dependency"
	PropGoverningLaw    = Prefix + "contract.governing_law"
	PropExitNoticeDays  = Prefix + "contract.exit_notice_days"
	PropDataReturn      = Prefix + "contract.data_return"
	PropPortability     = Prefix + "contract.portability"
	PropAuditRights     = Prefix + "contract.audit_rights"
	PropTagPrefix       = Prefix + "tag."
	PropLevel           = Prefix + "level"
	PropEffectiveLevel  = Prefix + "effective_level"
	PropRequiredLevel   = Prefix + "required_level"
	PropGap             = Prefix + "gap"
	PropSourcing        = Prefix + "sourcing"
	PropBinding         = Prefix + "binding"
	PropExposure        = Prefix + "exposure"
	PropLimitedBy       = Prefix + "limited_by"
	PropController      = Prefix + "controller"
	PropTrustZone       = Prefix + "trust_zone"
	PropFlowMechanism   = Prefix + "flow_mechanism"
	PropVersion         = Prefix + "version"
	PropOrganization    = Prefix + "organization"
	PropHome            = Prefix + "home"
	PropTrusted         = Prefix + "trusted"
	PropRestricted      = Prefix + "restricted"
	PropNeutral         = Prefix + "neutral"
	PropProviderJSON    = Prefix + "provider_json"
	PropFlowJSON        = Prefix + "flow_json"
	PropArrangementJSON = Prefix + "arrangement_json"
	PropRuleJSON        = Prefix + "rule_json"
	PropSummaryPrefix   = Prefix + "summary."
)

// Options tune the BOM. The zero value is valid.
type Options struct {
	// SerialNumber is the BOM's urn:uuid serial number; empty means a fresh
	// random one, as CycloneDX asks of every new BOM.
	SerialNumber string
	// Now stamps metadata.timestamp; the zero value means time.Now().
	Now time.Time
	// ToolVersion is sovmap's version, recorded in metadata.tools.
	ToolVersion string
}

// Write writes inv (with r's levels when r is not nil) as a CycloneDX 1.6
// JSON BOM. When inv is nil, the components come from r alone.
func Write(w io.Writer, r *sovmap.Report, inv *sovmap.Inventory) error {
	return WriteOptions(w, r, inv, Options{})
}

// WriteOptions writes the BOM with options, through WriteStream: a
// report held whole is written as the server writes a stored one.
func WriteOptions(w io.Writer, r *sovmap.Report, inv *sovmap.Inventory, opts Options) error {
	switch {
	case r != nil:
		return WriteStream(w, report.StreamOf(r, inv), opts)
	case inv != nil:
		bare := *inv
		bare.Components = nil
		return writeBOM(w, nil, &bare, func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
			for i := range inv.Components {
				if err := yield(nil, &inv.Components[i]); err != nil {
					return err
				}
			}
			return nil
		}, opts)
	}
	return fmt.Errorf("cyclonedx: nothing to write")
}

// ServiceLayer reports whether components of a layer are written as
// services (true) or as CycloneDX components (false).
func ServiceLayer(l sovmap.Layer) bool {
	_, isComponent := componentTypes[l]
	return !isComponent
}

// The tags the CycloneDX importer records of a component it read from a
// BOM (importer/cyclonedx): written back as the BOM had them, so that an
// SBOM assessed by sovmap stays an SBOM.
const (
	TagType    = "cyclonedx.type"
	TagVersion = "cyclonedx.version"
	TagPURL    = "cyclonedx.purl"
	TagBOMRef  = "cyclonedx.bom-ref"
)

// sbomType returns the CycloneDX component type a component had in the BOM
// it was imported from, and false when it has none (or was a service).
func sbomType(c *sovmap.Component) (cdx.ComponentType, bool) {
	switch t := cdx.ComponentType(c.Tags[TagType]); t {
	case cdx.ComponentTypeApplication, cdx.ComponentTypeContainer, cdx.ComponentTypeCryptographicAsset,
		cdx.ComponentTypeData, cdx.ComponentTypeDevice, cdx.ComponentTypeDeviceDriver, cdx.ComponentTypeFile,
		cdx.ComponentTypeFirmware, cdx.ComponentTypeFramework, cdx.ComponentTypeLibrary,
		cdx.ComponentTypeMachineLearningModel, cdx.ComponentTypeOS, cdx.ComponentTypePlatform:
		return t, true
	}
	return "", false
}

var componentTypes = map[sovmap.Layer]cdx.ComponentType{
	sovmap.LayerModel:    cdx.ComponentTypeMachineLearningModel,
	sovmap.LayerData:     cdx.ComponentTypeData,
	sovmap.LayerHardware: cdx.ComponentTypeDevice,
}

// Build makes the BOM whole; opts.SerialNumber must be a urn:uuid. The
// writers stream the same BOM instead (WriteStream), a component at a time.
func Build(r *sovmap.Report, inv *sovmap.Inventory, opts Options) (*cdx.BOM, error) {
	results := map[string]*sovmap.ComponentResult{}
	if r != nil {
		for i := range r.Components {
			results[r.Components[i].ID] = &r.Components[i]
		}
	}
	isService := map[string]bool{}
	var cands []candidate
	for i := range inv.Components {
		c := &inv.Components[i]
		isService[c.ID] = asService(c)
		if orig, ok := wantsRef(c); ok {
			cands = append(cands, candidate{c.ID, orig})
		}
	}
	taken := map[string]bool{}
	for _, c := range inv.Components {
		taken[c.ID] = true
	}
	m, err := newMapper(r, inv, opts, isService, claimRefs(cands, taken))
	if err != nil {
		return nil, err
	}

	bom := m.envelope()
	var services []cdx.Service
	var components []cdx.Component
	deps := []cdx.Dependency{}
	for i := range inv.Components {
		c := &inv.Components[i]
		if isService[c.ID] {
			services = append(services, m.service(c, results[c.ID]))
		} else {
			components = append(components, m.component(c, results[c.ID]))
		}
		deps = append(deps, m.dependency(c))
	}
	if len(components) > 0 {
		bom.Components = &components
	}
	if len(services) > 0 {
		bom.Services = &services
	}
	bom.Dependencies = &deps
	return bom, nil
}

// A candidate is a component imported from a BOM that asks for the
// bom-ref it had there.
type candidate struct{ id, orig string }

// wantsRef returns the bom-ref a component had in the BOM it was imported
// from, when that is not its id.
func wantsRef(c *sovmap.Component) (string, bool) {
	orig := c.Tags[TagBOMRef]
	return orig, orig != "" && orig != c.ID
}

// claimRefs gives each candidate, in order, the bom-ref it asks for unless
// that is taken: a component's id (taken holds those asked for that are)
// or the claim of an earlier candidate. It returns the bom-refs that are
// not the component's id; taken is changed.
func claimRefs(cands []candidate, taken map[string]bool) map[string]string {
	refs := map[string]string{}
	for _, c := range cands {
		if !taken[c.orig] {
			refs[c.id] = c.orig
			taken[c.orig] = true
		}
	}
	return refs
}

// asService reports whether a component is written as a service: by its
// layer, unless it was a component of the BOM it was imported from.
func asService(c *sovmap.Component) bool {
	_, sbom := sbomType(c)
	return ServiceLayer(c.Layer) && !sbom
}

// mapper turns components into CycloneDX components, services and
// dependencies, given what the BOM knows of all of them: the providers,
// the flows and which of their ends are services, the bom-refs that are
// not ids. It holds nothing per component beyond those.
type mapper struct {
	r          *sovmap.Report // nil for an inventory not assessed
	inv        *sovmap.Inventory
	opts       Options
	serialUUID string
	refs       map[string]string
	// tiers and assessed are the providers as the assessment resolved
	// them, with the legal names and countries of knowledge-base providers
	// that the inventory names only by id; providers those it defines.
	tiers     map[string]string
	assessed  map[string]*sovmap.ProviderResult
	providers map[string]*sovmap.Provider
	// owned lists, per service id, the flows written on it: outbound on
	// its source when that is a service, else inbound on its destination.
	owned map[string][]*sovmap.Flow
	// isService holds whether each end of a flow is a service.
	isService map[string]bool
}

// newMapper makes the mapper of a BOM; isService must say of every end of
// a flow whether it is a service (an unknown id is not).
func newMapper(r *sovmap.Report, inv *sovmap.Inventory, opts Options, isService map[string]bool, refs map[string]string) (*mapper, error) {
	serialUUID, ok := stripURN(opts.SerialNumber)
	if !ok {
		return nil, fmt.Errorf("cyclonedx: serial number %q is not urn:uuid:<uuid>", opts.SerialNumber)
	}
	m := &mapper{r: r, inv: inv, opts: opts, serialUUID: serialUUID, refs: refs, isService: isService,
		tiers: map[string]string{}, assessed: map[string]*sovmap.ProviderResult{},
		providers: map[string]*sovmap.Provider{}, owned: map[string][]*sovmap.Flow{}}
	if r != nil {
		for i, p := range r.Providers {
			m.tiers[p.ID] = p.Tier
			m.assessed[p.ID] = &r.Providers[i]
		}
	}
	for i := range inv.Providers {
		m.providers[inv.Providers[i].ID] = &inv.Providers[i]
	}
	for i := range inv.Flows {
		f := &inv.Flows[i]
		switch {
		case isService[f.From]:
			m.owned[f.From] = append(m.owned[f.From], f)
		case isService[f.To]:
			m.owned[f.To] = append(m.owned[f.To], f)
		} // else carried by the metadata's flow_json only
	}
	return m, nil
}

// envelope is the BOM without its components, services and dependencies.
func (m *mapper) envelope() *cdx.BOM {
	return &cdx.BOM{
		JSONSchema:   "http://cyclonedx.org/schema/bom-1.6.schema.json",
		BOMFormat:    cdx.BOMFormat,
		SpecVersion:  cdx.SpecVersion1_6,
		SerialNumber: m.opts.SerialNumber,
		Version:      1,
		Metadata:     metadata(m.r, m.inv, m.opts),
	}
}

// ref is a component's bom-ref: a component imported from a BOM keeps the
// bom-ref it had there (when it is still unique), any other its id.
func (m *mapper) ref(id string) string {
	if r, ok := m.refs[id]; ok {
		return r
	}
	return id
}

// link is the BOM-Link of a component of this BOM.
func (m *mapper) link(id string) string {
	return "urn:cdx:" + m.serialUUID + "/1#" + (&url.URL{Fragment: m.ref(id)}).EscapedFragment()
}

// common is what a component and a service share: a name, the provider as
// an organization, and the properties. A provider the inventory defines
// travels as the provider (name and country); only a knowledge-base
// provider id, which any reader can resolve, is written as sovmap:provider.
func (m *mapper) common(c *sovmap.Component, res *sovmap.ComponentResult) (name string, entity *cdx.OrganizationalEntity, props []cdx.Property) {
	_, defined := m.providers[c.Provider]
	props = componentProps(c, res, !defined)
	name = cmp.Or(c.Name, c.ID)
	if c.Provider != "" {
		entity = organization(c.Provider, m.providers[c.Provider], m.assessed[c.Provider])
	}
	return name, entity, props
}

// component maps a component not written as a service; res may be nil.
func (m *mapper) component(c *sovmap.Component, res *sovmap.ComponentResult) cdx.Component {
	name, entity, props := m.common(c, res)
	typ, sbom := sbomType(c)
	if !sbom {
		typ = componentTypes[c.Layer]
	}
	comp := cdx.Component{
		BOMRef:     m.ref(c.ID),
		Type:       typ,
		Name:       name,
		Supplier:   entity,
		Properties: &props,
	}
	if sbom {
		// What the BOM it came from said of it, as it said it.
		comp.Version = c.Tags[TagVersion]
		comp.PackageURL = c.Tags[TagPURL]
	}
	if c.Layer == sovmap.LayerData && len(c.Data) > 0 {
		var data []cdx.ComponentData
		for _, class := range c.Data {
			data = append(data, cdx.ComponentData{Type: cdx.ComponentDataTypeDataset, Name: c.ID, Classification: class})
		}
		comp.Data = &data
	}
	return comp
}

// service maps a component written as a service, with the flows it
// carries; res may be nil.
func (m *mapper) service(c *sovmap.Component, res *sovmap.ComponentResult) cdx.Service {
	name, entity, props := m.common(c, res)
	s := cdx.Service{
		BOMRef:     m.ref(c.ID),
		Provider:   entity,
		Name:       name,
		Properties: &props,
	}
	if res != nil {
		zone := trustZone(c, res, m.tiers)
		s.TrustZone = zone
		crosses := zone != sovmap.TierHome.String()
		s.CrossesTrustBoundary = &crosses
		*s.Properties = append(*s.Properties, cdx.Property{Name: PropTrustZone, Value: zone})
	}
	for _, f := range m.owned[c.ID] {
		classes := f.Data
		if len(classes) == 0 {
			classes = []string{"unclassified"}
		}
		desc := fmt.Sprintf("sovmap flow %s: %s -> %s", f.ID, f.From, f.To)
		if f.Mechanism != "" {
			desc += ", transfer mechanism " + string(f.Mechanism)
		}
		if s.Data == nil {
			s.Data = &[]cdx.DataClassification{}
		}
		for _, class := range classes {
			e := cdx.DataClassification{Classification: class, Name: f.ID, Description: desc}
			if f.From == c.ID && m.isService[f.From] {
				e.Flow, e.Destination = cdx.DataFlowOutbound, &[]string{m.link(f.To)}
			} else {
				e.Flow, e.Source = cdx.DataFlowInbound, &[]string{m.link(f.From)}
			}
			*s.Data = append(*s.Data, e)
		}
		if f.Mechanism != "" {
			*s.Properties = append(*s.Properties, cdx.Property{Name: PropFlowMechanism, Value: f.ID + "=" + string(f.Mechanism)})
		}
	}
	return s
}

// dependency is a component's entry in the BOM's dependencies: every
// component gets one, so that "depends on nothing" is stated rather than
// unknown.
func (m *mapper) dependency(c *sovmap.Component) cdx.Dependency {
	d := cdx.Dependency{Ref: m.ref(c.ID)}
	if len(c.DependsOn) > 0 {
		on := make([]string, 0, len(c.DependsOn))
		for _, dep := range c.DependsOn {
			on = append(on, m.ref(dep.ID))
		}
		d.Dependencies = &on
	}
	return d
}

func metadata(r *sovmap.Report, inv *sovmap.Inventory, opts Options) *cdx.Metadata {
	org := inv.Organization
	var props []cdx.Property
	add := func(name, value string) {
		if value != "" {
			props = append(props, cdx.Property{Name: name, Value: value})
		}
	}
	add(PropVersion, strconv.Itoa(max(inv.Version, sovmap.Version)))
	add(PropOrganization, org.Name)
	add(PropHome, org.Home)
	for _, j := range org.Trusted {
		add(PropTrusted, j)
	}
	for _, j := range org.Restricted {
		add(PropRestricted, j)
	}
	for _, j := range org.Neutral {
		add(PropNeutral, j)
	}
	addJSON := func(name string, v any) {
		b, err := json.Marshal(v)
		if err == nil { // the domain types always marshal
			add(name, string(b))
		}
	}
	for _, p := range inv.Providers {
		addJSON(PropProviderJSON, p)
	}
	for _, f := range inv.Flows {
		addJSON(PropFlowJSON, f)
	}
	for _, a := range inv.Arrangements {
		addJSON(PropArrangementJSON, a)
	}
	for _, rl := range inv.Rules {
		addJSON(PropRuleJSON, rl)
	}
	if r != nil {
		s := r.Summary
		add(PropSummaryPrefix+"components", strconv.Itoa(s.Components))
		add(PropSummaryPrefix+"gaps", strconv.Itoa(s.Gaps))
		add(PropSummaryPrefix+"max_gap", strconv.Itoa(s.MaxGap))
		add(PropSummaryPrefix+"violations", strconv.Itoa(s.Violations))
		add(PropSummaryPrefix+"hhi_provider", strconv.Itoa(s.HHIProvider))
		add(PropSummaryPrefix+"exposed_components", strconv.Itoa(s.Exposed))
		for l, n := range s.ByLevel {
			add(fmt.Sprintf("%sby_level.%d", PropSummaryPrefix, l), strconv.Itoa(n))
		}
	}
	// No metadata.component: importers read it as one more component, and
	// the inventory is the organization's whole stack, not one product.
	tool := cdx.Component{Type: cdx.ComponentTypeApplication, Name: "sovmap", Version: opts.ToolVersion}
	return &cdx.Metadata{
		Timestamp:  opts.Now.UTC().Format(time.RFC3339),
		Tools:      &cdx.ToolsChoice{Components: &[]cdx.Component{tool}},
		Properties: &props,
	}
}

// componentProps lists the sovmap: properties of a component; providerID
// says whether to write its provider id.
func componentProps(c *sovmap.Component, res *sovmap.ComponentResult, providerID bool) []cdx.Property {
	var props []cdx.Property
	add := func(name, value string) {
		if value != "" {
			props = append(props, cdx.Property{Name: name, Value: value})
		}
	}
	addAll := func(name string, values []string) {
		for _, v := range values {
			add(name, v)
		}
	}
	add(PropID, c.ID)
	add(PropLayer, string(c.Layer))
	if providerID {
		add(PropProvider, c.Provider)
	}
	addAll(PropLocation, c.Locations)
	addAll(PropOperatedFrom, c.OperatedFrom)
	addAll(PropData, c.Data)
	add(PropCriticality, string(c.Criticality))
	add(PropKeyCustody, string(c.KeyCustody))
	addAll(PropCertification, c.Certifications)
	add(PropArrangement, c.Arrangement)
	addAll(PropAlternative, c.Alternatives)
	if c.MigrationDays != nil {
		add(PropMigrationDays, strconv.Itoa(*c.MigrationDays))
	}
	for _, d := range c.DependsOn {
		if d.Kind == sovmap.Supply {
			add(PropSupplyDep, d.ID)
		}
	}
	if k := c.Contract; k != nil {
		add(PropGoverningLaw, k.GoverningLaw)
		if k.ExitNoticeDays != nil {
			add(PropExitNoticeDays, strconv.Itoa(*k.ExitNoticeDays))
		}
		if k.DataReturn != nil {
			add(PropDataReturn, strconv.FormatBool(*k.DataReturn))
		}
		add(PropPortability, string(k.Portability))
		if k.AuditRights != nil {
			add(PropAuditRights, strconv.FormatBool(*k.AuditRights))
		}
	}
	keys := make([]string, 0, len(c.Tags))
	for k := range c.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		add(PropTagPrefix+k, c.Tags[k])
	}
	if res != nil {
		add(PropLevel, strconv.Itoa(int(res.Level)))
		add(PropEffectiveLevel, strconv.Itoa(int(res.EffectiveLevel)))
		add(PropRequiredLevel, strconv.Itoa(int(res.RequiredLevel)))
		add(PropGap, strconv.Itoa(res.Gap))
		add(PropSourcing, string(res.Sourcing))
		for _, b := range res.Binding {
			add(PropBinding, string(b))
		}
		addAll(PropExposure, res.Exposure)
		add(PropLimitedBy, res.LimitedBy)
		add(PropController, res.Controller)
	}
	return props
}

// organization is a provider as a CycloneDX organizational entity: the
// inventory's entry when it defines one, else the provider as the
// assessment resolved it from the knowledge base (its legal name and
// country), else its id alone.
func organization(id string, p *sovmap.Provider, assessed *sovmap.ProviderResult) *cdx.OrganizationalEntity {
	name, country := id, ""
	switch {
	case p != nil:
		name, country = cmp.Or(p.Name, p.ID), p.Country
	case assessed != nil:
		name, country = cmp.Or(assessed.Name, id), assessed.Country
	}
	e := &cdx.OrganizationalEntity{Name: name}
	if country != "" {
		e.Address = &cdx.PostalAddress{Country: country}
	}
	return e
}

// trustZone is the worst tier among the component's controller and the
// jurisdictions whose laws reach it; a component the organization runs
// itself starts at home.
func trustZone(c *sovmap.Component, res *sovmap.ComponentResult, providerTiers map[string]string) string {
	worst := sovmap.TierHome
	consider := func(name string) {
		for t := sovmap.TierHome; t <= sovmap.TierUnknown; t++ {
			if t.String() == name {
				if rank(t) > rank(worst) {
					worst = t
				}
				return
			}
		}
	}
	if c.Provider != "" {
		if t, ok := providerTiers[c.Provider]; ok {
			consider(t)
		} else {
			consider(sovmap.TierUnknown.String())
		}
	}
	for _, e := range res.ExposureDetails {
		consider(e.Tier)
	}
	return worst.String()
}

// rank orders tiers for "worst": unknown sits between neutral and
// restricted, since a known restriction is worse than a missing fact.
func rank(t sovmap.Tier) int {
	switch t {
	case sovmap.TierUnknown:
		return 25
	case sovmap.TierRestricted:
		return 30
	}
	return int(t) * 10
}

// fromReport makes a bare inventory from a report, for BOMs written without
// the inventory: ids, layers and providers only.
func fromReport(r *sovmap.Report) *sovmap.Inventory {
	inv := &sovmap.Inventory{Version: sovmap.Version, Organization: sovmap.Organization{Name: r.Organization, Home: r.Home}}
	for _, p := range r.Providers {
		inv.Providers = append(inv.Providers, sovmap.Provider{ID: p.ID, Name: p.Name, Country: p.Country})
	}
	for _, c := range r.Components {
		inv.Components = append(inv.Components, sovmap.Component{ID: c.ID, Layer: c.Layer, Provider: c.Provider})
	}
	for _, f := range r.Flows {
		inv.Flows = append(inv.Flows, sovmap.Flow{ID: f.ID, From: f.From, To: f.To, Data: f.Data, Mechanism: f.Mechanism, Inferred: f.Inferred})
	}
	return inv
}

func randomSerial() (string, error) {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		return "", err
	}
	u[6] = (u[6] & 0x0f) | 0x40
	u[8] = (u[8] & 0x3f) | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]), nil
}

// stripURN returns the UUID of a urn:uuid serial number, lower-cased
// checks included: BOM-Links need exactly that form.
func stripURN(serial string) (string, bool) {
	const p = "urn:uuid:"
	if len(serial) != len(p)+36 || serial[:len(p)] != p {
		return "", false
	}
	u := serial[len(p):]
	for i, ch := range u {
		switch i {
		case 8, 13, 18, 23:
			if ch != '-' {
				return "", false
			}
		default:
			if !(ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f') {
				return "", false
			}
		}
	}
	return u, true
}
