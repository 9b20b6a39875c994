package strategy

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/sovmap/sovmap/kb"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// examples are the worked examples shipped in examples/.
var examples = []string{"strategy-small-energy-poor", "strategy-cheap-renewables", "strategy-eu-member"}

func loadExample(t *testing.T, name string) *Report {
	t.Helper()
	path := filepath.Join("..", "examples", name, "profile.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := DecodeProfile(filepath.ToSlash(filepath.Join("examples", name, "profile.yaml")), data)
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
	r, err := Recommend(context.Background(), p, set, k)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestGolden renders every worked example in every format and compares it
// with testdata/golden. Run `go test ./strategy -update` after an intended
// change and review the diff.
func TestGolden(t *testing.T) {
	for _, name := range examples {
		r := loadExample(t, name)
		for _, format := range Formats {
			t.Run(name+"/"+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Write(&buf, r, format, WriteOptions{Hosts: 8}); err != nil {
					t.Fatal(err)
				}
				ext := map[string]string{"table": ".txt", "markdown": ".md", "json": ".json"}[format]
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
					t.Errorf("%s differs from the golden file; run go test ./strategy -update and review the diff\n--- got:\n%s", golden, buf.String())
				}
			})
		}
	}
}
