package assess

import "github.com/sovmap/sovmap"

// Requirement defaults, DESIGN.md's documented and replaceable set: the level
// a data class or a criticality requires, with its category and reason.
type Default struct {
	Key      string          `json:"key" yaml:"key"`
	Level    sovmap.Level    `json:"level" yaml:"level"`
	Category sovmap.Category `json:"category" yaml:"category"`
	Reason   string          `json:"reason" yaml:"reason"`
}

// Defaults holds the default requirements. Data classes are hierarchical:
// the most specific entry that is a prefix of a class applies to it.
type Defaults struct {
	Data        []Default `json:"data" yaml:"data"`
	Criticality []Default `json:"criticality" yaml:"criticality"`
}

// DefaultRequirements returns sovmap's default requirement set.
func DefaultRequirements() *Defaults {
	const reg, sec, ops = sovmap.CategoryRegulatory, sovmap.CategorySecurity, sovmap.CategoryOperational
	special := "special category of personal data (GDPR art. 9): needs home control in practice"
	return &Defaults{
		Data: []Default{
			{"classified", sovmap.Domestic, sec, "classified information stays under exclusive national control"},
			{"personal.health", sovmap.SovereignPartner, reg, "health data is a " + special},
			{"personal.genetic", sovmap.SovereignPartner, reg, "genetic data is a " + special},
			{"personal.biometric", sovmap.SovereignPartner, reg, "biometric data is a " + special},
			{"personal.ethnic", sovmap.SovereignPartner, reg, "racial or ethnic origin is a " + special},
			{"personal.political", sovmap.SovereignPartner, reg, "political opinions are a " + special},
			{"personal.religious", sovmap.SovereignPartner, reg, "religious or philosophical beliefs are a " + special},
			{"personal.union", sovmap.SovereignPartner, reg, "trade-union membership is a " + special},
			{"personal.sexual", sovmap.SovereignPartner, reg, "sex life and orientation are a " + special},
			{"personal.criminal", sovmap.SovereignPartner, reg, "criminal convictions and offences (GDPR art. 10) need official authority or safeguards"},
			{"personal", sovmap.Safeguarded, reg, "personal data needs a trusted partner under enforceable safeguards (GDPR chapter V)"},
			{"confidential", sovmap.Safeguarded, sec, "confidential business information needs enforceable safeguards"},
			{"internal", sovmap.Contractual, sec, "internal information needs at least contractual protection"},
			{"public", sovmap.Exposed, sec, "public information may go to the open market"},
		},
		Criticality: []Default{
			{"vital", sovmap.SovereignPartner, ops, "vital to the organization: it must keep running under home control in a crisis"},
			{"high", sovmap.Safeguarded, ops, "highly critical: a trusted partner with enforceable exit and continuity terms"},
			{"medium", sovmap.Contractual, ops, "moderately critical: contractual commitments suffice"},
			{"low", sovmap.Exposed, ops, "low criticality: the open market is fine"},
		},
	}
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
