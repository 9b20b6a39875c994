package sheet

import (
	"fmt"
	"io"

	"github.com/sovmap/sovmap/risk"
)

// Sheet names of the procurement workbook.
const (
	SheetProcurement = "Procurement"
	SheetQuestions   = "Questions"
)

// procurementColumns: one row per vendor, a tier and a score column per
// trust dimension, then the weakest and the register's risk score.
var procurementColumns = []column{
	{"vendor", 20}, {"kind", 9}, {"name", 28}, {"controller", 20}, {"controller_country", 10}, {"controller_tier", 11},
	{"legal_jurisdiction_tier", 9}, {"legal_jurisdiction_score", 9},
	{"data_sovereignty_tier", 9}, {"data_sovereignty_score", 9},
	{"security_standards_tier", 9}, {"security_standards_score", 9},
	{"exit_rights_tier", 9}, {"exit_rights_score", 9},
	{"political_commitment_tier", 9},
	{"weakest", 20}, {"trust_tier", 9}, {"open_questions", 9}, {"risk", 7}, {"components", 11}, {"exit_days", 9},
}

var questionColumns = []column{{"vendor", 20}, {"dimension", 20}, {"question", 90}}

// WriteProcurementXLSX writes the vendor register's trust profiles as a
// workbook for procurement: the Procurement sheet (a row per vendor, the
// four trust dimensions as columns) and the Questions sheet (every open
// question, a row each). Providers come first, then ultimate parents that
// are not themselves a provider row.
func WriteProcurementXLSX(w io.Writer, reg *risk.Register) error {
	if reg == nil {
		return fmt.Errorf("xlsx: no register to write")
	}
	var rows, questions [][]any
	seen := map[string]bool{}
	for _, part := range []struct {
		kind string
		vs   []risk.Vendor
	}{{"provider", reg.Providers}, {"parent", reg.Parents}} {
		for _, v := range part.vs {
			if v.Trust == nil || seen[v.ID] {
				continue
			}
			seen[v.ID] = true
			row := []any{safe(v.ID), part.kind, safe(v.Name), safe(v.Controller), v.ControllerCountry, v.Tier}
			for _, d := range v.Trust.Dimensions {
				row = append(row, d.TierName, d.Score)
			}
			row = append(row, v.Trust.Political.TierName, v.Trust.Weakest, v.Trust.TierName, v.Trust.Questions, v.Risk, v.Components, v.Exit.Days)
			rows = append(rows, row)
			for _, d := range append(v.Trust.Dimensions, v.Trust.Political) {
				for _, q := range d.Questions {
					questions = append(questions, []any{safe(v.ID), d.ID, safe(q)})
				}
			}
		}
	}
	if len(rows) == 0 {
		return fmt.Errorf("xlsx: the register has no trust profiles")
	}
	if len(questions) > MaxRows {
		return fmt.Errorf("xlsx: %d questions do not fit the %s sheet (at most %d)", len(questions), SheetQuestions, MaxRows)
	}
	f, t, err := newWorkbook(SheetProcurement, SheetQuestions)
	if err != nil {
		return err
	}
	defer f.Close()
	t.writeRows(SheetProcurement, procurementColumns, rows)
	t.writeRows(SheetQuestions, questionColumns, questions)
	if t.err != nil {
		return t.err
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}
