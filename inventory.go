package sovmap

import (
	"fmt"
	"slices"
)

// Version is the inventory format version this build reads and writes.
const Version = 1

// Pos is where something was written: a file and a 1-based line and column.
// The zero Pos means "no position known".
type Pos struct {
	File string `json:"file,omitempty" yaml:"-"`
	Line int    `json:"line,omitempty" yaml:"-"`
	Col  int    `json:"column,omitempty" yaml:"-"`
}

// String formats the position as file:line:col, the form editors jump to.
func (p Pos) String() string {
	switch {
	case p.File == "":
		return ""
	case p.Line == 0:
		return p.File
	default:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	}
}

// Inventory is an organization's description of its AI infrastructure:
// the contract of docs/inventory.md "Format".
type Inventory struct {
	Version      int           `json:"version" yaml:"version"`
	Organization Organization  `json:"organization" yaml:"organization"`
	Providers    []Provider    `json:"providers,omitempty" yaml:"providers,omitempty"`
	Components   []Component   `json:"components" yaml:"components"`
	Flows        []Flow        `json:"flows,omitempty" yaml:"flows,omitempty"`
	Arrangements []Arrangement `json:"arrangements,omitempty" yaml:"arrangements,omitempty"`
	Rules        []Rule        `json:"rules,omitempty" yaml:"rules,omitempty"`
	// Assessments holds framework answers per provider (see the framework package).
	Assessments []Assessment `json:"assessments,omitempty" yaml:"assessments,omitempty"`
	// Scenarios declares stress tests of the organization's own.
	Scenarios []Scenario `json:"scenarios,omitempty" yaml:"scenarios,omitempty"`
	// Knowledge overrides or extends knowledge-base entries. It is kept raw
	// here: the kb package gives it meaning.
	Knowledge map[string]any `json:"knowledge,omitempty" yaml:"knowledge,omitempty"`
}

// Organization says whose point of view the assessment takes.
type Organization struct {
	Name string `json:"name" yaml:"name"`
	// Home is an ISO 3166-1 alpha-2 country code or a bloc id (EU, EEA, ...).
	Home string `json:"home" yaml:"home"`
	// Trusted and Restricted override the knowledge base's default tiers.
	// Each entry is a country or a bloc. Nil means "use the defaults".
	Trusted    []string `json:"trusted,omitempty" yaml:"trusted,omitempty"`
	Restricted []string `json:"restricted,omitempty" yaml:"restricted,omitempty"`
	// Neutral moves jurisdictions out of the default trusted list.
	Neutral []string `json:"neutral,omitempty" yaml:"neutral,omitempty"`
	// Sectors the organization works in (health, banking, government, ...):
	// sectoral localisation laws of the knowledge base apply only to them.
	Sectors []string `json:"sectors,omitempty" yaml:"sectors,omitempty"`
	// DataClasses declares data classes of the organization's own, beyond
	// sovmap's roots (DataClassRoots), with the level they require and why.
	DataClasses []DataClass `json:"data_classes,omitempty" yaml:"data_classes,omitempty"`
	Pos         Pos         `json:"-" yaml:"-"`
}

// DataClassRoots are the roots of sovmap's data classes. A class is one of
// them or a dotted child ("personal.health"); any other class must be
// declared in organization.data_classes.
var DataClassRoots = []string{"classified", "personal", "confidential", "internal", "public"}

// DataClass is a data class the organization declares, with the level a
// component holding it requires and what that rests on.
type DataClass struct {
	// ID is the class, dotted like sovmap's own ("telemetry.vehicle").
	ID       string   `json:"id" yaml:"id"`
	Level    Level    `json:"level" yaml:"level"`
	Category Category `json:"category" yaml:"category"`
	// Basis is law or guidance (with a citation) or policy; empty means policy.
	Basis    Basis  `json:"basis,omitempty" yaml:"basis,omitempty"`
	Reason   string `json:"reason,omitempty" yaml:"reason,omitempty"`
	Citation string `json:"citation,omitempty" yaml:"citation,omitempty"`
	Pos      Pos    `json:"-" yaml:"-"`
}

