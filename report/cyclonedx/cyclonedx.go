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

// WriteOptions writes the BOM with options.
func WriteOptions(w io.Writer, r *sovmap.Report, inv *sovmap.Inventory, opts Options) error {
	if inv == nil && r == nil {
		return fmt.Errorf("cyclonedx: nothing to write")
	}
	if inv == nil {
		inv = fromReport(r)
	}
	if opts.SerialNumber == "" {
		s, err := randomSerial()
		if err != nil {
			return fmt.Errorf("cyclonedx: serial number: %w", err)
		}
		opts.SerialNumber = s
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	bom, err := Build(r, inv, opts)
	if err != nil {
		return err
	}
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	// Build makes a 1.6 BOM directly. EncodeVersion is not used: its gob
	// round trip drops a pointer to false, such as x-trust-boundary: false.
	if err := enc.Encode(bom); err != nil {
		return fmt.Errorf("cyclonedx: %w", err)
	}
	return nil
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

// Build makes the BOM; opts.SerialNumber must be a urn:uuid.
func Build(r *sovmap.Report, inv *sovmap.Inventory, opts Options) (*cdx.BOM, error) {
	serialUUID, ok := stripURN(opts.SerialNumber)
	if !ok {
		return nil, fmt.Errorf("cyclonedx: serial number %q is not urn:uuid:<uuid>", opts.SerialNumber)
	}
	results := map[string]*sovmap.ComponentResult{}
	tiers := map[string]string{}
	// assessed holds the providers as the assessment resolved them, with
	// the legal names and countries of knowledge-base providers that the
	// inventory names only by id.
	assessed := map[string]*sovmap.ProviderResult{}
	if r != nil {
		for i := range r.Components {
			results[r.Components[i].ID] = &r.Components[i]
		}
		for i, p := range r.Providers {
			tiers[p.ID] = p.Tier
			assessed[p.ID] = &r.Providers[i]
		}
	}
	providers := map[string]*sovmap.Provider{}
	for i := range inv.Providers {
		providers[inv.Providers[i].ID] = &inv.Providers[i]
	}
	isService := map[string]bool{}
	// refs are the bom-refs: a component imported from a BOM keeps the
	// bom-ref it had there (when it is still unique), any other its id.
	refs := make(map[string]string, len(inv.Components))
	usedRef := map[string]bool{}
	for _, c := range inv.Components {
		usedRef[c.ID] = true
	}
	for _, c := range inv.Components {
		_, sbom := sbomType(&c)
		isService[c.ID] = ServiceLayer(c.Layer) && !sbom
		refs[c.ID] = c.ID
		if orig := c.Tags[TagBOMRef]; orig != "" && orig != c.ID && !usedRef[orig] {
			refs[c.ID] = orig
			usedRef[orig] = true
		}
	}
	ref := func(id string) string {
		if r, ok := refs[id]; ok {
			return r
		}
		return id
	}
	link := func(id string) string {
		return "urn:cdx:" + serialUUID + "/1#" + (&url.URL{Fragment: ref(id)}).EscapedFragment()
	}

	bom := &cdx.BOM{
		JSONSchema:  "http://cyclonedx.org/schema/bom-1.6.schema.json",
		BOMFormat:   cdx.BOMFormat,
		SpecVersion: cdx.SpecVersion1_6,
	}
	bom.SerialNumber = opts.SerialNumber
	bom.Version = 1
	bom.Metadata = metadata(r, inv, opts)

	var services []cdx.Service
	var components []cdx.Component
	serviceIndex := map[string]int{}
	for i := range inv.Components {
		c := &inv.Components[i]
		res := results[c.ID]
		// A provider the inventory defines travels as the service's
		// provider (name and country); only a knowledge-base provider id,
		// which any reader can resolve, is written as sovmap:provider.
		_, defined := providers[c.Provider]
		props := componentProps(c, res, !defined)
		name := c.Name
		if name == "" {
			name = c.ID
		}
		var entity *cdx.OrganizationalEntity
		if c.Provider != "" {
			entity = organization(c.Provider, providers[c.Provider], assessed[c.Provider])
		}
		if !isService[c.ID] {
			typ, sbom := sbomType(c)
			if !sbom {
				typ = componentTypes[c.Layer]
			}
			comp := cdx.Component{
				BOMRef:     ref(c.ID),
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
			components = append(components, comp)
			continue
		}
		s := cdx.Service{
			BOMRef:     ref(c.ID),
			Provider:   entity,
			Name:       name,
			Properties: &props,
		}
		if res != nil {
			zone := trustZone(c, res, tiers)
			s.TrustZone = zone
			crosses := zone != sovmap.TierHome.String()
			s.CrossesTrustBoundary = &crosses
			*s.Properties = append(*s.Properties, cdx.Property{Name: PropTrustZone, Value: zone})
		}
		serviceIndex[c.ID] = len(services)
		services = append(services, s)
	}

	// Flows: on the source service, outbound; else on the destination, inbound.
	for _, f := range inv.Flows {
		classes := f.Data
		if len(classes) == 0 {
			classes = []string{"unclassified"}
		}
		desc := fmt.Sprintf("sovmap flow %s: %s -> %s", f.ID, f.From, f.To)
		if f.Mechanism != "" {
			desc += ", transfer mechanism " + string(f.Mechanism)
		}
		var owner int
		var entry func(class string) cdx.DataClassification
		switch {
		case isService[f.From]:
			owner = serviceIndex[f.From]
			entry = func(class string) cdx.DataClassification {
				return cdx.DataClassification{Flow: cdx.DataFlowOutbound, Classification: class, Name: f.ID,
					Description: desc, Destination: &[]string{link(f.To)}}
			}
		case isService[f.To]:
			owner = serviceIndex[f.To]
			entry = func(class string) cdx.DataClassification {
				return cdx.DataClassification{Flow: cdx.DataFlowInbound, Classification: class, Name: f.ID,
					Description: desc, Source: &[]string{link(f.From)}}
			}
		default:
			continue // carried by the metadata's flow_json only
		}
		s := &services[owner]
		if s.Data == nil {
			s.Data = &[]cdx.DataClassification{}
		}
		for _, class := range classes {
			*s.Data = append(*s.Data, entry(class))
		}
		if f.Mechanism != "" {
			*s.Properties = append(*s.Properties, cdx.Property{Name: PropFlowMechanism, Value: f.ID + "=" + string(f.Mechanism)})
		}
	}
	if len(components) > 0 {
		bom.Components = &components
	}
	if len(services) > 0 {
		bom.Services = &services
	}

	// Dependencies: every component gets an entry, so that "depends on
	// nothing" is stated rather than unknown.
	deps := []cdx.Dependency{}
	for _, c := range inv.Components {
		d := cdx.Dependency{Ref: ref(c.ID)}
		if len(c.DependsOn) > 0 {
			on := make([]string, 0, len(c.DependsOn))
			for _, dep := range c.DependsOn {
				on = append(on, ref(dep.ID))
			}
			d.Dependencies = &on
		}
		deps = append(deps, d)
	}
	bom.Dependencies = &deps
	return bom, nil
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
