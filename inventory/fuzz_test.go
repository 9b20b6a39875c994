package inventory_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/inventory"
)

// seedFiles lists the inventories the fuzz corpus starts from: the examples,
// the file `sovmap init` writes and this package's test data.
func seedFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{
		"../examples/*/inventory*.yaml", "../examples/*/inventory*.json",
		"../cmd/sovmap/init.yaml",
		"testdata/*.yaml", "testdata/*.json",
	} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 3 {
		t.Fatalf("only %d seed files found", len(files))
	}
	return files
}

// toJSON converts a YAML document to JSON, so that every YAML seed also
// seeds the JSON decoder.
func toJSON(data []byte) ([]byte, bool) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, false
	}
	b, err := json.Marshal(v)
	return b, err == nil
}

// FuzzDecode checks that no input makes the loader panic, that every
// problem it reports is an *inventory.Error naming the file, a line and a
// column, and that whatever it accepts can be assessed without a panic and
// with any error (a rule that does not compile) positioned.
func FuzzDecode(f *testing.F) {
	for _, name := range seedFiles(f) {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		isJSON := strings.HasSuffix(name, ".json")
		f.Add(data, isJSON)
		if !isJSON {
			if j, ok := toJSON(data); ok {
				f.Add(j, true)
			}
		}
	}
	for _, s := range []string{"", "{}", "[]", "version: 1", "{\"version\": 1, \"organization\": {\"home\": \"DE\"}}",
		"a: &a [*a]", "components: [*x]", "---\n---\n", "version: 1\norganization: {home: DE}\ncomponents:\n  - {id: a, layer: storage, depends_on: [a]}\n"} {
		f.Add([]byte(s), strings.HasPrefix(s, "{"))
	}
	k := knowledge(f)
	f.Fuzz(func(t *testing.T, data []byte, isJSON bool) {
		name := "fuzz.yaml"
		if isJSON {
			name = "fuzz.json"
		}
		ctx := context.Background()
		inv, err := inventory.Decode(ctx, k, name, data)
		if err != nil {
			var ie *inventory.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error %T %q is not an *inventory.Error", err, err)
			}
			if len(ie.Problems) == 0 {
				t.Fatal("*inventory.Error without problems")
			}
			for _, p := range ie.Problems {
				if p.Pos.File != name || p.Pos.Line < 1 || p.Pos.Col < 1 {
					t.Fatalf("problem %q has position %+v, want %s:line:col", p.Msg, p.Pos, name)
				}
				if p.Msg == "" {
					t.Fatalf("problem at %s has no message", p.Pos)
				}
			}
			return
		}
		kk, err := inventory.WithKnowledge(k, inv)
		if err != nil {
			t.Fatalf("Decode accepted a knowledge section that WithKnowledge refuses: %v", err)
		}
		r, err := assess.Assess(ctx, inv, kk, assess.Options{})
		if err != nil {
			if !strings.HasPrefix(err.Error(), name+":") {
				t.Fatalf("assess error without a position: %v", err)
			}
			return
		}
		if len(r.Components) != len(inv.Components) {
			t.Fatalf("%d results for %d components", len(r.Components), len(inv.Components))
		}
	})
}

// TestYAMLAndJSONAgree decodes the every-field inventory from YAML, writes
// it as JSON, decodes that, and checks both decodes are the same inventory:
// the two formats are one format.
func TestYAMLAndJSONAgree(t *testing.T) {
	data, err := os.ReadFile("testdata/every-field.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	fromYAML, err := inventory.Decode(ctx, knowledge(t), "every-field.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.MarshalIndent(fromYAML, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	fromJSON, err := inventory.Decode(ctx, knowledge(t), "every-field.json", j)
	if err != nil {
		t.Fatalf("the JSON form of a valid YAML inventory does not load: %v\n%s", err, j)
	}
	j2, err := json.MarshalIndent(fromJSON, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(j, j2) {
		t.Errorf("YAML and JSON decode differently:\nYAML: %s\nJSON: %s", j, j2)
	}
	// Positions are kept in both formats.
	if fromJSON.Components[1].Pos.Line == 0 || fromYAML.Components[1].Pos.Line == 0 {
		t.Errorf("positions lost: %v, %v", fromYAML.Components[1].Pos, fromJSON.Components[1].Pos)
	}
}
