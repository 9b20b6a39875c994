package importer

import (
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/kb"
)

// legalForms are the words of company names that say nothing about which
// company it is, dropped before names are compared.
var legalForms = map[string]bool{
	"inc": true, "incorporated": true, "llc": true, "ltd": true, "limited": true, "corp": true,
	"corporation": true, "co": true, "company": true, "plc": true, "gmbh": true, "ag": true,
	"sa": true, "sas": true, "sarl": true, "se": true, "bv": true, "nv": true, "ab": true,
	"oy": true, "spa": true, "srl": true, "kk": true, "pty": true, "the": true,
}

// NormalizeName reduces a company name to its distinctive words, lower
// case, for comparing: "Amazon Web Services, Inc." -> "amazon web services".
func NormalizeName(name string) string {
	fields := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	})
	kept := fields[:0]
	for _, f := range fields {
		if !legalForms[f] {
			kept = append(kept, f)
		}
	}
	return strings.Join(kept, " ")
}

// MatchProvider finds the knowledge-base provider a name stands for: one
// whose id equals the name's slug, or whose normalised name equals the
// name's. It never matches on part of a name, since "Amazon" and "Amazon
// Web Services EMEA" are different legal entities.
func MatchProvider(k *kb.KB, name string) (kb.Provider, bool) {
	if p, ok := k.Provider(Slug(name)); ok {
		return p, true
	}
	want := NormalizeName(name)
	if want == "" {
		return kb.Provider{}, false
	}
	for _, p := range k.Providers() {
		if NormalizeName(p.Name) == want {
			return p, true
		}
	}
	return kb.Provider{}, false
}

// CountryCode resolves what a source wrote for a country: an ISO 3166-1
// alpha-2 or alpha-3 code or the country's English name, in any case. It
// returns the alpha-2 code.
func CountryCode(k *kb.KB, s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false
	}
	up := strings.ToUpper(s)
	if alias, ok := countryAliases[up]; ok {
		up = alias
	}
	if c, ok := k.Country(up); ok {
		return c.Code, true
	}
	for _, code := range k.CountryCodes() {
		c, _ := k.Country(code)
		if strings.EqualFold(c.Alpha3, s) || strings.EqualFold(c.Name, s) {
			return c.Code, true
		}
	}
	return "", false
}

// countryAliases are codes in common use that are not ISO 3166-1 alpha-2:
// the United Kingdom's "UK" and Greece's "EL", used by the EU.
var countryAliases = map[string]string{"UK": "GB", "EL": "GR"}

// EnsureProvider adds p to the inventory's providers unless the knowledge
// base already knows p.ID or the inventory already lists it: provider
// entries are written only when an id would not otherwise resolve.
func EnsureProvider(inv *sovmap.Inventory, k *kb.KB, p sovmap.Provider) {
	if _, ok := k.Provider(p.ID); ok {
		return
	}
	for _, x := range inv.Providers {
		if x.ID == p.ID {
			return
		}
	}
	inv.Providers = append(inv.Providers, p)
}
