package sheet

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap/importer"
	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/internal/strictyaml"
)

// A ColumnMap says how the columns of an existing asset workbook (a
// compliance inventory, a CMDB export) become the fields of components, so
// that such a sheet imports without being retyped into the template:
//
//	sheet: Inventory
//	header_row: 2
//	first_row: 6
//	columns:
//	  id: UNIQUE ASSET IDENTIFIER
//	  name: [Diagram Label, DNS Name or URL]
//	  layer: Asset Type
//	tags:
//	  os: OS Name and Version
//	values:
//	  layer: {Database: storage, Router: connectivity}
//	defaults:
//	  layer: compute
//
// Source columns are named by their header, compared without regard to
// case or spacing. It is read strictly: an unknown key or field is an error
// with its line and column.
type ColumnMap struct {
	// Sheet is the workbook's sheet to read; the first sheet when empty.
	// CSV files have one sheet and ignore it.
	Sheet string `yaml:"sheet"`
	// HeaderRow is the 1-based row that names the columns (default 1).
	HeaderRow int `yaml:"header_row"`
	// FirstRow is the 1-based first row of data (default the row after the
	// header): rows between, such as guidance, are skipped.
	FirstRow int `yaml:"first_row"`
	// Columns maps a component field (a column of the template's
	// Components sheet, tags excepted) to the source columns it is read
	// from; with several, the first that is not empty in a row.
	Columns map[string]sources `yaml:"columns"`
	// Tags maps tag keys to source columns: a row's value becomes the
	// component's tag.
	Tags map[string]sources `yaml:"tags"`
	// Values maps, per field, source values to the values sovmap reads
	// ("Virtual Machine" to compute), compared without regard to case or
	// spacing; "*" catches the values not listed. List fields are mapped
	// item by item.
	Values map[string]map[string]string `yaml:"values"`
	// Defaults give a field's value where its cell is empty or no column
	// is mapped to it.
	Defaults map[string]string `yaml:"defaults"`

	name string
	// at holds the position of each field's mapping in the file, for
	// messages about the sheet that point back at the map.
	at map[string]string
}

// sources are the source columns of a field: one header, or a list.
type sources []string

// UnmarshalYAML reads one header or a list of headers.
func (s *sources) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = sources{n.Value}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*s = list
	return nil
}

// MaxColumnMapSize bounds a column map file.
const MaxColumnMapSize = 1 << 20

// mappable are the component fields a column map may fill: the template's
// columns but tags, which have their own key.
func mappable() []string {
	var out []string
	for _, c := range componentColumns {
		if c.name != "tags" {
			out = append(out, c.name)
		}
	}
	return out
}