// Provider is a legal entity that supplies or operates components.
type Provider struct {
	ID      string `json:"id" yaml:"id"`
	Name    string `json:"name,omitempty" yaml:"name,omitempty"`
	Country string `json:"country,omitempty" yaml:"country,omitempty"`
	// Parent is the id of the entity that controls this one; following parents
	// leads to the ultimate controller. It may name a provider of the
	// inventory or of the knowledge base.
	Parent string `json:"parent,omitempty" yaml:"parent,omitempty"`
	// Alternatives lists providers that could replace this one.
	Alternatives []string `json:"alternatives,omitempty" yaml:"alternatives,omitempty"`
	// ForeignOwnership is the share (0-100) of capital held by holders from
	// outside the home bloc, where known; used by SecNumCloud-style criteria.
	ForeignOwnership *float64 `json:"foreign_ownership,omitempty" yaml:"foreign_ownership,omitempty"`
	Pos              Pos      `json:"-" yaml:"-"`
}

// Component is one building block of the organization's AI infrastructure.
type Component struct {
	ID    string `json:"id" yaml:"id"`
	Name  string `json:"name,omitempty" yaml:"name,omitempty"`
	Layer Layer  `json:"layer" yaml:"layer"`
	// Provider is empty when the organization runs the component itself.
	Provider string `json:"provider,omitempty" yaml:"provider,omitempty"`
	// Locations are ISO country codes or provider:region ids.
	Locations []string `json:"locations,omitempty" yaml:"locations,omitempty"`
	// OperatedFrom lists the countries it is administered and supported from.
	OperatedFrom   []string     `json:"operated_from,omitempty" yaml:"operated_from,omitempty"`
	Data           []string     `json:"data,omitempty" yaml:"data,omitempty"`
	Criticality    Criticality  `json:"criticality,omitempty" yaml:"criticality,omitempty"`
	KeyCustody     KeyCustody   `json:"key_custody,omitempty" yaml:"key_custody,omitempty"`
	DependsOn      []Dependency `json:"depends_on,omitempty" yaml:"depends_on,omitempty"`
	Certifications []string     `json:"certifications,omitempty" yaml:"certifications,omitempty"`
	Contract       *Contract    `json:"contract,omitempty" yaml:"contract,omitempty"`
	Arrangement    string       `json:"arrangement,omitempty" yaml:"arrangement,omitempty"`
	// Alternatives lists component ids that could take over this one's role.
	Alternatives []string `json:"alternatives,omitempty" yaml:"alternatives,omitempty"`
	// RenamedFrom lists the ids this component had before, so that the
	// comparison with a baseline follows a rename instead of seeing a
	// component removed and another added.
	RenamedFrom []string `json:"renamed_from,omitempty" yaml:"renamed_from,omitempty"`
	// MigrationDays estimates how long moving off this component takes.
	MigrationDays *int `json:"migration_days,omitempty" yaml:"migration_days,omitempty"`
	// Options are alternative offers for this component, used by planning.
	Options []Option `json:"options,omitempty" yaml:"options,omitempty"`
	// Tags are free labels the organization's own rules can test.
	Tags map[string]string `json:"tags,omitempty" yaml:"tags,omitempty"`
	Pos  Pos               `json:"-" yaml:"-"`
}

// Holds reports whether the component holds data (has data classes).
func (c *Component) Holds() bool { return len(c.Data) > 0 }

// DependencyKind says what a dependency costs: a runtime dependency passes
// its level on whole, a supply dependency (licences, updates) costs at most
// one level.
type DependencyKind string

// The dependency kinds.
const (
	Runtime DependencyKind = "runtime"
	Supply  DependencyKind = "supply"
)

