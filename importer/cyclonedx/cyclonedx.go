// Package cyclonedx imports CycloneDX BOMs (JSON, specification 1.4 to 1.6;
// 1.2, 1.3 and 1.7 are read too) into sovmap inventories: components and
// services, nested ones included, become components; ML models and
// datasets of ML-BOMs become model and data components; suppliers,
// manufacturers and service providers become providers with their
// countries; the data flows of services become flows; and the BOM's
// dependency graph becomes depends_on.
//
// Facts CycloneDX has no field for are read from properties in the sovmap
// namespace (sovmap:layer, sovmap:location, sovmap:operated_from,
// sovmap:criticality, sovmap:key_custody, sovmap:data, sovmap:provider),
// which override what the importer would derive.
//
// Published BOMs are not always valid JSON: the CycloneDX ML-BOM dataset
// example has trailing commas. By default such commas are accepted with a
// warning that names their line and column; Options.Strict rejects them.
package cyclonedx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
	"github.com/sovmap/sovmap/internal/plural"
)

// Options are the CycloneDX importer's options.
type Options struct {
	importer.Options
	// Strict rejects documents that are not valid JSON, such as those with
	// trailing commas, instead of accepting them with a warning.
	Strict bool
}

// supported are the specification versions the importer reads.
var supported = map[string]bool{"1.2": true, "1.3": true, "1.4": true, "1.5": true, "1.6": true, "1.7": true}

// maxCommaWarnings bounds how many trailing commas are listed one by one.
const maxCommaWarnings = 10

// Import reads a CycloneDX JSON BOM named name (for messages).
func Import(ctx context.Context, name string, data []byte, opts Options) (*importer.Result, error) {
	if opts.KB == nil {
		return nil, fmt.Errorf("%s: no knowledge base given", name)
	}
	if len(data) > importer.MaxInputSize {
		return nil, fmt.Errorf("%s: %d bytes is more than the %d an import accepts", name, len(data), importer.MaxInputSize)
	}
	res := importer.NewResult()
	bom, cleaned, err := decode(name, data, opts, res)
	if err != nil {
		return nil, err
	}
	im := &run{name: name, data: cleaned, opts: opts, bom: bom, res: res, ids: importer.NewIDs(),
		byRef: map[string]int{}, providerIDs: map[string]string{}, seenClass: map[string]bool{}, supply: map[string][]string{}}
	if err := im.collect(ctx); err != nil {
		return nil, err
	}
	im.dependencies()
	im.flows()
	return res, nil
}

// decode checks the envelope and decodes the BOM.
func decode(name string, data []byte, opts Options, res *importer.Result) (*cdx.BOM, []byte, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	switch {
	case len(trimmed) == 0:
		return nil, nil, fmt.Errorf("%s: empty file (expected a CycloneDX JSON BOM)", name)
	case trimmed[0] == '<':
		return nil, nil, fmt.Errorf("%s: this is XML; the importer reads CycloneDX JSON (convert it with `cyclonedx convert --output-format json`)", name)
	case trimmed[0] != '{':
		line, col := importer.LineCol(data, int64(len(data)-len(trimmed)))
		return nil, nil, fmt.Errorf("%s:%d:%d: expected a JSON object (a CycloneDX BOM)", name, line, col)
	}
	cleaned, commas := importer.StripTrailingCommas(data)
	if len(commas) > 0 {
		if opts.Strict {
			c := commas[0]
			return nil, nil, fmt.Errorf("%s:%d:%d: trailing comma before a closing bracket: not valid JSON (fix the file, or import without --strict to accept it)", name, c.Line, c.Col)
		}
		for i, c := range commas {
			if i == maxCommaWarnings {
				res.Warn(name, "%d more trailing commas accepted", len(commas)-maxCommaWarnings)
				break
			}
			res.Warn(fmt.Sprintf("%s:%d:%d", name, c.Line, c.Col), "trailing comma accepted (not valid JSON; --strict rejects it)")
		}
	}
	// The envelope first: encoding/json checks the syntax of the whole
	// document before it decodes, so syntax errors get their position here.
	var envelope struct {
		BOMFormat   string `json:"bomFormat"`
		SpecVersion any    `json:"specVersion"`
	}
	if err := json.Unmarshal(cleaned, &envelope); err != nil {
		return nil, nil, importer.JSONError(name, cleaned, err)
	}
	if envelope.BOMFormat != "CycloneDX" {
		return nil, nil, importer.PathError(name, cleaned, []any{"bomFormat"}, "bomFormat is %q, not \"CycloneDX\"", envelope.BOMFormat)
	}
	version, _ := envelope.SpecVersion.(string)
	if !supported[version] {
		return nil, nil, importer.PathError(name, cleaned, []any{"specVersion"}, "specVersion %v is not supported (1.2 to 1.7; 1.4 to 1.6 are tested)", envelope.SpecVersion)
	}
	var bom cdx.BOM
	if err := decodeBOM(cleaned, &bom); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			// cyclonedx-go decodes some parts on their own, so offsets are
			// not always document offsets: name the field instead.
			return nil, nil, fmt.Errorf("%s: %s: expected %s, found JSON %s", name, typ.Field, typ.Type, typ.Value)
		}
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return &bom, cleaned, nil
}

