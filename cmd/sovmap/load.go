package main

import (
	"context"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/embassy"
	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
)

// load reads and validates the inventory at paths with the knowledge base.
func (a *app) load(ctx context.Context, paths []string) (*sovmap.Inventory, *kb.KB, error) {
	k, err := a.knowledge()
	if err != nil {
		return nil, nil, err
	}
	a.mark("knowledge")
	a.begin("loading %s", strings.Join(paths, ", "))
	inv, err := inventory.Load(ctx, k, paths...)
	if err != nil {
		return nil, nil, err
	}
	a.mark("load")
	// Assess with the knowledge the inventory was validated against.
	if k, err = inventory.WithKnowledge(k, inv); err != nil {
		return nil, nil, err
	}
	return inv, k, nil
}

// assessOptions wires the packages that judge parts of an assessment.
// Prefer assessOptionsFor when the inventory is at hand.
func (a *app) assessOptions() assess.Options {
	return assess.Options{Qualifies: embassy.Qualifies}
}

// assessOptionsFor wires the judges for one inventory: a digital embassy
// qualifies only if the components it hosts really hold their own keys.
func (a *app) assessOptionsFor(inv *sovmap.Inventory) assess.Options {
	return assess.Options{Qualifies: embassy.QualifierFor(inv)}
}

// assess loads and assesses the inventory at paths.
func (a *app) assess(ctx context.Context, paths []string) (*sovmap.Inventory, *sovmap.Report, error) {
	inv, k, err := a.load(ctx, paths)
	if err != nil {
		return nil, nil, err
	}
	opts := a.assessOptionsFor(inv)
	a.begin("assessing %s", plural.Count(len(inv.Components), "component"))
	r, err := assess.Assess(ctx, inv, k, opts)
	if err != nil {
		return nil, nil, err
	}
	a.mark("assess")
	if overrides := k.Overrides(); len(overrides) > 0 {
		// Say which verdicts the organization's own facts decide: assess
		// again on the embedded knowledge base and compare.
		base, err := kb.Default()
		if err != nil {
			return nil, nil, err
		}
		if br, err := assess.Assess(ctx, inv, base, opts); err == nil {
			r.Notes = append(r.Notes, assess.OverrideNotes(br, r, overrides)...)
		}
	}
	return inv, r, nil
}
