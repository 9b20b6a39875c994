package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestE2EVendorsTrust: every vendor of every example carries the four
// dimensions with tier, score, facts and questions, and the tier name is
// the framework's id for the tier number.
func TestE2EVendorsTrust(t *testing.T) {
	for _, ex := range []string{"examples/bank-dora", "examples/hospital-group", riskFixture} {
		out, stderr, code := runAtRoot(t, "vendors", ex, "--format", "json")
		if code != 0 {
			t.Fatalf("%s: exit %d, %s", ex, code, stderr)
		}
		var reg struct {
			Providers []struct {
				ID    string `json:"id"`
				Trust *struct {
					Weakest    string `json:"weakest"`
					Dimensions []struct {
						ID        string    `json:"id"`
						Tier      int       `json:"tier"`
						TierName  string    `json:"tier_name"`
						Score     int       `json:"score"`
						Facts     []string  `json:"facts"`
						Questions *[]string `json:"questions"`
					} `json:"dimensions"`
				} `json:"trust"`
			} `json:"providers"`
		}
		if err := json.Unmarshal([]byte(out), &reg); err != nil {
			t.Fatal(err)
		}
		for _, v := range reg.Providers {
			if v.Trust == nil || len(v.Trust.Dimensions) != 4 || v.Trust.Weakest == "" {
				t.Errorf("%s %s: trust %+v", ex, v.ID, v.Trust)
				continue
			}
			for _, d := range v.Trust.Dimensions {
				if d.Tier < 0 || d.Tier > 4 || d.TierName != "T"+string(rune('0'+d.Tier)) || d.Score < 0 || d.Score > 100 || len(d.Facts) == 0 || d.Questions == nil {
					t.Errorf("%s %s %s: %+v", ex, v.ID, d.ID, d)
				}
			}
		}
	}
	out, _, code := runAtRoot(t, "vendors", "examples/bank-dora")
	if code != 0 || !strings.Contains(out, "TRUST PROFILES") || !strings.Contains(out, "WEAKEST") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
}

func TestE2EVendorsProcurementSheet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.xlsx")
	if _, stderr, code := runAtRoot(t, "vendors", "examples/bank-dora", "--format", "xlsx", "-o", path); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Procurement")
	if err != nil || len(rows) < 2 || rows[0][0] != "vendor" {
		t.Fatalf("procurement rows %q, %v", rows, err)
	}
	data, _ := os.ReadFile(path)
	if len(data) == 0 {
		t.Error("empty workbook")
	}
}

func TestE2EVendorsCompare(t *testing.T) {
	out, stderr, code := runAtRoot(t, "vendors", "compare", "examples/bank-dora", "gcp-france", "s3ns", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var c struct {
		Ranking    []string `json:"ranking"`
		Dimensions []struct {
			ID    string `json:"id"`
			Cells []struct {
				Tier int `json:"tier"`
			} `json:"cells"`
		} `json:"dimensions"`
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Ranking) != 2 || len(c.Dimensions) != 4 || len(c.Dimensions[0].Cells) != 2 {
		t.Errorf("comparison %+v", c)
	}
	// The comparison shows the register's own tiers.
	out, _, _ = runAtRoot(t, "vendors", "examples/bank-dora", "--format", "json")
	var reg struct {
		Providers []struct {
			ID    string `json:"id"`
			Trust struct {
				Dimensions []struct {
					Tier int `json:"tier"`
				} `json:"dimensions"`
			} `json:"trust"`
		} `json:"providers"`
	}
	if err := json.Unmarshal([]byte(out), &reg); err != nil {
		t.Fatal(err)
	}
	for _, v := range reg.Providers {
		if v.ID != "gcp-france" {
			continue
		}
		for i, d := range v.Trust.Dimensions {
			if c.Dimensions[i].Cells[0].Tier != d.Tier {
				t.Errorf("%s: compare T%d, register T%d", c.Dimensions[i].ID, c.Dimensions[i].Cells[0].Tier, d.Tier)
			}
		}
	}
	for _, bad := range [][]string{
		{"vendors", "compare", "examples/bank-dora", "gcp-france", "nobody"},
		{"vendors", "compare", "examples/bank-dora", "gcp-france"},
		{"vendors", "compare", "examples/bank-dora", "s3ns", "s3ns"},
	} {
		if _, stderr, code := runAtRoot(t, bad...); code == 0 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", bad, code, stderr)
		}
	}
}

