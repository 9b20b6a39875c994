package main

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/embassy"
	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/plan"
)

// TestQualificationAgreesEverywhere holds the four places that judge a
// digital embassy to one verdict: embassy score and embassy compare (the
// options embassyOptions gives, with the inventory's knowledge base),
// assess (assessOptionsOn: the location of a hosted component counts as
// home exactly when its arrangement qualifies) and plan (AssessEvaluator
// with the same options). It runs over every example with arrangements,
// on days before, during and after the AI diffusion rule, and over
// variants of each arrangement's answers (capacity, key custody and the
// instrument's status, each on and off its top answer, unanswered too), so
// that tiers from T0 to T4 and both verdicts occur.
func TestQualificationAgreesEverywhere(t *testing.T) {
	ctx := context.Background()
	paths, err := filepath.Glob(filepath.Join(repoRoot(t), "examples", "*", "inventory.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	lib, err := framework.Default()
	if err != nil {
		t.Fatal(err)
	}
	days := []string{"2024-06-01", "2025-03-01", "2026-12-05"}
	variants := map[string][]any{
		"capacity":          {nil, "yes", "partial", "no"},
		"key-custody":       {nil, "customer-held", "provider"},
		"instrument-status": {nil, "in-force", "signed"},
	}
	seen := map[string]int{} // "T3 true" -> count, to show the variety covered
	checked := 0
	for _, path := range paths {
		a := &app{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, status: &statusLine{}}
		inv, k, err := a.load(ctx, []string{path})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(inv.Arrangements) == 0 {
			continue
		}
		for _, day := range days {
			for _, v := range answerVariants(inv, variants) {
				opts, err := embassyOptions("", day)
				if err != nil {
					t.Fatal(err)
				}
				opts.KB = k
				at := opts.At
				ids := make([]string, len(v.Arrangements))
				for i, arr := range v.Arrangements {
					ids[i] = arr.ID
				}
				cmp, err := embassy.Compare(lib, v, ids, opts)
				if err != nil {
					t.Fatalf("%s on %s: compare: %v", path, day, err)
				}
				aopts := assessOptionsOn(v, k, at)
				rep, err := assess.Assess(ctx, v, k, aopts)
				if err != nil {
					t.Fatal(err)
				}
				lv, err := plan.AssessEvaluator{KB: k, OptionsFor: func(p *sovmap.Inventory) assess.Options { return assessOptionsOn(p, k, at) }}.Levels(ctx, v)
				if err != nil {
					t.Fatal(err)
				}
				qualifier := aopts.Qualifies
				for i, arr := range v.Arrangements {
					where := fmt.Sprintf("%s %s on %s (answers %v)", filepath.Base(filepath.Dir(path)), arr.ID, day, pick(arr.Answers, slices.Collect(maps.Keys(variants))))
					sc, err := embassy.Score(lib, v, arr, opts)
					if err != nil {
						t.Fatalf("%s: %v", where, err)
					}
					seen[fmt.Sprintf("%s %v", sc.Result.LevelName, sc.Qualifies)]++
					checked++
					if c := cmp.Scorecards[i]; c.Qualifies != sc.Qualifies || c.Result.Level != sc.Result.Level {
						t.Errorf("%s: compare says %s/%v, score %s/%v", where, c.Result.LevelName, c.Qualifies, sc.Result.LevelName, sc.Qualifies)
					}
					if ok, why := qualifier(arr); ok != sc.Qualifies {
						t.Errorf("%s: assess's qualifier says %v (%s), embassy score %v (%s)", where, ok, why, sc.Qualifies, sc.Qualification)
					}
					for j, c := range v.Components {
						if c.Arrangement != arr.ID || !slices.Contains(c.Locations, arr.Host) {
							continue
						}
						lifted := slices.ContainsFunc(rep.Components[j].Factors, func(f sovmap.Factor) bool {
							return f.Name == sovmap.FactorLocation && slices.Contains(f.Facts, "arrangement "+arr.ID+" qualifies")
						})
						if lifted != sc.Qualifies {
							t.Errorf("%s: assess lifts %s's location: %v, embassy score qualifies: %v", where, c.ID, lifted, sc.Qualifies)
						}
						if lv.Own[j] != rep.Components[j].Level {
							t.Errorf("%s: plan sees %s at %d, assess at %d", where, c.ID, lv.Own[j], rep.Components[j].Level)
						}
					}
				}
			}
		}
	}
	// The variants must reach both verdicts and several tiers, or the
	// agreement above proves little.
	if len(seen) < 4 || seen["T4 true"] == 0 || seen["T2 false"] == 0 || seen["T0 false"] == 0 {
		t.Errorf("verdicts covered %v; want both verdicts and several tiers", seen)
	}
	t.Logf("%d scorecards checked; verdicts %v", checked, seen)
}

// answerVariants returns the inventory as given and, for each criterion of
// variants and each of its answers (nil: unanswered), a copy with every
// arrangement's answer to it replaced.
func answerVariants(inv *sovmap.Inventory, variants map[string][]any) []*sovmap.Inventory {
	out := []*sovmap.Inventory{inv}
	for _, crit := range slices.Sorted(maps.Keys(variants)) {
		for _, ans := range variants[crit] {
			v := *inv
			v.Arrangements = slices.Clone(inv.Arrangements)
			for i := range v.Arrangements {
				answers := maps.Clone(v.Arrangements[i].Answers)
				if answers == nil {
					answers = map[string]any{}
				}
				if ans == nil {
					delete(answers, crit)
				} else {
					answers[crit] = ans
				}
				v.Arrangements[i].Answers = answers
			}
			out = append(out, &v)
		}
	}
	return out
}

// pick shows the answers to the varied criteria, for failure messages.
func pick(answers map[string]any, keys []string) string {
	var parts []string
	for _, k := range slices.Sorted(slices.Values(keys)) {
		parts = append(parts, fmt.Sprintf("%s=%v", k, answers[k]))
	}
	return strings.Join(parts, " ")
}

// TestRiskModelJudgesEmbassiesOnTheFacts: the risk commands (vendors,
// graph, scenario) take their model from the assessment every command
// makes (a.assess), whose digital embassies are judged with the
// inventory's facts and knowledge base. The embassy-ai-compute example
// tells the two apart: its arrangement gpu-ae qualifies only when export
// controls are not looked at, so a fact-blind assessment (embassy.Qualifies)
// gives train-ae, hosted under it, its own level 3, and the model must
// give it 1. (That assess judges them as embassy score does is
// TestQualificationAgreesEverywhere's.)
func TestRiskModelJudgesEmbassiesOnTheFacts(t *testing.T) {
	ctx := context.Background()
	a := &app{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, status: &statusLine{}}
	m, _, err := a.model(ctx, []string{filepath.Join(repoRoot(t), "examples", "embassy-ai-compute", "inventory.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	blind, err := assess.Assess(ctx, m.Inv, m.KB, assess.Options{Qualifies: embassy.Qualifies})
	if err != nil {
		t.Fatal(err)
	}
	level := func(r *sovmap.Report) sovmap.Level {
		for i := range r.Components {
			if r.Components[i].ID == "train-ae" {
				return r.Components[i].Level
			}
		}
		t.Fatal("no component train-ae")
		return 0
	}
	if got, blindLevel := level(m.Report), level(blind); got != 1 || blindLevel != 3 {
		t.Errorf("train-ae: the risk model gives level %d (want 1), a fact-blind assessment %d (want 3)", got, blindLevel)
	}
}
