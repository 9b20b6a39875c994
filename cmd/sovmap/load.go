package main

import (
	"bytes"
	"context"
	"fmt"
	"github.com/sovmap/sovmap/graph"
	"io"
	"strings"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/embassy"
	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
)

// load reads and validates the inventory at paths with the knowledge base.
func (a *app) load(ctx context.Context, paths []string) (*sovmap.Inventory, *kb.KB, error) {
	inv, _, k, err := a.loadGraph(ctx, paths)
	return inv, k, err
}

// loadGraph is load that also returns the dependency graph the loader
// resolved, for the assessment.
func (a *app) loadGraph(ctx context.Context, paths []string) (*sovmap.Inventory, *graph.Graph, *kb.KB, error) {
	k, err := a.knowledge()
	if err != nil {
		return nil, nil, nil, err
	}
	a.mark("knowledge")
	a.inputs = append(a.inputs, paths...)
	a.begin("loading %s", strings.Join(paths, ", "))
	var inv *sovmap.Inventory
	var g *graph.Graph
	if len(paths) == 1 && paths[0] == "-" {
		inv, err = a.loadStdin(ctx, k)
	} else {
		l := &inventory.Loader{KB: k, Skipped: func(file, reason string) {
			a.status.clear()
			fmt.Fprintf(a.stderr, "sovmap: note: skipped %s, not an inventory: %s\n", file, reason)
		}}
		inv, g, err = l.LoadGraph(ctx, paths...)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	a.mark("load")
	// Assess with the knowledge the inventory was validated against.
	if k, err = inventory.WithKnowledge(k, inv); err != nil {
		return nil, nil, nil, err
	}
	return inv, g, k, nil
}

// loadStdin reads an inventory from standard input ("-"), JSON when it
// starts with { and YAML otherwise; positions name it "stdin".
func (a *app) loadStdin(ctx context.Context, k *kb.KB) (*sovmap.Inventory, error) {
	data, err := io.ReadAll(io.LimitReader(a.stdin, inventory.DefaultMaxJSONBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading standard input: %w", err)
	}
	name := "stdin.yaml"
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		name = "stdin.json"
	}
	return inventory.Decode(ctx, k, name, data)
}

// assessOptionsFor wires the judges for one inventory and its knowledge
// base: a digital embassy qualifies only if the components it hosts really
// hold their own keys and, where they run on accelerators, export controls
// let the host guarantee capacity, judged as sovmap embassy judges them.
// Both the assessment and the qualifier judge export controls on one day.
func (a *app) assessOptionsFor(inv *sovmap.Inventory, k *kb.KB) assess.Options {
	return assessOptionsOn(inv, k, time.Now().UTC())
}

// assessOptionsOn is assessOptionsFor with export controls judged on day.
func assessOptionsOn(inv *sovmap.Inventory, k *kb.KB, day time.Time) assess.Options {
	return assess.Options{Now: day, Qualifies: embassy.QualifierFor(inv, embassy.Options{KB: k, At: day})}
}

// assessed is an inventory as every command assesses it: validated against
// the knowledge base with the inventory's own knowledge: section laid over
// (kb), and assessed with opts, which scenarios re-assess with.
type assessed struct {
	inv    *sovmap.Inventory
	kb     *kb.KB
	opts   assess.Options
	report *sovmap.Report
}

// inventory is the assessed inventory, nil for nil (a saved assessment,
// which has none).
func (x *assessed) inventory() *sovmap.Inventory {
	if x == nil {
		return nil
	}
	return x.inv
}

// assess loads and assesses the inventory at paths: the one way the
// commands do both.
func (a *app) assess(ctx context.Context, paths []string) (*assessed, error) {
	inv, g, k, err := a.loadGraph(ctx, paths)
	if err != nil {
		return nil, err
	}
	return a.assessLoaded(ctx, inv, k, g)
}

// assessLoaded assesses inv, which the inventory package validated against
// k, its own knowledge: section laid over (as loadGraph and
// inventory.WithKnowledge lay it); g is the dependency graph the loader
// resolved, or nil.
func (a *app) assessLoaded(ctx context.Context, inv *sovmap.Inventory, k *kb.KB, g *graph.Graph) (*assessed, error) {
	opts := a.assessOptionsFor(inv, k)
	opts.Graph = g
	a.begin("assessing %s", plural.Count(len(inv.Components), "component"))
	r, err := assess.Assess(ctx, inv, k, opts)
	if err != nil {
		return nil, err
	}
	a.mark("assess")
	return &assessed{inv: inv, kb: k, opts: opts, report: r}, nil
}

// noteOverrides says in the report's notes which verdicts the
// organization's own facts decide (--kb and the inventory's knowledge:
// section): it assesses again on the embedded knowledge base and compares.
// Only the report of sovmap assess shows notes, so only it pays for the
// second assessment.
func (x *assessed) noteOverrides(ctx context.Context) error {
	overrides := x.kb.Overrides()
	if len(overrides) == 0 {
		return nil
	}
	base, err := kb.Default()
	if err != nil {
		return err
	}
	if br, err := assess.Assess(ctx, x.inv, base, x.opts); err == nil {
		x.report.Notes = append(x.report.Notes, assess.OverrideNotes(br, x.report, overrides)...)
	}
	return nil
}