// LoadColumnMap reads a column map named name (for messages).
func LoadColumnMap(name string, data []byte) (*ColumnMap, error) {
	root, err := strictyaml.Parse(name, data, strictyaml.Limits{What: "a column map", MaxBytes: MaxColumnMapSize, MaxAliases: strictyaml.MaxConfigAliases})
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, fmt.Errorf("%s: empty column map: it needs at least columns: {id: ..., layer: ...}", name)
	}
	cm := &ColumnMap{name: name, at: map[string]string{}}
	c := &strictyaml.Checker{ListKnown: true, Custom: func(c *strictyaml.Checker, n *yaml.Node, t reflect.Type, field string) bool {
		if t != reflect.TypeFor[sources]() {
			return false
		}
		switch {
		case n.Kind == yaml.ScalarNode && n.Value != "":
		case n.Kind == yaml.SequenceNode && len(n.Content) > 0:
			for _, item := range n.Content {
				if item.Kind != yaml.ScalarNode || item.Value == "" {
					c.Add(item, "%s: a column header, found %s", field, strictyaml.KindName(item))
				}
			}
		default:
			c.Add(n, "%s: a column header or a list of them, found %s", field, strictyaml.KindName(n))
		}
		return true
	}}
	c.Check(root, reflect.TypeFor[ColumnMap](), "")
	fields := mappable()
	checkKeys := func(section string, allowTags bool) {
		m := child(root, section)
		if m == nil || m.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k := m.Content[i]
			ok := slices.Contains(fields, k.Value) || allowTags && k.Value == "tags"
			if !ok {
				c.Add(k, "%s: %q is not a component field%s (one of %s)", section, k.Value, strictyaml.Suggest(k.Value, fields), strings.Join(fields, ", "))
				continue
			}
			cm.at[section+"."+k.Value] = fmt.Sprintf("%s:%d:%d", name, k.Line, k.Column)
		}
	}
	checkKeys("columns", false)
	checkKeys("values", false)
	checkKeys("defaults", false)
	if m := child(root, "tags"); m != nil && m.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(m.Content); i += 2 {
			cm.at["tags."+m.Content[i].Value] = fmt.Sprintf("%s:%d:%d", name, m.Content[i].Line, m.Content[i].Column)
		}
	}
	if len(c.Problems) > 0 {
		var lines []string
		for _, p := range c.Problems {
			lines = append(lines, fmt.Sprintf("%s:%d:%d: %s", name, p.Line, p.Col, p.Msg))
		}
		return nil, errors.New(strings.Join(lines, "\n"))
	}
	if err := root.Decode(cm); err != nil {
		return nil, fmt.Errorf("%s: %s", name, strictyaml.CleanMessage(err.Error()))
	}
	var missing []string
	for _, f := range []string{"id", "layer"} {
		if len(cm.Columns[f]) == 0 && (f == "id" || cm.Defaults[f] == "") {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s:%d:%d: columns: no %s (a component needs an id column, and a layer column or a default layer)", name, root.Line, root.Column, strings.Join(missing, " or "))
	}
	for key, row := range map[string]int{"header_row": cm.HeaderRow, "first_row": cm.FirstRow} {
		if row < 0 || row > MaxRows {
			n := child(root, key)
			return nil, fmt.Errorf("%s:%d:%d: %s: %d is not a row number from 1 to %d", name, n.Line, n.Column, key, row, MaxRows)
		}
	}
	if cm.HeaderRow == 0 {
		cm.HeaderRow = 1
	}
	if cm.FirstRow == 0 {
		cm.FirstRow = cm.HeaderRow + 1
	}
	if cm.FirstRow <= cm.HeaderRow {
		n := child(root, "first_row")
		return nil, fmt.Errorf("%s:%d:%d: first_row %d is not below header_row %d", name, n.Line, n.Column, cm.FirstRow, cm.HeaderRow)
	}
	return cm, nil
}