// Dependency is an edge of the dependency graph. In the inventory it is
// written either as a plain id (a runtime dependency) or as {id, kind}.
type Dependency struct {
	ID   string         `json:"id" yaml:"id"`
	Kind DependencyKind `json:"kind,omitempty" yaml:"kind,omitempty"`
	// Data says the dependency carries data of these classes; such edges can
	// be turned into inferred flows.
	Data []string `json:"data,omitempty" yaml:"data,omitempty"`
	// Mechanism is the legal transfer mechanism of the flow inferred from a
	// data-carrying dependency; empty means none.
	Mechanism Mechanism `json:"mechanism,omitempty" yaml:"mechanism,omitempty"`
}

// UnmarshalYAML accepts a plain id as well as the object form. It uses the
// YAML library's function-style hook so that this package imports no parser.
func (d *Dependency) UnmarshalYAML(unmarshal func(any) error) error {
	var id string
	if err := unmarshal(&id); err == nil {
		*d = Dependency{ID: id, Kind: Runtime}
		return nil
	}
	type plain Dependency
	var p plain
	if err := unmarshal(&p); err != nil {
		return err
	}
	*d = Dependency(p)
	if d.Kind == "" {
		d.Kind = Runtime
	}
	return nil
}

// Contract holds the terms that decide whether the organization can leave.
type Contract struct {
	GoverningLaw   string `json:"governing_law,omitempty" yaml:"governing_law,omitempty"`
	ExitNoticeDays *int   `json:"exit_notice_days,omitempty" yaml:"exit_notice_days,omitempty"`
	DataReturn     *bool  `json:"data_return,omitempty" yaml:"data_return,omitempty"`
	// Portability is how data leaves: none, proprietary, standard or open.
	Portability Portability `json:"portability,omitempty" yaml:"portability,omitempty"`
	// AuditRights says the customer may audit the provider.
	AuditRights *bool `json:"audit_rights,omitempty" yaml:"audit_rights,omitempty"`
}

// Portability says in what form data and workloads can leave a provider.
type Portability string

// The portability values, from worst to best.
const (
	PortabilityNone        Portability = "none"
	PortabilityProprietary Portability = "proprietary"
	PortabilityStandard    Portability = "standard"
	PortabilityOpen        Portability = "open"
)

// Portabilities lists the valid portability values, from worst to best.
var Portabilities = []Portability{PortabilityNone, PortabilityProprietary, PortabilityStandard, PortabilityOpen}

// Valid reports whether p is one of Portabilities.
func (p Portability) Valid() bool { return slices.Contains(Portabilities, p) }

// Flow is a movement of data between two components.
type Flow struct {
	ID   string   `json:"id" yaml:"id"`
	From string   `json:"from" yaml:"from"`
	To   string   `json:"to" yaml:"to"`
	Data []string `json:"data,omitempty" yaml:"data,omitempty"`
	// Mechanism is the legal transfer mechanism the flow relies on; empty
	// means none.
	Mechanism Mechanism `json:"mechanism,omitempty" yaml:"mechanism,omitempty"`
	// Inferred is set by sovmap for flows derived from data-carrying dependencies.
	Inferred bool `json:"inferred,omitempty" yaml:"-"`
	Pos      Pos  `json:"-" yaml:"-"`
}

// Mechanism is the legal ground a transfer of personal data relies on.
type Mechanism string

// The transfer mechanisms a flow may name.
const (
	MechanismNone       Mechanism = "none"
	MechanismAdequacy   Mechanism = "adequacy"   // an adequacy decision (GDPR art. 45)
	MechanismSCC        Mechanism = "scc"        // standard contractual clauses (art. 46(2)(c))
	MechanismBCR        Mechanism = "bcr"        // binding corporate rules (art. 47)
	MechanismDerogation Mechanism = "derogation" // a derogation for a specific situation (art. 49)
	MechanismTreaty     Mechanism = "treaty"     // an agreement between public bodies (art. 46(2)(a))
)

// Mechanisms lists the valid transfer mechanisms.
var Mechanisms = []Mechanism{MechanismNone, MechanismAdequacy, MechanismSCC, MechanismBCR, MechanismDerogation, MechanismTreaty}

// Valid reports whether m is one of Mechanisms.
func (m Mechanism) Valid() bool { return slices.Contains(Mechanisms, m) }

