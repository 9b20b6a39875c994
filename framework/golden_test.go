package framework

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	goldenfile "github.com/sovmap/sovmap/internal/golden"

	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
)

// loadExample loads examples/NAME/inventory.yaml with the shipped
// knowledge base.
func loadExample(t *testing.T, name string) (*sovmap.Inventory, *kb.KB) {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.Load(context.Background(), k, "../examples/"+name+"/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return inv, k
}

// shipped returns the shipped framework of the given name.
func shipped(t *testing.T, name string) (*Library, *Framework) {
	t.Helper()
	lib, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	f, err := lib.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return lib, f
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", "golden", name), got)
}

// TestGoldenProviderScores scores the site operators of the host-comparison
// example as the framework score command does.
func TestGoldenProviderScores(t *testing.T) {
	inv, k := loadExample(t, "embassy-host-comparison")
	lib, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ provider, framework, weights, name string }{
		{"lu-ai-operator", "eu-csf@1.2.1", "", "eu-csf-lu-ai-operator"},
		{"lu-ai-operator", "eu-csf@1.2.1", "2026", "eu-csf-2026-lu-ai-operator"},
		{"no-ai-operator", "eu-csf@1.2.1", "", "eu-csf-no-ai-operator"},
		{"no-ai-operator", "secnumcloud", "", "secnumcloud-no-ai-operator"},
		{"lu-ai-operator", "gaia-x", "", "gaia-x-lu-ai-operator"},
	} {
		f, _ := lib.Get(tt.framework)
		facts, err := ProviderFacts(inv, k, tt.provider)
		if err != nil {
			t.Fatal(err)
		}
		in := Input{Facts: facts, Weights: tt.weights}
		s := &Scored{Subject: "provider " + tt.provider}
		for _, as := range inv.Assessments {
			if as.Provider == tt.provider && lib.Same(as.Framework, tt.framework) {
				in.Answers, in.Evidence, s.Assessment = as.Answers, as.Evidence, as.ID
			}
		}
		res, err := f.Evaluate(in)
		if err != nil {
			t.Fatal(err)
		}
		s.Result = res
		for ext, write := range map[string]func(io.Writer, *Scored) error{
			"txt": WriteScoredTable, "md": WriteScoredMarkdown, "json": func(w io.Writer, s *Scored) error { return WriteJSON(w, s) },
		} {
			var b bytes.Buffer
			if err := write(&b, s); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name+"."+ext, b.Bytes())
		}
	}
}

func TestGoldenListAndShow(t *testing.T) {
	lib, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteListTable(&b, lib); err != nil {
		t.Fatal(err)
	}
	golden(t, "list.txt", b.Bytes())
	for _, id := range []string{"eu-csf@1.2.1", "eu-csf@2026", "digital-embassy", "secnumcloud", "gaia-x"} {
		f, _ := lib.Get(id)
		b.Reset()
		if err := WriteFrameworkMarkdown(&b, f); err != nil {
			t.Fatal(err)
		}
		golden(t, "show-"+strings.ReplaceAll(id, "@", "-")+".md", b.Bytes())
	}
}

// TestEUCSFSealIsMinimumOfMinimums checks the gate and the score formula on
// hand-computed answers: one SEAL-1 criterion in SOV-5 caps the overall
// SEAL at 1; the score is sum(objective score / max x weight).
func TestEUCSFSealIsMinimumOfMinimums(t *testing.T) {
	lib, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := lib.Get("eu-csf@1.2.1")
	answers := map[string]any{}
	for _, d := range f.Dimensions {
		for _, c := range d.Criteria {
			answers[c.ID] = "SEAL-4"
		}
	}
	answers["SOV-5.1"] = "SEAL-1"
	answers["SOV-8.1"] = 3
	res, err := f.Evaluate(Input{Answers: answers})
	if err != nil {
		t.Fatal(err)
	}
	if res.LevelName != "SEAL-1" || len(res.Binding) != 1 || res.Binding[0] != "SOV-5" {
		t.Errorf("SEAL = %s binding %v, want SEAL-1 set by SOV-5", res.LevelName, res.Binding)
	}
	// SOV-5 has five criteria: (4*1 + 0.25)/5 = 0.85; SOV-8 has four:
	// (3*1 + 0.75)/4 = 0.9375. Score = 100 - 20*(1-.85) - 5*(1-.9375).
	want := 100 - 20*0.15 - 5*0.0625
	if !near(float64(res.Score), want) {
		t.Errorf("score = %v, want %v", res.Score, want)
	}
	if d, _ := res.Dimension("SOV-8"); d.LevelName != "SEAL-3" {
		t.Errorf("SOV-8 = %s, want SEAL-3 (numeric alias 3)", d.LevelName)
	}
	res26, err := f.Evaluate(Input{Answers: answers, Weights: "2026"})
	if err != nil {
		t.Fatal(err)
	}
	// Under the 2026 weights SOV-5 weighs 10 and SOV-8 5.
	if want26 := 100 - 10*0.15 - 5*0.0625; !near(float64(res26.Score), want26) || res26.Level != res.Level {
		t.Errorf("2026 score = %v level %d, want %v and the same SEAL", res26.Score, res26.Level, want26)
	}
}
