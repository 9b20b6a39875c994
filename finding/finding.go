// Package finding turns an assessment report into a flat list of findings:
// the problems that SARIF, OSCAL and the baseline gate speak about.
//
// One definition serves every exporter, so that a finding has the same kind,
// severity and identity in a SARIF file, in an OSCAL document and in the
// comparison against a baseline.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/sovmap/sovmap"
)

// Kind is the family a finding belongs to; exporters map it to a rule.
type Kind string

// The finding kinds, in the order exporters list their rules.
const (
	// Gap: the component's effective level is below its required level.
	Gap Kind = "gap"
	// FlowViolation: a data flow breaks the transfer rules.
	FlowViolation Kind = "flow-violation"
	// ForeignExposure: a foreign compelled-access law reaches the component.
	ForeignExposure Kind = "foreign-exposure"
	// RestrictedJurisdiction: a restricted jurisdiction controls, hosts,
	// operates or legally reaches the component.
	RestrictedJurisdiction Kind = "restricted-jurisdiction"
	// LegalCondition: a law that covers the component asks something it
	// does not meet (an error that gates), or that the inventory does not
	// record (an open question, a warning).
	LegalCondition Kind = "legal-condition"
)

// Kinds lists every kind, in a stable order.
var Kinds = []Kind{Gap, LegalCondition, FlowViolation, ForeignExposure, RestrictedJurisdiction}

// Severity is how loud a finding is, in the vocabulary SARIF uses.
type Severity string

// Severities, from loudest to quietest.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Note    Severity = "note"
)

// rank orders severities so that "worse" can be compared.
func (s Severity) rank() int {
	switch s {
	case Error:
		return 3
	case Warning:
		return 2
	case Note:
		return 1
	}
	return 0
}

// Finding is one problem the assessment found.
type Finding struct {
	Kind     Kind     `json:"kind"`
	Severity Severity `json:"severity"`
	// Subject is the component id, or the flow id for flow violations.
	Subject string `json:"subject"`
	// Jurisdiction is the foreign jurisdiction, for exposure and restricted findings.
	Jurisdiction string `json:"jurisdiction,omitempty"`
	// Law is the law whose condition a legal-condition finding concerns
	// (law:ID), with its basis and citation.
	Law      string       `json:"law,omitempty"`
	Basis    sovmap.Basis `json:"basis,omitempty"`
	Citation string       `json:"citation,omitempty"`
	// Gap is required minus effective level (gap findings), else 0.
	Gap int `json:"gap,omitempty"`
	// Level, Effective and Required repeat the component's levels, so that
	// readers need not look the component up.
	Level     sovmap.Level `json:"level"`
	Effective sovmap.Level `json:"effective_level"`
	Required  sovmap.Level `json:"required_level"`
	// Layer is the component's layer (empty for flows).
	Layer sovmap.Layer `json:"layer,omitempty"`
	// Message is one sentence a person reads.
	Message string `json:"message"`
	// Remedies are what would fix it: the binding factors' remedies for gaps.
	Remedies []string `json:"remedies,omitempty"`
	// Pos points at where the subject is written in the inventory.
	Pos sovmap.Pos `json:"-"`
}

// Key is the finding's identity across runs: kind, subject, law and jurisdiction.
// It does not contain levels or messages, so a finding that gets worse keeps
// its key and can be matched with its former self.
func (f Finding) Key() string {
	k := string(f.Kind) + "/" + f.Subject
	if f.Law != "" {
		k += "/" + f.Law
	}
	if f.Jurisdiction != "" {
		k += "/" + f.Jurisdiction
	}
	return k
}

// Fingerprint is a stable hash of Key, fit for SARIF partialFingerprints
// and for identifiers that must not leak odd characters.
func (f Finding) Fingerprint() string {
	sum := sha256.Sum256([]byte("sovmap/v1\x00" + f.Key()))
	return hex.EncodeToString(sum[:16])
}

// Worse reports whether f is worse than old, a finding with the same key:
// a larger gap or a louder severity.
func (f Finding) Worse(old Finding) bool {
	if f.Gap > old.Gap {
		return true
	}
	return f.Severity.rank() > old.Severity.rank()
}

