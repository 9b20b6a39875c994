package scenario

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	goldenfile "github.com/sovmap/sovmap/internal/golden"

	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/inventory"
)

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", "golden", name), got)
}

// TestGolden runs scenarios of every kind on the risk package's fixture
// inventory and compares the three formats with golden files.
func TestGolden(t *testing.T) {
	ctx := context.Background()
	k := knowledge(t)
	inv, err := inventory.Load(ctx, k, filepath.Join("..", "risk", "testdata", "agency.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m := model(t, inv, assess.Options{})
	e := NewEngine(m, Options{})
	for _, name := range []string{"us-orders", "cable-cut", "provider-exit:stackit", "region-cut:aws:eu-central-1",
		"energy-shortage:FR", "export-control:accelerators", "compel:FR"} {
		s, declared, err := Resolve(inv, name)
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.Run(ctx, s, declared, true)
		if err != nil {
			t.Fatal(err)
		}
		file := strings.ReplaceAll(name, ":", "_")
		var txt, md, js bytes.Buffer
		if err := WriteTable(&txt, r); err != nil {
			t.Fatal(err)
		}
		if err := WriteMarkdown(&md, r); err != nil {
			t.Fatal(err)
		}
		if err := WriteJSON(&js, r); err != nil {
			t.Fatal(err)
		}
		golden(t, file+".txt", txt.Bytes())
		golden(t, file+".md", md.Bytes())
		golden(t, file+".json", js.Bytes())
	}
	sw, err := RunSweep(ctx, m, SweepOptions{Detail: 2})
	if err != nil {
		t.Fatal(err)
	}
	var txt, md, js bytes.Buffer
	if err := WriteSweepTable(&txt, sw, -1); err != nil {
		t.Fatal(err)
	}
	if err := WriteSweepMarkdown(&md, sw, 10); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, sw); err != nil {
		t.Fatal(err)
	}
	golden(t, "sweep.txt", txt.Bytes())
	golden(t, "sweep.md", md.Bytes())
	golden(t, "sweep.json", js.Bytes())
}