// decodeBOM runs cyclonedx-go's decoder, turning a panic in it into an
// error: a malformed BOM must never bring sovmap down.
func decodeBOM(data []byte, bom *cdx.BOM) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the CycloneDX decoder failed on this document: %v", r)
		}
	}()
	return cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(bom)
}

// node is one component or service of the BOM, with its JSON path.
type node struct {
	path []any
	comp *cdx.Component
	svc  *cdx.Service
	// metadata marks the BOM's own subject (metadata.component).
	metadata bool
}

func (n node) ref() string {
	if n.comp != nil {
		return n.comp.BOMRef
	}
	return n.svc.BOMRef
}

func (n node) svcProps() *[]cdx.Property {
	if n.svc == nil {
		return nil
	}
	return n.svc.Properties
}

func (n node) label() string {
	name := ""
	if n.comp != nil {
		name = n.comp.Name
	} else {
		name = n.svc.Name
	}
	return pathString(n.path) + " (" + name + ")"
}

// run is one import in progress.
type run struct {
	name string
	// data is the document as decoded (trailing commas blanked), for
	// locating values in messages.
	data  []byte
	opts  Options
	bom   *cdx.BOM
	res   *importer.Result
	ids   *importer.IDs
	nodes []node
	// byRef maps bom-refs to component indexes.
	byRef map[string]int
	// providerIDs maps normalised entity names to provider ids.
	providerIDs map[string]string
	// seenClass holds the unrecognised classification labels warned about.
	seenClass map[string]bool
	// wantID holds, per node, the id its sovmap:id property claimed.
	wantID []string
	// supply lists, per component id, the dependencies its
	// sovmap:supply_dependency properties mark as supply dependencies.
	supply map[string][]string
	// fromSovmap is set when the BOM was written by sovmap (its metadata
	// has sovmap:version): dependency kinds then come from its properties.
	fromSovmap bool
	// carriedFlows are flows a BOM written by sovmap carries whole; when
	// there are any, they are the flows and none is derived.
	carriedFlows []sovmap.Flow
	// inline pairs the node of each model with the node of each dataset
	// its model card describes inline.
	inline [][2]int
	// oddTypes counts the components of each type the importer does not
	// know, read as applications.
	oddTypes map[string]int
	errs     []error
}

// maxNesting bounds how deep nested components and services are followed.
const maxNesting = 64

func (im *run) walkComponents(list *[]cdx.Component, path []any, depth int) {
	if list == nil || depth > maxNesting {
		return
	}
	for i := range *list {
		c := &(*list)[i]
		p := append(append([]any(nil), path...), i)
		im.addComponent(node{path: p, comp: c})
		im.walkComponents(c.Components, append(p, "components"), depth+1)
	}
}

// addComponent adds a component's node, and a node for each dataset its
// model card describes inline (rather than by bom-ref): a dataset is data
// the model was trained on, wherever the BOM writes it down.
func (im *run) addComponent(n node) {
	model := len(im.nodes)
	im.nodes = append(im.nodes, n)
	mc := n.comp.ModelCard
	if mc == nil || mc.ModelParameters == nil || mc.ModelParameters.Datasets == nil {
		return
	}
	for j, ds := range *mc.ModelParameters.Datasets {
		cd := ds.ComponentData
		if cd == nil {
			continue
		}
		path := append(append([]any(nil), n.path...), "modelCard", "modelParameters", "datasets", j)
		data := []cdx.ComponentData{*cd}
		comp := &cdx.Component{BOMRef: cd.BOMRef, Type: cdx.ComponentTypeData, Name: cd.Name, Data: &data}
		if comp.Name == "" {
			comp.Name = fmt.Sprintf("%s dataset %d", n.comp.Name, j+1)
		}
		im.inline = append(im.inline, [2]int{model, len(im.nodes)})
		im.nodes = append(im.nodes, node{path: path, comp: comp})
	}
}

