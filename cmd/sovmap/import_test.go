package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
)

func TestCheckImported(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	inv := &sovmap.Inventory{Version: 1, Components: []sovmap.Component{{ID: "a", Layer: sovmap.LayerCompute}}}
	big := bytes.Repeat([]byte("#\n"), inventory.DefaultMaxYAMLBytes/2+1)
	if _, _, err := checkImported(ctx, k, inv, "yaml", big); err == nil || !strings.Contains(err.Error(), "write JSON instead") {
		t.Errorf("oversized YAML: %v", err)
	}
	_, missing, err := checkImported(ctx, k, inv, "json", nil)
	if err != nil || !missing {
		t.Errorf("no home: missing %v, err %v; want a missing home and no error", missing, err)
	}
	bad := &sovmap.Inventory{Version: 1, Organization: sovmap.Organization{Home: "DE"},
		Components: []sovmap.Component{{ID: "a", Layer: sovmap.LayerCompute, Provider: "nowhere"}}}
	data := []byte(`{"version": 1, "organization": {"name": "", "home": "DE"}, "components": [{"id": "a", "layer": "compute", "provider": "nowhere"}]}`)
	if _, _, err := checkImported(ctx, k, bad, "json", data); err == nil || !strings.Contains(err.Error(), `unknown provider "nowhere"`) {
		t.Errorf("bad provider: %v", err)
	}
}

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	p := newProgressLine(&buf, "importing x", false)
	p.report(1, 2)
	p.done()
	if buf.Len() != 0 {
		t.Errorf("progress shown on a non-terminal without --progress: %q", buf.String())
	}
	p = newProgressLine(&buf, "importing x", true)
	for i := 1; i <= 1000; i++ {
		p.report(i, 1000)
	}
	p.done()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if lines[0] != "importing x: 1/1000 (0%)" || lines[len(lines)-1] != "importing x: 1000/1000 (100%)" {
		t.Errorf("progress lines = %q", lines)
	}
}
