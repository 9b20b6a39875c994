package cyclonedx

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
)

// Namespace prefixes the property names the importer reads, following
// CycloneDX's property taxonomy convention of namespace:name.
const Namespace = "sovmap:"

// Property names. List values may be repeated or separated by commas.
const (
	PropLayer        = Namespace + "layer"         // one layer
	PropLocation     = Namespace + "location"      // countries, blocs or provider:region ids
	PropOperatedFrom = Namespace + "operated_from" // countries or blocs
	PropCriticality  = Namespace + "criticality"   // vital, high, medium or low
	PropKeyCustody   = Namespace + "key_custody"   // provider, customer-managed, customer-held or domestic-hsm
	PropData         = Namespace + "data"          // data classes
	PropProvider     = Namespace + "provider"      // a provider id of the knowledge base or the inventory

	// The rest of a component's fields, as sovmap's own CycloneDX export
	// writes them, so that a BOM written by sovmap comes back whole.
	PropID            = Namespace + "id"                // the component id
	PropCertification = Namespace + "certification"     // certifications
	PropArrangement   = Namespace + "arrangement"       // an arrangement id
	PropAlternative   = Namespace + "alternative"       // component ids
	PropMigrationDays = Namespace + "migration_days"    // whole days
	PropSupplyDep     = Namespace + "supply_dependency" // ids of dependencies that are supply dependencies
	PropContract      = Namespace + "contract."         // prefix: governing_law, exit_notice_days, data_return, portability, audit_rights
	PropTag           = Namespace + "tag."              // prefix: tag.KEY=value

	// Metadata properties: the organization, and the inventory's providers,
	// flows, arrangements and rules whole, as JSON.
	PropVersion         = Namespace + "version"
	PropOrganization    = Namespace + "organization"
	PropHome            = Namespace + "home"
	PropTrusted         = Namespace + "trusted"
	PropRestricted      = Namespace + "restricted"
	PropNeutral         = Namespace + "neutral"
	PropProviderJSON    = Namespace + "provider_json"
	PropFlowJSON        = Namespace + "flow_json"
	PropArrangementJSON = Namespace + "arrangement_json"
	PropRuleJSON        = Namespace + "rule_json"
)

// results are the properties an assessment writes into a BOM (levels,
// gaps, exposure). They are outputs, recomputed by every assessment, so the
// importer passes over them without a word.
var results = map[string]bool{
	"level": true, "effective_level": true, "required_level": true, "gap": true, "sourcing": true,
	"binding": true, "exposure": true, "limited_by": true, "controller": true, "trust_zone": true,
	"flow_mechanism": true,
}

func isResult(name string) bool {
	rest := strings.TrimPrefix(name, Namespace)
	return results[rest] || strings.HasPrefix(rest, "summary.")
}

