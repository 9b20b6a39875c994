package sheet

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/sovmap/sovmap"
)

// The template's example rows: a small, valid inventory that shows every
// kind of value. Replace them with your own.
var (
	exampleComponents = [][]string{
		{"train-cluster", "GPU training cluster", "aws-emea", "compute", "aws:eu-central-1", "IE, US", "personal.health", "high", "customer-managed", "ehr-db, cuda (supply)", "ISO27001, C5", "LU", "90", "yes", "standard", "no", "", "inference", "120", "team=ml"},
		{"ehr-db", "Health records database", "", "storage", "DE", "DE", "personal.health", "vital", "domestic-hsm", "", "", "", "", "", "", "", "", "", "", ""},
		{"inference", "Inference service", "sov-cloud", "compute", "DE", "DE", "personal", "high", "customer-held", "train-cluster", "SecNumCloud", "DE", "180", "yes", "open", "yes", "", "", "60", ""},
		{"cuda", "CUDA toolkit", "nvidia", "platform", "", "US", "", "medium", "", "", "", "", "", "", "proprietary", "", "", "", "", ""},
	}
	exampleProviders = [][]string{
		{"sov-cloud", "Example Sovereign Cloud GmbH", "DE", "example-holding", "", "0"},
		{"example-holding", "Example Holding SE", "FR", "", "", ""},
	}
	exampleFlows = [][]string{
		{"ehr-to-train", "ehr-db", "train-cluster", "personal.health", "none"},
	}
	exampleOrganization = [][]string{
		{"name", "Example Agency"},
		{"home", "DE"},
		{"trusted", "EU, CH, GB"},
		{"restricted", "RU, BY, KP, IR"},
		{"neutral", ""},
		{"sectors", "health"},
	}
)

func names(cols []column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.name
	}
	return out
}

// readme is the README sheet's text: how to fill the workbook, then one
// block per sheet with a line per column.
func readme() [][]string {
	rows := [][]string{
		{"sovmap inventory template"},
		{"Fill one row per component, provider and flow; replace the example rows. Then run: sovmap import xlsx inventory.xlsx -o inventory.yaml"},
		{"Lists (locations, data, depends_on, ...) take several values separated by commas, semicolons or line breaks. Empty cells mean \"not known\": unknown facts never raise a level."},
		{"The same sheets can be kept as CSV files side by side: components.csv, providers.csv, flows.csv, organization.csv (sovmap template csv -o components.csv writes them)."},
		{},
	}
	block := func(sheet, what string, cols []column) {
		rows = append(rows, []string{sheet + " sheet: " + what}, []string{"column", "required", "what it holds", "allowed values", "example"})
		for _, c := range cols {
			req := ""
			if c.required {
				req = "yes"
			}
			allowed := c.allowed
			if c.list {
				allowed += " (a list)"
			}
			rows = append(rows, []string{c.name, req, c.help, allowed, c.example})
		}
		rows = append(rows, []string{})
	}
	block(SheetComponents, "the building blocks of the AI stack", componentColumns)
	block(SheetProviders, "legal entities that supply or operate components (optional: sovmap's knowledge base knows the major ones)", providerColumns)
	block(SheetFlows, "movements of data between components (optional)", flowColumns)
	block(SheetOrganization, "whose point of view the assessment takes: a field column and a value column", organizationFields)
	return rows
}

// WriteXLSX writes the template workbook: the data sheets with their
// header row, example rows and drop-down lists, and the README sheet.
func WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	sheets := []struct {
		name string
		cols []column
		rows [][]string
	}{
		{SheetComponents, componentColumns, exampleComponents},
		{SheetProviders, providerColumns, exampleProviders},
		{SheetFlows, flowColumns, exampleFlows},
		{SheetOrganization, []column{{name: "field"}, {name: "value"}}, exampleOrganization},
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return err
		}
		if err := writeRows(f, s.name, append([][]string{names(s.cols)}, s.rows...)); err != nil {
			return err
		}
		last, _ := excelize.ColumnNumberToName(len(s.cols))
		if err := f.SetCellStyle(s.name, "A1", last+"1", bold); err != nil {
			return err
		}
		if err := f.SetColWidth(s.name, "A", last, 18); err != nil {
			return err
		}
		if err := f.SetPanes(s.name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		if err := dropLists(f, s.name, s.cols); err != nil {
			return err
		}
	}
	if _, err := f.NewSheet(SheetReadme); err != nil {
		return err
	}
	if err := writeRows(f, SheetReadme, readme()); err != nil {
		return err
	}
	if err := f.SetColWidth(SheetReadme, "A", "A", 22); err != nil {
		return err
	}
	if err := f.SetColWidth(SheetReadme, "C", "D", 60); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

func writeRows(f *excelize.File, sheet string, rows [][]string) error {
	for i, r := range rows {
		if len(r) == 0 {
			continue
		}
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = v
		}
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &cells); err != nil {
			return err
		}
	}
	return nil
}

// dropLists adds drop-down lists to the columns with a closed set of
// values, over the first thousand rows.
func dropLists(f *excelize.File, sheet string, cols []column) error {
	choices := map[string][]string{
		"layer":        layerStrings(),
		"criticality":  criticalityStrings(),
		"key_custody":  keyCustodyStrings(),
		"portability":  sovmap.Names(sovmap.Portabilities),
		"data_return":  {"yes", "no"},
		"audit_rights": {"yes", "no"},
		"mechanism":    sovmap.Names(sovmap.Mechanisms),
	}
	for i, c := range cols {
		list, ok := choices[c.name]
		if !ok {
			continue
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(fmt.Sprintf("%s2:%s1000", col, col))
		if err := dv.SetDropList(list); err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, "sovmap", "Allowed values: "+strings.Join(list, ", "))
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return err
		}
	}
	return nil
}

func layerStrings() []string {
	out := make([]string, len(sovmap.Layers))
	for i, l := range sovmap.Layers {
		out[i] = string(l)
	}
	return out
}

func criticalityStrings() []string {
	out := make([]string, len(sovmap.Criticalities))
	for i, c := range sovmap.Criticalities {
		out[i] = string(c)
	}
	return out
}

func keyCustodyStrings() []string {
	out := make([]string, len(sovmap.KeyCustodies))
	for i, k := range sovmap.KeyCustodies {
		out[i] = string(k)
	}
	return out
}

// CSVSheets are the template's CSV files: the file name and how to write
// it. The first is the components file the importer is pointed at.
var CSVSheets = []string{"components.csv", ProvidersCSV, FlowsCSV, OrganizationCSV}

// WriteCSV writes one sheet of the template as CSV; file is one of
// CSVSheets.
func WriteCSV(w io.Writer, file string) error {
	var rows [][]string
	switch file {
	case "components.csv":
		rows = append([][]string{names(componentColumns)}, exampleComponents...)
	case ProvidersCSV:
		rows = append([][]string{names(providerColumns)}, exampleProviders...)
	case FlowsCSV:
		rows = append([][]string{names(flowColumns)}, exampleFlows...)
	case OrganizationCSV:
		rows = append([][]string{{"field", "value"}}, exampleOrganization...)
	default:
		return fmt.Errorf("no template sheet %q", file)
	}
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}
