// Package plan finds a sourcing plan: for each component of an inventory,
// keep what it runs on today or take one of the alternative offers listed
// under its options:, so that every component reaches its required level at
// the least total cost, under the user's constraints (a budget, and no
// provider or foreign jurisdiction above a share of the critical
// components).
//
// Levels after a choice come from re-assessing the inventory with the
// option's facts (an Evaluator; AssessEvaluator uses the assess package).
// Because a component's own and required levels depend only on its own facts,
// each option is assessed once; because effective levels depend on what a
// component runs on, choices interact, and the solver combines own levels
// through the dependency graph with the assessment's own code
// (assess.Effective), cycles through supply edges included. Where a shared
// digital-embassy arrangement makes own levels depend on other components'
// choices, the result says so and claims nothing proven.
//
// The solver is an exact branch and bound over the components that have
// options. It computes the whole trade-off curve at once: for every number k
// of components meeting their requirement, the least cost of a plan that
// meets at least k. It prunes with two lower bounds (see bound) and stops at
// a node limit, in which case it reports the best plan found and a proven
// lower bound on the optimum instead of claiming optimality.
package plan

import (
	"context"
	"fmt"
	"math"

	"github.com/sovmap/sovmap"
)

// Levels is an assessment of an inventory as the planner needs it, each
// slice indexed like the inventory's components.
type Levels struct {
	Own       []sovmap.Level
	Effective []sovmap.Level
	Required  []sovmap.Level
	// Controller is each component's ultimate controller ("" when the
	// organization runs it itself); Jurisdiction is that controller's
	// country ("" when unknown or in-house).
	Controller   []string
	Jurisdiction []string
	// Binding lists the factors that set each component's own level; it
	// explains why an option cannot reach a requirement. Optional.
	Binding [][]sovmap.FactorName
}

// Evaluator assesses an inventory. The solver calls it once per option
// round and once to verify the plan it returns.
type Evaluator interface {
	Levels(ctx context.Context, inv *sovmap.Inventory) (*Levels, error)
}

// Constraints are the limits a plan must respect. Zero values mean "no limit".
type Constraints struct {
	// Budget caps the total cost of the plan; 0 means no budget.
	Budget float64 `json:"budget,omitempty"`
	// MaxProviderShare caps the share (0-1] of critical components whose
	// ultimate controller is any one provider; 0 means no cap. Components the
	// organization runs itself are not counted against any provider.
	MaxProviderShare float64 `json:"max_provider_share,omitempty"`
	// MaxJurisdictionShare caps the share (0-1] of critical components
	// controlled from any one foreign jurisdiction; 0 means no cap. The home
	// jurisdiction is not capped.
	MaxJurisdictionShare float64 `json:"max_jurisdiction_share,omitempty"`
}

// Options tune the solver.
type Options struct {
	Constraints
	// Years is the horizon of the cost: cost = cost_once + Years x
	// cost_yearly. Zero means DefaultYears.
	Years int
	// MaxNodes bounds the branch-and-bound search for the plan; zero means
	// DefaultMaxNodes. When the search stops early the result says so and
	// carries a lower bound.
	MaxNodes int
	// CurveNodes bounds the second search, which proves the points of the
	// trade-off curve below the plan's; zero means DefaultCurveNodes.
	// Points it cannot prove are marked, with a lower bound.
	CurveNodes int
}

// Defaults of Options.
const (
	DefaultYears      = 3
	DefaultMaxNodes   = 500_000
	DefaultCurveNodes = 100_000
)

// Validate checks the options for values no plan can use.
func (o Options) Validate() error {
	switch {
	case o.Budget < 0 || math.IsNaN(o.Budget) || math.IsInf(o.Budget, 0):
		return fmt.Errorf("budget must be a positive amount (0 for none)")
	case o.MaxProviderShare < 0 || o.MaxProviderShare > 1 || math.IsNaN(o.MaxProviderShare):
		return fmt.Errorf("provider share must be between 0 and 1 (0 for none)")
	case o.MaxJurisdictionShare < 0 || o.MaxJurisdictionShare > 1 || math.IsNaN(o.MaxJurisdictionShare):
		return fmt.Errorf("jurisdiction share must be between 0 and 1 (0 for none)")
	case o.Years < 0 || o.Years > 100:
		return fmt.Errorf("years must be between 1 and 100")
	case o.MaxNodes < 0 || o.CurveNodes < 0:
		return fmt.Errorf("node limits cannot be negative")
	}
	return nil
}