// TestE2EVendorsOutput: vendors and vendors compare take the format from
// the -o name, and refuse, before they read the inventory, to replace an
// existing file without --force, to write over an input, and to write the
// binary workbook to a terminal.
func TestE2EVendorsOutput(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "procurement.xlsx")
	if _, stderr, code := runAtRoot(t, "vendors", "examples/bank-dora", "-o", book); code != 0 {
		t.Fatalf("-o %s: exit %d: %s", book, code, stderr)
	}
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatalf("-o .xlsx without --format did not write a workbook: %v", err)
	}
	if rows, err := f.GetRows("Procurement"); err != nil || len(rows) < 2 {
		t.Errorf("procurement rows %q, %v", rows, err)
	}
	f.Close()
	comparison := filepath.Join(dir, "compare.json")
	if _, stderr, code := runAtRoot(t, "vendors", "compare", "examples/bank-dora", "gcp-france", "s3ns", "-o", comparison); code != 0 {
		t.Fatalf("compare -o %s: exit %d: %s", comparison, code, stderr)
	}
	if data, err := os.ReadFile(comparison); err != nil || !json.Valid(data) {
		t.Errorf("compare -o .json without --format: %v\n%s", err, data)
	}

	// A broken inventory, whose error would come first if the output were
	// checked only when written.
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("version: 1\ncomponents: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(comparison)
	for _, args := range [][]string{
		{"vendors", bad, "-o", comparison},
		{"vendors", "compare", bad, "gcp-france", "s3ns", "-o", comparison},
	} {
		_, stderr, code := runAtRoot(t, args...)
		if code != 2 || !strings.Contains(stderr, comparison+" exists; use --force") {
			t.Errorf("%v over an existing file: exit %d, %s", args, code, stderr)
		}
	}
	if after, _ := os.ReadFile(comparison); !bytes.Equal(before, after) {
		t.Error("the existing file was changed")
	}
	for _, args := range [][]string{
		{"vendors", bad, "-o", bad, "--force"},
		{"vendors", "compare", bad, "gcp-france", "s3ns", "-o", bad, "--force"},
	} {
		_, stderr, code := runAtRoot(t, args...)
		if code != 2 || !strings.Contains(stderr, "is an input of this command") {
			t.Errorf("%v: exit %d, %s", args, code, stderr)
		}
	}

	// A terminal, from script(1): the workbook is refused there, and the
	// table is written.
	if out, code := runOnTerminal(t, "vendors", "examples/bank-dora", "--format", "xlsx"); code != 2 || !strings.Contains(out, "--format xlsx writes a binary workbook: give -o FILE.xlsx") {
		t.Errorf("xlsx on a terminal: exit %d\n%s", code, out)
	}
	if out, code := runOnTerminal(t, "vendors", "examples/bank-dora"); code != 0 || !strings.Contains(out, "TRUST PROFILES") {
		t.Errorf("table on a terminal: exit %d\n%s", code, out)
	}
}

// runOnTerminal runs sovmap with args at the repository root on a
// terminal, which script(1) gives it, and returns what the terminal showed
// (standard output and error together) and the exit code. It skips the
// test where script(1) is not installed.
func runOnTerminal(t *testing.T, args ...string) (string, int) {
	t.Helper()
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1), which runs a command on a terminal, is not installed")
	}
	line := e2eBin
	for _, a := range args {
		line += " '" + a + "'"
	}
	cmd := exec.Command(script, "-q", "-e", "-c", line, "/dev/null")
	cmd.Dir = repoRoot(t)
	out, err := cmd.Output()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	case err != nil:
		t.Fatalf("script %v: %v", args, err)
	}
	return string(out), 0
}
