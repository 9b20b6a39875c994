package sheet

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/risk"
)

func trustRegister(t *testing.T) *risk.Register {
	t.Helper()
	ctx := context.Background()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.Load(ctx, k, filepath.Join("..", "..", "risk", "testdata", "agency.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := assess.Assess(ctx, inv, k, assess.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := risk.NewModel(ctx, inv, rep, k)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := framework.Default()
	if err != nil {
		t.Fatal(err)
	}
	f, err := lib.Lookup(risk.TrustFramework)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := risk.NewRegister(ctx, m, risk.Options{Trust: f})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// TestProcurementMatchesRegister reads the workbook back and checks every
// provider's row against the register: the same tiers and scores, one
// column per dimension, and one Questions row per open question.
func TestProcurementMatchesRegister(t *testing.T) {
	reg := trustRegister(t)
	var buf bytes.Buffer
	if err := WriteProcurementXLSX(&buf, reg); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(SheetProcurement)
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		byID[r[0]] = r
	}
	questions := 0
	for _, v := range reg.Providers {
		r, ok := byID[v.ID]
		if !ok {
			t.Fatalf("no row for %s", v.ID)
		}
		for _, d := range v.Trust.Dimensions {
			key := strings.ReplaceAll(d.ID, "-", "_")
			tier, score := r[col[key+"_tier"]], r[col[key+"_score"]]
			if tier != d.TierName || score != strconv.Itoa(d.Score) {
				t.Errorf("%s %s: sheet %s %s, register %s %d", v.ID, d.ID, tier, score, d.TierName, d.Score)
			}
		}
		if r[col["weakest"]] != v.Trust.Weakest || r[col["risk"]] != strconv.Itoa(v.Risk) {
			t.Errorf("%s: weakest %s risk %s, register %s %d", v.ID, r[col["weakest"]], r[col["risk"]], v.Trust.Weakest, v.Risk)
		}
		questions += v.Trust.Questions
	}
	qs, err := f.GetRows(SheetQuestions)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, q := range qs[1:] {
		if _, ok := byID[q[0]]; ok && q[0] != "" {
			for _, v := range reg.Providers {
				if v.ID == q[0] {
					got++
				}
			}
		}
	}
	if got != questions {
		t.Errorf("%d questions of providers in the sheet, register has %d", got, questions)
	}
}

func TestProcurementNeedsProfiles(t *testing.T) {
	if err := WriteProcurementXLSX(&bytes.Buffer{}, &risk.Register{}); err == nil {
		t.Error("no error for a register without trust profiles")
	}
}
