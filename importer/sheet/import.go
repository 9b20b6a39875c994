package sheet

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/sovmap/sovmap/importer"
)

// Limits of what a workbook may hold, so that a small file cannot expand
// into gigabytes of memory (a zip bomb). They fit real inventories: the
// largest sovmap is measured on has 100,000 components, one row each, and
// asset workbooks have a few dozen columns.
const (
	// MaxUnzipped is the most a workbook may expand to, all parts together,
	// as the zip declares their sizes (archive/zip refuses parts that
	// expand beyond what they declare).
	MaxUnzipped = 256 << 20
	// inMemoryXML is the size above which a worksheet or the shared
	// strings are unpacked to a temporary file and streamed from it rather
	// than held in memory.
	inMemoryXML = 16 << 20
	// MaxRows is the most rows a sheet may have, counted to the last row
	// with a value.
	MaxRows = 200_000
	// MaxColumns is the most columns a row may have, counted to its last
	// cell with a value.
	MaxColumns = 1_024
	// MaxCells is the most cells a workbook's sheets may have in all,
	// counted to the last value of each row.
	MaxCells = 10_000_000
)

// limits are the bounds streamRows enforces; tests lower them to reach
// them cheaply.
type limits struct{ rows, columns, cells int }

var defaultLimits = limits{rows: MaxRows, columns: MaxColumns, cells: MaxCells}

var xlsxOptions = excelize.Options{UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: inMemoryXML}

// limitError says which limit a workbook broke, and where.
func limitError(name, sheet string, row, col int, what string, lim limits) error {
	return fmt.Errorf("%s: %s!%s: %s; sovmap reads at most %d rows a sheet, %d columns a row and %d cells a workbook (is this an inventory?)",
		name, sheet, cellName(row, col), what, lim.rows, lim.columns, lim.cells)
}

// streamRows reads a sheet row by row (the whole sheet is never parsed into
// memory at once) and stops at the first limit it breaks. cells counts the
// workbook's cells so far. Empty rows are kept as empty rows so that row
// numbers stay those of the sheet, but a run of them is only materialised
// when a row with a value follows it.
func streamRows(ctx context.Context, f *excelize.File, name, sheet string, cells *int, lim limits) ([][]string, error) {
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("%s: sheet %s: %w", name, sheet, err)
	}
	defer it.Close()
	var rows [][]string
	pending := 0 // empty rows not yet appended
	for n := 0; it.Next(); n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		cols, err := it.Columns()
		if err != nil {
			return nil, fmt.Errorf("%s: %s!%s: %w", name, sheet, cellName(n, 0), err)
		}
		for len(cols) > 0 && strings.TrimSpace(cols[len(cols)-1]) == "" {
			cols = cols[:len(cols)-1]
		}
		if len(cols) == 0 {
			pending++
			continue
		}
		switch {
		case n >= lim.rows:
			return nil, limitError(name, sheet, n, 0, fmt.Sprintf("a value in row %d", n+1), lim)
		case len(cols) > lim.columns:
			return nil, limitError(name, sheet, n, len(cols)-1, fmt.Sprintf("a value in column %d", len(cols)), lim)
		}
		if *cells += len(cols); *cells > lim.cells {
			return nil, limitError(name, sheet, n, len(cols)-1, fmt.Sprintf("more than %d cells", lim.cells), lim)
		}
		for ; pending > 0; pending-- {
			rows = append(rows, nil)
		}
		rows = append(rows, cols)
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("%s: sheet %s: %w", name, sheet, err)
	}
	return rows, nil
}

// ImportXLSX reads a workbook laid out as the template: a Components sheet
// and, optionally, Providers, Flows and Organization sheets.
func ImportXLSX(ctx context.Context, name string, data []byte, opts importer.Options) (res *importer.Result, err error) {
	return importXLSX(ctx, name, data, opts, defaultLimits)
}

func importXLSX(ctx context.Context, name string, data []byte, opts importer.Options, lim limits) (*importer.Result, error) {
	return withWorkbook(ctx, name, data, opts, lim, func(wb *openWorkbook) (*importer.Result, error) {
		comps, err := wb.load(SheetComponents)
		if err != nil {
			return nil, err
		}
		if comps == nil {
			return nil, fmt.Errorf("%s: no %s sheet (it has %s); `sovmap template xlsx` writes the layout, or give a column map (--columns) for a sheet of your own", name, SheetComponents, strings.Join(wb.names, ", "))
		}
		var provs, flows, org *table
		for _, x := range []struct {
			sheet string
			t     **table
		}{{SheetProviders, &provs}, {SheetFlows, &flows}, {SheetOrganization, &org}} {
			if *x.t, err = wb.load(x.sheet); err != nil {
				return nil, err
			}
		}
		res, err := read(ctx, opts, comps, provs, flows, org)
		if err != nil {
			return nil, err
		}
		return warnNoHome(res, comps), nil
	})
}

// openWorkbook is an open workbook whose sheets load on demand, row by row
// within the limits.
type openWorkbook struct {
	// names are the sheets, in the workbook's order.
	names []string
	load  func(sheet string) (*table, error)
}

