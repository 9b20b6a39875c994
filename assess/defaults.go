package assess

import "github.com/sovmap/sovmap"

// Default is one entry of sovmap's default requirement set: the level a
// data class or a criticality requires, with its category and reason. The
// defaults are sovmap's opinion (basis default), not law: the laws that
// apply are judged by their own conditions (see conditions.go).
type Default struct {
	Key      string          `json:"key" yaml:"key"`
	Level    sovmap.Level    `json:"level" yaml:"level"`
	Category sovmap.Category `json:"category" yaml:"category"`
	Reason   string          `json:"reason" yaml:"reason"`
	// Basis is what the entry rests on; empty means default (sovmap's
	// opinion). Declared data classes carry the organization's basis.
	Basis    sovmap.Basis `json:"basis,omitempty" yaml:"basis,omitempty"`
	Citation string       `json:"citation,omitempty" yaml:"citation,omitempty"`
}

// basis returns the entry's basis, default when none is given.
func (d Default) basis() sovmap.Basis {
	if d.Basis == "" {
		return sovmap.BasisDefault
	}
	return d.Basis
}

// Defaults holds the default requirements. Data classes are hierarchical:
// the most specific entry that is a prefix of a class applies to it.
type Defaults struct {
	Data        []Default `json:"data" yaml:"data"`
	Criticality []Default `json:"criticality" yaml:"criticality"`
}

// DefaultRequirements returns sovmap's default requirement set. Every entry
// is an opinion on how much control a kind of data or a degree of
// dependence deserves, tagged security or operational; none is presented as
// what a law requires. Where a law does ask something of a component (a
// certified host, storage in a region), the knowledge base records its
// condition and the assessment judges it separately, with basis law.
func DefaultRequirements() *Defaults {
	const sec, ops = sovmap.CategorySecurity, sovmap.CategoryOperational
	special := func(what string) string {
		return what + " are a special category of personal data (GDPR art. 9 and laws like it restrict their processing, but set no location or control condition); sovmap's default asks for home control in practice"
	}
	return &Defaults{
		Data: []Default{
			{Key: "classified", Level: sovmap.Domestic, Category: sec, Reason: "classified information: sovmap's default keeps it under exclusive national control (the classification rules of home decide in the end)"},
			{Key: "personal.health", Level: sovmap.SovereignPartner, Category: sec, Reason: special("health data")},
			{Key: "personal.genetic", Level: sovmap.SovereignPartner, Category: sec, Reason: special("genetic data")},
			{Key: "personal.biometric", Level: sovmap.SovereignPartner, Category: sec, Reason: special("biometric data used to identify a person")},
			{Key: "personal.ethnic", Level: sovmap.SovereignPartner, Category: sec, Reason: special("data on racial or ethnic origin")},
			{Key: "personal.political", Level: sovmap.SovereignPartner, Category: sec, Reason: special("political opinions")},
			{Key: "personal.religious", Level: sovmap.SovereignPartner, Category: sec, Reason: special("religious or philosophical beliefs")},
			{Key: "personal.union", Level: sovmap.SovereignPartner, Category: sec, Reason: special("data on trade-union membership")},
			{Key: "personal.sexual", Level: sovmap.SovereignPartner, Category: sec, Reason: special("data on sex life or sexual orientation")},
			{Key: "personal.criminal", Level: sovmap.SovereignPartner, Category: sec, Reason: "data on criminal convictions and offences (GDPR art. 10 and laws like it limit who may process them, not where); sovmap's default asks for home control in practice"},
			{Key: "personal", Level: sovmap.Safeguarded, Category: sec, Reason: "personal data: sovmap's default asks for a trusted partner under enforceable safeguards; the law's transfer rules (GDPR chapter V and the like) are checked on flows, not as a level"},
			{Key: "confidential", Level: sovmap.Safeguarded, Category: sec, Reason: "confidential business information: sovmap's default asks for enforceable safeguards"},
			{Key: "internal", Level: sovmap.Contractual, Category: sec, Reason: "internal information: sovmap's default asks for at least contractual protection"},
			{Key: "public", Level: sovmap.Exposed, Category: sec, Reason: "public information: sovmap's default lets it go to the open market"},
		},
		Criticality: []Default{
			{Key: "vital", Level: sovmap.SovereignPartner, Category: ops, Reason: "vital to the organization: sovmap's default asks that it keep running under home control in a crisis"},
			{Key: "high", Level: sovmap.Safeguarded, Category: ops, Reason: "highly critical: sovmap's default asks for a trusted partner with enforceable exit and continuity terms"},
			{Key: "medium", Level: sovmap.Contractual, Category: ops, Reason: "moderately critical: sovmap's default finds contractual commitments enough"},
			{Key: "low", Level: sovmap.Exposed, Category: ops, Reason: "low criticality: sovmap's default lets it go to the open market"},
		},
	}
}

// withDeclared returns the defaults extended by the organization's declared
// data classes, which carry their own basis (policy unless stated).
func (d *Defaults) withDeclared(classes []sovmap.DataClass) *Defaults {
	if len(classes) == 0 {
		return d
	}
	out := &Defaults{Criticality: d.Criticality, Data: make([]Default, 0, len(d.Data)+len(classes))}
	for _, c := range classes {
		basis := c.Basis
		if basis == "" {
			basis = sovmap.BasisPolicy
		}
		reason := c.Reason
		if reason == "" {
			reason = "data class " + c.ID + " declared by the organization"
		}
		out.Data = append(out.Data, Default{Key: c.ID, Level: c.Level, Category: c.Category, Reason: reason, Basis: basis, Citation: c.Citation})
	}
	out.Data = append(out.Data, d.Data...)
	return out
}

// forClass returns the default for the most specific prefix of a data class.
func (d *Defaults) forClass(class string) (Default, bool) {
	for {
		for _, x := range d.Data {
			if x.Key == class {
				return x, true
			}
		}
		i := lastDot(class)
		if i < 0 {
			return Default{}, false
		}
		class = class[:i]
	}
}

func (d *Defaults) forCriticality(c sovmap.Criticality) (Default, bool) {
	for _, x := range d.Criticality {
		if x.Key == string(c) {
			return x, true
		}
	}
	return Default{}, false
}

func lastDot(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '.' {
			return i
		}
	}
	return -1
}

// covers reports whether a rule on class parent applies to class c: the same
// class or one below it.
func covers(parent, c string) bool {
	return c == parent || (len(c) > len(parent) && c[len(parent)] == '.' && c[:len(parent)] == parent)
}