func (im *run) walkServices(list *[]cdx.Service, path []any, depth int) {
	if list == nil || depth > maxNesting {
		return
	}
	for i := range *list {
		s := &(*list)[i]
		p := append(append([]any(nil), path...), i)
		im.nodes = append(im.nodes, node{path: p, svc: s})
		im.walkServices(s.Services, append(p, "services"), depth+1)
	}
}

// collect makes a component of every component and service.
func (im *run) collect(ctx context.Context) error {
	if md := im.bom.Metadata; md != nil && md.Component != nil {
		im.addComponent(node{path: []any{"metadata", "component"}, comp: md.Component, metadata: true})
		im.walkComponents(md.Component.Components, []any{"metadata", "component", "components"}, 1)
	}
	im.walkComponents(im.bom.Components, []any{"components"}, 0)
	im.walkServices(im.bom.Services, []any{"services"}, 0)
	im.metadata()
	im.claimIDs()
	if len(im.nodes) == 0 {
		im.res.Warn(im.name, "the BOM lists no components and no services")
	}
	inv := im.res.Inventory
	for i, n := range im.nodes {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		im.opts.Report(i+1, len(im.nodes))
		c := im.component(n, im.wantID[i])
		if ref := n.ref(); ref != "" {
			if _, dup := im.byRef[ref]; dup {
				im.res.Warn(im.name+": "+n.label(), "bom-ref %q is used twice; dependencies on it go to the first", ref)
			} else {
				im.byRef[ref] = len(inv.Components)
			}
		}
		inv.Components = append(inv.Components, c)
	}
	if len(im.errs) > 0 {
		return errors.Join(im.errs...)
	}
	im.reportUnowned()
	im.reportTypes()
	return nil
}

// reportUnowned warns about components without a provider, which sovmap
// reads as run by the organization itself, and about providers without a
// country, whose jurisdiction stays unknown. Services are named one by
// one; software components, often many, are counted.
func (im *run) reportUnowned() {
	inv := im.res.Inventory
	if im.fromSovmap {
		// sovmap writes no provider for what the organization runs itself.
		return
	}
	var unowned []string
	for i, n := range im.nodes {
		c := inv.Components[i]
		if c.Provider != "" {
			continue
		}
		if n.svc != nil {
			im.res.Warn(im.name+": "+n.label(), "the service names no provider; sovmap reads it as run by the organization itself (set %s or an overlay if it is not)", PropProvider)
			continue
		}
		unowned = append(unowned, c.ID)
	}
	if n := len(unowned); n > 0 {
		im.res.Warn(im.name, "%s %s no supplier, manufacturer or publisher (%s); sovmap reads %s as run by the organization itself (set %s or an overlay if %s not)",
			plural.Count(n, "component"), plural.Pick(n, "names", "name"), examples(unowned), plural.Pick(n, "it", "them"), PropProvider, plural.Pick(n, "it is", "they are"))
	}
	var stateless []string
	for _, p := range inv.Providers {
		if p.Country == "" {
			stateless = append(stateless, p.ID)
		}
	}
	if n := len(stateless); n > 0 {
		im.res.Warn(im.name, "%s %s no country in the BOM (%s); %s unknown until an overlay gives %s",
			plural.Count(n, "provider"), plural.Pick(n, "has", "have"), examples(stateless), plural.Pick(n, "its jurisdiction stays", "their jurisdictions stay"), plural.Pick(n, "it", "them"))
	}
}

// examples lists the first few ids of a long list, and "..." for the rest.
func examples(ids []string) string {
	if len(ids) > 5 {
		ids = append(ids[:5:5], fmt.Sprintf("... %d more", len(ids)-5))
	}
	return strings.Join(ids, ", ")
}

// reportTypes warns about the component types the importer does not know,
// once per type.
func (im *run) reportTypes() {
	for _, t := range slices.Sorted(maps.Keys(im.oddTypes)) {
		n := im.oddTypes[t]
		what := fmt.Sprintf("type %q, which is not a CycloneDX component type", t)
		if t == "" {
			what = "no type (CycloneDX requires one)"
		}
		im.res.Warn(im.name, "%s %s %s; read as %s in layer application (set %s to place %s)",
			plural.Count(n, "component"), plural.Pick(n, "has", "have"), what, plural.Pick(n, "an application", "applications"), PropLayer, plural.Pick(n, "it", "them"))
	}
}