// child returns the value of key in a mapping node, or nil.
func child(m *yaml.Node, key string) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// sourceKey is how source headers and values are compared: lower case,
// runs of spaces and line breaks as one space.
func sourceKey(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// mapValue maps one source value of a field through the map's values.
func (cm *ColumnMap) mapValue(field, v string) string {
	m := cm.Values[field]
	if len(m) == 0 || v == "" {
		return v
	}
	key := sourceKey(v)
	for from, to := range m {
		if from != "*" && sourceKey(from) == key {
			return to
		}
	}
	if to, ok := m["*"]; ok {
		return to
	}
	return v
}

// listFields are the fields whose cells hold lists.
func listFields() map[string]bool {
	out := map[string]bool{}
	for _, c := range componentColumns {
		out[c.name] = c.list
	}
	return out
}

// mappedRow is what a row of a mapped table keeps of its source row: the
// row's index in the source and its tags.
type mappedRow struct {
	src  int
	tags map[string]string
}

// apply turns a source table into a table laid out as the template's
// Components sheet, whose cells are named by where their values came from,
// and says, per row of the result, where it came from and its tags.
func (cm *ColumnMap) apply(src *table) (out *table, extra []mappedRow, err error) {
	hr := cm.HeaderRow - 1
	if hr >= len(src.rows) {
		return nil, nil, fmt.Errorf("%s: header_row %d: the sheet has %d rows (%s)", src.at(hr, 0), cm.HeaderRow, len(src.rows), cm.name)
	}
	index := map[string]int{}
	var headers []string
	for i, h := range src.rows[hr] {
		if k := sourceKey(h); k != "" {
			if _, dup := index[k]; !dup {
				index[k] = i
			}
			headers = append(headers, strings.Join(strings.Fields(h), " "))
		}
	}
	resolve := func(where string, list sources) ([]int, error) {
		var cols []int
		for _, h := range list {
			i, ok := index[sourceKey(h)]
			if !ok {
				return nil, fmt.Errorf("%s: column %q is not in the header row %s of %s%s (it has %s)",
					where, h, src.at(hr, 0), src.sheet, strictyaml.Suggest(h, headers), strings.Join(headers, "; "))
			}
			cols = append(cols, i)
		}
		return cols, nil
	}
	type field struct {
		name string
		cols []int
	}
	var fields []field
	var errs []string
	for _, name := range mappable() {
		list, mapped := cm.Columns[name]
		if !mapped && cm.Defaults[name] == "" {
			continue
		}
		cols, err := resolve(cm.at["columns."+name], list)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		fields = append(fields, field{name, cols})
	}
	tagKeys := slices.Sorted(func(yield func(string) bool) {
		for k := range cm.Tags {
			if !yield(k) {
				return
			}
		}
	})
	tagCols := map[string][]int{}
	for _, k := range tagKeys {
		cols, err := resolve(cm.at["tags."+k], cm.Tags[k])
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		tagCols[k] = cols
	}
	if len(errs) > 0 {
		return nil, nil, errors.New(strings.Join(errs, "\n"))
	}

	lists := listFields()
	header := make([]string, len(fields))
	for i, f := range fields {
		header[i] = f.name
	}
	rows := [][]string{header}
	// origin holds, per row and column of the result, the source cell.
	origin := [][]int{nil}
	extra = []mappedRow{{src: hr}}
	for r := cm.FirstRow - 1; r < len(src.rows); r++ {
		row := make([]string, len(fields))
		from := make([]int, len(fields))
		for i, f := range fields {
			from[i] = 0
			if len(f.cols) > 0 {
				from[i] = f.cols[0]
			}
			v := ""
			for _, c := range f.cols {
				if v = src.cell(r, c); v != "" {
					from[i] = c
					break
				}
			}
			if v == "" {
				v = cm.Defaults[f.name]
			} else if lists[f.name] {
				items := splitList(v)
				for j, item := range items {
					items[j] = cm.mapValue(f.name, item)
				}
				v = strings.Join(items, ", ")
			} else {
				v = cm.mapValue(f.name, v)
			}
			row[i] = v
		}
		var tags map[string]string
		for _, k := range tagKeys {
			for _, c := range tagCols[k] {
				if v := src.cell(r, c); v != "" {
					if tags == nil {
						tags = map[string]string{}
					}
					tags[k] = v
					break
				}
			}
		}
		if !rowHasValue(src, r) {
			// A row that is empty in the source stays empty, defaults
			// and all, so that blank rows of a template are skipped.
			row = make([]string, len(fields))
			tags = nil
		}
		rows = append(rows, row)
		origin = append(origin, from)
		extra = append(extra, mappedRow{src: r, tags: tags})
	}
	out = &table{sheet: src.sheet, rows: rows, at: func(row, col int) string {
		if row < len(origin) && col < len(origin[row]) {
			return src.at(extra[row].src, origin[row][col])
		}
		if row < len(extra) {
			return src.at(extra[row].src, 0)
		}
		return src.at(row, col)
	}}
	return out, extra, nil
}

// rowHasValue reports whether a source row has any value.
func rowHasValue(t *table, r int) bool {
	if r >= len(t.rows) {
		return false
	}
	for _, c := range t.rows[r] {
		if strings.TrimSpace(c) != "" {
			return true
		}
	}
	return false
}

// ImportXLSXColumns reads the sheet a column map names (the first sheet
// when it names none) from a workbook of any layout.
func ImportXLSXColumns(ctx context.Context, name string, data []byte, opts importer.Options, cm *ColumnMap) (*importer.Result, error) {
	return withWorkbook(ctx, name, data, opts, defaultLimits, func(wb *openWorkbook) (*importer.Result, error) {
		want := cm.Sheet
		if want == "" && len(wb.names) > 0 {
			want = wb.names[0]
		}
		src, err := wb.load(want)
		if err != nil {
			return nil, err
		}
		if src == nil {
			return nil, fmt.Errorf("%s: no sheet %q (it has %s; %s names it)", name, cm.Sheet, strings.Join(wb.names, ", "), cm.name)
		}
		return importColumns(ctx, opts, cm, src)
	})
}

// ImportCSVColumns reads a CSV file of any layout with a column map. Only
// that file is read: the files beside it are the template's.
func ImportCSVColumns(ctx context.Context, fsys fs.FS, file string, opts importer.Options, cm *ColumnMap) (*importer.Result, error) {
	src, err := mainCSV(fsys, file, opts)
	if err != nil {
		return nil, err
	}
	return importColumns(ctx, opts, cm, src)
}

// importColumns maps a source table through a column map and reads the
// result as the template's Components sheet. Provider cells may hold
// names ("Amazon Web Services, Inc."): a name the knowledge base knows
// becomes its id, any other a providers: entry of its own, without a
// country, which the import reports.
func importColumns(ctx context.Context, opts importer.Options, cm *ColumnMap, src *table) (*importer.Result, error) {
	comps, tagRows, err := cm.apply(src)
	if err != nil {
		return nil, err
	}
	provs := cm.providers(opts, comps)
	res, err := read(ctx, opts, comps, provs, nil, nil)
	if err != nil {
		return nil, err
	}
	for i := range res.Inventory.Components {
		c := &res.Inventory.Components[i]
		row := c.Pos.Line - 1
		if row < 0 || row >= len(tagRows) {
			continue
		}
		if tags := tagRows[row].tags; len(tags) > 0 {
			if c.Tags == nil {
				c.Tags = map[string]string{}
			}
			maps.Copy(c.Tags, tags)
		}
		c.Pos.Line = tagRows[row].src + 1
	}
	var unplaced []string
	for _, p := range res.Inventory.Providers {
		if p.Country == "" {
			unplaced = append(unplaced, p.ID)
		}
	}
	if n := len(unplaced); n > 0 {
		res.Warn(src.at(cm.HeaderRow-1, 0), "%s named in the provider column %s not in the knowledge base (%s); %s unknown until an overlay gives %s a country",
			plural.Count(n, "provider"), plural.Pick(n, "is", "are"), strings.Join(unplaced, ", "), plural.Pick(n, "its jurisdiction stays", "their jurisdictions stay"), plural.Pick(n, "it", "them"))
	}
	return res, nil
}

// providers rewrites the provider cells of a mapped table as provider ids,
// and returns a Providers table for the names the knowledge base does not
// know (nil when there are none).
func (cm *ColumnMap) providers(opts importer.Options, t *table) *table {
	col := slices.Index(t.rows[0], "provider")
	if col < 0 {
		return nil
	}
	ids := map[string]string{} // source name -> id
	var rows [][]string
	var firstAt []cell
	for r := 1; r < len(t.rows); r++ {
		v := t.cell(r, col)
		if v == "" {
			continue
		}
		id, seen := ids[v]
		if !seen {
			switch p, ok := opts.KB.Provider(v); {
			case ok:
				id = p.ID
			default:
				if p, ok := importer.MatchProvider(opts.KB, v); ok {
					id = p.ID
					break
				}
				id = importer.Slug(v)
				for n := 2; slices.ContainsFunc(rows, func(row []string) bool { return row[0] == id }); n++ {
					id = fmt.Sprintf("%s-%d", importer.Slug(v), n)
				}
				rows = append(rows, []string{id, v})
				firstAt = append(firstAt, cell{t: t, row: r, col: col})
			}
			ids[v] = id
		}
		t.rows[r][col] = id
	}
	if len(rows) == 0 {
		return nil
	}
	return &table{sheet: t.sheet, rows: append([][]string{{"id", "name"}}, rows...), at: func(row, c int) string {
		if row >= 1 && row-1 < len(firstAt) {
			return firstAt[row-1].String()
		}
		return t.at(0, col)
	}}
}
