package embassy

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	goldenfile "github.com/sovmap/sovmap/internal/golden"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
)

// loadExample loads an inventory of examples/ with the embedded knowledge
// base, as the CLI does.
func loadExample(t *testing.T, name string) *sovmap.Inventory {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.Load(context.Background(), k, filepath.Join("..", "examples", name, "inventory.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// scoreDay is the day the tests judge export controls on, so that the
// golden files do not change with the calendar.
var scoreDay = time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)

// withKB returns the options the CLI scores with: the embedded knowledge
// base, judged on scoreDay, and the weight set given.
func withKB(t *testing.T, weights string) Options {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	return Options{Weights: weights, KB: k, At: scoreDay}
}

func defaultLib(t *testing.T) *framework.Library {
	t.Helper()
	lib, err := framework.Default()
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// golden compares got with testdata/golden/name, or rewrites it under
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", "golden", name), got)
}

// scorecardWriters and comparisonWriters are the writers of every format,
// by the extension of its golden file.
var (
	scorecardWriters = map[string]func(io.Writer, *Scorecard) error{
		"txt": WriteScorecardTable, "md": WriteScorecardMarkdown, "json": WriteScorecardJSON, "html": WriteScorecardHTML,
	}
	comparisonWriters = map[string]func(io.Writer, *Comparison) error{
		"txt": WriteComparisonTable, "md": WriteComparisonMarkdown, "json": WriteComparisonJSON, "html": WriteComparisonHTML,
	}
)

func TestGoldenScorecards(t *testing.T) {
	lib := defaultLib(t)
	for _, ex := range []struct{ dir, id, weights string }{
		{"embassy-estonia-luxembourg", "ee-lu", ""},
		{"embassy-monaco-luxembourg", "mc-lu", ""},
		{"embassy-host-comparison", "host-ae", "ai-compute"},
	} {
		inv := loadExample(t, ex.dir)
		a, err := Find(inv, ex.id)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := Score(lib, inv, a, withKB(t, ex.weights))
		if err != nil {
			t.Fatal(err)
		}
		for ext, write := range scorecardWriters {
			t.Run(ex.id+"/"+ext, func(t *testing.T) {
				var b bytes.Buffer
				if err := write(&b, sc); err != nil {
					t.Fatal(err)
				}
				golden(t, "score-"+ex.id+"."+ext, b.Bytes())
			})
		}
	}
}

func TestGoldenComparison(t *testing.T) {
	lib := defaultLib(t)
	inv := loadExample(t, "embassy-host-comparison")
	c, err := Compare(lib, inv, []string{"host-lu", "host-no", "host-ae"}, withKB(t, "ai-compute"))
	if err != nil {
		t.Fatal(err)
	}
	for ext, write := range comparisonWriters {
		t.Run(ext, func(t *testing.T) {
			var b bytes.Buffer
			if err := write(&b, c); err != nil {
				t.Fatal(err)
			}
			golden(t, "compare-hosts."+ext, b.Bytes())
		})
	}
}

// TestExampleVerdicts pins the verdicts the example READMEs explain, so a
// change to the framework data that flips one is noticed here and not only
// as a golden diff.
func TestExampleVerdicts(t *testing.T) {
	lib := defaultLib(t)
	tests := []struct {
		dir, id, weights string
		qualifies        bool
		tier             string
		missing          int
	}{
		{"embassy-estonia-luxembourg", "ee-lu", "", true, "T3", 0},
		{"embassy-monaco-luxembourg", "mc-lu", "", false, "T0", 2},
		{"embassy-host-comparison", "host-lu", "ai-compute", true, "T3", 0},
		{"embassy-host-comparison", "host-no", "ai-compute", false, "T2", 0},
		{"embassy-host-comparison", "host-ae", "ai-compute", false, "T0", 2},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			inv := loadExample(t, tt.dir)
			a, err := Find(inv, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			sc, err := Score(lib, inv, a, withKB(t, tt.weights))
			if err != nil {
				t.Fatal(err)
			}
			if sc.Qualifies != tt.qualifies || sc.Result.LevelName != tt.tier || len(sc.Result.Missing) != tt.missing {
				t.Errorf("%s: qualifies %v tier %s missing %v; want %v %s %d", tt.id, sc.Qualifies, sc.Result.LevelName, sc.Result.Missing, tt.qualifies, tt.tier, tt.missing)
			}
			// The CLI-free entry point the assess package calls agrees.
			if ok, _ := Qualifies(a); ok != tt.qualifies {
				t.Errorf("Qualifies(%s) = %v", tt.id, ok)
			}
		})
	}
}
