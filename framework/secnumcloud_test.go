package framework

import (
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/kb"
)

func secnumcloud(t *testing.T) (*Library, *Framework) {
	t.Helper()
	return shipped(t, "secnumcloud")
}

// allMet answers every §19.6 criterion as met.
func allMet() map[string]any {
	return map[string]any{
		"snc-seat-eu": "yes", "snc-eu-control": "yes", "snc-no-veto": "yes",
		"snc-foreign-share-total": 30, "snc-foreign-share-single": 20,
		"snc-foreign-votes-total": 10, "snc-foreign-votes-single": 10,
		"snc-no-foreign-access": "yes", "snc-change-notice": "yes", "snc-operating-autonomy": "yes",
	}
}

// TestSecNumCloudScoreIsMeanOfGroupShares checks the score against the
// description `framework show secnumcloud` prints, by hand: the mean over
// the four groups of the share of the group's criteria met.
func TestSecNumCloudScoreIsMeanOfGroupShares(t *testing.T) {
	_, f := secnumcloud(t)
	if !strings.Contains(f.Description, "mean over the four requirement groups") || strings.Contains(f.Description, "share of criteria met") {
		t.Errorf("description does not say how the score is computed: %s", f.Description)
	}
	for _, tt := range []struct {
		unmet string
		value any
		want  float64
	}{
		{"", nil, 100},
		{"snc-no-veto", "no", (1 + 5.0/6 + 1 + 1) / 4 * 100},           // one of six in ownership
		{"snc-foreign-votes-total", 45, (1 + 5.0/6 + 1 + 1) / 4 * 100}, // voting rights count too
		{"snc-seat-eu", "no", (0 + 1 + 1 + 1) / 4.0 * 100},             // the only one in seat
		{"snc-change-notice", "no", (1 + 1 + 0.5 + 1) / 4 * 100},       // one of two in access
	} {
		answers := allMet()
		if tt.unmet != "" {
			answers[tt.unmet] = tt.value
		}
		res, err := f.Evaluate(Input{Answers: answers})
		if err != nil {
			t.Fatal(err)
		}
		if !near(float64(res.Score), tt.want) {
			t.Errorf("%s unmet: score %v, want %v", tt.unmet, res.Score, tt.want)
		}
		if wantLevel := map[bool]string{true: "met", false: "not-met"}[tt.unmet == ""]; res.LevelName != wantLevel {
			t.Errorf("%s unmet: level %s, want %s", tt.unmet, res.LevelName, wantLevel)
		}
	}
}

func TestSecNumCloudShareChecks(t *testing.T) {
	lib, f := secnumcloud(t)
	for _, tt := range []struct {
		name    string
		answers map[string]any
		want    string
	}{
		{"negative total", map[string]any{"snc-foreign-share-total": -50}, "criterion snc-foreign-share-total: answer -50 is outside 0..100 (percent)"},
		{"above 100", map[string]any{"snc-foreign-votes-single": 130}, "criterion snc-foreign-votes-single: answer 130 is outside 0..100 (percent)"},
		{"single above total", map[string]any{"snc-foreign-share-total": 20, "snc-foreign-share-single": 30}, "criterion snc-foreign-share-single: answer 30 is above snc-foreign-share-total's 20, which it cannot exceed"},
		{"single votes above total", map[string]any{"snc-foreign-votes-total": 5, "snc-foreign-votes-single": 24}, "criterion snc-foreign-votes-single: answer 24 is above snc-foreign-votes-total's 5"},
	} {
		_, err := f.Evaluate(Input{Answers: tt.answers})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
	// A single share equal to the total, and shares at the bounds, are fine.
	if _, err := f.Evaluate(Input{Answers: map[string]any{"snc-foreign-share-total": 0, "snc-foreign-share-single": 0, "snc-foreign-votes-total": 100, "snc-foreign-votes-single": 100}}); err != nil {
		t.Errorf("bounds refused: %v", err)
	}
	// In an inventory the error carries the assessment's position.
	inv := &sovmap.Inventory{Assessments: []sovmap.Assessment{{ID: "snc", Provider: "p", Framework: "secnumcloud",
		Answers: map[string]any{"snc-foreign-share-total": -50}, Pos: sovmap.Pos{File: "inv.yaml", Line: 12, Col: 5}}}}
	if err := CheckInventory(lib, inv); err == nil || !strings.Contains(err.Error(), "inv.yaml:12:5: assessment snc: framework secnumcloud: criterion snc-foreign-share-total: answer -50 is outside 0..100") {
		t.Errorf("CheckInventory: %v", err)
	}
}

// TestSecNumCloudReconcilesOwnership: the inventory's share of non-EU
// capital wins over the answer with a note when they disagree, and a
// non-EU controller up the parent chain raises a note that the recorded
// share may leave indirect holdings out.
func TestSecNumCloudReconcilesOwnership(t *testing.T) {
	_, f := secnumcloud(t)
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	inv := &sovmap.Inventory{Providers: []sovmap.Provider{
		{ID: "fr-cloud", Country: "FR", ForeignOwnership: share(45)},
		{ID: "us-held", Country: "FR", Parent: "us-parent", ForeignOwnership: share(10)},
		{ID: "us-parent", Country: "US"},
	}}
	facts, err := ProviderFacts(inv, k, "fr-cloud")
	if err != nil {
		t.Fatal(err)
	}
	answers := allMet()
	res, err := f.Evaluate(Input{Answers: answers, Facts: facts})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := res.Criterion("snc-foreign-share-total")
	if c.Answer != "45" || c.From != FromFact || c.LevelName != "not-met" {
		t.Errorf("capital total = %+v, want the inventory's 45%%, not met", c)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "snc-foreign-share-total: the answer 30 disagrees with the inventory fact provider.foreign_ownership_total (45)") {
		t.Errorf("notes = %q", res.Notes)
	}
	if v, _ := res.Criterion("snc-foreign-votes-total"); v.From != FromAnswer {
		t.Errorf("voting rights = %+v, want the answer: the inventory records capital only", v)
	}
	facts, err = ProviderFacts(inv, k, "us-held")
	if err != nil {
		t.Fatal(err)
	}
	res, err = f.Evaluate(Input{Answers: map[string]any{"snc-foreign-share-total": 10}, Facts: facts})
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(res.Notes, "\n")
	if !strings.Contains(joined, "snc-foreign-share-total: the inventory records 10% non-EU capital for us-held, yet its parent chain reaches a controller outside the EU") {
		t.Errorf("notes = %q, want the indirect-holding doubt", res.Notes)
	}
	if strings.Contains(joined, "disagrees") {
		t.Errorf("an agreeing answer drew a disagreement note: %q", res.Notes)
	}
}