// Gates reports whether the finding fails a gate set at failOn, the
// meaning `sovmap assess --fail-on N` gives it: a gap of N levels or more,
// or any flow violation. A failOn of 0 (or less) turns the gate off.
// Exposure and restricted-jurisdiction findings inform; the gap they cause
// is what gates.
func (f Finding) Gates(failOn int) bool {
	if failOn <= 0 {
		return false
	}
	switch f.Kind {
	case Gap:
		return f.Gap >= failOn
	case FlowViolation:
		return true
	case LegalCondition:
		return f.Severity == Error
	}
	return false
}

// GapSeverity maps a gap size to a severity: two levels or more is an error,
// one level a warning, none a note.
func GapSeverity(gap int) Severity {
	switch {
	case gap >= 2:
		return Error
	case gap == 1:
		return Warning
	default:
		return Note
	}
}

// FromReport lists the findings of a report, sorted by kind, then subject,
// then jurisdiction. inv may be nil; when given, it supplies positions that
// the report lacks (a report read back from JSON carries none). It holds
// every finding of the report: writers of large reports take them a
// component at a time with a Finder instead.
func FromReport(r *sovmap.Report, inv *sovmap.Inventory) []Finding {
	if r == nil {
		return nil
	}
	specs := map[string]*sovmap.Component{}
	if inv != nil {
		for i := range inv.Components {
			specs[inv.Components[i].ID] = &inv.Components[i]
		}
	}
	fd := NewFinder(r)
	var out []Finding
	for i := range r.Components {
		out = fd.Component(out, &r.Components[i], specs[r.Components[i].ID])
	}
	out = append(out, Flows(r, inv)...)
	Sort(out)
	return out
}

// Finder gives the findings of a report one component at a time, in the
// order a report streamed from a store can give them: each component's
// findings in Kinds order (then by jurisdiction), in the report's order,
// and the flows' after them (see Flows). FromReport gives the same
// findings, sorted across the whole report.
type Finder struct {
	// providers are the report's providers by ID: a restricted
	// controller is a finding of every component it runs.
	providers map[string]sovmap.ProviderResult
}

// NewFinder returns the finder of a report's components. Only head's
// providers are read, so head may be a report without its components.
func NewFinder(head *sovmap.Report) Finder {
	providers := make(map[string]sovmap.ProviderResult, len(head.Providers))
	for _, p := range head.Providers {
		providers[p.ID] = p
	}
	return Finder{providers: providers}
}

// Component appends the findings of one component to dst, in Kinds order
// and by jurisdiction within a kind, and returns the extended slice (pass
// dst[:0] to reuse it). spec is the inventory component c was assessed
// from, or nil: its position stands in for c's when c has none. The
// findings keep no reference to c or spec, so both may be reused.
func (fd Finder) Component(dst []Finding, c *sovmap.ComponentResult, spec *sovmap.Component) []Finding {
	pos := c.Pos
	if pos.File == "" && spec != nil {
		pos = spec.Pos
	}
	base := Finding{
		Subject:   c.ID,
		Level:     c.Level,
		Effective: c.EffectiveLevel,
		Required:  c.RequiredLevel,
		Layer:     c.Layer,
		Pos:       pos,
	}
	start := len(dst)
	if c.Gap > 0 {
		f := base
		f.Kind = Gap
		f.Gap = c.Gap
		f.Severity = GapSeverity(c.Gap)
		f.Message = gapMessage(c)
		f.Remedies = remedies(c)
		if len(c.Reasons) > 0 && c.Reasons[0].Counts() {
			f.Basis, f.Citation = c.Reasons[0].Basis, c.Reasons[0].Citation
		}
		dst = append(dst, f)
	}
	dst = appendConditionFindings(dst, base, c)
	dst = appendExposureFindings(dst, base, c, fd.providers)
	// Exposure findings come by jurisdiction, restricted ones among
	// the others: a stable sort by kind keeps that order within a kind.
	sortByKind(dst[start:])
	return dst
}

