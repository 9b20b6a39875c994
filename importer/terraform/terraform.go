// Package terraform imports the output of `terraform show -json`, for a
// plan or a state, into a sovmap inventory: one component per managed
// resource whose type maps to a layer of the AI stack, located by its
// region (from the resource or from its provider configuration, aliases
// and modules included), run by its cloud's provider, and depending on what
// its configuration references.
//
// What the document does not settle is reported, never guessed: a region
// known only after apply, a region the knowledge base does not know, a
// resource with no region at all.
package terraform

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
)

// instance is one resource instance of the document.
type instance struct {
	raw       string // address as written
	addr      address
	mode      string
	typ       string
	provider  string // provider_name as written
	values    map[string]any
	unknown   any      // after_unknown, for plans
	dependsOn []string // recorded in state
	deleted   bool     // a plan deletes it and creates nothing
}

// Options are the Terraform importer's options.
type Options struct {
	importer.Options
	// Layers maps further resource types to layers, or overrides the
	// built-in mapping. A key ending in '*' matches every type it prefixes,
	// such as "ovh_cloud_project_*".
	Layers map[string]sovmap.Layer
}

// Import reads a plan or state document named name (for messages) and
// returns the inventory it describes.
func Import(ctx context.Context, name string, data []byte, opts Options) (*importer.Result, error) {
	if opts.KB == nil {
		return nil, fmt.Errorf("%s: no knowledge base given", name)
	}
	if len(data) > importer.MaxInputSize {
		return nil, fmt.Errorf("%s: %d bytes is more than the %d an import accepts", name, len(data), importer.MaxInputSize)
	}
	doc, err := decode(name, data)
	if err != nil {
		return nil, err
	}
	im := &run{
		name: name, opts: opts, doc: doc, cfg: newConfig(doc), res: importer.NewResult(),
		ids: importer.NewIDs(), byKey: map[string][]int{}, clouds: map[string]bool{},
	}
	for _, r := range opts.KB.Regions() {
		im.clouds[r.Cloud] = true
	}
	if err := im.collect(ctx); err != nil {
		return nil, err
	}
	im.dependencies()
	im.inheritLocations()
	return im.res, nil
}

