package sovmap

// FactorName names one of the independent factors whose weakest link sets a
// component's own level.
type FactorName string

// The factors of docs/inventory.md, in the order they are reported.
const (
	FactorControl    FactorName = "control"    // tier of the ultimate controlling owner
	FactorLocation   FactorName = "location"   // worst tier among locations
	FactorOperations FactorName = "operations" // worst tier of where it is administered from
	FactorLegal      FactorName = "legal"      // foreign compelled-access laws that reach it
	FactorKeys       FactorName = "keys"       // key custody, for components that hold data
	FactorExit       FactorName = "exit"       // notice, data return, portability, governing law
	FactorExport     FactorName = "export"     // export controls on accelerator supply (hardware)
	// FactorTechnology is the technology stack an offer runs under licence
	// from another company (S3NS on Google's): a supply dependency.
	FactorTechnology FactorName = "technology"
)

// Factor is one factor's verdict on a component.
type Factor struct {
	Name  FactorName `json:"name"`
	Level Level      `json:"level"`
	// Facts are the inventory and knowledge-base facts the verdict used.
	Facts []string `json:"facts,omitempty"`
	// Reason says why the factor allows this level.
	Reason string `json:"reason"`
	// Remedy says what change would raise the factor; empty at Domestic.
	Remedy string `json:"remedy,omitempty"`
}

// Via says how a compelled-access law reaches a component.
type Via string

// The channels through which a jurisdiction's law reaches data.
const (
	ViaControl    Via = "control"
	ViaLocation   Via = "location"
	ViaOperations Via = "operations"
)

// Exposure is a foreign jurisdiction whose compelled-access law reaches a
// component.
type Exposure struct {
	Jurisdiction string `json:"jurisdiction"`
	Law          string `json:"law"`
	Via          Via    `json:"via"`
	Tier         string `json:"tier"`
	// Mitigated is true when customer-held keys keep the law from reaching
	// readable data.
	Mitigated bool `json:"mitigated,omitempty"`
}

// Requirement is one reason a component must reach a level, or a law's own
// condition that it must meet.
type Requirement struct {
	Level    Level    `json:"level"`
	Category Category `json:"category"`
	// Basis says what the requirement rests on: law, guidance, policy or
	// default. Only law and guidance make a requirement regulatory.
	Basis Basis `json:"basis"`
	// Source identifies the rule: data:CLASS, criticality:VALUE, law:ID or rule:ID.
	Source string `json:"source"`
	Reason string `json:"reason"`
	// Citation names the article or text a law or guidance requirement
	// rests on.
	Citation string `json:"citation,omitempty"`
	// Contested marks a legal reading that is under challenge or unsettled;
	// the reason says what is contested.
	Contested bool `json:"contested,omitzero"`
	// Condition is set for a law judged by what it asks rather than by a
	// level: met, unmet, or open when sovmap lacks a fact to decide. A met
	// condition does not count towards the required level.
	Condition ConditionStatus `json:"condition,omitempty"`
	// Checks are the parts of the law's condition, each with its outcome.
	Checks []Check `json:"checks,omitempty"`
}

// Counts reports whether the requirement counts towards the required
// level: every requirement but a law whose condition the component meets.
func (r *Requirement) Counts() bool { return r.Condition != ConditionMet }

// Basis is what a judgement rests on.
type Basis string

// The four bases, from the most to the least binding.
const (
	// BasisLaw: a binding rule that applies to this organization and
	// component, cited to its article.
	BasisLaw Basis = "law"
	// BasisGuidance: supervisory guidance, such as EDPB recommendations.
	BasisGuidance Basis = "guidance"
	// BasisPolicy: the organization's own choices (its restricted and
	// trusted lists, its rules).
	BasisPolicy Basis = "policy"
	// BasisDefault: sovmap's default levels for data classes and
	// criticality, an opinion the organization may override.
	BasisDefault Basis = "default"
)

// Bases lists the valid bases.
var Bases = []Basis{BasisLaw, BasisGuidance, BasisPolicy, BasisDefault}

// Valid reports whether b is one of the four bases.
func (b Basis) Valid() bool {
	return b == BasisLaw || b == BasisGuidance || b == BasisPolicy || b == BasisDefault
}

// Legal reports whether the basis is law or guidance: the only bases on
// which a requirement may be called regulatory.
func (b Basis) Legal() bool { return b == BasisLaw || b == BasisGuidance }

// ConditionStatus is the outcome of a law's condition on a component.
type ConditionStatus string

// Condition outcomes.
const (
	ConditionMet   ConditionStatus = "met"
	ConditionUnmet ConditionStatus = "unmet"
	// ConditionOpen: a fact the condition needs is not recorded, so the
	// outcome is a question for the organization, not a guess.
	ConditionOpen ConditionStatus = "open"
)

// Check is one part of a law's condition and its outcome on a component.
type Check struct {
	// Part names what the law asks, such as "certified HDS".
	Part   string          `json:"part"`
	Status ConditionStatus `json:"status"`
	// Why gives the facts behind the outcome, or the question to answer.
	Why string `json:"why"`
}