// ComponentLevels are one component's levels.
type ComponentLevels struct {
	Own       sovmap.Level `json:"own"`
	Effective sovmap.Level `json:"effective"`
	Required  sovmap.Level `json:"required"`
}

// Met reports whether the effective level reaches the required one.
func (l ComponentLevels) Met() bool { return l.Effective >= l.Required }

// Choice is the plan's decision for one component.
type Choice struct {
	Component string `json:"component"`
	// Option is the chosen option's id; empty means keep the current offer.
	Option   string `json:"option,omitempty"`
	Provider string `json:"provider,omitempty"`
	// Controller and Jurisdiction are after the choice.
	Controller   string          `json:"controller,omitempty"`
	Jurisdiction string          `json:"jurisdiction,omitempty"`
	Critical     bool            `json:"critical"`
	Cost         float64         `json:"cost"`
	Before       ComponentLevels `json:"before"`
	After        ComponentLevels `json:"after"`
}

// Point is one point of the trade-off curve: the least cost at which at
// least Met components meet their required level.
type Point struct {
	Met int `json:"met"`
	// Gaps is the number of components still below their required level.
	Gaps int `json:"gaps"`
	// Closed counts the components that meet their requirement under the
	// point's plan and not when everything is kept; Opened those that meet
	// it when everything is kept and not under the plan (a plan can give
	// one up to respect a cap that keeping everything breaks).
	Closed int     `json:"closed"`
	Opened int     `json:"opened"`
	Cost   float64 `json:"cost"`
	// Changes lists component=option for the point's plan.
	Changes []string `json:"changes"`
	// Optimal is false when the search stopped before proving this point;
	// LowerBound is then a proven lower bound on its least cost.
	Optimal    bool    `json:"optimal"`
	LowerBound float64 `json:"lower_bound"`
}

// Unmet explains a requirement the plan does not meet.
type Unmet struct {
	Component string       `json:"component"`
	Required  sovmap.Level `json:"required"`
	Effective sovmap.Level `json:"effective"`
	Why       []string     `json:"why"`
}

// Share is one provider's or jurisdiction's share of critical components.
type Share struct {
	Kind     string  `json:"kind"` // provider or jurisdiction
	Name     string  `json:"name"`
	Critical int     `json:"critical"`
	Share    float64 `json:"share"`
	Cap      int     `json:"cap"` // -1 when uncapped
}

// Result is a sourcing plan and how it was found.
type Result struct {
	Organization string      `json:"organization"`
	Home         string      `json:"home"`
	Years        int         `json:"years"`
	Constraints  Constraints `json:"constraints"`
	Components   int         `json:"components"`
	Critical     int         `json:"critical_components"`
	// WithOptions counts the components that list options.
	WithOptions int `json:"components_with_options"`
	// MetBefore and GapsBefore describe keeping everything.
	MetBefore  int `json:"met_before"`
	GapsBefore int `json:"gaps_before"`
	// Feasible is true when the plan meets every requirement.
	Feasible bool `json:"feasible"`
	// Optimal is true when the search proved the plan's cost is the least.
	Optimal bool `json:"optimal"`
	// LowerBound is a proven lower bound on the cost of the plan's target
	// (every requirement when Feasible, else Met components); it equals Cost
	// when Optimal.
	LowerBound float64 `json:"lower_bound"`
	// Nodes and CurveNodes count the search nodes of the two phases: the
	// plan, then the rest of the trade-off curve.
	Nodes      int      `json:"nodes"`
	CurveNodes int      `json:"curve_nodes"`
	Cost       float64  `json:"cost"`
	CostOnce   float64  `json:"cost_once"`
	CostYearly float64  `json:"cost_yearly"`
	Met        int      `json:"met"`
	Gaps       int      `json:"gaps"`
	Plan       []Choice `json:"plan"`
	Curve      []Point  `json:"curve"`
	Unmet      []Unmet  `json:"unmet,omitempty"`
	// Blocking says which constraints keep every requirement from being
	// met, when relaxing them would.
	Blocking []string `json:"blocking,omitempty"`
	Shares   []Share  `json:"shares"`
	Notes    []string `json:"notes,omitempty"`
}