// properties applies the sovmap: properties of a component or service.
// Invalid values are errors: they were written on purpose, so a wrong one
// must not pass unnoticed.
func (im *run) properties(c *sovmap.Component, props *[]cdx.Property, n node) {
	if props == nil {
		return
	}
	replaced := map[string]bool{}
	list := func(name string, current []string, values []string) []string {
		if !replaced[name] {
			replaced[name] = true
			current = nil
		}
		for _, v := range values {
			if !contains(current, v) {
				current = append(current, v)
			}
		}
		return current
	}
	for k, p := range *props {
		if !strings.HasPrefix(p.Name, Namespace) {
			continue
		}
		path := append(append([]any(nil), n.path...), "properties", k, "value")
		fail := func(format string, args ...any) {
			args = append([]any{n.label(), p.Name}, args...)
			im.errs = append(im.errs, importer.PathError(im.name, im.data, path, "%s: property %s: "+format, args...))
		}
		value := strings.TrimSpace(p.Value)
		switch p.Name {
		case PropLayer:
			l := sovmap.Layer(strings.ToLower(value))
			if !l.Valid() {
				fail("unknown layer %q (one of %s)", value, layerNames())
				continue
			}
			c.Layer = l
		case PropCriticality:
			cr := sovmap.Criticality(strings.ToLower(value))
			if cr == "" || !cr.Valid() {
				fail("unknown criticality %q (vital, high, medium or low)", value)
				continue
			}
			c.Criticality = cr
		case PropKeyCustody:
			kc := sovmap.KeyCustody(strings.ToLower(value))
			if kc == "" || !kc.Valid() {
				fail("unknown key custody %q (provider, customer-managed, customer-held or domestic-hsm)", value)
				continue
			}
			c.KeyCustody = kc
		case PropProvider:
			if value == "" || importer.Clean(value) != value {
				fail("%q is not a provider id", value)
				continue
			}
			c.Provider = value
		case PropLocation, PropOperatedFrom:
			var codes []string
			for _, v := range splitList(value) {
				code, msg := im.place(v, p.Name == PropLocation)
				if msg != "" {
					fail("%s", msg)
					continue
				}
				codes = append(codes, code)
			}
			if p.Name == PropLocation {
				c.Locations = list(p.Name, c.Locations, codes)
			} else {
				c.OperatedFrom = list(p.Name, c.OperatedFrom, codes)
			}
		case PropData:
			var classes []string
			for _, v := range splitList(value) {
				if !importer.IsDataClass(v) {
					fail("data class %q is not a dotted lower-case name such as personal.health", v)
					continue
				}
				classes = append(classes, v)
			}
			c.Data = list(p.Name, c.Data, classes)
		case PropID:
			// Taken before ids were handed out (see claimIDs).
		case PropCertification:
			c.Certifications = list(p.Name, c.Certifications, splitList(value))
		case PropAlternative:
			var ids []string
			for _, v := range splitList(value) {
				if !importer.IsID(v) {
					fail("%q is not a component id", v)
					continue
				}
				ids = append(ids, v)
			}
			c.Alternatives = list(p.Name, c.Alternatives, ids)
		case PropArrangement:
			if !importer.IsID(value) {
				fail("%q is not an arrangement id", value)
				continue
			}
			c.Arrangement = value
		case PropMigrationDays:
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 {
				fail("%q is not a whole number of days", value)
				continue
			}
			c.MigrationDays = &n
		case PropSupplyDep:
			im.supply[c.ID] = append(im.supply[c.ID], splitList(value)...)
		default:
			switch {
			case strings.HasPrefix(p.Name, PropTag):
				if c.Tags == nil {
					c.Tags = map[string]string{}
				}
				c.Tags[strings.TrimPrefix(p.Name, PropTag)] = p.Value
			case strings.HasPrefix(p.Name, PropContract):
				if msg := im.contract(c, strings.TrimPrefix(p.Name, PropContract), value); msg != "" {
					fail("%s", msg)
				}
			case isResult(p.Name):
			default:
				im.res.Warn(im.name+": "+n.label(), "property %s is not one sovmap reads; ignored", p.Name)
			}
		}
	}
}

// contract sets one contract field from a sovmap:contract.FIELD property;
// msg says what is wrong with the value.
func (im *run) contract(c *sovmap.Component, field, value string) (msg string) {
	if c.Contract == nil {
		c.Contract = &sovmap.Contract{}
	}
	k := c.Contract
	switch field {
	case "governing_law":
		code, bad := im.place(value, false)
		if bad != "" {
			return bad
		}
		k.GoverningLaw = code
	case "exit_notice_days":
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 {
			return fmt.Sprintf("%q is not a whole number of days", value)
		}
		k.ExitNoticeDays = &n
	case "data_return", "audit_rights":
		b, err := strconv.ParseBool(value)
		if err != nil {
			return fmt.Sprintf("%q is not true or false", value)
		}
		if field == "data_return" {
			k.DataReturn = &b
		} else {
			k.AuditRights = &b
		}
	case "portability":
		for _, p := range sovmap.Portabilities {
			if string(p) == value {
				k.Portability = sovmap.Portability(value)
				return ""
			}
		}
		return fmt.Sprintf("unknown portability %q (one of %s)", value, strings.Join(sovmap.Names(sovmap.Portabilities), ", "))
	default:
		return fmt.Sprintf("unknown contract field %q", field)
	}
	return ""
}