// ComponentResult is the assessment of one component: the Outputs contract.
type ComponentResult struct {
	ID         string `json:"id"`
	Layer      Layer  `json:"layer"`
	Provider   string `json:"provider,omitempty"`
	Controller string `json:"controller,omitempty"`
	// Level is the component's own level, the minimum of its factors.
	Level Level `json:"level"`
	// EffectiveLevel also takes what it depends on into account.
	EffectiveLevel Level `json:"effective_level"`
	// LimitedBy names the dependency that lowers the effective level, if any.
	LimitedBy     string   `json:"limited_by,omitempty"`
	RequiredLevel Level    `json:"required_level"`
	Gap           int      `json:"gap"`
	Sourcing      Sourcing `json:"sourcing"`
	// Binding lists the factors at the minimum: what a remediation must change.
	Binding []FactorName `json:"binding"`
	// Exposure lists the foreign jurisdictions whose compelled-access laws reach it.
	Exposure        []string   `json:"exposure"`
	ExposureDetails []Exposure `json:"exposure_details,omitempty"`
	// Reasons are the requirements, each tagged with its category.
	Reasons []Requirement `json:"reasons"`
	Factors []Factor      `json:"factors"`
	Pos     Pos           `json:"-"`
}

// Conditions counts the component's reasons whose law's condition is unmet
// and those left open.
func (c *ComponentResult) Conditions() (unmet, open int) {
	for i := range c.Reasons {
		switch c.Reasons[i].Condition {
		case ConditionUnmet:
			unmet++
		case ConditionOpen:
			open++
		}
	}
	return unmet, open
}

// Verdict is the outcome of a flow check.
type Verdict string

// Flow verdicts.
const (
	Allowed   Verdict = "allowed"
	Violation Verdict = "violation"
)

// FlowResult is the check of one data flow.
type FlowResult struct {
	ID        string    `json:"id"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Data      []string  `json:"data,omitempty"`
	Mechanism Mechanism `json:"mechanism,omitempty"`
	Inferred  bool      `json:"inferred,omitempty"`
	// FromJurisdictions and ToJurisdictions are the countries each end is in.
	FromJurisdictions []string `json:"from_jurisdictions,omitempty"`
	ToJurisdictions   []string `json:"to_jurisdictions,omitempty"`
	Verdict           Verdict  `json:"verdict"`
	Reasons           []string `json:"reasons"`
	// Basis is what the deciding reason (the first) rests on: law,
	// guidance, policy (the organization's restricted list) or default.
	Basis Basis `json:"basis"`
	// Citation names the article or guidance the deciding reason cites.
	Citation string `json:"citation,omitempty"`
	// Codes name, machine-readably, each rule the flow breaks (see the
	// transfer package: restricted-jurisdiction, no-mechanism, ...); empty
	// for an allowed flow.
	Codes []string `json:"codes,omitempty"`
	Pos   Pos      `json:"-"`
}

// ProviderResult sums up what the organization depends on one provider for.
type ProviderResult struct {
	ID                string   `json:"id"`
	Name              string   `json:"name,omitempty"`
	Country           string   `json:"country,omitempty"`
	Controller        string   `json:"controller"`
	ControllerCountry string   `json:"controller_country,omitempty"`
	Tier              string   `json:"tier"`
	Components        int      `json:"components"`
	Critical          int      `json:"critical_components"`
	Share             float64  `json:"share"`
	CriticalShare     float64  `json:"critical_share"`
	Exposure          []string `json:"exposure"`
}

// LayerSummary counts one layer's components by effective level.
type LayerSummary struct {
	Layer      Layer  `json:"layer"`
	Components int    `json:"components"`
	ByLevel    [5]int `json:"by_level"`
	Gaps       int    `json:"gaps"`
	// Lowest is the lowest effective level in the layer.
	Lowest Level `json:"lowest_effective_level"`
}

// Summary is the whole inventory at a glance.
type Summary struct {
	Components int `json:"components"`
	// ByLevel counts components by effective level.
	ByLevel [5]int `json:"by_level"`
	Gaps    int    `json:"gaps"`
	MaxGap  int    `json:"max_gap"`
	// GapsByCategory counts components with a gap by the category of the
	// requirement that sets their required level.
	GapsByCategory map[Category]int `json:"gaps_by_category"`
	Flows          int              `json:"flows"`
	Violations     int              `json:"violations"`
	// Unmet counts components that fail a law's own condition; Open counts
	// components where a law's condition waits on a fact not recorded.
	Unmet int `json:"unmet_conditions"`
	Open  int `json:"open_conditions"`
	// HHIProvider is the Herfindahl-Hirschman index (0-10000) of components
	// by ultimate controller.
	HHIProvider int `json:"hhi_provider"`
	// Exposed counts components reached by at least one foreign law.
	Exposed int `json:"exposed_components"`
}

// Report is the result of assessing an inventory.
type Report struct {
	Organization string            `json:"organization"`
	Home         string            `json:"home"`
	Components   []ComponentResult `json:"components"`
	Flows        []FlowResult      `json:"flows"`
	Providers    []ProviderResult  `json:"providers"`
	Layers       []LayerSummary    `json:"layers"`
	Summary      Summary           `json:"summary"`
	// Notes are remarks about the assessment itself, such as knowledge-base
	// overrides that changed a verdict.
	Notes []string `json:"notes,omitempty"`
}
