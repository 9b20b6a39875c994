// Package embassy scores digital-embassy arrangements (a guest's data and
// systems hosted in another country under a legal instrument) on the
// digital-embassy trust framework, compares candidate hosts, lists the
// clauses still to negotiate and decides whether an arrangement qualifies,
// so that the components it covers count as located at home.
package embassy

import (
	"fmt"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/framework"
)

// Evaluate scores one arrangement on its framework. inv may be nil; when
// given, facts are taken from it (the weakest key custody among the
// components hosted under the arrangement). weights names a weight set, ""
// the framework's default. Errors name the arrangement and its position.
func Evaluate(lib *framework.Library, a sovmap.Arrangement, inv *sovmap.Inventory, weights string) (*framework.Result, error) {
	fid := a.Framework
	if fid == "" {
		fid = DefaultFramework
	}
	f, err := lib.Lookup(fid)
	if err != nil {
		return nil, subjectError(a, err)
	}
	if f.Subject != "arrangement" {
		return nil, subjectError(a, fmt.Errorf("framework %s scores %ss, not arrangements", f.ID, f.Subject))
	}
	res, err := f.Evaluate(framework.Input{
		Answers:  a.Answers,
		Evidence: a.Evidence,
		Facts:    Facts(a, inv),
		Weights:  weights,
	})
	if err != nil {
		return nil, subjectError(a, err)
	}
	return res, nil
}

func subjectError(a sovmap.Arrangement, err error) error {
	if p := a.Pos.String(); p != "" {
		return fmt.Errorf("%s: arrangement %s: %w", p, a.ID, err)
	}
	return fmt.Errorf("arrangement %s: %w", a.ID, err)
}

// instrumentKinds are the values of Arrangement.Instrument the framework's
// instrument-kind ladder knows.
var instrumentKinds = map[string]bool{"treaty": true, "agreement": true, "law": true, "contract": true, "none": true}

// Facts derives the answers the inventory itself gives about an
// arrangement: the kind of instrument, and the weakest key custody among
// the data-holding components hosted under it. A fact wins over an answer
// to the same criterion.
func Facts(a sovmap.Arrangement, inv *sovmap.Inventory) map[string]framework.Fact {
	facts := map[string]framework.Fact{}
	if instrumentKinds[a.Instrument] {
		facts["arrangement.instrument"] = framework.Fact{
			Value:  a.Instrument,
			Detail: fmt.Sprintf("inventory: arrangement %s has instrument %q", a.ID, a.Instrument),
		}
	}
	if inv == nil {
		return facts
	}
	rank := map[sovmap.KeyCustody]int{}
	for i, k := range sovmap.KeyCustodies {
		rank[k] = i
	}
	var weakest *sovmap.Component
	for i := range inv.Components {
		c := &inv.Components[i]
		if c.Arrangement != a.ID || !c.Holds() {
			continue
		}
		if c.KeyCustody == "" {
			// An unstated custody is unknown: leave the criterion to the
			// answer rather than guess.
			return facts
		}
		if weakest == nil || rank[c.KeyCustody] < rank[weakest.KeyCustody] {
			weakest = c
		}
	}
	if weakest != nil {
		facts["arrangement.key_custody"] = framework.Fact{
			Value:  string(weakest.KeyCustody),
			Detail: fmt.Sprintf("inventory: component %s hosted under %s has key_custody %s (the weakest of its components)", weakest.ID, a.ID, weakest.KeyCustody),
		}
	}
	return facts
}