// Flows lists the flow violations of a report, in the report's order. inv
// may be nil; when given, its flows supply positions the report's lack.
func Flows(r *sovmap.Report, inv *sovmap.Inventory) []Finding {
	flowPos := map[string]sovmap.Pos{}
	if inv != nil {
		for _, f := range inv.Flows {
			flowPos[f.ID] = f.Pos
		}
	}
	var out []Finding
	for i := range r.Flows {
		fl := &r.Flows[i]
		if fl.Verdict != sovmap.Violation {
			continue
		}
		pos := fl.Pos
		if pos.File == "" {
			pos = flowPos[fl.ID]
		}
		msg := fmt.Sprintf("Data flow %s (%s -> %s) violates the transfer rules", fl.ID, fl.From, fl.To)
		if len(fl.Reasons) > 0 {
			msg += ": " + strings.Join(fl.Reasons, "; ")
		}
		out = append(out, Finding{
			Kind:     FlowViolation,
			Severity: Error,
			Subject:  fl.ID,
			Basis:    fl.Basis,
			Citation: fl.Citation,
			Message:  msg,
			Pos:      pos,
		})
	}
	return out
}

// kindRank is a kind's place in Kinds.
func kindRank(k Kind) int {
	for i, x := range Kinds {
		if x == k {
			return i
		}
	}
	return len(Kinds)
}

// sortByKind orders findings by kind, in Kinds order, keeping the order
// of findings of one kind.
func sortByKind(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int { return kindRank(a.Kind) - kindRank(b.Kind) })
}

// Sort orders findings by kind (in Kinds order), subject and jurisdiction.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Kind != b.Kind {
			return kindRank(a.Kind) < kindRank(b.Kind)
		}
		if a.Subject != b.Subject {
			return a.Subject < b.Subject
		}
		return a.Jurisdiction < b.Jurisdiction
	})
}

func gapMessage(c *sovmap.ComponentResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Component %s (%s) is at effective level %d (%s) but requires %d (%s): a gap of %d",
		c.ID, c.Layer, c.EffectiveLevel, c.EffectiveLevel, c.RequiredLevel, c.RequiredLevel, c.Gap)
	if c.LimitedBy != "" && c.EffectiveLevel < c.Level {
		fmt.Fprintf(&b, "; its own level is %d, lowered by its dependency %s", c.Level, c.LimitedBy)
	} else if len(c.Binding) > 0 {
		names := make([]string, len(c.Binding))
		for i, n := range c.Binding {
			names[i] = string(n)
		}
		fmt.Fprintf(&b, "; binding factors: %s", strings.Join(names, ", "))
	}
	if why := topReason(c); why != "" {
		fmt.Fprintf(&b, ". Required because: %s", why)
	}
	return b.String() + "."
}

// appendConditionFindings appends one finding per law whose condition
// the component does not meet (an error) or leaves open (a warning).
func appendConditionFindings(out []Finding, base Finding, c *sovmap.ComponentResult) []Finding {
	for i := range c.Reasons {
		q := &c.Reasons[i]
		if q.Condition != sovmap.ConditionUnmet && q.Condition != sovmap.ConditionOpen {
			continue
		}
		f := base
		f.Kind, f.Law, f.Basis, f.Citation = LegalCondition, q.Source, q.Basis, q.Citation
		var parts []string
		for _, ch := range q.Checks {
			if ch.Status == q.Condition {
				parts = append(parts, ch.Part+": "+ch.Why)
			}
		}
		if q.Condition == sovmap.ConditionUnmet {
			f.Severity = Error
			f.Message = fmt.Sprintf("Component %s does not meet %s (%s): %s", c.ID, q.Source, q.Citation, strings.Join(parts, "; "))
		} else {
			f.Severity = Warning
			f.Message = fmt.Sprintf("Component %s: whether it meets %s (%s) is open: %s", c.ID, q.Source, q.Citation, strings.Join(parts, "; "))
		}
		if q.Contested {
			f.Message += " The reading of this law is contested."
		}
		out = append(out, f)
	}
	return out
}

// topReason is the reason of the requirement that sets the required level.
func topReason(c *sovmap.ComponentResult) string {
	for _, r := range c.Reasons {
		if r.Level == c.RequiredLevel && r.Counts() {
			return fmt.Sprintf("%s (%s, basis %s, %s)", r.Reason, r.Category, r.Basis, r.Source)
		}
	}
	return ""
}