func (im *run) component(n node, id string) sovmap.Component {
	var c sovmap.Component
	var props *[]cdx.Property
	var entity *cdx.OrganizationalEntity
	tags := map[string]string{}
	if n.comp != nil {
		x := n.comp
		c.ID = id
		if c.ID == "" {
			c.ID = im.ids.Unique(idFor(x.BOMRef, x.Group, x.Name))
		}
		c.Name = x.Name
		layer, known := componentLayer(x.Type)
		if !known {
			if im.oddTypes == nil {
				im.oddTypes = map[string]int{}
			}
			im.oddTypes[string(x.Type)]++
		}
		c.Layer = layer
		props = x.Properties
		entity = firstEntity(x.Supplier, x.Manufacturer)
		if entity == nil && x.Publisher != "" {
			entity = &cdx.OrganizationalEntity{Name: x.Publisher}
		}
		if n.metadata && entity == nil && im.bom.Metadata != nil {
			entity = firstEntity(im.bom.Metadata.Supplier, im.bom.Metadata.Manufacturer)
		}
		if !im.fromSovmap {
			setTag(tags, "cyclonedx.type", string(x.Type))
			setTag(tags, "cyclonedx.version", x.Version)
			setTag(tags, "cyclonedx.purl", x.PackageURL)
		}
		if x.Data != nil {
			for _, d := range *x.Data {
				c.Data = im.addClass(c.Data, d.Classification)
			}
		}
	} else {
		x := n.svc
		c.ID = id
		if c.ID == "" {
			c.ID = im.ids.Unique(idFor(x.BOMRef, x.Group, x.Name))
		}
		c.Name = x.Name
		c.Layer = serviceLayer(x)
		props = x.Properties
		entity = x.Provider
		if !im.fromSovmap {
			tags["cyclonedx.type"] = "service"
			setTag(tags, "cyclonedx.version", x.Version)
			if x.CrossesTrustBoundary != nil {
				tags["cyclonedx.trust-boundary"] = fmt.Sprint(*x.CrossesTrustBoundary)
			}
			setTag(tags, "cyclonedx.trust-zone", x.TrustZone)
		}
		if x.Data != nil {
			for _, d := range *x.Data {
				c.Data = im.addClass(c.Data, d.Classification)
			}
		}
	}
	if !im.fromSovmap {
		// A BOM written by sovmap carries the component's own tags instead.
		setTag(tags, "cyclonedx.bom-ref", n.ref())
	}
	if len(tags) > 0 {
		c.Tags = tags
	}
	if entity != nil && strings.TrimSpace(entity.Name) != "" {
		c.Provider = im.provider(entity, n)
	}
	im.properties(&c, props, n)
	return c
}

func firstEntity(es ...*cdx.OrganizationalEntity) *cdx.OrganizationalEntity {
	for _, e := range es {
		if e != nil && strings.TrimSpace(e.Name) != "" {
			return e
		}
	}
	return nil
}

func setTag(tags map[string]string, k, v string) {
	if v != "" {
		tags[k] = v
	}
}

// idFor picks a component id: the bom-ref when it already reads as an id,
// otherwise the group and name, which read better than a purl or a UUID.
func idFor(ref, group, name string) string {
	if ref != "" && importer.Clean(ref) == ref && !looksOpaque(ref) {
		return ref
	}
	if strings.TrimSpace(name) == "" {
		return importer.Clean(ref)
	}
	if group != "" && !strings.Contains(group, ".") {
		return importer.Slug(group + "-" + name)
	}
	return importer.Slug(name)
}

// looksOpaque reports whether a bom-ref is a bare UUID, which says nothing
// to a reader.
func looksOpaque(ref string) bool {
	return len(ref) == 36 && strings.Count(ref, "-") == 4
}

// addClass adds the data class of a classification label, once.
func (im *run) addClass(classes []string, label string) []string {
	class, known := importer.DataClass(label)
	if class == "" {
		return classes
	}
	if !known {
		im.noteClass(label, class)
	}
	for _, c := range classes {
		if c == class {
			return classes
		}
	}
	return append(classes, class)
}

