package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestE2EPolicy renders every format for both examples and checks usage
// mistakes exit 2.
func TestE2EPolicy(t *testing.T) {
	for _, ex := range []string{"examples/bank-dora", "examples/hospital-group"} {
		out, stderr, code := runAtRoot(t, "policy", ex)
		if code != 0 || !strings.HasPrefix(out, "# Cross-border data transfer policy: ") || !strings.Contains(out, "## Annex: current flows") {
			t.Fatalf("%s markdown: exit %d, %s", ex, code, stderr)
		}
		out, _, code = runAtRoot(t, "policy", ex, "--format", "html")
		if code != 0 || !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.Contains(out, "</html>") {
			t.Errorf("%s html: exit %d", ex, code)
		}
		out, _, code = runAtRoot(t, "policy", ex, "--format", "json")
		var d struct {
			Home  string            `json:"home"`
			Annex []json.RawMessage `json:"annex"`
		}
		if err := json.Unmarshal([]byte(out), &d); err != nil || code != 0 || d.Home == "" {
			t.Errorf("%s json: %v exit %d", ex, err, code)
		}
	}
	if _, _, code := runAtRoot(t, "policy", "examples/bank-dora", "--format", "docx"); code != 2 {
		t.Errorf("unknown format: exit %d, want 2", code)
	}
	if _, _, code := runAtRoot(t, "policy"); code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}
}