// withWorkbook opens a workbook and hands it to fn. A malformed workbook
// gives an error, never a panic, whatever the zip and XML layers
// underneath do with it.
func withWorkbook(ctx context.Context, name string, data []byte, opts importer.Options, lim limits, fn func(*openWorkbook) (*importer.Result, error)) (res *importer.Result, err error) {
	if opts.KB == nil {
		return nil, fmt.Errorf("%s: no knowledge base given", name)
	}
	if len(data) > importer.MaxInputSize {
		return nil, fmt.Errorf("%s: %d bytes is more than the %d an import accepts", name, len(data), importer.MaxInputSize)
	}
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("%s: unreadable workbook: %v", name, p)
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), xlsxOptions)
	if err != nil {
		return nil, fmt.Errorf("%s: not an xlsx workbook: %w", name, err)
	}
	defer f.Close()
	sheets := map[string]string{}
	wb := &openWorkbook{}
	for _, s := range f.GetSheetList() {
		sheets[strings.ToLower(strings.TrimSpace(s))] = s
		wb.names = append(wb.names, s)
	}
	cells := 0
	wb.load = func(want string) (*table, error) {
		s, ok := sheets[strings.ToLower(strings.TrimSpace(want))]
		if !ok {
			return nil, nil
		}
		rows, err := streamRows(ctx, f, name, s, &cells, lim)
		if err != nil {
			return nil, err
		}
		return &table{sheet: s, rows: rows, at: func(row, col int) string {
			return fmt.Sprintf("%s: %s!%s", name, s, cellName(row, col))
		}}, nil
	}
	return fn(wb)
}

// read turns the tables into an inventory; only comps is required.
func read(ctx context.Context, opts importer.Options, comps, provs, flows, org *table) (*importer.Result, error) {
	r := newReader(opts)
	if org != nil {
		r.readOrganization(org)
	}
	if provs != nil {
		r.readProviders(provs)
	}
	if err := r.readComponents(ctx, comps); err != nil {
		return nil, err
	}
	if flows != nil {
		r.readFlows(flows)
	}
	r.checkReferences()
	if err := r.err(); err != nil {
		return nil, err
	}
	if len(r.res.Inventory.Components) == 0 {
		r.res.Warn(comps.at(0, 0), "no components: the sheet has a header row and nothing under it")
	}
	return r.res, nil
}

// warnNoHome says where a template import could have found the
// organization's home, when it found none.
func warnNoHome(res *importer.Result, comps *table) *importer.Result {
	if res.Inventory.Organization.Home == "" {
		res.Warn(comps.at(0, 0), "no organization home: add an Organization sheet (or organization.csv) with a home row, or set it in an overlay")
	}
	return res
}

// CSV file names read beside the components file.
const (
	ProvidersCSV    = "providers.csv"
	FlowsCSV        = "flows.csv"
	OrganizationCSV = "organization.csv"
)

// ImportCSV reads the Components sheet as a CSV file at file in fsys, and
// the providers.csv, flows.csv and organization.csv beside it when they
// exist. The separator is a comma or, as spreadsheets write it in many
// European locales, a semicolon; it is detected from the header row.
func ImportCSV(ctx context.Context, fsys fs.FS, file string, opts importer.Options) (*importer.Result, error) {
	comps, err := mainCSV(fsys, file, opts)
	if err != nil {
		return nil, err
	}
	dir := path.Dir(file)
	var side [3]*table
	for i, n := range []string{ProvidersCSV, FlowsCSV, OrganizationCSV} {
		p := path.Join(dir, n)
		if p == path.Clean(file) {
			continue
		}
		if side[i], err = readCSVFile(fsys, p); err != nil {
			return nil, err
		}
	}
	res, err := read(ctx, opts, comps, side[0], side[1], side[2])
	if err != nil {
		return nil, err
	}
	return warnNoHome(res, comps), nil
}

// mainCSV reads the file an import is given, which must exist.
func mainCSV(fsys fs.FS, file string, opts importer.Options) (*table, error) {
	if opts.KB == nil {
		return nil, fmt.Errorf("%s: no knowledge base given", file)
	}
	t, err := readCSVFile(fsys, file)
	if err == nil && t == nil {
		err = fmt.Errorf("%s: %w", file, fs.ErrNotExist)
	}
	return t, err
}

// readCSVFile reads one CSV file into a table; a missing file gives nil.
func readCSVFile(fsys fs.FS, file string) (*table, error) {
	f, err := fsys.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, importer.MaxInputSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(data) > importer.MaxInputSize {
		return nil, fmt.Errorf("%s: more than the %d bytes an import accepts", file, importer.MaxInputSize)
	}
	return parseCSV(path.Base(file), data)
}

// parseCSV parses CSV data named name into a table whose cells are named
// by line and column (and by spreadsheet cell, for those who open the
// file in a spreadsheet).
func parseCSV(name string, data []byte) (*table, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // the byte-order mark spreadsheets write
	rd := csv.NewReader(bytes.NewReader(data))
	rd.Comma = separator(data)
	rd.FieldsPerRecord = -1
	rd.ReuseRecord = false
	var rows [][]string
	var pos [][][2]int
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s:%d:%d: %v", name, pe.Line, pe.Column, pe.Err)
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		p := make([][2]int, len(rec))
		for i := range rec {
			line, col := rd.FieldPos(i)
			p[i] = [2]int{line, col}
		}
		rows = append(rows, rec)
		pos = append(pos, p)
	}
	return &table{sheet: name, rows: rows, at: func(row, col int) string {
		if row < len(pos) && col < len(pos[row]) {
			return fmt.Sprintf("%s:%d:%d (cell %s)", name, pos[row][col][0], pos[row][col][1], cellName(row, col))
		}
		if row < len(pos) && len(pos[row]) > 0 {
			return fmt.Sprintf("%s:%d (cell %s)", name, pos[row][0][0], cellName(row, col))
		}
		return fmt.Sprintf("%s (cell %s)", name, cellName(row, col))
	}}, nil
}

// separator picks ';' when the first line has more semicolons than commas
// outside quotes, ',' otherwise.
func separator(data []byte) rune {
	commas, semis, quoted := 0, 0, false
	for _, c := range data {
		if c == '\n' && !quoted {
			break
		}
		switch c {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				commas++
			}
		case ';':
			if !quoted {
				semis++
			}
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}