// decode parses the document and checks that it is one this importer reads.
func decode(name string, data []byte) (*document, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%s: empty file (expected the output of terraform show -json)", name)
	}
	if bytes.HasPrefix(trimmed, []byte("[command]")) {
		return nil, fmt.Errorf("%s:1:1: starts with a [command] line: this is the output of the terraform wrapper of hashicorp/setup-terraform; set terraform_wrapper: false in that step, or delete the first line", name)
	}
	if trimmed[0] != '{' {
		line, col := importer.LineCol(data, int64(len(data)-len(bytes.TrimLeft(data, " \t\r\n"))))
		return nil, fmt.Errorf("%s:%d:%d: expected a JSON object (the output of terraform show -json)", name, line, col)
	}
	var doc document
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, importer.JSONError(name, data, err)
	}
	if doc.FormatVersion == "" {
		var raw struct {
			Version   *int            `json:"version"`
			Lineage   string          `json:"lineage"`
			Resources json.RawMessage `json:"resources"`
		}
		if json.Unmarshal(data, &raw) == nil && raw.Version != nil && raw.Resources != nil {
			return nil, fmt.Errorf("%s: this is a raw state file (terraform.tfstate, version %d); import the output of `terraform show -json` instead", name, *raw.Version)
		}
		return nil, fmt.Errorf("%s: no format_version: not the output of `terraform show -json`", name)
	}
	major, _, _ := strings.Cut(doc.FormatVersion, ".")
	if major != "0" && major != "1" {
		return nil, fmt.Errorf("%s: format_version %q is not supported (this importer reads 0.x and 1.x)", name, doc.FormatVersion)
	}
	if err := checkResources(name, data, &doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

// checkResources refuses a document whose resources lack what Terraform
// always writes (an address, a mode, a type and a provider): such a file
// is not the output of terraform show -json, and importing it would only
// produce an inventory with nothing in it.
func checkResources(name string, data []byte, doc *document) error {
	check := func(section, addr, mode, typ, provider string) error {
		var missing []string
		for _, f := range []struct{ key, v string }{{"address", addr}, {"mode", mode}, {"type", typ}, {"provider_name", provider}} {
			if f.v == "" {
				missing = append(missing, f.key)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		where := name
		if addr != "" {
			if off := bytes.Index(data, []byte(strconv.Quote(addr))); off >= 0 {
				line, col := importer.LineCol(data, int64(off))
				where = fmt.Sprintf("%s:%d:%d", name, line, col)
			}
		}
		return fmt.Errorf("%s: a resource in %s without %s: not a plan or a state written by terraform show -json", where, section, strings.Join(missing, ", "))
	}
	for _, rc := range doc.ResourceChanges {
		if err := check("resource_changes", rc.Address, rc.Mode, rc.Type, rc.ProviderName); err != nil {
			return err
		}
	}
	var walk func(section string, m *stateModule, depth int) error
	walk = func(section string, m *stateModule, depth int) error {
		for _, r := range m.Resources {
			if err := check(section, r.Address, r.Mode, r.Type, r.ProviderName); err != nil {
				return err
			}
		}
		for i := range m.ChildModules {
			if depth < maxModuleDepth {
				if err := walk(section, &m.ChildModules[i], depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, v := range []struct {
		section string
		values  *values
	}{{"planned_values", doc.PlannedValues}, {"values", doc.Values}} {
		if v.values != nil {
			if err := walk(v.section, &v.values.RootModule, 0); err != nil {
				return err
			}
		}
	}
	return nil
}

// run is one import in progress.
type run struct {
	name string
	opts Options
	// clouds are the cloud prefixes of the knowledge base's region ids.
	clouds map[string]bool
	doc    *document
	cfg    *config
	res    *importer.Result
	ids    *importer.IDs
	insts  []instance
	// compOf holds, per instance, its index among the inventory's
	// components or -1; byKey maps a resource block to its components.
	compOf []int
	byKey  map[string][]int
}

func (im *run) where(addr string) string { return im.name + ": " + addr }

// instances lists the document's resource instances: a plan's resource
// changes (or, when it has none, its planned values), or a state's values.
func (im *run) instances() []instance {
	var out []instance
	switch {
	case len(im.doc.ResourceChanges) > 0:
		for _, rc := range im.doc.ResourceChanges {
			in := instance{raw: rc.Address, mode: rc.Mode, typ: rc.Type, provider: rc.ProviderName, values: rc.Change.After, unknown: rc.Change.AfterUnknown}
			in.deleted = deletesOnly(rc.Change.Actions)
			out = append(out, in)
		}
	case im.doc.PlannedValues != nil:
		out = stateInstances(&im.doc.PlannedValues.RootModule, out, 0)
	case im.doc.Values != nil:
		out = stateInstances(&im.doc.Values.RootModule, out, 0)
	}
	return out
}

// deletesOnly reports whether a plan's actions remove the resource without
// replacing it ("delete", or "forget" since Terraform 1.7).
func deletesOnly(actions []string) bool {
	if len(actions) == 0 {
		return false
	}
	for _, a := range actions {
		if a != "delete" && a != "forget" {
			return false
		}
	}
	return true
}

func stateInstances(m *stateModule, out []instance, depth int) []instance {
	for _, r := range m.Resources {
		raw := r.Address
		// Terraform 0.12 state wrote counted instances with the same
		// address and a separate index.
		if r.Index != nil && !strings.HasSuffix(raw, "]") {
			switch ix := r.Index.(type) {
			case float64:
				raw = fmt.Sprintf("%s[%d]", raw, int64(ix))
			case string:
				raw = fmt.Sprintf("%s[%q]", raw, ix)
			}
		}
		out = append(out, instance{raw: raw, mode: r.Mode, typ: r.Type, provider: r.ProviderName, values: r.Values, dependsOn: r.DependsOn})
	}
	if depth >= maxModuleDepth {
		return out
	}
	for i := range m.ChildModules {
		out = stateInstances(&m.ChildModules[i], out, depth+1)
	}
	return out
}

// collect makes a component of every instance that is one.
func (im *run) collect(ctx context.Context) error {
	im.insts = im.instances()
	if len(im.insts) == 0 {
		im.res.Warn(im.name, "no resources: the document describes an empty plan or state")
	}
	im.compOf = make([]int, len(im.insts))
	inv := im.res.Inventory
	for i := range im.insts {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		im.opts.Report(i+1, len(im.insts))
		im.compOf[i] = -1
		in := &im.insts[i]
		a, ok := parseAddress(in.raw)
		if !ok {
			im.res.Warn(im.where(in.raw), "not a resource address; skipped")
			im.res.Skip("unreadable address")
			continue
		}
		in.addr = a
		if in.typ == "" {
			in.typ = a.typ
		}
		switch {
		case in.mode == "data" || a.data:
			im.res.Skip("data source")
			continue
		case in.deleted:
			im.res.Skip("planned for deletion")
			continue
		}
		layer, ok := im.layerOf(in.typ)
		if !ok {
			im.res.Skip("no layer mapping: " + in.typ)
			continue
		}
		c := im.component(in, layer)
		im.compOf[i] = len(inv.Components)
		key := a.configKey()
		im.byKey[key] = append(im.byKey[key], len(inv.Components))
		inv.Components = append(inv.Components, c)
	}
	return nil
}

// nameAttributes carry a resource's own name, tried in order.
var nameAttributes = []string{"name", "bucket", "cluster_name", "identifier", "function_name", "domain_name", "table_name", "display_name"}

// layerOf looks a type up in the user's mapping, then in the built-in one.
func (im *run) layerOf(typ string) (sovmap.Layer, bool) {
	if l, ok := im.opts.Layers[typ]; ok {
		return l, true
	}
	best := -1
	var layer sovmap.Layer
	for pattern, l := range im.opts.Layers {
		prefix, ok := strings.CutSuffix(pattern, "*")
		if ok && strings.HasPrefix(typ, prefix) && len(prefix) > best {
			best, layer = len(prefix), l
		}
	}
	if best >= 0 {
		return layer, true
	}
	return layerOf(typ)
}

// localName returns the local name of the provider that manages a
// resource: "aws" for registry.terraform.io/hashicorp/aws, "null" for the
// 0.12 form "null.aliased", or the type's prefix when nothing is written.
func localName(providerName, typ string) string {
	if providerName != "" {
		name := providerName[strings.LastIndex(providerName, "/")+1:]
		name, _, _ = strings.Cut(name, ".")
		if name != "" {
			return name
		}
	}
	name, _, _ := strings.Cut(typ, "_")
	return name
}

// terraformProviders maps Terraform provider names to knowledge-base
// providers where the two differ.
var terraformProviders = map[string]string{
	"aws":         "aws",
	"azurerm":     "microsoft-azure",
	"google":      "google-cloud",
	"google-beta": "google-cloud",
}

func (im *run) component(in *instance, layer sovmap.Layer) sovmap.Component {
	tfProvider := localName(in.provider, in.typ)
	cloud := cloudOf(in.typ)
	if cloud == "" && im.clouds[tfProvider] {
		cloud = tfProvider
	}
	provider := terraformProviders[tfProvider]
	if provider == "" {
		if _, ok := im.opts.KB.Provider(tfProvider); ok {
			provider = tfProvider
		}
	}
	if provider == "" {
		provider = defaultProvider[cloud]
	}
	c := sovmap.Component{
		ID:    im.ids.Unique(in.raw),
		Layer: layer,
		Tags:  map[string]string{"terraform.address": in.raw, "terraform.type": in.typ},
	}
	for _, attr := range nameAttributes {
		if s, ok := in.values[attr].(string); ok && s != "" {
			c.Name = s
			break
		}
	}
	if acc := accelerator(cloud, in.typ, in.values); acc != "" {
		c.Tags["accelerator"] = acc
	}
	if cloud == "" {
		im.res.Warn(im.where(in.raw), "the knowledge base has no regions for provider %q; no location recorded", tfProvider)
	} else if loc, regionProvider, ok := im.locate(in, cloud); ok {
		c.Locations = []string{loc}
		if regionProvider != "" {
			provider = regionProvider
		}
	}
	if provider != "" {
		c.Provider = provider
		importer.EnsureProvider(im.res.Inventory, im.opts.KB, sovmap.Provider{ID: provider, Name: providerNames[provider]})
	}
	return c
}

// locate finds an instance's region and resolves it through the knowledge
// base. It reports what it cannot resolve and returns ok false then.
func (im *run) locate(in *instance, cloud string) (loc, provider string, ok bool) {
	where := im.where(in.raw)
	f, found := regionFromValues(cloud, in.values, in.unknown)
	entry := im.cfg.resources[in.addr.configKey()]
	if !found && entry != nil {
		f, found = im.regionFromConfig(cloud, entry)
	}
	if !found && f.unknown == "" {
		for _, attr := range regionAndZoneAttributes(cloud) {
			if isUnknown(in.unknown, attr) && entry == nil {
				f.unknown = "attribute " + attr
			}
		}
	}
	// Global resources have no region, whatever the provider's default, and
	// a resource that belongs to another (a bucket's object) is where that
	// one is, which need not be the provider's default region.
	if !found && f.unknown == "" && entry != nil && cloud != "azure" && !globalTypes[in.typ] && locatedBy[in.typ] == nil {
		f, found = im.regionFromProvider(cloud, entry)
	}
	// An AWS availability zone known only after apply still lies in the
	// provider's region.
	if !found && f.zoneOnly && entry != nil {
		if pf, ok := im.regionFromProvider(cloud, entry); ok {
			pf.from += " (the availability zone is known only after apply)"
			f, found = pf, true
		}
	}
	switch {
	case found:
	case f.unknown == "" && locatedBy[in.typ] != nil && entry != nil:
		// It shares the region of the resource it belongs to; see
		// inheritLocations, which reports what it cannot settle.
		return "", "", false
	case f.unknown != "":
		im.res.Warn(where, "region unknown until apply (%s); no location recorded", f.unknown)
		return "", "", false
	case in.typ == "google_compute_snapshot" || in.typ == "google_compute_image":
		im.res.Warn(where, "stored in a multi-region unless storage_locations names one region; no location recorded")
		return "", "", false
	case globalTypes[in.typ]:
		im.res.Warn(where, "global resource without a region; no location recorded (set locations in an overlay if it matters)")
		return "", "", false
	default:
		im.res.Warn(where, "no region in the resource or its provider configuration; no location recorded")
		return "", "", false
	}
	region := normaliseRegion(cloud, f.raw)
	if r, ok := importer.LookupRegion(im.opts.KB, cloud, region, zoneRegion(cloud, region)); ok {
		return r.ID, r.Provider, true
	}
	if importer.MultiRegion(cloud, region) {
		im.res.Warn(where, "location %q (%s) is a multi-region spanning several countries; no location recorded", f.raw, f.from)
		return "", "", false
	}
	im.res.Warn(where, "region %s:%s (%s) is not in the knowledge base; no location recorded (add it with --kb)", cloud, region, f.from)
	return "", "", false
}

// regionFromConfig reads a region the resource block sets itself. A value
// known only after apply is reported in the finding's unknown.
func (im *run) regionFromConfig(cloud string, e *configEntry) (regionFinding, bool) {
	for _, attr := range regionAndZoneAttributes(cloud) {
		ex, ok := asExpression(e.res.Expressions[attr])
		if !ok {
			continue
		}
		v, known, why := im.cfg.stringValue(e.scope, ex, 0)
		if !known {
			zoneOnly := cloud == "aws" && contains(zoneAttributes[cloud], attr)
			return regionFinding{unknown: "attribute " + attr + " from " + why, zoneOnly: zoneOnly}, false
		}
		if r := zoneRegion(cloud, v); r != "" && attr == "zone" {
			v = r
		}
		return regionFinding{raw: v, from: "attribute " + attr}, true
	}
	return regionFinding{}, false
}

// regionFromProvider reads the region of the provider configuration the
// resource block uses.
func (im *run) regionFromProvider(cloud string, e *configEntry) (regionFinding, bool) {
	key := e.res.ProviderConfigKey
	if key == "" {
		return regionFinding{}, false
	}
	pc, found, ok := im.cfg.providerConfigFor(key)
	if !ok {
		return regionFinding{}, false
	}
	s := im.cfg.providerScope(pc)
	for _, attr := range []string{"region", "zone"} {
		ex, ok := asExpression(pc.Expressions[attr])
		if !ok {
			continue
		}
		v, known, why := im.cfg.stringValue(s, ex, 0)
		from := "provider " + found
		if !known {
			return regionFinding{unknown: from + " " + attr + " from " + why}, false
		}
		if attr == "zone" {
			if cloud != "gcp" {
				continue
			}
			v = zoneRegion(cloud, v)
			if v == "" {
				continue
			}
		}
		return regionFinding{raw: v, from: from}, true
	}
	return regionFinding{}, false
}

// dependencies turns references and depends_on into component
// dependencies. A reference to a resource that is not a component (a data
// source, a policy, a subnet) is followed through to the components it
// leads to, so that an instance that uses a security group of a VPC
// depends on the VPC.
func (im *run) dependencies() {
	direct := im.blockDependencies()
	im.settingEdges(direct)
	memo := map[string][]string{}
	onStack := map[string]bool{}
	var through func(key string) []string
	through = func(key string) []string {
		if r, done := memo[key]; done {
			return r
		}
		if onStack[key] {
			return nil
		}
		onStack[key] = true
		set := map[string]bool{}
		for _, d := range direct[key] {
			if len(im.byKey[d]) > 0 {
				set[d] = true
				continue
			}
			for _, x := range through(d) {
				set[x] = true
			}
		}
		delete(onStack, key)
		r := sortedKeys(set)
		memo[key] = r
		return r
	}
	inv := im.res.Inventory
	keys := make([]string, 0, len(im.byKey))
	for k := range im.byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		targets := map[string]bool{}
		for _, d := range direct[key] {
			if d == key {
				continue
			}
			if len(im.byKey[d]) > 0 {
				targets[d] = true
				continue
			}
			for _, x := range through(d) {
				targets[x] = true
			}
		}
		delete(targets, key)
		var deps []sovmap.Dependency
		for _, t := range sortedKeys(targets) {
			for _, ci := range im.byKey[t] {
				deps = append(deps, sovmap.Dependency{ID: inv.Components[ci].ID, Kind: sovmap.Runtime})
			}
		}
		for _, ci := range im.byKey[key] {
			if len(deps) > 0 {
				inv.Components[ci].DependsOn = append([]sovmap.Dependency(nil), deps...)
			}
		}
	}
}

// blockDependencies maps each resource block to the blocks it refers to:
// from the configuration when the document has one, and from the
// depends_on that state records.
func (im *run) blockDependencies() map[string][]string {
	direct := map[string][]string{}
	for key, e := range im.cfg.resources {
		direct[key] = im.cfg.dependencies(e)
	}
	known := map[string]bool{}
	for _, in := range im.insts {
		if in.addr.typ != "" {
			known[in.addr.configKey()] = true
		}
	}
	for _, in := range im.insts {
		if len(in.dependsOn) == 0 || in.addr.typ == "" {
			continue
		}
		key := in.addr.configKey()
		seen := map[string]bool{}
		for _, d := range direct[key] {
			seen[d] = true
		}
		for _, dep := range in.dependsOn {
			a, ok := parseAddress(dep)
			if !ok {
				continue
			}
			target := a.configKey()
			if !known[target] && in.addr.module != "" {
				// Relative to the dependent's module.
				if b, ok := parseAddress(in.addr.module + "." + dep); ok {
					target = b.configKey()
				}
			}
			if !seen[target] && target != key {
				seen[target] = true
				direct[key] = append(direct[key], target)
			}
		}
	}
	return direct
}

// settingEdges handles resources that configure another one, such as
// aws_s3_bucket_server_side_encryption_configuration: it refers to the
// bucket and to the KMS key, but it is the bucket that uses the key. When a
// resource that is not a component refers to a component whose type
// prefixes its own, that component gains the setting's other references.
func (im *run) settingEdges(direct map[string][]string) {
	keys := make([]string, 0, len(direct))
	for k := range direct {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		if len(im.byKey[key]) > 0 || strings.HasPrefix(key, "data.") || strings.Contains(key, ".data.") {
			continue
		}
		a, ok := parseAddress(key)
		if !ok {
			continue
		}
		for _, d := range direct[key] {
			if len(im.byKey[d]) == 0 {
				continue
			}
			b, ok := parseAddress(d)
			if !ok || !strings.HasPrefix(a.typ, b.typ+"_") {
				continue
			}
			for _, other := range direct[key] {
				if other != d && !contains(direct[d], other) {
					direct[d] = append(direct[d], other)
				}
			}
		}
	}
}

// locatedBy names, for resources that have no region of their own, the
// attributes that point at the resource whose region they share (provider
// versions name it differently: a storage account's name, then its id).
var locatedBy = map[string][]string{
	"azurerm_kubernetes_cluster_node_pool":      {"kubernetes_cluster_id"},
	"azurerm_cognitive_deployment":              {"cognitive_account_id"},
	"azurerm_storage_container":                 {"storage_account_id", "storage_account_name"},
	"azurerm_storage_share":                     {"storage_account_id", "storage_account_name"},
	"azurerm_storage_blob":                      {"storage_account_name"},
	"azurerm_storage_data_lake_gen2_filesystem": {"storage_account_id"},
	"google_storage_bucket_object":              {"bucket"},
}

// inheritLocations gives resources listed in locatedBy the location of the
// resource they belong to, when the configuration names it.
func (im *run) inheritLocations() {
	inv := im.res.Inventory
	for i, in := range im.insts {
		ci := im.compOf[i]
		attrs, ok := locatedBy[in.typ]
		if ci < 0 || !ok || len(inv.Components[ci].Locations) > 0 {
			continue
		}
		e := im.cfg.resources[in.addr.configKey()]
		if e == nil {
			continue
		}
		r := &resolver{c: im.cfg, visiting: map[string]bool{}}
		parents := map[string]bool{}
		attr := attrs[0]
		for _, a := range attrs {
			if _, set := e.res.Expressions[a]; set {
				attr = a
				break
			}
		}
		r.refs(e.scope, references(e.res.Expressions[attr], nil, 0), parents)
		locs := map[string]bool{}
		for p := range parents {
			for _, pi := range im.byKey[p] {
				for _, l := range inv.Components[pi].Locations {
					locs[l] = true
				}
			}
		}
		switch len(locs) {
		case 1:
			inv.Components[ci].Locations = sortedKeys(locs)
		case 0:
			im.res.Warn(im.where(in.raw), "no region: the resource its %s points at has none; no location recorded", attr)
		default:
			im.res.Warn(im.where(in.raw), "its %s points at resources in several regions (%s); no location recorded", attr, strings.Join(sortedKeys(locs), ", "))
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