// Names lists values of a string type as strings, for messages and
// schemas ("one of none, adequacy, ...").
func Names[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// Arrangement is a hosting arrangement under a legal instrument, such as a
// digital embassy: a guest's infrastructure in a host country.
type Arrangement struct {
	ID    string `json:"id" yaml:"id"`
	Name  string `json:"name,omitempty" yaml:"name,omitempty"`
	Host  string `json:"host" yaml:"host"`
	Guest string `json:"guest" yaml:"guest"`
	// Instrument is treaty, agreement, law, contract or none.
	Instrument string `json:"instrument,omitempty" yaml:"instrument,omitempty"`
	// Framework names the trust framework the answers refer to; empty means
	// the default digital-embassy framework.
	Framework string `json:"framework,omitempty" yaml:"framework,omitempty"`
	// Answers maps criterion ids to answers (yes, partial, no, a level or a number).
	Answers map[string]any `json:"answers,omitempty" yaml:"answers,omitempty"`
	// Evidence maps criterion ids to a document or link backing the answer.
	Evidence map[string]string `json:"evidence,omitempty" yaml:"evidence,omitempty"`
	Pos      Pos               `json:"-" yaml:"-"`
}

// Rule is an organization's own requirement, written in CEL.
type Rule struct {
	ID string `json:"id" yaml:"id"`
	// When is a CEL expression over `component` that yields a bool.
	When     string   `json:"when" yaml:"when"`
	Require  Level    `json:"require" yaml:"require"`
	Category Category `json:"category" yaml:"category"`
	Reason   string   `json:"reason,omitempty" yaml:"reason,omitempty"`
	// Basis is policy (the default: the organization's own choice), or law
	// or guidance when the rule encodes one, with its Citation. A rule of
	// category regulatory must rest on law or guidance.
	Basis    Basis  `json:"basis,omitempty" yaml:"basis,omitempty"`
	Citation string `json:"citation,omitempty" yaml:"citation,omitempty"`
	Pos      Pos    `json:"-" yaml:"-"`
}

// Assessment holds one provider's answers to a framework's criteria.
type Assessment struct {
	ID        string            `json:"id,omitempty" yaml:"id,omitempty"`
	Provider  string            `json:"provider" yaml:"provider"`
	Framework string            `json:"framework" yaml:"framework"`
	Answers   map[string]any    `json:"answers,omitempty" yaml:"answers,omitempty"`
	Evidence  map[string]string `json:"evidence,omitempty" yaml:"evidence,omitempty"`
	Pos       Pos               `json:"-" yaml:"-"`
}

// Scenario is a stress test declared in the inventory.
type Scenario struct {
	ID string `json:"id" yaml:"id"`
	// Kind is compel, export-control, provider-exit, revoke-arrangement,
	// region-cut or energy-shortage.
	Kind   string `json:"kind" yaml:"kind"`
	Target string `json:"target" yaml:"target"`
	// RestoreDays overrides the built-in estimate of time to restore.
	RestoreDays *int   `json:"restore_days,omitempty" yaml:"restore_days,omitempty"`
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	Pos         Pos    `json:"-" yaml:"-"`
}

// Option is an alternative offer for a component, used by planning.
type Option struct {
	ID           string     `json:"id" yaml:"id"`
	Provider     string     `json:"provider,omitempty" yaml:"provider,omitempty"`
	Locations    []string   `json:"locations,omitempty" yaml:"locations,omitempty"`
	OperatedFrom []string   `json:"operated_from,omitempty" yaml:"operated_from,omitempty"`
	KeyCustody   KeyCustody `json:"key_custody,omitempty" yaml:"key_custody,omitempty"`
	Contract     *Contract  `json:"contract,omitempty" yaml:"contract,omitempty"`
	Arrangement  string     `json:"arrangement,omitempty" yaml:"arrangement,omitempty"`
	CostOnce     float64    `json:"cost_once,omitempty" yaml:"cost_once,omitempty"`
	CostYearly   float64    `json:"cost_yearly,omitempty" yaml:"cost_yearly,omitempty"`
}
