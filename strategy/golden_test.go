package strategy

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sovmap/sovmap/kb"
)

// goldenDay fixes the day time-dependent knowledge-base facts are read for.
var goldenDay = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// examples are the worked examples shipped in examples/.
var examples = []string{"strategy-small-energy-poor", "strategy-cheap-renewables", "strategy-eu-member", "strategy-gulf-uae", "strategy-africa-kenya", "strategy-asia-singapore", "strategy-organization"}

// cases are profiles in testdata/profiles that show what the examples do
// not: a plan that departs from the block-by-block recommendations.
var cases = []string{"coherence-market-facility", "coherence-idle-embassy"}

func loadExample(t *testing.T, name string) *Report {
	t.Helper()
	return loadProfile(t, filepath.Join("..", "examples", name, "profile.yaml"), filepath.Join("examples", name, "profile.yaml"))
}

// loadProfile recommends for the profile at path, naming it shown in the
// report so that golden files do not depend on the working directory.
func loadProfile(t *testing.T, path, shown string) *Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := DecodeProfile(filepath.ToSlash(shown), data)
	if err != nil {
		t.Fatal(err)
	}
	set, err := DefaultSet()
	if err != nil {
		t.Fatal(err)
	}
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Recommend(context.Background(), p, set, k, Options{At: goldenDay})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// writers are the writers of every format, by the extension of its golden
// file.
func writers(opts WriteOptions) map[string]func(io.Writer, *Report) error {
	return map[string]func(io.Writer, *Report) error{
		".txt":  func(w io.Writer, r *Report) error { return WriteTable(w, r, opts) },
		".md":   func(w io.Writer, r *Report) error { return WriteMarkdown(w, r, opts) },
		".json": WriteJSON,
	}
}

// TestGolden renders every worked example in every format and compares it
// with testdata/golden. Run `go test ./strategy -update` after an intended
// change and review the diff.
func TestGolden(t *testing.T) {
	reports := map[string]*Report{}
	var names []string
	for _, name := range examples {
		reports[name] = loadExample(t, name)
		names = append(names, name)
	}
	for _, name := range cases {
		path := filepath.Join("testdata", "profiles", name+".yaml")
		reports[name] = loadProfile(t, path, path)
		names = append(names, name)
	}
	for _, name := range names {
		r := reports[name]
		for ext, write := range writers(WriteOptions{Hosts: 8}) {
			t.Run(name+"/"+ext, func(t *testing.T) {
				var buf bytes.Buffer
				if err := write(&buf, r); err != nil {
					t.Fatal(err)
				}
				golden := filepath.Join("testdata", "golden", name+ext)
				if *update {
					if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./strategy -update to create it)", err)
				}
				if !bytes.Equal(buf.Bytes(), want) {
					t.Errorf("%s differs from the output: %s\nrun go test ./strategy -update and review the diff", golden, firstDiff(buf.String(), string(want)))
				}
			})
		}
	}
}

// firstDiff describes the first line where got and want differ.
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
