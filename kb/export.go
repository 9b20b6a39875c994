package kb

import (
	"slices"
	"sort"
	"time"
)

// How hard an export control makes it to obtain the controlled items
// (ExportControl.Restriction), from least to most restrictive.
const (
	RestrictionNone    = "none"    // no licence needed
	RestrictionCapped  = "capped"  // licence exceptions or authorisations within quotas
	RestrictionLicence = "licence" // a licence is needed, reviewed case by case
	RestrictionDenial  = "denial"  // a licence is needed and presumed denied
)

var restrictionSeverity = map[string]int{
	RestrictionNone: 0, RestrictionCapped: 1, RestrictionLicence: 2, RestrictionDenial: 3,
}

// ExportControl is one country group of an export-control rule on advanced
// AI accelerators: which countries, how restricted, from when to when.
type ExportControl struct {
	ID string `yaml:"id" json:"id"`
	// Regime is who imposes the rule: a country or a bloc (US, EU, ...).
	Regime string `yaml:"regime" json:"regime"`
	// Rule groups the entries of one rule; Name is its title and citation.
	Rule string `yaml:"rule" json:"rule"`
	Name string `yaml:"name" json:"name"`
	// Items is what the rule controls, such as ECCN 3A090 and 4A090.
	Items string `yaml:"items" json:"items"`
	// Group is the rule's name for the group, such as "Tier 1" or "D:5".
	Group   string   `yaml:"group" json:"group"`
	Members []string `yaml:"members,omitempty" json:"members,omitempty"`
	// Others makes the group apply to every country that no other group of
	// the same rule lists (the AI diffusion rule's Tier 2).
	Others      bool   `yaml:"others,omitempty" json:"others,omitempty"`
	Restriction string `yaml:"restriction" json:"restriction"`
	// Effective is the first day the group applies; Until, when set, the
	// first day it no longer does. Both YYYY-MM-DD.
	Effective string `yaml:"effective" json:"effective"`
	Until     string `yaml:"until,omitempty" json:"until,omitempty"`
	// Ended says what made the group stop applying on Until (rescinded,
	// superseded, amended) and how settled that is; required with Until.
	Ended string `yaml:"ended,omitempty" json:"ended,omitempty"`
	Meta  `yaml:",inline"`
}

// Severity orders restrictions: 0 none, 1 capped, 2 licence, 3 denial.
func (e ExportControl) Severity() int { return restrictionSeverity[e.Restriction] }

// InForce reports whether the group applies on day at.
func (e ExportControl) InForce(at time.Time) bool {
	day := at.UTC().Format(time.DateOnly)
	return e.Effective <= day && (e.Until == "" || day < e.Until)
}

// ExportControls returns every export-control group, sorted by id.
func (k *KB) ExportControls() []ExportControl { return sortedValues(k.exports) }

// ExportControlHistory returns every export-control group that applies, or
// applied, to country, sorted by effective date then id.
func (k *KB) ExportControlHistory(country string) []ExportControl {
	var out []ExportControl
	for _, e := range k.exports {
		if k.appliesTo(e, country) {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Effective != out[j].Effective {
			return out[i].Effective < out[j].Effective
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// ExportControl returns the export-control groups on advanced AI
// accelerators that apply to country on day at, most restrictive first.
// Nothing means no recorded rule restricts exports to the country then.
func (k *KB) ExportControl(country string, at time.Time) []ExportControl {
	var out []ExportControl
	for _, e := range k.ExportControlHistory(country) {
		if e.InForce(at) {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Severity() > out[j].Severity() })
	return out
}

// appliesTo reports whether the group covers country: as a member, or as
// one of the "others" of its rule.
func (k *KB) appliesTo(e ExportControl, country string) bool {
	if slices.Contains(e.Members, country) {
		return true
	}
	if !e.Others {
		return false
	}
	if _, ok := k.countries[country]; !ok {
		return false
	}
	for _, o := range k.exports {
		if o.Rule == e.Rule && o.ID != e.ID && slices.Contains(o.Members, country) {
			return false
		}
	}
	return true
}