// noteClass warns once per unrecognised classification label.
func (im *run) noteClass(label, class string) {
	if im.seenClass[label] {
		return
	}
	im.seenClass[label] = true
	im.res.Warn(im.name, "classification %q is not one sovmap knows; kept as data class %q, under confidential with sovmap's default level for it (declare a class of your own under organization.data_classes, or map it with an overlay)", label, class)
}

// componentLayer maps CycloneDX component types to layers. A type the
// specification does not define (or none) is read as an application, and
// known is false so that the import says so.
func componentLayer(t cdx.ComponentType) (layer sovmap.Layer, known bool) {
	switch t {
	case cdx.ComponentTypeMachineLearningModel:
		return sovmap.LayerModel, true
	case cdx.ComponentTypeData, cdx.ComponentTypeFile:
		return sovmap.LayerData, true
	case cdx.ComponentTypeDevice, cdx.ComponentTypeFirmware, cdx.ComponentTypeDeviceDriver:
		return sovmap.LayerHardware, true
	case cdx.ComponentTypeCryptographicAsset:
		return sovmap.LayerSecurity, true
	case cdx.ComponentTypePlatform, cdx.ComponentTypeOS, cdx.ComponentTypeContainer,
		cdx.ComponentTypeFramework, cdx.ComponentTypeLibrary:
		return sovmap.LayerPlatform, true
	case cdx.ComponentTypeApplication:
		return sovmap.LayerApplication, true
	default:
		return sovmap.LayerApplication, false
	}
}

// serviceKeywords place a service by words of its name or group: a data
// store is storage, a gateway or a queue is connectivity. The first match
// wins; a service that matches none is an application. sovmap:layer
// overrides it.
var serviceKeywords = []struct {
	words []string
	layer sovmap.Layer
}{
	{[]string{"postgres", "mysql", "mariadb", "oracle db", "sql server", "mongodb", "redis", "cassandra", "dynamodb", "cosmos", "database", "s3", "bucket", "blob", "object storage", "storage", "elasticsearch", "opensearch", "vector"}, sovmap.LayerStorage},
	{[]string{"kms", "key vault", "hsm", "vault", "identity", "oauth", "sso", "keycloak"}, sovmap.LayerSecurity},
	{[]string{"gateway", "load balancer", "cdn", "proxy", "dns", "vpn", "queue", "kafka", "message bus"}, sovmap.LayerConnectivity},
	{[]string{"openai", "bedrock", "vertex", "llm", "inference", "model"}, sovmap.LayerModel},
}

func serviceLayer(s *cdx.Service) sovmap.Layer { return serviceLayerOf(s.Group, s.Name) }

func serviceLayerOf(group, name string) sovmap.Layer {
	text := " " + strings.ToLower(group+" "+name) + " "
	text = strings.NewReplacer(".", " ", "-", " ", "_", " ", "/", " ").Replace(text)
	for _, k := range serviceKeywords {
		for _, w := range k.words {
			if strings.Contains(text, " "+w+" ") {
				return k.layer
			}
		}
	}
	return sovmap.LayerApplication
}

// provider returns the provider id of an organizational entity: a
// knowledge-base provider whose name it matches, or a new providers: entry
// with the country of its address.
func (im *run) provider(e *cdx.OrganizationalEntity, n node) string {
	key := providerKey(e.Name)
	if id, ok := im.providerIDs[key]; ok {
		return id
	}
	if p, ok := importer.MatchProvider(im.opts.KB, e.Name); ok {
		im.providerIDs[key] = p.ID
		return p.ID
	}
	id := importer.Slug(e.Name)
	for n := 2; im.providerTaken(id); n++ {
		id = fmt.Sprintf("%s-%d", importer.Slug(e.Name), n)
	}
	p := sovmap.Provider{ID: id, Name: strings.TrimSpace(e.Name)}
	if e.Address != nil && strings.TrimSpace(e.Address.Country) != "" {
		if code, ok := importer.CountryCode(im.opts.KB, e.Address.Country); ok {
			p.Country = code
		} else {
			im.res.Warn(im.name+": "+n.label(), "country %q of %s is not an ISO 3166-1 code or name; left out", e.Address.Country, e.Name)
		}
	}
	im.providerIDs[key] = id
	im.res.Inventory.Providers = append(im.res.Inventory.Providers, p)
	return id
}

// providerKey is how entity names are compared: without legal forms,
// case or punctuation.
func providerKey(name string) string {
	if key := importer.NormalizeName(name); key != "" {
		return key
	}
	return strings.ToLower(strings.TrimSpace(name))
}

