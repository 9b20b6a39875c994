package kb

import (
	"slices"
	"strings"
	"unicode"
)

// What a certification or assurance scheme asserts about a certified
// service (Scheme.Asserts).
const (
	// AssertsSecurityLevel: the service meets a defined security baseline.
	AssertsSecurityLevel = "security-level"
	// AssertsLocalisation: data is stored (and processed) inside Scheme.Location.
	AssertsLocalisation = "localisation"
	// AssertsImmunity: the provider is protected from non-Location laws that
	// compel access (ownership caps, no foreign access to data).
	AssertsImmunity = "immunity"
	// AssertsOperations: the service is operated and supported from inside
	// Scheme.Location, by staff there.
	AssertsOperations = "operations"
)

// Scheme is a certification, attestation or label that a provider or a
// service can hold, such as SecNumCloud, C5 or ISO/IEC 27001.
type Scheme struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name"`
	// Aliases are other spellings inventories use (ISO27001, ISO/IEC 27001).
	Aliases []string `yaml:"aliases,omitempty" json:"aliases,omitempty"`
	Issuer  string   `yaml:"issuer" json:"issuer"`
	// Jurisdiction is the country or bloc whose authority owns the scheme;
	// empty for international standards.
	Jurisdiction string `yaml:"jurisdiction,omitempty" json:"jurisdiction,omitempty"`
	// Kind is certification, attestation, qualification, authorisation,
	// label, registry or standard.
	Kind string `yaml:"kind" json:"kind"`
	// Level names the level within a family (basic, substantial, high).
	Level string `yaml:"level,omitempty" json:"level,omitempty"`
	// Asserts lists what holding the scheme tells about a service:
	// security-level, localisation, immunity, operations.
	Asserts []string `yaml:"asserts" json:"asserts"`
	// Location is where localisation and operations assertions place data
	// and staff: a country or a bloc.
	Location string `yaml:"location,omitempty" json:"location,omitempty"`
	// Status is in-force, draft or withdrawn.
	Status string `yaml:"status" json:"status"`
	// Since is when the scheme (in the version described) applies.
	Since string `yaml:"since,omitempty" json:"since,omitempty"`
	Meta  `yaml:",inline"`
}

// Scheme statuses.
const (
	StatusInForce   = "in-force"
	StatusDraft     = "draft"
	StatusWithdrawn = "withdrawn"
)

// HasAssertion reports whether the scheme asserts what (AssertsLocalisation, ...).
func (s Scheme) HasAssertion(what string) bool { return slices.Contains(s.Asserts, what) }

// schemeKey folds the ways an inventory spells a scheme into one key:
// "ISO/IEC 27001", "iso-27001" and "ISO27001" differ only in case and
// punctuation, so they share the key of their letters and digits.
func schemeKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Scheme returns the scheme named by id or by one of its aliases; case,
// spaces and punctuation do not matter ("SecNumCloud", "secnumcloud").
func (k *KB) Scheme(id string) (Scheme, bool) {
	canon, ok := k.schemeKeys[schemeKey(id)]
	if !ok {
		return Scheme{}, false
	}
	s, ok := k.schemes[canon]
	return s, ok
}

// Schemes returns every scheme, sorted by id.
func (k *KB) Schemes() []Scheme { return sortedValues(k.schemes) }

// SameSpelling reports whether two certification names are spelled alike
// but for case, spaces and punctuation ("C5 Type 2", "c5-type-2").
func SameSpelling(a, b string) bool { return schemeKey(a) == schemeKey(b) }
