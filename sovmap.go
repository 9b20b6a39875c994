// Package sovmap holds the domain types of sovmap: the inventory an organization
// writes (components, providers, flows, arrangements, rules) and the vocabulary
// of the sovereignty spectrum (levels, tiers, layers, factors, requirements).
//
// It imports nothing of the project. Loading, assessing, reporting and storing
// live in their own packages and speak in these types.
package sovmap

import "fmt"

// Level is a place on the sovereignty spectrum, from Exposed (0) to Domestic (4).
type Level int8

// The five levels of the spectrum. Their order matters: a higher level is more
// sovereign, and the weakest link is the minimum.
const (
	Exposed          Level = 0 // no safeguards, unknown facts, or a restricted jurisdiction involved
	Contractual      Level = 1 // foreign provider, commitments on paper only
	Safeguarded      Level = 2 // trusted partner under enforceable safeguards, material foreign dependencies
	SovereignPartner Level = 3 // abroad or foreign technology, but under home control in practice
	Domestic         Level = 4 // home-controlled, home-located, home-operated, home law only
)

// MaxLevel is the highest level of the spectrum.
const MaxLevel = Domestic

var levelNames = [...]string{"exposed", "contractual", "safeguarded", "sovereign-partner", "domestic"}

// String returns the level's name, such as "safeguarded".
func (l Level) String() string {
	if l < 0 || int(l) >= len(levelNames) {
		return fmt.Sprintf("level(%d)", int(l))
	}
	return levelNames[l]
}

// Valid reports whether l is one of the five levels.
func (l Level) Valid() bool { return l >= Exposed && l <= Domestic }

// Min returns the lower of two levels.
func Min(a, b Level) Level {
	if a < b {
		return a
	}
	return b
}

// Sourcing is the advice that follows from a required level: where the
// component may be sourced from.
type Sourcing string

// The four sourcing advices, from most to least demanding.
const (
	SourceDomestic         Sourcing = "domestic"
	SourceSovereignPartner Sourcing = "sovereign-partner"
	SourceTrustedPartner   Sourcing = "trusted-partner"
	SourceOpenMarket       Sourcing = "open-market"
)

// SourcingFor returns the sourcing advice for a required level.
func SourcingFor(required Level) Sourcing {
	switch {
	case required >= Domestic:
		return SourceDomestic
	case required == SovereignPartner:
		return SourceSovereignPartner
	case required == Safeguarded:
		return SourceTrustedPartner
	default:
		return SourceOpenMarket
	}
}

// Tier is how a jurisdiction stands from the point of view of the home
// jurisdiction. Lower is closer to home.
type Tier int8

// The four tiers. TierUnknown is used when a fact is missing; it is treated
// like the worst tier so that unknown facts never raise a level.
const (
	TierHome Tier = iota
	TierTrusted
	TierNeutral
	TierRestricted
	TierUnknown
)

var tierNames = [...]string{"home", "trusted", "neutral", "restricted", "unknown"}

// String returns the tier's name, such as "trusted".
func (t Tier) String() string {
	if t < 0 || int(t) >= len(tierNames) {
		return fmt.Sprintf("tier(%d)", int(t))
	}
	return tierNames[t]
}

// Layer is a building block of the AI stack.
type Layer string

// The layers of the AI stack, from its physical inputs up to its operations.
const (
	LayerEnergy       Layer = "energy"
	LayerFacility     Layer = "facility"
	LayerHardware     Layer = "hardware"
	LayerCompute      Layer = "compute"
	LayerStorage      Layer = "storage"
	LayerConnectivity Layer = "connectivity"
	LayerPlatform     Layer = "platform"
	LayerModel        Layer = "model"
	LayerData         Layer = "data"
	LayerApplication  Layer = "application"
	LayerSecurity     Layer = "security"
	LayerOperations   Layer = "operations"
)

// Layers lists every layer in stack order, bottom first.
var Layers = []Layer{
	LayerEnergy, LayerFacility, LayerHardware, LayerCompute, LayerStorage, LayerConnectivity,
	LayerPlatform, LayerModel, LayerData, LayerApplication, LayerSecurity, LayerOperations,
}

// Valid reports whether l is one of the known layers.
func (l Layer) Valid() bool {
	for _, x := range Layers {
		if x == l {
			return true
		}
	}
	return false
}

// Criticality says how much the organization depends on a component.
type Criticality string

// The criticality scale.
const (
	CriticalityVital  Criticality = "vital"
	CriticalityHigh   Criticality = "high"
	CriticalityMedium Criticality = "medium"
	CriticalityLow    Criticality = "low"
)

// Criticalities lists the valid criticalities, most critical first.
var Criticalities = []Criticality{CriticalityVital, CriticalityHigh, CriticalityMedium, CriticalityLow}

// Valid reports whether c is empty (not stated) or one of the known values.
func (c Criticality) Valid() bool {
	if c == "" {
		return true
	}
	for _, x := range Criticalities {
		if x == c {
			return true
		}
	}
	return false
}

// Critical reports whether the component counts as critical in concentration
// figures: vital or high.
func (c Criticality) Critical() bool { return c == CriticalityVital || c == CriticalityHigh }

// KeyCustody says who holds the keys that protect a component's data.
type KeyCustody string

// The key custody options, from weakest to strongest.
const (
	KeysProvider        KeyCustody = "provider"         // the provider generates and holds the keys
	KeysCustomerManaged KeyCustody = "customer-managed" // customer controls keys inside the provider's key service
	KeysCustomerHeld    KeyCustody = "customer-held"    // keys held outside the provider, by the customer
	KeysDomesticHSM     KeyCustody = "domestic-hsm"     // keys in an HSM located and operated at home
)

// KeyCustodies lists the valid key custody values.
var KeyCustodies = []KeyCustody{KeysProvider, KeysCustomerManaged, KeysCustomerHeld, KeysDomesticHSM}

// Valid reports whether k is empty (not stated) or one of the known values.
func (k KeyCustody) Valid() bool {
	if k == "" {
		return true
	}
	for _, x := range KeyCustodies {
		if x == k {
			return true
		}
	}
	return false
}

// Category tags why a requirement exists.
type Category string

// The requirement categories of docs/inventory.md.
const (
	CategoryRegulatory  Category = "regulatory"
	CategorySecurity    Category = "security"
	CategoryOperational Category = "operational"
)

// Valid reports whether c is one of the three categories.
func (c Category) Valid() bool {
	return c == CategoryRegulatory || c == CategorySecurity || c == CategoryOperational
}