func (im *run) providerTaken(id string) bool {
	if _, ok := im.opts.KB.Provider(id); ok {
		return true
	}
	for _, p := range im.res.Inventory.Providers {
		if p.ID == id {
			return true
		}
	}
	return false
}

// dependencyKind says what a dependency on a component costs: software
// that is built in (libraries, frameworks, operating systems, firmware,
// files and datasets) is a supply dependency; services, applications,
// platforms, devices and models are runtime dependencies.
func dependencyKind(n node) sovmap.DependencyKind {
	if n.comp == nil {
		return sovmap.Runtime
	}
	switch n.comp.Type {
	case cdx.ComponentTypeLibrary, cdx.ComponentTypeFramework, cdx.ComponentTypeOS,
		cdx.ComponentTypeFirmware, cdx.ComponentTypeDeviceDriver, cdx.ComponentTypeFile, cdx.ComponentTypeData:
		return sovmap.Supply
	}
	return sovmap.Runtime
}

// dependencies reads the BOM's dependency graph, and the datasets ML model
// cards name.
func (im *run) dependencies() {
	inv := im.res.Inventory
	add := func(from, to int) {
		if from == to {
			return
		}
		c := &inv.Components[from]
		id := inv.Components[to].ID
		for _, d := range c.DependsOn {
			if d.ID == id {
				return
			}
		}
		kind := dependencyKind(im.nodes[to])
		if im.fromSovmap {
			// sovmap's own export says which are supply dependencies.
			kind = sovmap.Runtime
		}
		c.DependsOn = append(c.DependsOn, sovmap.Dependency{ID: id, Kind: kind})
	}
	if im.bom.Dependencies != nil {
		for i, d := range *im.bom.Dependencies {
			from, ok := im.byRef[d.Ref]
			if !ok {
				if d.Dependencies != nil && len(*d.Dependencies) > 0 {
					im.res.Warn(fmt.Sprintf("%s: dependencies[%d]", im.name, i), "ref %q is no component or service of the BOM; its dependencies are left out", d.Ref)
				}
				continue
			}
			im.provides(i, from, d)
			if d.Dependencies == nil {
				continue
			}
			for _, ref := range *d.Dependencies {
				to, ok := im.byRef[ref]
				if !ok {
					im.res.Warn(fmt.Sprintf("%s: dependencies[%d]", im.name, i), "%s depends on %q, which is no component or service of the BOM; left out", d.Ref, ref)
					continue
				}
				add(from, to)
			}
		}
	}
	defer im.applySupply()
	for _, pair := range im.inline {
		add(pair[0], pair[1])
	}
	for i, n := range im.nodes {
		if n.comp == nil || n.comp.ModelCard == nil || n.comp.ModelCard.ModelParameters == nil || n.comp.ModelCard.ModelParameters.Datasets == nil {
			continue
		}
		for _, ds := range *n.comp.ModelCard.ModelParameters.Datasets {
			if ds.Ref == "" {
				continue
			}
			if to, ok := im.byRef[ds.Ref]; ok {
				add(i, to)
			} else {
				im.res.Warn(im.name+": "+n.label(), "model card names dataset %q, which is no component of the BOM; left out", ds.Ref)
			}
		}
	}
}

// provides keeps a CycloneDX 1.6 provides list (what a component
// implements, such as the algorithms of a cryptographic library) as the
// tag cyclonedx.provides with the ids of the components provided. It is no
// dependency: the specification says implementing does not mean in use.
func (im *run) provides(i, from int, d cdx.Dependency) {
	if d.Provides == nil {
		return
	}
	inv := im.res.Inventory
	var ids []string
	for _, ref := range *d.Provides {
		to, ok := im.resolveRef(ref)
		if !ok {
			im.res.Warn(fmt.Sprintf("%s: dependencies[%d]", im.name, i), "%s provides %q, which is no component or service of the BOM; left out", d.Ref, ref)
			continue
		}
		if id := inv.Components[to].ID; !contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return
	}
	c := &inv.Components[from]
	if c.Tags == nil {
		c.Tags = map[string]string{}
	}
	c.Tags["cyclonedx.provides"] = strings.Join(ids, ", ")
}