// claimIDs takes the ids that sovmap:id properties ask for before any id
// is derived, so that a derived id never takes one of them.
func (im *run) claimIDs() {
	im.wantID = make([]string, len(im.nodes))
	for i, n := range im.nodes {
		props := n.svcProps()
		if n.comp != nil {
			props = n.comp.Properties
		}
		if props == nil {
			continue
		}
		for k, p := range *props {
			if p.Name != PropID {
				continue
			}
			id := strings.TrimSpace(p.Value)
			if im.ids.Claim(id) {
				im.wantID[i] = id
			} else {
				path := append(append([]any(nil), n.path...), "properties", k, "value")
				im.errs = append(im.errs, importer.PathError(im.name, im.data, path, "%s: property %s: %q is not an id, or another component has it", n.label(), PropID, id))
			}
			break
		}
	}
}

// metadata reads the BOM-level sovmap: properties: the organization and
// the providers, flows, arrangements and rules carried whole.
func (im *run) metadata() {
	md := im.bom.Metadata
	if md == nil || md.Properties == nil {
		return
	}
	inv := im.res.Inventory
	org := &inv.Organization
	for k, p := range *md.Properties {
		if !strings.HasPrefix(p.Name, Namespace) {
			continue
		}
		path := []any{"metadata", "properties", k, "value"}
		fail := func(format string, args ...any) {
			im.errs = append(im.errs, importer.PathError(im.name, im.data, path, "metadata: property %s: "+format, append([]any{p.Name}, args...)...))
		}
		value := strings.TrimSpace(p.Value)
		decode := func(v any) bool {
			dec := json.NewDecoder(strings.NewReader(value))
			dec.DisallowUnknownFields()
			if err := dec.Decode(v); err != nil {
				fail("not the JSON of an inventory entry: %v", err)
				return false
			}
			return true
		}
		switch p.Name {
		case PropVersion:
			im.fromSovmap = true
			if value != strconv.Itoa(sovmap.Version) {
				fail("inventory version %q is not supported (this build reads %d)", value, sovmap.Version)
			}
		case PropOrganization:
			org.Name = value
		case PropHome, PropTrusted, PropRestricted, PropNeutral:
			var codes []string
			for _, v := range splitList(value) {
				code, msg := im.place(v, false)
				if msg != "" {
					fail("%s", msg)
					continue
				}
				codes = append(codes, code)
			}
			switch p.Name {
			case PropHome:
				if len(codes) == 1 {
					org.Home = codes[0]
				}
			case PropTrusted:
				org.Trusted = append(org.Trusted, codes...)
			case PropRestricted:
				org.Restricted = append(org.Restricted, codes...)
			case PropNeutral:
				org.Neutral = append(org.Neutral, codes...)
			}
		case PropProviderJSON:
			var pr sovmap.Provider
			if decode(&pr) {
				if !importer.IsID(pr.ID) {
					fail("provider id %q is not an id", pr.ID)
					continue
				}
				inv.Providers = append(inv.Providers, pr)
				// Entities of this name are this provider.
				im.providerIDs[providerKey(pr.Name)] = pr.ID
			}
		case PropFlowJSON:
			var f sovmap.Flow
			if decode(&f) {
				im.carriedFlows = append(im.carriedFlows, f)
			}
		case PropArrangementJSON:
			var a sovmap.Arrangement
			if decode(&a) {
				inv.Arrangements = append(inv.Arrangements, a)
			}
		case PropRuleJSON:
			var r sovmap.Rule
			if decode(&r) {
				inv.Rules = append(inv.Rules, r)
			}
		default:
			if !isResult(p.Name) {
				im.res.Warn(im.name+": metadata", "property %s is not one sovmap reads; ignored", p.Name)
			}
		}
	}
}

// place resolves a location or operated_from value: a country (code or
// name), a bloc, or, for locations, a provider:region id the knowledge base
// knows. msg says what is wrong.
func (im *run) place(v string, regions bool) (code, msg string) {
	k := im.opts.KB
	if regions && strings.Contains(v, ":") {
		if _, ok := k.Region(v); ok {
			return v, ""
		}
		return "", "unknown region " + quote(v) + " (the knowledge base has no such provider:region id)"
	}
	if c, ok := importer.CountryCode(k, v); ok {
		return c, ""
	}
	if _, ok := k.Bloc(strings.ToUpper(v)); ok {
		return strings.ToUpper(v), ""
	}
	return "", "unknown country or bloc " + quote(v)
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func layerNames() string {
	names := make([]string, len(sovmap.Layers))
	for i, l := range sovmap.Layers {
		names[i] = string(l)
	}
	return strings.Join(names, ", ")
}
