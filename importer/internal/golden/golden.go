// Package golden compares importer output with golden files, for the
// importers' tests. Run `go test ./importer/... -update` to rewrite the
// golden files after a deliberate change, and review the diff.
package golden

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
)

var update = flag.Bool("update", false, "rewrite the golden files with the current output")

// Render writes an import result the way a reviewer reads it: the
// inventory as YAML, preceded by the warnings and skip counts as comments.
func Render(t *testing.T, r *importer.Result) []byte {
	t.Helper()
	var header strings.Builder
	for _, w := range r.Warnings {
		fmt.Fprintf(&header, "warning: %s\n", w)
	}
	for _, s := range r.SkippedSummary() {
		fmt.Fprintln(&header, s)
	}
	var buf bytes.Buffer
	if err := importer.WriteYAML(&buf, r.Inventory, header.String()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Check compares got with the golden file at path, or rewrites the file
// when -update is given.
func Check(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update and review the diff):\n%s", path, diff(string(want), string(got)))
	}
}

// diff shows the first lines where want and got part.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl == gl {
			continue
		}
		fmt.Fprintf(&b, "line %d:\n  want: %s\n  got:  %s\n", i+1, wl, gl)
		if shown++; shown == 10 {
			b.WriteString("...\n")
			break
		}
	}
	return b.String()
}

// CheckLoads writes an imported inventory to a file and loads it with the
// inventory package, as every sovmap command will: an importer must never
// produce a file sovmap then rejects. A missing organization home, which
// an import may leave to an overlay, is set to DE for the check.
func CheckLoads(t *testing.T, k *kb.KB, inv *sovmap.Inventory) {
	t.Helper()
	probe := *inv
	if probe.Organization.Home == "" {
		probe.Organization.Home = "DE"
	}
	path := filepath.Join(t.TempDir(), "imported.yaml")
	var buf bytes.Buffer
	if err := importer.WriteYAML(&buf, &probe, ""); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := inventory.Load(context.Background(), k, path); err != nil {
		t.Errorf("the imported inventory does not load:\n%v", err)
	}
}