// applySupply marks the dependencies sovmap:supply_dependency names.
func (im *run) applySupply() {
	inv := im.res.Inventory
	for i := range inv.Components {
		c := &inv.Components[i]
		for _, id := range im.supply[c.ID] {
			for j := range c.DependsOn {
				if c.DependsOn[j].ID == id {
					c.DependsOn[j].Kind = sovmap.Supply
				}
			}
		}
	}
}

// flows turns the data of services into flows. A data entry with sources
// and destinations (CycloneDX 1.5 and later) gives flows from each source
// into the service and from the service to each destination. An entry
// without them (CycloneDX 1.4) gives flows between the service and the
// components that depend on it, in the entry's direction, which CycloneDX
// defines relative to the service.
func (im *run) flows() {
	inv := im.res.Inventory
	if len(im.carriedFlows) > 0 {
		inv.Flows = im.carriedFlows
		return
	}
	index := make(map[string]int, len(inv.Components))
	for i, c := range inv.Components {
		index[c.ID] = i
	}
	dependents := map[int][]int{}
	for i := range inv.Components {
		for _, d := range inv.Components[i].DependsOn {
			if j, ok := index[d.ID]; ok {
				dependents[j] = append(dependents[j], i)
			}
		}
	}
	type pair struct{ from, to int }
	classes := map[pair][]string{}
	var order []pair
	addFlow := func(from, to int, class string) {
		if from == to {
			return
		}
		p := pair{from, to}
		if _, seen := classes[p]; !seen {
			order = append(order, p)
			classes[p] = []string{}
		}
		if class != "" && !contains(classes[p], class) {
			classes[p] = append(classes[p], class)
		}
	}
	for i, n := range im.nodes {
		if n.svc == nil || n.svc.Data == nil {
			continue
		}
		for j, d := range *n.svc.Data {
			class, known := importer.DataClass(d.Classification)
			if class != "" && !known {
				im.noteClass(d.Classification, class)
			}
			where := fmt.Sprintf("%s: %s.data[%d]", im.name, pathString(n.path), j)
			explicit := false
			for _, src := range listOf(d.Source) {
				explicit = true
				if from, ok := im.resolveRef(src); ok {
					addFlow(from, i, class)
				} else {
					im.res.Warn(where, "data source %q is no component or service of the BOM; no flow recorded", src)
				}
			}
			for _, dst := range listOf(d.Destination) {
				explicit = true
				if to, ok := im.resolveRef(dst); ok {
					addFlow(i, to, class)
				} else {
					im.res.Warn(where, "data destination %q is no component or service of the BOM; no flow recorded", dst)
				}
			}
			if explicit {
				continue
			}
			users := dependents[i]
			if len(users) == 0 {
				continue
			}
			switch d.Flow {
			case cdx.DataFlowInbound:
				for _, u := range users {
					addFlow(u, i, class)
				}
			case cdx.DataFlowOutbound:
				for _, u := range users {
					addFlow(i, u, class)
				}
			case cdx.DataFlowBidirectional:
				for _, u := range users {
					addFlow(u, i, class)
					addFlow(i, u, class)
				}
			default:
				im.res.Warn(where, "data flow direction is %q, so no flow is recorded (say inbound, outbound or bi-directional, or give sources and destinations)", d.Flow)
			}
		}
	}
	ids := importer.NewIDs()
	for _, p := range order {
		from, to := inv.Components[p.from].ID, inv.Components[p.to].ID
		data := classes[p]
		sort.Strings(data)
		if len(data) == 0 {
			data = nil
		}
		inv.Flows = append(inv.Flows, sovmap.Flow{ID: ids.Unique(from + "-to-" + to), From: from, To: to, Data: data})
	}
}

// resolveRef finds the component a data flow source or destination names:
// a bom-ref, or a BOM-Link (urn:cdx:serial/version#bom-ref) to this BOM.
func (im *run) resolveRef(ref string) (int, bool) {
	if i, ok := im.byRef[ref]; ok {
		return i, true
	}
	if strings.HasPrefix(ref, "urn:cdx:") {
		if _, frag, ok := strings.Cut(ref, "#"); ok {
			i, ok := im.byRef[frag]
			return i, ok
		}
	}
	return 0, false
}

func listOf(p *[]string) []string {
	if p == nil {
		return nil
	}
	return *p
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// pathString writes a JSON path the way messages show it:
// services[0].services[4].
func pathString(path []any) string {
	var b strings.Builder
	for _, step := range path {
		switch s := step.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", s)
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s)
		}
	}
	return b.String()
}
