package plan

import (
	"context"
	"fmt"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/kb"
)

// AssessEvaluator evaluates inventories with the assess package: the
// levels a plan reaches are the levels `sovmap assess` would report.
type AssessEvaluator struct {
	KB      *kb.KB
	Options assess.Options
	// OptionsFor, when set, gives the options for each inventory assessed
	// instead of Options. `sovmap assess` judges a digital embassy with the
	// facts of the components it hosts (embassy.QualifierFor), and a plan
	// changes those facts: each variant must be judged with its own.
	OptionsFor func(*sovmap.Inventory) assess.Options
}

// Levels assesses inv. A component's jurisdiction is its controller's
// country, left empty when that is home, so that the home jurisdiction is
// never capped.
func (e AssessEvaluator) Levels(ctx context.Context, inv *sovmap.Inventory) (*Levels, error) {
	opts := e.Options
	if e.OptionsFor != nil {
		opts = e.OptionsFor(inv)
	}
	r, err := assess.Assess(ctx, inv, e.KB, opts)
	if err != nil {
		return nil, err
	}
	tiers, err := assess.NewTiers(e.KB, inv.Organization)
	if err != nil {
		return nil, err
	}
	if len(r.Components) != len(inv.Components) {
		return nil, fmt.Errorf("assessment returned %d components for %d", len(r.Components), len(inv.Components))
	}
	country := map[string]string{}
	for _, p := range r.Providers {
		country[p.ID] = p.ControllerCountry
	}
	n := len(inv.Components)
	lv := &Levels{
		Own: make([]sovmap.Level, n), Effective: make([]sovmap.Level, n), Required: make([]sovmap.Level, n),
		Controller: make([]string, n), Jurisdiction: make([]string, n), Binding: make([][]sovmap.FactorName, n),
	}
	for i := range inv.Components {
		c := &r.Components[i]
		if c.ID != inv.Components[i].ID {
			return nil, fmt.Errorf("assessment out of inventory order at %s", c.ID)
		}
		lv.Own[i], lv.Effective[i], lv.Required[i] = c.Level, c.EffectiveLevel, c.RequiredLevel
		lv.Binding[i] = c.Binding
		if p := inv.Components[i].Provider; p != "" {
			lv.Controller[i] = c.Controller
			if lv.Controller[i] == "" {
				lv.Controller[i] = p
			}
			if j := country[p]; j != "" && tiers.Of(j) != sovmap.TierHome {
				lv.Jurisdiction[i] = j
			}
		}
	}
	return lv, nil
}
