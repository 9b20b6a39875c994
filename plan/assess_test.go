package plan

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

const example = "../examples/strategy-sourcing-plan/inventory.yaml"

func loadExample(t testing.TB) (*sovmap.Inventory, AssessEvaluator) {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.Load(context.Background(), k, example)
	if err != nil {
		t.Fatal(err)
	}
	return inv, AssessEvaluator{KB: k, OptionsFor: assessOptions}
}

// TestModelMatchesAssess checks, on the worked example and random choices,
// that the solver's model of effective levels (own levels from one
// assessment per option, combined through the dependency graph) gives what
// assessing the whole changed inventory gives.
func TestModelMatchesAssess(t *testing.T) {
	inv, ev := loadExample(t)
	ctx := context.Background()
	p, _, err := build(ctx, inv, ev, Options{Years: 3})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	own := make([]sovmap.Level, p.n)
	eff := make([]sovmap.Level, p.n)
	for k := 0; k < 60; k++ {
		choice := make([]int, p.n)
		for i := range choice {
			choice[i] = rng.IntN(len(inv.Components[i].Options) + 1)
			own[i] = p.choices[i][choice[i]].own
		}
		p.propagate(own, eff)
		lv, err := ev.Levels(ctx, Variant(inv, choice))
		if err != nil {
			t.Fatal(err)
		}
		for i := range choice {
			if lv.Own[i] != own[i] || lv.Effective[i] != eff[i] || lv.Required[i] != p.choices[i][choice[i]].req {
				t.Fatalf("choice %v, %s: assess own/effective/required %d/%d/%d, model %d/%d/%d", choice, p.ids[i],
					lv.Own[i], lv.Effective[i], lv.Required[i], own[i], eff[i], p.choices[i][choice[i]].req)
			}
		}
	}
}

// TestExampleGolden solves the worked example under the constraints its
// README shows and compares every format with testdata/golden. Run
// `go test ./plan -update` after an intended change and review the diff.
func TestExampleGolden(t *testing.T) {
	inv, ev := loadExample(t)
	runs := []struct {
		name     string
		opts     Options
		feasible bool
	}{
		{"default", Options{}, true},
		{"budget", Options{Constraints: Constraints{Budget: 3_000_000}}, false},
		{"provider-cap", Options{Constraints: Constraints{MaxProviderShare: 0.4}}, true},
	}
	for _, run := range runs {
		r, err := Solve(context.Background(), inv, ev, run.opts)
		if err != nil {
			t.Fatal(err)
		}
		if r.Feasible != run.feasible || !r.Optimal {
			t.Errorf("%s: feasible %v optimal %v", run.name, r.Feasible, r.Optimal)
		}
		for ext, write := range map[string]func(io.Writer, *Result) error{".txt": WriteTable, ".md": WriteMarkdown, ".json": WriteJSON} {
			var buf bytes.Buffer
			if err := write(&buf, r); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", "sourcing-plan-"+run.name+ext)
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./plan -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s differs: %s\nrun go test ./plan -update and review the diff", golden, firstDiff(buf.String(), string(want)))
			}
		}
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n  got:  %q\n  want: %q", i+1, gl, wl)
		}
	}
	return "no line differs"
}
