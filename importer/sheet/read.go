package sheet

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
)

// table is one sheet read into rows of cells, with a way to name a cell in
// messages.
type table struct {
	// sheet is the sheet's name (xlsx) or the file's (csv).
	sheet string
	rows  [][]string
	// at names the cell at a 0-based row and column.
	at func(row, col int) string
}

func (t *table) cell(row, col int) string {
	if row < len(t.rows) && col < len(t.rows[row]) {
		return strings.TrimSpace(t.rows[row][col])
	}
	return ""
}

// cellName writes a 0-based row and column as a spreadsheet cell: D7.
func cellName(row, col int) string {
	name, err := excelize.CoordinatesToCellName(col+1, row+1)
	if err != nil {
		return fmt.Sprintf("R%dC%d", row+1, col+1)
	}
	return name
}

// maxErrors bounds how many problems one import reports.
const maxErrors = 100

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:/@+-]*$`)

// reader turns tables into an inventory.
type reader struct {
	opts importer.Options
	res  *importer.Result
	errs []error
	more int
	// refs are references to check once every sheet is read.
	refs []reference
	// components and providers map ids to where they were defined.
	components map[string]cell
	providers  map[string]cell
}

type reference struct {
	kind string // "component" or "provider"
	id   string
	at   cell
	what string // the field, for the message
}

// cell is where a value was read; it is named only when a message needs it.
type cell struct {
	t        *table
	row, col int
}

// String names the cell the way messages do.
func (c cell) String() string { return c.t.at(c.row, c.col) }

func newReader(opts importer.Options) *reader {
	return &reader{opts: opts, res: importer.NewResult(), components: map[string]cell{}, providers: map[string]cell{}}
}

func (r *reader) fail(at, format string, args ...any) {
	if len(r.errs) >= maxErrors {
		r.more++
		return
	}
	r.errs = append(r.errs, fmt.Errorf("%s: %s", at, fmt.Sprintf(format, args...)))
}

func (r *reader) err() error {
	if r.more > 0 {
		r.errs = append(r.errs, fmt.Errorf("... and %d more problems", r.more))
	}
	return errors.Join(r.errs...)
}

// header reads a table's first row against the sheet's columns. It
// returns the column index of each known column name.
func (r *reader) header(t *table, cols []column) (map[string]int, bool) {
	index := map[string]int{}
	if len(t.rows) == 0 {
		r.fail(t.at(0, 0), "the sheet is empty: its first row must name the columns (%s)", requiredNames(cols))
		return nil, false
	}
	known := map[string]bool{}
	for _, c := range cols {
		known[c.name] = true
	}
	for i, h := range t.rows[0] {
		key := headerKey(h)
		switch {
		case key == "":
		case !known[key]:
			r.res.Warn(t.at(0, i), "column %q is not one sovmap reads; ignored", strings.TrimSpace(h))
		default:
			if j, dup := index[key]; dup {
				r.fail(t.at(0, i), "column %s appears twice (first in %s)", key, cellName(0, j))
				continue
			}
			index[key] = i
		}
	}
	ok := true
	for _, c := range cols {
		if _, has := index[c.name]; c.required && !has {
			r.fail(t.at(0, 0), "no %s column: the first row must name the columns (%s)", c.name, requiredNames(cols))
			ok = false
		}
	}
	return index, ok
}

func requiredNames(cols []column) string {
	var names []string
	for _, c := range cols {
		if c.required {
			names = append(names, c.name)
		}
	}
	return "at least " + strings.Join(names, ", ")
}

// row gives access to one data row by column name.
type row struct {
	t     *table
	i     int
	index map[string]int
}

func (w row) get(name string) string {
	col, ok := w.index[name]
	if !ok {
		return ""
	}
	return w.t.cell(w.i, col)
}

func (w row) at(name string) string { return w.cell(name).String() }

// cell returns where a column's value is, for messages made later.
func (w row) cell(name string) cell {
	col, ok := w.index[name]
	if !ok {
		col = 0
	}
	return cell{t: w.t, row: w.i, col: col}
}

func (w row) empty() bool {
	for _, c := range w.t.rows[w.i] {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// id reads and checks the id column.
func (r *reader) id(w row, seen map[string]cell, kind string) (string, bool) {
	id := w.get("id")
	switch {
	case id == "":
		r.fail(w.at("id"), "%s without an id", kind)
		return "", false
	case !idPattern.MatchString(id):
		r.fail(w.at("id"), "%s id %q: use letters, digits and - _ . : / @ +, starting with a letter or a digit", kind, id)
		return "", false
	}
	if first, dup := seen[id]; dup {
		r.fail(w.at("id"), "duplicate %s id %q (first at %s)", kind, id, first)
		return "", false
	}
	seen[id] = w.cell("id")
	return id, true
}

// jurisdiction reads a country code (or name) or a bloc.
func (r *reader) jurisdiction(v string) (string, bool) {
	if code, ok := importer.CountryCode(r.opts.KB, v); ok {
		return code, true
	}
	up := strings.ToUpper(strings.TrimSpace(v))
	if _, ok := r.opts.KB.Bloc(up); ok {
		return up, true
	}
	return "", false
}

func (r *reader) jurisdictions(w row, name string) []string {
	var out []string
	for _, v := range splitList(w.get(name)) {
		code, ok := r.jurisdiction(v)
		if !ok {
			r.fail(w.at(name), "%s: unknown country or bloc %q (use an ISO 3166-1 alpha-2 code such as DE, or a bloc such as EU)", name, v)
			continue
		}
		out = append(out, code)
	}
	return out
}

func (r *reader) locations(w row) []string {
	var out []string
	for _, v := range splitList(w.get("locations")) {
		if strings.Contains(v, ":") {
			if _, ok := r.opts.KB.Region(v); !ok {
				r.fail(w.at("locations"), "locations: unknown region %q (see sovmap kb region, or use a country code)", v)
				continue
			}
			out = append(out, v)
			continue
		}
		code, ok := r.jurisdiction(v)
		if !ok {
			r.fail(w.at("locations"), "locations: unknown location %q (use a country code such as DE, a bloc or a provider:region id)", v)
			continue
		}
		out = append(out, code)
	}
	return out
}

func (r *reader) dataClasses(w row) []string {
	var out []string
	for _, v := range splitList(w.get("data")) {
		if !importer.IsDataClass(v) {
			r.fail(w.at("data"), "data class %q is not a dotted lower-case name such as personal.health", v)
			continue
		}
		out = append(out, v)
	}
	return out
}

func (r *reader) integer(w row, name string) *int {
	v := w.get(name)
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v, ".0"))
	if err != nil || n < 0 {
		r.fail(w.at(name), "%s: %q is not a whole number of days", name, v)
		return nil
	}
	return &n
}

func (r *reader) boolean(w row, name string) *bool {
	v := strings.ToLower(w.get(name))
	var b bool
	switch v {
	case "":
		return nil
	case "yes", "y", "true", "1", "x", "ja", "oui":
		b = true
	case "no", "n", "false", "0", "nein", "non":
		b = false
	default:
		r.fail(w.at(name), "%s: %q is not yes or no", name, w.get(name))
		return nil
	}
	return &b
}

func (r *reader) ids(w row, name, kind string) []string {
	var out []string
	for _, v := range splitList(w.get(name)) {
		if !idPattern.MatchString(v) {
			r.fail(w.at(name), "%s: %q is not an id", name, v)
			continue
		}
		out = append(out, v)
		r.refs = append(r.refs, reference{kind: kind, id: v, at: w.cell(name), what: name})
	}
	return out
}

var dependencyPattern = regexp.MustCompile(`^(\S+?)\s*(?:\(\s*(runtime|supply)\s*\))?$`)

func (r *reader) dependencies(w row) []sovmap.Dependency {
	var out []sovmap.Dependency
	for _, v := range splitList(w.get("depends_on")) {
		m := dependencyPattern.FindStringSubmatch(v)
		if m == nil || !idPattern.MatchString(m[1]) {
			r.fail(w.at("depends_on"), "depends_on: %q is not a component id, optionally followed by (runtime) or (supply)", v)
			continue
		}
		kind := sovmap.Runtime
		if m[2] == "supply" {
			kind = sovmap.Supply
		}
		out = append(out, sovmap.Dependency{ID: m[1], Kind: kind})
		r.refs = append(r.refs, reference{kind: "component", id: m[1], at: w.cell("depends_on"), what: "depends_on"})
	}
	return out
}

func (r *reader) tags(w row) map[string]string {
	list := splitList(w.get("tags"))
	if len(list) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, v := range list {
		k, val, ok := strings.Cut(v, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			r.fail(w.at("tags"), "tags: %q is not key=value", v)
			continue
		}
		out[k] = strings.TrimSpace(val)
	}
	return out
}

// components reads the Components sheet.
func (r *reader) readComponents(ctx context.Context, t *table) error {
	index, ok := r.header(t, componentColumns)
	if !ok {
		return nil
	}
	inv := r.res.Inventory
	for i := 1; i < len(t.rows); i++ {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		r.opts.Report(i, len(t.rows)-1)
		w := row{t: t, i: i, index: index}
		if w.empty() {
			continue
		}
		id, ok := r.id(w, r.components, "component")
		if !ok {
			continue
		}
		c := sovmap.Component{ID: id, Name: w.get("name")}
		switch l := sovmap.Layer(strings.ToLower(w.get("layer"))); {
		case l == "":
			r.fail(w.at("layer"), "component %s has no layer (one of %s)", id, joinLayers())
		case !l.Valid():
			r.fail(w.at("layer"), "unknown layer %q (one of %s)", w.get("layer"), joinLayers())
		default:
			c.Layer = l
		}
		if p := w.get("provider"); p != "" {
			if !idPattern.MatchString(p) {
				r.fail(w.at("provider"), "provider %q is not an id", p)
			} else {
				c.Provider = p
				r.refs = append(r.refs, reference{kind: "provider", id: p, at: w.cell("provider"), what: "provider"})
			}
		}
		c.Locations = r.locations(w)
		c.OperatedFrom = r.jurisdictions(w, "operated_from")
		c.Data = r.dataClasses(w)
		if v := strings.ToLower(w.get("criticality")); v != "" {
			if cr := sovmap.Criticality(v); cr.Valid() {
				c.Criticality = cr
			} else {
				r.fail(w.at("criticality"), "unknown criticality %q (one of %s)", w.get("criticality"), joinCriticalities())
			}
		}
		if v := strings.ToLower(w.get("key_custody")); v != "" {
			if kc := sovmap.KeyCustody(v); kc.Valid() {
				c.KeyCustody = kc
			} else {
				r.fail(w.at("key_custody"), "unknown key custody %q (one of %s)", w.get("key_custody"), joinKeyCustodies())
			}
		}
		c.DependsOn = r.dependencies(w)
		c.Certifications = splitList(w.get("certifications"))
		c.Contract = r.contract(w)
		c.Arrangement = w.get("arrangement")
		c.Alternatives = r.ids(w, "alternatives", "component")
		c.MigrationDays = r.integer(w, "migration_days")
		c.Tags = r.tags(w)
		c.Pos = sovmap.Pos{File: t.sheet, Line: i + 1}
		inv.Components = append(inv.Components, c)
	}
	return nil
}

func (r *reader) contract(w row) *sovmap.Contract {
	var k sovmap.Contract
	if v := w.get("governing_law"); v != "" {
		if code, ok := r.jurisdiction(v); ok {
			k.GoverningLaw = code
		} else {
			r.fail(w.at("governing_law"), "governing_law: unknown country or bloc %q", v)
		}
	}
	k.ExitNoticeDays = r.integer(w, "exit_notice_days")
	k.DataReturn = r.boolean(w, "data_return")
	k.AuditRights = r.boolean(w, "audit_rights")
	if v := strings.ToLower(w.get("portability")); v != "" {
		valid := false
		for _, p := range sovmap.Portabilities {
			valid = valid || string(p) == v
		}
		if valid {
			k.Portability = sovmap.Portability(v)
		} else {
			r.fail(w.at("portability"), "unknown portability %q (one of %s)", w.get("portability"), strings.Join(sovmap.Names(sovmap.Portabilities), ", "))
		}
	}
	if k == (sovmap.Contract{}) {
		return nil
	}
	return &k
}

func (r *reader) readProviders(t *table) {
	index, ok := r.header(t, providerColumns)
	if !ok {
		return
	}
	for i := 1; i < len(t.rows); i++ {
		w := row{t: t, i: i, index: index}
		if w.empty() {
			continue
		}
		id, ok := r.id(w, r.providers, "provider")
		if !ok {
			continue
		}
		p := sovmap.Provider{ID: id, Name: w.get("name")}
		if v := w.get("country"); v != "" {
			if code, ok := importer.CountryCode(r.opts.KB, v); ok {
				p.Country = code
			} else {
				r.fail(w.at("country"), "country: unknown country %q (use an ISO 3166-1 alpha-2 code such as LU)", v)
			}
		}
		if v := w.get("parent"); v != "" {
			if idPattern.MatchString(v) {
				p.Parent = v
				r.refs = append(r.refs, reference{kind: "provider", id: v, at: w.cell("parent"), what: "parent"})
			} else {
				r.fail(w.at("parent"), "parent %q is not an id", v)
			}
		}
		p.Alternatives = r.ids(w, "alternatives", "provider")
		if v := w.get("foreign_ownership"); v != "" {
			f, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
			if err != nil || f < 0 || f > 100 {
				r.fail(w.at("foreign_ownership"), "foreign_ownership: %q is not a number from 0 to 100", v)
			} else {
				p.ForeignOwnership = &f
			}
		}
		p.Pos = sovmap.Pos{File: t.sheet, Line: i + 1}
		r.res.Inventory.Providers = append(r.res.Inventory.Providers, p)
	}
}

func (r *reader) readFlows(t *table) {
	index, ok := r.header(t, flowColumns)
	if !ok {
		return
	}
	seen := map[string]cell{}
	for i := 1; i < len(t.rows); i++ {
		w := row{t: t, i: i, index: index}
		if w.empty() {
			continue
		}
		id, ok := r.id(w, seen, "flow")
		if !ok {
			continue
		}
		f := sovmap.Flow{ID: id}
		for _, end := range []string{"from", "to"} {
			v := w.get(end)
			switch {
			case v == "":
				r.fail(w.at(end), "flow %s has no %s component", id, end)
			case !idPattern.MatchString(v):
				r.fail(w.at(end), "%s: %q is not a component id", end, v)
			default:
				r.refs = append(r.refs, reference{kind: "component", id: v, at: w.cell(end), what: end})
			}
		}
		f.From, f.To = w.get("from"), w.get("to")
		f.Data = r.dataClasses(w)
		if v := strings.ToLower(w.get("mechanism")); v != "" {
			valid := false
			for _, m := range sovmap.Mechanisms {
				valid = valid || string(m) == v
			}
			if valid {
				f.Mechanism = sovmap.Mechanism(v)
			} else {
				r.fail(w.at("mechanism"), "unknown mechanism %q (one of %s)", w.get("mechanism"), strings.Join(sovmap.Names(sovmap.Mechanisms), ", "))
			}
		}
		f.Pos = sovmap.Pos{File: t.sheet, Line: i + 1}
		r.res.Inventory.Flows = append(r.res.Inventory.Flows, f)
	}
}

// readOrganization reads the Organization sheet: a field column and a
// value column.
func (r *reader) readOrganization(t *table) {
	known := map[string]bool{}
	for _, c := range organizationFields {
		known[c.name] = true
	}
	org := &r.res.Inventory.Organization
	for i := range t.rows {
		field := headerKey(t.cell(i, 0))
		value := t.cell(i, 1)
		at := t.at(i, 1)
		switch {
		case field == "" || field == "field" && i == 0:
			continue
		case !known[field]:
			r.res.Warn(t.at(i, 0), "organization field %q is not one sovmap reads; ignored", t.cell(i, 0))
			continue
		}
		switch field {
		case "name":
			org.Name = value
		case "home":
			if code, ok := r.jurisdiction(value); ok {
				org.Home = code
			} else {
				r.fail(at, "home: unknown country or bloc %q (use an ISO 3166-1 alpha-2 code such as DE, or a bloc such as EU)", value)
			}
		case "sectors":
			var sectors []string
			for _, v := range splitList(value) {
				if s := strings.ToLower(v); importer.IsDataClass(s) && !strings.Contains(s, ".") {
					sectors = append(sectors, s)
				} else {
					r.fail(at, "sectors: %q is not a lower-case sector name such as health", v)
				}
			}
			org.Sectors = sectors
		default:
			var codes []string
			for _, v := range splitList(value) {
				if code, ok := r.jurisdiction(v); ok {
					codes = append(codes, code)
				} else {
					r.fail(at, "%s: unknown country or bloc %q", field, v)
				}
			}
			switch field {
			case "trusted":
				org.Trusted = codes
			case "restricted":
				org.Restricted = codes
			case "neutral":
				org.Neutral = codes
			}
		}
	}
}

// checkReferences reports references to components and providers that
// are defined nowhere: not in the sheets, and for providers not in the
// knowledge base either.
func (r *reader) checkReferences() {
	for _, ref := range r.refs {
		switch ref.kind {
		case "component":
			if _, ok := r.components[ref.id]; !ok {
				r.fail(ref.at.String(), "%s: no component %q in the Components sheet", ref.what, ref.id)
			}
		case "provider":
			if _, ok := r.providers[ref.id]; ok {
				continue
			}
			if _, ok := r.opts.KB.Provider(ref.id); !ok {
				r.fail(ref.at.String(), "%s: no provider %q in the Providers sheet or the knowledge base (sovmap kb provider lists it)", ref.what, ref.id)
			}
		}
	}
}
