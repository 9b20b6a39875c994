package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/internal/docxtext"
)

// TestE2ETIA runs sovmap tia on the bank-transfers example in the three
// formats and on usage mistakes.
func TestE2ETIA(t *testing.T) {
	out, stderr, code := runAtRoot(t, "tia", "examples/bank-transfers", "--all", "--date", "2026-12-05")
	if code != 0 {
		t.Fatalf("tia --all: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Draft for counsel, not legal advice", "## 1. Transfer card-transactions-to-us", "## 2. Transfer kyc-files-to-india",
		"Step 1: know the transfer", "Step 6: re-evaluation", "Clarifying Lawful Overseas Use of Data (CLOUD) Act", "Information Technology Act, section 69",
		"Re-evaluate by:** 2027-12-05", "## Sources"} {
		if !strings.Contains(out, want) {
			t.Errorf("tia markdown lacks %q", want)
		}
	}
	html, _, code := runAtRoot(t, "tia", "examples/bank-transfers", "kyc-files-to-india", "--format", "html", "--date", "2026-12-05")
	if code != 0 || !strings.HasPrefix(html, "<!DOCTYPE html>") || !strings.Contains(html, "Transfer kyc-files-to-india") || strings.Contains(html, "card-transactions-to-us") {
		t.Errorf("tia --format html of one flow: exit %d\n%.300s", code, html)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "tia.docx")
	if _, stderr, code := runAtRoot(t, "tia", "examples/bank-transfers", "card-transactions-to-us", "--format", "docx", "-o", file); code != 0 {
		t.Fatalf("tia --format docx: exit %d: %s", code, stderr)
	}
	checkDOCX(t, file, []string{"Transfer impact assessment (draft)", "Draft for counsel, not legal advice", "Step 3: the law and practice of the destination",
		"Foreign Intelligence Surveillance Act, section 702", "Questions to answer", "Sources"}, true)
	if out, _, _ := runAtRoot(t, "__complete", "tia", "examples/bank-transfers", ""); !strings.Contains(out, "card-transactions-to-us\nkyc-files-to-india\n") {
		t.Errorf("tia does not complete the flow ids:\n%s", out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"tia", "examples/bank-transfers"}, "name at least one flow"},
		{[]string{"tia", "examples/bank-transfers", "--all", "kyc-files-to-india"}, "not both"},
		{[]string{"tia", "examples/bank-transfers", "nope"}, `no flow "nope"`},
		{[]string{"tia", "examples/bank-transfers", "--all", "--format", "pdf"}, "unknown --format"},
		{[]string{"tia", "examples/bank-transfers", "--all", "--date", "5/12/2026"}, `--date "5/12/2026": want a date YYYY-MM-DD`},
		{[]string{"tia", "examples/hospital-group", "--all"}, "needs a transfer impact assessment"},
	} {
		_, stderr, code := runAtRoot(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestE2EEmbassyDraft drafts the agreement of each host of the comparison
// example, in Markdown and DOCX.
func TestE2EEmbassyDraft(t *testing.T) {
	dir := t.TempDir()
	for _, id := range []string{"host-lu", "host-no", "host-ae"} {
		out, stderr, code := runAtRoot(t, "embassy", "draft", "examples/embassy-host-comparison/inventory.yaml", id)
		if code != 0 {
			t.Fatalf("embassy draft %s: exit %d: %s", id, code, stderr)
		}
		for _, want := range []string{"Draft for counsel, not legal advice", "## Preamble", "## Article 1. Definitions", "Inviolability", "Dispute settlement", "VCDR art. 22"} {
			if !strings.Contains(out, want) {
				t.Errorf("draft %s lacks %q", id, want)
			}
		}
		file := filepath.Join(dir, id+".docx")
		if _, stderr, code := runAtRoot(t, "embassy", "draft", "examples/embassy-host-comparison/inventory.yaml", id, "-f", "docx", "-o", file); code != 0 {
			t.Fatalf("embassy draft %s --format docx: exit %d: %s", id, code, stderr)
		}
		// LibreOffice is slow to start: one of the three drafts is enough for it.
		checkDOCX(t, file, []string{"on the hosting of data and information systems", "Draft for counsel, not legal advice", "Article 2. Inviolability", "Sources"}, id == "host-ae")
	}
	if out, _, _ := runAtRoot(t, "__complete", "embassy", "draft", "examples/embassy-host-comparison/inventory.yaml", "host-"); !strings.Contains(out, "host-lu\nhost-no\nhost-ae\n") {
		t.Errorf("embassy draft does not complete the arrangement ids:\n%s", out)
	}
	if _, stderr, code := runAtRoot(t, "embassy", "draft", "examples/embassy-host-comparison/inventory.yaml", "host-xx"); code != 2 || !strings.Contains(stderr, "host-lu") {
		t.Errorf("unknown arrangement: exit %d, %s", code, stderr)
	}
	// An -o that is the inventory itself is refused before anything is written.
	if _, stderr, code := runAtRoot(t, "embassy", "draft", "examples/embassy-host-comparison/inventory.yaml", "host-lu", "-o", "examples/embassy-host-comparison/inventory.yaml", "--force"); code != 2 || !strings.Contains(stderr, "input") {
		t.Errorf("-o over the input: exit %d, %s", code, stderr)
	}
}

// checkDOCX reads the DOCX at path with the zip+XML reader and, with
// libreOffice and when it is installed (always in CI), LibreOffice, and
// finds want in order in each.
func checkDOCX(t *testing.T, path string, want []string, libreOffice bool) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text, err := docxtext.Read(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if missing := docxtext.InOrder(text, want); missing != "" {
		t.Errorf("%s (zip+XML): %q missing or out of order", path, missing)
	}
	if !libreOffice {
		return
	}
	lo, err := docxtext.LibreOffice(context.Background(), path)
	switch {
	case errors.Is(err, docxtext.ErrNoLibreOffice) && os.Getenv("SOVMAP_TEST_CHROMIUM") == "":
		t.Logf("LibreOffice not installed: %s read with the zip+XML reader only", path)
	case err != nil:
		t.Fatalf("%s: %v", path, err)
	default:
		if missing := docxtext.InOrder(lo, want); missing != "" {
			t.Errorf("%s (LibreOffice): %q missing or out of order", path, missing)
		}
	}
}

// TestE2EDatesReadAlike: every flag that takes a day refuses a malformed
// one in the same words, exit 2.
func TestE2EDatesReadAlike(t *testing.T) {
	for _, args := range [][]string{
		{"tia", "examples/bank-transfers", "--all", "--date"},
		{"kb", "jurisdiction", "US", "--on"},
		{"embassy", "score", "examples/embassy-ai-compute", "gpu-ae", "--on"},
		{"strategy", "examples/strategy-eu-member/profile.yaml", "--at"},
	} {
		flag := args[len(args)-1]
		_, stderr, code := runAtRoot(t, append(args, "5/12/2026")...)
		if want := "sovmap: " + flag + ` "5/12/2026": want a date YYYY-MM-DD`; code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", args, code, stderr, want)
		}
	}
}