// remedies lists the remedies of the binding factors, in factor order,
// without duplicates. When a dependency limits the component, moving off or
// raising that dependency comes first.
func remedies(c *sovmap.ComponentResult) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if c.LimitedBy != "" && c.EffectiveLevel < c.Level {
		add(fmt.Sprintf("raise the level of dependency %s, or depend on a more sovereign alternative", c.LimitedBy))
	}
	binding := map[sovmap.FactorName]bool{}
	for _, n := range c.Binding {
		binding[n] = true
	}
	for _, f := range c.Factors {
		if binding[f.Name] || (len(c.Binding) == 0 && f.Level < c.RequiredLevel) {
			add(f.Remedy)
		}
	}
	return out
}

// appendExposureFindings appends one finding per foreign jurisdiction
// that reaches the component, by jurisdiction: restricted ones as errors,
// unmitigated others as warnings, mitigated ones (customer-held keys) as
// notes.
func appendExposureFindings(out []Finding, base Finding, c *sovmap.ComponentResult, providers map[string]sovmap.ProviderResult) []Finding {
	type reach struct {
		laws, vias []string
		tier       string
		mitigated  bool
		seen       bool
	}
	byJur := map[string]*reach{}
	get := func(j string) *reach {
		r := byJur[j]
		if r == nil {
			r = &reach{mitigated: true}
			byJur[j] = r
		}
		return r
	}
	for _, e := range c.ExposureDetails {
		r := get(e.Jurisdiction)
		r.seen = true
		r.laws = appendUnique(r.laws, e.Law)
		r.vias = appendUnique(r.vias, string(e.Via))
		if worseTier(e.Tier, r.tier) {
			r.tier = e.Tier
		}
		r.mitigated = r.mitigated && e.Mitigated
	}
	for _, j := range c.Exposure {
		r := get(j)
		if !r.seen {
			// Listed without details: nothing says keys mitigate it.
			r.mitigated = false
			r.seen = true
		}
	}
	// A restricted controller is a finding even where no law is on record.
	if p, ok := providers[c.Provider]; ok && p.Tier == sovmap.TierRestricted.String() {
		j := p.ControllerCountry
		if j == "" {
			j = p.Controller
		}
		r := get(j)
		r.seen = true
		r.tier = p.Tier
		r.mitigated = false
		r.vias = appendUnique(r.vias, string(sovmap.ViaControl))
	}
	jurs := make([]string, 0, len(byJur))
	for j := range byJur {
		jurs = append(jurs, j)
	}
	sort.Strings(jurs)
	for _, j := range jurs {
		r := byJur[j]
		f := base
		f.Jurisdiction = j
		how := ""
		if len(r.vias) > 0 {
			how = " through " + strings.Join(r.vias, ", ")
		}
		laws := ""
		if len(r.laws) > 0 {
			laws = " (" + strings.Join(r.laws, ", ") + ")"
		}
		switch {
		case r.tier == sovmap.TierRestricted.String():
			f.Kind = RestrictedJurisdiction
			f.Severity = Error
			f.Message = fmt.Sprintf("Component %s is reached by restricted jurisdiction %s%s%s", c.ID, j, how, laws)
		case r.mitigated:
			f.Kind = ForeignExposure
			f.Severity = Note
			f.Message = fmt.Sprintf("Component %s is within reach of %s compelled-access law%s%s, mitigated by customer-held keys", c.ID, j, laws, how)
		default:
			f.Kind = ForeignExposure
			f.Severity = Warning
			f.Message = fmt.Sprintf("Component %s is within reach of %s compelled-access law%s%s", c.ID, j, laws, how)
		}
		out = append(out, f)
	}
	return out
}

// worseTier reports whether tier a is further from home than b.
func worseTier(a, b string) bool { return tierRank(a) > tierRank(b) }

func tierRank(t string) int {
	for i := sovmap.TierHome; i <= sovmap.TierUnknown; i++ {
		if i.String() == t {
			// Unknown ranks below restricted: restricted is a fact, unknown is not.
			if i == sovmap.TierUnknown {
				return int(sovmap.TierNeutral)
			}
			return int(i)
		}
	}
	return -1
}

func appendUnique(s []string, v string) []string {
	if v == "" {
		return s
	}
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}
