// Package golden compares importer output with golden files, for the
// importers' tests. Run `go test ./importer/... -update` to rewrite the
// golden files after a deliberate change, and review the diff.
package golden

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	goldenfile "github.com/sovmap/sovmap/internal/golden"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
)

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
	goldenfile.Check(t, path, got)
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

// Knowledge returns sovmap's built-in knowledge base, failing the test
// when it does not load.
func Knowledge(t testing.TB) *kb.KB {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	return k
}
