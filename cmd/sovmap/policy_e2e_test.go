package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
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
	// DOCX: a Word file whose document part holds the organization and a
	// restricted country, read back as a zip.
	path := filepath.Join(t.TempDir(), "policy.docx")
	if _, stderr, code := runAtRoot(t, "policy", "examples/bank-dora", "--format", "docx", "-o", path); code != 0 {
		t.Fatalf("docx: exit %d, %s", code, stderr)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var body []byte
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	if !bytes.Contains(body, []byte("Banque Exemple SA")) || !bytes.Contains(body, []byte("under sanctions")) {
		t.Errorf("word/document.xml lacks the organization or the restricted list (%d bytes)", len(body))
	}
	if _, _, code := runAtRoot(t, "policy", "examples/bank-dora", "--format", "pdf"); code != 2 {
		t.Errorf("unknown format: exit %d, want 2", code)
	}
	if _, _, code := runAtRoot(t, "policy"); code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}
}
