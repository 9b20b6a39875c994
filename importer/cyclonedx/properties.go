package cyclonedx

import (
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
)

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
		default:
			im.res.Warn(im.name+": "+n.label(), "property %s is not one sovmap reads; ignored", p.Name)
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
