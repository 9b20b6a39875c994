package risk

import (
	"bytes"
	"context"
	"path/filepath"
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

// fixture loads testdata/agency.yaml as the CLI does.
func fixture(t *testing.T) *Model {
	t.Helper()
	ctx := context.Background()
	k := knowledge(t)
	inv, err := inventory.Load(ctx, k, filepath.Join("testdata", "agency.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := assess.Assess(ctx, inv, k, assess.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(ctx, inv, rep, k)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestGoldenRegister(t *testing.T) {
	m := fixture(t)
	reg, err := NewRegister(context.Background(), m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"vendors.txt", func(b *bytes.Buffer) error { return WriteRegisterTable(b, reg) }},
		{"vendors.json", func(b *bytes.Buffer) error { return WriteRegisterJSON(b, reg) }},
		{"vendors.md", func(b *bytes.Buffer) error { return WriteRegisterMarkdown(b, reg) }},
	} {
		var b bytes.Buffer
		if err := f.write(&b); err != nil {
			t.Fatal(err)
		}
		golden(t, f.name, b.Bytes())
	}
}

func TestGoldenAnalysis(t *testing.T) {
	m := fixture(t)
	a, err := Analyze(context.Background(), m, AnalysisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	one, err := Analyze(context.Background(), m, AnalysisOptions{Component: "citizen-app"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"graph.txt", func(b *bytes.Buffer) error { return WriteAnalysisTable(b, a) }},
		{"graph.json", func(b *bytes.Buffer) error { return WriteAnalysisJSON(b, a) }},
		{"graph.md", func(b *bytes.Buffer) error { return WriteAnalysisMarkdown(b, a) }},
		{"graph-citizen-app.txt", func(b *bytes.Buffer) error { return WriteAnalysisTable(b, one) }},
	} {
		var b bytes.Buffer
		if err := f.write(&b); err != nil {
			t.Fatal(err)
		}
		golden(t, f.name, b.Bytes())
	}
}
