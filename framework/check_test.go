package framework

import (
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
)

func TestCheckInventory(t *testing.T) {
	lib, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	pos := func(line int) sovmap.Pos { return sovmap.Pos{File: "inv.yaml", Line: line, Col: 5} }
	inv := &sovmap.Inventory{
		Arrangements: []sovmap.Arrangement{
			{ID: "ok", Answers: map[string]any{"immunity": "full"}, Pos: pos(3)},
			{ID: "typo", Answers: map[string]any{"imunity": "full"}, Pos: pos(7)},
			{ID: "vendor", Framework: "eu-csf", Pos: pos(11)},
		},
		Assessments: []sovmap.Assessment{
			{ID: "csf", Provider: "p", Framework: "eu-csf", Answers: map[string]any{"SOV-1.1": "SEAL-5"}, Pos: pos(20)},
			{Provider: "p", Framework: "c5", Pos: pos(25)},
			{Provider: "p", Framework: "secnumcloud", Answers: map[string]any{"snc-no-veto": true}, Pos: pos(30)},
		},
	}
	err = CheckInventory(lib, inv)
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{
		`inv.yaml:7:5: arrangement typo: framework digital-embassy: answer to unknown criterion "imunity" (did you mean immunity?)`,
		"inv.yaml:11:5: arrangement vendor: framework eu-csf@2026 scores providers, not arrangements",
		`inv.yaml:20:5: assessment csf: framework eu-csf@2026: criterion SOV-1.1: answer "SEAL-5" is not on its ladder`,
		`inv.yaml:25:5: assessment of p: unknown framework "c5"`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "arrangement ok") || strings.Contains(msg, ":30:") {
		t.Errorf("valid entries reported:\n%s", msg)
	}
	if got := strings.Count(msg, "\n") + 1; got != 4 {
		t.Errorf("%d problems, want 4:\n%s", got, msg)
	}
	if err := CheckInventory(lib, &sovmap.Inventory{Arrangements: inv.Arrangements[:1]}); err != nil {
		t.Errorf("valid inventory: %v", err)
	}
}
