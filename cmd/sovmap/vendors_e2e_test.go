package main

import (
	"encoding/json"
	"os"
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
