package html

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	goldenfile "github.com/sovmap/sovmap/internal/golden"
	"github.com/sovmap/sovmap/internal/sample"
)

// goldenCases are reports of the real engine: the examples, and a
// generated inventory past svg.GroupThreshold, whose stack is drawn by
// groups.
func goldenCases(t *testing.T) []sample.Assessed {
	t.Helper()
	cases, err := sample.Examples(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	inv, r, err := sample.Synthetic(t.Context(), 1200)
	if err != nil {
		t.Fatal(err)
	}
	return append(cases, sample.Assessed{Name: "synthetic-1200", Inventory: inv, Report: r})
}

// TestGoldenEngine holds the pages of the engine's reports to the bytes
// the writer gave before it streamed: testdata/engine.sha256 lists their
// SHA-256 digests (the pages are 2.5 MB), written by the whole writer of
// commit af20a0a. It is the oracle of the stream writer's pictures, tables
// and order on real assessments; a difference names the page.
func TestGoldenEngine(t *testing.T) {
	var sums strings.Builder
	for _, tc := range goldenCases(t) {
		var buf bytes.Buffer
		if err := WriteOptions(&buf, tc.Report, tc.Inventory, fixed); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&sums, "%x  %s.html\n", sha256.Sum256(buf.Bytes()), tc.Name)
	}
	goldenfile.Check(t, filepath.Join("testdata", "engine.sha256"), []byte(sums.String()))
}
