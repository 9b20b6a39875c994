// Package embassy scores digital-embassy arrangements (a guest's data and
// systems hosted in another country under a legal instrument) on the
// digital-embassy trust framework, compares candidate hosts, lists the
// clauses still to negotiate and decides whether an arrangement qualifies,
// so that the components it covers count as located at home.
package embassy

import (
	"fmt"
	"maps"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/kb"
)

// Options are what scoring an arrangement draws on besides its answers.
// The zero value scores the answers with the inventory's own facts only.
type Options struct {
	// Weights names a weight set of the framework; "" means its default.
	// Weights change the score, never the tier or the qualification.
	Weights string
	// KB, when set, lets export controls cap the capacity criterion of an
	// arrangement that hosts accelerators (framework.ArrangementFacts): the
	// vendor country's rules on the host, from the knowledge base. Without
	// it the capacity answer stands unchecked.
	KB *kb.KB
	// At is the day export controls are judged on; zero means today.
	At time.Time
}

// day returns At, or today when At is zero.
func (o Options) day() time.Time {
	if o.At.IsZero() {
		return time.Now().UTC()
	}
	return o.At
}

// Evaluate scores one arrangement on its framework. inv may be nil; when
// given, facts are taken from it (see Facts). Errors name the arrangement
// and its position.
func Evaluate(lib *framework.Library, a sovmap.Arrangement, inv *sovmap.Inventory, opts Options) (*framework.Result, error) {
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
	facts, err := Facts(a, inv, opts)
	if err != nil {
		return nil, subjectError(a, err)
	}
	res, err := f.Evaluate(framework.Input{
		Answers:  a.Answers,
		Evidence: a.Evidence,
		Facts:    facts,
		Weights:  opts.Weights,
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
// arrangement: the kind of instrument; the weakest key custody among the
// data-holding components hosted under it; and, with opts.KB, how far
// export controls on the hosted accelerators let the host guarantee
// capacity (framework.ArrangementFacts, judged on opts.At). A fact wins
// over an answer to the same criterion; the capacity fact is a ceiling.
func Facts(a sovmap.Arrangement, inv *sovmap.Inventory, opts Options) (map[string]framework.Fact, error) {
	facts := inventoryFacts(a, inv)
	if opts.KB == nil {
		return facts, nil
	}
	supply, err := framework.ArrangementFacts(inv, opts.KB, a, opts.day())
	if err != nil {
		return nil, err
	}
	maps.Copy(facts, supply)
	return facts, nil
}

// inventoryFacts are the facts that need no knowledge base.
func inventoryFacts(a sovmap.Arrangement, inv *sovmap.Inventory) map[string]framework.Fact {
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
